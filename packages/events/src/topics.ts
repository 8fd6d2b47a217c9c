/**
 * The typed topic map of Hangar's cross-process events.
 *
 * A *channel* is a Postgres NOTIFY channel. Its payload is a few ids (and a seq), below
 * Postgres' 8,000-byte limit and our own MAX_NOTICE_BYTES; a subscriber reads the rows for
 * content. One exception: a node event's notice also carries the event row itself when it fits
 * (`event`, written by appendEvent in the same statement as the row), and a follower of the node
 * takes it from there instead of reading it (@hangar/core event-log eventOfNotice; it reads
 * when the row is absent or a seq is missing). Event rows hold what a node's timeline shows its
 * organization, never a secret. A *topic* is how a process routes one channel's notices to its
 * local listeners: by one payload field (a node's timeline by `nodeId`, an organization's list
 * views by `organizationId`).
 */

/**
 * The rest of a node event's row (AcquisitionEvent) as a notice carries it: `id` as a decimal
 * string (a bigint), `at` as an ISO 8601 timestamp. Untrusted until checked (eventOfNotice).
 */
export interface NodeEventInNotice {
  id: string;
  kind: string;
  message: string;
  progress: number | null;
  attempt: number | null;
  error: unknown;
  at: string;
}

/** The NOTIFY channels and the payload each carries. */
export interface ChannelPayloads {
  /** A node event committed (packages/core/src/event-log.ts appendEvent). */
  hangar_node_events: { nodeId: string; organizationId: string; seq: number; phase: string; event?: NodeEventInNotice };
  /** A provider connection's credential status (or another of its fields) changed. */
  hangar_connection_changes: { connectionId: string; organizationId: string };
  /** An API token was revoked: open subscriptions authenticated with it must end. */
  hangar_api_token_revoked: { tokenId: string; organizationId: string };
}

export type ChannelName = keyof ChannelPayloads;

/** Channel names as constants, for the producers' `pg_notify(...)`. */
export const CHANNELS = {
  nodeEvents: 'hangar_node_events',
  connectionChanges: 'hangar_connection_changes',
  apiTokenRevoked: 'hangar_api_token_revoked',
} as const satisfies Record<string, ChannelName>;

/**
 * The largest payload a producer may send, and a listener accepts: below Postgres' limit (a
 * payload of 8,000 bytes or more fails the NOTIFY). Ids and a seq take ~150 bytes; a node
 * event's row is carried only while the whole payload stays within this.
 */
export const MAX_NOTICE_BYTES = 7_900;

/** A channel and the payload field whose value is a listener's key. */
type TopicSpec = { [C in ChannelName]: { channel: C; key: keyof ChannelPayloads[C] & string } }[ChannelName];

/** Local topics: a channel routed by one field of its payload. */
export const TOPICS = {
  /** One node's timeline, keyed by node id. */
  node: { channel: 'hangar_node_events', key: 'nodeId' },
  /** Every node event of one organization, keyed by organization id. */
  organizationNodes: { channel: 'hangar_node_events', key: 'organizationId' },
  /** Provider connection changes of one organization, keyed by organization id. */
  organizationConnections: { channel: 'hangar_connection_changes', key: 'organizationId' },
  /** Revocations of one API token, keyed by token id. */
  apiToken: { channel: 'hangar_api_token_revoked', key: 'tokenId' },
} as const satisfies Record<string, TopicSpec>;

export type TopicName = keyof typeof TOPICS;
export type TopicNotice<T extends TopicName> = ChannelPayloads[(typeof TOPICS)[T]['channel']];

/** The payload fields that must be non-empty strings (the routing keys and ids) per channel. */
const REQUIRED_STRING_FIELDS: { [C in ChannelName]: ReadonlyArray<keyof ChannelPayloads[C] & string> } = {
  hangar_node_events: ['nodeId', 'organizationId'],
  hangar_connection_changes: ['connectionId', 'organizationId'],
  hangar_api_token_revoked: ['tokenId'],
};

export function isChannelName(value: string): value is ChannelName {
  return Object.hasOwn(REQUIRED_STRING_FIELDS, value);
}

/**
 * Parses a received payload. Returns null for anything malformed (it is then dropped and
 * logged): a notice is only a hint, so losing a bad one costs nothing but latency.
 */
export function parseNotice<C extends ChannelName>(channel: C, payload: string | undefined): ChannelPayloads[C] | null {
  if (!payload || payload.length > MAX_NOTICE_BYTES) return null;
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const record = value as Record<string, unknown>;
  for (const field of REQUIRED_STRING_FIELDS[channel]) {
    if (typeof record[field] !== 'string' || record[field] === '') return null;
  }
  return value as ChannelPayloads[C];
}

/** The routing keys of one notice: `<topic>` and `<topic>:<key>` for every topic of its channel. */
export function routesOf(channel: ChannelName, notice: object): string[] {
  const routes: string[] = [];
  for (const [name, spec] of Object.entries(TOPICS) as Array<[TopicName, TopicSpec]>) {
    if (spec.channel !== channel) continue;
    routes.push(name);
    const key = (notice as Record<string, unknown>)[spec.key];
    if (typeof key === 'string') routes.push(`${name}:${key}`);
  }
  return routes;
}

/** `<topic>:<key>` (one key's notices) or `<topic>` (all of them). */
export function routeOf(topic: TopicName, key?: string | null): string {
  return key ? `${topic}:${key}` : topic;
}

/** The channel behind a route, or undefined for a route this map does not know. */
export function channelOfRoute(route: string): ChannelName | undefined {
  const topic = route.split(':', 1)[0] as TopicName;
  return Object.hasOwn(TOPICS, topic) ? TOPICS[topic].channel : undefined;
}
