import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach } from 'vitest';
import { noteText } from '@hangar/domain/secret-registry';

/** A child that prints no ready line in this long is hung (a guard, not a speed check: a loaded 2-core machine takes seconds). */
const READY_TIMEOUT_MS = 120_000;
/** How long a SIGTERM may take before the child is killed. */
const STOP_TIMEOUT_MS = 5_000;

export interface RunningProcess {
  child: ChildProcess;
  /** What followed the ready marker on its line (e.g. the URL). */
  readyDetail: string;
  /** Everything it printed so far. */
  output(): string;
  /** SIGKILL: a crash, no cleanup; resolves once it is gone. */
  crash(): Promise<void>;
  /** SIGTERM, then SIGKILL after STOP_TIMEOUT_MS. */
  stop(): Promise<void>;
}

/** The most of a child's output printed beside a failed test (its end: where it went wrong). */
const LOG_TAIL_CHARS = 20_000;

/** Every process this test file started (crashed and stopped ones too), for the failure report. */
const started: Array<{ name: string; pid: number | undefined; output: () => string }> = [];

/**
 * Call once at the top of a test file that starts child processes: when one of its tests
 * fails, what every child printed is written beside the failure, so a masked error (an API
 * answering "Unexpected error.") shows its cause. A child that fails to start reports in its error.
 */
export function printChildLogsOnFailure(): void {
  beforeEach(({ onTestFailed }) => {
    onTestFailed(() => {
      for (const one of started) {
        const output = one.output();
        const shown = output.length > LOG_TAIL_CHARS ? `…${output.slice(-LOG_TAIL_CHARS)}` : output;
        console.error(`--- ${one.name} (pid ${one.pid}) printed:\n${shown || '(nothing)'}`);
      }
    });
  });
}

/**
 * The Node flags Hangar runs with in production: those of `npm start` (package.json's start
 * script, `exec node <flags> scripts/start.ts`), their one home. Child processes of the tests and
 * benchmarks get them too, so what they measure is how Hangar runs.
 */
export function productionNodeFlags(): string[] {
  const manifest = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../../../package.json'), 'utf8')) as { scripts: { start: string } };
  const flags = /exec node (.*?) ?scripts\/start\.ts/.exec(manifest.scripts.start);
  if (!flags) throw new Error('package.json: the start script must read `... exec node [flags] scripts/start.ts`');
  return flags[1]!.split(' ').filter(Boolean);
}

/** Starts `node <production flags> <entry>` and waits for a line starting with `readyMarker`. */
export async function startProcess(entry: string, env: Record<string, string>, readyMarker: string): Promise<RunningProcess> {
  const child = spawn(process.execPath, [...productionNodeFlags(), entry], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  started.push({ name: `${path.basename(entry)} ${env.HANGAR_PORT ? `:${env.HANGAR_PORT}` : ''}`.trim(), pid: child.pid, output: () => output });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const readyDetail = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${entry} did not get ready:\n${output}`));
    }, READY_TIMEOUT_MS);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      noteText(`child ${path.basename(entry)}`, chunk.toString());
      const line = output.split('\n').find((candidate) => candidate.startsWith(readyMarker));
      if (line !== undefined) {
        clearTimeout(timer);
        resolve(line.slice(readyMarker.length).trim());
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited with ${code}:\n${output}`));
    });
  });
  const gone = (): boolean => child.exitCode !== null || child.signalCode !== null;
  return {
    child,
    readyDetail,
    output: () => output,
    async crash() {
      if (!gone()) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (gone()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
