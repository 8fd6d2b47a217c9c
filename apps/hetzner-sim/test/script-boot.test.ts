import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile, readdir, readlink, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildUserData } from '../../../packages/core/src/bootstrap.ts';
import { readUserData } from '../src/cloud-init.ts';
import { buildSimulator } from '../src/simulator.ts';
import { type FakeHangar, startFakeHangar } from './support/fake-hangar.ts';
import { request, waitFor } from './support/http.ts';
import { type TestSim, startTestSim } from './support/sim.ts';
import { groupAlive } from './support/processes.ts';
import { providerProfile } from '@hangar/providers/registry';

/** Hetzner's metadata service, as its profile states it (the bootstrap document carries it). */
const HETZNER_METADATA = providerProfile('HETZNER').metadata;

/**
 * The script boot mode: the user data Hangar builds, its agent (packages/core/agent/hangar-agent.sh)
 * run under /bin/sh in a sandbox, talking to a stand-in for Hangar. Waits are for events (calls
 * received, processes gone), never for durations.
 */
let t: TestSim;
let hangar: FakeHangar;
let api: ReturnType<TestSim['api']>;
let projectId: number;

beforeAll(async () => {
  t = await startTestSim({ speed: 'fast', seed: 5, boot: 'script' });
});
beforeEach(async () => {
  hangar = await startFakeHangar();
  const project = await t.project();
  projectId = project.id;
  api = t.api(project.token);
});
afterEach(async () => {
  await t.admin('POST', '/reset');
  await hangar.stop();
});
afterAll(async () => {
  await t.sim.stop();
});

interface Boot {
  state: string;
  mode: string;
  pid: number | null;
  registerAttempts: number;
  nodeId: string | null;
  lastError: string | null;
  log: string[];
}

let serverCounter = 0;
const TOKEN = (n: number): string => `rt_${'A'.repeat(40)}${n}`;

async function createServer(userData: string, name = `agent-${++serverCounter}`): Promise<number> {
  const res = await api('POST', '/servers', { name, server_type: 'cpx11', image: 'debian-12', location: 'nbg1', user_data: userData });
  expect(res.status, res.text).toBe(201);
  return res.json.server.id;
}

async function bootOf(id: number): Promise<Boot> {
  const servers = (await t.admin('GET', `/servers?includeDeleted=true&projectId=${projectId}`)).json.servers as Array<{ id: number; boot: Boot }>;
  const found = servers.find((s) => s.id === id);
  if (!found) throw new Error(`server ${id} not in admin view`);
  return found.boot;
}

async function heartbeatsReach(count: number): Promise<void> {
  await waitFor(() => (hangar.heartbeats().length >= count ? true : undefined), `${count} heartbeats`);
}

/**
 * Waits until no process of the agent's group runs. The group's members get the same signal as
 * its leader but exit on their own schedule: the leader's exit (boot.pid null, state stopped)
 * does not mean they are gone yet.
 */
function groupEnds(pid: number): Promise<true> {
  return waitFor(() => (groupAlive(pid) ? undefined : true), `the agent's process group ${pid} to end`);
}

async function runningPid(id: number): Promise<number> {
  return waitFor(async () => (await bootOf(id)).pid ?? undefined, 'agent process');
}

/** The machine's root directory (the agent runs in it). */
const rootOf = (pid: number): Promise<string> => readlink(`/proc/${pid}/cwd`);

/** Every file of the machine's root, as paths on the machine, with their modes. */
async function machineFiles(root: string): Promise<Map<string, number>> {
  const files = new Map<string, number>();
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else files.set(full.slice(root.length), (await stat(full)).mode & 0o777);
    }
  };
  await walk(root);
  return files;
}

