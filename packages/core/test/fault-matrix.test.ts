/**
 * The fault matrix (issue 13, part 7): every Hetzner error code of the official spec (its general
 * error table and every operation's "Operation specific errors" table: packages/providers/spec)
 * injected once at every provider call one acquisition makes, against the simulator over HTTP.
 * Each case ends as docs/error-codes.md says, read from the document itself (never from the
 * code): the Hetzner code's PROVIDER_* code, whether it is retried (then the node reaches READY
 * and the retry is a RETRY event naming the code) or terminal (then the node is FAILED with that
 * code and the failed-node hint, chosen from its final state as "Node errors" says), and no live server is left behind by a
 * failed node. The calls are found by running one clean acquisition first, so a new call is
 * covered without editing this file.
 *
 * Each case has a simulator project and a provider connection of its own, so a fault hits only
 * its node; cases run in parallel batches.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failedNodeHint, type NodeError } from '@hangar/domain/node-errors';
import { refreshCatalog } from '../src/catalog.ts';
import { operationErrorCodes, specGeneralErrorCodes } from '../../providers/test/support/hetzner-codes.ts';
import { startAcquisitionEnv, type AcquisitionEnv, type SimRequest } from './support/acquisition-env.ts';

/** Cases run at once (each is one acquisition; most of its time is spent waiting on HTTP). */
const BATCH = 48;
/** Hang guard for one case's node to come to rest. */
const CASE_GUARD_MS = 60_000;
/** Hang guard for the whole matrix. */
const MATRIX_GUARD_MS = 600_000;

// ---------------------------------------------------------------------------------------------
// What docs/error-codes.md says

const DOC = readFileSync(fileURLToPath(new URL('../../../docs/error-codes.md', import.meta.url)), 'utf8');

/** `PROVIDER_*` code → retryable and "what to do", from the "Codes" table. */
const documented = new Map<string, { retryable: boolean; hint: string }>();
for (const match of DOC.matchAll(/^\| `(PROVIDER_[A-Z_]+)` \| (yes|no) \| [^|]+ \| ([^|]+) \|$/gm)) {
  documented.set(match[1] as string, { retryable: match[2] === 'yes', hint: (match[3] as string).trim() });
}
/** Hetzner code → `PROVIDER_*` code, from the "Hetzner error codes" table. */
const mapped = new Map<string, string>();
for (const match of DOC.matchAll(/^\| `([a-z0-9_]+)` \| [^|]+ \| [^|]+ \| `(PROVIDER_[A-Z_]+)` \|$/gm)) mapped.set(match[1] as string, match[2] as string);
/** Retryable codes that still fail the node at once: the "Exceptions, which fail the node at once" sentence. */
const exceptionsSentence = /Exceptions, which fail the node at once[^:]*: ([^\n]+)/.exec(DOC)?.[1] ?? '';
const failAtOnce = new Set([...exceptionsSentence.matchAll(/`(PROVIDER_[A-Z_]+)`/g)].map((match) => match[1] as string));
/** "The polls of a running action (the server's create and start) are repeated for every retryable code": the exceptions do not apply to them. */
const pollsRepeatEveryRetryable = /The polls of a running action[^.]*are repeated for every retryable code/.test(DOC);
/** "A server the provider no longer finds (`PROVIDER_NOT_FOUND` when reading it) fails the node with `NODE_SERVER_LOST`." */
const serverLostCode = /\(`PROVIDER_NOT_FOUND` when reading it\) fails the node with `(NODE_[A-Z_]+)`/.exec(DOC)?.[1];

/** Every Hetzner code of the official spec with one HTTP status it is answered with. */
const specCodes = new Map<string, number>();
for (const source of [specGeneralErrorCodes(), operationErrorCodes()]) {
  for (const [code, statuses] of source) if (!specCodes.has(code)) specCodes.set(code, statuses[0] as number);
}

// ---------------------------------------------------------------------------------------------

interface Call { method: string; /** The path as a template: numbers are `{id}`, no query. */ path: string }
const callKey = (call: Call) => `${call.method} ${call.path}`;
const templateOf = (request: SimRequest): Call => ({ method: request.method, path: request.path.split('?')[0]!.replace(/^\/v1/, '').replace(/\/\d+(?=\/|$)/g, '/{id}') });
const pathRegexOf = (call: Call) => `^${call.path.replace(/\{id\}/g, '\\d+')}$`;

interface Case { call: Call; hetznerCode: string; status: number; providerCode: string }
interface Outcome { case: Case; problems: string[] }

let env: AcquisitionEnv;
let calls: Call[];

