/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** The node whose acquisition to stop. */
export type CancelNodeInput = {
  /** The node’s id. */
  id: string | number;
};

/** A node to acquire through a provider connection. serverType, location and image must exist in the connection’s catalog and fit together. */
export type CreateNodeInput = {
  /** At most 5 placements tried in order when the provider refuses the current one for capacity (PROVIDER_CAPACITY_UNAVAILABLE, PROVIDER_PLACEMENT_FAILED); each switch is an event on the timeline. Without them a capacity refusal fails the node. */
  alternatives?: Array<PlacementInput> | null | undefined;
  /** Firewalls to apply to the server (providerConnection.firewalls). At most 10. */
  firewallIds?: Array<string | number> | null | undefined;
  /** e.g. ubuntu-24.04; its architecture must match the server type’s. */
  image: string;
  /** At most 32 labels, keys unique (Hetzner label rules); the hangar.dev/ prefix is reserved. */
  labels?: Array<LabelInput> | null | undefined;
  /** e.g. fsn1; the server type must be offered there. */
  location: string;
  /** RFC 1123 label (1–63 of a-z, 0-9 and "-"), unique among your live nodes. */
  name: string;
  /** Private networks to attach the server to (providerConnection.networks). At most 10. */
  networkIds?: Array<string | number> | null | undefined;
  /** Placement group to put the server in (providerConnection.placementGroups). */
  placementGroupId?: string | number | null | undefined;
  /** A provider connection of your organization whose credentialStatus is VALID. */
  providerConnectionId: string | number;
  /** Give the server a public IPv4 address (default true). */
  publicIpv4?: boolean | null | undefined;
  /** Give the server a public IPv6 network (default true). Without IPv4 and IPv6 at least one network is required. */
  publicIpv6?: boolean | null | undefined;
  /** e.g. cx22 (see providerConnection.catalog.serverTypes). */
  serverType: string;
  /** SSH keys of the provider project to install, by name (sshKeys takes ids or names). */
  sshKeyNames?: Array<string> | null | undefined;
  /** SSH keys of the provider project to install, by id or name (providerConnection.sshKeys; addSshKey adds one). At most 10; each must exist. */
  sshKeys?: Array<string> | null | undefined;
  /** Your own cloud-config (first line "#cloud-config") or script (first line "#!"), run besides Hangar’s bootstrap (cloud-init multipart; your write_files and runcmd are kept). At most 32 KiB together with the bootstrap (about 25 KiB of your own). Stored encrypted, never shown again: Node.userData gives its size and SHA-256. */
  userData?: string | null | undefined;
};

/** Result of the last live call to the provider with the stored token (never guessed from its shape). */
export type CredentialStatus =
  | 'INVALID'
  | 'RATE_LIMITED'
  | 'READ_ONLY'
  | 'UNCHECKED'
  | 'UNREACHABLE'
  | 'VALID';

/** Every code the API answers with; docs/error-codes.md has the table (meaning, what to do). */
export type ErrorCode =
  | 'BAD_REQUEST'
  | 'CONFLICT'
  | 'INTERNAL_SERVER_ERROR'
  | 'NODE_BOOTSTRAP_TIMEOUT'
  | 'NODE_CONNECTION_UNUSABLE'
  | 'NODE_READINESS_TIMEOUT'
  | 'NODE_SERVER_LOST'
  | 'NOT_FOUND'
  | 'PROVIDER_ACTION_FAILED'
  | 'PROVIDER_AUTH_FAILED'
  | 'PROVIDER_BAD_RESPONSE'
  | 'PROVIDER_CANCELLED'
  | 'PROVIDER_CAPACITY_UNAVAILABLE'
  | 'PROVIDER_CONFLICT'
  | 'PROVIDER_CONNECTION_RESET'
  | 'PROVIDER_DNS_ERROR'
  | 'PROVIDER_ENDPOINT_NOT_ALLOWED'
  | 'PROVIDER_FORBIDDEN'
  | 'PROVIDER_INVALID_REQUEST'
  | 'PROVIDER_INVALID_STATE'
  | 'PROVIDER_LOCKED'
  | 'PROVIDER_MAINTENANCE'
  | 'PROVIDER_NAME_TAKEN'
  | 'PROVIDER_NOT_FOUND'
  | 'PROVIDER_PLACEMENT_FAILED'
  | 'PROVIDER_PROTECTED'
  | 'PROVIDER_QUOTA_EXCEEDED'
  | 'PROVIDER_RATE_LIMITED'
  | 'PROVIDER_READ_ONLY_TOKEN'
  | 'PROVIDER_SERVER_ERROR'
  | 'PROVIDER_TIMEOUT'
  | 'PROVIDER_TLS_ERROR'
  | 'PROVIDER_TOKEN_CANNOT_MANAGE_SERVERS'
  | 'PROVIDER_UNAVAILABLE'
  | 'PROVIDER_UNKNOWN_ERROR'
  | 'PROVIDER_UNREACHABLE'
  | 'PROVIDER_UNSUPPORTED'
  | 'QUERY_TOO_COMPLEX'
  | 'RATE_LIMITED'
  | 'UNAUTHENTICATED'
  | 'UNAVAILABLE'
  | 'VALIDATION_FAILED';

