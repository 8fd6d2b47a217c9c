/**
 * Secrets at rest (provider API tokens): AES-256-GCM with node:crypto.
 *
 * Sealed format: `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts), keyId = the first 12
 * hex characters of sha256(key). The `v1.<keyId>` header is authenticated data, so a value
 * cannot be relabelled to another key or version without failing the tag check.
 *
 * Keys: the current one from HANGAR_SECRET_KEY (32 bytes, base64) or, when that is unset, from
 * `<dataDir>/secret.key` (generated on first start with mode 0600, reused afterwards). Older
 * keys from HANGAR_SECRET_KEYS_PREVIOUS (comma-separated base64) still open old values, so a
 * key can be rotated: set the new key, list the old one as previous, reseal what needsReseal.
 *
 * Keys live only in closures; errors name key ids, never keys or plaintext.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { noteSecret } from '@hangar/domain/secret-registry';

/** Version tag of the sealed format. */
export const SEALED_FORMAT_VERSION = 'v1';
/** AES-256 key length in bytes. */
export const SECRET_KEY_BYTES = 32;
/** GCM nonce length in bytes (the recommended 96 bits). */
export const IV_BYTES = 12;
/** GCM authentication tag length in bytes. */
export const AUTH_TAG_BYTES = 16;
/** Hex characters of sha256(key) that form a key id. */
export const KEY_ID_HEX_CHARS = 12;
/** Name of the generated key file inside the data directory. */
export const KEY_FILE_NAME = 'secret.key';
/** Permissions of the generated key file: owner read/write only. */
export const KEY_FILE_MODE = 0o600;

const CIPHER = 'aes-256-gcm';
const BASE64_RE = /^[A-Za-z0-9+/]+={0,2}$/;
const BASE64URL_RE = /^[A-Za-z0-9_-]*$/;
const KEY_ID_RE = new RegExp(`^[0-9a-f]{${KEY_ID_HEX_CHARS}}$`);

/** Why a secret operation failed. */
export type SecretErrorCode = 'SECRET_KEY_INVALID' | 'SECRET_KEY_UNKNOWN' | 'SECRET_DECRYPT_FAILED' | 'SECRET_FORMAT_INVALID';

/** A failure to load keys or to open a sealed value. Never carries key material or plaintext. */
export class SecretError extends Error {
  readonly code: SecretErrorCode;
  /** The key id involved, when there is one. */
  readonly keyId: string | null;

  constructor(code: SecretErrorCode, message: string, keyId: string | null = null) {
    super(message);
    this.name = 'SecretError';
    this.code = code;
    this.keyId = keyId;
  }
}

/** The key id of a key: first KEY_ID_HEX_CHARS hex characters of its sha256. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, KEY_ID_HEX_CHARS);
}

/** Decodes a base64 key and checks its length; `source` names where it came from in errors. */
export function parseSecretKey(encoded: string, source: string): Buffer {
  const trimmed = encoded.trim();
  if (!BASE64_RE.test(trimmed) || trimmed.length % 4 !== 0) {
    throw new SecretError('SECRET_KEY_INVALID', `${source} is not valid base64 (expected ${SECRET_KEY_BYTES} random bytes, base64-encoded, e.g. from \`openssl rand -base64 32\`)`);
  }
  const key = Buffer.from(trimmed, 'base64');
  if (key.length !== SECRET_KEY_BYTES) {
    throw new SecretError(
      'SECRET_KEY_INVALID',
      `${source} must decode to ${SECRET_KEY_BYTES} bytes, got ${key.length} (generate one with \`openssl rand -base64 32\`)`,
    );
  }
  return key;
}

/** Encrypts and decrypts secrets with a current key and older ones. */
export type Keyring = {
  /** Id of the key new values are sealed with. */
  readonly currentKeyId: string;
  /** Ids of every key that can open values (current first). */
  readonly keyIds: readonly string[];
  /** Encrypts `plain` under the current key. */
  seal(plain: string): string;
  /** Decrypts a sealed value with the key its id names. */
  open(sealed: string): string;
  /** Whether a sealed value is under an older key (and should be resealed). */
  needsReseal(sealed: string): boolean;
  /** Opens and seals again under the current key. */
  reseal(sealed: string): string;
};

