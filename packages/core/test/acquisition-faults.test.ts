/**
 * Provider trouble during acquisitions, against the simulator over HTTP: a 429 storm on a
 * project with a tight request budget, a token revoked mid-way, and what the reconcile job
 * does afterwards (leaked servers deleted and audited, vanished servers fail their node).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeError } from '@hangar/domain/node-errors';
import { HAPPY_PATH } from '@hangar/domain/phases';
import { failNode } from '../src/acquisition.ts';
import { rotateToken } from '../src/provider-connections.ts';
import { refreshCatalog } from '../src/catalog.ts';
import { reconcile } from '../src/reconcile.ts';
import { CONNECTION_ID_LABEL, NODE_ID_LABEL } from '../src/server-labels.ts';
import { admin } from '../../providers/test/support/simulator.ts';
import { phasesOf, startAcquisitionEnv, type AcquisitionEnv } from './support/acquisition-env.ts';

/** Requests per hour and burst of the main project: 5 requests per second, 6 at once. */
const RATE_LIMIT_PER_HOUR = 18_000;
const RATE_BURST = 6;

let env: AcquisitionEnv;

beforeAll(async () => {
  env = await startAcquisitionEnv({ deadlineScale: 0.2, project: { rateLimit: RATE_LIMIT_PER_HOUR, rateBurst: RATE_BURST } });
});
afterAll(async () => {
  await env?.stop();
});

describe('rate limits', () => {
  it('a 429 storm on a tight budget still reaches READY, with RETRY events, and Hangar itself never draws a 429', async () => {
    await env.addFault({ method: 'POST', path: '/servers', error: { code: 'rate_limit_exceeded', message: 'limit reached', status: 429 }, times: 4 });
    const nodes = await Promise.all([env.createNode(), env.createNode(), env.createNode()]);
    await Promise.all(nodes.map((node) => env.waitForPhase(node.id, 'READY', 60_000)));

    const retries = [];
    for (const node of nodes) {
      const events = await env.events(node.id);
      expect(phasesOf(events)).toEqual(HAPPY_PATH);
      retries.push(...events.filter((event) => event.kind === 'RETRY'));
      expect((await env.simServers(node.id)).filter((server) => !server.deleted)).toHaveLength(1);
    }
    expect(retries.length).toBeGreaterThanOrEqual(4);
    expect(retries.every((event) => /PROVIDER_RATE_LIMITED/.test(event.message))).toBe(true);

    const requests = await env.simRequests();
    // Far more requests than the burst: without pacing to the budget, the bucket would have refused some.
    expect(requests.length).toBeGreaterThan(RATE_BURST * 3);
    const tooMany = requests.filter((request) => request.status === 429);
    expect(tooMany.filter((request) => request.faultId !== null)).toHaveLength(4);
    // Every other 429 would be the real bucket refusing Hangar: the shared budget must prevent those.
    expect(tooMany.filter((request) => request.faultId === null)).toEqual([]);
  });
});

describe('action polling', () => {
  it('a poll of the create action that fails and is repeated is a RETRY event on the timeline', async () => {
    await env.addFault({ method: 'GET', pathRegex: '^/actions/', error: { code: 'unavailable', message: 'service unavailable', status: 503 }, times: 1 });
    const created = await env.createNode();
    await env.waitForPhase(created.id, 'READY', 60_000);
    const events = await env.events(created.id);
    expect(phasesOf(events)).toEqual(HAPPY_PATH);
    const retries = events.filter((event) => event.kind === 'RETRY');
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ phase: 'WAITING_FOR_SERVER', attempt: 1 });
    expect(retries[0]?.message).toMatch(/^PROVIDER_UNAVAILABLE while trying to follow action \d+ \(creating the server\) .*; retry 1 in /);
  });
});

describe('a token revoked mid-way', () => {
  it('ends PROVIDER_AUTH_FAILED, marks the connection INVALID; after a rotation, reconcile deletes the server it left', async () => {
    const { project, connection } = await env.newConnection();
    await env.addFault({ projectId: project.id, neverRunning: true, times: 1 });
    const created = await env.createNode({ providerConnectionId: connection.id });
    await env.waitForPhase(created.id, 'WAITING_FOR_SERVER');
    await admin(env.sim, 'POST', `/_sim/projects/${project.id}/revoke-tokens`);

    const node = await env.waitForPhase(created.id, 'FAILED');
    const error = node.error as unknown as NodeError;
    expect(error.code).toBe('PROVIDER_AUTH_FAILED');
    expect(error.retryable).toBe(false);
    expect(error.provider?.httpStatus).toBe(401);
    const after = await env.testDb.db.providerConnection.findUniqueOrThrow({ where: { id: connection.id } });
    expect(after.credentialStatus).toBe('INVALID');
    // The server could not be deleted with a revoked token: the node keeps its id, the timeline says so.
    expect(node.providerServerId).not.toBeNull();
    const events = await env.events(created.id);
    expect(events.some((event) => event.kind === 'ERROR' && /could not be deleted/.test(event.message))).toBe(true);
    expect((await env.simServers(created.id, project.id)).filter((server) => !server.deleted)).toHaveLength(1);

    // A reconcile pass skips the INVALID connection; after a token rotation it deletes the leftover.
    expect((await reconcile(env.deps)).serversDeleted).toBe(0);
    const fresh = await admin<{ token: string }>(env.sim, 'POST', `/_sim/projects/${project.id}/tokens`, { readOnly: false });
    const rotated = await rotateToken(env.deps, env.actor, connection.id, fresh.token);
    expect(rotated.credentialStatus).toBe('VALID');
    const report = await reconcile(env.deps);
    expect(report.serversDeleted).toBe(1);
    expect((await env.simServers(created.id, project.id)).filter((server) => !server.deleted)).toEqual([]);
    const cleaned = await env.testDb.db.node.findUniqueOrThrow({ where: { id: created.id } });
    expect(cleaned.providerServerId).toBeNull();
    const audit = await env.testDb.db.auditEvent.findMany({ where: { targetId: created.id, action: 'node.server_reconciled' } });
    expect(audit).toHaveLength(1);
    expect(audit[0]?.apiTokenId).toBeNull();
    const last = (await env.events(created.id)).at(-1);
    expect(last).toMatchObject({ kind: 'INFO', phase: 'FAILED' });
    expect(last?.message).toMatch(/^reconcile deleted server \d+/);
  });
});

