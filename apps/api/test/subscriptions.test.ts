import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintApiToken, revokeApiToken } from '@hangar/core/api-tokens';
import { NODE_EVENTS_CHANNEL } from '@hangar/core/event-log';
import { CONNECTION_CHANGES_CHANNEL } from '@hangar/core/provider-connections';
import { CHANNELS } from '@hangar/events/topics';
import { createHarnessClient, type HarnessClient } from '@hangar/harness/client';
import type { TimelineEvent } from '@hangar/harness/operations';
import { buildApp } from '../src/app.ts';
import { startTestApi, type TestApi } from './api-harness.ts';
import { appendStep, createConnectionRow, createNodeRow, enter, HAPPY_PATH, realisticTimeline, writeTimeline } from './support/node-timelines.ts';
import { sseSubscription, type SseMessage } from './support/sse.ts';

/**
 * The keep-alive of the API the ping test starts. graphql-ws closes a socket whose pong has not
 * come back within one interval, so the suite's own API keeps the default (12 s): at 200 ms a
 * busy machine's pause in this process closed sockets mid-stream (a resume, seen in a loaded run).
 */
const KEEPALIVE_MS = 500;
/** A token re-check interval longer than any test may run (vitest's testTimeout is 30 s). */
const RECHECK_OUTLASTS_THE_TEST_MS = 10 * 60_000;
let api: TestApi;
let harness: HarnessClient;
let connectionId: string;
let otherOrganizationId: string;
let otherToken: string;
const wsClients: Client[] = [];

beforeAll(async () => {
  api = await startTestApi();
  harness = createHarnessClient({ url: api.app.url, token: api.token });
  connectionId = await createConnectionRow(api.testDb.db, api.organizationId);
  const other = await api.testDb.db.organization.create({ data: { name: 'globex' } });
  otherOrganizationId = other.id;
  otherToken = (await mintApiToken(api.testDb.db, { organizationId: other.id, name: 'other' })).token;
});
afterAll(async () => {
  await harness.close();
  for (const client of wsClients) await client.dispose();
  await api.stop();
});

const wsUrl = () => `${api.app.url.replace(/^http/, 'ws')}/graphql`;
const NODE_EVENTS = 'subscription ($nodeId: ID!, $after: Int) { nodeEvents(nodeId: $nodeId, after: $after) { seq phase kind progress } }';

function wsClient(token: string | null): Client {
  const client = createClient({ url: wsUrl(), webSocketImpl: WebSocket, retryAttempts: 0, lazy: true, connectionParams: token ? { authorization: `Bearer ${token}` } : {} });
  wsClients.push(client);
  return client;
}

/** Runs one subscription to its end: every result, and how it ended. */
function runSubscription(client: Client, query: string, variables: Record<string, unknown>): Promise<{ results: Array<{ data?: unknown; errors?: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }> }>; ended: 'complete' | 'error'; error?: unknown }> {
  return new Promise((resolve) => {
    const results: Array<{ data?: unknown; errors?: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }> }> = [];
    client.subscribe({ query, variables }, {
      next: (result) => results.push(result as never),
      error: (error) => resolve({ results, ended: 'error', error }),
      complete: () => resolve({ results, ended: 'complete' }),
    });
  });
}

/** Opens a raw socket, sends connection_init, and reports how the server closed it. */
function rawConnect(payload: Record<string, unknown>): Promise<{ code: number; reason: string; acked: boolean; pings: number; socket: WebSocket }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl(), 'graphql-transport-ws');
    let acked = false;
    let pings = 0;
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload })));
    socket.on('message', (raw) => { if (JSON.parse(String(raw)).type === 'connection_ack') acked = true; });
    socket.on('ping', () => { pings += 1; });
    socket.on('close', (code, reason) => resolve({ code, reason: String(reason), acked, pings, socket }));
    socket.on('error', reject);
  });
}

async function newNodeWith(steps = realisticTimeline()): Promise<{ nodeId: string; lastSeq: number }> {
  const nodeId = await createNodeRow(api.testDb.db, api.organizationId, connectionId);
  const lastSeq = await writeTimeline(api.testDb.db, nodeId, steps);
  return { nodeId, lastSeq };
}