beforeAll(async () => {
  env = await startAcquisitionEnv({ deadlineScale: 0.2, speed: 'instant' });
  // One clean acquisition on a project of its own: the calls it makes are the matrix's columns.
  const { project, connection } = await env.newConnection();
  // createNode reads a connection's catalog when it has none: that is createNode's call, not the acquisition's.
  await refreshCatalog(env.deps, connection);
  const before = (await env.simRequests(project.id)).length;
  const node = await env.createNode({ providerConnectionId: connection.id });
  await env.waitForPhase(node.id, 'READY', CASE_GUARD_MS);
  const seen = new Map<string, Call>();
  for (const request of (await env.simRequests(project.id)).slice(before)) {
    const call = templateOf(request);
    seen.set(callKey(call), call);
  }
  calls = [...seen.values()];
}, MATRIX_GUARD_MS);
afterAll(async () => {
  await env?.stop();
});

async function runCase(one: Case): Promise<Outcome> {
  const problems: string[] = [];
  const { project, connection } = await env.newConnection();
  await refreshCatalog(env.deps, connection);
  await env.addFault({ projectId: project.id, method: one.call.method, pathRegex: pathRegexOf(one.call), error: { code: one.hetznerCode, message: `injected ${one.hetznerCode}`, status: one.status }, times: 1 });
  const node = await env.createNode({ providerConnectionId: connection.id });
  const ended = await env.waitForPhase(node.id, ['READY', 'FAILED'], CASE_GUARD_MS);
  const injected = (await env.simRequests(project.id)).some((request) => request.faultId !== null);
  if (!injected) problems.push('the fault was never hit');
  const events = await env.events(node.id);
  const doc = documented.get(one.providerCode);
  if (!doc) return { case: one, problems: [`${one.providerCode} is not in the Codes table`] };
  const isServerRead = one.call.method === 'GET' && one.call.path === '/servers/{id}';
  const expectedCode = one.providerCode === 'PROVIDER_NOT_FOUND' && isServerRead ? serverLostCode : one.providerCode;
  const isActionPoll = one.call.method === 'GET' && one.call.path === '/actions/{id}';
  if (doc.retryable && (!failAtOnce.has(one.providerCode) || isActionPoll)) {
    if (ended.phase !== 'READY') problems.push(`expected a retry then READY, got ${ended.phase} (${(ended.error as unknown as NodeError | null)?.code})`);
    if (!events.some((event) => event.kind === 'RETRY' && event.message.startsWith(one.providerCode))) problems.push(`no RETRY event naming ${one.providerCode}`);
  } else {
    const error = ended.error as unknown as NodeError | null;
    if (ended.phase !== 'FAILED') problems.push(`expected FAILED with ${expectedCode}, got ${ended.phase}`);
    else {
      if (error?.code !== expectedCode) problems.push(`expected ${expectedCode}, got ${error?.code}`);
      const live = (await env.simServers(undefined, project.id)).filter((server) => !server.deleted);
      // A failed node's hint is chosen from its final state (docs/error-codes.md "Node errors"):
      // the failed-node advice for its code, never the request-level "retried automatically".
      const expectedHint = failedNodeHint(expectedCode ?? '', { serverLeft: live.length > 0 });
      if (error?.hint !== expectedHint) problems.push(`hint is not the failed-node one: ${error?.hint}`);
      if (live.length > 0) problems.push(`${live.length} server(s) left`);
    }
  }
  return { case: one, problems };
}

describe('fault matrix: every spec error code at every provider call of an acquisition', () => {
  it('reads the document and the spec', () => {
    expect(documented.size).toBeGreaterThanOrEqual(20);
    expect(failAtOnce).toEqual(new Set(['PROVIDER_CAPACITY_UNAVAILABLE', 'PROVIDER_PLACEMENT_FAILED', 'PROVIDER_ACTION_FAILED']));
    expect(serverLostCode).toBe('NODE_SERVER_LOST');
    expect(pollsRepeatEveryRetryable).toBe(true);
    expect(specCodes.size).toBeGreaterThanOrEqual(21);
    expect([...specCodes.keys()].filter((code) => !mapped.has(code))).toEqual([]);
    // The acquisition's calls: the label lookup, the create, the action polls, the server read.
    expect(calls.map(callKey).sort()).toEqual(['GET /actions/{id}', 'GET /servers', 'GET /servers/{id}', 'POST /servers']);
  }, MATRIX_GUARD_MS);

  it('ends every case as docs/error-codes.md says', async () => {
    const cases: Case[] = calls.flatMap((call) => [...specCodes].map(([hetznerCode, status]) => ({ call, hetznerCode, status, providerCode: mapped.get(hetznerCode) as string })));
    const outcomes: Outcome[] = [];
    for (let start = 0; start < cases.length; start += BATCH) {
      outcomes.push(...(await Promise.all(cases.slice(start, start + BATCH).map(runCase))));
    }
    const failures = outcomes.filter((outcome) => outcome.problems.length > 0).map((outcome) => `${callKey(outcome.case.call)} ${outcome.case.hetznerCode} (${outcome.case.status} → ${outcome.case.providerCode}): ${outcome.problems.join('; ')}`);
    console.log(`fault matrix: ${cases.length} cases (${specCodes.size} codes × ${calls.length} calls: ${calls.map(callKey).join(', ')})`);
    expect(failures).toEqual([]);
  }, MATRIX_GUARD_MS);
});
