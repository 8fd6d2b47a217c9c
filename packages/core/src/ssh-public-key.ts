/**
 * OpenSSH public keys as a person pastes them (`ssh-ed25519 AAAA… comment`): parsed, checked
 * and fingerprinted before anything reaches a provider. Accepted: Ed25519, ECDSA (P-256, P-384,
 * P-521) and RSA of at least RSA_MIN_BITS. Messages never quote the key.
 */
import { createHash } from 'node:crypto';
import { displayTextProblem } from '@hangar/domain/text-rules';

/** Shortest RSA modulus accepted, in bits (shorter keys are breakable). */
export const RSA_MIN_BITS = 2048;
/** Longest RSA modulus accepted, in bits (OpenSSH's own limit). */
export const RSA_MAX_BITS = 16_384;
/** Longest key text accepted, in characters (a 16384-bit RSA key with a comment fits). */
export const SSH_PUBLIC_KEY_MAX_CHARS = 8 * 1024;
/** Longest comment kept, in characters. */
export const SSH_KEY_COMMENT_MAX_CHARS = 256;

const UINT32_BYTES = 4;
const ED25519_KEY_BYTES = 32;
/** Uncompressed EC point sizes per curve (0x04 ‖ X ‖ Y). */
const ECDSA_POINT_BYTES: Readonly<Record<string, number>> = { nistp256: 65, nistp384: 97, nistp521: 133 };
const ECDSA_BITS: Readonly<Record<string, number>> = { nistp256: 256, nistp384: 384, nistp521: 521 };
const UNCOMPRESSED_POINT = 0x04;
const BITS_PER_BYTE = 8;

export type SshKeyType = 'ED25519' | 'ECDSA' | 'RSA';

/** A checked public key. */
export interface SshPublicKey {
  type: SshKeyType;
  bits: number;
  /** `<type> <base64>[ <comment>]`, single spaces, no line break. */
  normalized: string;
  /** MD5 of the key blob, colon-separated hex: the form Hetzner shows. */
  fingerprintMd5: string;
  /** SHA-256 of the key blob, unpadded base64 with the SHA256: prefix: the form `ssh-keygen -l` shows. */
  fingerprintSha256: string;
}

/** Reads length-prefixed fields of an SSH wire-format blob. */
class BlobReader {
  #offset = 0;
  readonly blob: Buffer;

  constructor(blob: Buffer) {
    this.blob = blob;
  }

  field(): Buffer | null {
    if (this.#offset + UINT32_BYTES > this.blob.length) return null;
    const length = this.blob.readUInt32BE(this.#offset);
    const start = this.#offset + UINT32_BYTES;
    if (start + length > this.blob.length) return null;
    this.#offset = start + length;
    return this.blob.subarray(start, start + length);
  }

  get done(): boolean {
    return this.#offset === this.blob.length;
  }
}

function bitLength(mpint: Buffer): number {
  let i = 0;
  while (i < mpint.length && mpint[i] === 0) i += 1;
  if (i === mpint.length) return 0;
  return (mpint.length - i - 1) * BITS_PER_BYTE + (32 - Math.clz32(mpint[i] ?? 0));
}

/** The key's type and size from its blob, or a problem. */
function readBlob(typeName: string, blob: Buffer): { type: SshKeyType; bits: number } | { problem: string } {
  const reader = new BlobReader(blob);
  const inner = reader.field()?.toString('latin1');
  if (inner !== typeName) return { problem: 'the key data does not match its type (is it copied completely?)' };
  if (typeName === 'ssh-ed25519') {
    const key = reader.field();
    if (!key || key.length !== ED25519_KEY_BYTES || !reader.done) return { problem: 'the Ed25519 key data is malformed' };
    return { type: 'ED25519', bits: 256 };
  }
  if (typeName.startsWith('ecdsa-sha2-')) {
    const curve = typeName.slice('ecdsa-sha2-'.length);
    const named = reader.field()?.toString('latin1');
    const point = reader.field();
    const size = ECDSA_POINT_BYTES[curve];
    if (named !== curve || !point || point.length !== size || point[0] !== UNCOMPRESSED_POINT || !reader.done) return { problem: 'the ECDSA key data is malformed' };
    return { type: 'ECDSA', bits: ECDSA_BITS[curve] ?? 0 };
  }
  const exponent = reader.field();
  const modulus = reader.field();
  if (!exponent || !modulus || !reader.done || bitLength(exponent) === 0) return { problem: 'the RSA key data is malformed' };
  const bits = bitLength(modulus);
  if (bits < RSA_MIN_BITS) return { problem: `RSA keys must have at least ${RSA_MIN_BITS} bits (this one has ${bits}); create a new one with \`ssh-keygen -t ed25519\`` };
  if (bits > RSA_MAX_BITS) return { problem: `RSA keys may have at most ${RSA_MAX_BITS} bits (this one has ${bits})` };
  return { type: 'RSA', bits };
}

const TYPE_NAMES = new Set(['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'ssh-rsa']);
const BASE64_RE = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Parses one OpenSSH public key line. Returns the key, or a problem for a person (never quoting
 * the text: a private key pasted by mistake must not travel further).
 */
export function parseSshPublicKey(text: unknown): SshPublicKey | { problem: string } {
  if (typeof text !== 'string' || text.trim() === '') return { problem: 'a public key is required, e.g. the contents of ~/.ssh/id_ed25519.pub' };
  if (text.length > SSH_PUBLIC_KEY_MAX_CHARS) return { problem: `a public key is at most ${SSH_PUBLIC_KEY_MAX_CHARS} characters (this text has ${text.length})` };
  if (/PRIVATE KEY/.test(text)) return { problem: 'this is a private key: paste the public key instead (the .pub file), and keep the private key secret' };
  const trimmed = text.trim();
  if (/[\r\n]/.test(trimmed)) return { problem: 'a public key is one line; paste one key at a time' };
  const [typeName = '', data = '', ...commentParts] = trimmed.split(/[ \t]+/);
  if (!TYPE_NAMES.has(typeName)) {
    return { problem: 'unsupported key type: use an Ed25519 (ssh-ed25519), ECDSA (ecdsa-sha2-nistp256/384/521) or RSA (ssh-rsa, at least 2048 bits) public key in OpenSSH format' };
  }
  if (!BASE64_RE.test(data)) return { problem: 'the key data is not base64 (is it copied completely?)' };
  const blob = Buffer.from(data, 'base64');
  if (blob.toString('base64') !== data) return { problem: 'the key data is not valid base64 (is it copied completely?)' };
  const read = readBlob(typeName, blob);
  if ('problem' in read) return read;
  const comment = commentParts.join(' ');
  if (comment.length > SSH_KEY_COMMENT_MAX_CHARS) return { problem: `the key's comment must be at most ${SSH_KEY_COMMENT_MAX_CHARS} characters` };
  const commentProblem = displayTextProblem(comment);
  if (commentProblem !== null) return { problem: `the key's comment ${commentProblem}` };
  return {
    type: read.type,
    bits: read.bits,
    normalized: comment === '' ? `${typeName} ${data}` : `${typeName} ${data} ${comment}`,
    fingerprintMd5: (createHash('md5').update(blob).digest('hex').match(/../g) ?? []).join(':'),
    fingerprintSha256: `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`,
  };
}