describe('nodeEvents over graphql-ws', () => {
  it('replays the stored timeline, streams the live rest in order, and completes after READY', async () => {
    const nodeId = await createNodeRow(api.testDb.db, api.organizationId, connectionId);
    const steps = realisticTimeline({ progressSteps: 5, retries: 2 });
    await writeTimeline(api.testDb.db, nodeId, steps.slice(0, 4));
    const received: TimelineEvent[] = [];
    const watching = harness.expectPhases(nodeId, HAPPY_PATH, { timeoutMs: 60_000 });
    const live = harness.watch(nodeId, { onEvent: (event) => received.push(event), timeoutMs: 60_000 });
    await writeTimeline(api.testDb.db, nodeId, steps.slice(4), () => 5);
    const [result, liveResult] = await Promise.all([watching, live]);
    expect(result.events.map((event) => event.seq)).toEqual(steps.map((_, i) => i + 1));
    expect(result.phase).toBe('READY');
    expect(result.resumes).toBe(0);
    expect(liveResult.events).toEqual(received);
    const progress = result.events.filter((event) => event.kind === 'PROGRESS').map((event) => event.progress);
    expect(progress).toEqual([20, 40, 60, 80, 100]);
  });

  it('resumes from `after` with exactly the missing events', async () => {
    const { nodeId, lastSeq } = await newNodeWith();
    const result = await harness.watch(nodeId, { after: 5, timeoutMs: 60_000 });
    expect(result.events.map((event) => event.seq)).toEqual(Array.from({ length: lastSeq - 5 }, (_, i) => i + 6));
  });

  it('delivers an event exactly once, in order, to more subscribers than one delivery slice holds', async () => {
    // A slice of 2 and 7 sockets: each event reaches them over 4 turns of the event loop.
    const app = buildApp({ deps: api.deps, databaseUrl: api.testDb.url, port: 0, subscriptionDeliverySlice: 2 });
    await app.start();
    try {
      const nodeId = await createNodeRow(api.testDb.db, api.organizationId, connectionId);
      await appendStep(api.testDb.db, nodeId, enter('QUEUED'));
      const subscribers = Array.from({ length: 7 }, () => {
        const client = createClient({ url: `${app.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${api.token}` } });
        wsClients.push(client);
        const seqs: number[] = [];
        client.subscribe({ query: NODE_EVENTS, variables: { nodeId } }, { next: (r) => seqs.push((r.data as { nodeEvents: { seq: number } }).nodeEvents.seq), error: () => undefined, complete: () => undefined });
        return seqs;
      });
      await expect.poll(() => subscribers.every((seqs) => seqs.length === 1), { timeout: 60_000 }).toBe(true);
      for (const phase of ['VALIDATING', 'CREATING_SERVER', 'WAITING_FOR_SERVER'] as const) await appendStep(api.testDb.db, nodeId, enter(phase));
      await expect.poll(() => subscribers.every((seqs) => seqs.length >= 4), { timeout: 60_000 }).toBe(true);
      // One more event after the checked ones: a duplicate of seq 2–4 would have arrived before it.
      await appendStep(api.testDb.db, nodeId, enter('CREATING_SERVER'));
      await expect.poll(() => subscribers.every((seqs) => seqs.length >= 5), { timeout: 60_000 }).toBe(true);
      for (const seqs of subscribers) expect(seqs).toEqual([1, 2, 3, 4, 5]);
    } finally {
      await app.stop();
    }
  });

  it('ends FAILED with the error on the final event', async () => {
    const { nodeId } = await newNodeWith(realisticTimeline({ failWith: 'PROVIDER_INVALID_REQUEST' }));
    const result = await harness.watch(nodeId, { timeoutMs: 60_000 });
    expect(result.phase).toBe('FAILED');
    expect(result.error?.code).toBe('PROVIDER_INVALID_REQUEST');
    await expect(harness.waitForPhase(nodeId, 'READY', 60_000)).rejects.toMatchObject({ code: 'PHASE_NOT_REACHED' });
  });

  it('lets the harness assert phases: a wrong sequence fails at the first difference, waitForPhase resolves on entry', async () => {
    const nodeId = await createNodeRow(api.testDb.db, api.organizationId, connectionId);
    const steps = realisticTimeline();
    await writeTimeline(api.testDb.db, nodeId, steps.slice(0, 2));
    const reached = harness.waitForPhase(nodeId, 'WAITING_FOR_SERVER', 60_000);
    // Settled into a value at once: it may reject while the test still awaits `reached`.
    const wrong = harness.expectPhases(nodeId, ['QUEUED', 'VALIDATING', 'PROVISIONING'], { timeoutMs: 60_000 }).then(() => 'resolved', (error: unknown) => error);
    await writeTimeline(api.testDb.db, nodeId, steps.slice(2, 4));
    expect(await reached).toMatchObject({ seq: 4, phase: 'WAITING_FOR_SERVER', kind: 'PHASE_ENTERED' });
    expect(await wrong).toMatchObject({ code: 'PHASES_MISMATCH', details: { actual: ['QUEUED', 'VALIDATING', 'CREATING_SERVER'] } });
    await writeTimeline(api.testDb.db, nodeId, steps.slice(4));
    expect(await harness.waitForReady(nodeId, 60_000)).toMatchObject({ id: nodeId, phase: 'READY', ipv4: '203.0.113.10' });
  });

  it('gives another organization’s node NOT_FOUND and no event', async () => {
    const foreignConnection = await createConnectionRow(api.testDb.db, otherOrganizationId);
    const foreignNode = await createNodeRow(api.testDb.db, otherOrganizationId, foreignConnection);
    const lastSeq = await writeTimeline(api.testDb.db, foreignNode, realisticTimeline());
    const outcome = await runSubscription(wsClient(api.token), NODE_EVENTS, { nodeId: foreignNode });
    expect(outcome.results).toHaveLength(1);
    expect(outcome.results[0]?.data ?? null).toBeNull();
    expect(outcome.results[0]?.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // Its owner gets the whole timeline.
    const owner = await runSubscription(wsClient(otherToken), NODE_EVENTS, { nodeId: foreignNode });
    expect(owner.ended).toBe('complete');
    expect(owner.results.filter((result) => result.data)).toHaveLength(lastSeq);
  });

  it('refuses an `after` beyond the timeline with VALIDATION_FAILED on field after', async () => {
    const { nodeId, lastSeq } = await newNodeWith();
    const outcome = await runSubscription(wsClient(api.token), NODE_EVENTS, { nodeId, after: lastSeq + 1 });
    expect(outcome.results[0]?.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'after' });
  });
});

