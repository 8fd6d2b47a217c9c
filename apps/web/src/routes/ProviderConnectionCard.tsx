import { useState } from 'react';
import { useMutation } from 'urql';
import { DELETE_PROVIDER_CONNECTION, ROTATE_PROVIDER_TOKEN, VALIDATE_PROVIDER_CONNECTION } from '../graphql/provider-connections.ts';
import type { ProviderConnectionFieldsFragment as ProviderConnection } from '../graphql/generated/graphql.ts';
import { fromStoredError, mutationOutcome, splitFieldErrors, type AppError } from '../errors.ts';
import { formatDateTime } from '../format.ts';
import { CredentialBadge } from '../components/Badges.tsx';
import { ErrorList, ErrorNotice } from '../components/ErrorNotice.tsx';
import { ProviderErrorDetails } from '../components/ProviderErrorDetails.tsx';
import { PROVIDER_KIND_LABELS } from '../words.ts';
import { ConfirmButton } from '../components/ConfirmDialog.tsx';
import { Field } from '../components/Field.tsx';

/** Mutations that return only an id carry no typename: tell the cache which lists they touch. */
const TOUCHES_CONNECTIONS = { additionalTypenames: ['ProviderConnection', 'Node'] };

type Mode = 'view' | 'rotate';

/** One provider connection: its credential status and the actions on it. */
export function ProviderConnectionCard({ connection, onDeleted }: { connection: ProviderConnection; onDeleted: (id: string) => void }) {
  const [mode, setMode] = useState<Mode>('view');
  const [newToken, setNewToken] = useState('');
  const [errors, setErrors] = useState<AppError[]>([]);
  const [validation, validate] = useMutation(VALIDATE_PROVIDER_CONNECTION);
  const [rotation, rotate] = useMutation(ROTATE_PROVIDER_TOKEN);
  const [, remove] = useMutation(DELETE_PROVIDER_CONNECTION);
  const { byField, general } = splitFieldErrors(errors, mode === 'rotate' ? ['token'] : []);
  const statusError = connection.credentialStatus !== 'VALID' && connection.credentialError ? connection.credentialError : null;

  async function onValidate() {
    const result = await validate({ input: { id: connection.id } });
    setErrors(mutationOutcome(result, result.data?.validateProviderConnection).errors ?? []);
  }
  async function onRotate() {
    const result = await rotate({ input: { id: connection.id, token: newToken.trim() } });
    const outcome = mutationOutcome(result, result.data?.rotateProviderToken);
    if (outcome.errors) {
      setErrors(outcome.errors);
      return;
    }
    setErrors([]);
    setNewToken('');
    setMode('view');
  }
  async function onDelete() {
    const result = await remove({ input: { id: connection.id } }, TOUCHES_CONNECTIONS);
    const outcome = mutationOutcome(result, result.data?.deleteProviderConnection);
    if (outcome.errors) {
      setErrors(outcome.errors);
      return;
    }
    setErrors([]);
    onDeleted(connection.id);
  }

  return (
    <article className="card connection" data-connection-name={connection.name} aria-label={`Provider connection ${connection.name}`}>
      <header className="card-header">
        <h3>{connection.name}</h3>
        <span className="kind">{PROVIDER_KIND_LABELS[connection.kind]}</span>
        <CredentialBadge status={connection.credentialStatus} />
      </header>
      <dl className="facts">
        <dt>Endpoint</dt>
        <dd><code>{connection.apiEndpoint}</code></dd>
        <dt>Token</dt>
        <dd><code>{connection.tokenHint}</code></dd>
        <dt>Checked</dt>
        <dd>{connection.credentialCheckedAt ? formatDateTime(connection.credentialCheckedAt) : 'never'}</dd>
        <dt>Connected</dt>
        <dd>{formatDateTime(connection.createdAt)}</dd>
      </dl>
      {statusError && (
        <ErrorNotice error={fromStoredError(statusError)} title="The provider did not accept this connection">
          <ProviderErrorDetails provider={statusError} shownMessage={statusError.message} />
        </ErrorNotice>
      )}
      <ErrorList errors={general} />
      {mode === 'rotate' && (
        <form
          className="inline-form"
          onSubmit={(event) => {
            event.preventDefault();
            void onRotate();
          }}
        >
          <Field label="New API token" help="Replaces the stored token; Hangar checks it with the provider first." error={byField.token}>
            <input name="newToken" type="password" value={newToken} onChange={(event) => setNewToken(event.target.value)} required autoComplete="off" spellCheck={false} />
          </Field>
          <div className="actions">
            <button type="submit" disabled={rotation.fetching}>{rotation.fetching ? 'Saving…' : 'Save new token'}</button>
            <button type="button" className="secondary" onClick={() => { setMode('view'); setErrors([]); }}>Cancel</button>
          </div>
        </form>
      )}
      {mode === 'view' && (
        <div className="actions">
          <button type="button" className="secondary" onClick={() => void onValidate()} disabled={validation.fetching}>
            {validation.fetching ? 'Checking…' : 'Validate now'}
          </button>
          <button type="button" className="secondary" onClick={() => { setMode('rotate'); setErrors([]); }}>Rotate token</button>
          <ConfirmButton
            label="Delete"
            className="secondary danger-text"
            title={`Delete the connection ${connection.name}?`}
            confirmLabel="Delete connection"
            busyLabel="Deleting…"
            onConfirm={onDelete}
          >
            <p>
              Hangar forgets the token of <strong>{connection.name}</strong> ({PROVIDER_KIND_LABELS[connection.kind]}) and can no
              longer create, watch or delete servers with it. No server is left billing out of sight: while a node of this
              connection still holds a server (each bills by the hour at the provider), Hangar refuses; release those nodes first.
            </p>
          </ConfirmButton>
        </div>
      )}
    </article>
  );
}
