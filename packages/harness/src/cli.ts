// `npm run harness -- <command>`: drive acquisitions, follow timelines live, act on nodes.
//   acquire --connection <id> --type <server type> --location <l> --image <i> [--name <n>] [--json]
//   watch <nodeId> [--after <seq>] [--until <PHASE>] [--timeout <seconds>] [--json]
//   list [--phase <PHASE>]... [--connection <id>] [--name <text>] [--first <n>] [--after <cursor>] [--json]
//   cancel|retry|release <nodeId> [--json]
//   --help
// HANGAR_URL (default http://127.0.0.1:4000), HANGAR_TOKEN (default: <HANGAR_DATA_DIR or .data>/dev-token).
// Exit codes: EXIT_CODES below.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createHarnessClient, DEFAULT_WATCH_TIMEOUT_MS, type HarnessClient, type WatchResult } from './client.ts';
import { HarnessError } from './harness-error.ts';
import { NODE_PHASES, TERMINAL_PHASES } from '@hangar/domain/phases';
import type { NodePhase } from './generated/graphql.ts';
import type { NodeSummary } from './operations.ts';
import { createTimelinePrinter, type PrintMode } from './timeline-printer.ts';

/** What the process exit code means. */
export const EXIT_CODES = {
  /** The node is READY (or rests in the phase given with --until). */
  READY: 0,
  /** The node came to rest in another phase (FAILED, CANCELLED, RELEASED); the error code is printed. */
  NOT_READY: 1,
  /** The command line is wrong. */
  USAGE: 2,
  /** The API refused or failed the request (UNAUTHENTICATED, NOT_FOUND, VALIDATION_FAILED, CONFLICT, unreachable…); its code, message and hint are printed. */
  API_ERROR: 3,
} as const;

const DEFAULT_URL = 'http://127.0.0.1:4000';
const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');

const USAGE = `usage:
  npm run harness -- acquire --connection <id> --type <server type> --location <location> --image <image> [--name <name>] [--json]
  npm run harness -- watch <nodeId> [--after <seq>] [--until <PHASE>] [--timeout <seconds>] [--json]
  npm run harness -- list [--phase <PHASE>]... [--connection <id>] [--name <text>] [--first <n>] [--after <cursor>] [--json]
  npm run harness -- cancel <nodeId> [--json]     stop an acquisition in progress
  npm run harness -- retry <nodeId> [--json]      start a new attempt for a FAILED node
  npm run harness -- release <nodeId> [--json]    give a node's server back
  npm run harness -- --help
  --until: the phase that counts as success (default READY; e.g. RELEASED after release)
  list: newest first; prints the next page's --after cursor when there is one
exit codes: 0 READY (or the --until phase; done for list/cancel/retry/release), 1 came to rest elsewhere,
  2 usage, 3 the API refused (code: message, then its hint)
env: HANGAR_URL (default ${DEFAULT_URL}), HANGAR_TOKEN (default: contents of .data/dev-token)`;

const COMMANDS = ['acquire', 'watch', 'list', 'cancel', 'retry', 'release'] as const;
type Command = (typeof COMMANDS)[number];
const isCommand = (value: string | undefined): value is Command => (COMMANDS as readonly string[]).includes(value ?? '');

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

/** One node as a line of `list`: name, phase, id, type · location · image, IPv4, error code. */
export function formatNodeLine(node: NodeSummary): string {
  const parts = [node.name.padEnd(24), node.phase.padEnd(21), node.id, `${node.serverType} · ${node.location} · ${node.image}`];
  if (node.ipv4) parts.push(node.ipv4);
  if (node.error) parts.push(`[${node.error.code}]`);
  return parts.join('  ');
}

/** A refusal as people read it: `code: message`, then the hint on its own line. */
export function formatApiError(error: HarnessError): string {
  return `harness: ${error.code}: ${error.message}\n${error.hint ? `hint: ${error.hint}\n` : ''}`;
}

async function list(client: HarnessClient, values: { phase?: string[]; connection?: string; name?: string; first?: string; after?: string }, mode: PrintMode): Promise<number> {
  const first = values.first === undefined ? 20 : Number(values.first);
  if (!Number.isInteger(first) || first < 1) throw new UsageError('--first must be a whole number of 1 or more');
  const phases = (values.phase ?? []).map((phase) => phase.toUpperCase());
  const unknown = phases.filter((phase) => !(NODE_PHASES as readonly string[]).includes(phase));
  if (unknown.length > 0) throw new UsageError(`--phase must be one of ${NODE_PHASES.join(', ')}`);
  const page = await client.list({
    first,
    after: values.after ?? null,
    filter: { ...(phases.length > 0 ? { phase: phases as NodePhase[] } : {}), ...(values.connection ? { providerConnectionId: values.connection } : {}), ...(values.name ? { nameContains: values.name } : {}) },
  });
  if (mode === 'json') {
    for (const node of page.nodes) process.stdout.write(`${JSON.stringify(node)}\n`);
    process.stderr.write(`${JSON.stringify({ totalCount: page.totalCount, pageInfo: page.pageInfo })}\n`);
    return EXIT_CODES.READY;
  }
  for (const node of page.nodes) process.stdout.write(`${formatNodeLine(node)}\n`);
  process.stdout.write(`${page.nodes.length} of ${page.totalCount} node(s)${page.pageInfo.hasNextPage && page.pageInfo.endCursor ? `; next page: --after ${page.pageInfo.endCursor}` : ''}\n`);
  return EXIT_CODES.READY;
}

async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return EXIT_CODES.READY;
  }
  if (!isCommand(command)) throw new UsageError(command ? `unknown command "${command}"` : 'no command');
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      connection: { type: 'string' }, type: { type: 'string' }, location: { type: 'string' }, image: { type: 'string' },
      name: { type: 'string' }, after: { type: 'string' }, until: { type: 'string' }, timeout: { type: 'string' }, json: { type: 'boolean' },
      phase: { type: 'string', multiple: true }, first: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT_CODES.READY;
  }
  const mode = printMode(values.json);
  if (command === 'cancel' || command === 'retry' || command === 'release') {
    const nodeId = positionals[0];
    if (!nodeId) throw new UsageError(`${command} needs a node id`);
    const client = createHarnessClient({ url: env.HANGAR_URL ?? DEFAULT_URL, token: readToken(env) });
    try {
      const node = await client[command](nodeId);
      if (mode === 'json') process.stdout.write(`${JSON.stringify(node)}\n`);
      else process.stdout.write(`${formatNodeLine(node)}\n`);
      return EXIT_CODES.READY;
    } finally {
      await client.close();
    }
  }
  if (command === 'list') {
    const client = createHarnessClient({ url: env.HANGAR_URL ?? DEFAULT_URL, token: readToken(env) });
    try {
      return await list(client, values, mode);
    } finally {
      await client.close();
    }
  }
  const client = createHarnessClient({ url: env.HANGAR_URL ?? DEFAULT_URL, token: readToken(env) });
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
      process.stderr.write(formatApiError(error));
      process.exitCode = EXIT_CODES.API_ERROR;
    } else {
      process.stderr.write(`harness: ${(error as Error).message}\n`);
      process.exitCode = EXIT_CODES.API_ERROR;
    }
  }
}
