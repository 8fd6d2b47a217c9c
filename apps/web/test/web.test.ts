import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'vite';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { HAPPY_PATH } from '@hangar/domain/phases';
import { ensureNodeQueues } from '@hangar/core/node-jobs';
import { createHarnessClient } from '@hangar/harness/client';
import { startTestApi, type TestApi } from '../../api/test/api-harness.ts';
import { buildSimulator, type Simulator } from '../../hetzner-sim/src/simulator.ts';
import { buildWorker, type Worker } from '../../worker/src/worker.ts';

// The web app in a real browser (Debian's Chromium through playwright-core) against the real
// API serving a fresh build of it, with the Hetzner simulator as the provider. No mocks.

const WEB_ROOT = path.resolve(import.meta.dirname, '..');
const CHROMIUM = '/usr/bin/chromium';
/** ENVIRONMENT.md "Browser tests": no network but loopback, nothing phoning home. */
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
];
/** Hang guard for something to appear on the page (a loaded 2-core machine takes seconds). */
const UI_TIMEOUT_MS = 60_000;
/** Hang guard for an acquisition (fast simulator) to reach its end on the page. */
const ACQUISITION_TIMEOUT_MS = 90_000;
/** Set to a directory to keep a screenshot of each screen (for a person to look at). */
const SCREENSHOT_DIR = process.env.HANGAR_WEB_SCREENSHOTS;
/** Set to a .png file to keep the README's picture of a node's live timeline (`npm run screenshot`). */
const README_SCREENSHOT = process.env.HANGAR_README_SCREENSHOT;

let outDir: string;
let profileDir: string;
let api: TestApi;
let worker: Worker;
let sim: Simulator;
let context: BrowserContext;
let page: Page;
let simToken: string;
let simReadOnlyToken: string;
/** Uncaught errors and console errors in the page: every test ends with none. */
const pageErrors: string[] = [];
/** Variables of every nodeEvents subscription the page opened, in order. */
const nodeEventSubscriptions: Array<{ nodeId: string; after: number }> = [];
/** Every message the page received over its WebSockets: proof that an update came live. */
const framesReceived: string[] = [];

interface SimProject { project: { id: number }; token: string; readOnlyToken: string }
async function createSimProject(name: string): Promise<SimProject> {
  const response = await fetch(`${sim.url}/_sim/projects`, { method: 'POST', body: JSON.stringify({ name }) });
  return (await response.json()) as SimProject;
}

async function screenshot(name: string): Promise<void> {
  if (!SCREENSHOT_DIR) return;
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/**
 * The README's picture: the node page with its whole timeline, 1000 px wide (zoomed out to 80 %
 * so every step fits; kept under 150 KB).
 */
async function readmeScreenshot(): Promise<void> {
  if (!README_SCREENSHOT) return;
  const size = page.viewportSize();
  await page.setViewportSize({ width: 1000, height: 720 });
  await page.evaluate(() => { document.documentElement.style.zoom = '0.8'; });
  try {
    await page.screenshot({ path: README_SCREENSHOT, animations: 'disabled', caret: 'hide' });
  } finally {
    await page.evaluate(() => { document.documentElement.style.zoom = ''; });
    if (size) await page.setViewportSize(size);
  }
}

/** A link of the header's navigation. */
const navLink = (name: 'Nodes' | 'Providers') => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });

/** The card of the connection named `name`. */
const connectionCard = (name: string) => page.locator(`article.connection[data-connection-name="${name}"]`);

async function connectHetzner(name: string, token: string): Promise<void> {
  await navLink('Providers').click();
  const form = page.locator('section', { has: page.getByRole('heading', { name: 'Connect Hetzner' }) });
  await form.getByLabel('Name', { exact: true }).fill(name);
  await form.getByLabel('API token', { exact: true }).fill(token);
  await form.getByLabel('API endpoint (optional)').fill(`${sim.url}/v1`);
  await form.getByRole('button', { name: 'Connect Hetzner' }).click();
}

