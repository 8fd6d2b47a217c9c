import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from './support/http.ts';
import { type FakeHangar, bootstrapUserData, startFakeHangar } from './support/fake-hangar.ts';
import { type TestSim, startTestSim } from './support/sim.ts';

/**
 * The simulated machine's side of the bootstrap contract: register once running, then heartbeat
 * until deleted or told to stop; boot faults; nothing at all without the bootstrap line.
 */
let t: TestSim;
let hangar: FakeHangar;
let api: ReturnType<TestSim['api']>;
let projectId: number;

beforeAll(async () => {
  t = await startTestSim({ speed: 'fast', seed: 5 });
});
beforeEach(async () => {
  hangar = await startFakeHangar();
  const project = await t.project();
  projectId = project.id;
  api = t.api(project.token);
});
afterEach(async () => {
  // Reset stops every simulated machine, so no test hears another's heartbeats.
  await t.admin('POST', '/reset');
  await hangar.stop();
});
afterAll(async () => {
  await t.sim.stop();
});

let serverCounter = 0;
async function createServer(userData: string | undefined, name = `node-${++serverCounter}`): Promise<{ id: number; createdAt: number }> {
  const createdAt = Date.now();
  const res = await api('POST', '/servers', { name, server_type: 'cpx11', image: 'debian-12', location: 'nbg1', user_data: userData });
  expect(res.status, res.text).toBe(201);
  return { id: res.json.server.id, createdAt };
}

async function bootOf(id: number): Promise<Record<string, unknown>> {
  const servers = (await t.admin('GET', `/servers?includeDeleted=true&projectId=${projectId}`)).json.servers as Array<{ id: number; boot: Record<string, unknown> }>;
  const found = servers.find((s) => s.id === id);
  if (!found) throw new Error(`server ${id} not in admin view`);
  return found.boot;
}

/**
 * A heartbeat interval longer than any test may run (vitest's testTimeout is 30 s): a heartbeat
 * seen under it can only be the one sent right after registration.
 */
const INTERVAL_OUTLASTS_THE_TEST_MS = 10 * 60_000;

/**
 * That a machine makes no (more) calls is shown against a witness, not a duration: a machine
 * created now in `sim`, phoning home to a fake Hangar of its own, registers and heartbeats
 * `beats` times, so the simulator's boot timers have run well past every moment the machine
 * under test could still have called, however busy the test machine is.
 */
async function witness(sim: TestSim = t, beats = 3): Promise<void> {
  const other = await startFakeHangar();
  try {
    const project = await sim.project();
    const res = await sim.api(project.token)('POST', '/servers', { name: `witness-${++serverCounter}`, server_type: 'cpx11', image: 'debian-12', location: 'nbg1', user_data: bootstrapUserData(other.url, 'witness') });
    expect(res.status, res.text).toBe(201);
    await waitFor(() => (other.heartbeats().length >= beats ? true : undefined), `${beats} witness heartbeats`);
  } finally {
    await other.stop();
  }
}

/** Heartbeats this fake Hangar received from one machine (its node credential names it). */
const heartbeatsOf = (id: number) => hangar.heartbeats().filter((call) => call.authorization === `Bearer cred-${id}`);

