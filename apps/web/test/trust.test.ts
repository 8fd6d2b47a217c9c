import { beforeAll, describe, expect, it } from 'vitest';
import { createHarnessClient } from '@hangar/harness/client';
import { addFault, connectHetzner, connectionCard, createNodeInBrowser, createSimProject, navLink, screenshot, seriousAccessibilityViolations, startWebStack, timeline, waitForStep } from './stack.ts';

// Trust: destructive actions ask first (naming the server and its price), words for people,
// page titles, focus, announcements and an axe-core check of each main page, in real Chromium
// against the real stack (stack.ts).

// Heartbeats every 1.5 s (deadline scale 0.1), checked every 250 ms: a silent machine is overdue within seconds.
const stack = startWebStack({ signIn: true, config: { deadlineScale: 0.1, nodeHealthCheckMs: 250 } });
const dialog = () => stack.page.getByRole('dialog');

/** The page's visible text without the error-code references: no API or enum name may appear in it. */
async function apiNamesInText(): Promise<string[]> {
  const text = await stack.page.evaluate(() => {
    const copy = document.body.cloneNode(true) as HTMLElement;
    for (const reference of copy.querySelectorAll('.error-ref')) reference.remove();
    return copy.innerText;
  });
  return text.match(/\b[A-Z]{2,}_[A-Z_]{2,}\b|\b(?:QUEUED|VALIDATING|PROVISIONING|READY|FAILED|CANCELLED|RELEASING|RELEASED|VALID|INVALID|UNCHECKED|ARM|X86)\b|\((?:release|retry|cancel|archive|create)Node\)|\(rotateProviderToken\)/g) ?? [];
}

/** The text of the element that has the focus. */
const focused = () => stack.page.evaluate(() => document.activeElement?.textContent ?? '');

beforeAll(async () => {
  await connectHetzner('hetzner-main', stack.simToken);
  await connectionCard('hetzner-main').locator('[data-status="VALID"]').waitFor();
});

describe('confirmation before deleting a server', () => {
  it('release asks first: names the server and its hourly price; Escape keeps it, focus returns; confirming by keyboard releases', async () => {
    const { page, api } = stack;
    const nodeId = await createNodeInBrowser('keep-me');
    await waitForStep('READY', 'done');
    expect(await page.title()).toBe('keep-me · Nodes · Hangar');
    const release = page.getByRole('button', { name: 'Release (delete server)' });
    await release.click();
    await dialog().waitFor();
    const text = await dialog().textContent();
    const server = await api.testDb.db.node.findUniqueOrThrow({ where: { id: nodeId } });
    expect(text).toContain(server.providerServerName!);
    expect(text).toContain('cx22 in fsn1');
    // The price comes from the connection's catalog (the simulator's Hetzner prices).
    expect(await dialog().getByTestId('server-cost').textContent()).toMatch(/costs .*\d.* an hour \(at most .*\d.* a month/);
    // The safe choice has the focus.
    expect(await focused()).toBe('Keep it');
    expect(await seriousAccessibilityViolations()).toEqual([]);
    await screenshot('20-release-confirm');

    await page.keyboard.press('Escape');
    await dialog().waitFor({ state: 'hidden' });
    expect(await focused()).toBe('Release (delete server)');
    expect((await api.testDb.db.node.findUniqueOrThrow({ where: { id: nodeId } })).phase).toBe('READY');

    // Keyboard only: Enter on the focused button opens, Shift+Tab reaches the confirm button, Enter confirms.
    await page.keyboard.press('Enter');
    await dialog().waitFor();
    await page.keyboard.press('Shift+Tab');
    expect(await focused()).toBe('Delete server');
    await page.keyboard.press('Enter');
    await waitForStep('RELEASED', 'done');
    // The phase change is announced to screen readers.
    expect(await page.getByTestId('phase-announcement').textContent()).toMatch(/keep-me is now (Releasing|Released)/);
  });

  it('deleting a connection asks first and names it; Keep it changes nothing', async () => {
    const { page } = stack;
    const other = await createSimProject('to-delete');
    await connectHetzner('to-delete', other.token);
    const card = connectionCard('to-delete');
    await card.locator('[data-status="VALID"]').waitFor();
    await card.getByRole('button', { name: 'Delete' }).click();
    await dialog().waitFor();
    expect(await dialog().textContent()).toMatch(/to-delete.*Hetzner Cloud.*bills by the hour/s);
    await dialog().getByRole('button', { name: 'Keep it' }).click();
    await dialog().waitFor({ state: 'hidden' });
    expect(await card.count()).toBe(1);
    await card.getByRole('button', { name: 'Delete' }).click();
    await dialog().getByRole('button', { name: 'Delete connection' }).click();
    await card.waitFor({ state: 'detached' });
    // The card is gone: focus goes to the page's heading, not lost on the body.
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
  });
});

describe('connections deleted elsewhere', () => {
  it('a connection another client deletes leaves the open Providers page live (providerConnectionChanged)', async () => {
    const { page, api } = stack;
    const other = await createSimProject('deleted-elsewhere');
    await connectHetzner('deleted-elsewhere', other.token);
    const card = connectionCard('deleted-elsewhere');
    await card.locator('[data-status="VALID"]').waitFor();
    // Another tab (here: a script with the same token) deletes it.
    const script = createHarnessClient({ url: api.app.url, token: api.token });
    const connection = (await script.connections()).find((entry) => entry.name === 'deleted-elsewhere')!;
    const response = await fetch(`${api.app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${api.token}` },
      body: JSON.stringify({ query: 'mutation($id: ID!) { deleteProviderConnection(input: { id: $id }) { __typename } }', variables: { id: connection.id } }),
    });
    expect(((await response.json()) as { data: { deleteProviderConnection: { __typename: string } } }).data.deleteProviderConnection.__typename).toBe('DeleteProviderConnectionPayload');
    await card.waitFor({ state: 'detached' });
    expect(await page.getByTestId('live-fallback').count()).toBe(0);
  });
});

