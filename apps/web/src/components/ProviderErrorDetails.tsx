import { forPeople } from '../words.ts';
import type { ProviderErrorFieldsFragment as Details } from '../graphql/generated/graphql.ts';

/**
 * The provider's side of a failure: its own code, HTTP status and request id (for support).
 * `shownMessage`: the message the notice above already shows (the provider's answer is not
 * repeated when that message already contains it).
 */
export function ProviderErrorDetails({ provider, shownMessage }: { provider: Details; shownMessage?: string }) {
  return (
    <dl className="provider-details" aria-label="Provider details">
      {!shownMessage?.includes(provider.message) && (<><dt>Provider answer</dt><dd>{forPeople(provider.message)}</dd></>)}
      {provider.providerCode && (<><dt>Provider code</dt><dd><code>{provider.providerCode}</code></dd></>)}
      {provider.httpStatus !== null && (<><dt>HTTP status</dt><dd>{provider.httpStatus}</dd></>)}
      {provider.requestId && (<><dt>Request id</dt><dd><code>{provider.requestId}</code></dd></>)}
      <dt>Retrying may succeed</dt>
      <dd>{provider.retryable ? 'yes' : 'no'}</dd>
    </dl>
  );
}
