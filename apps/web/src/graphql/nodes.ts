import { gql } from 'urql';
import { ACQUISITION_EVENT_FIELDS, NODE_FIELDS } from './fragments.ts';
import type { AcquisitionEvent, Node } from './types.ts';

export const NODES_QUERY = gql<
  { nodes: { edges: Array<{ cursor: string; node: Node }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } },
  { first: number; after?: string | null }
>`
  query Nodes($first: Int, $after: String) {
    nodes(first: $first, after: $after) {
      edges { cursor node { ...NodeFields } }
      pageInfo { hasNextPage endCursor }
    }
  }
  ${NODE_FIELDS}
`;

/** One node with its stored timeline (the subscription continues after the last seq). */
export const NODE_QUERY = gql<{ node: (Node & { events: AcquisitionEvent[] }) | null }, { id: string }>`
  query Node($id: ID!) {
    node(id: $id) { ...NodeFields events { ...AcquisitionEventFields } }
  }
  ${NODE_FIELDS}
  ${ACQUISITION_EVENT_FIELDS}
`;

export interface CreateNodeInput {
  providerConnectionId: string;
  name: string;
  serverType: string;
  location: string;
  image: string;
}

export const CREATE_NODE = gql<{ createNode: Node }, { input: CreateNodeInput }>`
  mutation CreateNode($input: CreateNodeInput!) { createNode(input: $input) { ...NodeFields } }
  ${NODE_FIELDS}
`;

export const CANCEL_NODE = gql<{ cancelNode: Node }, { id: string }>`
  mutation CancelNode($id: ID!) { cancelNode(id: $id) { ...NodeFields } }
  ${NODE_FIELDS}
`;

export const RETRY_NODE = gql<{ retryNode: Node }, { id: string }>`
  mutation RetryNode($id: ID!) { retryNode(id: $id) { ...NodeFields } }
  ${NODE_FIELDS}
`;

export const RELEASE_NODE = gql<{ releaseNode: Node }, { id: string }>`
  mutation ReleaseNode($id: ID!) { releaseNode(id: $id) { ...NodeFields } }
  ${NODE_FIELDS}
`;

/** Any change of any node of the organization (list views, the detail header). */
export const NODE_CHANGED = gql<{ nodeChanged: Node }>`
  subscription NodeChanged { nodeChanged { ...NodeFields } }
  ${NODE_FIELDS}
`;

/** A node's events after `after`: stored ones first, then live; ordered, no gaps. */
export const NODE_EVENTS = gql<{ nodeEvents: AcquisitionEvent }, { nodeId: string; after: number }>`
  subscription NodeEvents($nodeId: ID!, $after: Int) {
    nodeEvents(nodeId: $nodeId, after: $after) { ...AcquisitionEventFields }
  }
  ${ACQUISITION_EVENT_FIELDS}
`;
