import { SPEED_PROFILES, type SpeedName, type SpeedProfile } from '../src/speed.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './support/http.ts';
import { type TestSim, startTestSim } from './support/sim.ts';

/** Server and action lifecycles in simulated time, for each speed preset. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

const sims: TestSim[] = [];
async function sim(speed: SpeedName | SpeedProfile): Promise<{ t: TestSim; api: ReturnType<TestSim['api']> }> {
  const t = await startTestSim({ speed, seed: 21 });
  sims.push(t);
  return { t, api: t.api((await t.project()).token) };
}
let fast: Awaited<ReturnType<typeof sim>>;

beforeAll(async () => {
  fast = await sim('fast');
});
afterAll(async () => {
  await Promise.all(sims.map((s) => s.sim.stop()));
});

describe('fast preset', () => {
  it('goes initializing → starting → running while the actions advance', async () => {
    const created = await fast.api('POST', '/servers', { name: 'watch', server_type: 'cx32', image: 'ubuntu-22.04', location: 'hel1' });
    const id = created.json.server.id as number;
    expect(created.json.server.created).toMatch(RFC3339);
    expect(created.json.action.started).toMatch(RFC3339);
    const statuses: string[] = [];
    const progress: number[] = [];
    await waitFor(async () => {
      const [server, action] = await Promise.all([fast.api('GET', `/servers/${id}`), fast.api('GET', `/actions/${created.json.action.id}`)]);
      const status = server.json.server.status as string;
      if (statuses.at(-1) !== status) statuses.push(status);
      progress.push(action.json.action.progress as number);
      return status === 'running' ? true : undefined;
    }, 'running', 5);
    // Polls sample the states (a busy machine may sleep through one); the answer to the create
    // itself is initializing, and what was seen is in order, ending running.
    expect(created.json.server.status).toBe('initializing');
    const order = ['initializing', 'starting', 'running'];
    expect(statuses.map((status) => order.indexOf(status))).toEqual([...statuses.map((status) => order.indexOf(status))].sort((a, b) => a - b));
    expect(statuses.every((status) => order.includes(status))).toBe(true);
    expect(statuses.at(-1)).toBe('running');
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(100);
    const done = (await fast.api('GET', `/actions/${created.json.next_actions[0].id}`)).json.action;
    expect(done).toMatchObject({ status: 'success', progress: 100, error: null });
    expect(done.finished).toMatch(RFC3339);
    expect(Date.parse(done.finished)).toBeGreaterThanOrEqual(Date.parse(done.started));
  });

  it('without start_after_create ends off, with no next action', async () => {
    const created = await fast.api('POST', '/servers', { name: 'cold', server_type: 'cx22', image: 'ubuntu-24.04', start_after_create: false });
    expect(created.json.next_actions).toEqual([]);
    await waitFor(async () => ((await fast.api('GET', `/servers/${created.json.server.id}`)).json.server.status === 'off' ? true : undefined), 'off');
  });

  it('deleting during creation cancels the running actions; the server is deleting, then gone', async () => {
    // Create and delete run 3 s here: a busy machine's pause between two requests must not
    // outlast the action the next request expects to find running (fast speed's 50-200 ms did).
    const { api } = await sim({ ...SPEED_PROFILES.fast, createMs: [3_000, 3_000], deleteMs: [3_000, 3_000] });
    const created = await api('POST', '/servers', { name: 'short', server_type: 'cx22', image: 'ubuntu-24.04' });
    const id = created.json.server.id as number;
    const deleted = await api('DELETE', `/servers/${id}`);
    expect(deleted.json.action).toMatchObject({ command: 'delete_server', status: 'running', resources: [{ id, type: 'server' }] });
    expect((await api('GET', `/servers/${id}`)).json.server.status).toBe('deleting');
    // A second DELETE while deleting answers with the same action.
    expect((await api('DELETE', `/servers/${id}`)).json.action.id).toBe(deleted.json.action.id);
    const create = (await api('GET', `/actions/${created.json.action.id}`)).json.action;
    expect(create).toMatchObject({ status: 'error', error: { code: 'action_cancelled' } });
    await waitFor(async () => ((await api('GET', `/servers/${id}`)).status === 404 ? true : undefined), 'gone');
    expect((await fast.api('GET', '/servers?name=short')).json.servers).toEqual([]);
  });

  it('hands out distinct documentation-range addresses and one /64 per server', async () => {
    const made = await Promise.all(
      ['ip-a', 'ip-b', 'ip-c'].map((name) => fast.api('POST', '/servers', { name, server_type: 'cpx21', image: 'debian-12', location: 'ash' })),
    );
    const v4 = made.map((r) => r.json.server.public_net.ipv4.ip as string);
    const v6 = made.map((r) => r.json.server.public_net.ipv6.ip as string);
    expect(new Set(v4).size).toBe(3);
    expect(new Set(v6).size).toBe(3);
    for (const ip of v4) expect(ip).toMatch(/^(203\.0\.113|198\.51\.100)\.([1-9]|[1-9]\d|1\d\d|2[0-4]\d|25[0-4])$/);
    for (const ip of v6) expect(ip).toMatch(/^2001:db8:[0-9a-f]{1,4}:[0-9a-f]{1,4}::\/64$/);
    const noV4 = await fast.api('POST', '/servers', { name: 'v6-only', server_type: 'cx22', image: 'debian-12', public_net: { enable_ipv4: false } });
    expect(noV4.json.server.public_net.ipv4).toBeNull();
  });

  it('resolves names and ids (string or number), picking the image for the type’s architecture', async () => {
    const arm = await fast.api('POST', '/servers', { name: 'arm-1', server_type: 'cax21', image: 'ubuntu-24.04', location: 3 });
    expect(arm.status).toBe(201);
    expect(arm.json.server.image).toMatchObject({ id: 161547270, architecture: 'arm' });
    expect(arm.json.server.location.name).toBe('hel1');
    const byStrings = await fast.api('POST', '/servers', { name: 'ids-1', server_type: '22', image: '114690387', datacenter: 'nbg1-dc3' });
    expect(byStrings.status).toBe(201);
    expect(byStrings.json.server.server_type.name).toBe('cpx11');
    expect(byStrings.json.server.datacenter.name).toBe('nbg1-dc3');
    const mismatch = await fast.api('POST', '/servers', { name: 'mix', server_type: 'cax11', image: 161547269 });
    expect(mismatch.status).toBe(422);
    expect(mismatch.json.error.details.fields[0].name).toBe('image');
    const both = await fast.api('POST', '/servers', { name: 'both', server_type: 'cx22', image: 'debian-12', location: 'fsn1', datacenter: 'fsn1-dc14' });
    expect(both.json.error.code).toBe('invalid_input');
    const retired = await fast.api('POST', '/servers', { name: 'old', server_type: 'cx11', image: 'debian-12' });
    expect(retired.status).toBe(412);
    expect(retired.json.error.code).toBe('resource_unavailable');
    const usOnlyArm = await fast.api('POST', '/servers', { name: 'arm-us', server_type: 'cax11', image: 'debian-12', location: 'hil' });
    expect(usOnlyArm.status).toBe(412);
    const badName = await fast.api('POST', '/servers', { name: 'not a hostname', server_type: 'cx22', image: 'debian-12' });
    expect(badName.json.error.details.fields[0].name).toBe('name');
  });
});

describe('instant preset', () => {
  it('answers create with a fresh running action and finishes everything by the next read', async () => {
    const { api } = await sim('instant');
    const created = await api('POST', '/servers', { name: 'now', server_type: 'cx22', image: 'ubuntu-24.04' });
    expect(created.json.server.status).toBe('initializing');
    expect(created.json.action).toMatchObject({ status: 'running', progress: 0, finished: null });
    expect((await api('GET', `/actions/${created.json.action.id}`)).json.action).toMatchObject({ status: 'success', progress: 100 });
    expect((await api('GET', `/servers/${created.json.server.id}`)).json.server.status).toBe('running');
    const deleted = await api('DELETE', `/servers/${created.json.server.id}`);
    expect(deleted.json.action.status).toBe('running');
    expect((await api('GET', `/servers/${created.json.server.id}`)).status).toBe(404);
  });
});

describe('realistic preset', () => {
  it('takes its time: a create is no further along than its shortest duration allows', async () => {
    const { api } = await sim('realistic');
    const sent = performance.now();
    const created = await api('POST', '/servers', { name: 'slow', server_type: 'cx22', image: 'ubuntu-24.04' });
    const action = (await api('GET', `/actions/${created.json.action.id}`)).json.action;
    const server = (await api('GET', `/servers/${created.json.server.id}`)).json.server;
    const elapsedMs = performance.now() - sent;
    // Bounded by the time that really passed (however slow this machine), not by a guess.
    const [shortestMs] = SPEED_PROFILES.realistic.createMs;
    expect(action.progress).toBeLessThanOrEqual(Math.ceil((100 * elapsedMs) / shortestMs));
    if (elapsedMs < shortestMs) {
      expect(action.status).toBe('running');
      expect(server.status).toBe('initializing');
    }
  });
});
