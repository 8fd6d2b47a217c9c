// `npm run harness -- <command>`: drive an acquisition and follow its timeline live.
//   acquire --connection <id> --type <server type> --location <l> --image <i> [--name <n>] [--json]
//   watch <nodeId> [--after <seq>] [--until <PHASE>] [--timeout <seconds>] [--json]
// HANGAR_URL (default http://127.0.0.1:4000), HANGAR_TOKEN (default: <HANGAR_DATA_DIR or .data>/dev-token).
// Exit codes: EXIT_CODES below.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createHarnessClient, DEFAULT_WATCH_TIMEOUT_MS, type HarnessClient, type WatchResult } from './client.ts';
import { HarnessError } from './harness-error.ts';
import { TERMINAL_PHASES } from '@hangar/domain/phases';
import { createTimelinePrinter, type PrintMode } from './timeline-printer.ts';

/** What the process exit code means. */
export const EXIT_CODES = {
  /** The node is READY (or rests in the phase given with --until). */
  READY: 0,
  /** The node came to rest in another phase (FAILED, CANCELLED, RELEASED); the error code is printed. */
  NOT_READY: 1,
  /** The command line is wrong. */
  USAGE: 2,
  /** The API refused or failed the request (UNAUTHENTICATED, NOT_FOUND, VALIDATION_FAILED, unreachable…); its code is printed. */
  API_ERROR: 3,
} as const;

const DEFAULT_URL = 'http://127.0.0.1:4000';
const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');

const USAGE = `usage:
  npm run harness -- acquire --connection <id> --type <server type> --location <location> --image <image> [--name <name>] [--json]
  npm run harness -- watch <nodeId> [--after <seq>] [--until <PHASE>] [--timeout <seconds>] [--json]
  --until: the phase that counts as success (default READY; e.g. RELEASED after releaseNode)
env: HANGAR_URL (default ${DEFAULT_URL}), HANGAR_TOKEN (default: contents of .data/dev-token)`;

class UsageError extends Error {}

function readToken(env: NodeJS.ProcessEnv): string {
  if (env.HANGAR_TOKEN) return env.HANGAR_TOKEN.trim();
  const file = path.join(path.resolve(env.HANGAR_DATA_DIR ?? path.join(REPO_ROOT, '.data')), 'dev-token');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    throw new UsageError(`no API token: set HANGAR_TOKEN, or start Hangar once (npm start) so that ${path.relative(process.cwd(), file)} exists`);
  }
}

function printMode(json: boolean | undefined): PrintMode {
  if (json) return 'json';
  return process.stdout.isTTY ? 'tty' : 'plain';
}

async function follow(client: HarnessClient, nodeId: string, after: number, mode: PrintMode, until: string, timeoutMs: number): Promise<WatchResult> {
  const printer = createTimelinePrinter(mode, process.stdout, process.stderr, until);
  const result = await client.watch(nodeId, { after, timeoutMs, onEvent: (event) => printer.event(event), onResume: (info) => printer.resumed(info) });
  printer.done(result);
  return result;
}

async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== 'acquire' && command !== 'watch') throw new UsageError(command ? `unknown command "${command}"` : 'no command');
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      connection: { type: 'string' }, type: { type: 'string' }, location: { type: 'string' }, image: { type: 'string' },
      name: { type: 'string' }, after: { type: 'string' }, until: { type: 'string' }, timeout: { type: 'string' }, json: { type: 'boolean' },
    },
  });
  const client = createHarnessClient({ url: env.HANGAR_URL ?? DEFAULT_URL, token: readToken(env) });
  const mode = printMode(values.json);
  const until = (values.until ?? 'READY').toUpperCase();
  if (!(TERMINAL_PHASES as readonly string[]).includes(until)) throw new UsageError(`--until must be one of ${TERMINAL_PHASES.join(', ')}`);
  const timeoutSeconds = values.timeout === undefined ? DEFAULT_WATCH_TIMEOUT_MS / 1_000 : Number(values.timeout);
  if (!(timeoutSeconds > 0)) throw new UsageError('--timeout must be a number of seconds');
  const timeoutMs = timeoutSeconds * 1_000;
  try {
    let result: WatchResult;
    if (command === 'watch') {
      const nodeId = positionals[0];
      if (!nodeId) throw new UsageError('watch needs a node id');
      const after = values.after === undefined ? 0 : Number(values.after);
      if (!Number.isInteger(after) || after < 0) throw new UsageError('--after must be a seq (an integer of 0 or more)');
      result = await follow(client, nodeId, after, mode, until, timeoutMs);
    } else {
      const missing = (['connection', 'type', 'location', 'image'] as const).filter((flag) => !values[flag]);
      if (missing.length > 0) throw new UsageError(`acquire needs ${missing.map((flag) => `--${flag}`).join(', ')}`);
      const node = await client.acquire({
        providerConnectionId: values.connection!,
        name: values.name ?? `harness-${randomBytes(3).toString('hex')}`,
        serverType: values.type!,
        location: values.location!,
        image: values.image!,
      });
      if (mode === 'json') process.stderr.write(`${JSON.stringify({ created: { id: node.id, name: node.name } })}\n`);
      else process.stdout.write(`node ${node.name} (${node.id})\n`);
      result = await follow(client, node.id, 0, mode, until, timeoutMs);
    }
    return result.phase === until ? EXIT_CODES.READY : EXIT_CODES.NOT_READY;
  } finally {
    await client.close();
  }
}

if (import.meta.main) {
  try {
    process.exitCode = await run(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`harness: ${(error as Error).message}\n${USAGE}\n`);
      process.exitCode = EXIT_CODES.USAGE;
    } else if (error instanceof HarnessError) {
      process.stderr.write(`harness: ${error.code}: ${error.message}\n`);
      process.exitCode = EXIT_CODES.API_ERROR;
    } else {
      process.stderr.write(`harness: ${(error as Error).message}\n`);
      process.exitCode = EXIT_CODES.API_ERROR;
    }
  }
}
