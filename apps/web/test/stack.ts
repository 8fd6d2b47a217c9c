import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { build } from 'vite';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ensureNodeQueues } from '@hangar/core/node-jobs';
import type { HangarConfig } from '@hangar/core/config';
import { startTestApi, type TestApi } from '../../api/test/api-harness.ts';
import { buildSimulator, type Simulator } from '../../hetzner-sim/src/simulator.ts';
import { buildWorker, type Worker } from '../../worker/src/worker.ts';

// The web app in a real browser (Debian's Chromium through playwright-core) against the real
// API serving a fresh build of it, with the Hetzner simulator as the provider. No mocks.
// Each browser test file calls startWebStack() once and gets its own stack (database, API,
// worker, simulator, browser); the helpers below work on the stack of the file that runs.

const WEB_ROOT = path.resolve(import.meta.dirname, '..');
const CHROMIUM = '/usr/bin/chromium';
/** ENVIRONMENT.md "Browser tests": no network but loopback, nothing phoning home. */
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
];
/** Hang guard for something to appear on the page (a loaded 2-core machine takes seconds). */
export const UI_TIMEOUT_MS = 60_000;
/** Hang guard for an acquisition (fast simulator) to reach its end on the page. */
export const ACQUISITION_TIMEOUT_MS = 90_000;
/** Set to a directory to keep a screenshot of each screen (for a person to look at). */
const SCREENSHOT_DIR = process.env.HANGAR_WEB_SCREENSHOTS;
/** Set to a .png file to keep the README's picture of a node's live timeline (`npm run screenshot`). */
const README_SCREENSHOT = process.env.HANGAR_README_SCREENSHOT;

export interface WebStack {
  api: TestApi;
  worker: Worker;
  sim: Simulator;
  context: BrowserContext;
  page: Page;
  simToken: string;
  simReadOnlyToken: string;
  /** Uncaught errors and console errors in the page: every test ends with none. */
  pageErrors: string[];
  /** Variables of every nodeEvents subscription the page opened, in order. */
  nodeEventSubscriptions: Array<{ nodeId: string; after: number }>;
  /** Every message the page received over its WebSockets: proof that an update came live. */
  framesReceived: string[];
}

/** The stack of the running test file (filled in by startWebStack's beforeAll). */
export const stack = { pageErrors: [], nodeEventSubscriptions: [], framesReceived: [] } as unknown as WebStack;

interface SimProject { project: { id: number }; token: string; readOnlyToken: string }
export async function createSimProject(name: string): Promise<SimProject> {
  const response = await fetch(`${stack.sim.url}/_sim/projects`, { method: 'POST', body: JSON.stringify({ name }) });
  return (await response.json()) as SimProject;
}

/**
 * Starts the stack before the file's tests and stops it after them; every test must end with
 * no page error. `options.signIn`: open the app signed in (every file but the sign-in flow's);
 * `options.config`: Hangar settings for this file (e.g. a short heartbeat interval).
 */
export function startWebStack(options: { signIn?: boolean; config?: Partial<HangarConfig> } = {}): WebStack {
  let outDir: string;
  let profileDir: string;
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
    const sim = buildSimulator({ port: 0, speed: 'fast', seed: 11 });
    stack.sim = sim;
    await sim.start();
    const project = await createSimProject('web-test');
    stack.simToken = project.token;
    stack.simReadOnlyToken = project.readOnlyToken;
    // As `npm start` does: the API knows the simulator it runs, on whatever port it got.
    // One API token serves the browser, the test's scripts and their sockets, and every simulated
    // machine calls /agent from 127.0.0.1: per-token and per-source limits are raised, as an operator would.
    const api = await startTestApi({ organization: 'Acme Robotics', webDir: outDir, app: { simulatorUrl: sim.url },
      config: { ...options.config, providerEndpoints: [`${sim.url}/v1`], rateLimits: { requestsPerMinute: 100_000, socketsPerToken: 1_000, agentRequestsPerMinute: 100_000 } } });
    stack.api = api;
    // The worker in this process, as `npm start` runs it; machines call back at the API's real address.
    api.deps.config.publicUrl = api.app.url;
    await ensureNodeQueues(api.deps.boss);
    stack.worker = buildWorker(api.deps);
    await stack.worker.start();
    const context = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    stack.context = context;
    context.setDefaultTimeout(UI_TIMEOUT_MS);
    // Lets a test drop the page's WebSocket the way a network failure would (hangarTestSockets),
    // or make the server's pongs vanish while the socket looks open (hangarSwallowPongs = true).
    await context.addInitScript(() => {
      const Native = window.WebSocket;
      const sockets: WebSocket[] = [];
      Object.assign(window, { hangarTestSockets: sockets, hangarSwallowPongs: false });
      const swallowing = () => (window as unknown as { hangarSwallowPongs: boolean }).hangarSwallowPongs;
      window.WebSocket = class extends Native {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols);
          sockets.push(this);
          const native = Object.getOwnPropertyDescriptor(Native.prototype, 'onmessage')!;
          Object.defineProperty(this, 'onmessage', {
            get: () => native.get!.call(this) as unknown,
            set: (handler: ((event: MessageEvent) => unknown) | null) => native.set!.call(this, handler && ((event: MessageEvent) => {
              if (swallowing() && typeof event.data === 'string' && event.data.includes('"pong"')) return;
              return handler.call(this, event);
            })),
          });
        }
      };
    });
    const page = context.pages()[0] ?? (await context.newPage());
    stack.page = page;
    page.on('websocket', (socket) => socket.on('framereceived', ({ payload }) => { stack.framesReceived.push(String(payload)); }));
    page.on('websocket', (socket) => socket.on('framesent', ({ payload }) => {
      const message = JSON.parse(String(payload)) as { type: string; payload?: { query?: string; variables?: { nodeId: string; after: number } } };
      if (message.type === 'subscribe' && message.payload?.query?.includes('nodeEvents(') && message.payload.variables) stack.nodeEventSubscriptions.push(message.payload.variables);
    }));
    page.on('pageerror', (error) => stack.pageErrors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      // Chromium logs a failed load while the test holds the browser offline: that is the test's doing.
      if (message.type() === 'error' && !message.text().includes('net::ERR_INTERNET_DISCONNECTED')) stack.pageErrors.push(`console: ${message.text()}`);
    });
    if (options.signIn) {
      await page.goto(`${api.app.url}/#token=${api.token}`);
      await page.getByTestId('organization').filter({ hasText: 'Acme Robotics' }).waitFor();
    }
  });

  afterEach(() => {
    const errors = stack.pageErrors.splice(0);
    expect(errors).toEqual([]);
  });

  afterAll(async () => {
    try {
      await stack.context?.close();
    } finally {
      await stack.worker?.stop();
      await stack.api?.stop();
      await stack.sim?.stop();
      await rm(outDir, { recursive: true, force: true });
      await rm(profileDir, { recursive: true, force: true });
    }
  });
  return stack;
}