describe('graphql-ws authentication and keep-alive', () => {
  it.each([
    ['an unknown token', { authorization: 'Bearer hgr_not-a-token' }, /invalid or revoked/],
    ['no token', {}, /missing API token/],
  ])('closes the socket with 4403 and a reason for %s, before any event', async (_label, payload, reason) => {
    const closed = await rawConnect(payload);
    expect(closed.code).toBe(4403);
    expect(closed.reason).toMatch(reason);
    expect(closed.acked).toBe(false);
  });

  it('accepts the token as `Authorization` too (GraphiQL sends its Headers tab as the payload)', async () => {
    const socket = new WebSocket(wsUrl(), 'graphql-transport-ws');
    const acked = new Promise<boolean>((resolve) => {
      socket.on('message', (raw) => resolve(JSON.parse(String(raw)).type === 'connection_ack'));
      socket.on('close', () => resolve(false));
    });
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { Authorization: `Bearer ${api.token}` } })));
    expect(await acked).toBe(true);
    socket.close();
  });

  it('gives the harness UNAUTHENTICATED for a bad token', async () => {
    const { nodeId } = await newNodeWith();
    const stranger = createHarnessClient({ url: api.app.url, token: 'hgr_not-a-token' });
    const received: TimelineEvent[] = [];
    await expect(stranger.watch(nodeId, { onEvent: (event) => received.push(event), timeoutMs: 60_000 })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(received).toEqual([]);
    await stranger.close();
  });

  it('pings an idle socket (keep-alive)', async () => {
    const app = buildApp({ deps: api.deps, databaseUrl: api.testDb.url, port: 0, wsKeepAliveMs: KEEPALIVE_MS });
    await app.start();
    try {
      const socket = new WebSocket(`${app.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
      let pings = 0;
      socket.on('ping', () => { pings += 1; });
      await new Promise((resolve) => socket.on('open', resolve));
      socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${api.token}` } }));
      // A ping arrives on a socket that has nothing else to say (the test's timeout is the guard).
      await expect.poll(() => pings, { timeout: 60_000 }).toBeGreaterThanOrEqual(1);
      socket.close();
    } finally {
      await app.stop();
    }
  });

  it('closes the open sockets of a token as soon as it is revoked', async () => {
    // An API of its own whose periodic re-check comes after this test's timeout: the socket
    // can only be closed by the revocation notice.
    const app = buildApp({ deps: api.deps, databaseUrl: api.testDb.url, port: 0, tokenRecheckIntervalMs: RECHECK_OUTLASTS_THE_TEST_MS });
    await app.start();
    try {
      const { id, token } = await mintApiToken(api.testDb.db, { organizationId: api.organizationId, name: 'short-lived' });
      const nodeId = await createNodeRow(api.testDb.db, api.organizationId, connectionId);
      await appendStep(api.testDb.db, nodeId, enter('QUEUED'));
      const client = createClient({ url: `${app.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${token}` } });
      wsClients.push(client);
      const received: unknown[] = [];
      const closed = new Promise<{ code: number; reason: string }>((resolve) => client.on('closed', (event) => resolve(event as { code: number; reason: string })));
      const ended = new Promise<unknown>((resolve) => client.subscribe({ query: NODE_EVENTS, variables: { nodeId } }, { next: (r) => received.push(r), error: resolve, complete: () => resolve('complete') }));
      await expect.poll(() => received.length).toBe(1);
      expect(await revokeApiToken(api.testDb.db, id)).toBe(true);
      const event = await closed;
      expect(event.code).toBe(4403);
      expect(event.reason).toBe('API token was revoked');
      await ended;
      // Nothing after the revocation: a second subscriber of the same API with a live token sees the next step,
      // and by then the revoked one has still only its first.
      const observer = createClient({ url: `${app.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${api.token}` } });
      wsClients.push(observer);
      const observed: Array<{ seq: number }> = [];
      const disposeObserver = observer.subscribe({ query: NODE_EVENTS, variables: { nodeId } }, { next: (r) => observed.push((r.data as { nodeEvents: { seq: number } }).nodeEvents), error: () => undefined, complete: () => undefined });
      await expect.poll(() => observed.length, { timeout: 60_000 }).toBe(1);
      await appendStep(api.testDb.db, nodeId, enter('VALIDATING'));
      await expect.poll(() => observed.map((e) => e.seq), { timeout: 60_000 }).toEqual([1, 2]);
      disposeObserver();
      expect(received).toHaveLength(1);
    } finally {
      await app.stop();
    }
  });
});

