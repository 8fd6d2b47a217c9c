/** The GraphQL operations the harness sends, and the shapes it reads back. */
import type { ProviderErrorInfo } from '@hangar/domain/provider-errors';

export interface NodeError {
  code: string;
  message: string;
  retryable: boolean;
  provider: ProviderErrorInfo | null;
}

/** One streamed step of a node's timeline (the API's AcquisitionEvent). */
export interface TimelineEvent {
  seq: number;
  nodeId: string;
  phase: string;
  kind: 'PHASE_ENTERED' | 'PROGRESS' | 'RETRY' | 'ERROR' | 'INFO';
  message: string;
  progress: number | null;
  attempt: number | null;
  error: NodeError | null;
  at: string;
}

export interface NodeSummary {
  id: string;
  name: string;
  phase: string;
  serverType: string;
  location: string;
  image: string;
  providerServerId: string | null;
  ipv4: string | null;
  ipv6: string | null;
  error: NodeError | null;
  createdAt: string;
  readyAt: string | null;
}

/** createNode's input (the API's CreateNodeInput). */
export interface AcquireInput {
  providerConnectionId: string;
  name: string;
  serverType: string;
  location: string;
  image: string;
  sshKeyNames?: string[];
  labels?: Record<string, string>;
}

const ERROR_FIELDS = 'code message retryable provider { code message retryable providerCode httpStatus requestId }';
export const EVENT_FIELDS = `seq nodeId phase kind message progress attempt at error { ${ERROR_FIELDS} }`;
export const NODE_FIELDS = `id name phase serverType location image providerServerId ipv4 ipv6 createdAt readyAt error { ${ERROR_FIELDS} }`;

export const NODE_EVENTS_SUBSCRIPTION = `subscription HarnessNodeEvents($nodeId: ID!, $after: Int) { nodeEvents(nodeId: $nodeId, after: $after) { ${EVENT_FIELDS} } }`;
export const NODE_QUERY = `query HarnessNode($id: ID!) { node(id: $id) { ${NODE_FIELDS} } }`;
export const NODE_EVENTS_QUERY = `query HarnessNodeTimeline($id: ID!, $after: Int) { node(id: $id) { events(after: $after) { ${EVENT_FIELDS} } } }`;
export const CREATE_NODE_MUTATION = `mutation HarnessCreateNode($input: CreateNodeInput!) { createNode(input: $input) { ${NODE_FIELDS} } }`;
export const CANCEL_NODE_MUTATION = `mutation HarnessCancelNode($id: ID!) { cancelNode(id: $id) { ${NODE_FIELDS} } }`;
export const RETRY_NODE_MUTATION = `mutation HarnessRetryNode($id: ID!) { retryNode(id: $id) { ${NODE_FIELDS} } }`;
export const RELEASE_NODE_MUTATION = `mutation HarnessReleaseNode($id: ID!) { releaseNode(id: $id) { ${NODE_FIELDS} } }`;
