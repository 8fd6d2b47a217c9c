/**
 * The node's own user data beside Hangar's bootstrap: the rules for what is accepted, and the
 * combined MIME multipart document checked with Debian's cloud-init itself (its schema check
 * and its own merge of the parts), and with the simulator's reading of it (script boot mode).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { AGENT_INSTALL_PATH, BOOTSTRAP_CONFIG_PATH, buildUserData } from '../src/bootstrap.ts';
import { BOOTSTRAP_MERGE_HOW, USER_DATA_BOUNDARY, combineUserData, summarizeUserData, userDataKind } from '../src/user-data.ts';
import { findBootstrap } from '../../../apps/hetzner-sim/src/bootstrap.ts';
import { providerProfile } from '@hangar/providers/registry';
import { readUserData } from '../../../apps/hetzner-sim/src/cloud-init.ts';

const MERGE_SCRIPT = fileURLToPath(new URL('./support/cloud-init-merge.py', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'hangar-user-data-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bootstrap = buildUserData({ apiUrl: 'http://127.0.0.1:4000', registrationToken: `rt_${'x'.repeat(43)}`, metadata: providerProfile('HETZNER').metadata });
const USER_CONFIG = '#cloud-config\npackages: [htop]\nwrite_files:\n  - path: /etc/user.txt\n    content: hi\nruncmd:\n  - [touch, /tmp/user-was-here]\n';

/** Debian's cloud-init or python3 running it; a missing one fails with the package to install. */
function run(command: string, args: string[]): { status: number | null; output: string } {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error) throw new Error(`${command} is required (apt-get install cloud-init): ${result.error.message}`);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('what user data is accepted', () => {
  it('is a cloud-config or a script, without NUL, valid Unicode and without our boundary', () => {
    expect(userDataKind(USER_CONFIG)).toBe('CLOUD_CONFIG');
    expect(userDataKind('#!/bin/sh\necho hi\n')).toBe('SCRIPT');
    for (const bad of ['echo hi', '#cloud-config\u0000', '\ud800#!/bin/sh\n', `#cloud-config\n# ${USER_DATA_BOUNDARY}\n`, '#cloud-boothook\necho\n']) {
      const kind = userDataKind(bad);
      expect(typeof kind === 'object' && kind.problem, JSON.stringify(bad)).toBeTruthy();
      expect(typeof kind === 'object' ? kind.problem : '').not.toContain('echo');
    }
  });

  it('is shown by size and SHA-256 only', () => {
    const text = '#!/bin/sh\necho ü\n';
    const sha256 = run('sha256sum', [write('summary', text)]).output.split(' ')[0];
    expect(summarizeUserData(text, 'SCRIPT')).toEqual({ kind: 'SCRIPT', bytes: Buffer.byteLength(text), sha256 });
  });
});

describe('the combined document', () => {
  it('is the bootstrap alone without user data', () => {
    expect(combineUserData(bootstrap, null)).toBe(bootstrap);
  });

  it("keeps both parts' write_files and runcmd when cloud-init itself merges them, and Hangar's part passes cloud-init's schema", () => {
    const combined = combineUserData(bootstrap, { text: USER_CONFIG, kind: 'CLOUD_CONFIG' });
    expect(Buffer.byteLength(combined)).toBeLessThan(32 * 1024);
    const merged = run('/usr/bin/python3', [MERGE_SCRIPT, write('combined', combined)]);
    expect(merged.status, merged.output).toBe(0);
    const out = JSON.parse(merged.output.trim().split('\n').at(-1) ?? '{}') as { write_files: string[]; runcmd: unknown[]; keys: string[] };
    expect(out.write_files).toEqual(['/etc/user.txt', BOOTSTRAP_CONFIG_PATH, AGENT_INSTALL_PATH, '/etc/systemd/system/hangar-agent.service']);
    expect(out.runcmd).toEqual([['touch', '/tmp/user-was-here'], ['systemctl', 'daemon-reload'], ['systemctl', 'enable', '--now', 'hangar-agent.service']]);
    expect(out.keys).toContain('packages');

    const hangarPart = bootstrap.replace(/^#cloud-config\n/, `#cloud-config\nmerge_how: '${BOOTSTRAP_MERGE_HOW}'\n`);
    expect(combined).toContain(hangarPart);
    const schema = run('cloud-init', ['schema', '--config-file', write('hangar-part', hangarPart)]);
    expect(schema, schema.output).toMatchObject({ status: 0 });
    const userSchema = run('cloud-init', ['schema', '--config-file', write('user-part', USER_CONFIG)]);
    expect(userSchema, userSchema.output).toMatchObject({ status: 0 });
  });

  it('runs a user script beside the bootstrap, and the machine still finds its agent and bootstrap line', () => {
    const combined = combineUserData(bootstrap, { text: '#!/bin/sh\necho user-script\n', kind: 'SCRIPT' });
    expect(combined).toContain('Content-Type: text/x-shellscript; charset="utf-8"');
    const plan = readUserData(combined);
    expect(plan?.startedUnits).toEqual(['hangar-agent.service']);
    expect(plan?.writeFiles.map((file) => file.path)).toContain(AGENT_INSTALL_PATH);
    expect(findBootstrap(combined)).toEqual({ apiUrl: 'http://127.0.0.1:4000', registrationToken: `rt_${'x'.repeat(43)}` });
    const merged = run('/usr/bin/python3', [MERGE_SCRIPT, write('script-combined', combined)]);
    expect(JSON.parse(merged.output.trim().split('\n').at(-1) ?? '{}').runcmd).toEqual([['systemctl', 'daemon-reload'], ['systemctl', 'enable', '--now', 'hangar-agent.service']]);
  });
});