describe('reconcile', () => {
  it('deletes a server labelled for a node that does not exist, and fails a READY node whose server vanished', async () => {
    // This test plays the provider console too; lift the tight budget the storm test needed so
    // its own requests are never the ones refused.
    const lifted = await fetch(`${env.sim.url}/_sim/projects/${env.project.id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rateLimit: 360_000, rateBurst: 1_000 }) });
    expect(lifted.status).toBe(200);
    const ready = await env.createNode();
    const node = await env.waitForPhase(ready.id, 'READY');

    // Someone deletes the node's server in the provider console.
    const deleted = await fetch(`${env.sim.url}/v1/servers/${node.providerServerId}`, { method: 'DELETE', headers: { authorization: `Bearer ${env.project.token}` } });
    expect(deleted.status).toBe(200);
    // And a server carrying Hangar's labels for a node Hangar never had (e.g. its row was restored from an old backup).
    const ghostId = '00000000-0000-4000-8000-000000000001';
    const ghost = await fetch(`${env.sim.url}/v1/servers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${env.project.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'ghost-1', server_type: 'cx22', location: 'fsn1', image: 'ubuntu-24.04', labels: { [NODE_ID_LABEL]: ghostId, [CONNECTION_ID_LABEL]: env.connection.id } }),
    });
    expect(ghost.status).toBe(201);
    // The console's delete has finished once the provider no longer knows the server.
    for (;;) {
      const gone = await fetch(`${env.sim.url}/v1/servers/${node.providerServerId}`, { headers: { authorization: `Bearer ${env.project.token}` } });
      await gone.arrayBuffer();
      if (gone.status === 404) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    const report = await reconcile(env.deps);
    expect(report.serversDeleted).toBeGreaterThanOrEqual(1);
    expect(report.nodesLost).toBe(1);
    const lost = await env.testDb.db.node.findUniqueOrThrow({ where: { id: ready.id } });
    expect(lost.phase).toBe('FAILED');
    expect((lost.error as unknown as NodeError).code).toBe('NODE_SERVER_LOST');
    expect((lost.error as unknown as NodeError).retryable).toBe(true);
    expect(phasesOf(await env.events(ready.id)).slice(-2)).toEqual(['READY', 'FAILED']);

    const ghosts = (await env.simServers()).filter((server) => server.labels[NODE_ID_LABEL] === ghostId);
    expect(ghosts.map((server) => server.deleted)).toEqual([true]);
    const audit = await env.testDb.db.auditEvent.findMany({ where: { action: 'node.server_reconciled', targetType: 'ProviderConnection', targetId: env.connection.id } });
    expect(audit.map((row) => (row.details as { nodeId: string }).nodeId)).toContain(ghostId);
  });

  it('failNode refuses to fail a node that moved on', async () => {
    const created = await env.createNode();
    const queued = await env.testDb.db.node.findUniqueOrThrow({ where: { id: created.id } });
    await env.waitForPhase(created.id, 'READY');
    // A stale read (QUEUED) must not fail the READY node.
    expect(await failNode(env.deps, queued, { code: 'NODE_SERVER_LOST', message: 'stale', retryable: true, hint: '', provider: null }, { cleanup: false })).toBe(false);
    expect((await env.testDb.db.node.findUniqueOrThrow({ where: { id: created.id } })).phase).toBe('READY');
  });
});

describe('a stored endpoint the allow-list no longer has', () => {
  it('is never called: the worker fails the node PROVIDER_ENDPOINT_NOT_ALLOWED and sends nothing there', async () => {
    const { project, connection } = await env.newConnection();
    // A fresh catalog, so createNode itself needs no provider call.
    await refreshCatalog(env.deps, connection);
    const allowed = env.deps.config.providerEndpoints;
    const before = (await env.simRequests(project.id)).length;
    // The operator narrows HANGAR_PROVIDER_ENDPOINTS (here: in place, as a restart with a new list would).
    env.deps.config.providerEndpoints = [];
    try {
      const created = await env.createNode({ providerConnectionId: connection.id });
      const node = await env.waitForPhase(created.id, 'FAILED');
      const error = node.error as unknown as NodeError;
      expect(error).toMatchObject({ code: 'PROVIDER_ENDPOINT_NOT_ALLOWED', retryable: false });
      expect(error.hint).toMatch(/HANGAR_PROVIDER_ENDPOINTS/);
      expect((await env.simRequests(project.id)).slice(before)).toEqual([]);
    } finally {
      env.deps.config.providerEndpoints = allowed;
    }
  });
});
