/**
 * How Hangar marks the servers it creates, so that it can always find them again: labels
 * naming the node, its organization, its connection and its attempt, and a deterministic
 * server name. Before any create, the acquisition engine looks for a server carrying the
 * node's label (and adopts it); a second create for the same node would anyway be refused by
 * the provider, since the name is taken.
 */

/** Label prefix Hangar owns; users' own labels may not use it. */
export const HANGAR_LABEL_PREFIX = 'hangar.dev/';
/** The node a server belongs to. */
export const NODE_ID_LABEL = `${HANGAR_LABEL_PREFIX}node-id`;
/** The node's organization. */
export const ORGANIZATION_ID_LABEL = `${HANGAR_LABEL_PREFIX}organization-id`;
/** The provider connection the server was created through (the reconcile job lists by it). */
export const CONNECTION_ID_LABEL = `${HANGAR_LABEL_PREFIX}connection-id`;
/** The acquisition attempt (Node.attempt) that created the server. */
export const ATTEMPT_LABEL = `${HANGAR_LABEL_PREFIX}attempt`;
/** Characters of the node id in the server name. */
export const SERVER_NAME_ID_CHARS = 8;

/** What identifies a node's server. */
export type ServerOwner = { id: string; name: string; organizationId: string; providerConnectionId: string; attempt: number };

/** The labels Hangar puts on a node's server (user labels are added beside them). */
export function hangarLabels(node: ServerOwner): Record<string, string> {
  return {
    [NODE_ID_LABEL]: node.id,
    [ORGANIZATION_ID_LABEL]: node.organizationId,
    [CONNECTION_ID_LABEL]: node.providerConnectionId,
    [ATTEMPT_LABEL]: String(node.attempt),
  };
}

/**
 * The server's name: `<node name>-<first 8 of node id>`. The node name is an RFC 1123 label of
 * at most 63 characters; it is shortened so the whole name stays a valid label too.
 */
export function serverNameFor(node: Pick<ServerOwner, 'id' | 'name'>): string {
  const suffix = node.id.replace(/-/g, '').slice(0, SERVER_NAME_ID_CHARS);
  const room = 63 - suffix.length - 1;
  const base = node.name.slice(0, room).replace(/-+$/, '');
  return `${base}-${suffix}`;
}

/** The attempt a server was created by (from its labels), or null when it has none. */
export function attemptOf(labels: Record<string, string>): number | null {
  const value = Number(labels[ATTEMPT_LABEL]);
  return Number.isInteger(value) && value > 0 ? value : null;
}
