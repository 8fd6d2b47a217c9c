/**
 * Idempotent acquisition across a worker crash, with real processes: a worker process runs
 * node_provision; its POST /servers reaches the simulator (the server is created) but the
 * answer never comes back, and the process is killed with SIGKILL — after the create call,
 * before the server id could be stored. A new worker process picks the job up once its
 * heartbeat has expired, finds the server by the node's label and adopts it: exactly one
 * server for the node, and the node reaches READY.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAPPY_PATH } from '@hangar/domain/phases';
import { phasesOf, startAcquisitionEnv, type AcquisitionEnv } from '../../../packages/core/test/support/acquisition-env.ts';

const WORKER_ENTRY = fileURLToPath(new URL('./support/worker-process.ts', import.meta.url));
const WORKER_READY = 'WORKER_READY';
/**
 * pg-boss retries a job 10 s (NODE_JOB_HEARTBEAT_SECONDS) after its worker's last heartbeat,
 * then fetches it within its polling interval. The deadline scale keeps CREATING_SERVER (30 s
 * at 0.25) longer than that recovery.
 */
const RECOVERY_TIMEOUT_MS = 45_000;

const secretKey = randomBytes(32);
let env: AcquisitionEnv;
const children = new Set<ChildProcess>();

/** Starts a worker process and waits until it works its queues. */
async function startWorkerProcess(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [WORKER_ENTRY], {
    env: {
      ...process.env,
      DATABASE_URL: env.testDb.url,
      HANGAR_SECRET_KEY: secretKey.toString('base64'),
      HANGAR_PUBLIC_URL: env.deps.config.publicUrl,
      HANGAR_DEADLINE_SCALE: String(env.deps.config.deadlineScale),
      HANGAR_LOG_FORMAT: 'json',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker process did not start:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(WORKER_READY)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker process exited with ${code}:\n${output}`));
    });
  });
  return child;
}

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  env = await startAcquisitionEnv({ worker: false, deadlineScale: 0.25, secretKey });
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await env?.stop();
});

describe('a worker killed right after the create call', () => {
  it('leaves exactly one server, which the next worker adopts, and the node reaches READY', { timeout: 90_000 }, async () => {
    // The create call is performed at the provider, but its answer never arrives.
    await env.addFault({ method: 'POST', path: '/servers', hang: true, processRequest: true, times: 1 });
    const first = await startWorkerProcess();
    const created = await env.createNode();

    const [server] = await waitFor('the server to exist at the provider', async () => {
      const servers = await env.simServers(created.id);
      return servers.length > 0 && servers;
    });
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));

    // The worker died between the create call and storing its answer.
    const orphaned = await env.testDb.db.node.findUniqueOrThrow({ where: { id: created.id } });
    expect(orphaned.phase).toBe('CREATING_SERVER');
    expect(orphaned.providerServerId).toBeNull();
    expect(orphaned.registrationTokenHash).not.toBeNull();

    const second = await startWorkerProcess();
    const node = await env.waitForPhase(created.id, ['READY', 'FAILED'], RECOVERY_TIMEOUT_MS);
    expect(node.phase, JSON.stringify(node.error)).toBe('READY');

    const servers = await env.simServers(created.id);
    expect(servers).toHaveLength(1); // deleted ones included: no second server was ever made
    expect(servers[0]?.id).toBe(server?.id);
    expect(node.providerServerId).toBe(String(server?.id));
    const posts = (await env.simRequests()).filter((request) => request.method === 'POST' && request.path === '/v1/servers');
    expect(posts).toHaveLength(1);

    const events = await env.events(created.id);
    expect(phasesOf(events)).toEqual(HAPPY_PATH);
    const adopted = events.find((event) => event.kind === 'PHASE_ENTERED' && event.phase === 'WAITING_FOR_SERVER');
    expect(adopted?.message).toMatch(/adopted server/);

    second.kill('SIGTERM');
    await new Promise((resolve) => second.once('exit', resolve));
  });
});