describe('subscriptions stay apart (every graphql-ws subscription shares one placeholder Request)', () => {
  it('two subscriptions on one socket and on two sockets: own principal, own filter, revocation closes only the revoked socket', async () => {
    // An API of its own whose periodic re-check comes after this test's timeout: only the notice closes.
    const app = buildApp({ deps: api.deps, databaseUrl: api.testDb.url, port: 0, tokenRecheckIntervalMs: RECHECK_OUTLASTS_THE_TEST_MS });
    await app.start();
    const connect = (token: string): Client => {
      const client = createClient({ url: `${app.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${token}` } });
      wsClients.push(client);
      return client;
    };
    try {
      const { id: revokedId, token: revokedToken } = await mintApiToken(api.testDb.db, { organizationId: api.organizationId, name: 'apart' });
      const otherConnection = await createConnectionRow(api.testDb.db, api.organizationId, 'apart-filter');
      const nodeId = await createNodeRow(api.testDb.db, api.organizationId, connectionId);
      await appendStep(api.testDb.db, nodeId, enter('QUEUED'));
      type Result = { data?: unknown; errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> };
      const seqs = (results: Result[]) => results.map((r) => (r.data as { nodeEvents: { seq: number } }).nodeEvents.seq);
      // Socket 1 (a token to be revoked): the node's events, and nodeChanged filtered to another connection.
      const first = connect(revokedToken);
      const firstEvents: Result[] = [];
      const firstFiltered: Result[] = [];
      const firstClosed = new Promise<{ code: number }>((resolve) => first.on('closed', (event) => resolve(event as { code: number })));
      first.subscribe({ query: NODE_EVENTS, variables: { nodeId } }, { next: (r) => firstEvents.push(r as Result), error: () => undefined, complete: () => undefined });
      first.subscribe({ query: 'subscription($filter: NodeChangedFilter) { nodeChanged(filter: $filter) { id } }', variables: { filter: { providerConnectionId: otherConnection } } }, { next: (r) => firstFiltered.push(r as Result), error: () => undefined, complete: () => undefined });
      await expect.poll(() => firstEvents.length).toBe(1);
      // Socket 2, another organization, opened after socket 1: the node is NOT_FOUND for it.
      const foreign = await runSubscription(connect(otherToken), NODE_EVENTS, { nodeId });
      expect(foreign.results.flatMap((r) => r.errors ?? []).map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
      expect(foreign.results.some((r) => r.data)).toBe(false);
      // Socket 3, the same organization, a live token: the node's events.
      const third = connect(api.token);
      const thirdEvents: Result[] = [];
      third.subscribe({ query: NODE_EVENTS, variables: { nodeId } }, { next: (r) => thirdEvents.push(r as Result), error: () => undefined, complete: () => undefined });
      await expect.poll(() => thirdEvents.length).toBe(1);
      // Socket 1's filter selects a node of the other connection, never this one (its change comes meanwhile).
      const inside = await createNodeRow(api.testDb.db, api.organizationId, otherConnection);
      await appendStep(api.testDb.db, inside, enter('QUEUED'));
      await expect.poll(async () => {
        await appendStep(api.testDb.db, inside, enter('VALIDATING'));
        return firstFiltered.length;
      }, { timeout: 60_000 }).toBeGreaterThan(0);
      await appendStep(api.testDb.db, nodeId, enter('VALIDATING'));
      await expect.poll(() => [seqs(firstEvents), seqs(thirdEvents)], { timeout: 60_000 }).toEqual([[1, 2], [1, 2]]);
      expect(new Set(firstFiltered.map((r) => (r.data as { nodeChanged: { id: string } }).nodeChanged.id))).toEqual(new Set([inside]));
      // Revoking socket 1's token closes socket 1 only.
      expect(await revokeApiToken(api.testDb.db, revokedId)).toBe(true);
      expect((await firstClosed).code).toBe(4403);
      await appendStep(api.testDb.db, nodeId, enter('CREATING_SERVER'));
      await expect.poll(() => seqs(thirdEvents), { timeout: 60_000 }).toEqual([1, 2, 3]);
      expect(seqs(firstEvents)).toEqual([1, 2]);
    } finally {
      await app.stop();
    }
  });
});

