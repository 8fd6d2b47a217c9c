/**
 * Live machine health (issue 11, part 3): a READY node whose machine stops heartbeating gets a
 * HEALTH event, and so a nodeChanged message, when it becomes OVERDUE and again when it is LOST;
 * a heartbeat brings it back to HEALTHY at once. Real API, real worker (the node_health job with
 * a short check interval from the config), the simulator's machine going silent for real. The
 * test waits for the messages, never for a duration.
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '@hangar/core/bootstrap';
import { releaseNode } from '@hangar/core/nodes';
import { startAcquisitionEnv, type AcquisitionEnv } from '../../../packages/core/test/support/acquisition-env.ts';

let env: AcquisitionEnv;
let client: Client;
const SETTLE_MS = 180_000;

beforeAll(async () => {
  // Heartbeats every 750 ms at this scale: overdue after 2.25 s of silence, lost after 15 s.
  env = await startAcquisitionEnv({ deadlineScale: 0.05, config: { nodeHealthCheckMs: 250 } });
  client = createClient({ url: `${env.app.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${env.apiToken}` } });
}, 120_000);
afterAll(async () => {
  await client?.dispose();
  await env?.stop();
});

describe('machine health is live', () => {
  it('tells nodeChanged subscribers when heartbeats stop (OVERDUE, then LOST) and when they resume (HEALTHY)', async () => {
    const seen: Array<{ id: string; health: string | null; lastEventSeq: number }> = [];
    const subscribed = new Promise<void>((resolve) => {
      client.on('connected', () => resolve());
    });
    const dispose = client.subscribe(
      { query: 'subscription { nodeChanged { id health lastEventSeq } }' },
      { next: (result) => seen.push((result.data as { nodeChanged: { id: string; health: string | null; lastEventSeq: number } }).nodeChanged), error: () => undefined, complete: () => undefined },
    );
    await subscribed;
    // The machine sends two heartbeats (the first healthy one makes the node READY), then goes silent; the server keeps running.
    await env.addFault({ heartbeatStopsAfter: 2 });
    const node = await env.createNode();
    await env.waitForPhase(node.id, 'READY', SETTLE_MS);
    const healthOf = () => seen.filter((change) => change.id === node.id).map((change) => change.health);

    await expect.poll(healthOf, { timeout: SETTLE_MS, interval: 50 }).toContain('OVERDUE');
    await expect.poll(healthOf, { timeout: SETTLE_MS, interval: 50 }).toContain('LOST');
    const stored = await env.testDb.db.node.findUniqueOrThrow({ where: { id: node.id } });
    expect(stored).toMatchObject({ phase: 'READY', health: 'LOST' });

    // Heartbeats resume (the machine's credential, as the agent would send it): HEALTHY at once, with its event.
    const credential = `nc_test-${node.id}`;
    await env.testDb.db.node.update({ where: { id: node.id }, data: { nodeCredentialHash: hashSecret(credential) } });
    const response = await fetch(`${env.app.url}/agent/heartbeat`, { method: 'POST', headers: { authorization: `Bearer ${credential}`, 'content-type': 'application/json' }, body: JSON.stringify({ healthy: true }) });
    expect(response.status).toBe(200);
    expect((await env.testDb.db.node.findUniqueOrThrow({ where: { id: node.id } })).health).toBe('HEALTHY');
    await expect.poll(() => healthOf().at(-1), { timeout: SETTLE_MS, interval: 50 }).toBe('HEALTHY');

    // Each change is on the timeline, in order, as a HEALTH event.
    const health = (await env.events(node.id)).filter((event) => event.kind === 'HEALTH');
    expect(health.map((event) => event.message.split(':')[0])).toEqual(['heartbeats overdue', 'machine lost', 'heartbeats resumed']);
    expect(health.every((event) => event.phase === 'READY')).toBe(true);
    dispose();

    // Released: no health any more.
    await releaseNode(env.deps, env.actor, node.id);
    await env.waitForPhase(node.id, 'RELEASED', SETTLE_MS);
    expect((await env.testDb.db.node.findUniqueOrThrow({ where: { id: node.id } })).health).toBeNull();
  });
});