beforeAll(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'hangar-web-dist-'));
  profileDir = await mkdtemp(path.join(tmpdir(), 'hangar-web-chromium-'));
  // Build what `npm run generate` builds: vitest sets NODE_ENV=test, which would make Vite
  // bundle React's development build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ root: WEB_ROOT, build: { outDir, emptyOutDir: true }, logLevel: 'warn' });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  sim = buildSimulator({ port: 0, speed: 'fast', seed: 11 });
  await sim.start();
  const project = await createSimProject('web-test');
  simToken = project.token;
  simReadOnlyToken = project.readOnlyToken;
  // As `npm start` does: the API knows the simulator it runs, on whatever port it got.
  // One API token serves the browser, the test's scripts and their sockets, and every simulated
  // machine calls /agent from 127.0.0.1: per-token and per-source limits are raised, as an operator would.
  api = await startTestApi({ organization: 'Acme Robotics', webDir: outDir, app: { simulatorUrl: sim.url },
    config: { providerEndpoints: [`${sim.url}/v1`], rateLimits: { requestsPerMinute: 100_000, socketsPerToken: 1_000, agentRequestsPerMinute: 100_000 } } });
  // The worker in this process, as `npm start` runs it; machines call back at the API's real address.
  api.deps.config.publicUrl = api.app.url;
  await ensureNodeQueues(api.deps.boss);
  worker = buildWorker(api.deps);
  await worker.start();
  context = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  context.setDefaultTimeout(UI_TIMEOUT_MS);
  // Lets a test drop the page's WebSocket the way a network failure would (nothing else changes).
  await context.addInitScript(() => {
    const Native = window.WebSocket;
    const sockets: WebSocket[] = [];
    Object.assign(window, { hangarTestSockets: sockets });
    window.WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        sockets.push(this);
      }
    };
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('websocket', (socket) => socket.on('framereceived', ({ payload }) => { framesReceived.push(String(payload)); }));
  page.on('websocket', (socket) => socket.on('framesent', ({ payload }) => {
    const message = JSON.parse(String(payload)) as { type: string; payload?: { query?: string; variables?: { nodeId: string; after: number } } };
    if (message.type === 'subscribe' && message.payload?.query?.includes('nodeEvents(') && message.payload.variables) nodeEventSubscriptions.push(message.payload.variables);
  }));
  page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => { if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`); });
});

afterEach(() => {
  const errors = pageErrors.splice(0);
  expect(errors).toEqual([]);
});

afterAll(async () => {
  try {
    await context?.close();
  } finally {
    await worker?.stop();
    await api?.stop();
    await sim?.stop();
    await rm(outDir, { recursive: true, force: true });
    await rm(profileDir, { recursive: true, force: true });
  }
});

describe('sign-in', () => {
  it('signs in from the #token= link, shows the organization and drops the token from the address bar', async () => {
    await page.goto(`${api.app.url}/#token=${api.token}`);
    await page.getByTestId('organization').filter({ hasText: 'Acme Robotics' }).waitFor();
    expect(page.url()).not.toContain('token');
    expect(await page.getByRole('heading', { name: 'Nodes' }).isVisible()).toBe(true);
    await screenshot('01-nodes-empty');
  });

  it('signs out, refuses a wrong token with UNAUTHENTICATED and what to do, signs in with the right one', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API token').fill('hgr_not-a-real-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.locator('.notice-error[data-code="UNAUTHENTICATED"]');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/invalid or revoked.*What to do:.*npm start/s);
    await screenshot('02-sign-in-rejected');
    await page.getByLabel('API token').fill(api.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('organization').filter({ hasText: 'Acme Robotics' }).waitFor();
  });
});

