/**
 * Acquisition with the real machine side: the simulator's script boot mode runs the agent from
 * the user data Hangar built (packages/core/agent/hangar-agent.sh under /bin/sh), so the
 * registration and the heartbeats that make the node READY come from the script that runs on
 * customers' servers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAPPY_PATH } from '@hangar/domain/phases';
import { releaseNode } from '../src/nodes.ts';
import { phasesOf, secretsIn, startAcquisitionEnv, type AcquisitionEnv } from './support/acquisition-env.ts';
import { groupAlive } from '../../../apps/hetzner-sim/test/support/processes.ts';

let env: AcquisitionEnv;

beforeAll(async () => {
  env = await startAcquisitionEnv({ deadlineScale: 0.05, simBoot: 'script' });
});
afterAll(async () => {
  await env?.stop();
});

describe('the agent script as the machine', () => {
  it('registers and heartbeats the node to READY, keeps heartbeating, and is gone once the node is released', async () => {
    const created = await env.createNode();
    const node = await env.waitForPhase(created.id, 'READY', 60_000);
    expect(phasesOf(await env.events(node.id))).toEqual(HAPPY_PATH);
    expect(node.registeredAt).toBeInstanceOf(Date);
    expect(node.lastHeartbeatHealthy).toBe(true);

    const [server] = await env.simServers(node.id);
    expect(server?.boot).toMatchObject({ mode: 'script', state: 'heartbeating', nodeId: node.id, registerAttempts: 1, lastError: null });
    const pid = server?.boot?.pid ?? 0;
    expect(groupAlive(pid)).toBe(true);

    // Heartbeats go on after READY (the interval comes from the register answer).
    const first = node.lastHeartbeatAt?.getTime() ?? 0;
    await waitUntil(async () => ((await env.testDb.db.node.findUniqueOrThrow({ where: { id: node.id } })).lastHeartbeatAt?.getTime() ?? 0) > first, 'a later heartbeat');

    const released = await releaseNode(env.deps, env.actor, node.id);
    expect(released.phase).toBe('RELEASING');
    await env.waitForPhase(node.id, 'RELEASED', 60_000);
    // Told 410 by Hangar or shut down with its deleted server: either way, no process is left.
    await waitUntil(async () => (await env.simServers(node.id))[0]?.boot?.pid === null, 'the agent to exit');
    expect(groupAlive(pid)).toBe(false);

    // The agent's log and Hangar's hold no secret.
    const [after] = await env.simServers(node.id);
    expect(after?.boot?.log.length).toBeGreaterThan(0);
    expect(secretsIn(after?.boot?.log.join('\n') ?? '')).toEqual([]);
    expect(secretsIn(env.logLines.join(''))).toEqual([]);
  }, 120_000);
});

/** Polls `probe` until it holds (the wait is for the event; the bound only ends a hung test). */
async function waitUntil(probe: () => Promise<boolean>, what: string, timeoutMs = 90_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
