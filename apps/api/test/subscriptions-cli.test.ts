import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '@hangar/harness/cli';
import { createTimelinePrinter } from '@hangar/harness/timeline-printer';
import type { TimelineEvent } from '@hangar/harness/operations';
import { runHarnessCli } from './support/harness-cli.ts';
import { startTestApi, type TestApi } from './api-harness.ts';
import { createConnectionRow, createNodeRow, enter, realisticTimeline, writeTimeline } from './support/node-timelines.ts';

let api: TestApi;
let connectionId: string;

beforeAll(async () => {
  api = await startTestApi();
  connectionId = await createConnectionRow(api.testDb.db, api.organizationId);
});
afterAll(async () => { await api.stop(); });

function runCli(args: string[], env: Record<string, string> = {}) {
  return runHarnessCli(args, { HANGAR_URL: api.app.url, HANGAR_TOKEN: api.token, ...env });
}

async function nodeWith(steps = realisticTimeline()): Promise<{ nodeId: string; lastSeq: number }> {
  const nodeId = await createNodeRow(api.testDb.db, api.organizationId, connectionId);
  return { nodeId, lastSeq: await writeTimeline(api.testDb.db, nodeId, steps) };
}

describe('npm run harness -- watch', () => {
  it('prints one JSON object per event with --json and exits 0 on READY', async () => {
    const { nodeId, lastSeq } = await nodeWith();
    const { code, stdout, stderr } = await runCli(['watch', nodeId, '--json']);
    expect(code).toBe(EXIT_CODES.READY);
    const events = stdout.trim().split('\n').map((line) => JSON.parse(line) as TimelineEvent);
    expect(events.map((event) => event.seq)).toEqual(Array.from({ length: lastSeq }, (_, i) => i + 1));
    expect(events.at(-1)?.phase).toBe('READY');
    expect(JSON.parse(stderr.trim().split('\n').at(-1) ?? '{}')).toMatchObject({ done: { phase: 'READY', lastSeq } });
  });

  it('prints plain lines when not on a terminal, from --after on', async () => {
    const { nodeId } = await nodeWith();
    const { code, stdout } = await runCli(['watch', nodeId, '--after', '3']);
    expect(code).toBe(EXIT_CODES.READY);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/#4 {2}WAITING_FOR_SERVER\s+PHASE_ENTERED/);
    expect(lines.some((line) => /WAITING_FOR_SERVER\s+PROGRESS\s+100%/.test(line))).toBe(true);
    expect(lines.at(-1)).toBe('READY');
    expect(stdout).not.toContain('\x1b[');
  });

  it('exits 1 with the node’s error code when it comes to rest FAILED', async () => {
    const { nodeId } = await nodeWith(realisticTimeline({ failWith: 'PROVIDER_CAPACITY_UNAVAILABLE' }));
    const { code, stdout, stderr } = await runCli(['watch', nodeId]);
    expect(code).toBe(EXIT_CODES.NOT_READY);
    expect(stdout.trim().split('\n').at(-1)).toMatch(/^FAILED PROVIDER_CAPACITY_UNAVAILABLE: /);
    expect(stderr).toMatch(/FAILED: PROVIDER_CAPACITY_UNAVAILABLE/);
  });

  it('follows a release to RELEASED with --until RELEASED (exit 0), which is not READY otherwise (exit 1)', async () => {
    const steps = realisticTimeline();
    const { nodeId, lastSeq } = await nodeWith([...steps, enter('RELEASING'), enter('RELEASED')]);
    const released = await runCli(['watch', nodeId, '--after', String(steps.length), '--until', 'RELEASED', '--json']);
    expect(released.code).toBe(EXIT_CODES.READY);
    expect(released.stdout.trim().split('\n').map((line) => (JSON.parse(line) as TimelineEvent).phase)).toEqual(['RELEASING', 'RELEASED']);
    expect(lastSeq).toBe(steps.length + 2);
    const plain = await runCli(['watch', nodeId, '--after', String(steps.length)]);
    expect(plain.code).toBe(EXIT_CODES.NOT_READY);
    expect(plain.stderr).toContain('came to rest in RELEASED');
  });

  it.each([
    ['a bad token', { HANGAR_TOKEN: 'hgr_not-a-token' }, 'UNAUTHENTICATED'],
    ['an unknown node', {}, 'NOT_FOUND'],
  ])('exits 3 with the API’s code for %s', async (_label, env, errorCode) => {
    const { code, stdout, stderr } = await runCli(['watch', '00000000-0000-4000-8000-000000000000'], env);
    expect(code).toBe(EXIT_CODES.API_ERROR);
    expect(stdout).toBe('');
    expect(stderr).toContain(`harness: ${errorCode}:`);
    expect(stderr).not.toContain(api.token);
  });

  // Five CLI processes, started at once; the budget is for a busy machine (each is a cold `node` start).
  it('exits 2 with the usage for a wrong command line', { timeout: 120_000 }, async () => {
    const wrong = [[], ['watch'], ['acquire', '--connection', 'x'], ['watch', 'x', '--after', '-1'], ['watch', 'x', '--until', 'QUEUED']];
    const results = await Promise.all(wrong.map((args) => runCli(args)));
    results.forEach(({ code, stderr }, index) => {
      expect(code, wrong[index]?.join(' ')).toBe(EXIT_CODES.USAGE);
      expect(stderr).toContain('usage:');
    });
  });
});

describe('the timeline printer on a terminal', () => {
  it('keeps steps on screen and redraws one progress bar', () => {
    let screen = '';
    const printer = createTimelinePrinter('tty', { write: (text: string) => { screen += text; } });
    const event = (seq: number, phase: TimelineEvent['phase'], kind: TimelineEvent['kind'], progress: number | null = null): TimelineEvent => ({ seq, nodeId: 'n', phase, kind, message: `${phase} ${kind}`, progress, attempt: null, error: null, at: new Date(0).toISOString() });
    printer.event(event(1, 'QUEUED', 'PHASE_ENTERED'));
    printer.event(event(2, 'WAITING_FOR_SERVER', 'PHASE_ENTERED'));
    // 3.5 of 6 steps: three phases done, half of WAITING_FOR_SERVER.
    printer.event(event(3, 'WAITING_FOR_SERVER', 'PROGRESS', 50));
    expect(screen.split('\n')).toHaveLength(3);
    expect(screen.split('\r').at(-1)).toBe(`\x1b[2K[${'#'.repeat(18)}${'-'.repeat(12)}] WAITING_FOR_SERVER 50%`);
    printer.event(event(4, 'READY', 'PHASE_ENTERED'));
    printer.done({ events: [], lastSeq: 4, phase: 'READY', error: null, resumes: 0 });
    expect(screen).toMatch(/\[#{30}\] READY/);
    expect(screen.endsWith('\nREADY\n')).toBe(true);
  });
});
