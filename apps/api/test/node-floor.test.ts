import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A newcomer on an old Node (Debian's 20, say) must read one line saying what to install, not a
// wall of warnings and a `.ts` stack trace. scripts/check-node.cjs is that line; npm's own
// engine check (engine-strict in .npmrc) stops `npm install` before anything is fetched.
const REPO = path.resolve(import.meta.dirname, '../../..');
const FLOOR = (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
const run = promisify(execFile);

interface Outcome { code: number; stdout: string; stderr: string }
async function outcome(file: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(file, args, options);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

function olderThanFloor(node: string): boolean {
  const have = execFileSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim().split('.').map(Number);
  const need = FLOOR.replace('>=', '').split('.').map(Number);
  const differs = [0, 1, 2].find((i) => have[i] !== need[i]);
  return differs !== undefined && have[differs]! < need[differs]!;
}

// The machine's own Node when it is older than the floor (CI machines carry Node 20); otherwise
// Node 20 from the npm registry, the same way .ci/run gets Node 24.
let scratch: string;
let oldNodeBin: string;
beforeAll(() => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'hangar-node-floor-'));
  if (existsSync('/usr/bin/node') && olderThanFloor('/usr/bin/node')) {
    oldNodeBin = '/usr/bin';
  } else {
    execFileSync('npm', ['install', '-g', '--prefix', path.join(scratch, 'node20'), 'node@20', '--no-audit', '--no-fund'], { cwd: '/', stdio: 'ignore' });
    oldNodeBin = path.join(scratch, 'node20', 'bin');
  }
}, 120_000);
afterAll(() => { rmSync(scratch, { recursive: true, force: true }); });

/** PATH with the old Node first; npm (any 11.x) still comes from this PATH. */
function oldNodeEnv(): NodeJS.ProcessEnv {
  return { ...process.env, PATH: `${oldNodeBin}:${process.env.PATH}`, npm_config_update_notifier: 'false' };
}

const ONE_LINE = new RegExp(`^Hangar needs Node\\.js ${FLOOR.replace('>=', '').replaceAll('.', '\\.')} or newer and this is v\\d+\\.\\d+\\.\\d+: install Node 24 LTS .*\\n$`);

describe('the Node floor', () => {
  it('check-node.cjs prints one line naming both versions and Node 24 LTS, and exits 1, on an old Node', async () => {
    const result = await outcome(path.join(oldNodeBin, 'node'), ['scripts/check-node.cjs'], { cwd: REPO, env: oldNodeEnv() });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(ONE_LINE);
    expect(result.stderr).toContain(execFileSync(path.join(oldNodeBin, 'node'), ['--version'], { encoding: 'utf8' }).trim());
  });

  it('check-node.cjs is silent and exits 0 on this Node', async () => {
    expect(await outcome(process.execPath, ['scripts/check-node.cjs'], { cwd: REPO, env: process.env })).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('`npm start` on an old Node ends with that one line and exit 1, before any .ts file runs', async () => {
    const result = await outcome('npm', ['start'], { cwd: REPO, env: oldNodeEnv() });
    expect(result.code).toBe(1);
    const errorLines = result.stderr.split('\n').filter((line) => line !== '' && !line.includes('Unknown user config'));
    expect(errorLines.join('\n') + '\n').toMatch(ONE_LINE);
    expect(result.stdout + result.stderr).not.toContain('ERR_UNKNOWN_FILE_EXTENSION');
  });

  it('`npm ci` on an old Node stops at the engine check: no wall of warnings, nothing installed', async () => {
    // A copy of what npm reads, so a surprise can never touch this checkout's node_modules.
    const copy = path.join(scratch, 'clone');
    mkdirSync(path.join(copy, 'scripts'), { recursive: true });
    for (const file of ['package.json', 'package-lock.json', '.npmrc', 'scripts/check-node.cjs']) copyFileSync(path.join(REPO, file), path.join(copy, file));
    const result = await outcome('npm', ['ci', '--no-audit', '--no-fund'], { cwd: copy, env: oldNodeEnv() });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`Required: {"node":"${FLOOR}"}`);
    expect(result.stderr).not.toContain('npm warn EBADENGINE');
    expect(existsSync(path.join(copy, 'node_modules'))).toBe(false);
  });
});
