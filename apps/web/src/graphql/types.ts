import type { ProviderErrorInfo } from '@hangar/domain/provider-errors';
import type { NodeErrorDetails } from '../errors.ts';

/** The shapes the web app reads from the API (schema.graphql is the source of truth). */

export type CredentialStatus = 'UNCHECKED' | 'VALID' | 'INVALID' | 'READ_ONLY' | 'UNREACHABLE' | 'RATE_LIMITED';

export type NodePhase =
  | 'QUEUED' | 'VALIDATING' | 'CREATING_SERVER' | 'WAITING_FOR_SERVER' | 'PROVISIONING' | 'WAITING_FOR_READINESS'
  | 'READY' | 'FAILED' | 'CANCELLED' | 'RELEASING' | 'RELEASED';

export type EventKind = 'PHASE_ENTERED' | 'PROGRESS' | 'RETRY' | 'ERROR' | 'INFO';

export interface Viewer {
  organization: { id: string; name: string };
  token: { id: string; name: string };
}

export interface ProviderConnection {
  id: string;
  name: string;
  kind: 'HETZNER';
  apiEndpoint: string;
  tokenHint: string;
  credentialStatus: CredentialStatus;
  credentialCheckedAt: string | null;
  credentialError: ProviderErrorInfo | null;
  createdAt: string;
}

export interface Location { name: string; description: string; country: string; city: string }
export interface ServerType { name: string; cores: number; memoryGb: number; diskGb: number; architecture: string; locations: string[]; deprecated: boolean }
export interface Image { name: string; description: string; architecture: string }
export interface ProviderCatalog { locations: Location[]; serverTypes: ServerType[]; images: Image[] }

export interface Node {
  id: string;
  name: string;
  phase: NodePhase;
  serverType: string;
  location: string;
  image: string;
  providerServerId: string | null;
  /** The server's name at the provider: `<name>-<first 8 of id>`. */
  providerServerName: string | null;
  ipv4: string | null;
  ipv6: string | null;
  attempt: number;
  createdAt: string;
  readyAt: string | null;
  registeredAt: string | null;
  releasedAt: string | null;
  /** Set at once by cancelNode; the node is CANCELLED when its server is gone. */
  cancelRequestedAt: string | null;
  lastHeartbeatAt: string | null;
  lastHeartbeatHealthy: boolean | null;
  /** A READY node whose machine stopped sending heartbeats. */
  heartbeatOverdue: boolean;
  providerConnection: { id: string; name: string };
  error: NodeErrorDetails | null;
}

export interface AcquisitionEvent {
  seq: number;
  nodeId: string;
  phase: NodePhase;
  kind: EventKind;
  message: string;
  progress: number | null;
  attempt: number | null;
  error: NodeErrorDetails | null;
  at: string;
}