describe('simulated boot', () => {
  it('registers once running, then heartbeats at once with the node credential', async () => {
    hangar.heartbeatIntervalMs = INTERVAL_OUTLASTS_THE_TEST_MS;
    const { id, createdAt } = await createServer(bootstrapUserData(hangar.url, 'reg-token-1'), 'web-boot');
    const register = await waitFor(() => hangar.registers()[0], 'register call');
    const server = (await api('GET', `/servers/${id}`)).json.server;
    expect(server.status).toBe('running');
    // create (100-200 ms) + start (50-100 ms) + boot delay (100 ms) in the fast preset
    expect(register.at - createdAt).toBeGreaterThanOrEqual(240);
    expect(register.body).toEqual({
      registrationToken: 'reg-token-1',
      serverId: id,
      hostname: 'web-boot',
      ipv4: server.public_net.ipv4.ip,
      ipv6: server.public_net.ipv6.ip.replace('::/64', '::1'),
    });
    // The first heartbeat follows registration at once: the next would come after the test.
    const first = await waitFor(() => hangar.heartbeats()[0], 'first heartbeat');
    expect(first.authorization).toBe(`Bearer cred-${id}`);
    expect(first.body).toEqual({ healthy: true, uptimeSeconds: expect.any(Number) });
    expect(hangar.registers()).toHaveLength(1);
    expect(await bootOf(id)).toMatchObject({ state: 'heartbeating', nodeId: `node-${id}`, registerAttempts: 1, heartbeatsSent: 1 });
  });

  it('heartbeats every heartbeatIntervalMs handed out by register', async () => {
    const intervalMs = 400;
    hangar.heartbeatIntervalMs = intervalMs;
    await createServer(bootstrapUserData(hangar.url, 'reg-token-1b'));
    await waitFor(() => (hangar.heartbeats().length >= 3 ? true : undefined), 'three heartbeats');
    const [first, second, third] = hangar.heartbeats();
    // Never sooner than the interval (a busy machine can only make the gaps longer).
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(intervalMs - 5);
    expect((third?.at ?? 0) - (second?.at ?? 0)).toBeGreaterThanOrEqual(intervalMs - 5);
    expect(hangar.registers()).toHaveLength(1);
  });

  it('stops heartbeating when the server is deleted', async () => {
    const { id } = await createServer(bootstrapUserData(hangar.url, 'reg-token-2'));
    await waitFor(() => (hangar.heartbeats().length >= 2 ? true : undefined), 'heartbeats');
    expect((await api('DELETE', `/servers/${id}`)).status).toBe(200);
    await waitFor(async () => ((await api('GET', `/servers/${id}`)).status === 404 ? true : undefined), 'server gone');
    // The machine's loop ends on its next turn ('stopped'); each heartbeat it sent was answered.
    const { heartbeatsSent } = await waitFor(async () => { const boot = await bootOf(id); return boot.state === 'stopped' ? boot : undefined; }, 'heartbeats to stop');
    expect(heartbeatsOf(id)).toHaveLength(heartbeatsSent as number);
    await witness();
    expect(heartbeatsOf(id)).toHaveLength(heartbeatsSent as number);
  });

  it('stops heartbeating when the API answers 410 (also 401/403/404)', async () => {
    const { id } = await createServer(bootstrapUserData(hangar.url, 'reg-token-3'));
    await waitFor(() => (hangar.heartbeats().length >= 1 ? true : undefined), 'first heartbeat');
    hangar.heartbeatStatus = 410;
    await waitFor(async () => ((await bootOf(id)).state === 'stopped' ? true : undefined), 'heartbeats to stop');
    const count = hangar.heartbeats().length;
    await witness();
    expect(hangar.heartbeats()).toHaveLength(count);
    expect((await bootOf(id)).lastError).toBe('heartbeat answered 410');
  });

  it('keeps heartbeating through 5xx answers', async () => {
    await createServer(bootstrapUserData(hangar.url, 'reg-token-4'));
    await waitFor(() => (hangar.heartbeats().length >= 1 ? true : undefined), 'first heartbeat');
    hangar.heartbeatStatus = 503;
    const count = hangar.heartbeats().length;
    await waitFor(() => (hangar.heartbeats().length >= count + 3 ? true : undefined), 'heartbeats despite 503');
  });

  it('pauses heartbeats while powered off and resumes on power-on', async () => {
    const { id } = await createServer(bootstrapUserData(hangar.url, 'reg-token-5'));
    await waitFor(() => (hangar.heartbeats().length >= 1 ? true : undefined), 'first heartbeat');
    expect((await api('POST', `/servers/${id}/actions/poweroff`)).status).toBe(201);
    await waitFor(async () => ((await api('GET', `/servers/${id}`)).json.server.status === 'off' ? true : undefined), 'off');
    // A heartbeat sent just before the machine went off may still be on its way: wait for it.
    const sent = (await bootOf(id)).heartbeatsSent as number;
    await waitFor(() => (heartbeatsOf(id).length === sent ? true : undefined), 'heartbeats sent before power-off to arrive');
    const count = hangar.heartbeats().length;
    await witness();
    expect(hangar.heartbeats()).toHaveLength(count);
    expect((await bootOf(id)).heartbeatsSent).toBe(sent);
    expect((await api('POST', `/servers/${id}/actions/poweron`)).status).toBe(201);
    await waitFor(() => (hangar.heartbeats().length >= count + 2 ? true : undefined), 'heartbeats after power-on');
    expect(hangar.registers()).toHaveLength(1);
  });

  it('makes no calls when user_data has no bootstrap (or a broken one)', async () => {
    const plain = await createServer('#cloud-config\npackages: [nginx]\n');
    const none = await createServer(undefined);
    const broken = await createServer('#cloud-config\n# {"hangarBootstrap":1, "apiUrl": oops}\n');
    await waitFor(async () => ((await api('GET', `/servers/${broken.id}`)).json.server.status === 'running' ? true : undefined), 'running');
    await witness();
    expect(hangar.calls).toEqual([]);
    for (const { id } of [plain, none, broken]) expect((await bootOf(id)).state).toBe('none');
  });

  it('retries register on transport errors and 5xx with backoff, then succeeds or gives up', async () => {
    hangar.registerStatuses = [503, 500];
    const { id } = await createServer(bootstrapUserData(hangar.url, 'reg-token-6'));
    await waitFor(() => (hangar.heartbeats().length >= 1 ? true : undefined), 'heartbeat after retries');
    const registers = hangar.registers();
    expect(registers).toHaveLength(3);
    // Backoff doubles: 50 ms, then 100 ms in the fast preset.
    expect((registers[2]?.at ?? 0) - (registers[1]?.at ?? 0)).toBeGreaterThanOrEqual(90);
    expect(await bootOf(id)).toMatchObject({ registerAttempts: 3, state: 'heartbeating' });

    const closed = await startFakeHangar();
    const closedUrl = closed.url;
    await closed.stop();
    const unreachable = await createServer(bootstrapUserData(closedUrl, 'reg-token-7'));
    await waitFor(async () => ((await bootOf(unreachable.id)).state === 'gave_up' ? true : undefined), 'give up');
    expect(await bootOf(unreachable.id)).toMatchObject({ registerAttempts: 5, lastError: expect.stringMatching(/ECONNREFUSED/) });
  });

  it('does not retry a register the API refused with 4xx', async () => {
    hangar.registerStatuses = [401];
    const { id } = await createServer(bootstrapUserData(hangar.url, 'wrong-token'));
    await waitFor(async () => ((await bootOf(id)).state === 'gave_up' ? true : undefined), 'give up');
    await witness();
    expect(hangar.registers()).toHaveLength(1);
    expect(hangar.heartbeats()).toEqual([]);
  });
});

