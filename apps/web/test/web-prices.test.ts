import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'vite';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ensureNodeQueues } from '@hangar/core/node-jobs';
import { startTestApi, type TestApi } from '../../api/test/api-harness.ts';
import { buildSimulator, type Simulator } from '../../hetzner-sim/src/simulator.ts';
import { buildWorker, type Worker } from '../../worker/src/worker.ts';

// Prices and fallback placements in a real browser (Debian's Chromium) against the real API,
// worker and the Hetzner simulator refusing one location for capacity. No mocks.

const WEB_ROOT = path.resolve(import.meta.dirname, '..');
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
];
/** Hang guard for something to appear on the page (a loaded 2-core machine takes seconds). */
const UI_TIMEOUT_MS = 60_000;
/** Hang guard for an acquisition (fast simulator) to reach its end on the page. */
const ACQUISITION_TIMEOUT_MS = 90_000;

let outDir: string;
let profileDir: string;
let api: TestApi;
let worker: Worker;
let sim: Simulator;
let context: BrowserContext;
let page: Page;
let simToken: string;
const pageErrors: string[] = [];
/** Set to a directory to keep a screenshot of each screen (for a person to look at). */
const SCREENSHOT_DIR = process.env.HANGAR_WEB_SCREENSHOTS;

async function screenshot(name: string): Promise<void> {
  if (!SCREENSHOT_DIR) return;
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

beforeAll(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'hangar-web-prices-dist-'));
  profileDir = await mkdtemp(path.join(tmpdir(), 'hangar-web-prices-chromium-'));
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ root: WEB_ROOT, build: { outDir, emptyOutDir: true }, logLevel: 'warn' });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  sim = buildSimulator({ port: 0, speed: 'fast', seed: 12 });
  await sim.start();
  const response = await fetch(`${sim.url}/_sim/projects`, { method: 'POST', body: JSON.stringify({ name: 'web-prices' }) });
  simToken = ((await response.json()) as { token: string }).token;
  api = await startTestApi({ organization: 'Acme Robotics', webDir: outDir, app: { simulatorUrl: sim.url },
    config: { providerEndpoints: [`${sim.url}/v1`], rateLimits: { requestsPerMinute: 100_000, socketsPerToken: 1_000, agentRequestsPerMinute: 100_000 } } });
  api.deps.config.publicUrl = api.app.url;
  await ensureNodeQueues(api.deps.boss);
  worker = buildWorker(api.deps);
  await worker.start();
  context = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  context.setDefaultTimeout(UI_TIMEOUT_MS);
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => { if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`); });
});

afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
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

/** The catalog's gross prices of a server type at a location, as the API stored them. */
async function storedPrice(serverType: string, location: string): Promise<{ hourly: { gross: string; currency: string }; monthly: { gross: string } }> {
  const row = await api.testDb.db.providerCatalog.findFirstOrThrow();
  const types = row.serverTypes as Array<{ name: string; prices: Array<{ location: string; hourly: { gross: string; currency: string }; monthly: { gross: string } }> }>;
  const price = types.find((type) => type.name === serverType)?.prices.find((entry) => entry.location === location);
  if (!price) throw new Error(`no stored price for ${serverType} in ${location}`);
  return price;
}

/** The amount as the page's locale formats it (Intl formats the decimal string itself). */
function shown(page: Page, amount: string, currency: string): Promise<string> {
  return page.evaluate(([value, code]) => new Intl.NumberFormat(undefined, { style: 'currency', currency: code, minimumFractionDigits: 2, maximumFractionDigits: 4 }).format(value as unknown as number), [amount, currency] as const);
}

describe('prices and fallback placements', () => {
  it('the form shows the price of the chosen placement and takes a fallback; the node lands there, says why, and the nodes page shows the run-rate', async () => {
    await page.goto(`${api.app.url}/#token=${api.token}`);
    await page.getByTestId('organization').filter({ hasText: 'Acme Robotics' }).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Providers' }).click();
    const connect = page.locator('section', { has: page.getByRole('heading', { name: 'Connect Hetzner' }) });
    await connect.getByLabel('Name', { exact: true }).fill('hetzner-prices');
    await connect.getByLabel('API token', { exact: true }).fill(simToken);
    await connect.getByLabel('API endpoint (optional)').fill(`${sim.url}/v1`);
    await connect.getByRole('button', { name: 'Connect Hetzner' }).click();
    await page.locator('article.connection[data-connection-name="hetzner-prices"] [data-status="VALID"]').waitFor();

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Nodes' }).click();
    await expect.poll(async () => page.getByTestId('run-rate').textContent(), { timeout: UI_TIMEOUT_MS }).toMatch(/Running now: 0 servers/);
    await page.getByRole('button', { name: 'Create node' }).click();
    const form = page.locator('section', { has: page.getByRole('heading', { name: 'Create node' }) });
    await expect.poll(() => form.locator('select[name="location"] option').count(), { timeout: UI_TIMEOUT_MS }).toBeGreaterThan(1);
    await form.getByLabel('Name', { exact: true }).fill('priced-1');
    await form.locator('select[name="location"]').selectOption('fsn1');
    await form.locator('select[name="serverType"]').selectOption('cx22');

    // The price of the chosen placement, from the catalog: hourly and monthly, gross, with currency.
    const fsn1 = await storedPrice('cx22', 'fsn1');
    const price = form.getByTestId('price');
    await expect.poll(() => price.textContent(), { timeout: UI_TIMEOUT_MS }).toContain(await shown(page, fsn1.hourly.gross, fsn1.hourly.currency));
    expect(await price.textContent()).toContain(await shown(page, fsn1.monthly.gross, fsn1.hourly.currency));
    expect(await price.getAttribute('data-known')).toBe('true');

    // A fallback placement: nbg1, with its own price.
    await form.getByRole('button', { name: 'Add a fallback placement' }).click();
    await form.getByLabel('Fallback 1 location').selectOption('nbg1');
    await form.getByLabel('Fallback 1 server type').selectOption('cx22');
    const nbg1 = await storedPrice('cx22', 'nbg1');
    await expect.poll(() => form.getByTestId('alternative-0-price').textContent()).toContain(await shown(page, nbg1.monthly.gross, nbg1.hourly.currency));

    await screenshot('prices-01-create-form-with-fallback');
    // fsn1 has no capacity.
    const fault = await fetch(`${sim.url}/_sim/faults`, { method: 'POST', body: JSON.stringify({ method: 'POST', path: '/servers', location: 'fsn1', error: 'resource_unavailable' }) });
    expect(fault.status).toBe(201);
    await form.getByRole('button', { name: 'Create node' }).click();
    await page.waitForURL(/\/nodes\/[^/]+$/);
    await page.getByRole('heading', { name: 'priced-1' }).waitFor();
    await page.locator('li.step[data-phase="READY"][data-state="done"]').last().waitFor({ timeout: ACQUISITION_TIMEOUT_MS });
    await expect.poll(() => page.getByTestId('node-requested').textContent(), { timeout: UI_TIMEOUT_MS }).toMatch(/cx22 in fsn1.*no capacity there; now cx22 in nbg1/);
    expect(await page.getByRole('list', { name: 'Provisioning timeline' }).textContent()).toMatch(/refused cx22 in fsn1 for capacity/);
    expect(await page.getByTestId('node-price').textContent()).toContain(await shown(page, nbg1.monthly.gross, nbg1.hourly.currency));
    // One started hour so far.
    await expect.poll(() => page.getByTestId('node-cost-so-far').textContent(), { timeout: UI_TIMEOUT_MS }).toContain(await shown(page, nbg1.hourly.gross, nbg1.hourly.currency));

    await screenshot('prices-02-node-after-fallback');
    await page.getByRole('link', { name: '← Nodes' }).click();
    await expect.poll(() => page.getByTestId('run-rate').textContent(), { timeout: UI_TIMEOUT_MS }).toMatch(/Running now: 1 server, /);
    expect(await page.getByTestId('run-rate').textContent()).toContain(await shown(page, nbg1.monthly.gross, nbg1.hourly.currency));
    await screenshot('prices-03-nodes-run-rate');
  });
});
