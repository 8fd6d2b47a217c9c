/**
 * The committed Hetzner types must be what the generator makes from the committed spec.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { OUTPUT_PATH, SPEC_PATH, checkHetznerTypes, generateHetznerTypes, normaliseStatusRanges } from '../scripts/generate-hetzner-types.ts';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('../scripts/generate-hetzner-types.ts', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'hangar-gen-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('generated Hetzner types', () => {
  it('`--check` passes on the committed file (run as a process, as CI would)', async () => {
    const { stdout } = await run(process.execPath, [SCRIPT, '--check'], { cwd: fileURLToPath(new URL('../../..', import.meta.url)) });
    expect(stdout).toContain('up to date');
  }, 30_000);

  it('`--check` notices a stale file', async () => {
    const stale = join(scratch, 'hetzner.ts');
    writeFileSync(stale, `${readFileSync(OUTPUT_PATH, 'utf8')}\n// edited by hand\n`);
    expect((await checkHetznerTypes(SPEC_PATH, stale)).upToDate).toBe(false);
  }, 30_000);

  it('is reproducible and names its input', async () => {
    const specText = readFileSync(SPEC_PATH, 'utf8');
    const [a, b] = [await generateHetznerTypes(specText), await generateHetznerTypes(specText)];
    expect(a).toBe(b);
    expect(a).toContain('Spec sha256: 6e397c17038c6d9b3e77dfe29a83e672ca30d0a28e6b8de3cdcb5148a4a945a0');
    // Error responses are typed: openapi-fetch only recognises upper-case ranges.
    expect(a).toContain('"4XX": {');
    expect(a).not.toMatch(/"[45]xx": \{/);
  }, 30_000);

  it('renames lower-case status ranges and keeps the order of responses', () => {
    const spec = { paths: { '/a': { get: { responses: { '200': 1, '4xx': 2, '5xx': 3 } }, parameters: [] } } };
    expect(normaliseStatusRanges(spec)).toBe(2);
    expect(Object.keys(spec.paths['/a'].get.responses)).toEqual(['200', '4XX', '5XX']);
  });
});
