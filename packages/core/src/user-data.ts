/**
 * A node's own user data (a cloud-config or a script), checked before any provider call and
 * combined with Hangar's bootstrap (bootstrap.ts buildUserData) into one cloud-init MIME
 * multipart document, so both run.
 *
 * Invariants:
 * - The user's part comes first and Hangar's cloud-config second, with
 *   `merge_how: list(append)+dict(no_replace,recurse_list)+str()`: cloud-init appends Hangar's
 *   write_files and runcmd to the user's instead of replacing them, and for any other key the
 *   user's value stays.
 * - User data may hold secrets: it is stored sealed (Node.userDataSealed), never logged, never
 *   returned; the API shows its size and SHA-256 only.
 * - Hangar's part is sent as plain text (7bit), so its bootstrap line stays findable by the
 *   machine's agent and by the simulator.
 */
import { createHash } from 'node:crypto';

/** What the user data is, from its first line. */
export type UserDataKind = 'CLOUD_CONFIG' | 'SCRIPT';

/** The boundary between parts; user data containing it is refused. */
export const USER_DATA_BOUNDARY = '==HANGAR-USER-DATA-BOUNDARY-7f3c9b2e==';
/** How cloud-init merges Hangar's cloud-config into the user's (see the invariants). */
export const BOOTSTRAP_MERGE_HOW = 'list(append)+dict(no_replace,recurse_list)+str()';

const CONTENT_TYPES: Readonly<Record<UserDataKind, string>> = { CLOUD_CONFIG: 'text/cloud-config', SCRIPT: 'text/x-shellscript' };

/** The user data's size and digest, what the API shows instead of the text. */
export interface UserDataSummary {
  kind: UserDataKind;
  bytes: number;
  sha256: string;
}

/** The kind of user data, or a problem for a person (never quoting the text). */
export function userDataKind(text: string): UserDataKind | { problem: string } {
  if (text.includes('\u0000')) return { problem: 'user data must not contain NUL characters' };
  if (!text.isWellFormed()) return { problem: 'user data must be valid Unicode text' };
  if (text.includes(USER_DATA_BOUNDARY)) return { problem: 'user data must not contain Hangar’s MIME boundary' };
  if (/^#cloud-config[ \t]*\r?\n/.test(text) || text === '#cloud-config') return 'CLOUD_CONFIG';
  if (/^#!\/[^\r\n]*\r?\n/.test(text)) return 'SCRIPT';
  return { problem: 'user data must be a cloud-config (first line "#cloud-config") or a script (first line "#!", e.g. "#!/bin/sh")' };
}

export function summarizeUserData(text: string, kind: UserDataKind): UserDataSummary {
  return { kind, bytes: Buffer.byteLength(text, 'utf8'), sha256: createHash('sha256').update(text, 'utf8').digest('hex') };
}

function part(contentType: string, encoding: '7bit' | '8bit', filename: string, body: string): string {
  return [
    `--${USER_DATA_BOUNDARY}`,
    `Content-Type: ${contentType}; charset="utf-8"`,
    'MIME-Version: 1.0',
    `Content-Transfer-Encoding: ${encoding}`,
    `Content-Disposition: attachment; filename="${filename}"`,
    '',
    body.endsWith('\n') ? body : `${body}\n`,
  ].join('\n');
}

/**
 * The user data sent to the provider: Hangar's bootstrap cloud-config alone, or with the user's
 * part as a MIME multipart document. `bootstrap` must start with "#cloud-config\n".
 */
export function combineUserData(bootstrap: string, user: { text: string; kind: UserDataKind } | null): string {
  if (user === null) return bootstrap;
  const hangar = bootstrap.replace(/^#cloud-config\n/, `#cloud-config\nmerge_how: '${BOOTSTRAP_MERGE_HOW}'\n`);
  return [
    `Content-Type: multipart/mixed; boundary="${USER_DATA_BOUNDARY}"`,
    'MIME-Version: 1.0',
    '',
    part(CONTENT_TYPES[user.kind], '8bit', user.kind === 'SCRIPT' ? 'user-script.sh' : 'user-data.cfg', user.text),
    part('text/cloud-config', '7bit', 'hangar-bootstrap.cfg', hangar),
    `--${USER_DATA_BOUNDARY}--`,
    '',
  ].join('\n');
}