describe('script boot', () => {
  it('runs the user data agent: registers with the metadata service facts, then heartbeats at the interval it was given', async () => {
    hangar.heartbeatIntervalMs = 150;
    const id = await createServer(buildUserData({ apiUrl: hangar.url, registrationToken: TOKEN(1), metadata: HETZNER_METADATA }), 'web-agent');
    const register = await waitFor(() => hangar.registers()[0], 'register call');
    const server = (await api('GET', `/servers/${id}`)).json.server;
    expect(register.body).toEqual({ registrationToken: TOKEN(1), serverId: id, hostname: 'web-agent', ipv4: server.public_net.ipv4.ip, ipv6: null });
    await heartbeatsReach(3);
    const [first, second, third] = hangar.heartbeats();
    expect(first?.authorization).toBe(`Bearer cred-${id}`);
    expect(first?.body).toEqual({ healthy: true, uptimeSeconds: expect.any(Number) });
    expect((third?.at ?? 0) - (second?.at ?? 0)).toBeGreaterThanOrEqual(150 - 5);
    expect(hangar.registers()).toHaveLength(1);

    const boot = await bootOf(id);
    expect(boot).toMatchObject({ mode: 'script', state: 'heartbeating', nodeId: `node-${id}`, registerAttempts: 1, lastError: null });
    // Hostile by default: every file the agent keeps is 0600, the token is gone from disk, and
    // neither the token nor the credential reaches its log or its command line.
    const pid = boot.pid ?? 0;
    const root = await rootOf(pid);
    const files = await machineFiles(root);
    expect(files.get('/etc/hangar/bootstrap.json')).toBe(0o600);
    expect(files.get('/var/lib/hangar/credential')).toBe(0o600);
    expect(files.get('/usr/local/bin/hangar-agent')).toBe(0o755);
    for (const [file, mode] of files) if (file.startsWith('/var/lib/hangar/')) expect(mode, file).toBe(0o600);
    expect(await readFile(path.join(root, 'etc/hangar/bootstrap.json'), 'utf8')).not.toContain(TOKEN(1));
    expect(boot.log.join('\n')).not.toMatch(/rt_|cred-/);
    expect(await readFile(`/proc/${pid}/cmdline`, 'utf8')).not.toMatch(/rt_|cred-/);
  });

  it('stops for good when Hangar answers 410, and exits 0', async () => {
    const id = await createServer(buildUserData({ apiUrl: hangar.url, registrationToken: TOKEN(2), metadata: HETZNER_METADATA }));
    await heartbeatsReach(1);
    const pid = await runningPid(id);
    hangar.heartbeatStatus = 410;
    await waitFor(async () => ((await bootOf(id)).state === 'stopped' ? true : undefined), 'the agent to stop');
    await groupEnds(pid);
    expect((await bootOf(id)).lastError).toMatch(/answered 410 to a heartbeat/);
    const count = hangar.heartbeats().length;
    // The server is still running: only the agent gave up.
    expect((await api('GET', `/servers/${id}`)).json.server.status).toBe('running');
    expect(hangar.heartbeats()).toHaveLength(count);
  });

  it('retries a registration that failed with 5xx (backoff), then succeeds', async () => {
    hangar.registerStatuses = [503, 500];
    const id = await createServer(buildUserData({ apiUrl: hangar.url, registrationToken: TOKEN(3), metadata: HETZNER_METADATA }));
    await heartbeatsReach(1);
    const registers = hangar.registers();
    expect(registers).toHaveLength(3);
    // Backoff doubles from the preset's base (fast: 50 ms, then 100 ms).
    expect((registers[2]?.at ?? 0) - (registers[1]?.at ?? 0)).toBeGreaterThanOrEqual(90);
    expect(await bootOf(id)).toMatchObject({ registerAttempts: 3, state: 'heartbeating' });
  });

  it('does not retry a registration Hangar refused for good (400), and is not restarted', async () => {
    hangar.registerStatuses = [400];
    const id = await createServer(buildUserData({ apiUrl: hangar.url, registrationToken: TOKEN(4), metadata: HETZNER_METADATA }));
    await waitFor(async () => ((await bootOf(id)).state === 'gave_up' ? true : undefined), 'give up');
    expect(hangar.registers()).toHaveLength(1);
    expect(hangar.heartbeats()).toEqual([]);
    expect((await bootOf(id)).lastError).toMatch(/refused the registration \(400\)/);
  });

  it('keeps heartbeating through 5xx answers', async () => {
    await createServer(buildUserData({ apiUrl: hangar.url, registrationToken: TOKEN(5), metadata: HETZNER_METADATA }));
    await heartbeatsReach(1);
    hangar.heartbeatStatus = 503;
    const count = hangar.heartbeats().length;
    await heartbeatsReach(count + 3);
  });

  it('a delete stops the agent process group and removes its disk', async () => {
    const id = await createServer(buildUserData({ apiUrl: hangar.url, registrationToken: TOKEN(6), metadata: HETZNER_METADATA }));
    await heartbeatsReach(1);
    const pid = await runningPid(id);
    const root = await rootOf(pid);
    expect((await api('DELETE', `/servers/${id}`)).status).toBe(200);
    await waitFor(async () => ((await bootOf(id)).pid === null ? true : undefined), 'the agent to exit');
    await groupEnds(pid);
    await waitFor(async () => (await stat(root).then(() => undefined, () => true)), 'the disk to go');
    expect((await bootOf(id)).state).toBe('stopped');
    expect((await bootOf(id)).log.at(-1)).toMatch(/stopping \(SIGTERM\)/);
  });

  it('power-off stops the agent; power-on starts it again, and it resumes heartbeats without registering again', async () => {
    const id = await createServer(buildUserData({ apiUrl: hangar.url, registrationToken: TOKEN(7), metadata: HETZNER_METADATA }));
    await heartbeatsReach(1);
    const pid = await runningPid(id);
    expect((await api('POST', `/servers/${id}/actions/poweroff`)).status).toBe(201);
    await waitFor(async () => ((await bootOf(id)).pid === null ? true : undefined), 'the agent to exit');
    await groupEnds(pid);
    await waitFor(async () => ((await api('GET', `/servers/${id}`)).json.server.status === 'off' ? true : undefined), 'off');
    const count = hangar.heartbeats().length;
    expect((await api('POST', `/servers/${id}/actions/poweron`)).status).toBe(201);
    await heartbeatsReach(count + 2);
    expect(hangar.registers()).toHaveLength(1);
    expect((await bootOf(id)).log).toContain('hangar-agent: registered already; sending heartbeats');
  });

  it('faults only the JavaScript machine can play are played by it', async () => {
    await t.admin('POST', '/faults', { heartbeatStopsAfter: 2, times: 1 });
    const id = await createServer(buildUserData({ apiUrl: hangar.url, registrationToken: TOKEN(8), metadata: HETZNER_METADATA }));
    await waitFor(async () => ((await bootOf(id)).state === 'stopped' ? true : undefined), 'heartbeats to stop');
    expect(await bootOf(id)).toMatchObject({ mode: 'simulated', pid: null });
    expect(hangar.heartbeats()).toHaveLength(2);
  });
});

