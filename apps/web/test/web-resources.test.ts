import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { UI_TIMEOUT_MS, connectHetzner, connectionCard, navLink, screenshot, startWebStack } from './stack.ts';

// The create form's access and placement fields (SSH keys, labels, user data, networks,
// firewalls, placement groups, public addresses) in a real browser against the real stack (stack.ts).

const stack = startWebStack({ signIn: true });

beforeAll(async () => {
  await connectHetzner('hetzner-main', stack.simToken);
  await connectionCard('hetzner-main').locator('[data-status="VALID"]').waitFor();
});

/** The provider project's own API (the Hetzner console's stand-in). */
async function inProviderProject(pathname: string, body: unknown): Promise<{ id: number; name: string }> {
  const response = await fetch(`${stack.sim.url}/v1${pathname}`, { method: 'POST', headers: { authorization: `Bearer ${stack.simToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(response.status).toBe(201);
  const json = (await response.json()) as Record<string, { id: number; name: string }>;
  return Object.values(json)[0]!;
}

/** A fresh OpenSSH Ed25519 public key line. */
function makeEd25519PublicKey(): string {
  const { publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const type = Buffer.from('ssh-ed25519');
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  return `ssh-ed25519 ${Buffer.concat([u32(type.length), type, u32(raw.length), raw]).toString('base64')} me@laptop`;
}

describe('create node form: access and placement', () => {
  it('adds an SSH key inline and creates a node with labels, user data, a network, a firewall, a placement group and no IPv6; the node page shows them', async () => {
    const { page } = stack;
    await inProviderProject('/networks', { name: 'office-net', ip_range: '10.0.0.0/16', subnets: [{ type: 'cloud', ip_range: '10.0.1.0/24', network_zone: 'eu-central' }] });
    await inProviderProject('/firewalls', { name: 'ssh-only', rules: [{ direction: 'in', protocol: 'tcp', port: '22', source_ips: ['0.0.0.0/0'] }] });
    await inProviderProject('/placement_groups', { name: 'spread-web', type: 'spread' });

    await navLink('Nodes').click();
    await page.getByRole('button', { name: 'Create node' }).click();
    const form = page.locator('section', { has: page.getByRole('heading', { name: 'Create node' }) });
    await form.getByLabel('Name', { exact: true }).fill('web-access');
    await expect.poll(() => form.locator('select[name="location"] option').count(), { timeout: UI_TIMEOUT_MS }).toBeGreaterThan(0);
    await form.locator('select[name="location"]').selectOption('fsn1');
    await form.locator('select[name="serverType"]').selectOption('cx22');
    await form.locator('select[name="image"]').selectOption('ubuntu-24.04');

    // A broken key is refused under its field, without echoing it; a real one is added and chosen.
    await form.getByRole('button', { name: 'Add an SSH key' }).click();
    const addKey = form.getByRole('group', { name: 'Add an SSH key' });
    await addKey.getByLabel('Key name').fill('laptop');
    await addKey.getByLabel('Public key').fill('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINOTAKEY');
    await addKey.getByRole('button', { name: 'Add key' }).click();
    const keyError = addKey.locator('.field-error[data-code="VALIDATION_FAILED"]');
    await keyError.waitFor();
    expect(await keyError.textContent()).not.toContain('INOTAKEY');
    await addKey.getByLabel('Public key').fill(makeEd25519PublicKey());
    await addKey.getByRole('button', { name: 'Add key' }).click();
    await expect.poll(() => form.locator('select[name="sshKeys"] option:checked').allTextContents(), { timeout: UI_TIMEOUT_MS }).toEqual([expect.stringMatching(/^laptop \(ED25519 256, ([0-9a-f]{2}:){15}[0-9a-f]{2}\)$/)]);

    await form.getByLabel('Labels').fill('team=web, env=prod');
    await form.getByLabel('User data').fill('#cloud-config\nruncmd:\n  - [touch, /tmp/web-access]\n');
    await form.locator('select[name="networkIds"]').selectOption({ label: 'office-net (10.0.0.0/16, eu-central)' });
    await form.locator('select[name="firewallIds"]').selectOption({ label: 'ssh-only (1 rule)' });
    await form.locator('select[name="placementGroupId"]').selectOption({ label: 'spread-web (0 servers)' });
    await form.getByLabel('Public IPv6 network').uncheck();
    await screenshot('13-create-node-access');
    await form.getByRole('button', { name: 'Create node' }).click();
    await page.waitForURL(/\/nodes\/[^/]+$/);

    const access = page.getByTestId('node-resources');
    await expect.poll(() => access.textContent(), { timeout: UI_TIMEOUT_MS }).toContain('office-net');
    const text = (await access.textContent()) ?? '';
    expect(text).toContain('laptop');
    expect(text).toContain('team=web');
    expect(text).toMatch(/cloud-config, 51 bytes, SHA-256 [0-9a-f]{12}…/);
    expect(text).toContain('ssh-only');
    expect(text).toContain('spread-web');
    expect(text).toMatch(/Public addressesIPv4$/);
    // The user data itself is never shown.
    expect(await page.content()).not.toContain('/tmp/web-access');
    await screenshot('14-node-access');
  });
});
