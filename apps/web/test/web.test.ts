import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { HAPPY_PATH } from '@hangar/domain/phases';
import { createHarnessClient } from '@hangar/harness/client';
import type { TestApi } from '../../api/test/api-harness.ts';
import type { Simulator } from '../../hetzner-sim/src/simulator.ts';
import {
  ACQUISITION_TIMEOUT_MS, UI_TIMEOUT_MS, addFault, connectHetzner, connectionCard, createNodeInBrowser, createSimProject,
  navLink, readmeScreenshot, screenshot, startWebStack, stepPhases, timeline, waitForStep,
} from './stack.ts';

// The main flows in a real browser against the real stack (stack.ts): sign-in, providers, the
// create form, a node's life. Live updates and reconnects: live.test.ts; confirmations,
// lifecycle, words and accessibility: trust.test.ts.

const stack = startWebStack();
let page: Page;
let api: TestApi;
let sim: Simulator;
let simToken: string;
let simReadOnlyToken: string;
let framesReceived: string[];
let nodeEventSubscriptions: Array<{ nodeId: string; after: number }>;
beforeAll(() => {
  ({ page, api, sim, simToken, simReadOnlyToken, framesReceived, nodeEventSubscriptions } = stack);
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
    // Words for people: the message, no enum name (the code is in data-code).
    expect(await error.textContent()).not.toMatch(/VALIDATION_FAILED/);
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
    expect(await form.getByText('Images for Arm (Ampere).', { exact: true }).isVisible()).toBe(true);

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
    expect(await retry.textContent()).toMatch(/Retrying.*server error.*retry 1 of/is);
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

    const retry = page.getByRole('button', { name: 'Retry…' });
    await expect.poll(() => retry.isEnabled(), { timeout: UI_TIMEOUT_MS }).toBe(true);
    await retry.click();
    await page.getByRole('button', { name: 'Retry now' }).click();
    await waitForStep('READY', 'done');
    const phases = await stepPhases();
    expect(phases.slice(0, phases.indexOf('FAILED') + 1)).toEqual(['QUEUED', 'VALIDATING', 'CREATING_SERVER', 'FAILED']);
    expect(phases.slice(phases.indexOf('FAILED') + 1)).toEqual([...HAPPY_PATH]);
    expect(await page.locator('.facts').textContent()).toMatch(/Acquisition attempt\s*2/);
  });

  it('releases a READY node: RELEASING, then RELEASED', async () => {
    // Its own node, not whatever page the test before left open.
    await createNodeInBrowser('web-5');
    await waitForStep('READY', 'done');
    await page.getByRole('button', { name: 'Release (delete server)' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete server' }).click();
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
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel acquisition' }).click();
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

