/**
 * The suite-wide secret scan finds a secret wherever one could leak: a canary (a secret noted as
 * Hangar notes its own, then planted on purpose) in a log line, in a child process's output, in
 * a GraphQL answer and in a database row is found each time, and a token minted in a child
 * process (not in this process's registry) is found by its shape. Each planted canary is removed
 * again, so this file's own end-of-file scan (secret-scan-setup.ts) stays clean, which is itself
 * checked: the registry holds the real secrets this file made, and none of them is found.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@hangar/db/testing/test-database';
import { noteSecret, noteText, secretRegistry, type SecretRegistry } from '@hangar/domain/secret-registry';
import { mintApiToken } from '../src/api-tokens.ts';
import { createLogger } from '../src/logger.ts';
import { createKeyring } from '../src/secrets.ts';
import { scanCollected, scanDatabase, scanText } from '../src/testing/secret-scan.ts';

let testDb: TestDatabase;
let registry: SecretRegistry;

beforeAll(async () => {
  testDb = await createTestDatabase();
  const installed = secretRegistry();
  if (!installed) throw new Error('the secret scan is not installed (vitest setupFiles)');
  registry = installed;
});
afterAll(async () => {
  await testDb.drop();
});

/** Removes what a test planted, so the file's own scan sees only real output. */
function unplant(canary: string): void {
  registry.secrets.delete(canary);
  for (const entry of registry.texts) entry.text = entry.text.split(canary).join('');
}

describe('the secret scan', () => {
  it('knows the secrets Hangar makes: minted API tokens, sealed provider tokens, secret keys', async () => {
    const organization = await testDb.db.organization.create({ data: { name: 'secret-scan' } });
    const { token } = await mintApiToken(testDb.db, { organizationId: organization.id, name: 'scan' });
    const key = randomBytes(32);
    const keyring = createKeyring(key);
    const providerToken = randomBytes(32).toString('hex').slice(0, 64);
    keyring.seal(providerToken);
    expect(registry.secrets.has(token)).toBe(true);
    expect(registry.secrets.has(providerToken)).toBe(true);
    expect(registry.secrets.has(key.toString('base64'))).toBe(true);
  });

  it('finds a canary in a log line, whole and by its prefix', () => {
    const canary = `canary-${randomBytes(40).toString('base64url')}`;
    noteSecret(canary);
    const log = createLogger({ level: 'info', destination: new Writable({ write: (_chunk, _encoding, done) => done() }) });
    log.info({ detail: `cut short: ${canary.slice(0, 32)}` }, 'a careless line');
    expect(scanCollected(registry)).toEqual([{ where: 'log', secret: 'cana… (32 chars)' }]);
    log.info({ detail: `the token was ${canary}` }, 'another careless line');
    const hits = scanCollected(registry);
    expect(hits).toContainEqual({ where: 'log', secret: `cana… (${canary.length} chars)` });
    expect(JSON.stringify(hits)).not.toContain(canary.slice(0, 12)); // the report never shows the secret
    unplant(canary);
    for (const entry of registry.texts) entry.text = entry.text.split(canary.slice(0, 32)).join('');
    expect(scanCollected(registry)).toEqual([]);
  });

  it('finds a canary in a child process\'s output and a GraphQL answer', () => {
    const canary = `canary-${randomBytes(40).toString('base64url')}`;
    noteSecret(canary);
    noteText('child api-process.ts', `{"level":50,"msg":"oops ${canary}"}\n`);
    noteText('response', JSON.stringify({ data: { node: { name: canary } } }));
    // Whole and by its 32-character prefix, in each place.
    expect(scanCollected(registry).map((hit) => hit.where).sort()).toEqual(['child api-process.ts', 'child api-process.ts', 'response', 'response']);
    unplant(canary);
    expect(scanCollected(registry)).toEqual([]);
  });

  it('finds a token minted in a child process by its shape', () => {
    const registration = `rt_${randomBytes(32).toString('base64url')}`;
    expect(scanText(registry, 'child worker-process', `machine sent ${registration}`)).toEqual([{ where: 'child worker-process', secret: expect.stringMatching(/^rt_.… \(\d+ chars\)$/) }]);
    expect(scanText(registry, 'log', 'the token starts with hgr_ and is 47 characters')).toEqual([]);
  });

  it('finds a canary in any text column of a test database', async () => {
    const canary = `canary-${randomBytes(40).toString('base64url')}`;
    noteSecret(canary);
    const organization = await testDb.db.organization.create({ data: { name: `org ${canary}` } });
    const hits = await scanDatabase(registry, testDb.url);
    expect(hits.map((hit) => hit.where)).toEqual(['database public.Organization', 'database public.Organization']);
    await testDb.db.organization.delete({ where: { id: organization.id } });
    unplant(canary);
    expect(await scanDatabase(registry, testDb.url)).toEqual([]);
  });
});
