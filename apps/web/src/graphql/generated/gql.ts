/* eslint-disable */
import * as types from './graphql.ts';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

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
    "\n  fragment ProviderErrorFields on ProviderError { code message hint retryable providerCode httpStatus requestId }\n": typeof types.ProviderErrorFieldsFragmentDoc,
    "\n  fragment NodeErrorFields on NodeError { code message hint retryable provider { ...ProviderErrorFields } }\n": typeof types.NodeErrorFieldsFragmentDoc,
    "\n  fragment TypedErrorFields on Error {\n    __typename code message\n    ... on ValidationError { path }\n    ... on ConflictError { conflictPath: path }\n    ... on ProviderError { ...ProviderErrorFields }\n    ... on RateLimitedError { retryAfterSeconds provider { ...ProviderErrorFields } }\n  }\n": typeof types.TypedErrorFieldsFragmentDoc,
    "\n  fragment ProviderConnectionFields on ProviderConnection {\n    id name kind apiEndpoint tokenHint credentialStatus credentialCheckedAt createdAt\n    credentialError { ...ProviderErrorFields }\n  }\n": typeof types.ProviderConnectionFieldsFragmentDoc,
    "\n  fragment NodeCostFields on Node {\n    requestedServerType requestedLocation placementIndex serverCreatedAt\n    alternatives { serverType location }\n    price { location hourly { gross currency } monthly { gross currency } }\n    costSoFar { gross currency }\n  }\n": typeof types.NodeCostFieldsFragmentDoc,
    "\n  fragment NodeFields on Node {\n    id name phase lastEventSeq serverType location image providerServerId providerServerName ipv4 ipv6 attempt\n    createdAt readyAt registeredAt releasedAt cancelRequestedAt lastHeartbeatAt lastHeartbeatHealthy health canRelease archivedAt\n    labels { key value }\n    providerConnection { id name }\n    error { ...NodeErrorFields }\n    ...NodeCostFields\n  }\n": typeof types.NodeFieldsFragmentDoc,
    "\n  fragment AcquisitionEventFields on AcquisitionEvent {\n    seq nodeId phase kind message progress attempt at\n    error { ...NodeErrorFields }\n  }\n": typeof types.AcquisitionEventFieldsFragmentDoc,
    "\n  query RunRate { runRate { nodes unpricedNodes monthly { gross currency } } }\n": typeof types.RunRateDocument,
    "\n  query NodeCost($id: ID!) { node(id: $id) { id costSoFar { gross currency } } }\n": typeof types.NodeCostDocument,
    "\n  query ProviderResources($id: ID!) {\n    providerConnection(id: $id) {\n      id\n      sshKeys { id name fingerprint keyType bits }\n      networks { id name ipRange zones }\n      firewalls { id name ruleCount }\n      placementGroups { id name type serverCount }\n    }\n  }\n": typeof types.ProviderResourcesDocument,
    "\n  mutation AddSshKey($input: AddSshKeyInput!) {\n    addSshKey(input: $input) { __typename ... on AddSshKeyPayload { sshKey { id name fingerprint keyType bits } } ...TypedErrorFields }\n  }\n": typeof types.AddSshKeyDocument,
    "\n  query NodeResources($id: ID!) {\n    node(id: $id) {\n      id\n      sshKeyNames\n      labels { key value }\n      userData { kind bytes sha256 }\n      networkIds\n      firewallIds\n      placementGroupId\n      publicIpv4\n      publicIpv6\n    }\n  }\n": typeof types.NodeResourcesDocument,
    "\n  query NodeResourceNames($id: ID!) {\n    providerConnection(id: $id) { id networks { id name ipRange } firewalls { id name } placementGroups { id name } }\n  }\n": typeof types.NodeResourceNamesDocument,
    "\n  query Nodes($first: Int, $after: String, $archived: Boolean) {\n    nodes(first: $first, after: $after, filter: { archived: $archived }) {\n      nodes { ...NodeFields }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.NodesDocument,
    "\n  query Node($id: ID!, $events: Int!) {\n    node(id: $id) { ...NodeFields events(first: $events) { nodes { ...AcquisitionEventFields } } }\n  }\n": typeof types.NodeDocument,
    "\n  mutation CreateNode($input: CreateNodeInput!) {\n    createNode(input: $input) { __typename ... on CreateNodePayload { node { ...NodeFields } } ...TypedErrorFields }\n  }\n": typeof types.CreateNodeDocument,
    "\n  mutation CancelNode($input: CancelNodeInput!) {\n    cancelNode(input: $input) { __typename ... on CancelNodePayload { node { ...NodeFields } } ...TypedErrorFields }\n  }\n": typeof types.CancelNodeDocument,
    "\n  mutation RetryNode($input: RetryNodeInput!) {\n    retryNode(input: $input) { __typename ... on RetryNodePayload { node { ...NodeFields } } ...TypedErrorFields }\n  }\n": typeof types.RetryNodeDocument,
    "\n  mutation ReleaseNode($input: ReleaseNodeInput!) {\n    releaseNode(input: $input) { __typename ... on ReleaseNodePayload { node { ...NodeFields } } ...TypedErrorFields }\n  }\n": typeof types.ReleaseNodeDocument,
    "\n  mutation ArchiveNode($input: ArchiveNodeInput!) {\n    archiveNode(input: $input) { __typename ... on ArchiveNodePayload { node { ...NodeFields } } ...TypedErrorFields }\n  }\n": typeof types.ArchiveNodeDocument,
    "\n  subscription NodeChanged { nodeChanged { ...NodeFields } }\n": typeof types.NodeChangedDocument,
    "\n  subscription NodeEvents($nodeId: ID!, $after: Int) {\n    nodeEvents(nodeId: $nodeId, after: $after) { ...AcquisitionEventFields }\n  }\n": typeof types.NodeEventsDocument,
    "\n  query ProviderConnections($first: Int!) { providerConnections(first: $first) { nodes { ...ProviderConnectionFields } } }\n": typeof types.ProviderConnectionsDocument,
    "\n  fragment CatalogFields on ProviderCatalog {\n    fetchedAt\n    locations { name description country city }\n    serverTypes { name cores memoryGb diskGb architecture locations deprecated prices { location hourly { gross currency } monthly { gross currency } } }\n    images { name description architecture }\n  }\n": typeof types.CatalogFieldsFragmentDoc,
    "\n  query ProviderCatalog($id: ID!) {\n    providerConnection(id: $id) { id catalog { ...CatalogFields } }\n  }\n": typeof types.ProviderCatalogDocument,
    "\n  mutation RefreshCatalog($input: RefreshCatalogInput!) {\n    refreshCatalog(input: $input) {\n      __typename ... on RefreshCatalogPayload { providerConnection { id catalog { ...CatalogFields } } } ...TypedErrorFields\n    }\n  }\n": typeof types.RefreshCatalogDocument,
    "\n  mutation CreateProviderConnection($input: CreateProviderConnectionInput!) {\n    createProviderConnection(input: $input) {\n      __typename ... on CreateProviderConnectionPayload { providerConnection { ...ProviderConnectionFields } } ...TypedErrorFields\n    }\n  }\n": typeof types.CreateProviderConnectionDocument,
    "\n  mutation RotateProviderToken($input: RotateProviderTokenInput!) {\n    rotateProviderToken(input: $input) {\n      __typename ... on RotateProviderTokenPayload { providerConnection { ...ProviderConnectionFields } } ...TypedErrorFields\n    }\n  }\n": typeof types.RotateProviderTokenDocument,
    "\n  mutation ValidateProviderConnection($input: ValidateProviderConnectionInput!) {\n    validateProviderConnection(input: $input) {\n      __typename ... on ValidateProviderConnectionPayload { providerConnection { ...ProviderConnectionFields } } ...TypedErrorFields\n    }\n  }\n": typeof types.ValidateProviderConnectionDocument,
    "\n  mutation DeleteProviderConnection($input: DeleteProviderConnectionInput!) {\n    deleteProviderConnection(input: $input) { __typename ... on DeleteProviderConnectionPayload { deletedId } ...TypedErrorFields }\n  }\n": typeof types.DeleteProviderConnectionDocument,
    "\n  subscription ProviderConnectionChanged { providerConnectionChanged { id deleted providerConnection { ...ProviderConnectionFields } } }\n": typeof types.ProviderConnectionChangedDocument,
    "\n  query Viewer { viewer { organization { id name } token { id name } } }\n": typeof types.ViewerDocument,
};
const documents: Documents = {
    "\n  fragment ProviderErrorFields on ProviderError { code message hint retryable providerCode httpStatus requestId }\n": types.ProviderErrorFieldsFragmentDoc,
    "\n  fragment NodeErrorFields on NodeError { code message hint retryable provider { ...ProviderErrorFields } }\n": types.NodeErrorFieldsFragmentDoc,
    "\n  fragment TypedErrorFields on Error {\n    __typename code message\n    ... on ValidationError { path }\n    ... on ConflictError { conflictPath: path }\n    ... on ProviderError { ...ProviderErrorFields }\n    ... on RateLimitedError { retryAfterSeconds provider { ...ProviderErrorFields } }\n  }\n": types.TypedErrorFieldsFragmentDoc,
    "\n  fragment ProviderConnectionFields on ProviderConnection {\n    id name kind apiEndpoint tokenHint credentialStatus credentialCheckedAt createdAt\n    credentialError { ...ProviderErrorFields }\n  }\n": types.ProviderConnectionFieldsFragmentDoc,
    "\n  fragment NodeCostFields on Node {\n    requestedServerType requestedLocation placementIndex serverCreatedAt\n    alternatives { serverType location }\n    price { location hourly { gross currency } monthly { gross currency } }\n    costSoFar { gross currency }\n  }\n": types.NodeCostFieldsFragmentDoc,
    "\n  fragment NodeFields on Node {\n    id name phase lastEventSeq serverType location image providerServerId providerServerName ipv4 ipv6 attempt\n    createdAt readyAt registeredAt releasedAt cancelRequestedAt lastHeartbeatAt lastHeartbeatHealthy health canRelease archivedAt\n    labels { key value }\n    providerConnection { id name }\n    error { ...NodeErrorFields }\n    ...NodeCostFields\n  }\n": types.NodeFieldsFragmentDoc,
    "\n  fragment AcquisitionEventFields on AcquisitionEvent {\n    seq nodeId phase kind message progress attempt at\n    error { ...NodeErrorFields }\n  }\n": types.AcquisitionEventFieldsFragmentDoc,
    "\n  query RunRate { runRate { nodes unpricedNodes monthly { gross currency } } }\n": types.RunRateDocument,
    "\n  query NodeCost($id: ID!) { node(id: $id) { id costSoFar { gross currency } } }\n": types.NodeCostDocument,
    "\n  query ProviderResources($id: ID!) {\n    providerConnection(id: $id) {\n      id\n      sshKeys { id name fingerprint keyType bits }\n      networks { id name ipRange zones }\n      firewalls { id name ruleCount }\n      placementGroups { id name type serverCount }\n    }\n  }\n": types.ProviderResourcesDocument,
    "\n  mutation AddSshKey($input: AddSshKeyInput!) {\n    addSshKey(input: $input) { __typename ... on AddSshKeyPayload { sshKey { id name fingerprint keyType bits } } ...TypedErrorFields }\n  }\n": types.AddSshKeyDocument,
    "\n  query NodeResources($id: ID!) {\n    node(id: $id) {\n      id\n      sshKeyNames\n      labels { key value }\n      userData { kind bytes sha256 }\n      networkIds\n      firewallIds\n      placementGroupId\n      publicIpv4\n      publicIpv6\n    }\n  }\n": types.NodeResourcesDocument,
    "\n  query NodeResourceNames($id: ID!) {\n    providerConnection(id: $id) { id networks { id name ipRange } firewalls { id name } placementGroups { id name } }\n  }\n": types.NodeResourceNamesDocument,
    "\n  query Nodes($first: Int, $after: String, $archived: Boolean) {\n    nodes(first: $first, after: $after, filter: { archived: $archived }) {\n      nodes { ...NodeFields }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.NodesDocument,
    "\n  query Node($id: ID!, $events: Int!) {\n    node(id: $id) { ...NodeFields events(first: $events) { nodes { ...AcquisitionEventFields } } }\n  }\n": types.NodeDocument,
    "\n  mutation CreateNode($input: CreateNodeInput!) {\n    createNode(input: $input) { __typename ... on CreateNodePayload { node { ...NodeFields } } ...TypedErrorFields }\n  }\n": types.CreateNodeDocument,
    "\n  mutation CancelNode($input: CancelNodeInput!) {\n    cancelNode(input: $input) { __typename ... on CancelNodePayload { node { ...NodeFields } } ...TypedErrorFields }\n  }\n": types.CancelNodeDocument,
    "\n  mutation RetryNode($input: RetryNodeInput!) {\n    retryNode(input: $input) { __typename ... on RetryNodePayload { node { ...NodeFields } } ...TypedErrorFields }\n  }\n": types.RetryNodeDocument,
    "\n  mutation ReleaseNode($input: ReleaseNodeInput!) {\n    releaseNode(input: $input) { __typename ... on ReleaseNodePayload { node { ...NodeFields } } ...TypedErrorFields }\n  }\n": types.ReleaseNodeDocument,
    "\n  mutation ArchiveNode($input: ArchiveNodeInput!) {\n    archiveNode(input: $input) { __typename ... on ArchiveNodePayload { node { ...NodeFields } } ...TypedErrorFields }\n  }\n": types.ArchiveNodeDocument,
    "\n  subscription NodeChanged { nodeChanged { ...NodeFields } }\n": types.NodeChangedDocument,
    "\n  subscription NodeEvents($nodeId: ID!, $after: Int) {\n    nodeEvents(nodeId: $nodeId, after: $after) { ...AcquisitionEventFields }\n  }\n": types.NodeEventsDocument,
    "\n  query ProviderConnections($first: Int!) { providerConnections(first: $first) { nodes { ...ProviderConnectionFields } } }\n": types.ProviderConnectionsDocument,
    "\n  fragment CatalogFields on ProviderCatalog {\n    fetchedAt\n    locations { name description country city }\n    serverTypes { name cores memoryGb diskGb architecture locations deprecated prices { location hourly { gross currency } monthly { gross currency } } }\n    images { name description architecture }\n  }\n": types.CatalogFieldsFragmentDoc,
    "\n  query ProviderCatalog($id: ID!) {\n    providerConnection(id: $id) { id catalog { ...CatalogFields } }\n  }\n": types.ProviderCatalogDocument,
    "\n  mutation RefreshCatalog($input: RefreshCatalogInput!) {\n    refreshCatalog(input: $input) {\n      __typename ... on RefreshCatalogPayload { providerConnection { id catalog { ...CatalogFields } } } ...TypedErrorFields\n    }\n  }\n": types.RefreshCatalogDocument,
    "\n  mutation CreateProviderConnection($input: CreateProviderConnectionInput!) {\n    createProviderConnection(input: $input) {\n      __typename ... on CreateProviderConnectionPayload { providerConnection { ...ProviderConnectionFields } } ...TypedErrorFields\n    }\n  }\n": types.CreateProviderConnectionDocument,
    "\n  mutation RotateProviderToken($input: RotateProviderTokenInput!) {\n    rotateProviderToken(input: $input) {\n      __typename ... on RotateProviderTokenPayload { providerConnection { ...ProviderConnectionFields } } ...TypedErrorFields\n    }\n  }\n": types.RotateProviderTokenDocument,
    "\n  mutation ValidateProviderConnection($input: ValidateProviderConnectionInput!) {\n    validateProviderConnection(input: $input) {\n      __typename ... on ValidateProviderConnectionPayload { providerConnection { ...ProviderConnectionFields } } ...TypedErrorFields\n    }\n  }\n": types.ValidateProviderConnectionDocument,
    "\n  mutation DeleteProviderConnection($input: DeleteProviderConnectionInput!) {\n    deleteProviderConnection(input: $input) { __typename ... on DeleteProviderConnectionPayload { deletedId } ...TypedErrorFields }\n  }\n": types.DeleteProviderConnectionDocument,
    "\n  subscription ProviderConnectionChanged { providerConnectionChanged { id deleted providerConnection { ...ProviderConnectionFields } } }\n": types.ProviderConnectionChangedDocument,
    "\n  query Viewer { viewer { organization { id name } token { id name } } }\n": types.ViewerDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ProviderErrorFields on ProviderError { code message hint retryable providerCode httpStatus requestId }\n"): (typeof documents)["\n  fragment ProviderErrorFields on ProviderError { code message hint retryable providerCode httpStatus requestId }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment NodeErrorFields on NodeError { code message hint retryable provider { ...ProviderErrorFields } }\n"): (typeof documents)["\n  fragment NodeErrorFields on NodeError { code message hint retryable provider { ...ProviderErrorFields } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment TypedErrorFields on Error {\n    __typename code message\n    ... on ValidationError { path }\n    ... on ConflictError { conflictPath: path }\n    ... on ProviderError { ...ProviderErrorFields }\n    ... on RateLimitedError { retryAfterSeconds provider { ...ProviderErrorFields } }\n  }\n"): (typeof documents)["\n  fragment TypedErrorFields on Error {\n    __typename code message\n    ... on ValidationError { path }\n    ... on ConflictError { conflictPath: path }\n    ... on ProviderError { ...ProviderErrorFields }\n    ... on RateLimitedError { retryAfterSeconds provider { ...ProviderErrorFields } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ProviderConnectionFields on ProviderConnection {\n    id name kind apiEndpoint tokenHint credentialStatus credentialCheckedAt createdAt\n    credentialError { ...ProviderErrorFields }\n  }\n"): (typeof documents)["\n  fragment ProviderConnectionFields on ProviderConnection {\n    id name kind apiEndpoint tokenHint credentialStatus credentialCheckedAt createdAt\n    credentialError { ...ProviderErrorFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment NodeCostFields on Node {\n    requestedServerType requestedLocation placementIndex serverCreatedAt\n    alternatives { serverType location }\n    price { location hourly { gross currency } monthly { gross currency } }\n    costSoFar { gross currency }\n  }\n"): (typeof documents)["\n  fragment NodeCostFields on Node {\n    requestedServerType requestedLocation placementIndex serverCreatedAt\n    alternatives { serverType location }\n    price { location hourly { gross currency } monthly { gross currency } }\n    costSoFar { gross currency }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment NodeFields on Node {\n    id name phase lastEventSeq serverType location image providerServerId providerServerName ipv4 ipv6 attempt\n    createdAt readyAt registeredAt releasedAt cancelRequestedAt lastHeartbeatAt lastHeartbeatHealthy health canRelease archivedAt\n    labels { key value }\n    providerConnection { id name }\n    error { ...NodeErrorFields }\n    ...NodeCostFields\n  }\n"): (typeof documents)["\n  fragment NodeFields on Node {\n    id name phase lastEventSeq serverType location image providerServerId providerServerName ipv4 ipv6 attempt\n    createdAt readyAt registeredAt releasedAt cancelRequestedAt lastHeartbeatAt lastHeartbeatHealthy health canRelease archivedAt\n    labels { key value }\n    providerConnection { id name }\n    error { ...NodeErrorFields }\n    ...NodeCostFields\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AcquisitionEventFields on AcquisitionEvent {\n    seq nodeId phase kind message progress attempt at\n    error { ...NodeErrorFields }\n  }\n"): (typeof documents)["\n  fragment AcquisitionEventFields on AcquisitionEvent {\n    seq nodeId phase kind message progress attempt at\n    error { ...NodeErrorFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RunRate { runRate { nodes unpricedNodes monthly { gross currency } } }\n"): (typeof documents)["\n  query RunRate { runRate { nodes unpricedNodes monthly { gross currency } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NodeCost($id: ID!) { node(id: $id) { id costSoFar { gross currency } } }\n"): (typeof documents)["\n  query NodeCost($id: ID!) { node(id: $id) { id costSoFar { gross currency } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ProviderResources($id: ID!) {\n    providerConnection(id: $id) {\n      id\n      sshKeys { id name fingerprint keyType bits }\n      networks { id name ipRange zones }\n      firewalls { id name ruleCount }\n      placementGroups { id name type serverCount }\n    }\n  }\n"): (typeof documents)["\n  query ProviderResources($id: ID!) {\n    providerConnection(id: $id) {\n      id\n      sshKeys { id name fingerprint keyType bits }\n      networks { id name ipRange zones }\n      firewalls { id name ruleCount }\n      placementGroups { id name type serverCount }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddSshKey($input: AddSshKeyInput!) {\n    addSshKey(input: $input) { __typename ... on AddSshKeyPayload { sshKey { id name fingerprint keyType bits } } ...TypedErrorFields }\n  }\n"): (typeof documents)["\n  mutation AddSshKey($input: AddSshKeyInput!) {\n    addSshKey(input: $input) { __typename ... on AddSshKeyPayload { sshKey { id name fingerprint keyType bits } } ...TypedErrorFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NodeResources($id: ID!) {\n    node(id: $id) {\n      id\n      sshKeyNames\n      labels { key value }\n      userData { kind bytes sha256 }\n      networkIds\n      firewallIds\n      placementGroupId\n      publicIpv4\n      publicIpv6\n    }\n  }\n"): (typeof documents)["\n  query NodeResources($id: ID!) {\n    node(id: $id) {\n      id\n      sshKeyNames\n      labels { key value }\n      userData { kind bytes sha256 }\n      networkIds\n      firewallIds\n      placementGroupId\n      publicIpv4\n      publicIpv6\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NodeResourceNames($id: ID!) {\n    providerConnection(id: $id) { id networks { id name ipRange } firewalls { id name } placementGroups { id name } }\n  }\n"): (typeof documents)["\n  query NodeResourceNames($id: ID!) {\n    providerConnection(id: $id) { id networks { id name ipRange } firewalls { id name } placementGroups { id name } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Nodes($first: Int, $after: String, $archived: Boolean) {\n    nodes(first: $first, after: $after, filter: { archived: $archived }) {\n      nodes { ...NodeFields }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): (typeof documents)["\n  query Nodes($first: Int, $after: String, $archived: Boolean) {\n    nodes(first: $first, after: $after, filter: { archived: $archived }) {\n      nodes { ...NodeFields }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Node($id: ID!, $events: Int!) {\n    node(id: $id) { ...NodeFields events(first: $events) { nodes { ...AcquisitionEventFields } } }\n  }\n"): (typeof documents)["\n  query Node($id: ID!, $events: Int!) {\n    node(id: $id) { ...NodeFields events(first: $events) { nodes { ...AcquisitionEventFields } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateNode($input: CreateNodeInput!) {\n    createNode(input: $input) { __typename ... on CreateNodePayload { node { ...NodeFields } } ...TypedErrorFields }\n  }\n"): (typeof documents)["\n  mutation CreateNode($input: CreateNodeInput!) {\n    createNode(input: $input) { __typename ... on CreateNodePayload { node { ...NodeFields } } ...TypedErrorFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelNode($input: CancelNodeInput!) {\n    cancelNode(input: $input) { __typename ... on CancelNodePayload { node { ...NodeFields } } ...TypedErrorFields }\n  }\n"): (typeof documents)["\n  mutation CancelNode($input: CancelNodeInput!) {\n    cancelNode(input: $input) { __typename ... on CancelNodePayload { node { ...NodeFields } } ...TypedErrorFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RetryNode($input: RetryNodeInput!) {\n    retryNode(input: $input) { __typename ... on RetryNodePayload { node { ...NodeFields } } ...TypedErrorFields }\n  }\n"): (typeof documents)["\n  mutation RetryNode($input: RetryNodeInput!) {\n    retryNode(input: $input) { __typename ... on RetryNodePayload { node { ...NodeFields } } ...TypedErrorFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReleaseNode($input: ReleaseNodeInput!) {\n    releaseNode(input: $input) { __typename ... on ReleaseNodePayload { node { ...NodeFields } } ...TypedErrorFields }\n  }\n"): (typeof documents)["\n  mutation ReleaseNode($input: ReleaseNodeInput!) {\n    releaseNode(input: $input) { __typename ... on ReleaseNodePayload { node { ...NodeFields } } ...TypedErrorFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ArchiveNode($input: ArchiveNodeInput!) {\n    archiveNode(input: $input) { __typename ... on ArchiveNodePayload { node { ...NodeFields } } ...TypedErrorFields }\n  }\n"): (typeof documents)["\n  mutation ArchiveNode($input: ArchiveNodeInput!) {\n    archiveNode(input: $input) { __typename ... on ArchiveNodePayload { node { ...NodeFields } } ...TypedErrorFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription NodeChanged { nodeChanged { ...NodeFields } }\n"): (typeof documents)["\n  subscription NodeChanged { nodeChanged { ...NodeFields } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription NodeEvents($nodeId: ID!, $after: Int) {\n    nodeEvents(nodeId: $nodeId, after: $after) { ...AcquisitionEventFields }\n  }\n"): (typeof documents)["\n  subscription NodeEvents($nodeId: ID!, $after: Int) {\n    nodeEvents(nodeId: $nodeId, after: $after) { ...AcquisitionEventFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ProviderConnections($first: Int!) { providerConnections(first: $first) { nodes { ...ProviderConnectionFields } } }\n"): (typeof documents)["\n  query ProviderConnections($first: Int!) { providerConnections(first: $first) { nodes { ...ProviderConnectionFields } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment CatalogFields on ProviderCatalog {\n    fetchedAt\n    locations { name description country city }\n    serverTypes { name cores memoryGb diskGb architecture locations deprecated prices { location hourly { gross currency } monthly { gross currency } } }\n    images { name description architecture }\n  }\n"): (typeof documents)["\n  fragment CatalogFields on ProviderCatalog {\n    fetchedAt\n    locations { name description country city }\n    serverTypes { name cores memoryGb diskGb architecture locations deprecated prices { location hourly { gross currency } monthly { gross currency } } }\n    images { name description architecture }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ProviderCatalog($id: ID!) {\n    providerConnection(id: $id) { id catalog { ...CatalogFields } }\n  }\n"): (typeof documents)["\n  query ProviderCatalog($id: ID!) {\n    providerConnection(id: $id) { id catalog { ...CatalogFields } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RefreshCatalog($input: RefreshCatalogInput!) {\n    refreshCatalog(input: $input) {\n      __typename ... on RefreshCatalogPayload { providerConnection { id catalog { ...CatalogFields } } } ...TypedErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation RefreshCatalog($input: RefreshCatalogInput!) {\n    refreshCatalog(input: $input) {\n      __typename ... on RefreshCatalogPayload { providerConnection { id catalog { ...CatalogFields } } } ...TypedErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateProviderConnection($input: CreateProviderConnectionInput!) {\n    createProviderConnection(input: $input) {\n      __typename ... on CreateProviderConnectionPayload { providerConnection { ...ProviderConnectionFields } } ...TypedErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation CreateProviderConnection($input: CreateProviderConnectionInput!) {\n    createProviderConnection(input: $input) {\n      __typename ... on CreateProviderConnectionPayload { providerConnection { ...ProviderConnectionFields } } ...TypedErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RotateProviderToken($input: RotateProviderTokenInput!) {\n    rotateProviderToken(input: $input) {\n      __typename ... on RotateProviderTokenPayload { providerConnection { ...ProviderConnectionFields } } ...TypedErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation RotateProviderToken($input: RotateProviderTokenInput!) {\n    rotateProviderToken(input: $input) {\n      __typename ... on RotateProviderTokenPayload { providerConnection { ...ProviderConnectionFields } } ...TypedErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ValidateProviderConnection($input: ValidateProviderConnectionInput!) {\n    validateProviderConnection(input: $input) {\n      __typename ... on ValidateProviderConnectionPayload { providerConnection { ...ProviderConnectionFields } } ...TypedErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation ValidateProviderConnection($input: ValidateProviderConnectionInput!) {\n    validateProviderConnection(input: $input) {\n      __typename ... on ValidateProviderConnectionPayload { providerConnection { ...ProviderConnectionFields } } ...TypedErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteProviderConnection($input: DeleteProviderConnectionInput!) {\n    deleteProviderConnection(input: $input) { __typename ... on DeleteProviderConnectionPayload { deletedId } ...TypedErrorFields }\n  }\n"): (typeof documents)["\n  mutation DeleteProviderConnection($input: DeleteProviderConnectionInput!) {\n    deleteProviderConnection(input: $input) { __typename ... on DeleteProviderConnectionPayload { deletedId } ...TypedErrorFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ProviderConnectionChanged { providerConnectionChanged { id deleted providerConnection { ...ProviderConnectionFields } } }\n"): (typeof documents)["\n  subscription ProviderConnectionChanged { providerConnectionChanged { id deleted providerConnection { ...ProviderConnectionFields } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Viewer { viewer { organization { id name } token { id name } } }\n"): (typeof documents)["\n  query Viewer { viewer { organization { id name } token { id name } } }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;