import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createConnection, recordCredentialCheck } from '@hangar/core/provider-connections';
import { startTestApi, type TestApi } from '../../api/test/api-harness.ts';
import { buildSimulator, type Simulator } from '../../hetzner-sim/src/simulator.ts';

// GraphiQL at /graphql in a real browser (Debian's Chromium through playwright-core), served by
// the real API: it must render and work with no network beyond loopback. Every request the
// browser makes is intercepted; one to any other host fails the test.

const CHROMIUM = '/usr/bin/chromium';
/** ENVIRONMENT.md "Browser tests": no network but loopback, nothing phoning home. */
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
];
/** Hang guard for something to appear on the page (a loaded 2-core machine takes seconds). */
const UI_TIMEOUT_MS = 60_000;
/** Longest wait for GraphiQL to start: its page inlines ~9 MB of code (editor, workers, fonts). */
const GRAPHIQL_START_TIMEOUT_MS = 90_000;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

let api: TestApi;
let sim: Simulator;
let profileDir: string;
let context: BrowserContext;
let page: Page;
/** Every http(s)/ws(s) URL the browser asked for, and those that were not loopback. */
const requested: string[] = [];
const outside: string[] = [];
/** graphql-ws messages the page sent. */
const sentFrames: Array<{ type: string; payload?: Record<string, unknown> }> = [];
const pageErrors: string[] = [];

function leavesTheMachine(url: string): boolean {
  const parsed = new URL(url);
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(parsed.protocol)) return false; // data:, blob: stay in the page
  return !LOOPBACK_HOSTS.has(parsed.hostname);
}

function noteRequest(url: string): void {
  requested.push(url);
  if (leavesTheMachine(url)) outside.push(url);
}

/** GraphiQL at /graphql with `query` in its editor, signed in through the `#token=` fragment. */
async function openGraphiQL(query: string): Promise<void> {
  await page.goto(`${api.app.url}/graphql?query=${encodeURIComponent(query)}#token=${api.token}`, { waitUntil: 'commit' });
  await page.locator('.graphiql-execute-button').waitFor({ timeout: GRAPHIQL_START_TIMEOUT_MS });
}

/** The result pane's text (its editor renders spaces as no-break spaces). */
const responseText = async () => ((await page.locator('.graphiql-response').textContent()) ?? '').replaceAll('\u00a0', ' ');

beforeAll(async () => {
  sim = buildSimulator({ port: 0, speed: 'instant', seed: 3 });
  await sim.start();
  api = await startTestApi({ organization: 'GraphiQL Org', config: { providerEndpoints: [`${sim.url}/v1`] } });
  profileDir = await mkdtemp(path.join(tmpdir(), 'hangar-graphiql-chromium-'));
  context = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  context.setDefaultTimeout(UI_TIMEOUT_MS);
  context.on('request', (request) => noteRequest(request.url()));
  await context.route((url) => leavesTheMachine(url.href), (route) => route.abort('blockedbyclient'));
  page = context.pages()[0] ?? (await context.newPage());
  page.on('websocket', (socket) => {
    noteRequest(socket.url());
    socket.on('framesent', ({ payload }) => sentFrames.push(JSON.parse(String(payload)) as (typeof sentFrames)[number]));
  });
  page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
});

afterAll(async () => {
  try {
    await context?.close();
  } finally {
    await api?.stop();
    await sim?.stop();
    if (profileDir) await rm(profileDir, { recursive: true, force: true });
  }
});

describe('GraphiQL', () => {
  it('is one self-contained page that never carries a token', async () => {
    const html = await (await fetch(`${api.app.url}/graphql`, { headers: { accept: 'text/html' } })).text();
    expect(html).toContain('Hangar GraphiQL');
    expect(html).toContain('hangarRenderGraphiQL(');
    expect(html).not.toContain(api.token);
    // Nothing is loaded from elsewhere: no external script, stylesheet or font.
    expect(html).not.toMatch(/<(script|link)[^>]+(src|href)="https?:/);
  });

  it('renders offline, fills Authorization from the #token= fragment, and runs a query', async () => {
    await openGraphiQL('{ viewer { organization { name } } }');
    expect(page.url()).not.toContain('token');
    await page.locator('.graphiql-execute-button').click();
    await expect.poll(responseText, { timeout: UI_TIMEOUT_MS }).toContain('GraphiQL Org');
    expect(requested.some((url) => url.startsWith(`${api.app.url}/graphql`))).toBe(true);
    expect(outside).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, GRAPHIQL_START_TIMEOUT_MS + UI_TIMEOUT_MS);

  it('runs a subscription over graphql-ws and shows the events as they come', async () => {
    const project = (await (await fetch(`${sim.url}/_sim/projects`, { method: 'POST', body: JSON.stringify({ name: 'graphiql' }) })).json()) as { token: string };
    const connection = await createConnection(api.deps, { organizationId: api.organizationId, apiTokenId: null }, {
      name: 'watched-in-graphiql', kind: 'HETZNER', token: project.token, apiEndpoint: `${sim.url}/v1`,
    });
    await openGraphiQL('subscription { providerConnectionChanged { deleted providerConnection { name credentialStatus } } }');
    await page.locator('.graphiql-execute-button').click();
    // The subscription is live once graphql-ws sent it (after connection_init with the header).
    await expect.poll(() => sentFrames.some((frame) => frame.type === 'subscribe' && String(frame.payload?.query).includes('providerConnectionChanged')), { timeout: UI_TIMEOUT_MS }).toBe(true);
    const init = sentFrames.find((frame) => frame.type === 'connection_init');
    expect(JSON.stringify(init?.payload)).toContain(`Bearer ${api.token}`);

    await recordCredentialCheck(api.deps, connection.id, { status: 'RATE_LIMITED', error: null });
    await expect.poll(responseText, { timeout: UI_TIMEOUT_MS }).toContain('RATE_LIMITED');
    expect(await responseText()).toContain('watched-in-graphiql');
    await recordCredentialCheck(api.deps, connection.id, { status: 'VALID', error: null });
    await expect.poll(responseText, { timeout: UI_TIMEOUT_MS }).toContain('"VALID"');
    expect(requested.some((url) => url.startsWith(api.app.url.replace('http:', 'ws:')))).toBe(true);
    expect(outside).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, GRAPHIQL_START_TIMEOUT_MS + 3 * UI_TIMEOUT_MS);
});
