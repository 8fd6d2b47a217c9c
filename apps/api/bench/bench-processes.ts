// Child processes of the API benchmarks: API processes, the echo baseline, the subscriber clients.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { freePort } from '@hangar/db/testing/free-port';
import { startProcess, type RunningProcess } from '../test/support/child-process.ts';

const API_ENTRY = fileURLToPath(new URL('../test/support/api-process.ts', import.meta.url));
const ECHO_ENTRY = fileURLToPath(new URL('./echo-server.ts', import.meta.url));
const CLIENTS_ENTRY = fileURLToPath(new URL('./ws-clients.ts', import.meta.url));

/** Resident set size of a process, in bytes (Linux /proc). */
export function rssOf(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]) * 1024;
}

/** /proc/<pid>/stat's clock ticks per second (Linux's USER_HZ). */
const TICKS_PER_SECOND = 100;

/**
 * CPU milliseconds used so far by this process and its descendants, by role (`api` and `worker`:
 * the API and worker processes; `postgres`; `benchAndSimulator`: the rest, this process included;
 * a child's exited children, e.g. Postgres backends, count for it). Empty where /proc is missing.
 */
export function cpuMsByRole(): Record<string, number> {
  const processes = new Map<number, { parent: number; ticks: number; role: string }>();
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return {};
  }
  for (const entry of entries) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name: state, ppid, …, utime (14), stime, cutime, cstime (17).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const role = command.includes('postgres') ? 'postgres' : command.includes('worker-process') ? 'worker' : command.includes('api-process') ? 'api' : 'benchAndSimulator';
      processes.set(Number(entry), { parent: Number(fields[1]), ticks: fields.slice(11, 15).reduce((sum, field) => sum + Number(field), 0), role });
    } catch {
      // The process ended meanwhile.
    }
  }
  const byRole: Record<string, number> = {};
  for (const [pid, { ticks, role }] of processes) {
    let ancestor = pid;
    while (ancestor !== process.pid && ancestor > 1) ancestor = processes.get(ancestor)?.parent ?? 0;
    if (ancestor === process.pid) byRole[role] = (byRole[role] ?? 0) + (ticks * 1000) / TICKS_PER_SECOND;
  }
  return byRole;
}

export const SECRET_KEY = randomBytes(32).toString('base64');

/** An API process (apps/api/test/support/api-process.ts) over `databaseUrl` on a free port. */
export async function startApiProcess(databaseUrl: string, port?: number, extraEnv: Record<string, string> = {}): Promise<RunningProcess & { url: string }> {
  const chosen = port ?? (await freePort());
  // One token drives every bench client: the per-token limits are raised, as an operator would.
  const limits = { HANGAR_RATE_LIMIT_REQUESTS_PER_MINUTE: '100000000', HANGAR_RATE_LIMIT_SOCKETS: '1000000' };
  const running = await startProcess(API_ENTRY, { DATABASE_URL: databaseUrl, HANGAR_PORT: String(chosen), HANGAR_SECRET_KEY: SECRET_KEY, HANGAR_LOG_LEVEL: 'error', ...limits, ...extraEnv }, 'API_READY');
  return Object.assign(running, { url: running.readyDetail });
}

export async function startEchoServer(): Promise<RunningProcess & { url: string }> {
  const running = await startProcess(ECHO_ENTRY, { HANGAR_PORT: String(await freePort()) }, 'ECHO_READY');
  return Object.assign(running, { url: running.readyDetail });
}

export interface ClientMessage { type: string; ms?: number; key?: string; count?: number; at?: number[]; message?: string }

/** The subscriber process (ws-clients.ts): send it commands, wait for its messages. */
export interface Clients {
  send(command: object): void;
  /** The next message of `type` (a `fail` message rejects). */
  next(type: string, timeoutMs: number): Promise<ClientMessage>;
  stop(): Promise<void>;
}

export function startClients(config: object): Clients {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [CLIENTS_ENTRY], { stdio: ['pipe', 'pipe', 'pipe'] });
  const queue: ClientMessage[] = [];
  let waiter: (() => void) | undefined;
  let failure: Error | undefined;
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-4000); });
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    const message = JSON.parse(line) as ClientMessage;
    if (message.type === 'fail') failure = new Error(`subscribers: ${message.message}`);
    queue.push(message);
    waiter?.();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', (code) => {
    if (code !== 0 && !failure) failure = new Error(`subscribers exited ${code}: ${stderr}`);
    waiter?.();
    resolve();
  }));
  child.stdin.write(`${JSON.stringify(config)}\n`);
  return {
    send(command) {
      child.stdin.write(`${JSON.stringify(command)}\n`);
    },
    async next(type, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (failure) throw failure;
        const index = queue.findIndex((message) => message.type === type);
        if (index >= 0) return queue.splice(index, 1)[0]!;
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`subscribers: no "${type}" within ${timeoutMs} ms`);
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((resolve) => {
          waiter = resolve;
          timer = setTimeout(resolve, left);
        });
        clearTimeout(timer);
        waiter = undefined;
      }
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.stdin.end();
        child.kill('SIGTERM');
      }
      await exited;
    },
  };
}
