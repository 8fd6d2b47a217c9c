import { postJson } from './agent-http.ts';
import { type HangarBootstrap, findBootstrap } from './bootstrap.ts';
import { isGone, statusAt } from './lifecycle.ts';
import type { Prng } from './prng.ts';
import { type ScriptMachines, buildScriptMachines } from './script-machine.ts';
import type { SpeedProfile } from './speed.ts';
import type { BootMode, Server } from './state.ts';

/**
 * The machine of a server whose user_data carries Hangar's bootstrap. When the server reaches
 * running, it waits the boot delay, then registers with `POST {apiUrl}/agent/register` and
 * heartbeats with `POST {apiUrl}/agent/heartbeat` until the server is deleted or the API
 * answers 401/403/404/410. Two modes:
 * - `simulated` (default; fast, for load): played here in JavaScript.
 * - `script`: the user data's own agent runs (script-machine.ts). Servers with a fault only the
 *   JavaScript machine can play (heartbeatStopsAfter, registerFails) are simulated anyway.
 * These are the only timers in the simulator; stopAll() clears them, aborts calls in flight
 * and stops every agent process.
 */
export const REGISTER_MAX_ATTEMPTS = 5;
export const MIN_HEARTBEAT_INTERVAL_MS = 50;
const AGENT_REQUEST_TIMEOUT_MS = 10_000;
const MS_PER_SECOND = 1000;
const HEARTBEAT_STOP_STATUSES = new Set([401, 403, 404, 410]);

export interface BootScheduler {
  /** Arms the machine to phone home once the server is running at `runningAtMs`. */
  schedule(server: Server, runningAtMs: number): void;
  /** The server is powering off (or, with `destroy`, being deleted): its machine stops now. */
  halt(server: Server, destroy: boolean): void;
  /** Clears every timer, aborts every call in flight, stops every machine; the scheduler stays usable. */
  stopAll(): Promise<void>;
}

interface Registration {
  nodeId: string;
  nodeCredential: string;
  heartbeatIntervalMs: number;
}

function readRegistration(body: unknown): Registration | null {
  if (typeof body !== 'object' || body === null) return null;
  const { nodeId, nodeCredential, heartbeatIntervalMs } = body as Record<string, unknown>;
  if (typeof nodeId !== 'string' || typeof nodeCredential !== 'string' || typeof heartbeatIntervalMs !== 'number') return null;
  return { nodeId, nodeCredential, heartbeatIntervalMs };
}

/** The JavaScript machine plays these faults; the real agent cannot be told to. */
function needsSimulatedMachine(server: Server): boolean {
  return server.faults.heartbeatStopsAfter !== null || server.faults.registerFails;
}

