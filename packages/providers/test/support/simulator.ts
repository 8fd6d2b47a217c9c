/**
 * Driving the Hetzner simulator (apps/hetzner-sim) over HTTP from provider tests: its admin
 * API under /_sim, as a test would drive a real provider's console.
 */
import { buildSimulator } from '../../../../apps/hetzner-sim/src/simulator.ts';

export type Simulator = ReturnType<typeof buildSimulator>;
export type SimProject = { id: number; token: string; readOnlyToken: string };
export type SimRequest = { method: string; path: string; query: string; status: number | null; errorCode: string | null; projectId: number | null };

/** Starts a simulator on a free port (`boot`: who plays the machines, see docs/simulator.md). */
export async function startSimulator(speed: 'fast' | 'instant' | 'realistic' = 'fast', seed = 7, boot: 'simulated' | 'script' = 'simulated'): Promise<Simulator> {
  const sim = buildSimulator({ port: 0, speed, seed, boot });
  await sim.start();
  return sim;
}

/** Calls the admin API; throws on an unexpected status. */
export async function admin<T = unknown>(sim: Simulator, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${text}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

/** A fresh project with a read-write and a read-only token. */
export async function createProject(sim: Simulator, settings: { rateLimit?: number; rateBurst?: number; serverLimit?: number } = {}): Promise<SimProject> {
  const created = await admin<{ project: { id: number }; token: string; readOnlyToken: string }>(sim, 'POST', '/_sim/projects', {
    name: `project-${Math.random().toString(36).slice(2, 8)}`,
    ...settings,
  });
  return { id: created.project.id, token: created.token, readOnlyToken: created.readOnlyToken };
}

/** Adds a fault rule; returns its id. */
export async function addFault(sim: Simulator, rule: Record<string, unknown>): Promise<number> {
  return (await admin<{ fault: { id: number } }>(sim, 'POST', '/_sim/faults', rule)).fault.id;
}

/** The request log of a project (tokens redacted by the simulator). */
export async function requestsOf(sim: Simulator, projectId: number): Promise<SimRequest[]> {
  return (await admin<{ requests: SimRequest[] }>(sim, 'GET', `/_sim/requests?projectId=${projectId}`)).requests;
}
