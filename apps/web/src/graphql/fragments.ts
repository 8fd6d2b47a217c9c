import { graphql } from './generated/gql.ts';

/** Fields of a provider's failure (ProviderError), everywhere it appears. */
graphql(`
  fragment ProviderErrorFields on ProviderError { code message hint retryable providerCode httpStatus requestId }
`);

/** Fields of a node's failure (NodeError). */
graphql(`
  fragment NodeErrorFields on NodeError { code message hint retryable provider { ...ProviderErrorFields } }
`);

/**
 * A mutation's typed error (every union member but the payload implements Error): what a person
 * is shown (code, message, hint) and the input field at fault.
 */
graphql(`
  fragment TypedErrorFields on Error {
    __typename code message
    ... on ValidationError { path }
    ... on ConflictError { conflictPath: path }
    ... on ProviderError { ...ProviderErrorFields }
    ... on RateLimitedError { retryAfterSeconds provider { ...ProviderErrorFields } }
  }
`);

/** What a connection card shows. */
graphql(`
  fragment ProviderConnectionFields on ProviderConnection {
    id name kind apiEndpoint tokenHint credentialStatus credentialCheckedAt createdAt
    credentialError { ...ProviderErrorFields }
  }
`);

/** What a node row and the node header show. */
graphql(`
  fragment NodeFields on Node {
    id name phase lastEventSeq serverType location image providerServerId providerServerName ipv4 ipv6 attempt
    createdAt readyAt registeredAt releasedAt cancelRequestedAt lastHeartbeatAt lastHeartbeatHealthy health canRelease archivedAt
    labels { key value }
    providerConnection { id name }
    error { ...NodeErrorFields }
  }
`);

/** One timeline entry. */
graphql(`
  fragment AcquisitionEventFields on AcquisitionEvent {
    seq nodeId phase kind message progress attempt at
    error { ...NodeErrorFields }
  }
`);
