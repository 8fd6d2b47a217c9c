import { spawn, type ChildProcess } from 'node:child_process';

/** How long a child process may take to print its ready line. */
const READY_TIMEOUT_MS = 30_000;
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

/** Starts `node <entry>` and waits for a line starting with `readyMarker`. */
export async function startProcess(entry: string, env: Record<string, string>, readyMarker: string): Promise<RunningProcess> {
  const child = spawn(process.execPath, [entry], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const readyDetail = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${entry} did not get ready:\n${output}`)), READY_TIMEOUT_MS);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
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
