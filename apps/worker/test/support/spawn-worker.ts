/**
 * Starts worker-process.ts as a child process on an acquisition environment's database (tests
 * that kill workers with SIGKILL), and waits until it works its queues.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { noteText } from '@hangar/domain/secret-registry';
import { fileURLToPath } from 'node:url';
import type { AcquisitionEnv } from '../../../../packages/core/test/support/acquisition-env.ts';

const WORKER_ENTRY = fileURLToPath(new URL('./worker-process.ts', import.meta.url));
const WORKER_READY = 'WORKER_READY';

/** Every child started here and not yet exited (tests kill them in afterAll). */
export const workerChildren = new Set<ChildProcess>();

export async function startWorkerProcess(env: AcquisitionEnv, secretKey: Buffer): Promise<ChildProcess> {
  const child = spawn(process.execPath, [WORKER_ENTRY], {
    env: {
      ...process.env,
      DATABASE_URL: env.testDb.url,
      HANGAR_SECRET_KEY: secretKey.toString('base64'),
      HANGAR_PUBLIC_URL: env.deps.config.publicUrl,
      HANGAR_DEADLINE_SCALE: String(env.deps.config.deadlineScale),
      HANGAR_LOG_FORMAT: 'json',
      // The worker re-checks every stored connection's endpoint against its own allow-list.
      HANGAR_PROVIDER_ENDPOINTS: env.deps.config.providerEndpoints.join(','),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  workerChildren.add(child);
  child.once('exit', () => workerChildren.delete(child));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      noteText('child worker-process', chunk.toString());
      if (output.includes(WORKER_READY)) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`worker process exited with ${code}:\n${output}`)));
  });
  return child;
}

/** Kills `child` with SIGKILL and waits until it is gone. */
export async function killWorker(child: ChildProcess): Promise<void> {
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await gone;
}

/** Polls `probe` every 50 ms until it returns something truthy (the test's own timeout bounds the wait). */
export async function waitFor<T>(probe: () => Promise<T | null | undefined | false>): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