describe('providers', () => {
  it('connects Hetzner with a simulator token and shows it VALID with the token hint, never the token', async () => {
    await navLink('Providers').click();
    // The endpoint hint names the simulator this server really runs (its port is not 4010 here).
    await page.getByTestId('simulator-api-url').filter({ hasText: `${sim.url}/v1` }).waitFor();
    await connectHetzner('hetzner-main', simToken);
    const card = connectionCard('hetzner-main');
    await card.locator('[data-status="VALID"]').waitFor();
    const text = await card.textContent();
    expect(text).toContain(simToken.slice(-4));
    expect(text).toContain(`${sim.url}/v1`);
    expect(await page.content()).not.toContain(simToken);
    // The form is cleared after success, so the token does not linger in the page.
    expect(await page.getByLabel('API token', { exact: true }).inputValue()).toBe('');
    await screenshot('03-provider-valid');
  });

  it('shows VALIDATION_FAILED on the token field for a 32-character token', async () => {
    await connectHetzner('too-short', 'a'.repeat(32));
    const tokenField = page.locator('.field', { has: page.locator('input[name="token"]') });
    const error = tokenField.locator('.field-error[data-code="VALIDATION_FAILED"]');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/VALIDATION_FAILED/);
    expect(await tokenField.locator('input').getAttribute('aria-invalid')).toBe('true');
    expect(await connectionCard('too-short').count()).toBe(0);
    await screenshot('04-provider-token-too-short');
  });

  it('shows a read-only token as READ_ONLY with the provider code and what to do', async () => {
    await connectHetzner('read-only', simReadOnlyToken);
    const card = connectionCard('read-only');
    await card.locator('[data-status="READ_ONLY"]').waitFor();
    await screenshot('05-provider-read-only');
    const notice = card.locator('.notice-error');
    expect(await notice.getAttribute('data-code')).toBe('PROVIDER_READ_ONLY_TOKEN');
    expect(await notice.textContent()).toMatch(/What to do:.*Read & Write/s);
    expect(await card.locator('.provider-details').textContent()).toMatch(/token_readonly.*401/s);
  });

  it('rotates the read-only token to a read & write one and the card turns VALID', async () => {
    const card = connectionCard('read-only');
    await card.getByRole('button', { name: 'Rotate token' }).click();
    await card.getByLabel('New API token').fill(simToken);
    await card.getByRole('button', { name: 'Save new token' }).click();
    await card.locator('[data-status="VALID"]').waitFor();
    expect(await card.locator('.notice-error').count()).toBe(0);
  });

  it('validates on demand and deletes a connection after confirmation', async () => {
    const card = connectionCard('read-only');
    await card.getByRole('button', { name: 'Validate now' }).click();
    await card.locator('[data-status="VALID"]').waitFor();
    await card.getByRole('button', { name: 'Delete' }).click();
    await screenshot('06-provider-confirm-delete');
    await card.getByRole('button', { name: 'Delete connection' }).click();
    await card.waitFor({ state: 'detached' });
    expect(await connectionCard('hetzner-main').count()).toBe(1);
  });

  it('shows a status change made elsewhere live, without a reload (providerConnectionChanged)', async () => {
    const other = await createSimProject('revoked-later');
    await connectHetzner('live-check', other.token);
    const card = connectionCard('live-check');
    await card.locator('[data-status="VALID"]').waitFor();
    // Another client (a script with the same organization) checks the token again.
    const script = createHarnessClient({ url: api.app.url, token: api.token });
    const { id } = (await script.connections()).find((connection) => connection.name === 'live-check')!;
    await fetch(`${sim.url}/_sim/projects/${other.project.id}/revoke-tokens`, { method: 'POST' });
    const checked = await script.validateConnection(id);
    expect(checked.credentialStatus).toBe('INVALID');
    // The subscription brought it (a providerConnectionChanged message on the socket), not the
    // polling fallback, which runs only while live updates are down (the live-fallback notice).
    await card.locator('[data-status="INVALID"]').waitFor();
    expect(framesReceived.some((frame) => frame.includes('providerConnectionChanged') && frame.includes(id) && frame.includes('INVALID'))).toBe(true);
    expect(await page.getByTestId('live-fallback').count()).toBe(0);
    expect(await card.locator('.notice-error').getAttribute('data-code')).toBe('PROVIDER_AUTH_FAILED');
    expect(await card.locator('.provider-details').textContent()).toMatch(/unauthorized.*401/s);
    await screenshot('07-provider-invalid-live');
  });
});