describe('lifecycle', () => {
  it('a released node shows its former addresses as history and no health; Archive asks, then the node leaves the list for the Archived view', async () => {
    const { page, api } = stack;
    await navLink('Nodes').click();
    await page.getByRole('link', { name: 'keep-me' }).click();
    await waitForStep('RELEASED', 'done');
    const stored = await api.testDb.db.node.findFirstOrThrow({ where: { name: 'keep-me' } });
    const facts = page.locator('.facts');
    expect(await facts.textContent()).toContain(`Former IPv4${stored.ipv4}`);
    expect(await page.locator('[data-heartbeat]').count()).toBe(0);
    expect(await page.getByRole('button', { name: /Release/ }).count()).toBe(0);

    await page.getByRole('button', { name: 'Archive' }).click();
    await dialog().waitFor();
    expect(await dialog().textContent()).toMatch(/keep-me.*holds no server.*timeline is kept/s);
    await dialog().getByRole('button', { name: 'Archive' }).click();
    await page.locator('.facts', { hasText: 'Archived' }).waitFor();
    expect(await page.getByRole('button', { name: 'Archive' }).count()).toBe(0);

    await navLink('Nodes').click();
    await page.getByRole('table', { name: 'Nodes' }).waitFor();
    await page.locator('tr[data-node-name="keep-me"]').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Archived' }).click();
    const row = page.getByRole('table', { name: 'Archived nodes' }).locator('tr[data-node-name="keep-me"]');
    await row.waitFor();
    expect(await row.textContent()).toMatch(/formerly/);
    await page.getByRole('button', { name: 'Listed' }).click();
  });

  it('a node that failed before it had a server offers no Release; Retry takes another location and type from the catalog; one error display', async () => {
    const { page, api } = stack;
    await addFault({ method: 'POST', path: '/servers', error: { code: 'invalid_input', message: 'invalid input in field \'server_type\'' }, times: 1 });
    const nodeId = await createNodeInBrowser('move-me');
    await waitForStep('FAILED', 'failed');
    expect(await page.getByRole('button', { name: /Release/ }).count()).toBe(0);
    // The failure is shown once: one notice, its message once on the page.
    expect(await page.locator('.notice-error').count()).toBe(1);
    const text = await page.locator('main').innerText();
    expect(text.split("invalid input in field 'server_type'").length - 1, text).toBe(1);

    await page.getByRole('button', { name: 'Retry…' }).click();
    const form = page.getByRole('form', { name: 'Retry move-me' });
    await form.waitFor();
    // What opened has the focus.
    expect(await focused()).toBe('Retry move-me');
    await form.locator('select[name="location"]').selectOption('nbg1');
    await form.locator('select[name="serverType"]').selectOption('cpx11');
    await form.locator('select[name="image"]').selectOption('debian-12');
    await form.getByRole('button', { name: 'Retry now' }).click();
    await waitForStep('READY', 'done');
    expect(await page.locator('.facts').textContent()).toMatch(/Server typecpx11.*Locationnbg1.*Imagedebian-12.*Acquisition attempt2/s);
    const node = await api.testDb.db.node.findUniqueOrThrow({ where: { id: nodeId } });
    expect(node).toMatchObject({ location: 'nbg1', serverType: 'cpx11', image: 'debian-12', phase: 'READY' });
  });

  it('a machine whose heartbeats stop shows overdue on the open page without a reload, announced', async () => {
    const { page } = stack;
    await addFault({ heartbeatStopsAfter: 2, serverName: 'silent-*' });
    const nodeId = await createNodeInBrowser('silent-1');
    await waitForStep('READY', 'done');
    await page.locator('[data-heartbeat="overdue"], [data-heartbeat="lost"]').first().waitFor();
    // Brought by the change feed (nodeChanged), not by a reload or the polling fallback.
    expect(stack.framesReceived.some((frame) => frame.includes('nodeChanged') && frame.includes(nodeId) && frame.includes('OVERDUE'))).toBe(true);
    expect(await page.getByTestId('live-fallback').count()).toBe(0);
    expect(await page.getByTestId('phase-announcement').textContent()).toMatch(/silent-1: (heartbeats overdue|machine lost)/);
    // The timeline says so too (a HEALTH event), and so does the list.
    await timeline().locator('li.note[data-kind="HEALTH"]').first().waitFor();
    await navLink('Nodes').click();
    await page.locator('tr[data-node-name="silent-1"] [data-heartbeat]').waitFor();
  });
});

