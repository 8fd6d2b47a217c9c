import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect, promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import {
  KEY_FILE_NAME,
  SecretError,
  createKeyring,
  keyIdOf,
  loadKeyring,
  needsReseal,
  parseSealed,
  sealedKeyId,
  tokenFingerprint,
  tokenHint,
} from '../src/secrets.ts';

const run = promisify(execFile);
const SECRETS_MODULE = fileURLToPath(new URL('../src/secrets.ts', import.meta.url));
const TOKEN = 'hz-Secret-Token-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP';
const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hangar-secrets-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const newKey = () => randomBytes(32);
const b64 = (key: Buffer) => key.toString('base64');

function secretError(fn: () => unknown): SecretError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SecretError);
    return error as SecretError;
  }
  throw new Error('expected a SecretError');
}

describe('seal / open', () => {
  it('round-trips and uses the v1.<keyId>.<iv>.<tag>.<ciphertext> format', () => {
    const key = newKey();
    const ring = createKeyring(key);
    const sealed = ring.seal(TOKEN);
    expect(sealed).toMatch(/^v1\.[0-9a-f]{12}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(sealed.split('.')[1]).toBe(keyIdOf(key));
    expect(ring.currentKeyId).toBe(keyIdOf(key));
    expect(sealed).not.toContain(TOKEN);
    expect(ring.open(sealed)).toBe(TOKEN);
    expect(ring.open(ring.seal(''))).toBe('');
    expect(ring.open(ring.seal('ünïcødé ✓'))).toBe('ünïcødé ✓');
  });

  it('uses a fresh IV every time', () => {
    const ring = createKeyring(newKey());
    const a = parseSealed(ring.seal(TOKEN));
    const b = parseSealed(ring.seal(TOKEN));
    expect(a.iv.equals(b.iv)).toBe(false);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
  });

  it('detects tampering with ciphertext, tag, iv and key id', () => {
    const ring = createKeyring(newKey());
    const sealed = ring.seal(TOKEN);
    const [version, keyId, iv, tag, ciphertext] = sealed.split('.') as [string, string, string, string, string];
    const flip = (part: string) => {
      const bytes = Buffer.from(part, 'base64url');
      bytes[0] = (bytes[0] ?? 0) ^ 0x01;
      return bytes.toString('base64url');
    };
    for (const tampered of [
      [version, keyId, iv, tag, flip(ciphertext)],
      [version, keyId, iv, flip(tag), ciphertext],
      [version, keyId, flip(iv), tag, ciphertext],
    ]) {
      const error = secretError(() => ring.open(tampered.join('.')));
      expect(error.code).toBe('SECRET_DECRYPT_FAILED');
      expect(error.message).toContain(keyId);
      expect(error.message).not.toContain(TOKEN);
    }
    expect(secretError(() => ring.open('not-a-sealed-value')).code).toBe('SECRET_FORMAT_INVALID');
    expect(secretError(() => ring.open(`v2.${keyId}.${iv}.${tag}.${ciphertext}`)).code).toBe('SECRET_FORMAT_INVALID');
  });

  it('names the unknown key id, never the plaintext', () => {
    const oldRing = createKeyring(newKey());
    const sealed = oldRing.seal(TOKEN);
    const error = secretError(() => createKeyring(newKey()).open(sealed));
    expect(error.code).toBe('SECRET_KEY_UNKNOWN');
    expect(error.keyId).toBe(oldRing.currentKeyId);
    expect(error.message).toContain(oldRing.currentKeyId);
    expect(error.message).not.toContain(TOKEN);
  });

  it('a key id relabelled onto another key of the ring fails authentication', () => {
    const a = newKey();
    const b = newKey();
    const ring = createKeyring(a, [b]);
    const sealed = ring.seal(TOKEN);
    const relabelled = sealed.replace(`.${keyIdOf(a)}.`, `.${keyIdOf(b)}.`);
    expect(secretError(() => ring.open(relabelled)).code).toBe('SECRET_DECRYPT_FAILED');
  });

  it('does not show keys through JSON or inspect', () => {
    const key = newKey();
    const ring = createKeyring(key);
    const shown = JSON.stringify(ring) + inspect(ring, { depth: 5, showHidden: true });
    expect(shown).not.toContain(b64(key));
    expect(shown).not.toContain(key.toString('hex'));
  });
});

describe('rotation', () => {
  it('opens values sealed with an old key and reseals them under the new one', () => {
    const oldKey = newKey();
    const newKeyBytes = newKey();
    const before = loadKeyring({ env: { HANGAR_SECRET_KEY: b64(oldKey) } });
    const sealedOld = before.seal(TOKEN);

    const after = loadKeyring({ env: { HANGAR_SECRET_KEY: b64(newKeyBytes), HANGAR_SECRET_KEYS_PREVIOUS: ` ${b64(newKey())}, ${b64(oldKey)}` } });
    expect(after.currentKeyId).toBe(keyIdOf(newKeyBytes));
    expect(after.keyIds).toHaveLength(3);
    expect(after.needsReseal(sealedOld)).toBe(true);
    expect(needsReseal(sealedOld, after)).toBe(true);
    expect(after.open(sealedOld)).toBe(TOKEN);

    const resealed = after.reseal(sealedOld);
    expect(sealedKeyId(resealed)).toBe(after.currentKeyId);
    expect(after.needsReseal(resealed)).toBe(false);
    expect(after.open(resealed)).toBe(TOKEN);
    // Once the old key is dropped, the resealed value still opens, the old one does not.
    const onlyNew = loadKeyring({ env: { HANGAR_SECRET_KEY: b64(newKeyBytes) } });
    expect(onlyNew.open(resealed)).toBe(TOKEN);
    expect(secretError(() => onlyNew.open(sealedOld)).code).toBe('SECRET_KEY_UNKNOWN');
  });
});

describe('loadKeyring', () => {
  it('generates <dataDir>/secret.key with mode 0600 and reuses it on later loads', () => {
    const dataDir = join(tempDir(), 'nested', 'data');
    const first = loadKeyring({ env: {}, dataDir });
    const path = join(dataDir, KEY_FILE_NAME);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const stored = readFileSync(path, 'utf8').trim();
    expect(Buffer.from(stored, 'base64')).toHaveLength(32);
    expect(first.currentKeyId).toBe(keyIdOf(Buffer.from(stored, 'base64')));

    const sealed = first.seal(TOKEN);
    const second = loadKeyring({ env: {}, dataDir });
    expect(second.currentKeyId).toBe(first.currentKeyId);
    expect(second.open(sealed)).toBe(TOKEN);
    expect(readFileSync(path, 'utf8').trim()).toBe(stored);
  });

  it('processes starting at once agree on one key, and only the key file is left behind', async () => {
    const dataDir = tempDir();
    const script = `import { loadKeyring } from ${JSON.stringify(SECRETS_MODULE)}; console.log(loadKeyring({ env: {}, dataDir: process.argv[1] }).currentKeyId);`;
    const runs = await Promise.all(
      Array.from({ length: 4 }, () => run(process.execPath, ['--input-type=module', '-e', script, dataDir], { env: { PATH: process.env['PATH'] ?? '' } })),
    );
    const ids = runs.map((result) => result.stdout.trim());
    expect(ids[0]).toMatch(/^[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(1);
    expect(loadKeyring({ env: {}, dataDir }).currentKeyId).toBe(ids[0]);
    expect(readdirSync(dataDir)).toEqual([KEY_FILE_NAME]);
  });

  it('refuses a key file other users can read', () => {
    const dataDir = tempDir();
    loadKeyring({ env: {}, dataDir });
    chmodSync(join(dataDir, KEY_FILE_NAME), 0o644);
    const error = secretError(() => loadKeyring({ env: {}, dataDir }));
    expect(error.code).toBe('SECRET_KEY_INVALID');
    expect(error.message).toContain('chmod 600');
  });

  it('prefers HANGAR_SECRET_KEY and keeps an existing key file readable', () => {
    const dataDir = tempDir();
    const fromFile = loadKeyring({ env: {}, dataDir });
    const sealedWithFile = fromFile.seal(TOKEN);
    const key = newKey();
    const ring = loadKeyring({ env: { HANGAR_SECRET_KEY: b64(key) }, dataDir });
    expect(ring.currentKeyId).toBe(keyIdOf(key));
    expect(ring.open(sealedWithFile)).toBe(TOKEN);
    expect(ring.needsReseal(sealedWithFile)).toBe(true);
  });

  it('rejects a HANGAR_SECRET_KEY of the wrong length or encoding with a clear error', () => {
    const short = secretError(() => loadKeyring({ env: { HANGAR_SECRET_KEY: randomBytes(16).toString('base64') } }));
    expect(short.code).toBe('SECRET_KEY_INVALID');
    expect(short.message).toContain('HANGAR_SECRET_KEY must decode to 32 bytes, got 16');
    const long = secretError(() => loadKeyring({ env: { HANGAR_SECRET_KEY: randomBytes(48).toString('base64') } }));
    expect(long.message).toContain('got 48');
    const notBase64 = secretError(() => loadKeyring({ env: { HANGAR_SECRET_KEY: 'this is not base64!' } }));
    expect(notBase64.message).toContain('HANGAR_SECRET_KEY is not valid base64');
    expect(notBase64.message).not.toContain('this is not base64!');
    const badPrevious = secretError(() => loadKeyring({ env: { HANGAR_SECRET_KEY: b64(newKey()), HANGAR_SECRET_KEYS_PREVIOUS: `${b64(newKey())},${randomBytes(8).toString('base64')}` } }));
    expect(badPrevious.message).toContain('HANGAR_SECRET_KEYS_PREVIOUS entry 2');
  });

  it('needs either HANGAR_SECRET_KEY or a data directory', () => {
    expect(secretError(() => loadKeyring({ env: {} })).message).toContain('HANGAR_SECRET_KEY');
  });
});

describe('token hint and fingerprint', () => {
  it('shows only the last 4 characters', () => {
    expect(tokenHint(TOKEN)).toBe('…MNOP');
    expect(tokenHint('abc')).toBe('…');
  });

  it('fingerprints with the first 16 hex characters of sha256', () => {
    expect(tokenFingerprint('abc')).toBe('ba7816bf8f01cfea');
    expect(tokenFingerprint(TOKEN)).toMatch(/^[0-9a-f]{16}$/);
    expect(tokenFingerprint(TOKEN)).not.toBe(tokenFingerprint(`${TOKEN}x`));
  });
});
