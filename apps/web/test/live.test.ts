import { beforeAll, describe, expect, it } from 'vitest';
import { HAPPY_PATH } from '@hangar/domain/phases';
import { ACQUISITION_TIMEOUT_MS, UI_TIMEOUT_MS, addFault, connectHetzner, connectionCard, createNodeInBrowser, navLink, startWebStack, stepPhases, timeline, waitForStep } from './stack.ts';

// "Live" is true: one socket for the session, dropped at once when the browser goes offline or
// a pong does not come back, and "Live" again only once the page caught up (docs/ui-flows.md
// "Live updates"). Real Chromium against the real stack; waits are on events, not durations.

const stack = startWebStack({ signIn: true });
const indicator = () => stack.page.locator('span.live[data-live]');

/** Records in the page every state the live indicator takes from now on, and the timeline when it turns live. */
async function recordIndicator(): Promise<void> {
  await stack.page.evaluate(() => {
    const seen: string[] = [];
    const phasesWhenLive: string[][] = [];
    Object.assign(window, { hangarLiveSeen: seen, hangarPhasesWhenLive: phasesWhenLive });
    const record = () => {
      const state = document.querySelector('span.live[data-live]')?.getAttribute('data-live') ?? 'none';
      if (seen.at(-1) === state) return;
      seen.push(state);
      if (state === 'live') {
        phasesWhenLive.push([...document.querySelectorAll('ol.timeline li.step:not(.step-pending)')].map((step) => step.getAttribute('data-phase') ?? ''));
      }
    };
    record();
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-live'] });
  });
}
const liveSeen = () => stack.page.evaluate(() => (window as unknown as { hangarLiveSeen: string[] }).hangarLiveSeen);
const socketsOpened = () => stack.page.evaluate(() => (window as unknown as { hangarTestSockets: WebSocket[] }).hangarTestSockets.length);

beforeAll(async () => {
  await connectHetzner('hetzner-main', stack.simToken);
  await connectionCard('hetzner-main').locator('[data-status="VALID"]').waitFor();
});

describe('live indicator', () => {
  it('keeps one socket and stays Live while navigating between pages', async () => {
    await indicator().and(stack.page.locator('span.live[data-live="live"]')).waitFor();
    const sockets = await socketsOpened();
    await recordIndicator();
    await navLink('Nodes').click();
    await stack.page.getByRole('heading', { name: 'Nodes' }).waitFor();
    await navLink('Providers').click();
    await stack.page.getByRole('heading', { name: 'Providers' }).waitFor();
    await navLink('Nodes').click();
    await stack.page.getByRole('table', { name: 'Nodes' }).waitFor();
    expect(await liveSeen()).toEqual(['live']);
    expect(await socketsOpened()).toBe(sockets);
    expect(await stack.page.title()).toBe('Nodes · Hangar');
  });

  it('offline for the time a node takes to finish: Reconnecting…, then Live once the timeline caught up, no gap, no duplicate', async () => {
    const { page, context, api } = stack;
    // The machine phones home 10 s after running: the node is PROVISIONING when the network goes.
    await addFault({ bootDelayMs: 10_000, times: 1 });
    const nodeId = await createNodeInBrowser('offline-1');
    await waitForStep('PROVISIONING', 'current');
    await indicator().and(page.locator('span.live[data-live="live"]')).waitFor();
    const lastSeqBefore = Math.max(...(await timeline().locator('li.step').evaluateAll((steps) => steps.map((step) => Number(step.getAttribute('data-seq') ?? 0)))));
    const subscriptionsBefore = stack.nodeEventSubscriptions.filter((variables) => variables.nodeId === nodeId).length;
    await recordIndicator();

    await context.setOffline(true);
    // The browser's offline signal drops the socket at once: "Reconnecting…" without waiting for a timeout.
    await indicator().and(page.locator('span.live[data-live="reconnecting"]')).waitFor({ timeout: 10_000 });
    expect(await indicator().textContent()).toContain('Reconnecting');
    // Meanwhile the node finishes at the provider and in Hangar (the database says so).
    await expect.poll(async () => (await api.testDb.db.node.findUniqueOrThrow({ where: { id: nodeId } })).phase, { timeout: ACQUISITION_TIMEOUT_MS }).toBe('READY');
    // Still offline: the page does not pretend to be live.
    expect(await indicator().getAttribute('data-live')).toBe('reconnecting');

    await context.setOffline(false);
    await indicator().and(page.locator('span.live[data-live="live"]')).waitFor({ timeout: UI_TIMEOUT_MS });
    // The moment it said "Live" again, the timeline already held every phase up to READY.
    const phasesWhenLive = await page.evaluate(() => (window as unknown as { hangarPhasesWhenLive: string[][] }).hangarPhasesWhenLive);
    expect(phasesWhenLive.at(-1)).toEqual([...HAPPY_PATH]);
    expect((await liveSeen()).slice(0, 2)).toEqual(['live', 'reconnecting']);
    // Resumed after the last seq held (no gap), each stored event shown once (no duplicate).
    const resumed = stack.nodeEventSubscriptions.filter((variables) => variables.nodeId === nodeId).slice(subscriptionsBefore);
    expect(resumed.length).toBeGreaterThan(0);
    expect(resumed.at(-1)!.after).toBeGreaterThanOrEqual(lastSeqBefore);
    await waitForStep('READY', 'done');
    expect(await stepPhases()).toEqual([...HAPPY_PATH]);
    const seqs = await page.locator('ol.timeline [data-seq]').evaluateAll((items) => items.map((item) => item.getAttribute('data-seq')));
    expect(new Set(seqs).size).toBe(seqs.length);
    const stored = await api.testDb.db.acquisitionEvent.count({ where: { nodeId, kind: 'PHASE_ENTERED' } });
    expect(await timeline().locator('li.step:not(.step-pending)').count()).toBe(stored);
  });

  it('drops a socket whose pongs stop coming (keep-alive timeout) and is Live again once they do', async () => {
    const { page } = stack;
    await navLink('Nodes').click();
    await indicator().and(page.locator('span.live[data-live="live"]')).waitFor();
    await recordIndicator();
    // The server's pongs stop arriving while the socket stays open: a network that carries
    // nothing any more and closes nothing either.
    await page.evaluate(() => { Object.assign(window, { hangarSwallowPongs: true }); });
    await indicator().and(page.locator('span.live[data-live="reconnecting"]')).waitFor({ timeout: UI_TIMEOUT_MS });
    expect((await liveSeen()).slice(0, 2)).toEqual(['live', 'reconnecting']);
    await page.evaluate(() => { Object.assign(window, { hangarSwallowPongs: false }); });
    await indicator().and(page.locator('span.live[data-live="live"]')).waitFor({ timeout: UI_TIMEOUT_MS });
  });
});