describe('create node form', () => {
  it('loads the catalog of the chosen connection and narrows server types by location and images by architecture', async () => {
    await navLink('Nodes').click();
    await page.getByRole('button', { name: 'Create node' }).click();
    const form = page.locator('section', { has: page.getByRole('heading', { name: 'Create node' }) });
    const select = (name: string) => form.locator(`select[name="${name}"]`);
    const optionValues = (name: string) => select(name).locator('option').evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value));
    // The default connection is a VALID one; its catalog fills the selects.
    expect(await select('providerConnectionId').locator('option:checked').textContent()).toBe('hetzner-main');
    await expect.poll(() => optionValues('location'), { timeout: UI_TIMEOUT_MS }).toEqual(['fsn1', 'nbg1', 'hel1', 'ash', 'hil', 'sin']);

    await select('location').selectOption('ash');
    const typesInAsh = await optionValues('serverType');
    expect(typesInAsh).toContain('cpx11');
    expect(typesInAsh).not.toContain('cx22');
    expect(typesInAsh).not.toContain('cax11');

    await select('location').selectOption('fsn1');
    await select('serverType').selectOption('cax11');
    await expect.poll(() => form.locator('select[name="image"] option').allTextContents(), { timeout: UI_TIMEOUT_MS }).not.toHaveLength(0);
    expect(await form.getByText('Images for arm.').isVisible()).toBe(true);

    // A refused input is shown under its field (extensions.field), and nothing is created.
    await form.getByLabel('Name', { exact: true }).fill('Web_1!');
    await form.getByRole('button', { name: 'Create node' }).click();
    const nameError = form.locator('.field', { has: page.locator('input[name="name"]') }).locator('.field-error[data-code="VALIDATION_FAILED"]');
    await nameError.waitFor();
    expect(await nameError.textContent()).toMatch(/name/i);
    expect(new URL(page.url()).pathname).toBe('/nodes');
    await screenshot('08-create-node-form');
    await form.getByRole('button', { name: 'Cancel' }).click();
  });
});