/** The parts of a sealed value. */
export type SealedParts = { version: string; keyId: string; iv: Buffer; tag: Buffer; ciphertext: Buffer };

/** Splits a sealed value; throws SECRET_FORMAT_INVALID when it is not one. */
export function parseSealed(sealed: string): SealedParts {
  const parts = sealed.split('.');
  const [version, keyId, iv, tag, ciphertext] = parts;
  if (
    parts.length !== 5 ||
    version !== SEALED_FORMAT_VERSION ||
    keyId === undefined ||
    !KEY_ID_RE.test(keyId) ||
    iv === undefined ||
    tag === undefined ||
    ciphertext === undefined ||
    ![iv, tag, ciphertext].every((part) => BASE64URL_RE.test(part))
  ) {
    throw new SecretError('SECRET_FORMAT_INVALID', `not a sealed secret (expected ${SEALED_FORMAT_VERSION}.<keyId>.<iv>.<tag>.<ciphertext>)`);
  }
  const parsed = {
    version,
    keyId,
    iv: Buffer.from(iv, 'base64url'),
    tag: Buffer.from(tag, 'base64url'),
    ciphertext: Buffer.from(ciphertext, 'base64url'),
  };
  if (parsed.iv.length !== IV_BYTES || parsed.tag.length !== AUTH_TAG_BYTES) {
    throw new SecretError('SECRET_FORMAT_INVALID', `sealed secret under key ${keyId} has a malformed iv or tag`, keyId);
  }
  return parsed;
}

/** The key id a sealed value names (to store beside it, or to find stale values). */
export function sealedKeyId(sealed: string): string {
  return parseSealed(sealed).keyId;
}

/** Whether `sealed` is under another key than the keyring's current one. */
export function needsReseal(sealed: string, keyring: Pick<Keyring, 'currentKeyId'>): boolean {
  return sealedKeyId(sealed) !== keyring.currentKeyId;
}