export function buildBootScheduler(deps: { speed: SpeedProfile; random: Prng; now: () => number; mode: BootMode; metadataUrl: (serverId: number) => string }): BootScheduler {
  const scripts: ScriptMachines | null = deps.mode === 'script' ? buildScriptMachines({ metadataUrl: deps.metadataUrl, retryBaseMs: deps.speed.registerRetryBaseMs }) : null;
  const pending = new Set<Promise<void>>();
  const track = (work: Promise<void>): void => {
    pending.add(work);
    void work.finally(() => pending.delete(work));
  };
  const timers = new Set<NodeJS.Timeout>();
  let abort = new AbortController();
  let generation = 0;

  const later = (ms: number, run: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, Math.max(0, ms));
    timers.add(timer);
  };
  const sleep = (ms: number): Promise<void> => new Promise((resolve) => later(ms, resolve));

  /** A deleted (or deleting) machine is off for good; a powered-off one just is not answering now. */
  const isDestroyed = (server: Server): boolean => isGone(server, deps.now()) || statusAt(server, deps.now()) === 'deleting';
  const isUp = (server: Server): boolean => statusAt(server, deps.now()) === 'running';

  async function register(server: Server, bootstrap: HangarBootstrap, myGeneration: number): Promise<Registration | null> {
    const boot = server.boot;
    for (let attempt = 1; attempt <= REGISTER_MAX_ATTEMPTS; attempt++) {
      if (myGeneration !== generation) return null;
      if (isDestroyed(server)) {
        boot.state = 'stopped';
        return null;
      }
      boot.registerAttempts++;
      let retryable = true;
      try {
        const answer = await postJson(
          `${bootstrap.apiUrl}/agent/register`,
          {
            registrationToken: bootstrap.registrationToken,
            serverId: server.id,
            hostname: server.name,
            ipv4: server.ipv4?.ip ?? null,
            ipv6: server.ipv6?.address ?? null,
          },
          {},
          abort.signal,
          AGENT_REQUEST_TIMEOUT_MS,
        );
        if (server.faults.registerFails) {
          boot.lastError = 'register answer lost (registerFails fault)';
        } else if (answer.status === 200) {
          const registration = readRegistration(answer.body);
          if (registration) return registration;
          boot.lastError = 'register answered 200 without {nodeId, nodeCredential, heartbeatIntervalMs}';
          retryable = false;
        } else {
          boot.lastError = `register answered ${answer.status}`;
          retryable = answer.status === 429 || answer.status >= 500;
        }
      } catch (error) {
        if (myGeneration !== generation) return null;
        boot.lastError = `register failed: ${(error as Error).message}`;
      }
      if (!retryable || attempt === REGISTER_MAX_ATTEMPTS) break;
      await sleep(deps.speed.registerRetryBaseMs * 2 ** (attempt - 1));
    }
    boot.state = 'gave_up';
    return null;
  }

  async function heartbeat(server: Server, apiUrl: string, registration: Registration, runningAtMs: number, myGeneration: number): Promise<void> {
    const boot = server.boot;
    const intervalMs = Math.max(MIN_HEARTBEAT_INTERVAL_MS, registration.heartbeatIntervalMs);
    boot.state = 'heartbeating';
    while (myGeneration === generation) {
      if (isDestroyed(server)) {
        boot.state = 'stopped';
        return;
      }
      const limit = server.faults.heartbeatStopsAfter;
      if (limit !== null && boot.heartbeatsSent >= limit) {
        boot.state = 'stopped';
        boot.lastError = `heartbeats stopped after ${limit} (heartbeatStopsAfter fault)`;
        return;
      }
      if (isUp(server)) {
        boot.heartbeatsSent++;
        try {
          const answer = await postJson(
            `${apiUrl}/agent/heartbeat`,
            { healthy: true, uptimeSeconds: Math.floor((deps.now() - runningAtMs) / MS_PER_SECOND) },
            { Authorization: `Bearer ${registration.nodeCredential}` },
            abort.signal,
            AGENT_REQUEST_TIMEOUT_MS,
          );
          if (HEARTBEAT_STOP_STATUSES.has(answer.status)) {
            boot.state = 'stopped';
            boot.lastError = `heartbeat answered ${answer.status}`;
            return;
          }
        } catch (error) {
          if (myGeneration !== generation) return;
          boot.lastError = `heartbeat failed: ${(error as Error).message}`;
        }
      }
      await sleep(intervalMs);
    }
  }

  async function phoneHome(server: Server, bootstrap: HangarBootstrap, runningAtMs: number, myGeneration: number): Promise<void> {
    const boot = server.boot;
    if (isDestroyed(server)) {
      boot.state = 'stopped';
      return;
    }
    // Powered off before cloud-init ran: the next power-on arms the machine again. A machine
    // armed twice (off and on again quickly) still phones home only once.
    if (!isUp(server) || boot.started) return;
    boot.started = true;
    boot.state = 'registering';
    const registration = await register(server, bootstrap, myGeneration);
    if (!registration) return;
    boot.nodeId = registration.nodeId;
    await heartbeat(server, bootstrap.apiUrl, registration, runningAtMs, myGeneration);
  }

  /** script mode: runs the user data's services once the server is up (again). */
  async function bootScript(machines: ScriptMachines, server: Server, myGeneration: number): Promise<void> {
    const boot = server.boot;
    if (myGeneration !== generation) return;
    if (isDestroyed(server)) {
      boot.state = 'stopped';
      return;
    }
    if (!isUp(server)) return;
    boot.started = true;
    await machines.boot(server);
    // Deleted or powered off while the files were being written: stop what just started.
    if (myGeneration !== generation || !isUp(server)) await machines.halt(server, isDestroyed(server));
  }

  const crashed = (server: Server) => (error: unknown) => {
    server.boot.state = 'gave_up';
    server.boot.lastError = `machine crashed: ${(error as Error).message}`;
  };

  return {
    schedule(server, runningAtMs) {
      const boot = server.boot;
      const machines = needsSimulatedMachine(server) ? null : scripts;
      // The simulated machine phones home once; a real one starts its services at every boot.
      if (boot.started && !machines) return;
      const bootstrap = findBootstrap(server.userData);
      if (!bootstrap) {
        boot.state = 'none';
        return;
      }
      if (server.faults.bootNeverPhonesHome) {
        boot.state = 'suppressed';
        return;
      }
      boot.mode = machines ? 'script' : 'simulated';
      if (!boot.started) boot.state = 'waiting';
      const [min, max] = deps.speed.phoneHomeMs;
      const delayMs = server.faults.bootDelayMs ?? deps.random.int(min, max);
      const myGeneration = generation;
      later(runningAtMs - deps.now() + delayMs, () => {
        if (machines) track(bootScript(machines, server, myGeneration).catch(crashed(server)));
        else phoneHome(server, bootstrap, runningAtMs, myGeneration).catch(crashed(server));
      });
    },
    halt(server, destroy) {
      if (scripts) track(scripts.halt(server, destroy).catch(crashed(server)));
    },
    async stopAll() {
      generation++;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      abort.abort();
      abort = new AbortController();
      await Promise.all(pending);
      await scripts?.stopAll();
    },
  };
}
