/**
 * Public keys as people paste them, checked against OpenSSH's own ssh-keygen: the keys it makes
 * are accepted with the fingerprints it computes, and anything else is refused with a message
 * that never quotes the key.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RSA_MIN_BITS, SSH_PUBLIC_KEY_MAX_CHARS, parseSshPublicKey } from '../src/ssh-public-key.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'hangar-ssh-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A key pair from ssh-keygen: the .pub text and ssh-keygen's MD5 and SHA-256 fingerprints. */
let made = 0;
function keygen(type: string, bits?: number): { file: string; publicKey: string; md5: string; sha256: string } {
  made += 1;
  const file = path.join(dir, `${type}-${bits ?? 'default'}-${made}`);
  execFileSync('ssh-keygen', ['-q', '-t', type, ...(bits ? ['-b', String(bits)] : []), '-N', '', '-C', 'me@laptop', '-f', file]);
  const fingerprint = (hash: string) => execFileSync('ssh-keygen', ['-l', '-E', hash, '-f', `${file}.pub`]).toString().split(' ')[1] ?? '';
  return { file, publicKey: readFileSync(`${file}.pub`, 'utf8'), md5: fingerprint('md5').replace(/^MD5:/, ''), sha256: fingerprint('sha256') };
}

describe('accepted keys', () => {
  it.each([
    ['ed25519', undefined, 'ED25519', 256],
    ['ecdsa', 256, 'ECDSA', 256],
    ['ecdsa', 384, 'ECDSA', 384],
    ['ecdsa', 521, 'ECDSA', 521],
    ['rsa', 2048, 'RSA', 2048],
    ['rsa', 4096, 'RSA', 4096],
  ] as const)('%s %s: type, size and the fingerprints ssh-keygen computes', (type, bits, expectedType, expectedBits) => {
    const key = keygen(type, bits);
    const parsed = parseSshPublicKey(`  ${key.publicKey}\n`);
    expect(parsed).toEqual({ type: expectedType, bits: expectedBits, normalized: key.publicKey.trim(), fingerprintMd5: key.md5, fingerprintSha256: key.sha256 });
  });
});

describe('refused keys', () => {
  const ed25519Key = keygen('ed25519');
  const ed25519 = ed25519Key.publicKey.trim();
  const rsa1024 = keygen('rsa', 1024);
  const data = ed25519.split(' ')[1] ?? '';

  it.each([
    ['empty', ''],
    ['RSA below the minimum', rsa1024.publicKey],
    ['a private key', readFileSync(ed25519Key.file, 'utf8')],
    ['two keys', `${ed25519}\n${ed25519}`],
    ['DSA', `ssh-dss ${data}`],
    ['a type that does not match the data', `ssh-rsa ${data}`],
    ['truncated data', `ssh-ed25519 ${data.slice(0, -8)}`],
    ['bad base64', `ssh-ed25519 ${data.slice(0, 20)}!!${data.slice(22)}`],
    ['trailing bytes', `ssh-ed25519 ${Buffer.concat([Buffer.from(data, 'base64'), Buffer.from([0])]).toString('base64')}`],
    ['a NUL in the comment', `${ed25519}\u0000`],
    ['a bidi override in the comment', `${ed25519} \u202egnp.exe`],
    ['10 MB', `ssh-ed25519 ${'A'.repeat(10 * 1024 * 1024)}`],
    ['not text', 42],
  ])('%s', (_label, text) => {
    const parsed = parseSshPublicKey(text);
    expect('problem' in parsed, JSON.stringify(parsed).slice(0, 200)).toBe(true);
    const problem = 'problem' in parsed ? parsed.problem : '';
    expect(problem.length).toBeLessThan(300);
    expect(problem).not.toContain(data.slice(10, 30));
  });

  it('names the rule a person broke', () => {
    expect(parseSshPublicKey(keygen('rsa', 1536).publicKey)).toEqual({ problem: expect.stringContaining(`at least ${RSA_MIN_BITS} bits (this one has 1536)`) });
    expect(parseSshPublicKey('x'.repeat(SSH_PUBLIC_KEY_MAX_CHARS + 1))).toEqual({ problem: expect.stringContaining(`at most ${SSH_PUBLIC_KEY_MAX_CHARS}`) });
    expect(parseSshPublicKey(readFileSync(rsa1024.file, 'utf8'))).toEqual({ problem: expect.stringContaining('private key') });
  });
});
