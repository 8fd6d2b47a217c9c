import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A newcomer on an old Node (Debian's 20, say) must read one line saying what to install, not a
// wall of warnings and a `.ts` stack trace. scripts/check-node.cjs is that line: `npm start` runs
// it first, and `npm install` as the preinstall script, with .npmrc keeping npm to errors (no
// EBADENGINE warnings before the line) and without engine-strict (npm's own refusal would come
// instead of the line).
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
/**
 * The environment a person's shell gives npm: without the npm_* variables of the `npm run` that
 * started this suite (`npm run -s test` would hand its loglevel=silent to the npm under test).
 */
function shellEnv(): NodeJS.ProcessEnv {
  return { ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_'))), npm_config_update_notifier: 'false' };
}

function oldNodeEnv(): NodeJS.ProcessEnv {
  return { ...shellEnv(), PATH: `${oldNodeBin}:${process.env.PATH}` };
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

  /**
   * What npm reads for an install, with one dependency that, like most of Hangar's, wants a newer
   * Node: a local folder, so npm fetches nothing and the test takes seconds, not a full install.
   */
  function installable(name: string): string {
    const dir = path.join(scratch, name);
    mkdirSync(path.join(dir, 'scripts'), { recursive: true });
    mkdirSync(path.join(dir, 'needs-new-node'), { recursive: true });
    copyFileSync(path.join(REPO, '.npmrc'), path.join(dir, '.npmrc'));
    copyFileSync(path.join(REPO, 'scripts/check-node.cjs'), path.join(dir, 'scripts/check-node.cjs'));
    const root = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { name: string; engines: unknown; scripts: { preinstall: string } };
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: root.name, version: '0.0.0', private: true, engines: root.engines, scripts: { preinstall: root.scripts.preinstall }, dependencies: { 'needs-new-node': 'file:./needs-new-node' } }));
    writeFileSync(path.join(dir, 'needs-new-node', 'package.json'), JSON.stringify({ name: 'needs-new-node', version: '1.0.0', engines: { node: '>=22.18.0' } }));
    return dir;
  }

  it('`npm install` on an old Node ends with that one line and a non-zero exit, with no EBADENGINE warning before it', async () => {
    const result = await outcome('npm', ['install', '--no-audit', '--no-fund'], { cwd: installable('old'), env: oldNodeEnv() });
    expect(result.code).not.toBe(0);
    const lines = (result.stdout + result.stderr).split('\n');
    const line = lines.findIndex((text) => ONE_LINE.test(`${text}\n`));
    expect(line, result.stdout + result.stderr).toBeGreaterThanOrEqual(0);
    // Before it: only npm's banner of the preinstall script; no warning at all.
    expect(lines.slice(0, line).filter((text) => text !== '')).toEqual(['> hangar@0.0.0 preinstall', `> ${JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')).scripts.preinstall}`]);
    expect(result.stdout + result.stderr).not.toMatch(/EBADENGINE|npm warn/);
  });

  it('`npm install` on this Node runs the check silently and installs', async () => {
    const dir = installable('current');
    const result = await outcome('npm', ['install', '--no-audit', '--no-fund'], { cwd: dir, env: shellEnv() });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    expect(existsSync(path.join(dir, 'node_modules', 'needs-new-node', 'package.json'))).toBe(true);
  });
});
