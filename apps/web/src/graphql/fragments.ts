import { gql } from 'urql';

/** Fields of a provider's failure (ProviderError), everywhere it appears. */
export const PROVIDER_ERROR_FIELDS = gql`
  fragment ProviderErrorFields on ProviderError { code message retryable providerCode httpStatus requestId }
`;

/** Fields of a node's failure (NodeError). */
export const NODE_ERROR_FIELDS = gql`
  fragment NodeErrorFields on NodeError { code message retryable provider { ...ProviderErrorFields } }
  ${PROVIDER_ERROR_FIELDS}
`;

/** What a connection card shows. */
export const PROVIDER_CONNECTION_FIELDS = gql`
  fragment ProviderConnectionFields on ProviderConnection {
    id name kind apiEndpoint tokenHint credentialStatus credentialCheckedAt createdAt
    credentialError { ...ProviderErrorFields }
  }
  ${PROVIDER_ERROR_FIELDS}
`;

/** What a node row and the node header show. */
export const NODE_FIELDS = gql`
  fragment NodeFields on Node {
    id name phase serverType location image providerServerId providerServerName ipv4 ipv6 attempt
    createdAt readyAt registeredAt releasedAt cancelRequestedAt lastHeartbeatAt lastHeartbeatHealthy heartbeatOverdue
    providerConnection { id name }
    error { ...NodeErrorFields }
  }
  ${NODE_ERROR_FIELDS}
`;

/** One timeline entry. */
export const ACQUISITION_EVENT_FIELDS = gql`
  fragment AcquisitionEventFields on AcquisitionEvent {
    seq nodeId phase kind message progress attempt at
    error { ...NodeErrorFields }
  }
  ${NODE_ERROR_FIELDS}
`;
