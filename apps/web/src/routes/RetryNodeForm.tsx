import { useEffect, useRef, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { PROVIDER_CATALOG_QUERY } from '../graphql/provider-connections.ts';
import { RETRY_NODE } from '../graphql/nodes.ts';
import type { NodeFieldsFragment as Node } from '../graphql/generated/graphql.ts';
import { mutationOutcome, splitFieldErrors, type AppError } from '../errors.ts';
import { ErrorList } from '../components/ErrorNotice.tsx';
import { Field } from '../components/Field.tsx';
import { describeType, imagesFor, keepOrFirst, serverTypesIn } from './CreateNodeForm.tsx';

const FIELDS = ['location', 'serverType', 'image'] as const;

/**
 * Retry of a FAILED node: a new attempt, where the person may choose another location, server
 * type or image (from the connection's catalog, narrowed as in the create form). Only what
 * changed is sent; unchanged, the retry reuses the node's own choices.
 */
export function RetryNodeForm({ node, onRetried, onCancel }: { node: Node; onRetried: (node: Node) => void; onCancel: () => void }) {
  const [{ data }] = useQuery({ query: PROVIDER_CATALOG_QUERY, variables: { id: node.providerConnection.id } });
  const catalog = data?.providerConnection?.catalog ?? null;
  const [location, setLocation] = useState(node.location);
  const [serverTypeName, setServerTypeName] = useState(node.serverType);
  const [imageName, setImageName] = useState(node.image);
  const [errors, setErrors] = useState<AppError[]>([]);
  const [retrying, retry] = useMutation(RETRY_NODE);
  const types = catalog ? serverTypesIn(catalog, location) : [];
  const serverType = types.find((type) => type.name === serverTypeName);
  const images = catalog ? imagesFor(catalog, serverType) : [];
  const typeNames = types.map((type) => type.name).join(' ');
  const imageNames = images.map((image) => image.name).join(' ');
  useEffect(() => { if (typeNames) setServerTypeName((current) => keepOrFirst(current, typeNames.split(' '))); }, [typeNames]);
  useEffect(() => { if (imageNames) setImageName((current) => keepOrFirst(current, imageNames.split(' '))); }, [imageNames]);
  const { byField, general } = splitFieldErrors(errors, FIELDS);
  // The form opened on a click: the focus goes to its heading, where a screen reader starts.
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  async function submit() {
    const changed = {
      ...(location !== node.location ? { location } : {}),
      ...(serverTypeName !== node.serverType ? { serverType: serverTypeName } : {}),
      ...(imageName !== node.image ? { image: imageName } : {}),
    };
    const result = await retry({ input: { id: node.id, ...changed } });
    const outcome = mutationOutcome(result, result.data?.retryNode);
    if (outcome.errors) {
      setErrors(outcome.errors);
      return;
    }
    setErrors([]);
    onRetried(outcome.payload.node);
  }

  return (
    <form
      className="card retry-form"
      aria-labelledby="retry-title"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <h2 id="retry-title" ref={heading} tabIndex={-1}>Retry {node.name}</h2>
      <p className="muted small">A new attempt. Keep the choices, or pick another location, server type or image.</p>
      <ErrorList errors={general} />
      <div className="form-grid">
        <Field label="Location" error={byField.location}>
          <select name="location" value={location} onChange={(event) => setLocation(event.target.value)} disabled={!catalog}>
            {(catalog?.locations ?? [{ name: node.location, city: node.location, country: '' }]).map((entry) => (
              <option key={entry.name} value={entry.name}>{entry.country ? `${entry.city}, ${entry.country} (${entry.name})` : entry.name}</option>
            ))}
          </select>
        </Field>
        <Field label="Server type" help={`Types offered in ${location}.`} error={byField.serverType}>
          <select name="serverType" value={serverTypeName} onChange={(event) => setServerTypeName(event.target.value)} disabled={!catalog}>
            {catalog ? types.map((type) => <option key={type.name} value={type.name}>{describeType(type)}</option>) : <option value={node.serverType}>{node.serverType}</option>}
          </select>
        </Field>
        <Field label="Image" error={byField.image}>
          <select name="image" value={imageName} onChange={(event) => setImageName(event.target.value)} disabled={!catalog}>
            {catalog ? images.map((image) => <option key={`${image.name}-${image.architecture}`} value={image.name}>{image.description || image.name}</option>) : <option value={node.image}>{node.image}</option>}
          </select>
        </Field>
      </div>
      <div className="actions">
        <button type="submit" disabled={retrying.fetching}>{retrying.fetching ? 'Retrying…' : 'Retry now'}</button>
        <button type="button" className="secondary" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}
