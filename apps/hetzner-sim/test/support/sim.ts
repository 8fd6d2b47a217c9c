import { type Simulator, type SimulatorOptions, buildSimulator } from '../../src/simulator.ts';
import { type HttpResult, request } from './http.ts';

/** A simulator on an ephemeral port plus small helpers to talk to it over HTTP. */
export interface TestSim {
  sim: Simulator;
  url: string;
  admin(method: string, path: string, body?: unknown): Promise<HttpResult>;
  /** Creates a project through the admin API. */
  project(settings?: Record<string, unknown>): Promise<{ id: number; token: string; readOnlyToken: string }>;
  /** A /v1 caller for one token; `path` is without /v1. */
  api(token: string): (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<HttpResult>;
}

let projectCounter = 0;

export async function startTestSim(options: Partial<SimulatorOptions> = {}): Promise<TestSim> {
  const sim = buildSimulator({ port: 0, speed: 'fast', seed: 42, ...options });
  await sim.start();
  const url = sim.url;
  const admin = (method: string, path: string, body?: unknown) => request(`${url}/_sim${path}`, { method, body });
  return {
    sim,
    url,
    admin,
    async project(settings = {}) {
      projectCounter++;
      const res = await admin('POST', '/projects', { name: `test-project-${projectCounter}`, ...settings });
      if (res.status !== 201) throw new Error(`creating a project failed: ${res.status} ${res.text}`);
      return { id: res.json.project.id, token: res.json.token, readOnlyToken: res.json.readOnlyToken };
    },
    api(token) {
      return (method, path, body, headers) =>
        request(`${url}/v1${path}`, { method, body, headers: { Authorization: `Bearer ${token}`, ...headers } });
    },
  };
}
