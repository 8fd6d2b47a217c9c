/**
 * The node_health job in a running worker (real Postgres, real pg-boss): it chains itself at the
 * configured interval, so a READY node whose heartbeats stop after the worker started is moved
 * to OVERDUE and then LOST by later runs, each with its HEALTH event. The test waits for the
 * events, never for a duration.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@hangar/db/testing/test-database';
import { ConfigError, readConfig } from '@hangar/core/config';
import { createLogger } from '@hangar/core/logger';
import { ensureNodeQueues } from '@hangar/core/node-jobs';
import { HEARTBEAT_LOST_INTERVALS, HEARTBEAT_OVERDUE_INTERVALS, healthOf, heartbeatIntervalMs } from '@hangar/core/node-health';
import { createTestDeps, type TestDeps } from '@hangar/core/testing/test-deps';
import { buildWorker, type Worker } from '../src/worker.ts';
import { NODE_HEALTH_JOB, nodeHealthJob } from '../src/jobs/node-health.ts';
import { JOBS } from '../src/jobs.ts';

let testDb: TestDatabase;
let deps: TestDeps;
let worker: Worker;
const SETTLE_MS = 120_000;

beforeAll(async () => {
  testDb = await createTestDatabase();
  const log = createLogger({ level: 'silent', destination: new Writable({ write(_chunk, _encoding, done) { done(); } }) });
  // Heartbeats every 150 ms at this scale: overdue after 450 ms of silence, lost after 3 s.
  deps = await createTestDeps(testDb, log, { deadlineScale: 0.01, nodeHealthCheckMs: 200 });
  await ensureNodeQueues(deps.boss);
  worker = buildWorker(deps);
  await worker.start();
}, 120_000);
afterAll(async () => {
  await worker?.stop();
  await deps?.stop();
  await testDb?.drop();
});

describe('node_health', () => {
  it('is registered, and its interval comes from HANGAR_NODE_HEALTH_CHECK_SECONDS', () => {
    expect(JOBS).toContain(nodeHealthJob);
    expect(nodeHealthJob.name).toBe(NODE_HEALTH_JOB);
    expect(readConfig({}).nodeHealthCheckMs).toBe(15_000);
    expect(readConfig({ HANGAR_NODE_HEALTH_CHECK_SECONDS: '0.5' }).nodeHealthCheckMs).toBe(500);
    for (const bad of ['0', 'soon', '99999']) {
      expect(() => readConfig({ HANGAR_NODE_HEALTH_CHECK_SECONDS: bad })).toThrow(ConfigError);
      expect(() => readConfig({ HANGAR_NODE_HEALTH_CHECK_SECONDS: bad })).toThrow(/^HANGAR_NODE_HEALTH_CHECK_SECONDS: expected a number of seconds/);
    }
  });

  it('derives health from the last heartbeat: null unless READY', () => {
    const config = { deadlineScale: 0.01 };
    const now = Date.now();
    const at = (msAgo: number) => new Date(now - msAgo);
    expect(healthOf({ phase: 'READY', lastHeartbeatAt: at(100), readyAt: at(200) }, config, now)).toBe('HEALTHY');
    expect(healthOf({ phase: 'READY', lastHeartbeatAt: at(1_000), readyAt: at(2_000) }, config, now)).toBe('OVERDUE');
    expect(healthOf({ phase: 'READY', lastHeartbeatAt: at(4_000), readyAt: at(5_000) }, config, now)).toBe('LOST');
    expect(healthOf({ phase: 'RELEASED', lastHeartbeatAt: at(4_000), readyAt: at(5_000) }, config, now)).toBeNull();
  });

  it('moves a READY node whose heartbeats stopped to OVERDUE, then LOST, each with a HEALTH event', async () => {
    const organization = await testDb.db.organization.create({ data: { name: 'health-job' } });
    const connection = await testDb.db.providerConnection.create({
      data: { organizationId: organization.id, name: 'c', kind: 'HETZNER', apiEndpoint: 'http://127.0.0.1:1/v1', tokenSealed: 'sealed', tokenKeyId: 'k', tokenHint: '…abcd', tokenFingerprint: 'f'.repeat(16) },
    });
    // A node that just became READY: its last heartbeat is now, so only a later run of the chain can find it overdue.
    const now = new Date();
    const node = await testDb.db.node.create({
      data: {
        organizationId: organization.id, providerConnectionId: connection.id, name: 'silent', serverType: 'cx22', location: 'fsn1', image: 'ubuntu-24.04',
        phase: 'READY', health: 'HEALTHY', readyAt: now, lastHeartbeatAt: now, lastHeartbeatHealthy: true,
      },
    });
    const healthEvents = async () => (await testDb.db.acquisitionEvent.findMany({ where: { nodeId: node.id, kind: 'HEALTH' }, orderBy: { seq: 'asc' } })).map((event) => event.message.split(':')[0]);
    await expect.poll(healthEvents, { timeout: SETTLE_MS, interval: 50 }).toEqual(['heartbeats overdue', 'machine lost']);
    expect(await testDb.db.node.findUniqueOrThrow({ where: { id: node.id } })).toMatchObject({ phase: 'READY', health: 'LOST', lastSeq: 2 });
    // Reported, not asserted (a loaded machine may be slower): how long after becoming overdue the event came.
    const [overdue, lost] = await testDb.db.acquisitionEvent.findMany({ where: { nodeId: node.id, kind: 'HEALTH' }, orderBy: { seq: 'asc' } });
    const interval = heartbeatIntervalMs(deps.config);
    console.info(
      `node_health (check every ${deps.config.nodeHealthCheckMs} ms): OVERDUE event ${overdue!.at.getTime() - now.getTime() - HEARTBEAT_OVERDUE_INTERVALS * interval} ms after the node became overdue, ` +
        `LOST event ${lost!.at.getTime() - now.getTime() - HEARTBEAT_LOST_INTERVALS * interval} ms after it became lost`,
    );
  });
});
