/**
 * The harness CLI's node commands (list, cancel, retry, release, --help) against a real API:
 * the typed mutation results (payload or typed error) as a person and a script see them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '@hangar/harness/cli';
import type { NodeSummary } from '@hangar/harness/operations';
import { runHarnessCli } from './support/harness-cli.ts';
import { startTestApi, type TestApi } from './api-harness.ts';
import { createConnectionRow, createNodeRow, realisticTimeline, writeTimeline } from './support/node-timelines.ts';

let api: TestApi;
let connectionId: string;
let otherConnectionId: string;

beforeAll(async () => {
  api = await startTestApi();
  connectionId = await createConnectionRow(api.testDb.db, api.organizationId);
  otherConnectionId = await createConnectionRow(api.testDb.db, api.organizationId, 'other');
  // retryNode requires a usable connection.
  await api.testDb.db.providerConnection.updateMany({ where: { organizationId: api.organizationId }, data: { credentialStatus: 'VALID' } });
});
afterAll(async () => { await api.stop(); });

function runCli(args: string[], env: Record<string, string> = {}) {
  return runHarnessCli(args, { HANGAR_URL: api.app.url, HANGAR_TOKEN: api.token, ...env });
}

/** A node row with a timeline that ends READY (with a server) or FAILED. */
async function node(outcome: 'READY' | 'FAILED', options: { name?: string; connection?: string } = {}): Promise<string> {
  const id = await createNodeRow(api.testDb.db, api.organizationId, options.connection ?? connectionId, options.name);
  await writeTimeline(api.testDb.db, id, realisticTimeline(outcome === 'FAILED' ? { failWith: 'PROVIDER_CAPACITY_UNAVAILABLE' } : {}));
  if (outcome === 'READY') await api.testDb.db.node.update({ where: { id }, data: { providerServerId: '4711' } });
  return id;
}

const jsonLines = (text: string): unknown[] => text.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as unknown);

describe('npm run harness -- --help', { timeout: 120_000 }, () => {
  it('prints the usage with every command and exits 0, without a token', async () => {
    for (const args of [['--help'], ['list', '--help']]) {
      const { code, stdout, stderr } = await runHarnessCli(args, { HANGAR_TOKEN: '', HANGAR_DATA_DIR: '/nonexistent' });
      expect(code, args.join(' ')).toBe(0);
      expect(stderr).toBe('');
      for (const command of ['acquire', 'watch', 'list', 'cancel', 'retry', 'release']) expect(stdout).toContain(`npm run harness -- ${command}`);
    }
  });
});

// Each test spawns the real CLI a few times (a Node process each): on a loaded machine that takes seconds.
describe('npm run harness -- list', { timeout: 120_000 }, () => {
  let ready: string;
  let failed: string;
  let elsewhere: string;
  beforeAll(async () => {
    ready = await node('READY', { name: 'list-ready' });
    failed = await node('FAILED', { name: 'list-failed' });
    elsewhere = await node('READY', { name: 'list-elsewhere', connection: otherConnectionId });
  });

  it('pages newest first with a cursor (--first, --after), with totalCount', async () => {
    const first = await runCli(['list', '--first', '2', '--json', '--name', 'list-']);
    expect(first.code, first.stderr).toBe(EXIT_CODES.READY);
    expect((jsonLines(first.stdout) as NodeSummary[]).map((n) => n.id)).toEqual([elsewhere, failed]);
    const page = jsonLines(first.stderr)[0] as { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string } };
    expect(page.totalCount).toBe(3);
    expect(page.pageInfo.hasNextPage).toBe(true);

    const second = await runCli(['list', '--first', '2', '--json', '--name', 'list-', '--after', page.pageInfo.endCursor]);
    expect((jsonLines(second.stdout) as NodeSummary[]).map((n) => n.id)).toEqual([ready]);
  });

  it('filters by phase and by connection', async () => {
    const failedOnly = await runCli(['list', '--phase', 'failed', '--json']);
    expect((jsonLines(failedOnly.stdout) as NodeSummary[]).map((n) => n.id)).toEqual([failed]);
    const other = await runCli(['list', '--connection', otherConnectionId, '--json']);
    expect((jsonLines(other.stdout) as NodeSummary[]).map((n) => n.id)).toEqual([elsewhere]);
  });

  it('prints one line per node and where the next page starts', async () => {
    const plain = await runCli(['list', '--first', '2', '--name', 'list-']);
    expect(plain.stdout).toMatch(/^list-elsewhere\s+READY\s+/m);
    expect(plain.stdout).toMatch(/^list-failed\s+FAILED\s+.*\[PROVIDER_CAPACITY_UNAVAILABLE\]$/m);
    expect(plain.stdout).toMatch(/2 of 3 node\(s\); next page: --after \S+/);
  });

  it('exits 3 with VALIDATION_FAILED for a forged cursor and a page above the maximum', async () => {
    for (const args of [['list', '--after', 'forged-cursor'], ['list', '--first', '100000']]) {
      const { code, stdout, stderr } = await runCli(args);
      expect(code, args.join(' ')).toBe(EXIT_CODES.API_ERROR);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/^harness: VALIDATION_FAILED: /);
    }
  });

  it('exits 2 for an unknown phase', async () => {
    const { code, stderr } = await runCli(['list', '--phase', 'SLEEPING']);
    expect(code).toBe(EXIT_CODES.USAGE);
    expect(stderr).toContain('--phase must be one of');
  });
});

