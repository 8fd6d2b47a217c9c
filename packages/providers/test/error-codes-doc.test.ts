/**
 * docs/error-codes.md "## Provider errors" and the code must agree exactly, in both
 * directions: every PROVIDER_* code with its retryable flag, meaning and advice; every Hetzner
 * code with its PROVIDER_* code; the status fallbacks; the transport failures.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PROVIDER_ERRORS } from '@hangar/domain/provider-errors';
import { HETZNER_ERROR_CODES, HETZNER_STATUS_CLASS_CODES, HETZNER_STATUS_CODES } from '../src/hetzner/error-mapping.ts';
import { TRANSPORT_FAILURE_CODES } from '../src/transport-errors.ts';

const DOC_PATH = fileURLToPath(new URL('../../../docs/error-codes.md', import.meta.url));
const doc = readFileSync(DOC_PATH, 'utf8');

function providerSection(): string {
  const start = doc.indexOf('\n## Provider errors\n');
  if (start === -1) throw new Error('docs/error-codes.md has no "## Provider errors" section');
  const rest = doc.slice(start + 1);
  const next = rest.slice(3).search(/^## /m);
  return next === -1 ? rest : rest.slice(0, next + 3);
}

/** The rows of the table whose header row is exactly `header` (cells trimmed, backticks kept). */
function table(header: string): string[][] {
  const lines = providerSection().split('\n');
  const at = lines.findIndex((line) => line.trim() === header);
  if (at === -1) throw new Error(`no table with header ${header}`);
  const rows: string[][] = [];
  for (const line of lines.slice(at + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(line.slice(1, -1).split(' | ').map((cell) => cell.trim()));
  }
  return rows;
}

const unquote = (cell: string | undefined): string => {
  const match = /^`([^`]+)`$/.exec(cell ?? '');
  if (!match?.[1]) throw new Error(`expected a \`code\` cell, got ${cell}`);
  return match[1];
};

describe('docs/error-codes.md, Provider errors', () => {
  it('keeps the marker line at the top', () => {
    expect(doc.split('\n')[0]).toBe('<!-- other sections are added by other engineers -->');
  });

  it('lists every PROVIDER_* code exactly once, with the same retryable flag, meaning and advice', () => {
    const rows = table('| code | retryable | meaning | what to do |');
    const documented = rows.map((row) => unquote(row[0]));
    expect(new Set(documented).size).toBe(documented.length);
    expect([...documented].sort()).toEqual(Object.keys(PROVIDER_ERRORS).sort());
    for (const [cell, retryable, meaning, hint] of rows) {
      const definition = PROVIDER_ERRORS[unquote(cell) as keyof typeof PROVIDER_ERRORS];
      expect(retryable, unquote(cell)).toBe(definition.retryable ? 'yes' : 'no');
      expect(meaning, unquote(cell)).toBe(definition.meaning);
      expect(hint, unquote(cell)).toBe(definition.hint);
    }
  });

  it('maps every Hetzner code the way the code does, and documents no other', () => {
    const rows = table('| Hetzner code | HTTP status | source | PROVIDER_* code |');
    const documented = new Map(rows.map((row) => [unquote(row[0]), unquote(row[3])]));
    expect(documented.size).toBe(rows.length);
    expect(Object.fromEntries(documented)).toEqual({ ...HETZNER_ERROR_CODES });
    for (const code of documented.values()) expect(Object.keys(PROVIDER_ERRORS)).toContain(code);
  });

  it('documents the status fallback for unknown codes', () => {
    const rows = table('| HTTP status | PROVIDER_* code |');
    const documented = Object.fromEntries(rows.map((row) => [row[0], unquote(row[1])]));
    const expected: Record<string, string> = {};
    for (const [status, code] of Object.entries(HETZNER_STATUS_CODES)) expected[status] = code;
    expected['other 4xx'] = HETZNER_STATUS_CLASS_CODES['4xx'];
    expected['other 5xx'] = HETZNER_STATUS_CLASS_CODES['5xx'];
    expected['anything else'] = HETZNER_STATUS_CLASS_CODES.other;
    expect(documented).toEqual(expected);
  });

  it('documents every transport failure kind', () => {
    const rows = table('| failure | seen as | PROVIDER_* code |');
    expect(Object.fromEntries(rows.map((row) => [row[0], unquote(row[2])]))).toEqual({ ...TRANSPORT_FAILURE_CODES });
  });
});
