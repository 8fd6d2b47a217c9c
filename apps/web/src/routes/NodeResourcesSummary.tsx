import { useQuery } from 'urql';
import { NODE_RESOURCES_QUERY, NODE_RESOURCE_NAMES_QUERY } from '../graphql/node-resources.ts';

/**
 * The node page's "Access and placement": the SSH keys, labels, user data (kind, size and
 * SHA-256, never the text), networks, firewalls, placement group and public addresses it was
 * created with. Names come live from the provider project; one deleted there shows its id.
 */
export function NodeResourcesSummary({ nodeId, connectionId }: { nodeId: string; connectionId: string }) {
  const [result] = useQuery({ query: NODE_RESOURCES_QUERY, variables: { id: nodeId } });
  const node = result.data?.node;
  const wantsNames = Boolean(node && (node.networkIds.length > 0 || node.firewallIds.length > 0 || node.placementGroupId));
  const [names] = useQuery({ query: NODE_RESOURCE_NAMES_QUERY, variables: { id: connectionId }, pause: !wantsNames });
  if (!node) return null;
  const project = names.data?.providerConnection;
  const nameOf = (items: ReadonlyArray<{ id: string; name: string }> | undefined, id: string, what: string) => {
    const found = items?.find((item) => item.id === id);
    return found ? found.name : project ? `${what} ${id} (no longer in the provider project)` : `${what} ${id}`;
  };
  const none = <span className="muted">none</span>;
  return (
    <section className="card" aria-labelledby="access-title">
      <h2 id="access-title">Access and placement</h2>
      <dl className="access-facts facts-wide" data-testid="node-resources">
        <dt>SSH keys</dt>
        <dd>{node.sshKeyNames.length > 0 ? node.sshKeyNames.join(', ') : <span className="muted">none (the provider e-mailed a root password)</span>}</dd>
        <dt>Labels</dt>
        <dd>{node.labels.length > 0 ? node.labels.map((label) => <code key={label.key}>{label.value ? `${label.key}=${label.value}` : label.key}</code>) : none}</dd>
        <dt>User data</dt>
        <dd>
          {node.userData ? (
            <>
              {node.userData.kind === 'SCRIPT' ? 'script' : 'cloud-config'}, {node.userData.bytes} bytes, SHA-256 <code title={node.userData.sha256}>{node.userData.sha256.slice(0, 12)}…</code>
            </>
          ) : (
            none
          )}
        </dd>
        <dt>Private networks</dt>
        <dd>{node.networkIds.length > 0 ? node.networkIds.map((id) => nameOf(project?.networks, id, 'network')).join(', ') : none}</dd>
        <dt>Firewalls</dt>
        <dd>{node.firewallIds.length > 0 ? node.firewallIds.map((id) => nameOf(project?.firewalls, id, 'firewall')).join(', ') : none}</dd>
        <dt>Placement group</dt>
        <dd>{node.placementGroupId ? nameOf(project?.placementGroups, node.placementGroupId, 'placement group') : none}</dd>
        <dt>Public addresses</dt>
        <dd>{[node.publicIpv4 ? 'IPv4' : null, node.publicIpv6 ? 'IPv6' : null].filter(Boolean).join(' and ') || 'none (private network only)'}</dd>
      </dl>
    </section>
  );
}
