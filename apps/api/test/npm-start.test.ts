import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, rmSync, chmodSync } from 'node:fs';
import { createConnection } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '@hangar/db/testing/free-port';
import { createTestDatabase } from '@hangar/db/testing/test-database';
import { buildSimulator } from '../../hetzner-sim/src/simulator.ts';

// The newcomer's path: `npm start` with no configuration but a data folder and free ports.
// How long it takes is a benchmark (apps/api/bench/start.bench.ts), not an assertion here.
const REPO = path.resolve(import.meta.dirname, '../../..');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hangar-start-'));
chmodSync(dataDir, 0o755);
const children = new Set<ChildProcess>();
afterAll(async () => {
  // A failed assertion must not leave a Hangar (and its Postgres) running.
  for (const child of children) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    child.kill('SIGINT');
    const exited = await Promise.race([new Promise((resolve) => child.once('exit', () => resolve(true))), new Promise((resolve) => setTimeout(() => resolve(false), 10_000))]);
    if (!exited) child.kill('SIGKILL');
  }
  rmSync(dataDir, { recursive: true, force: true });
});

interface Started { child: ChildProcess; output: () => string }

async function start(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, ['scripts/start.ts'], { cwd: REPO, env: { ...process.env, DATABASE_URL: '', HANGAR_LOG_FORMAT: 'json', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  // Running once it says so (however long a busy machine takes: the test's timeout is the guard);
  // an exit before that fails the test with everything it printed.
  await new Promise<void>((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Press Ctrl-C to stop.')) resolve();
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', () => reject(new Error(`exited early:\n${output}`)));
  });
  return { child, output: () => output };
}

async function stop(started: Started): Promise<number | null> {
  started.child.kill('SIGINT');
  return new Promise((resolve) => started.child.once('exit', (code) => resolve(code)));
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

function postgresRunningOn(dir: string): boolean {
  try {
    const pid = Number(readFileSync(path.join(dir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm start', () => {
  it('starts with no configuration, prints URLs and where the token is (never the token), answers the viewer, and Ctrl-C leaves nothing behind; a second start reuses everything', async () => {
    const [port, pgPort, simPort] = [await freePort(), await freePort(), await freePort()];
    const env = { HANGAR_DATA_DIR: dataDir, HANGAR_PORT: String(port), HANGAR_PG_PORT: String(pgPort), HANGAR_SIM_PORT: String(simPort), HANGAR_SIM_SPEED: 'fast' };

    const first = await start(env);
    const token = readFileSync(path.join(dataDir, 'dev-token'), 'utf8').trim();
    expect(statSync(path.join(dataDir, 'dev-token')).mode & 0o777).toBe(0o600);
    expect(first.output()).toContain(`http://localhost:${port}/graphql`);
    // Redirected output is a log: it names the token's file and never holds the token.
    expect(first.output()).toContain('dev-token (organization "default", new)');
    expect(first.output()).not.toContain(token);

    const answer = await fetch(`http://localhost:${port}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ viewer { organization { name } } }' }),
    }).then((response) => response.json());
    expect(answer).toEqual({ data: { viewer: { organization: { name: 'default' } } } });
    expect((await fetch(`http://localhost:${port}/`)).status).toBe(200);
    expect((await fetch(`http://localhost:${port}/readyz`)).status).toBe(200);

    expect(await stop(first)).toBe(0);
    for (const p of [port, pgPort, simPort]) expect(await portOpen(p), `port ${p} still open`).toBe(false);
    expect(postgresRunningOn(dataDir)).toBe(false);
    expect(first.output().split('\n').filter((line) => line.startsWith('{')).length).toBeGreaterThan(0);

    const second = await start(env);
    expect(readFileSync(path.join(dataDir, 'dev-token'), 'utf8').trim()).toBe(token);
    expect(second.output()).not.toContain(', new)');
    expect(await stop(second)).toBe(0);
    expect(await portOpen(port)).toBe(false);
  }, 300_000);

  it('refuses, in one line naming the variable, a worker without HANGAR_PUBLIC_URL and a malformed setting', async () => {
    for (const [env, line] of [
      [{ HANGAR_ROLE: 'worker', DATABASE_URL: 'postgres://127.0.0.1:1/none' }, 'hangar: HANGAR_PUBLIC_URL: required when HANGAR_ROLE=worker'],
      [{ HANGAR_PORT: 'eighty' }, 'hangar: HANGAR_PORT: expected a port number (0-65535)'],
      [{ HANGAR_PROVIDER_ENDPOINTS: 'ftp://x' }, 'hangar: HANGAR_PROVIDER_ENDPOINTS: expected an http(s) URL'],
    ] as const) {
      const child = spawn(process.execPath, ['scripts/start.ts'], { cwd: REPO, env: { ...process.env, HANGAR_DATA_DIR: dataDir, HANGAR_PUBLIC_URL: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      children.add(child);
      let output = '';
      child.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
      child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
      expect(await new Promise<number | null>((resolve) => child.once('exit', resolve))).toBe(1);
      expect(output.trim().split('\n')).toHaveLength(1);
      expect(output).toContain(line);
    }
  }, 60_000);

  it('says in one line when the API port is taken', async () => {
    const [pgPort, simPort] = [await freePort(), await freePort()];
    const blocker = await import('node:http').then(({ createServer }) => createServer());
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const port = (blocker.address() as { port: number }).port;
    // A data folder of its own: nothing an earlier test left running there can answer first.
    const ownDir = mkdtempSync(path.join(os.tmpdir(), 'hangar-port-taken-'));
    chmodSync(ownDir, 0o755);
    const child = spawn(process.execPath, ['scripts/start.ts'], { cwd: REPO, env: { ...process.env, HANGAR_DATA_DIR: ownDir, HANGAR_PORT: String(port), HANGAR_PG_PORT: String(pgPort), HANGAR_SIM_PORT: String(simPort), HANGAR_LOG_FORMAT: 'json', DATABASE_URL: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    blocker.close();
    expect(code).toBe(1);
    expect(output).toContain(`hangar: port ${port} is already in use`);
    expect(output).not.toMatch(/\n\s+at /);
    expect(postgresRunningOn(ownDir)).toBe(false);
    rmSync(ownDir, { recursive: true, force: true });
  }, 120_000);

  it('runs the API and the worker as separate processes on one external Postgres (HANGAR_ROLE), and a node acquired through one is provisioned by the other', async () => {
    const testDb = await createTestDatabase();
    const simulator = buildSimulator({ port: 0, speed: 'fast', seed: 7 });
    await simulator.start();
    const roleDir = mkdtempSync(path.join(os.tmpdir(), 'hangar-roles-'));
    try {
      const port = await freePort();
      const shared = { DATABASE_URL: testDb.url, HANGAR_DATA_DIR: roleDir, HANGAR_PUBLIC_URL: `http://127.0.0.1:${port}`, HANGAR_PROVIDER_ENDPOINTS: `${simulator.url}/v1` };
      const worker = await start({ ...shared, HANGAR_ROLE: 'worker' });
      const api = await start({ ...shared, HANGAR_ROLE: 'api', HANGAR_PORT: String(port) });
      expect(worker.output()).toContain('Hangar is running (worker, external Postgres)');
      expect(api.output()).toContain('Hangar is running (api, external Postgres)');
      expect(worker.output()).not.toContain('GraphiQL');

      const token = readFileSync(path.join(roleDir, 'dev-token'), 'utf8').trim();
      const gql = async (query: string, variables: Record<string, unknown> = {}) => {
        const response = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
        const body = (await response.json()) as { data?: Record<string, Record<string, unknown>>; errors?: unknown[] };
        expect(body.errors).toBeUndefined();
        return body.data!;
      };
      const project = (await (await fetch(`${simulator.url}/_sim/projects`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'roles' }) })).json()) as { token: string };
      const created = await gql('mutation($input: CreateProviderConnectionInput!) { createProviderConnection(input: $input) { ... on CreateProviderConnectionPayload { providerConnection { id credentialStatus } } ... on Error { code message } } }', { input: { name: 'sim', kind: 'HETZNER', token: project.token, apiEndpoint: `${simulator.url}/v1` } });
      const connection = created.createProviderConnection!.providerConnection as { id: string; credentialStatus: string };
      expect(connection.credentialStatus).toBe('VALID');
      const acquired = await gql('mutation($input: CreateNodeInput!) { createNode(input: $input) { ... on CreateNodePayload { node { id phase } } ... on Error { code message } } }', { input: { providerConnectionId: connection.id, name: 'split-roles', serverType: 'cx22', location: 'fsn1', image: 'ubuntu-24.04' } });
      const node = acquired.createNode!.node as { id: string; phase: string };
      // The node's real state, polled until it settles (the test's timeout is the only guard).
      let phase = node.phase;
      while (phase !== 'READY' && phase !== 'FAILED') {
        await new Promise((resolve) => setTimeout(resolve, 150));
        phase = (await gql('query($id: ID!) { node(id: $id) { id phase } }', { id: node.id })).node!.phase as string;
      }
      expect(phase).toBe('READY');

      expect(await stop(api)).toBe(0);
      expect(await stop(worker)).toBe(0);
      expect(await portOpen(port)).toBe(false);
    } finally {
      await simulator.stop();
      await testDb.drop();
      rmSync(roleDir, { recursive: true, force: true });
    }
  }, 300_000);
});
