/**
 * The provider_health job, its handler called directly with real deps (Postgres, pg-boss)
 * against the simulator over HTTP.
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type { Job } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@hangar/db/testing/test-database';
import { createLogger } from '@hangar/core/logger';
import { createConnection, type ConnectionActor } from '@hangar/core/provider-connections';
import { createTestDeps, type TestDeps } from '@hangar/core/testing/test-deps';
import { PROVIDER_HEALTH_JITTER_SECONDS, PROVIDER_HEALTH_JOB, providerHealthJob, type ProviderHealthData } from '../src/jobs/provider-health.ts';
import { JOBS } from '../src/jobs.ts';
import { admin, createProject, startSimulator, type Simulator } from '../../../packages/providers/test/support/simulator.ts';

let testDb: TestDatabase;
let deps: TestDeps;
let sim: Simulator;
let actor: ConnectionActor;
const logLines: string[] = [];

beforeAll(async () => {
  [testDb, sim] = await Promise.all([createTestDatabase(), startSimulator('instant')]);
  const log = createLogger({ level: 'debug', destination: new Writable({ write(chunk, _encoding, done) { logLines.push(String(chunk)); done(); } }) });
  deps = await createTestDeps(testDb, log, { providerEndpoints: [`${sim.url}/v1`] });
  await deps.boss.createQueue(PROVIDER_HEALTH_JOB);
  const organization = await testDb.db.organization.create({ data: { name: 'health-org' } });
  actor = { organizationId: organization.id, apiTokenId: null };
});
afterAll(async () => {
  await deps.stop();
  await Promise.all([testDb.drop(), sim.stop()]);
});

function jobOf(data: ProviderHealthData | null): Job<ProviderHealthData> {
  return { id: randomUUID(), name: PROVIDER_HEALTH_JOB, data: data as ProviderHealthData, expireInSeconds: 60, heartbeatSeconds: null, retryCount: 0, signal: new AbortController().signal };
}

describe('provider_health', () => {
  it('is registered with a 15-minute cron schedule', () => {
    expect(JOBS).toContain(providerHealthJob);
    expect(providerHealthJob.schedule).toBe('*/15 * * * *');
  });

  it('re-checks one connection live and records the new status', async () => {
    const project = await createProject(sim);
    const connection = await createConnection(deps, actor, { name: 'revoked-later', kind: 'HETZNER', token: project.token, apiEndpoint: `${sim.url}/v1` });
    expect(connection.credentialStatus).toBe('VALID');
    await admin(sim, 'POST', `/_sim/projects/${project.id}/revoke-tokens`);

    await providerHealthJob.handler(deps, jobOf({ connectionId: connection.id }));
    const after = await testDb.db.providerConnection.findUniqueOrThrow({ where: { id: connection.id } });
    expect(after.credentialStatus).toBe('INVALID');
    expect(after.credentialCheckedAt?.getTime()).toBeGreaterThan(connection.credentialCheckedAt?.getTime() ?? 0);
    expect(after.credentialError).toMatchObject({ code: 'PROVIDER_AUTH_FAILED' });
    // Periodic checks are Hangar's own: no audit row beyond the create.
    expect(await testDb.db.auditEvent.count({ where: { targetId: connection.id } })).toBe(1);
    const outcome = logLines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.connectionId === connection.id && line.reason === 'provider_health');
    expect(outcome).toMatchObject({ credentialStatus: 'INVALID', errorCode: 'PROVIDER_AUTH_FAILED' });
    for (const line of logLines) expect(line).not.toContain(project.token.slice(0, 32));
  });

  it('refreshes the stored catalog of a valid connection, and keeps it when the token is refused later', async () => {
    const project = await createProject(sim);
    const connection = await createConnection(deps, actor, { name: 'catalog-kept', kind: 'HETZNER', token: project.token, apiEndpoint: `${sim.url}/v1` });
    expect(await testDb.db.providerCatalog.findUnique({ where: { providerConnectionId: connection.id } })).toBeNull();

    await providerHealthJob.handler(deps, jobOf({ connectionId: connection.id }));
    const stored = await testDb.db.providerCatalog.findUniqueOrThrow({ where: { providerConnectionId: connection.id } });
    expect(stored.tokenFingerprint).toBe(connection.tokenFingerprint);
    expect(stored.locations).toContainEqual(expect.objectContaining({ name: 'fsn1' }));

    await admin(sim, 'POST', `/_sim/projects/${project.id}/revoke-tokens`);
    await providerHealthJob.handler(deps, jobOf({ connectionId: connection.id }));
    expect((await testDb.db.providerConnection.findUniqueOrThrow({ where: { id: connection.id } })).credentialStatus).toBe('INVALID');
    expect(await testDb.db.providerCatalog.findUniqueOrThrow({ where: { providerConnectionId: connection.id } })).toEqual(stored);
  });

  it('ignores a connection deleted before its check ran', async () => {
    await expect(providerHealthJob.handler(deps, jobOf({ connectionId: randomUUID() }))).resolves.toBeUndefined();
  });

  it('fans the scheduled run out into one jittered check per connection', async () => {
    const connections = await testDb.db.providerConnection.findMany({ select: { id: true } });
    expect(connections.length).toBeGreaterThan(0);
    const startedAt = Date.now();
    await providerHealthJob.handler(deps, jobOf(null));
    const finishedAt = Date.now();
    const queued = await deps.boss.findJobs<ProviderHealthData>(PROVIDER_HEALTH_JOB, { queued: true });
    expect(queued.map((job) => job.data.connectionId).sort()).toEqual(connections.map((connection) => connection.id).sort());
    // Each check starts within the jitter of the moment the run handed it out (the run's own
    // start and end bound that moment, however long a busy machine made it take).
    for (const job of queued) {
      expect(job.startAfter.getTime()).toBeGreaterThanOrEqual(startedAt - 1_000);
      expect(job.startAfter.getTime()).toBeLessThanOrEqual(finishedAt + PROVIDER_HEALTH_JITTER_SECONDS * 1000 + 1_000);
    }
  });
});