/** Adds a simulator fault rule (docs/simulator.md "Fault rules"). */
async function addFault(rule: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${sim.url}/_sim/faults`, { method: 'POST', body: JSON.stringify(rule) });
  expect(response.status).toBe(201);
}

/** Creates a node through the form (fsn1, cx22, ubuntu-24.04) and waits for its page. */
async function createNodeInBrowser(name: string): Promise<string> {
  await navLink('Nodes').click();
  await page.getByRole('button', { name: 'Create node' }).click();
  const form = page.locator('section', { has: page.getByRole('heading', { name: 'Create node' }) });
  await form.getByLabel('Name', { exact: true }).fill(name);
  await form.locator('select[name="location"]').selectOption('fsn1');
  await form.locator('select[name="serverType"]').selectOption('cx22');
  await form.locator('select[name="image"]').selectOption('ubuntu-24.04');
  await form.getByRole('button', { name: 'Create node' }).click();
  await page.waitForURL(/\/nodes\/[^/]+$/);
  await page.getByRole('heading', { name }).waitFor();
  return decodeURIComponent(new URL(page.url()).pathname.split('/').at(-1)!);
}

const timeline = () => page.getByRole('list', { name: 'Provisioning timeline' });
/** The phases of the steps that happened (not the greyed ones to come), in order. */
const stepPhases = () => timeline().locator('li.step:not(.step-pending)').evaluateAll((steps) => steps.map((step) => step.getAttribute('data-phase')));
/** Waits for a step of the timeline; on timeout, fails with what the page and the database show. */
async function waitForStep(phase: string, state: 'current' | 'done' | 'failed', timeout = ACQUISITION_TIMEOUT_MS): Promise<void> {
  try {
    await timeline().locator(`li.step[data-phase="${phase}"][data-state="${state}"]`).last().waitFor({ timeout });
  } catch (error) {
    const nodeId = decodeURIComponent(new URL(page.url()).pathname.split('/').at(-1) ?? '');
    const events = await api.testDb.db.acquisitionEvent.findMany({ where: { nodeId }, orderBy: { seq: 'asc' } });
    const stored = events.map((event) => `${event.seq} ${event.phase} ${event.kind} ${event.message}`).join('\n');
    throw new Error(`no ${phase} step (${state}) on the page; page shows ${JSON.stringify(await stepPhases())}; stored events:\n${stored}`, { cause: error });
  }
}

describe('nodes', () => {
  it('creates a node and watches the timeline reach READY, the progress bar moving and a retry on the way', async () => {
    await addFault({ method: 'POST', path: '/servers', error: 'server_error', times: 1 });
    // Every value the progress bar shows, recorded in the page as it changes.
    await page.evaluate(() => {
      const seen: number[] = [];
      Object.assign(window, { hangarProgressSeen: seen });
      new MutationObserver(() => {
        for (const bar of document.querySelectorAll('[role="progressbar"]')) {
          const value = Number(bar.getAttribute('aria-valuenow'));
          if (seen.at(-1) !== value) seen.push(value);
        }
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-valuenow'] });
    });
    const nodeId = await createNodeInBrowser('web-1');
    await waitForStep('READY', 'done');

    expect(await stepPhases()).toEqual([...HAPPY_PATH]);
    const retry = timeline().locator('li.note[data-kind="RETRY"]');
    expect(await retry.count()).toBe(1);
    expect(await retry.textContent()).toMatch(/attempt 1.*PROVIDER_SERVER_ERROR/s);
    const progressSeen = await page.evaluate(() => (window as unknown as { hangarProgressSeen: number[] }).hangarProgressSeen);
    expect(progressSeen.at(-1)).toBe(100);
    expect(new Set(progressSeen).size).toBeGreaterThanOrEqual(2);
    expect(progressSeen).toEqual([...progressSeen].sort((a, b) => a - b));
    expect(await page.locator('.node-title [data-phase="READY"]').count()).toBe(1);
    expect(await page.locator('.facts').textContent()).toMatch(/IPv4\s*\d+\.\d+\.\d+\.\d+/);
    expect(await page.locator('[data-heartbeat]').getAttribute('data-heartbeat')).toBe('healthy');
    // One step per PHASE_ENTERED event stored, nothing twice.
    const stored = await api.testDb.db.acquisitionEvent.count({ where: { nodeId, kind: 'PHASE_ENTERED' } });
    expect(await timeline().locator('li.step:not(.step-pending)').count()).toBe(stored);
    await screenshot('09-node-ready');
    await readmeScreenshot();
  });

  it('shows the node READY in the list', async () => {
    await navLink('Nodes').click();
    const row = page.locator('tr[data-node-name="web-1"]');
    await row.locator('[data-phase="READY"]').waitFor();
    expect(await row.textContent()).toMatch(/hetzner-main.*cx22.*fsn1.*ubuntu-24\.04.*\d+\.\d+\.\d+\.\d+/s);
    await screenshot('10-nodes-list');
  });

  it('shows a node a script creates, and its phases, live in the list (nodeChanged)', async () => {
    const script = createHarnessClient({ url: api.app.url, token: api.token });
    const { id: connectionId } = (await script.connections()).find((connection) => connection.name === 'hetzner-main')!;
    const created = await script.acquire({ providerConnectionId: connectionId, name: 'from-script', serverType: 'cpx11', location: 'nbg1', image: 'debian-12' });
    const row = page.locator('tr[data-node-name="from-script"]');
    await row.waitFor();
    await row.locator('[data-phase="READY"]').waitFor({ timeout: ACQUISITION_TIMEOUT_MS });
    // Live (nodeChanged messages on the socket), not the polling fallback.
    expect(framesReceived.some((frame) => frame.includes('nodeChanged') && frame.includes(created.id))).toBe(true);
    expect(await page.getByTestId('live-fallback').count()).toBe(0);
    // Newest first: the script's node above web-1.
    expect(await page.locator('tr[data-node-name]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-node-name')))).toEqual(['from-script', 'web-1']);
  });

  it('refuses a name already in use with CONFLICT under the Name field', async () => {
    await page.getByRole('button', { name: 'Create node' }).click();
    const form = page.locator('section', { has: page.getByRole('heading', { name: 'Create node' }) });
    await form.getByLabel('Name', { exact: true }).fill('web-1');
    await form.getByRole('button', { name: 'Create node' }).click();
    const nameError = form.locator('.field', { has: page.locator('input[name="name"]') }).locator('.field-error[data-code="CONFLICT"]');
    await nameError.waitFor();
    expect(await nameError.textContent()).toContain('web-1');
    await form.getByRole('button', { name: 'Cancel' }).click();
  });

  it('resumes the timeline after the socket drops, from the last seq received, without duplicates', async () => {
    // The machine phones home 10 s after running: room to drop the socket while the node is
    // PROVISIONING even on a busy machine (the assertions hold either way; the resume is the point).
    await addFault({ bootDelayMs: 10_000, times: 1 });
    const nodeId = await createNodeInBrowser('web-2');
    await waitForStep('PROVISIONING', 'current');
    const before = nodeEventSubscriptions.filter((variables) => variables.nodeId === nodeId).length;
    const provisioningSeq = Number(await timeline().locator('li.step[data-phase="PROVISIONING"]').getAttribute('data-seq'));
    await page.evaluate(() => {
      for (const socket of (window as unknown as { hangarTestSockets: WebSocket[] }).hangarTestSockets) socket.close(4499, 'test: network drop');
    });
    await expect.poll(() => nodeEventSubscriptions.filter((variables) => variables.nodeId === nodeId).length, { timeout: UI_TIMEOUT_MS }).toBeGreaterThan(before);
    const resumed = nodeEventSubscriptions.filter((variables) => variables.nodeId === nodeId).at(-1)!;
    expect(resumed.after).toBeGreaterThanOrEqual(provisioningSeq);
    await waitForStep('READY', 'done');
    expect(await stepPhases()).toEqual([...HAPPY_PATH]);
    const stored = await api.testDb.db.acquisitionEvent.count({ where: { nodeId, kind: 'PHASE_ENTERED' } });
    expect(await timeline().locator('li.step:not(.step-pending)').count()).toBe(stored);
  });

  it('shows a failure with its code, what to do and the provider details; retry brings the node to READY', async () => {
    await addFault({ method: 'POST', path: '/servers', error: { code: 'invalid_input', message: 'invalid input in field \'image\'' }, times: 1 });
    await createNodeInBrowser('web-3');
    await waitForStep('FAILED', 'failed');
    const notice = page.locator('.notice-error', { hasText: 'The acquisition failed' });
    expect(await notice.getAttribute('data-code')).toBe('PROVIDER_INVALID_REQUEST');
    expect(await notice.textContent()).toMatch(/What to do:.*Correct the node specification/s);
    expect(await notice.locator('.provider-details').textContent()).toMatch(/invalid_input.*422.*Request id\s*\S+/s);
    expect(await page.getByRole('button', { name: 'Cancel acquisition' }).count()).toBe(0);
    await screenshot('11-node-failed');

    const retry = page.getByRole('button', { name: 'Retry' });
    await expect.poll(() => retry.isEnabled(), { timeout: UI_TIMEOUT_MS }).toBe(true);
    await retry.click();
    await waitForStep('READY', 'done');
    const phases = await stepPhases();
    expect(phases.slice(0, phases.indexOf('FAILED') + 1)).toEqual(['QUEUED', 'VALIDATING', 'CREATING_SERVER', 'FAILED']);
    expect(phases.slice(phases.indexOf('FAILED') + 1)).toEqual([...HAPPY_PATH]);
    expect(await page.locator('.facts').textContent()).toMatch(/Attempt\s*2/);
  });

  it('releases a READY node: RELEASING, then RELEASED', async () => {
    // Its own node, not whatever page the test before left open.
    await createNodeInBrowser('web-5');
    await waitForStep('READY', 'done');
    await page.getByRole('button', { name: 'Release (delete server)' }).click();
    await waitForStep('RELEASED', 'done');
    expect(await page.locator('.node-title [data-phase="RELEASED"]').count()).toBe(1);
    expect(await page.getByRole('button', { name: /Release|Retry|Cancel/ }).count()).toBe(0);
  });

  it('cancels an acquisition in progress', async () => {
    // The machine never calls home: the node stays PROVISIONING until cancelled, however slow the click.
    await addFault({ bootNeverPhonesHome: true, serverName: 'web-4*' });
    await createNodeInBrowser('web-4');
    await waitForStep('PROVISIONING', 'current');
    await page.getByRole('button', { name: 'Cancel acquisition' }).click();
    await waitForStep('CANCELLED', 'done');
    expect(await page.locator('.node-title [data-phase="CANCELLED"]').count()).toBe(1);
  });

  it('refuses to delete a connection whose nodes still hold servers, with CONFLICT and what to do', async () => {
    await navLink('Providers').click();
    const card = connectionCard('hetzner-main');
    await card.getByRole('button', { name: 'Delete' }).click();
    await card.getByRole('button', { name: 'Delete connection' }).click();
    const notice = card.locator('.notice-error[data-code="CONFLICT"]');
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(/What to do:/);
    expect(await connectionCard('hetzner-main').count()).toBe(1);
    await screenshot('12-provider-delete-conflict');
  });
});

