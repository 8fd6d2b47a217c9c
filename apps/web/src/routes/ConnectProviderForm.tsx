import { useEffect, useState } from 'react';
import { useMutation } from 'urql';
import { CREATE_PROVIDER_CONNECTION } from '../graphql/provider-connections.ts';
import type { ProviderConnectionFieldsFragment as ProviderConnection } from '../graphql/generated/graphql.ts';
import { mutationOutcome, splitFieldErrors, type AppError } from '../errors.ts';
import { ErrorList } from '../components/ErrorNotice.tsx';
import { Field } from '../components/Field.tsx';

const FIELDS = ['name', 'token', 'apiEndpoint'] as const;
/** Where Hetzner Cloud's API lives when no endpoint is given. */
const HETZNER_PUBLIC_API = 'https://api.hetzner.cloud/v1';

/** The simulator's API URL when the server runs one (`npm start`), from GET /web-config.json. */
function useSimulatorApiUrl(): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    fetch('/web-config.json')
      .then((response) => (response.ok ? (response.json() as Promise<{ simulatorApiUrl?: unknown }>) : {}))
      .then((config) => { if (current && 'simulatorApiUrl' in config && typeof config.simulatorApiUrl === 'string') setUrl(config.simulatorApiUrl); })
      .catch(() => undefined);
    return () => { current = false; };
  }, []);
  return url;
}

/** "Connect Hetzner": a name, the project's API token and, for the simulator, an endpoint. */
export function ConnectProviderForm({ onConnected }: { onConnected: (connection: ProviderConnection) => void }) {
  const [name, setName] = useState('');
  const [token, setToken] = useState('');
  const [apiEndpoint, setApiEndpoint] = useState('');
  const [errors, setErrors] = useState<AppError[]>([]);
  const simulatorApiUrl = useSimulatorApiUrl();
  const [{ fetching }, create] = useMutation(CREATE_PROVIDER_CONNECTION);
  const { byField, general } = splitFieldErrors(errors, FIELDS);

  async function submit() {
    const result = await create({
      input: { name: name.trim(), kind: 'HETZNER', token: token.trim(), ...(apiEndpoint.trim() ? { apiEndpoint: apiEndpoint.trim() } : {}) },
    });
    const outcome = mutationOutcome(result, result.data?.createProviderConnection);
    if (outcome.errors) {
      setErrors(outcome.errors);
      return;
    }
    setErrors([]);
    setName('');
    setToken('');
    setApiEndpoint('');
    onConnected(outcome.payload.providerConnection);
  }

  return (
    <section className="card" aria-labelledby="connect-hetzner">
      <h2 id="connect-hetzner">Connect Hetzner</h2>
      <p>
        Hangar creates servers in your Hetzner Cloud project with a <strong>project API token</strong>. In the Hetzner
        Cloud Console open the project, go to <em>Security → API tokens</em>, choose <em>Generate API token</em> with
        permission <strong>Read &amp; Write</strong> (a read-only token cannot create servers) and paste it here. Hangar
        checks it with the provider right away, stores it encrypted and never shows it again; you see its last four
        characters only.
      </p>
      <ErrorList errors={general} />
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <div className="form-grid">
          <Field label="Name" help="How this project appears in Hangar, e.g. hetzner-prod." error={byField.name}>
            <input name="name" value={name} onChange={(event) => setName(event.target.value)} required autoComplete="off" />
          </Field>
          <Field label="API token" help="64 characters, Read & Write permission." error={byField.token}>
            <input name="token" type="password" value={token} onChange={(event) => setToken(event.target.value)} required autoComplete="off" spellCheck={false} />
          </Field>
          <Field
            label="API endpoint (optional)"
            help={<>Leave empty for Hetzner Cloud ({HETZNER_PUBLIC_API}).{simulatorApiUrl && <> For the local simulator: <code data-testid="simulator-api-url">{simulatorApiUrl}</code>.</>}</>}
            error={byField.apiEndpoint}
          >
            <input name="apiEndpoint" type="url" value={apiEndpoint} onChange={(event) => setApiEndpoint(event.target.value)} placeholder={HETZNER_PUBLIC_API} autoComplete="off" />
          </Field>
        </div>
        <div className="actions">
          <button type="submit" disabled={fetching}>{fetching ? 'Connecting…' : 'Connect Hetzner'}</button>
        </div>
      </form>
    </section>
  );
}
