/* eslint-disable */
import * as types from './graphql.ts';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment HarnessProviderErrorFields on ProviderError { code message hint retryable providerCode httpStatus requestId }\n": typeof types.HarnessProviderErrorFieldsFragmentDoc,
    "\n  fragment HarnessNodeErrorFields on NodeError { code message hint retryable provider { ...HarnessProviderErrorFields } }\n": typeof types.HarnessNodeErrorFieldsFragmentDoc,
    "\n  fragment HarnessTypedErrorFields on Error {\n    __typename code message\n    ... on ValidationError { path }\n    ... on ConflictError { conflictPath: path }\n    ... on ProviderError { hint retryable providerCode httpStatus requestId }\n    ... on RateLimitedError { retryAfterSeconds provider { ...HarnessProviderErrorFields } }\n  }\n": typeof types.HarnessTypedErrorFieldsFragmentDoc,
    "\n  fragment HarnessEventFields on AcquisitionEvent { seq nodeId phase kind message progress attempt at error { ...HarnessNodeErrorFields } }\n": typeof types.HarnessEventFieldsFragmentDoc,
    "\n  fragment HarnessNodeFields on Node {\n    id name phase serverType location image providerServerId ipv4 ipv6 createdAt readyAt\n    labels { key value }\n    providerConnection { id name }\n    error { ...HarnessNodeErrorFields }\n  }\n": typeof types.HarnessNodeFieldsFragmentDoc,
    "\n  subscription HarnessNodeEvents($nodeId: ID!, $after: Int) { nodeEvents(nodeId: $nodeId, after: $after) { ...HarnessEventFields } }\n": typeof types.HarnessNodeEventsDocument,
    "\n  query HarnessNode($id: ID!) { node(id: $id) { ...HarnessNodeFields } }\n": typeof types.HarnessNodeDocument,
    "\n  query HarnessNodeTimeline($id: ID!, $first: Int!, $after: String) {\n    node(id: $id) { events(first: $first, after: $after) { nodes { ...HarnessEventFields } pageInfo { hasNextPage endCursor } } }\n  }\n": typeof types.HarnessNodeTimelineDocument,
    "\n  query HarnessNodes($first: Int, $after: String, $filter: NodeFilter) {\n    nodes(first: $first, after: $after, filter: $filter) {\n      totalCount\n      nodes { ...HarnessNodeFields }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.HarnessNodesDocument,
    "\n  query HarnessProviderConnections($first: Int, $after: String) {\n    providerConnections(first: $first, after: $after) {\n      nodes { id name kind credentialStatus credentialError { ...HarnessProviderErrorFields } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.HarnessProviderConnectionsDocument,
    "\n  mutation HarnessValidateProviderConnection($input: ValidateProviderConnectionInput!) {\n    validateProviderConnection(input: $input) {\n      __typename\n      ... on ValidateProviderConnectionPayload { providerConnection { id name kind credentialStatus credentialError { ...HarnessProviderErrorFields } } }\n      ...HarnessTypedErrorFields\n    }\n  }\n": typeof types.HarnessValidateProviderConnectionDocument,
    "\n  mutation HarnessCreateNode($input: CreateNodeInput!) {\n    createNode(input: $input) { __typename ... on CreateNodePayload { node { ...HarnessNodeFields } } ...HarnessTypedErrorFields }\n  }\n": typeof types.HarnessCreateNodeDocument,
    "\n  mutation HarnessCancelNode($input: CancelNodeInput!) {\n    cancelNode(input: $input) { __typename ... on CancelNodePayload { node { ...HarnessNodeFields } } ...HarnessTypedErrorFields }\n  }\n": typeof types.HarnessCancelNodeDocument,
    "\n  mutation HarnessRetryNode($input: RetryNodeInput!) {\n    retryNode(input: $input) { __typename ... on RetryNodePayload { node { ...HarnessNodeFields } } ...HarnessTypedErrorFields }\n  }\n": typeof types.HarnessRetryNodeDocument,
    "\n  mutation HarnessReleaseNode($input: ReleaseNodeInput!) {\n    releaseNode(input: $input) { __typename ... on ReleaseNodePayload { node { ...HarnessNodeFields } } ...HarnessTypedErrorFields }\n  }\n": typeof types.HarnessReleaseNodeDocument,
};
const documents: Documents = {
    "\n  fragment HarnessProviderErrorFields on ProviderError { code message hint retryable providerCode httpStatus requestId }\n": types.HarnessProviderErrorFieldsFragmentDoc,
    "\n  fragment HarnessNodeErrorFields on NodeError { code message hint retryable provider { ...HarnessProviderErrorFields } }\n": types.HarnessNodeErrorFieldsFragmentDoc,
    "\n  fragment HarnessTypedErrorFields on Error {\n    __typename code message\n    ... on ValidationError { path }\n    ... on ConflictError { conflictPath: path }\n    ... on ProviderError { hint retryable providerCode httpStatus requestId }\n    ... on RateLimitedError { retryAfterSeconds provider { ...HarnessProviderErrorFields } }\n  }\n": types.HarnessTypedErrorFieldsFragmentDoc,
    "\n  fragment HarnessEventFields on AcquisitionEvent { seq nodeId phase kind message progress attempt at error { ...HarnessNodeErrorFields } }\n": types.HarnessEventFieldsFragmentDoc,
    "\n  fragment HarnessNodeFields on Node {\n    id name phase serverType location image providerServerId ipv4 ipv6 createdAt readyAt\n    labels { key value }\n    providerConnection { id name }\n    error { ...HarnessNodeErrorFields }\n  }\n": types.HarnessNodeFieldsFragmentDoc,
    "\n  subscription HarnessNodeEvents($nodeId: ID!, $after: Int) { nodeEvents(nodeId: $nodeId, after: $after) { ...HarnessEventFields } }\n": types.HarnessNodeEventsDocument,
    "\n  query HarnessNode($id: ID!) { node(id: $id) { ...HarnessNodeFields } }\n": types.HarnessNodeDocument,
    "\n  query HarnessNodeTimeline($id: ID!, $first: Int!, $after: String) {\n    node(id: $id) { events(first: $first, after: $after) { nodes { ...HarnessEventFields } pageInfo { hasNextPage endCursor } } }\n  }\n": types.HarnessNodeTimelineDocument,
    "\n  query HarnessNodes($first: Int, $after: String, $filter: NodeFilter) {\n    nodes(first: $first, after: $after, filter: $filter) {\n      totalCount\n      nodes { ...HarnessNodeFields }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.HarnessNodesDocument,
    "\n  query HarnessProviderConnections($first: Int, $after: String) {\n    providerConnections(first: $first, after: $after) {\n      nodes { id name kind credentialStatus credentialError { ...HarnessProviderErrorFields } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.HarnessProviderConnectionsDocument,
    "\n  mutation HarnessValidateProviderConnection($input: ValidateProviderConnectionInput!) {\n    validateProviderConnection(input: $input) {\n      __typename\n      ... on ValidateProviderConnectionPayload { providerConnection { id name kind credentialStatus credentialError { ...HarnessProviderErrorFields } } }\n      ...HarnessTypedErrorFields\n    }\n  }\n": types.HarnessValidateProviderConnectionDocument,
    "\n  mutation HarnessCreateNode($input: CreateNodeInput!) {\n    createNode(input: $input) { __typename ... on CreateNodePayload { node { ...HarnessNodeFields } } ...HarnessTypedErrorFields }\n  }\n": types.HarnessCreateNodeDocument,
    "\n  mutation HarnessCancelNode($input: CancelNodeInput!) {\n    cancelNode(input: $input) { __typename ... on CancelNodePayload { node { ...HarnessNodeFields } } ...HarnessTypedErrorFields }\n  }\n": types.HarnessCancelNodeDocument,
    "\n  mutation HarnessRetryNode($input: RetryNodeInput!) {\n    retryNode(input: $input) { __typename ... on RetryNodePayload { node { ...HarnessNodeFields } } ...HarnessTypedErrorFields }\n  }\n": types.HarnessRetryNodeDocument,
    "\n  mutation HarnessReleaseNode($input: ReleaseNodeInput!) {\n    releaseNode(input: $input) { __typename ... on ReleaseNodePayload { node { ...HarnessNodeFields } } ...HarnessTypedErrorFields }\n  }\n": types.HarnessReleaseNodeDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment HarnessProviderErrorFields on ProviderError { code message hint retryable providerCode httpStatus requestId }\n"): typeof import('./graphql.ts').HarnessProviderErrorFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment HarnessNodeErrorFields on NodeError { code message hint retryable provider { ...HarnessProviderErrorFields } }\n"): typeof import('./graphql.ts').HarnessNodeErrorFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment HarnessTypedErrorFields on Error {\n    __typename code message\n    ... on ValidationError { path }\n    ... on ConflictError { conflictPath: path }\n    ... on ProviderError { hint retryable providerCode httpStatus requestId }\n    ... on RateLimitedError { retryAfterSeconds provider { ...HarnessProviderErrorFields } }\n  }\n"): typeof import('./graphql.ts').HarnessTypedErrorFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment HarnessEventFields on AcquisitionEvent { seq nodeId phase kind message progress attempt at error { ...HarnessNodeErrorFields } }\n"): typeof import('./graphql.ts').HarnessEventFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment HarnessNodeFields on Node {\n    id name phase serverType location image providerServerId ipv4 ipv6 createdAt readyAt\n    labels { key value }\n    providerConnection { id name }\n    error { ...HarnessNodeErrorFields }\n  }\n"): typeof import('./graphql.ts').HarnessNodeFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription HarnessNodeEvents($nodeId: ID!, $after: Int) { nodeEvents(nodeId: $nodeId, after: $after) { ...HarnessEventFields } }\n"): typeof import('./graphql.ts').HarnessNodeEventsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query HarnessNode($id: ID!) { node(id: $id) { ...HarnessNodeFields } }\n"): typeof import('./graphql.ts').HarnessNodeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query HarnessNodeTimeline($id: ID!, $first: Int!, $after: String) {\n    node(id: $id) { events(first: $first, after: $after) { nodes { ...HarnessEventFields } pageInfo { hasNextPage endCursor } } }\n  }\n"): typeof import('./graphql.ts').HarnessNodeTimelineDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query HarnessNodes($first: Int, $after: String, $filter: NodeFilter) {\n    nodes(first: $first, after: $after, filter: $filter) {\n      totalCount\n      nodes { ...HarnessNodeFields }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): typeof import('./graphql.ts').HarnessNodesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query HarnessProviderConnections($first: Int, $after: String) {\n    providerConnections(first: $first, after: $after) {\n      nodes { id name kind credentialStatus credentialError { ...HarnessProviderErrorFields } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): typeof import('./graphql.ts').HarnessProviderConnectionsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation HarnessValidateProviderConnection($input: ValidateProviderConnectionInput!) {\n    validateProviderConnection(input: $input) {\n      __typename\n      ... on ValidateProviderConnectionPayload { providerConnection { id name kind credentialStatus credentialError { ...HarnessProviderErrorFields } } }\n      ...HarnessTypedErrorFields\n    }\n  }\n"): typeof import('./graphql.ts').HarnessValidateProviderConnectionDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation HarnessCreateNode($input: CreateNodeInput!) {\n    createNode(input: $input) { __typename ... on CreateNodePayload { node { ...HarnessNodeFields } } ...HarnessTypedErrorFields }\n  }\n"): typeof import('./graphql.ts').HarnessCreateNodeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation HarnessCancelNode($input: CancelNodeInput!) {\n    cancelNode(input: $input) { __typename ... on CancelNodePayload { node { ...HarnessNodeFields } } ...HarnessTypedErrorFields }\n  }\n"): typeof import('./graphql.ts').HarnessCancelNodeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation HarnessRetryNode($input: RetryNodeInput!) {\n    retryNode(input: $input) { __typename ... on RetryNodePayload { node { ...HarnessNodeFields } } ...HarnessTypedErrorFields }\n  }\n"): typeof import('./graphql.ts').HarnessRetryNodeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation HarnessReleaseNode($input: ReleaseNodeInput!) {\n    releaseNode(input: $input) { __typename ... on ReleaseNodePayload { node { ...HarnessNodeFields } } ...HarnessTypedErrorFields }\n  }\n"): typeof import('./graphql.ts').HarnessReleaseNodeDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