describe('revocation without a notice', () => {
  it('closes the socket at the next periodic re-check when a token is revoked by SQL', async () => {
    const second = buildApp({ deps: api.deps, databaseUrl: api.testDb.url, port: 0, tokenRecheckIntervalMs: 100 });
    await second.start();
    try {
      const { id, token } = await mintApiToken(api.testDb.db, { organizationId: api.organizationId, name: 'revoked-by-sql' });
      const { nodeId } = await newNodeWith([enter('QUEUED')]);
      const client = createClient({ url: `${second.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${token}` } });
      wsClients.push(client);
      const closed = new Promise<{ code: number; reason: string }>((resolve) => client.on('closed', (event) => resolve(event as { code: number; reason: string })));
      const received: unknown[] = [];
      client.subscribe({ query: NODE_EVENTS, variables: { nodeId } }, { next: (r) => received.push(r), error: () => undefined, complete: () => undefined });
      await expect.poll(() => received.length).toBe(1);
      await api.testDb.db.apiToken.update({ where: { id }, data: { revokedAt: new Date() } });
      expect(await closed).toMatchObject({ code: 4403, reason: 'API token was revoked' });
    } finally {
      await second.stop();
    }
  });
});

describe('Subscriptions over HTTP (SSE), as curl -N uses them', () => {
  it('streams nodeEvents as `event: next` messages and ends with `event: complete`', async () => {
    const nodeId = await createNodeRow(api.testDb.db, api.organizationId, connectionId);
    const steps = realisticTimeline();
    await writeTimeline(api.testDb.db, nodeId, steps.slice(0, 3));
    const messages: SseMessage[] = [];
    const reading = (async () => {
      for await (const message of sseSubscription(api.app.url, NODE_EVENTS, { nodeId }, api.token)) messages.push(message);
    })();
    await expect.poll(() => messages.length).toBe(3);
    await writeTimeline(api.testDb.db, nodeId, steps.slice(3), () => 2);
    await reading;
    const next = messages.filter((message) => message.event === 'next');
    expect(next.map((message) => (message.data?.data?.nodeEvents as { seq: number }).seq)).toEqual(steps.map((_, i) => i + 1));
    expect(messages.at(-1)?.event).toBe('complete');
  });

  it('answers a foreign node with NOT_FOUND and no event, and no token with UNAUTHENTICATED', async () => {
    const foreignConnection = await createConnectionRow(api.testDb.db, otherOrganizationId, 'foreign-sse');
    const foreignNode = await createNodeRow(api.testDb.db, otherOrganizationId, foreignConnection);
    await appendStep(api.testDb.db, foreignNode, enter('QUEUED'));
    for (const [token, code] of [[api.token, 'NOT_FOUND'], [null, 'UNAUTHENTICATED']] as const) {
      const messages: SseMessage[] = [];
      for await (const message of sseSubscription(api.app.url, NODE_EVENTS, { nodeId: foreignNode }, token)) messages.push(message);
      expect(messages.some((message) => message.data?.data?.nodeEvents)).toBe(false);
      expect(messages.find((message) => message.data?.errors)?.data?.errors?.[0]?.extensions?.code).toBe(code);
    }
  });

  it('ends an SSE stream with `event: complete` when its token is revoked', async () => {
    const { id, token } = await mintApiToken(api.testDb.db, { organizationId: api.organizationId, name: 'sse-short-lived' });
    const nodeId = await createNodeRow(api.testDb.db, api.organizationId, connectionId);
    await appendStep(api.testDb.db, nodeId, enter('QUEUED'));
    const messages: SseMessage[] = [];
    const reading = (async () => {
      for await (const message of sseSubscription(api.app.url, NODE_EVENTS, { nodeId }, token)) messages.push(message);
    })().catch((error: unknown) => error);
    await expect.poll(() => messages.length).toBe(1);
    await revokeApiToken(api.testDb.db, id);
    // A clean end, as a finished subscription: no broken stream for the client to report.
    expect(await reading).toBeUndefined();
    await appendStep(api.testDb.db, nodeId, enter('VALIDATING'));
    expect(messages.map((message) => message.event)).toEqual(['next', 'complete']);
  });
});