describe('boot faults', () => {
  it('bootNeverPhonesHome: the machine stays silent', async () => {
    await t.admin('POST', '/faults', { bootNeverPhonesHome: true, times: 1 });
    const { id } = await createServer(bootstrapUserData(hangar.url, 'silent'));
    await waitFor(async () => ((await api('GET', `/servers/${id}`)).json.server.status === 'running' ? true : undefined), 'running');
    await witness();
    expect(hangar.calls).toEqual([]);
    expect((await bootOf(id)).state).toBe('suppressed');
  });

  it('bootDelayMs: the machine phones home that long after reaching running', async () => {
    await t.admin('POST', '/faults', { bootDelayMs: 600, times: 1 });
    const { createdAt } = await createServer(bootstrapUserData(hangar.url, 'slow'));
    const register = await waitFor(() => hangar.registers()[0], 'late register');
    expect(register.at - createdAt).toBeGreaterThanOrEqual(600 + 150);
  });

  it('heartbeatStopsAfter: exactly N heartbeats, then silence', async () => {
    await t.admin('POST', '/faults', { heartbeatStopsAfter: 2, times: 1 });
    const { id } = await createServer(bootstrapUserData(hangar.url, 'dies'));
    await waitFor(async () => ((await bootOf(id)).state === 'stopped' ? true : undefined), 'heartbeats to stop');
    await witness();
    expect(hangar.heartbeats()).toHaveLength(2);
    expect((await api('GET', `/servers/${id}`)).json.server.status).toBe('running');
  });

  it('registerFails: every register answer is lost, the machine retries, gives up and never heartbeats', async () => {
    await t.admin('POST', '/faults', { registerFails: true, times: 1 });
    const { id } = await createServer(bootstrapUserData(hangar.url, 'lost'));
    await waitFor(async () => ((await bootOf(id)).state === 'gave_up' ? true : undefined), 'give up');
    expect(hangar.registers()).toHaveLength(5);
    expect(hangar.heartbeats()).toEqual([]);
  });
});

describe('stop()', () => {
  it('clears every boot timer: a stopped simulator makes no more calls', async () => {
    const own = await startTestSim({ speed: 'fast', seed: 8 });
    const { token } = await own.project();
    await own.api(token)('POST', '/servers', { name: 'short-lived', server_type: 'cx22', image: 'ubuntu-24.04', user_data: bootstrapUserData(hangar.url, 'stop-test') });
    await waitFor(() => (hangar.heartbeats().length >= 2 ? true : undefined), 'heartbeats');
    await own.sim.stop();
    const count = hangar.calls.length;
    await witness();
    expect(hangar.calls).toHaveLength(count);
  });
});