/** A keyring from raw keys. Duplicate keys are ignored; the current key is always first. */
export function createKeyring(current: Buffer, previous: readonly Buffer[] = []): Keyring {
  for (const key of [current, ...previous]) {
    if (key.length !== SECRET_KEY_BYTES) throw new SecretError('SECRET_KEY_INVALID', `a secret key must be ${SECRET_KEY_BYTES} bytes, got ${key.length}`);
  }
  const keys = new Map<string, Buffer>();
  for (const key of [current, ...previous]) {
    for (const encoding of ['base64', 'base64url', 'hex'] as const) noteSecret(key.toString(encoding));
    const id = keyIdOf(key);
    if (!keys.has(id)) keys.set(id, Buffer.from(key));
  }
  const currentKeyId = keyIdOf(current);
  const header = (keyId: string) => Buffer.from(`${SEALED_FORMAT_VERSION}.${keyId}`);

  const seal = (plain: string): string => {
    noteSecret(plain); // whatever is sealed is a secret (a provider token): the suite's scan looks for it
    const key = keys.get(currentKeyId) as Buffer;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(CIPHER, key, iv, { authTagLength: AUTH_TAG_BYTES });
    cipher.setAAD(header(currentKeyId));
    const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [SEALED_FORMAT_VERSION, currentKeyId, iv.toString('base64url'), tag.toString('base64url'), ciphertext.toString('base64url')].join('.');
  };

  const open = (sealed: string): string => {
    const parts = parseSealed(sealed);
    const key = keys.get(parts.keyId);
    if (key === undefined) {
      throw new SecretError(
        'SECRET_KEY_UNKNOWN',
        `secret was sealed with key ${parts.keyId}, which is not in the keyring (known: ${[...keys.keys()].join(', ')}); add that key to HANGAR_SECRET_KEYS_PREVIOUS`,
        parts.keyId,
      );
    }
    try {
      const decipher = createDecipheriv(CIPHER, key, parts.iv, { authTagLength: AUTH_TAG_BYTES });
      decipher.setAAD(header(parts.keyId));
      decipher.setAuthTag(parts.tag);
      return Buffer.concat([decipher.update(parts.ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretError(
        'SECRET_DECRYPT_FAILED',
        `secret sealed with key ${parts.keyId} failed authentication: it was altered or sealed with a different key of the same id`,
        parts.keyId,
      );
    }
  };

  return Object.freeze({
    currentKeyId,
    keyIds: Object.freeze([...keys.keys()]),
    seal,
    open,
    needsReseal: (sealed: string) => needsReseal(sealed, { currentKeyId }),
    reseal: (sealed: string) => seal(open(sealed)),
  });
}

/**
 * Reads `<dataDir>/secret.key`, creating it (mode 0600) with a random key when missing. The
 * key is written to a private temporary file and hard-linked into place, so the file appears
 * complete or not at all, and of two processes starting at once exactly one key wins.
 */
export function loadOrCreateKeyFile(dataDir: string): { key: Buffer; path: string; created: boolean } {
  const path = join(dataDir, KEY_FILE_NAME);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  let created = false;
  if (!existsSync(path)) {
    const temporary = join(dataDir, `.${KEY_FILE_NAME}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    const fd = openSync(temporary, 'wx', KEY_FILE_MODE);
    try {
      writeSync(fd, `${randomBytes(SECRET_KEY_BYTES).toString('base64')}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      chmodSync(temporary, KEY_FILE_MODE); // the process umask cannot loosen it
      linkSync(temporary, path);
      created = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      unlinkSync(temporary);
    }
  }
  if (created) return { key: parseSecretKey(readFileSync(path, 'utf8'), path), path, created };
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new SecretError('SECRET_KEY_INVALID', `${path} is readable or writable by other users (mode ${mode.toString(8)}); run chmod 600 on it`);
  }
  return { key: parseSecretKey(readFileSync(path, 'utf8'), path), path, created: false };
}

/**
 * The keyring for this process. The current key is HANGAR_SECRET_KEY when set, else the key
 * file in `dataDir`; HANGAR_SECRET_KEYS_PREVIOUS adds older keys. When HANGAR_SECRET_KEY is set
 * and a key file exists too, the file's key stays readable as a previous key, so moving from
 * the generated file to an explicit key does not strand stored tokens.
 */
export function loadKeyring(options: { env?: Record<string, string | undefined>; dataDir?: string } = {}): Keyring {
  const env = options.env ?? process.env;
  const previous: Buffer[] = [];
  const previousList = env['HANGAR_SECRET_KEYS_PREVIOUS'] ?? '';
  previousList
    .split(',')
    .map((entry) => entry.trim())
    .forEach((entry, index) => {
      if (entry !== '') previous.push(parseSecretKey(entry, `HANGAR_SECRET_KEYS_PREVIOUS entry ${index + 1}`));
    });

  const explicit = env['HANGAR_SECRET_KEY'];
  if (explicit !== undefined && explicit.trim() !== '') {
    const current = parseSecretKey(explicit, 'HANGAR_SECRET_KEY');
    if (options.dataDir !== undefined) {
      const path = join(options.dataDir, KEY_FILE_NAME);
      let exists: boolean;
      try {
        exists = statSync(path).isFile();
      } catch {
        exists = false;
      }
      if (exists) previous.push(loadOrCreateKeyFile(options.dataDir).key);
    }
    return createKeyring(current, previous);
  }
  if (options.dataDir === undefined) {
    throw new SecretError('SECRET_KEY_INVALID', 'no secret key: set HANGAR_SECRET_KEY (32 bytes, base64) or give a data directory for a generated key file');
  }
  return createKeyring(loadOrCreateKeyFile(options.dataDir).key, previous);
}

/** Length below which a token shows no characters in its hint. */
const TOKEN_HINT_MIN_LENGTH = 8;
/** Characters of a token its hint shows. */
export const TOKEN_HINT_CHARS = 4;

/** What the API may show of a token: "…" and its last 4 characters (nothing for short tokens). */
export function tokenHint(token: string): string {
  return token.length < TOKEN_HINT_MIN_LENGTH ? '…' : `…${token.slice(-TOKEN_HINT_CHARS)}`;
}

/** A stable fingerprint of a token: the first 16 hex characters of its sha256. */
export function tokenFingerprint(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 16);
}