describe('nodeChanged and providerConnectionChanged', () => {
  it('streams the current state of the organization’s changed nodes, never another organization’s', async () => {
    const client = wsClient(api.token);
    const seen: Array<{ id: string; phase: string }> = [];
    const dispose = client.subscribe({ query: 'subscription { nodeChanged { id phase } }' }, { next: (result) => seen.push((result.data as { nodeChanged: { id: string; phase: string } }).nodeChanged), error: () => undefined, complete: () => undefined });
    // The stream is live once a change of a canary node arrives (no sleeping).
    const canary = await createNodeRow(api.testDb.db, api.organizationId, connectionId);
    await expect.poll(async () => {
      await appendStep(api.testDb.db, canary, enter('QUEUED'));
      return seen.length;
    }, { timeout: 60_000 }).toBeGreaterThan(0);
    const foreignConnection = await createConnectionRow(api.testDb.db, otherOrganizationId, 'foreign-changes');
    const foreignNode = await createNodeRow(api.testDb.db, otherOrganizationId, foreignConnection);
    const mine = await createNodeRow(api.testDb.db, api.organizationId, connectionId);
    await appendStep(api.testDb.db, foreignNode, enter('QUEUED'));
    await appendStep(api.testDb.db, mine, enter('QUEUED'));
    await expect.poll(() => seen.at(-1), { timeout: 60_000 }).toEqual({ id: mine, phase: 'QUEUED' });
    await appendStep(api.testDb.db, mine, enter('VALIDATING'));
    await expect.poll(() => seen.at(-1), { timeout: 60_000 }).toEqual({ id: mine, phase: 'VALIDATING' });
    expect(seen.some((node) => node.id === foreignNode)).toBe(false);
    dispose();
  });

  it('nodeChanged(filter:) sends only nodes of that connection now in one of those phases', async () => {
    const client = wsClient(api.token);
    const otherConnection = await createConnectionRow(api.testDb.db, api.organizationId, 'filtered-changes');
    const seen: Array<{ id: string; phase: string }> = [];
    const dispose = client.subscribe(
      { query: 'subscription($filter: NodeChangedFilter) { nodeChanged(filter: $filter) { id phase } }', variables: { filter: { providerConnectionId: otherConnection, phase: ['VALIDATING', 'READY'] } } },
      { next: (result) => seen.push((result.data as { nodeChanged: { id: string; phase: string } }).nodeChanged), error: () => undefined, complete: () => undefined },
    );
    // The stream is live once a matching change of a canary node arrives (no sleeping).
    const canary = await createNodeRow(api.testDb.db, api.organizationId, otherConnection);
    await appendStep(api.testDb.db, canary, enter('QUEUED'));
    await expect.poll(async () => {
      await appendStep(api.testDb.db, canary, enter('VALIDATING'));
      return seen.length;
    }, { timeout: 60_000 }).toBeGreaterThan(0);
    seen.length = 0;
    const wrongConnection = await createNodeRow(api.testDb.db, api.organizationId, connectionId);
    const wanted = await createNodeRow(api.testDb.db, api.organizationId, otherConnection);
    await appendStep(api.testDb.db, wrongConnection, enter('VALIDATING'));
    await appendStep(api.testDb.db, wanted, enter('QUEUED'));
    await appendStep(api.testDb.db, wanted, enter('VALIDATING'));
    await expect.poll(() => seen.find((node) => node.id === wanted), { timeout: 60_000 }).toEqual({ id: wanted, phase: 'VALIDATING' });
    // The notice of QUEUED may be read after VALIDATING committed: then the current state is sent
    // for both notices (docs/api-contract.md: the current state, read when sent). Never QUEUED,
    // never the node of the other connection.
    expect(new Set(seen.filter((node) => node.id !== canary).map((node) => `${node.id} ${node.phase}`))).toEqual(new Set([`${wanted} VALIDATING`]));
    dispose();
  });

  it('nodeChanged with and without a filter at once: each subscriber gets what its own filter selects (one shared reader)', async () => {
    const client = wsClient(api.token);
    const filteredConnection = await createConnectionRow(api.testDb.db, api.organizationId, 'filtered-first');
    type Seen = Array<{ id: string; phase: string }>;
    const filtered: Seen = [];
    const everything: Seen = [];
    const push = (into: Seen) => (result: { data?: unknown }) => into.push((result.data as { nodeChanged: { id: string; phase: string } }).nodeChanged);
    // The filtered subscription opens first, so it starts the organization's shared reader.
    const disposeFiltered = client.subscribe(
      { query: 'subscription($filter: NodeChangedFilter) { nodeChanged(filter: $filter) { id phase } }', variables: { filter: { providerConnectionId: filteredConnection } } },
      { next: push(filtered), error: () => undefined, complete: () => undefined },
    );
    const canary = await createNodeRow(api.testDb.db, api.organizationId, filteredConnection);
    await appendStep(api.testDb.db, canary, enter('QUEUED'));
    await expect.poll(async () => {
      await appendStep(api.testDb.db, canary, enter('VALIDATING'));
      return filtered.length;
    }, { timeout: 60_000 }).toBeGreaterThan(0);
    const disposeEverything = client.subscribe({ query: 'subscription { nodeChanged { id phase } }' }, { next: push(everything), error: () => undefined, complete: () => undefined });
    const outside = await createNodeRow(api.testDb.db, api.organizationId, connectionId);
    await appendStep(api.testDb.db, outside, enter('QUEUED'));
    // Outside the first subscriber's filter, and still sent to the unfiltered one.
    await expect.poll(async () => {
      await appendStep(api.testDb.db, outside, enter('VALIDATING'));
      return everything.some((node) => node.id === outside);
    }, { timeout: 60_000 }).toBe(true);
    const inside = await createNodeRow(api.testDb.db, api.organizationId, filteredConnection);
    await appendStep(api.testDb.db, inside, enter('QUEUED'));
    await expect.poll(() => filtered.some((node) => node.id === inside) && everything.some((node) => node.id === inside), { timeout: 60_000 }).toBe(true);
    expect(filtered.some((node) => node.id === outside)).toBe(false);
    disposeFiltered();
    disposeEverything();
  });

  it('streams a provider connection’s new credential status', async () => {
    const client = wsClient(api.token);
    const seen: Array<{ id: string; credentialStatus: string }> = [];
    const dispose = client.subscribe(
      { query: 'subscription { providerConnectionChanged { providerConnection { id credentialStatus } } }' },
      { next: (result) => seen.push((result.data as { providerConnectionChanged: { providerConnection: { id: string; credentialStatus: string } } }).providerConnectionChanged.providerConnection), error: () => undefined, complete: () => undefined },
    );
    // What the provider-connections use cases do on a live check: update and NOTIFY in one transaction.
    const check = (id: string, credentialStatus: 'VALID' | 'INVALID') => api.testDb.db.$transaction(async (tx) => {
      await tx.providerConnection.update({ where: { id }, data: { credentialStatus, credentialCheckedAt: new Date() } });
      await tx.$executeRaw`SELECT pg_notify(${CONNECTION_CHANGES_CHANNEL}, ${JSON.stringify({ connectionId: id, organizationId: api.organizationId })})`;
    });
    // The stream is live once a canary connection's check arrives (no sleeping).
    const canary = await createConnectionRow(api.testDb.db, api.organizationId, 'canary-changes');
    await expect.poll(async () => {
      await check(canary, 'VALID');
      return seen.length;
    }, { timeout: 60_000 }).toBeGreaterThan(0);
    await check(connectionId, 'INVALID');
    await expect.poll(() => seen.filter((connection) => connection.id !== canary), { timeout: 60_000 }).toEqual([{ id: connectionId, credentialStatus: 'INVALID' }]);
    dispose();
  });

  it('announces a deleted provider connection to the organization’s subscribers', async () => {
    const doomed = await createConnectionRow(api.testDb.db, api.organizationId, 'doomed');
    const client = wsClient(api.token);
    type Change = { id: string; deleted: boolean; providerConnection: { id: string; credentialStatus: string } | null };
    const seen: Change[] = [];
    const dispose = client.subscribe(
      { query: 'subscription { providerConnectionChanged { id deleted providerConnection { id credentialStatus } } }' },
      { next: (result) => seen.push((result.data as { providerConnectionChanged: Change }).providerConnectionChanged), error: () => undefined, complete: () => undefined },
    );
    // A change first, repeated until it arrives: then the subscription is surely listening.
    await expect
      .poll(async () => {
        await api.testDb.db.$transaction(async (tx) => {
          await tx.providerConnection.update({ where: { id: doomed }, data: { credentialStatus: 'INVALID' } });
          await tx.$executeRaw`SELECT pg_notify(${CONNECTION_CHANGES_CHANNEL}, ${JSON.stringify({ connectionId: doomed, organizationId: api.organizationId })})`;
        });
        return seen.some((change) => change.id === doomed && !change.deleted);
      }, { timeout: 60_000, interval: 200 })
      .toBe(true);
    const deleted = await api.graphql('mutation($id: ID!) { deleteProviderConnection(input: { id: $id }) { __typename } }', { id: doomed });
    expect(JSON.stringify(deleted.body)).toContain('DeleteProviderConnectionPayload');
    await expect.poll(() => seen.at(-1), { timeout: 60_000 }).toEqual({ id: doomed, deleted: true, providerConnection: null });
    dispose();
  });

  it('listens on the channels the producers notify on', () => {
    expect(CHANNELS.nodeEvents).toBe(NODE_EVENTS_CHANNEL);
    expect(CHANNELS.connectionChanges).toBe(CONNECTION_CHANGES_CHANNEL);
  });
});