export type EventKind =
  | 'ERROR'
  | 'HEALTH'
  | 'INFO'
  | 'PHASE_ENTERED'
  | 'PROGRESS'
  | 'RETRY';

/** A label, checked by the rules of the connection’s provider (Hetzner: key = optional DNS-subdomain prefix and "/", then a name of 1–63 letters, digits, "-", "_", "." (alphanumeric at both ends); value = empty or the same rule as the name; "hetzner.cloud/" is reserved). The prefix "hangar.dev/" is Hangar’s. */
export type LabelInput = {
  key: string;
  value: string;
};

/** Which nodes to list; the conditions combine with AND. */
export type NodeFilter = {
  /** true: only archived nodes (archiveNode); false or unset: only nodes that are not archived. */
  archived?: boolean | null | undefined;
  /** Only nodes whose name contains this text (case-insensitive, at most 63 characters). */
  nameContains?: string | null | undefined;
  /** Only nodes in one of these phases. */
  phase?: Array<NodePhase> | null | undefined;
  /** Only nodes acquired through this provider connection. */
  providerConnectionId?: string | number | null | undefined;
};

export type NodePhase =
  | 'CANCELLED'
  | 'CREATING_SERVER'
  | 'FAILED'
  | 'PROVISIONING'
  | 'QUEUED'
  | 'READY'
  | 'RELEASED'
  | 'RELEASING'
  | 'VALIDATING'
  | 'WAITING_FOR_READINESS'
  | 'WAITING_FOR_SERVER';

/** Where else a node may go when the provider refuses for capacity: a server type, a location or both (the other one is the requested one). Checked against the catalog like the request. */
export type PlacementInput = {
  /** e.g. nbg1; defaults to the requested location. */
  location?: string | null | undefined;
  /** e.g. cx32; defaults to the requested server type. */
  serverType?: string | null | undefined;
};

export type ProviderKind =
  | 'HETZNER';

/** The node whose server to give back. */
export type ReleaseNodeInput = {
  /** The node’s id. */
  id: string | number;
};

/** The FAILED node to try again, optionally somewhere else: an unset field keeps the node’s value; the result must fit the connection’s catalog like createNode’s. */
export type RetryNodeInput = {
  /** The node’s id. */
  id: string | number;
  /** Another image, e.g. debian-12. */
  image?: string | null | undefined;
  /** Another location, e.g. nbg1. */
  location?: string | null | undefined;
  /** Another server type, e.g. cx32. */
  serverType?: string | null | undefined;
};

export type ValidateProviderConnectionInput = {
  /** The provider connection’s id. */
  id: string | number;
};

export type HarnessProviderErrorFieldsFragment = { code: ErrorCode, message: string, hint: string, retryable: boolean, providerCode: string | null, httpStatus: number | null, requestId: string | null };

export type HarnessNodeErrorFieldsFragment = { code: ErrorCode, message: string, hint: string | null, retryable: boolean, provider: { code: ErrorCode, message: string, hint: string, retryable: boolean, providerCode: string | null, httpStatus: number | null, requestId: string | null } | null };

type HarnessTypedErrorFields_ConflictError_Fragment = { __typename: 'ConflictError', code: ErrorCode, message: string, conflictPath: Array<string> };

