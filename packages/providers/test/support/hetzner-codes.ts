/**
 * The Hetzner error codes the mapping must cover, read from the spec files in
 * packages/providers/spec (never from the mapping itself).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SPEC_DIR = fileURLToPath(new URL('../../spec/', import.meta.url));

/** Codes hcloud-go knows beyond the spec's general table (hcloud/error.go). */
export const HCLOUD_GO_EXTRA_CODES = ['unknown_error', 'robot_unavailable', 'resource_locked', 'bad_gateway', 'limit_reached'] as const;

/** `code → HTTP statuses` from the "Error Codes" table in the spec's info.description. */
export function specGeneralErrorCodes(): Map<string, number[]> {
  const spec = JSON.parse(readFileSync(`${SPEC_DIR}cloud.spec.json`, 'utf8')) as { info: { description: string } };
  const description = spec.info.description;
  const start = description.indexOf('### Error Codes');
  if (start === -1) throw new Error('spec has no "### Error Codes" table');
  const table = description.slice(start).split('\n\n')[1] ?? '';
  const codes = new Map<string, number[]>();
  for (const match of table.matchAll(/^\| `(\d{3})` \| `([a-z_]+)` \|/gm)) {
    const [, status, code] = match as unknown as [string, string, string];
    codes.set(code, [...(codes.get(code) ?? []), Number(status)]);
  }
  return codes;
}

/** `code → HTTP statuses` from operation-error-codes.txt (operation-specific errors). */
export function operationErrorCodes(): Map<string, number[]> {
  const codes = new Map<string, number[]>();
  for (const line of readFileSync(`${SPEC_DIR}operation-error-codes.txt`, 'utf8').split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const [status, code] = line.split('\t');
    if (status === undefined || code === undefined) throw new Error(`unreadable line: ${line}`);
    codes.set(code, [...(codes.get(code) ?? []), Number(status)].sort());
  }
  return codes;
}

/** Every code the mapping must know, with the statuses the sources give it (empty = none given). */
export function requiredHetznerCodes(): Map<string, number[]> {
  const all = new Map<string, number[]>();
  for (const source of [specGeneralErrorCodes(), operationErrorCodes()]) {
    for (const [code, statuses] of source) all.set(code, [...new Set([...(all.get(code) ?? []), ...statuses])].sort());
  }
  for (const code of HCLOUD_GO_EXTRA_CODES) if (!all.has(code)) all.set(code, []);
  return all;
}