export async function screenshot(name: string): Promise<void> {
  if (!SCREENSHOT_DIR) return;
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await stack.page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/**
 * The README's picture: the node page with its whole timeline, 1000 px wide (zoomed out to 80 %
 * so every step fits; kept under 150 KB).
 */
export async function readmeScreenshot(): Promise<void> {
  if (!README_SCREENSHOT) return;
  const { page } = stack;
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
export const navLink = (name: 'Nodes' | 'Providers') => stack.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });

/** The card of the connection named `name`. */
export const connectionCard = (name: string) => stack.page.locator(`article.connection[data-connection-name="${name}"]`);

export async function connectHetzner(name: string, token: string): Promise<void> {
  const { page } = stack;
  await navLink('Providers').click();
  const form = page.locator('section', { has: page.getByRole('heading', { name: 'Connect Hetzner' }) });
  await form.getByLabel('Name', { exact: true }).fill(name);
  await form.getByLabel('API token', { exact: true }).fill(token);
  await form.getByLabel('API endpoint (optional)').fill(`${stack.sim.url}/v1`);
  await form.getByRole('button', { name: 'Connect Hetzner' }).click();
}

/** Adds a simulator fault rule (docs/simulator.md "Fault rules"). */
export async function addFault(rule: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${stack.sim.url}/_sim/faults`, { method: 'POST', body: JSON.stringify(rule) });
  expect(response.status).toBe(201);
}

/** Creates a node through the form (fsn1, cx22, ubuntu-24.04) and waits for its page. */
export async function createNodeInBrowser(name: string): Promise<string> {
  const { page } = stack;
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

export const timeline = () => stack.page.getByRole('list', { name: 'Provisioning timeline' });
/** The phases of the steps that happened (not the greyed ones to come), in order. */
export const stepPhases = () => timeline().locator('li.step:not(.step-pending)').evaluateAll((steps) => steps.map((step) => step.getAttribute('data-phase')));
/** Waits for a step of the timeline; on timeout, fails with what the page and the database show. */
export async function waitForStep(phase: string, state: 'current' | 'done' | 'failed', timeout = ACQUISITION_TIMEOUT_MS): Promise<void> {
  try {
    await timeline().locator(`li.step[data-phase="${phase}"][data-state="${state}"]`).last().waitFor({ timeout });
  } catch (error) {
    const nodeId = decodeURIComponent(new URL(stack.page.url()).pathname.split('/').at(-1) ?? '');
    const events = await stack.api.testDb.db.acquisitionEvent.findMany({ where: { nodeId }, orderBy: { seq: 'asc' } });
    const stored = events.map((event) => `${event.seq} ${event.phase} ${event.kind} ${event.message}`).join('\n');
    throw new Error(`no ${phase} step (${state}) on the page; page shows ${JSON.stringify(await stepPhases())}; stored events:\n${stored}`, { cause: error });
  }
}

const require = createRequire(import.meta.url);
let axeSource: string | null = null;

/**
 * axe-core run in the page as it is now (injected through the driver): the rules violated with
 * impact serious or critical, as "rule-id: target, target" lines (empty when none).
 */
export async function seriousAccessibilityViolations(): Promise<string[]> {
  axeSource ??= await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  const { page } = stack;
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown[] }> }> }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((violation) => ({ id: violation.id, impact: violation.impact, targets: violation.nodes.map((node) => JSON.stringify(node.target)) }));
  });
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.targets.join(', ')}`);
}
