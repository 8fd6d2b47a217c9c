import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticateApiToken } from '@hangar/core/api-tokens';
import { createTestDatabase, type TestDatabase } from '@hangar/db/testing/test-database';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../src/cli/hangar.ts');

let testDb: TestDatabase;
beforeAll(async () => {
  testDb = await createTestDatabase();
  await testDb.db.organization.create({ data: { name: 'ops' } });
});
afterAll(async () => { await testDb.drop(); });

function hangar(...args: string[]) {
  return run(process.execPath, [CLI, ...args], { env: { ...process.env, DATABASE_URL: testDb.url, HANGAR_LOG_FORMAT: 'json', HANGAR_SECRET_KEY: Buffer.alloc(32, 7).toString('base64') } });
}

describe('npm run hangar -- token …', () => {
  it('mints a token that authenticates, lists it, and revokes it', async () => {
    const created = await hangar('token', 'create', '--org', 'ops', '--name', 'ci');
    const token = created.stdout.trim();
    expect(token).toMatch(/^hgr_[A-Za-z0-9_-]{43}$/);
    const principal = await authenticateApiToken(testDb.db, token);
    expect(principal?.organizationName).toBe('ops');

    const listed = await hangar('token', 'list', '--org', 'ops');
    expect(listed.stdout).toContain(`${principal!.tokenId}\tci\tactive`);
    expect(listed.stdout).not.toContain(token);

    await hangar('token', 'revoke', principal!.tokenId);
    expect(await authenticateApiToken(testDb.db, token)).toBeNull();
  });

  it('fails with one clear line for an unknown organization or a malformed id', async () => {
    await expect(hangar('token', 'create', '--org', 'nope', '--name', 'x')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('no organization named "nope"') });
    await expect(hangar('token', 'revoke', 'not-a-uuid')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('a token id (a UUID') });
    await expect(hangar('frobnicate')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('usage:') });
  });

  it('prints its usage for --help and exits 0, and creates an organization a token can then be minted for', async () => {
    const help = await hangar('--help');
    expect(help.stdout).toContain('org create <name>');
    const created = await hangar('org', 'create', 'Initech');
    const organization = await testDb.db.organization.findUnique({ where: { name: 'Initech' } });
    expect(created.stdout.trim()).toBe(organization?.id);
    expect((await hangar('token', 'create', '--org', 'Initech', '--name', 'ci')).stdout.trim()).toMatch(/^hgr_/);
    await expect(hangar('org', 'create', 'Initech')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('already exists') });
    await expect(hangar('org', 'create', 'evil\u202eorg')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('text-direction') });
    await expect(hangar('--frobnicate')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('usage:') });
  }, 90_000);

  it('reseals provider tokens and reports counts', async () => {
    const { stdout } = await hangar('secrets', 'reseal');
    expect(JSON.parse(stdout)).toMatchObject({ scanned: 0, resealed: 0, failed: [] });
  });
});
