import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'vite';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startTestApi, type TestApi } from '../../api/test/api-harness.ts';
import { buildSimulator, type Simulator } from '../../hetzner-sim/src/simulator.ts';

// The web app in a real browser (Debian's Chromium through playwright-core) against the real
// API serving a fresh build of it, with the Hetzner simulator as the provider. No mocks.

const WEB_ROOT = path.resolve(import.meta.dirname, '..');
const CHROMIUM = '/usr/bin/chromium';
/** ENVIRONMENT.md "Browser tests": no network but loopback, nothing phoning home. */
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
];
/** Longest wait for something to appear on the page. */
const UI_TIMEOUT_MS = 15_000;
/** A live update must arrive within this (well under the web app's 5 s polling fallback). */
const LIVE_UPDATE_MAX_MS = 3_000;
/** Set to a directory to keep a screenshot of each screen (for a person to look at). */
const SCREENSHOT_DIR = process.env.HANGAR_WEB_SCREENSHOTS;

let outDir: string;
let profileDir: string;
let api: TestApi;
let sim: Simulator;
let context: BrowserContext;
let page: Page;
let simToken: string;
let simReadOnlyToken: string;
/** Uncaught errors and console errors in the page: every test ends with none. */
const pageErrors: string[] = [];

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

/** The card of the connection named `name`. */
const connectionCard = (name: string) => page.locator(`article.connection[data-connection-name="${name}"]`);

async function connectHetzner(name: string, token: string): Promise<void> {
  await page.getByRole('link', { name: 'Providers' }).click();
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
  api = await startTestApi({ organization: 'Acme Robotics', webDir: outDir });
  context = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  context.setDefaultTimeout(UI_TIMEOUT_MS);
  page = context.pages()[0] ?? (await context.newPage());
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
    await api?.stop();
    await sim?.stop();
    await rm(outDir, { recursive: true, force: true });
    await rm(profileDir, { recursive: true, force: true });
  }
});

describe('sign-in', () => {
  it('signs in from the #token= link, shows the organization and drops the token from the address bar', async () => {
    await page.goto(`${api.app.url}/#token=${api.token}`);
    await expect.poll(() => page.getByTestId('organization').textContent()).toBe('Acme Robotics');
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
    await expect.poll(() => page.getByTestId('organization').textContent()).toBe('Acme Robotics');
  });
});

describe('providers', () => {
  it('connects Hetzner with a simulator token and shows it VALID with the token hint, never the token', async () => {
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
    const { id } = (await api.graphql<{ providerConnections: Array<{ id: string; name: string }> }>('{ providerConnections { id name } }'))
      .body.data!.providerConnections.find((connection) => connection.name === 'live-check')!;
    await fetch(`${sim.url}/_sim/projects/${other.project.id}/revoke-tokens`, { method: 'POST' });
    // Another client (a script with the same organization) checks the token again.
    const checked = await api.graphql<{ validateProviderConnection: { credentialStatus: string } }>(
      'mutation ($id: ID!) { validateProviderConnection(id: $id) { credentialStatus } }', { id },
    );
    expect(checked.body.data?.validateProviderConnection.credentialStatus).toBe('INVALID');
    // Sooner than the polling fallback would notice (POLL_FALLBACK_INTERVAL_MS = 5 s): the subscription did.
    await card.locator('[data-status="INVALID"]').waitFor({ timeout: LIVE_UPDATE_MAX_MS });
    expect(await page.getByTestId('live-fallback').count()).toBe(0);
    expect(await card.locator('.notice-error').getAttribute('data-code')).toBe('PROVIDER_AUTH_FAILED');
    expect(await card.locator('.provider-details').textContent()).toMatch(/unauthorized.*401/s);
    await screenshot('07-provider-invalid-live');
  });
});

describe('create node form', () => {
  it('loads the catalog of the chosen connection and narrows server types by location and images by architecture', async () => {
    await page.getByRole('link', { name: 'Nodes' }).click();
    await page.getByRole('button', { name: 'Create node' }).click();
    const form = page.locator('section', { has: page.getByRole('heading', { name: 'Create node' }) });
    const select = (name: string) => form.locator(`select[name="${name}"]`);
    const optionValues = (name: string) => select(name).locator('option').evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value));
    // The default connection is a VALID one; its catalog fills the selects.
    expect(await select('providerConnectionId').locator('option:checked').textContent()).toBe('hetzner-main');
    await expect.poll(() => optionValues('location')).toEqual(['fsn1', 'nbg1', 'hel1', 'ash', 'hil', 'sin']);

    await select('location').selectOption('ash');
    const typesInAsh = await optionValues('serverType');
    expect(typesInAsh).toContain('cpx11');
    expect(typesInAsh).not.toContain('cx22');
    expect(typesInAsh).not.toContain('cax11');

    await select('location').selectOption('fsn1');
    await select('serverType').selectOption('cax11');
    await expect.poll(() => form.locator('select[name="image"] option').allTextContents()).not.toHaveLength(0);
    expect(await form.getByText('Images for arm.').isVisible()).toBe(true);
    await screenshot('08-create-node-form');
  });
});
