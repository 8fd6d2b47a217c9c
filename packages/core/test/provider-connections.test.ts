/**
 * The provider-connection use cases below the API, with real Postgres and the simulator over
 * HTTP: transactional NOTIFY, the rotation race guard, the default sandbox
 * connection and re-encryption under a new key.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@hangar/db/testing/test-database';
import { createLogger } from '../src/logger.ts';
import {
  CONNECTION_CHANGES_CHANNEL,
  createConnection,
  deleteConnection,
  normaliseEndpoint,
  recordCredentialCheck,
  rotateToken,
  validateConnection,
  type ConnectionActor,
  type ConnectionChangeNotice,
} from '../src/provider-connections.ts';
import { resealAll } from '../src/reseal-secrets.ts';
import { SANDBOX_CONNECTION_NAME, ensureSandboxConnection } from '../src/sandbox.ts';
import { createKeyring } from '../src/secrets.ts';
import { allowProviderEndpoint, createTestDeps, type TestDeps } from '../src/testing/test-deps.ts';
import { admin, createProject, startSimulator, type SimProject, type Simulator } from '../../providers/test/support/simulator.ts';

let testDb: TestDatabase;
let deps: TestDeps;
let sim: Simulator;
let endpoint: string;
let project: SimProject;
let actor: ConnectionActor;
const logLines: string[] = [];
let names = 0;
const name = (prefix = 'core') => `${prefix}-${(names += 1)}`;

beforeAll(async () => {
  [testDb, sim] = await Promise.all([createTestDatabase(), startSimulator('instant')]);
  const log = createLogger({ level: 'debug', destination: new Writable({ write(chunk, _encoding, done) { logLines.push(String(chunk)); done(); } }) });
  deps = await createTestDeps(testDb, log, { providerEndpoints: [`${sim.url}/v1`] });
  endpoint = `${sim.url}/v1`;
  project = await createProject(sim);
  const organization = await testDb.db.organization.create({ data: { name: 'core-org' } });
  actor = { organizationId: organization.id, apiTokenId: null };
});
afterAll(async () => {
  await deps.stop();
  await Promise.all([testDb.drop(), sim.stop()]);
});

describe('input rules', () => {
  it('defaults the endpoint to the public Hetzner API and trims trailing slashes', () => {
    expect(normaliseEndpoint('HETZNER', undefined)).toBe('https://api.hetzner.cloud/v1');
    expect(normaliseEndpoint('HETZNER', '  ')).toBe('https://api.hetzner.cloud/v1');
    expect(normaliseEndpoint('HETZNER', 'http://127.0.0.1:4010/v1//')).toBe('http://127.0.0.1:4010/v1');
  });
});

describe('change notifications', () => {
  it('announces every credential status write on commit, with ids only', async () => {
    const listener = new pg.Client({ connectionString: testDb.url });
    await listener.connect();
    const notices: ConnectionChangeNotice[] = [];
    listener.on('notification', (message) => notices.push(JSON.parse(message.payload ?? '{}') as ConnectionChangeNotice));
    await listener.query(`LISTEN ${CONNECTION_CHANGES_CHANNEL}`);
    try {
      const connection = await createConnection(deps, actor, { name: name(), kind: 'HETZNER', token: project.token, apiEndpoint: endpoint });
      await validateConnection(deps, actor, connection.id);
      await rotateToken(deps, actor, connection.id, project.readOnlyToken);
      await recordCredentialCheck(deps, connection.id, { status: 'INVALID', error: null });
      await deleteConnection(deps, actor, connection.id);
      await expect.poll(() => notices.length).toBe(5);
      for (const notice of notices) expect(notice).toEqual({ connectionId: connection.id, organizationId: actor.organizationId });
    } finally {
      await listener.end();
    }
  });
});

describe('recordCredentialCheck', () => {
  it('drops a check of a token that was rotated meanwhile', async () => {
    const connection = await createConnection(deps, actor, { name: name(), kind: 'HETZNER', token: project.token, apiEndpoint: endpoint });
    const oldFingerprint = connection.tokenFingerprint;
    await rotateToken(deps, actor, connection.id, project.readOnlyToken);
    const stale = await recordCredentialCheck(deps, connection.id, { status: 'VALID', error: null }, { tokenFingerprint: oldFingerprint });
    expect(stale).toBeNull();
    expect((await testDb.db.providerConnection.findUniqueOrThrow({ where: { id: connection.id } })).credentialStatus).toBe('READ_ONLY');
    // Without a fingerprint (the acquisition engine's PROVIDER_AUTH_FAILED), it always applies.
    const marked = await recordCredentialCheck(deps, connection.id, { status: 'INVALID', error: null });
    expect(marked?.credentialStatus).toBe('INVALID');
    expect(await recordCredentialCheck(deps, 'not-a-uuid', { status: 'INVALID', error: null })).toBeNull();
  });
});

describe('ensureSandboxConnection', () => {
  it('creates the sandbox once, keeps it across restarts, and re-provisions it when the simulator forgot the project', async () => {
    const sandboxSim = await startSimulator('instant');
    allowProviderEndpoint(deps, `${sandboxSim.url}/v1`);
    try {
      const organization = await testDb.db.organization.create({ data: { name: 'sandbox-org' } });
      const options = { organizationId: organization.id, simulatorUrl: sandboxSim.url };
      const created = await ensureSandboxConnection(deps, options);
      expect(created.outcome).toBe('created');
      expect(created.connection).toMatchObject({ name: SANDBOX_CONNECTION_NAME, apiEndpoint: `${sandboxSim.url}/v1`, credentialStatus: 'VALID' });
      const projects = await admin<{ projects: Array<{ name: string }> }>(sandboxSim, 'GET', '/_sim/projects');
      expect(projects.projects.map((p) => p.name)).toEqual(['hangar-sandbox']);

      const again = await ensureSandboxConnection(deps, options);
      expect(again).toMatchObject({ outcome: 'unchanged', connection: { id: created.connection.id, credentialStatus: 'VALID', tokenHint: created.connection.tokenHint } });
      expect((await admin<{ projects: unknown[] }>(sandboxSim, 'GET', '/_sim/projects')).projects).toHaveLength(1);

      // The simulator restarts empty (reset = same as a restart: every project and token gone).
      await admin(sandboxSim, 'POST', '/_sim/reset');
      const healed = await ensureSandboxConnection(deps, options);
      expect(healed.outcome).toBe('reprovisioned');
      expect(healed.connection).toMatchObject({ id: created.connection.id, credentialStatus: 'VALID' });
      expect(healed.connection.tokenFingerprint).not.toBe(created.connection.tokenFingerprint);
      expect(await testDb.db.providerConnection.count({ where: { organizationId: organization.id } })).toBe(1);

      // A person's own connection of that name (another endpoint) is left alone.
      const other = await testDb.db.organization.create({ data: { name: 'sandbox-other' } });
      await createConnection(deps, { organizationId: other.id, apiTokenId: null }, { name: SANDBOX_CONNECTION_NAME, kind: 'HETZNER', token: project.token, apiEndpoint: endpoint });
      const skipped = await ensureSandboxConnection(deps, { organizationId: other.id, simulatorUrl: sandboxSim.url });
      expect(skipped).toMatchObject({ outcome: 'skipped', connection: { apiEndpoint: endpoint } });
    } finally {
      await sandboxSim.stop();
    }
  });
});

describe('resealAll', () => {
  it('re-encrypts tokens under the current key, keeps them usable, and reports what it cannot open', async () => {
    const resealDb = await createTestDatabase();
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const base = await createTestDeps(resealDb, deps.log, { providerEndpoints: [endpoint] });
    try {
      const organization = await resealDb.db.organization.create({ data: { name: 'reseal-org' } });
      const own = { organizationId: organization.id, apiTokenId: null };
      const underOld = { ...base, keyring: createKeyring(oldKey) };
      const a = await createConnection(underOld, own, { name: 'a', kind: 'HETZNER', token: project.token, apiEndpoint: endpoint });
      await createConnection(underOld, own, { name: 'b', kind: 'HETZNER', token: project.readOnlyToken, apiEndpoint: endpoint });
      // A node's own user data is sealed by the same keyring (core nodes.ts).
      const node = await resealDb.db.node.create({
        data: { organizationId: organization.id, providerConnectionId: a.id, name: 'with-user-data', serverType: 'cx22', location: 'fsn1', image: 'ubuntu-24.04', userDataSealed: underOld.keyring.seal('#!/bin/sh\necho secret-ish\n') },
      });
      const rotatedKeyring = createKeyring(newKey, [oldKey]);
      const underNew = { ...base, keyring: rotatedKeyring };

      const report = await resealAll(underNew);
      expect(report).toMatchObject({ scanned: 2, resealed: 2, current: 0, skipped: 0, failed: [], currentKeyId: rotatedKeyring.currentKeyId });
      expect(report.userData).toEqual({ scanned: 1, resealed: 1, current: 0, skipped: 0, failed: [] });
      const sealedNow = (await resealDb.db.node.findUniqueOrThrow({ where: { id: node.id } })).userDataSealed ?? '';
      expect(createKeyring(newKey).open(sealedNow)).toBe('#!/bin/sh\necho secret-ish\n');
      const rows = await resealDb.db.providerConnection.findMany();
      for (const row of rows) {
        expect(row.tokenKeyId).toBe(rotatedKeyring.currentKeyId);
        expect(row.tokenSealed.split('.')[1]).toBe(rotatedKeyring.currentKeyId);
      }
      // Only the new key is needed from now on, and the token still works at the provider.
      const onlyNew = { ...base, keyring: createKeyring(newKey) };
      expect((await validateConnection(onlyNew, own, a.id)).credentialStatus).toBe('VALID');
      expect(await resealAll(onlyNew)).toMatchObject({ scanned: 2, resealed: 0, current: 2 });

      // A keyring that lacks the key of a row reports it (by key id) instead of failing the run.
      const stranger = { ...base, keyring: createKeyring(randomBytes(32)) };
      const refused = await resealAll(stranger);
      expect(refused).toMatchObject({ scanned: 2, resealed: 0 });
      expect(refused.failed).toHaveLength(2);
      expect(refused.failed[0]).toMatchObject({ keyId: rotatedKeyring.currentKeyId });
      expect(JSON.stringify(refused)).not.toContain(project.token.slice(0, 32));
    } finally {
      await base.stop();
      await resealDb.drop();
    }
  });
});

describe('logs', () => {
  it('never carry a token', () => {
    expect(logLines.length).toBeGreaterThan(0);
    for (const line of logLines) {
      expect(line).not.toContain(project.token.slice(0, 32));
      expect(line).not.toContain(project.readOnlyToken.slice(0, 32));
    }
  });
});