describe('stop()', () => {
  it('stops every agent process: a stopped simulator leaves none behind and makes no more calls', async () => {
    const own = await startTestSim({ speed: 'fast', seed: 8, boot: 'script' });
    const { id: ownProject, token } = await own.project();
    const ids: number[] = [];
    for (const n of [1, 2]) {
      const res = await own.api(token)('POST', '/servers', { name: `short-lived-${n}`, server_type: 'cx22', image: 'ubuntu-24.04', user_data: buildUserData({ apiUrl: hangar.url, registrationToken: TOKEN(20 + n), metadata: HETZNER_METADATA }) });
      ids.push(res.json.server.id);
    }
    await heartbeatsReach(4);
    const servers = (await own.admin('GET', `/servers?projectId=${ownProject}`)).json.servers as Array<{ id: number; boot: Boot }>;
    const pids = servers.map((s) => s.boot.pid).filter((pid): pid is number => pid !== null);
    expect(pids).toHaveLength(2);
    await own.sim.stop();
    for (const pid of pids) expect(groupAlive(pid)).toBe(false);
  });

  it('`npm run sim` (main.ts) with HANGAR_SIM_BOOT=script stops its agents on SIGTERM', async () => {
    const child = spawn(process.execPath, [fileURLToPath(new URL('../src/main.ts', import.meta.url))], {
      env: { ...process.env, HANGAR_SIM_PORT: '0', HANGAR_SIM_SPEED: 'fast', HANGAR_SIM_BOOT: 'script', HANGAR_SIM_PROJECT: 'main' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
      const [, url, token] = await waitFor(() => /listening on (\S+) [\s\S]*HCLOUD_TOKEN=(\w+)/.exec(out) ?? undefined, 'the simulator to start');
      const created = await request(`${url}/v1/servers`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}` },
        body: { name: 'from-main', server_type: 'cx22', image: 'ubuntu-24.04', user_data: buildUserData({ apiUrl: hangar.url, registrationToken: TOKEN(30), metadata: HETZNER_METADATA }) },
      });
      expect(created.status, created.text).toBe(201);
      await heartbeatsReach(1);
      const servers = (await request(`${url}/_sim/servers`)).json.servers as Array<{ boot: Boot }>;
      const pid = servers[0]?.boot.pid ?? 0;
      expect(groupAlive(pid)).toBe(true);
      child.kill('SIGTERM');
      await once(child, 'exit');
      expect(groupAlive(pid)).toBe(false);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it("refuses the script mode on an address that is not loopback (it runs user data's code)", () => {
    expect(() => buildSimulator({ port: 0, speed: 'fast', seed: 1, host: '0.0.0.0', boot: 'script' })).toThrow(/loopback/);
  });
});

describe('reading user data as cloud-init does', () => {
  const agentConfig = buildUserData({ apiUrl: 'http://127.0.0.1:4000', registrationToken: TOKEN(9), metadata: HETZNER_METADATA });

  it("finds Hangar's files and the unit runcmd starts in its cloud-config", () => {
    const plan = readUserData(agentConfig);
    expect(plan?.writeFiles.map((f) => [f.path, f.mode.toString(8)])).toEqual([
      ['/etc/hangar/bootstrap.json', '600'],
      ['/usr/local/bin/hangar-agent', '755'],
      ['/etc/systemd/system/hangar-agent.service', '644'],
    ]);
    expect(plan?.startedUnits).toEqual(['hangar-agent.service']);
  });

  it('reads a MIME multipart document: cloud-config parts merged as cloud-init merges them, base64 parts decoded', () => {
    const userPart = '#cloud-config\nwrite_files:\n  - path: /etc/motd\n    content: hello\nmerge_how: list(append)+dict(recurse_array)+str()\n';
    const mime = [
      'Content-Type: multipart/mixed; boundary="XXB"',
      'MIME-Version: 1.0',
      '',
      '--XXB',
      'Content-Type: text/cloud-config; charset="utf-8"',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from(agentConfig).toString('base64'),
      '--XXB',
      'Content-Type: text/x-shellscript',
      '',
      '#!/bin/sh\necho user script',
      '--XXB',
      'Content-Type: text/cloud-config',
      '',
      userPart,
      '--XXB--',
      '',
    ].join('\n');
    const plan = readUserData(mime);
    expect(plan?.writeFiles.map((f) => f.path)).toEqual(['/etc/hangar/bootstrap.json', '/usr/local/bin/hangar-agent', '/etc/systemd/system/hangar-agent.service', '/etc/motd']);
    expect(plan?.startedUnits).toEqual(['hangar-agent.service']);
    // Without list(append), a later part's write_files replaces the earlier one (cloud-init's default).
    const replacing = readUserData(mime.replace('merge_how: list(append)+dict(recurse_array)+str()\n', ''));
    expect(replacing?.writeFiles.map((f) => f.path)).toEqual(['/etc/motd']);
  });

  it('reads nothing from user data that is not a cloud-config', () => {
    expect(readUserData('#!/bin/sh\necho hi\n')).toBeNull();
    expect(readUserData('#cloud-config\nwrite_files: [{path: relative, content: x}]\n')).toBeNull();
    expect(readUserData('#cloud-config\n: : :\n  - [')).toBeNull();
  });
});