describe('npm run harness -- cancel | retry | release', { timeout: 120_000 }, () => {
  it('release: a READY node goes RELEASING (exit 0, the node on stdout)', async () => {
    const id = await node('READY');
    const { code, stdout, stderr } = await runCli(['release', id, '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(EXIT_CODES.READY);
    expect(JSON.parse(stdout)).toMatchObject({ id, phase: 'RELEASING' });
  });

  it('retry: a FAILED node starts a new attempt (QUEUED)', async () => {
    const id = await node('FAILED');
    const { code, stdout, stderr } = await runCli(['retry', id]);
    expect(code, stderr).toBe(EXIT_CODES.READY);
    expect(stdout).toMatch(new RegExp(`QUEUED\\s+${id}`));
  });

  it('prints a typed error as code: message (exit 3): CONFLICT for a READY node, NOT_FOUND for an unknown one', async () => {
    const id = await node('READY');
    const cancelled = await runCli(['cancel', id]);
    expect(cancelled.code).toBe(EXIT_CODES.API_ERROR);
    expect(cancelled.stdout).toBe('');
    expect(cancelled.stderr).toMatch(/^harness: CONFLICT: .*release/i);
    const retried = await runCli(['retry', id]);
    expect(retried.stderr).toMatch(/^harness: CONFLICT: /);

    const missing = await runCli(['release', '00000000-0000-4000-8000-000000000000']);
    expect(missing.code).toBe(EXIT_CODES.API_ERROR);
    expect(missing.stderr).toMatch(/^harness: NOT_FOUND: /);
    expect(missing.stderr).not.toContain(api.token);
  });

  it('exits 2 without a node id', async () => {
    for (const command of ['cancel', 'retry', 'release']) {
      const { code, stderr } = await runCli([command]);
      expect(code, command).toBe(EXIT_CODES.USAGE);
      expect(stderr).toContain(`${command} needs a node id`);
    }
  });
});

describe('formatApiError', () => {
  it('prints code: message, then the hint on its own line when the API gave one', async () => {
    const { formatApiError } = await import('@hangar/harness/cli');
    const { HarnessError } = await import('@hangar/harness/harness-error');
    const error = HarnessError.fromTypedError({ __typename: 'ProviderError', code: 'PROVIDER_AUTH_FAILED', message: 'the provider refused the token', hint: 'Rotate the token.', retryable: false, providerCode: 'unauthorized', httpStatus: 401, requestId: 'r1' });
    expect(formatApiError(error)).toBe('harness: PROVIDER_AUTH_FAILED: the provider refused the token\nhint: Rotate the token.\n');
    expect(formatApiError(new HarnessError('CONFLICT', 'node is READY'))).toBe('harness: CONFLICT: node is READY\n');
  });
});
