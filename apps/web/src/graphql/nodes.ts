import { graphql } from './generated/gql.ts';

/** One page of the organization's nodes, newest first: the listed ones, or (`archived`) the archived ones. */
export const NODES_QUERY = graphql(`
  query Nodes($first: Int, $after: String, $archived: Boolean) {
    nodes(first: $first, after: $after, filter: { archived: $archived }) {
      nodes { ...NodeFields }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

/**
 * One node with the oldest page of its stored timeline (`events`: STORED_EVENTS_PAGE_SIZE). The subscription continues after the
 * last seq held, so a longer timeline arrives through nodeEvents (stored events first).
 */
export const NODE_QUERY = graphql(`
  query Node($id: ID!, $events: Int!) {
    node(id: $id) { ...NodeFields events(first: $events) { nodes { ...AcquisitionEventFields } } }
  }
`);

/** How many stored events the node page reads before streaming (the API's maximum page size). */
export const STORED_EVENTS_PAGE_SIZE = 100;

export const CREATE_NODE = graphql(`
  mutation CreateNode($input: CreateNodeInput!) {
    createNode(input: $input) { __typename ... on CreateNodePayload { node { ...NodeFields } } ...TypedErrorFields }
  }
`);

export const CANCEL_NODE = graphql(`
  mutation CancelNode($input: CancelNodeInput!) {
    cancelNode(input: $input) { __typename ... on CancelNodePayload { node { ...NodeFields } } ...TypedErrorFields }
  }
`);

export const RETRY_NODE = graphql(`
  mutation RetryNode($input: RetryNodeInput!) {
    retryNode(input: $input) { __typename ... on RetryNodePayload { node { ...NodeFields } } ...TypedErrorFields }
  }
`);

export const RELEASE_NODE = graphql(`
  mutation ReleaseNode($input: ReleaseNodeInput!) {
    releaseNode(input: $input) { __typename ... on ReleaseNodePayload { node { ...NodeFields } } ...TypedErrorFields }
  }
`);

export const ARCHIVE_NODE = graphql(`
  mutation ArchiveNode($input: ArchiveNodeInput!) {
    archiveNode(input: $input) { __typename ... on ArchiveNodePayload { node { ...NodeFields } } ...TypedErrorFields }
  }
`);

/** Any change of any node of the organization (list views, the detail header). */
export const NODE_CHANGED = graphql(`
  subscription NodeChanged { nodeChanged { ...NodeFields } }
`);

/** A node's events after `after`: stored ones first, then live; ordered, no gaps. */
export const NODE_EVENTS = graphql(`
  subscription NodeEvents($nodeId: ID!, $after: Int) {
    nodeEvents(nodeId: $nodeId, after: $after) { ...AcquisitionEventFields }
  }
`);