type HarnessTypedErrorFields_NodeError_Fragment = { __typename: 'NodeError', code: ErrorCode, message: string };

type HarnessTypedErrorFields_NotFoundError_Fragment = { __typename: 'NotFoundError', code: ErrorCode, message: string };

type HarnessTypedErrorFields_ProviderError_Fragment = { __typename: 'ProviderError', hint: string, retryable: boolean, providerCode: string | null, httpStatus: number | null, requestId: string | null, code: ErrorCode, message: string };

type HarnessTypedErrorFields_RateLimitedError_Fragment = { __typename: 'RateLimitedError', retryAfterSeconds: number, code: ErrorCode, message: string, provider: { code: ErrorCode, message: string, hint: string, retryable: boolean, providerCode: string | null, httpStatus: number | null, requestId: string | null } };

type HarnessTypedErrorFields_ValidationError_Fragment = { __typename: 'ValidationError', path: Array<string>, code: ErrorCode, message: string };

export type HarnessTypedErrorFieldsFragment =
  | HarnessTypedErrorFields_ConflictError_Fragment
  | HarnessTypedErrorFields_NodeError_Fragment
  | HarnessTypedErrorFields_NotFoundError_Fragment
  | HarnessTypedErrorFields_ProviderError_Fragment
  | HarnessTypedErrorFields_RateLimitedError_Fragment
  | HarnessTypedErrorFields_ValidationError_Fragment
;

export type HarnessEventFieldsFragment = { seq: number, nodeId: string, phase: NodePhase, kind: EventKind, message: string, progress: number | null, attempt: number | null, at: string, error: { code: ErrorCode, message: string, hint: string | null, retryable: boolean, provider: { code: ErrorCode, message: string, hint: string, retryable: boolean, providerCode: string | null, httpStatus: number | null, requestId: string | null } | null } | null };

export type HarnessNodeFieldsFragment = { id: string, name: string, phase: NodePhase, serverType: string, location: string, image: string, providerServerId: string | null, ipv4: string | null, ipv6: string | null, createdAt: string, readyAt: string | null, labels: Array<{ key: string, value: string }>, providerConnection: { id: string, name: string }, error: { code: ErrorCode, message: string, hint: string | null, retryable: boolean, provider: { code: ErrorCode, message: string, hint: string, retryable: boolean, providerCode: string | null, httpStatus: number | null, requestId: string | null } | null } | null };

export type HarnessNodeEventsSubscriptionVariables = Exact<{
  nodeId: string | number;
  after?: number | null | undefined;
}>;


export type HarnessNodeEventsSubscription = { nodeEvents: { seq: number, nodeId: string, phase: NodePhase, kind: EventKind, message: string, progress: number | null, attempt: number | null, at: string, error: { code: ErrorCode, message: string, hint: string | null, retryable: boolean, provider: { code: ErrorCode, message: string, hint: string, retryable: boolean, providerCode: string | null, httpStatus: number | null, requestId: string | null } | null } | null } };

export type HarnessNodeQueryVariables = Exact<{
  id: string | number;
}>;


export type HarnessNodeQuery = { node: { id: string, name: string, phase: NodePhase, serverType: string, location: string, image: string, providerServerId: string | null, ipv4: string | null, ipv6: string | null, createdAt: string, readyAt: string | null, labels: Array<{ key: string, value: string }>, providerConnection: { id: string, name: string }, error: { code: ErrorCode, message: string, hint: string | null, retryable: boolean, provider: { code: ErrorCode, message: string, hint: string, retryable: boolean, providerCode: string | null, httpStatus: number | null, requestId: string | null } | null } | null } | null };

export type HarnessNodeTimelineQueryVariables = Exact<{
  id: string | number;
  first: number;
  after?: string | null | undefined;
}>;