describe('words, titles and accessibility', () => {
  it('each main page has its title, no API or enum names in its text, and no serious axe violation', async () => {
    const { page } = stack;
    await navLink('Providers').click();
    await page.getByRole('heading', { name: 'Providers' }).waitFor();
    expect(await page.title()).toBe('Providers · Hangar');
    // Navigating moves the focus to the new page's heading.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Providers');
    expect(await apiNamesInText()).toEqual([]);
    expect(await seriousAccessibilityViolations()).toEqual([]);

    await navLink('Nodes').click();
    await page.locator('tr[data-node-name="move-me"] [data-phase="READY"]').waitFor();
    expect(await page.title()).toBe('Nodes · Hangar');
    expect(await apiNamesInText()).toEqual([]);
    expect(await seriousAccessibilityViolations()).toEqual([]);
    // The create form, with the catalog's choices in it.
    await page.getByRole('button', { name: 'Create node' }).click();
    const form = page.locator('section', { has: page.getByRole('heading', { name: 'Create node' }) });
    await form.locator('select[name="serverType"] option').first().waitFor({ state: 'attached' });
    await form.locator('select[name="location"]').selectOption('fsn1');
    await form.locator('select[name="serverType"]').selectOption('cax11');
    await form.getByText('Images for Arm (Ampere).').waitFor();
    expect(await apiNamesInText()).toEqual([]);
    expect(await seriousAccessibilityViolations()).toEqual([]);
    await form.getByRole('button', { name: 'Cancel' }).click();

    await page.getByRole('link', { name: 'move-me' }).click();
    await waitForStep('READY', 'done');
    expect(await apiNamesInText()).toEqual([]);
    expect(await seriousAccessibilityViolations()).toEqual([]);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.title()).toBe('Sign in · Hangar');
    expect(await seriousAccessibilityViolations()).toEqual([]);
    await page.getByLabel('API token').fill(stack.api.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('organization').waitFor();
  });
});
