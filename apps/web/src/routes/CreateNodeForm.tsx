import { useEffect, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { CONNECTIONS_PAGE_SIZE, PROVIDER_CATALOG_QUERY, PROVIDER_CONNECTIONS_QUERY, REFRESH_CATALOG } from '../graphql/provider-connections.ts';
import { CREATE_NODE } from '../graphql/nodes.ts';
import type { ProviderCatalogQuery } from '../graphql/generated/graphql.ts';

export type ProviderCatalog = NonNullable<NonNullable<ProviderCatalogQuery['providerConnection']>['catalog']>;
type ServerType = ProviderCatalog['serverTypes'][number];
type Image = ProviderCatalog['images'][number];
import { fromOperationError, mutationOutcome, splitFieldErrors, type AppError } from '../errors.ts';
import { Link, navigate } from '../router.tsx';
import { ErrorList, ErrorNotice } from '../components/ErrorNotice.tsx';
import { ARCHITECTURE_LABELS, CREDENTIAL_LABELS } from '../words.ts';
import { Field } from '../components/Field.tsx';
import { EMPTY_NODE_RESOURCES, NodeResourcesFields, RESOURCE_FIELDS, nodeResourcesInput, type NodeResourcesValue } from './NodeResourcesFields.tsx';
import { PlacementPrice } from '../components/PlacementPrice.tsx';
import { AlternativesEditor, type PlacementChoice } from '../components/AlternativesEditor.tsx';

const FIELDS = ['providerConnectionId', 'name', 'location', 'serverType', 'image', ...RESOURCE_FIELDS] as const;
const CONNECTIONS_CONTEXT = { additionalTypenames: ['ProviderConnection'] };

/** Server types offered in a location. */
export function serverTypesIn(catalog: ProviderCatalog, location: string): ServerType[] {
  return catalog.serverTypes.filter((type) => type.locations.includes(location));
}

/** Images that boot on a server type (same CPU architecture). */
export function imagesFor(catalog: ProviderCatalog, serverType: ServerType | undefined): Image[] {
  return serverType ? catalog.images.filter((image) => image.architecture === serverType.architecture) : [];
}

export function describeType(type: ServerType): string {
  return `${type.name} — ${type.cores} vCPU, ${type.memoryGb} GB RAM, ${type.diskGb} GB disk, ${ARCHITECTURE_LABELS[type.architecture]}${type.deprecated ? ' (deprecated)' : ''}`;
}

/** A value that is still among `options`, else the first option (or '' when there is none). */
export function keepOrFirst(value: string, options: readonly string[]): string {
  return options.includes(value) ? value : (options[0] ?? '');
}

/**
 * "Create node": pick a connection, then a location, a server type offered there and an image
 * for that type's architecture, all from the connection's live catalog.
 */
export function CreateNodeForm({ onCancel }: { onCancel: () => void }) {
  const [connections] = useQuery({ query: PROVIDER_CONNECTIONS_QUERY, variables: { first: CONNECTIONS_PAGE_SIZE }, context: CONNECTIONS_CONTEXT });
  const [connectionId, setConnectionId] = useState('');
  const [name, setName] = useState('');
  const [location, setLocation] = useState('');
  const [serverTypeName, setServerTypeName] = useState('');
  const [imageName, setImageName] = useState('');
  const [resources, setResources] = useState<NodeResourcesValue>(EMPTY_NODE_RESOURCES);
  const [alternatives, setAlternatives] = useState<PlacementChoice[]>([]);
  const [errors, setErrors] = useState<AppError[]>([]);
  const [creation, createNode] = useMutation(CREATE_NODE);

  const usable = connections.data?.providerConnections.nodes ?? [];
  // Default to the first connection the provider accepted.
  useEffect(() => {
    if (!connectionId && usable.length > 0) setConnectionId((usable.find((c) => c.credentialStatus === 'VALID') ?? usable[0]!).id);
  }, [connectionId, usable]);

  const [catalogResult] = useQuery({ query: PROVIDER_CATALOG_QUERY, variables: { id: connectionId }, pause: !connectionId });
  // A connection whose catalog was never read yet (just connected): read it now, once.
  const [refreshing, refreshCatalog] = useMutation(REFRESH_CATALOG);
  const [refreshed, setRefreshed] = useState<{ id: string; catalog: ProviderCatalog | null; error: AppError | null } | null>(null);
  const stored = catalogResult.data?.providerConnection;
  useEffect(() => {
    if (!stored || stored.catalog || refreshed?.id === stored.id) return;
    setRefreshed({ id: stored.id, catalog: null, error: null });
    void refreshCatalog({ input: { id: stored.id } }).then((result) => {
      const outcome = mutationOutcome(result, result.data?.refreshCatalog);
      setRefreshed({ id: stored.id, catalog: outcome.payload?.providerConnection.catalog ?? null, error: outcome.errors?.[0] ?? null });
    });
  }, [stored, refreshed, refreshCatalog]);
  const catalog = stored?.catalog ?? (refreshed?.id === stored?.id ? refreshed?.catalog ?? null : null);
  const catalogError = refreshed?.id === stored?.id ? refreshed?.error ?? null : null;
  const types = catalog ? serverTypesIn(catalog, location) : [];
  const serverType = types.find((type) => type.name === serverTypeName);
  const images = catalog ? imagesFor(catalog, serverType) : [];

  // Each choice narrows the next: keep what still fits, else take the first that does.
  useEffect(() => {
    if (catalog) setLocation((current) => keepOrFirst(current, catalog.locations.map((l) => l.name)));
  }, [catalog]);
  const typeNames = types.map((type) => type.name).join(' ');
  const imageNames = images.map((image) => image.name).join(' ');
  useEffect(() => setServerTypeName((current) => keepOrFirst(current, typeNames.split(' '))), [typeNames]);
  useEffect(() => setImageName((current) => keepOrFirst(current, imageNames.split(' '))), [imageNames]);

  // "networkIds.1" and "labels.2.key" are shown at their field; fallback placements' errors keep their row.
  const { byField, general: unplaced } = splitFieldErrors(
    errors.map((error) => ({ ...error, field: error.field?.startsWith('alternatives.') ? error.field : (error.field?.replace(/\.\d+(\..*)?$/, '') ?? null) })),
    FIELDS,
  );
  const isAlternativeError = (error: AppError) => error.field === 'alternatives' || (error.field?.startsWith('alternatives.') ?? false);
  const general = unplaced.filter((error) => !isAlternativeError(error));
  // Fallback placements belong to one connection's catalog.
  useEffect(() => setAlternatives([]), [connectionId]);

  async function submit() {
    const result = await createNode({
      input: {
        providerConnectionId: connectionId,
        name: name.trim(),
        location,
        serverType: serverTypeName,
        image: imageName,
        ...nodeResourcesInput(resources),
        ...(alternatives.length > 0 ? { alternatives: alternatives.map((choice) => ({ location: choice.location, serverType: choice.serverType })) } : {}),
      },
    });
    const outcome = mutationOutcome(result, result.data?.createNode);
    if (outcome.errors) {
      setErrors(outcome.errors);
      return;
    }
    navigate(`/nodes/${encodeURIComponent(outcome.payload.node.id)}`);
  }

  if (connections.data && usable.length === 0) {
    return (
      <section className="card">
        <h2>Create node</h2>
        <p className="empty">Nodes come from a provider. <Link to="/providers">Connect a Hetzner Cloud project</Link> first.</p>
      </section>
    );
  }

  return (
    <section className="card" aria-labelledby="create-node">
      <h2 id="create-node">Create node</h2>
      {connections.error && <ErrorNotice error={fromOperationError(connections.error)} title="Could not load the provider connections" />}
      {catalogResult.error && <ErrorNotice error={fromOperationError(catalogResult.error)} title="Could not load the provider's catalog" />}
      {catalogError && <ErrorNotice error={catalogError} title="Could not read the provider's catalog" />}
      {refreshing.fetching && <p className="muted small">Reading the provider's catalog…</p>}
      <ErrorList errors={general} />
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <div className="form-grid">
          <Field label="Provider connection" error={byField.providerConnectionId}>
            <select name="providerConnectionId" value={connectionId} onChange={(event) => setConnectionId(event.target.value)} required>
              {usable.map((connection) => (
                <option key={connection.id} value={connection.id}>
                  {connection.name}{connection.credentialStatus === 'VALID' ? '' : ` (${CREDENTIAL_LABELS[connection.credentialStatus].toLowerCase()})`}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Name" help="A hostname: lowercase letters, digits and hyphens, up to 63 characters." error={byField.name}>
            <input name="name" value={name} onChange={(event) => setName(event.target.value)} required autoComplete="off" spellCheck={false} placeholder="web-1" />
          </Field>
          <Field label="Location" error={byField.location}>
            <select name="location" value={location} onChange={(event) => setLocation(event.target.value)} disabled={!catalog} required>
              {catalog?.locations.map((entry) => (
                <option key={entry.name} value={entry.name}>{`${entry.city}, ${entry.country} (${entry.name})`}</option>
              ))}
            </select>
          </Field>
          <Field label="Server type" help={location ? `Types offered in ${location}.` : undefined} error={byField.serverType}>
            <select name="serverType" value={serverTypeName} onChange={(event) => setServerTypeName(event.target.value)} disabled={!catalog} required>
              {types.map((type) => (
                <option key={type.name} value={type.name}>{describeType(type)}</option>
              ))}
            </select>
          </Field>
          <Field label="Image" help={serverType ? `Images for ${ARCHITECTURE_LABELS[serverType.architecture]}.` : undefined} error={byField.image}>
            <select name="image" value={imageName} onChange={(event) => setImageName(event.target.value)} disabled={!catalog} required>
              {images.map((image) => (
                <option key={`${image.name}-${image.architecture}`} value={image.name}>{image.description || image.name}</option>
              ))}
            </select>
          </Field>
        </div>
        {catalog && <PlacementPrice serverTypes={catalog.serverTypes} serverType={serverTypeName} location={location} />}
        <AlternativesEditor
          catalog={catalog}
          architecture={serverType?.architecture ?? null}
          value={alternatives}
          onChange={setAlternatives}
          errors={unplaced.filter(isAlternativeError)}
        />
        {catalogResult.fetching && <p className="muted small">Loading the catalog from the provider…</p>}
        <NodeResourcesFields connectionId={connectionId} value={resources} onChange={setResources} byField={byField} />
        <div className="actions">
          <button type="submit" disabled={creation.fetching || !catalog}>{creation.fetching ? 'Creating…' : 'Create node'}</button>
          <button type="button" className="secondary" onClick={onCancel}>Cancel</button>
        </div>
      </form>
    </section>
  );
}
