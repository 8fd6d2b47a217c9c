import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ACQUISITION_TIMEOUT_MS, UI_TIMEOUT_MS, connectHetzner, connectionCard, navLink, screenshot, startWebStack } from './stack.ts';

// Prices and fallback placements in a real browser against the real stack (stack.ts), with the
// Hetzner simulator refusing one location for capacity. No mocks.

const stack = startWebStack({ signIn: true });

/** The catalog's gross prices of a server type at a location, as the API stored them. */
async function storedPrice(serverType: string, location: string): Promise<{ hourly: { gross: string; currency: string }; monthly: { gross: string } }> {
  const row = await stack.api.testDb.db.providerCatalog.findFirstOrThrow();
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
    const { page, sim } = stack;
    await connectHetzner('hetzner-prices', stack.simToken);
    await connectionCard('hetzner-prices').locator('[data-status="VALID"]').waitFor();

    await navLink('Nodes').click();
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
