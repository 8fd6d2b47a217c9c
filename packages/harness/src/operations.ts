/**
 * The GraphQL operations the harness sends. Their result and variable types are generated from
 * schema.graphql (codegen.ts, `npm run generate`): nothing here hand-writes a wire shape.
 */
import { graphql } from './generated/gql.ts';
import type { CreateNodeInput, HarnessEventFieldsFragment, HarnessNodeFieldsFragment, HarnessTypedErrorFieldsFragment } from './generated/graphql.ts';

graphql(`
  fragment HarnessProviderErrorFields on ProviderError { code message hint retryable providerCode httpStatus requestId }
`);

graphql(`
  fragment HarnessNodeErrorFields on NodeError { code message hint retryable provider { ...HarnessProviderErrorFields } }
`);

/** A mutation's typed error: every union member but the payload implements Error. */
graphql(`
  fragment HarnessTypedErrorFields on Error {
    __typename code message
    ... on ValidationError { path }
    ... on ConflictError { conflictPath: path }
    ... on ProviderError { hint retryable providerCode httpStatus requestId }
    ... on RateLimitedError { retryAfterSeconds provider { ...HarnessProviderErrorFields } }
  }
`);

graphql(`
  fragment HarnessEventFields on AcquisitionEvent { seq nodeId phase kind message progress attempt at error { ...HarnessNodeErrorFields } }
`);

graphql(`
  fragment HarnessNodeFields on Node {
    id name phase serverType location image providerServerId ipv4 ipv6 createdAt readyAt
    labels { key value }
    providerConnection { id name }
    error { ...HarnessNodeErrorFields }
  }
`);

/** One streamed step of a node's timeline (the API's AcquisitionEvent). */
export type TimelineEvent = HarnessEventFieldsFragment;
/** A node as the harness reads it. */
export type NodeSummary = HarnessNodeFieldsFragment;
/** A node's failure (the API's NodeError). */
export type NodeError = NonNullable<NodeSummary['error']>;
/** A mutation's typed error (ValidationError, NotFoundError, ConflictError, ProviderError, RateLimitedError). */
export type TypedError = HarnessTypedErrorFieldsFragment;
/** createNode's input. */
export type AcquireInput = CreateNodeInput;

export const NODE_EVENTS_SUBSCRIPTION = graphql(`
  subscription HarnessNodeEvents($nodeId: ID!, $after: Int) { nodeEvents(nodeId: $nodeId, after: $after) { ...HarnessEventFields } }
`);
export const NODE_QUERY = graphql(`
  query HarnessNode($id: ID!) { node(id: $id) { ...HarnessNodeFields } }
`);
/** One page of a node's stored timeline, oldest first. */
export const NODE_EVENTS_QUERY = graphql(`
  query HarnessNodeTimeline($id: ID!, $first: Int!, $after: String) {
    node(id: $id) { events(first: $first, after: $after) { nodes { ...HarnessEventFields } pageInfo { hasNextPage endCursor } } }
  }
`);
/** One page of the organization's nodes, newest first. */
export const NODES_QUERY = graphql(`
  query HarnessNodes($first: Int, $after: String, $filter: NodeFilter) {
    nodes(first: $first, after: $after, filter: $filter) {
      totalCount
      nodes { ...HarnessNodeFields }
      pageInfo { hasNextPage endCursor }
    }
  }
`);
/** One page of the organization's provider connections, oldest first. */
export const PROVIDER_CONNECTIONS_QUERY = graphql(`
  query HarnessProviderConnections($first: Int, $after: String) {
    providerConnections(first: $first, after: $after) {
      nodes { id name kind credentialStatus credentialError { ...HarnessProviderErrorFields } }
      pageInfo { hasNextPage endCursor }
    }
  }
`);
export const VALIDATE_PROVIDER_CONNECTION_MUTATION = graphql(`
  mutation HarnessValidateProviderConnection($input: ValidateProviderConnectionInput!) {
    validateProviderConnection(input: $input) {
      __typename
      ... on ValidateProviderConnectionPayload { providerConnection { id name kind credentialStatus credentialError { ...HarnessProviderErrorFields } } }
      ...HarnessTypedErrorFields
    }
  }
`);
export const CREATE_NODE_MUTATION = graphql(`
  mutation HarnessCreateNode($input: CreateNodeInput!) {
    createNode(input: $input) { __typename ... on CreateNodePayload { node { ...HarnessNodeFields } } ...HarnessTypedErrorFields }
  }
`);
export const CANCEL_NODE_MUTATION = graphql(`
  mutation HarnessCancelNode($input: CancelNodeInput!) {
    cancelNode(input: $input) { __typename ... on CancelNodePayload { node { ...HarnessNodeFields } } ...HarnessTypedErrorFields }
  }
`);
export const RETRY_NODE_MUTATION = graphql(`
  mutation HarnessRetryNode($input: RetryNodeInput!) {
    retryNode(input: $input) { __typename ... on RetryNodePayload { node { ...HarnessNodeFields } } ...HarnessTypedErrorFields }
  }
`);
export const RELEASE_NODE_MUTATION = graphql(`
  mutation HarnessReleaseNode($input: ReleaseNodeInput!) {
    releaseNode(input: $input) { __typename ... on ReleaseNodePayload { node { ...HarnessNodeFields } } ...HarnessTypedErrorFields }
  }
`);