export type HarnessNodeTimelineQuery = { node: { events: { nodes: Array<{ seq: number, nodeId: string, phase: NodePhase, kind: EventKind, message: string, progress: number | null, attempt: number | null, at: string, error: { code: ErrorCode, message: string, hint: string | null, retryable: boolean, provider: { code: ErrorCode, message: string, hint: string, retryable: boolean, providerCode: string | null, httpStatus: number | null, requestId: string | null } | null } | null }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null };

export type HarnessNodesQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  filter?: NodeFilter | null | undefined;
}>;


export type HarnessNodesQuery = { nodes: { totalCount: number, nodes: Array<{ id: string, name: string, phase: NodePhase, serverType: string, location: string, image: string, providerServerId: string | null, ipv4: string | null, ipv6: string | null, createdAt: string, readyAt: string | null, labels: Array<{ key: string, value: string }>, providerConnection: { id: string, name: string }, error: { code: ErrorCode, message: string, hint: string | null, retryable: boolean, provider: { code: ErrorCode, message: string, hint: string, retryable: boolean, providerCode: string | null, httpStatus: number | null, requestId: string | null } | null } | null }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type HarnessProviderConnectionsQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type HarnessProviderConnectionsQuery = { providerConnections: { nodes: Array<{ id: string, name: string, kind: ProviderKind, credentialStatus: CredentialStatus, credentialError: { code: ErrorCode, message: string, hint: string, retryable: boolean, providerCode: string | null, httpStatus: number | null, requestId: string | null } | null }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type HarnessValidateProviderConnectionMutationVariables = Exact<{
  input: ValidateProviderConnectionInput;
}>;


export type HarnessValidateProviderConnectionMutation = { validateProviderConnection:
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'ProviderError', hint: string, retryable: boolean, providerCode: string | null, httpStatus: number | null, requestId: string | null, code: ErrorCode, message: string }
    | { __typename: 'RateLimitedError', retryAfterSeconds: number, code: ErrorCode, message: string, provider: { code: ErrorCode, message: string, hint: string, retryable: boolean, providerCode: string | null, httpStatus: number | null, requestId: string | null } }
    | { __typename: 'ValidateProviderConnectionPayload', providerConnection: { id: string, name: string, kind: ProviderKind, credentialStatus: CredentialStatus, credentialError: { code: ErrorCode, message: string, hint: string, retryable: boolean, providerCode: string | null, httpStatus: number | null, requestId: string | null } | null } }
   };

export type HarnessCreateNodeMutationVariables = Exact<{
  input: CreateNodeInput;
}>;


export type HarnessCreateNodeMutation = { createNode:
    | { __typename: 'ConflictError', code: ErrorCode, message: string, conflictPath: Array<string> }
    | { __typename: 'CreateNodePayload', node: { id: string, name: string, phase: NodePhase, serverType: string, location: string, image: string, providerServerId: string | null, ipv4: string | null, ipv6: string | null, createdAt: string, readyAt: string | null, labels: Array<{ key: string, value: string }>, providerConnection: { id: string, name: string }, error: { code: ErrorCode, message: string, hint: string | null, retryable: boolean, provider: { code: ErrorCode, message: string, hint: string, retryable: boolean, providerCode: string | null, httpStatus: number | null, requestId: string | null } | null } | null } }
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'ProviderError', hint: string, retryable: boolean, providerCode: string | null, httpStatus: number | null, requestId: string | null, code: ErrorCode, message: string }
    | { __typename: 'RateLimitedError', retryAfterSeconds: number, code: ErrorCode, message: string, provider: { code: ErrorCode, message: string, hint: string, retryable: boolean, providerCode: string | null, httpStatus: number | null, requestId: string | null } }
    | { __typename: 'ValidationError', path: Array<string>, code: ErrorCode, message: string }
   };

export type HarnessCancelNodeMutationVariables = Exact<{
  input: CancelNodeInput;
}>;


export type HarnessCancelNodeMutation = { cancelNode:
    | { __typename: 'CancelNodePayload', node: { id: string, name: string, phase: NodePhase, serverType: string, location: string, image: string, providerServerId: string | null, ipv4: string | null, ipv6: string | null, createdAt: string, readyAt: string | null, labels: Array<{ key: string, value: string }>, providerConnection: { id: string, name: string }, error: { code: ErrorCode, message: string, hint: string | null, retryable: boolean, provider: { code: ErrorCode, message: string, hint: string, retryable: boolean, providerCode: string | null, httpStatus: number | null, requestId: string | null } | null } | null } }
    | { __typename: 'ConflictError', code: ErrorCode, message: string, conflictPath: Array<string> }
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
   };

export type HarnessRetryNodeMutationVariables = Exact<{
  input: RetryNodeInput;
}>;


export type HarnessRetryNodeMutation = { retryNode:
    | { __typename: 'ConflictError', code: ErrorCode, message: string, conflictPath: Array<string> }
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'ProviderError', hint: string, retryable: boolean, providerCode: string | null, httpStatus: number | null, requestId: string | null, code: ErrorCode, message: string }
    | { __typename: 'RateLimitedError', retryAfterSeconds: number, code: ErrorCode, message: string, provider: { code: ErrorCode, message: string, hint: string, retryable: boolean, providerCode: string | null, httpStatus: number | null, requestId: string | null } }
    | { __typename: 'RetryNodePayload', node: { id: string, name: string, phase: NodePhase, serverType: string, location: string, image: string, providerServerId: string | null, ipv4: string | null, ipv6: string | null, createdAt: string, readyAt: string | null, labels: Array<{ key: string, value: string }>, providerConnection: { id: string, name: string }, error: { code: ErrorCode, message: string, hint: string | null, retryable: boolean, provider: { code: ErrorCode, message: string, hint: string, retryable: boolean, providerCode: string | null, httpStatus: number | null, requestId: string | null } | null } | null } }
    | { __typename: 'ValidationError', path: Array<string>, code: ErrorCode, message: string }
   };

export type HarnessReleaseNodeMutationVariables = Exact<{
  input: ReleaseNodeInput;
}>;


export type HarnessReleaseNodeMutation = { releaseNode:
    | { __typename: 'ConflictError', code: ErrorCode, message: string, conflictPath: Array<string> }
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'ReleaseNodePayload', node: { id: string, name: string, phase: NodePhase, serverType: string, location: string, image: string, providerServerId: string | null, ipv4: string | null, ipv6: string | null, createdAt: string, readyAt: string | null, labels: Array<{ key: string, value: string }>, providerConnection: { id: string, name: string }, error: { code: ErrorCode, message: string, hint: string | null, retryable: boolean, provider: { code: ErrorCode, message: string, hint: string, retryable: boolean, providerCode: string | null, httpStatus: number | null, requestId: string | null } | null } | null } }
   };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const HarnessProviderErrorFieldsFragmentDoc = new TypedDocumentString(`
    fragment HarnessProviderErrorFields on ProviderError {
  code
  message
  hint
  retryable
  providerCode
  httpStatus
  requestId
}
    `, {"fragmentName":"HarnessProviderErrorFields"}) as unknown as TypedDocumentString<HarnessProviderErrorFieldsFragment, unknown>;
export const HarnessTypedErrorFieldsFragmentDoc = new TypedDocumentString(`
    fragment HarnessTypedErrorFields on Error {
  __typename
  code
  message
  ... on ValidationError {
    path
  }
  ... on ConflictError {
    conflictPath: path
  }
  ... on ProviderError {
    hint
    retryable
    providerCode
    httpStatus
    requestId
  }
  ... on RateLimitedError {
    retryAfterSeconds
    provider {
      ...HarnessProviderErrorFields
    }
  }
}
    fragment HarnessProviderErrorFields on ProviderError {
  code
  message
  hint
  retryable
  providerCode
  httpStatus
  requestId
}`, {"fragmentName":"HarnessTypedErrorFields"}) as unknown as TypedDocumentString<HarnessTypedErrorFieldsFragment, unknown>;
export const HarnessNodeErrorFieldsFragmentDoc = new TypedDocumentString(`
    fragment HarnessNodeErrorFields on NodeError {
  code
  message
  hint
  retryable
  provider {
    ...HarnessProviderErrorFields
  }
}
    fragment HarnessProviderErrorFields on ProviderError {
  code
  message
  hint
  retryable
  providerCode
  httpStatus
  requestId
}`, {"fragmentName":"HarnessNodeErrorFields"}) as unknown as TypedDocumentString<HarnessNodeErrorFieldsFragment, unknown>;
export const HarnessEventFieldsFragmentDoc = new TypedDocumentString(`
    fragment HarnessEventFields on AcquisitionEvent {
  seq
  nodeId
  phase
  kind
  message
  progress
  attempt
  at
  error {
    ...HarnessNodeErrorFields
  }
}
    fragment HarnessProviderErrorFields on ProviderError {
  code
  message
  hint
  retryable
  providerCode
  httpStatus
  requestId
}
fragment HarnessNodeErrorFields on NodeError {
  code
  message
  hint
  retryable
  provider {
    ...HarnessProviderErrorFields
  }
}`, {"fragmentName":"HarnessEventFields"}) as unknown as TypedDocumentString<HarnessEventFieldsFragment, unknown>;
export const HarnessNodeFieldsFragmentDoc = new TypedDocumentString(`
    fragment HarnessNodeFields on Node {
  id
  name
  phase
  serverType
  location
  image
  providerServerId
  ipv4
  ipv6
  createdAt
  readyAt
  labels {
    key
    value
  }
  providerConnection {
    id
    name
  }
  error {
    ...HarnessNodeErrorFields
  }
}
    fragment HarnessProviderErrorFields on ProviderError {
  code
  message
  hint
  retryable
  providerCode
  httpStatus
  requestId
}
fragment HarnessNodeErrorFields on NodeError {
  code
  message
  hint
  retryable
  provider {
    ...HarnessProviderErrorFields
  }
}`, {"fragmentName":"HarnessNodeFields"}) as unknown as TypedDocumentString<HarnessNodeFieldsFragment, unknown>;
export const HarnessNodeEventsDocument = new TypedDocumentString(`
    subscription HarnessNodeEvents($nodeId: ID!, $after: Int) {
  nodeEvents(nodeId: $nodeId, after: $after) {
    ...HarnessEventFields
  }
}
    fragment HarnessProviderErrorFields on ProviderError {
  code
  message
  hint
  retryable
  providerCode
  httpStatus
  requestId
}
fragment HarnessNodeErrorFields on NodeError {
  code
  message
  hint
  retryable
  provider {
    ...HarnessProviderErrorFields
  }
}
fragment HarnessEventFields on AcquisitionEvent {
  seq
  nodeId
  phase
  kind
  message
  progress
  attempt
  at
  error {
    ...HarnessNodeErrorFields
  }
}`) as unknown as TypedDocumentString<HarnessNodeEventsSubscription, HarnessNodeEventsSubscriptionVariables>;
export const HarnessNodeDocument = new TypedDocumentString(`
    query HarnessNode($id: ID!) {
  node(id: $id) {
    ...HarnessNodeFields
  }
}
    fragment HarnessProviderErrorFields on ProviderError {
  code
  message
  hint
  retryable
  providerCode
  httpStatus
  requestId
}
fragment HarnessNodeErrorFields on NodeError {
  code
  message
  hint
  retryable
  provider {
    ...HarnessProviderErrorFields
  }
}
fragment HarnessNodeFields on Node {
  id
  name
  phase
  serverType
  location
  image
  providerServerId
  ipv4
  ipv6
  createdAt
  readyAt
  labels {
    key
    value
  }
  providerConnection {
    id
    name
  }
  error {
    ...HarnessNodeErrorFields
  }
}`) as unknown as TypedDocumentString<HarnessNodeQuery, HarnessNodeQueryVariables>;
export const HarnessNodeTimelineDocument = new TypedDocumentString(`
    query HarnessNodeTimeline($id: ID!, $first: Int!, $after: String) {
  node(id: $id) {
    events(first: $first, after: $after) {
      nodes {
        ...HarnessEventFields
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
}
    fragment HarnessProviderErrorFields on ProviderError {
  code
  message
  hint
  retryable
  providerCode
  httpStatus
  requestId
}
fragment HarnessNodeErrorFields on NodeError {
  code
  message
  hint
  retryable
  provider {
    ...HarnessProviderErrorFields
  }
}
fragment HarnessEventFields on AcquisitionEvent {
  seq
  nodeId
  phase
  kind
  message
  progress
  attempt
  at
  error {
    ...HarnessNodeErrorFields
  }
}`) as unknown as TypedDocumentString<HarnessNodeTimelineQuery, HarnessNodeTimelineQueryVariables>;
export const HarnessNodesDocument = new TypedDocumentString(`
    query HarnessNodes($first: Int, $after: String, $filter: NodeFilter) {
  nodes(first: $first, after: $after, filter: $filter) {
    totalCount
    nodes {
      ...HarnessNodeFields
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    fragment HarnessProviderErrorFields on ProviderError {
  code
  message
  hint
  retryable
  providerCode
  httpStatus
  requestId
}
fragment HarnessNodeErrorFields on NodeError {
  code
  message
  hint
  retryable
  provider {
    ...HarnessProviderErrorFields
  }
}
fragment HarnessNodeFields on Node {
  id
  name
  phase
  serverType
  location
  image
  providerServerId
  ipv4
  ipv6
  createdAt
  readyAt
  labels {
    key
    value
  }
  providerConnection {
    id
    name
  }
  error {
    ...HarnessNodeErrorFields
  }
}`) as unknown as TypedDocumentString<HarnessNodesQuery, HarnessNodesQueryVariables>;
export const HarnessProviderConnectionsDocument = new TypedDocumentString(`
    query HarnessProviderConnections($first: Int, $after: String) {
  providerConnections(first: $first, after: $after) {
    nodes {
      id
      name
      kind
      credentialStatus
      credentialError {
        ...HarnessProviderErrorFields
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    fragment HarnessProviderErrorFields on ProviderError {
  code
  message
  hint
  retryable
  providerCode
  httpStatus
  requestId
}`) as unknown as TypedDocumentString<HarnessProviderConnectionsQuery, HarnessProviderConnectionsQueryVariables>;
export const HarnessValidateProviderConnectionDocument = new TypedDocumentString(`
    mutation HarnessValidateProviderConnection($input: ValidateProviderConnectionInput!) {
  validateProviderConnection(input: $input) {
    __typename
    ... on ValidateProviderConnectionPayload {
      providerConnection {
        id
        name
        kind
        credentialStatus
        credentialError {
          ...HarnessProviderErrorFields
        }
      }
    }
    ...HarnessTypedErrorFields
  }
}
    fragment HarnessProviderErrorFields on ProviderError {
  code
  message
  hint
  retryable
  providerCode
  httpStatus
  requestId
}
fragment HarnessTypedErrorFields on Error {
  __typename
  code
  message
  ... on ValidationError {
    path
  }
  ... on ConflictError {
    conflictPath: path
  }
  ... on ProviderError {
    hint
    retryable
    providerCode
    httpStatus
    requestId
  }
  ... on RateLimitedError {
    retryAfterSeconds
    provider {
      ...HarnessProviderErrorFields
    }
  }
}`) as unknown as TypedDocumentString<HarnessValidateProviderConnectionMutation, HarnessValidateProviderConnectionMutationVariables>;
export const HarnessCreateNodeDocument = new TypedDocumentString(`
    mutation HarnessCreateNode($input: CreateNodeInput!) {
  createNode(input: $input) {
    __typename
    ... on CreateNodePayload {
      node {
        ...HarnessNodeFields
      }
    }
    ...HarnessTypedErrorFields
  }
}
    fragment HarnessProviderErrorFields on ProviderError {
  code
  message
  hint
  retryable
  providerCode
  httpStatus
  requestId
}
fragment HarnessNodeErrorFields on NodeError {
  code
  message
  hint
  retryable
  provider {
    ...HarnessProviderErrorFields
  }
}
fragment HarnessTypedErrorFields on Error {
  __typename
  code
  message
  ... on ValidationError {
    path
  }
  ... on ConflictError {
    conflictPath: path
  }
  ... on ProviderError {
    hint
    retryable
    providerCode
    httpStatus
    requestId
  }
  ... on RateLimitedError {
    retryAfterSeconds
    provider {
      ...HarnessProviderErrorFields
    }
  }
}
fragment HarnessNodeFields on Node {
  id
  name
  phase
  serverType
  location
  image
  providerServerId
  ipv4
  ipv6
  createdAt
  readyAt
  labels {
    key
    value
  }
  providerConnection {
    id
    name
  }
  error {
    ...HarnessNodeErrorFields
  }
}`) as unknown as TypedDocumentString<HarnessCreateNodeMutation, HarnessCreateNodeMutationVariables>;
export const HarnessCancelNodeDocument = new TypedDocumentString(`
    mutation HarnessCancelNode($input: CancelNodeInput!) {
  cancelNode(input: $input) {
    __typename
    ... on CancelNodePayload {
      node {
        ...HarnessNodeFields
      }
    }
    ...HarnessTypedErrorFields
  }
}
    fragment HarnessProviderErrorFields on ProviderError {
  code
  message
  hint
  retryable
  providerCode
  httpStatus
  requestId
}
fragment HarnessNodeErrorFields on NodeError {
  code
  message
  hint
  retryable
  provider {
    ...HarnessProviderErrorFields
  }
}
fragment HarnessTypedErrorFields on Error {
  __typename
  code
  message
  ... on ValidationError {
    path
  }
  ... on ConflictError {
    conflictPath: path
  }
  ... on ProviderError {
    hint
    retryable
    providerCode
    httpStatus
    requestId
  }
  ... on RateLimitedError {
    retryAfterSeconds
    provider {
      ...HarnessProviderErrorFields
    }
  }
}
fragment HarnessNodeFields on Node {
  id
  name
  phase
  serverType
  location
  image
  providerServerId
  ipv4
  ipv6
  createdAt
  readyAt
  labels {
    key
    value
  }
  providerConnection {
    id
    name
  }
  error {
    ...HarnessNodeErrorFields
  }
}`) as unknown as TypedDocumentString<HarnessCancelNodeMutation, HarnessCancelNodeMutationVariables>;
export const HarnessRetryNodeDocument = new TypedDocumentString(`
    mutation HarnessRetryNode($input: RetryNodeInput!) {
  retryNode(input: $input) {
    __typename
    ... on RetryNodePayload {
      node {
        ...HarnessNodeFields
      }
    }
    ...HarnessTypedErrorFields
  }
}
    fragment HarnessProviderErrorFields on ProviderError {
  code
  message
  hint
  retryable
  providerCode
  httpStatus
  requestId
}
fragment HarnessNodeErrorFields on NodeError {
  code
  message
  hint
  retryable
  provider {
    ...HarnessProviderErrorFields
  }
}
fragment HarnessTypedErrorFields on Error {
  __typename
  code
  message
  ... on ValidationError {
    path
  }
  ... on ConflictError {
    conflictPath: path
  }
  ... on ProviderError {
    hint
    retryable
    providerCode
    httpStatus
    requestId
  }
  ... on RateLimitedError {
    retryAfterSeconds
    provider {
      ...HarnessProviderErrorFields
    }
  }
}
fragment HarnessNodeFields on Node {
  id
  name
  phase
  serverType
  location
  image
  providerServerId
  ipv4
  ipv6
  createdAt
  readyAt
  labels {
    key
    value
  }
  providerConnection {
    id
    name
  }
  error {
    ...HarnessNodeErrorFields
  }
}`) as unknown as TypedDocumentString<HarnessRetryNodeMutation, HarnessRetryNodeMutationVariables>;
export const HarnessReleaseNodeDocument = new TypedDocumentString(`
    mutation HarnessReleaseNode($input: ReleaseNodeInput!) {
  releaseNode(input: $input) {
    __typename
    ... on ReleaseNodePayload {
      node {
        ...HarnessNodeFields
      }
    }
    ...HarnessTypedErrorFields
  }
}
    fragment HarnessProviderErrorFields on ProviderError {
  code
  message
  hint
  retryable
  providerCode
  httpStatus
  requestId
}
fragment HarnessNodeErrorFields on NodeError {
  code
  message
  hint
  retryable
  provider {
    ...HarnessProviderErrorFields
  }
}
fragment HarnessTypedErrorFields on Error {
  __typename
  code
  message
  ... on ValidationError {
    path
  }
  ... on ConflictError {
    conflictPath: path
  }
  ... on ProviderError {
    hint
    retryable
    providerCode
    httpStatus
    requestId
  }
  ... on RateLimitedError {
    retryAfterSeconds
    provider {
      ...HarnessProviderErrorFields
    }
  }
}
fragment HarnessNodeFields on Node {
  id
  name
  phase
  serverType
  location
  image
  providerServerId
  ipv4
  ipv6
  createdAt
  readyAt
  labels {
    key
    value
  }
  providerConnection {
    id
    name
  }
  error {
    ...HarnessNodeErrorFields
  }
}`) as unknown as TypedDocumentString<HarnessReleaseNodeMutation, HarnessReleaseNodeMutationVariables>;