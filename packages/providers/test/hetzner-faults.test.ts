/**
 * Every Hetzner error code and every transport fault, answered by the simulator over HTTP,
 * arrives as its PROVIDER_* code with the provider's code, status and request id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDER_ERRORS } from '@hangar/domain/provider-errors';
import { HETZNER_ERROR_CODES } from '../src/hetzner/error-mapping.ts';
import { createHetznerAdapter } from '../src/hetzner/adapter.ts';
import { requiredHetznerCodes } from './support/hetzner-codes.ts';
import type { SimProject, Simulator } from './support/simulator.ts';
import { addFault, admin, createProject, startSimulator } from './support/simulator.ts';
import { failure } from './support/failure.ts';

/** Statuses for hcloud-go codes the spec gives none for. */
const STATUS_FOR_CODES_WITHOUT_ONE: Readonly<Record<string, number>> = {
  unknown_error: 500,
  robot_unavailable: 503,
  resource_locked: 423,
  bad_gateway: 502,
  limit_reached: 429,
};
const SHORT_TIMEOUT_MS = 250;

let sim: Simulator;
let project: SimProject;
let actionId: string;

beforeAll(async () => {
  sim = await startSimulator('instant');
  project = await createProject(sim, { rateLimit: 100_000 });
  const adapter = createHetznerAdapter({ apiEndpoint: `${sim.url}/v1`, token: project.token });
  actionId = (await adapter.createServer({ name: 'target', serverType: 'cx22', location: 'fsn1', image: 'ubuntu-24.04', labels: {}, userData: '' })).actionId;
});
afterAll(async () => {
  await sim.stop();
});

const adapter = (requestTimeoutMs = 5_000) => createHetznerAdapter({ apiEndpoint: `${sim.url}/v1`, token: project.token, requestTimeoutMs });


describe('Hetzner error answers from the simulator', () => {
  it('maps every known code, at every status it is documented with', async () => {
    const required = requiredHetznerCodes();
    const codes = [...new Set([...required.keys(), ...Object.keys(HETZNER_ERROR_CODES)])];
    for (const code of codes) {
      const statuses = required.get(code)?.length ? (required.get(code) as number[]) : [STATUS_FOR_CODES_WITHOUT_ONE[code] ?? 422];
      for (const status of statuses) {
        await addFault(sim, { method: 'GET', path: `/actions/${actionId}`, projectId: project.id, error: { code, status, message: `simulated ${code}` }, times: 1 });
        const error = await failure(adapter().readAction(actionId));
        const expected = HETZNER_ERROR_CODES[code];
        expect(error.info.code, `${code} ${status}`).toBe(expected);
        expect(error.info).toMatchObject({ providerCode: code, httpStatus: status, retryable: PROVIDER_ERRORS[expected as keyof typeof PROVIDER_ERRORS].retryable });
        expect(error.info.requestId).toMatch(/^[0-9a-f]{16}$/);
        expect(error.info.message).toContain(`simulated ${code}`);
      }
    }
    // Nothing left over: every rule was used exactly once.
    expect((await admin<{ faults: unknown[] }>(sim, 'GET', '/_sim/faults')).faults).toEqual([]);
  });

  it('an unknown code falls back on its status', async () => {
    await addFault(sim, { method: 'GET', path: `/actions/${actionId}`, projectId: project.id, error: { code: 'shiny_new_error', status: 423 }, times: 1 });
    expect((await failure(adapter().readAction(actionId))).info).toMatchObject({ code: 'PROVIDER_LOCKED', providerCode: 'shiny_new_error' });
    await addFault(sim, { method: 'GET', path: `/actions/${actionId}`, projectId: project.id, error: { code: 'shiny_new_error', status: 507 }, times: 1 });
    expect((await failure(adapter().readAction(actionId))).info.code).toBe('PROVIDER_SERVER_ERROR');
  });
});

describe('transport faults from the simulator', () => {
  it('drop → PROVIDER_CONNECTION_RESET', async () => {
    await addFault(sim, { method: 'GET', path: '/actions/*', projectId: project.id, drop: true, times: 1 });
    expect((await failure(adapter().readAction(actionId))).info.code).toBe('PROVIDER_CONNECTION_RESET');
  });

  it('hang → PROVIDER_TIMEOUT after the request timeout', async () => {
    await addFault(sim, { method: 'GET', path: '/actions/*', projectId: project.id, hang: true, times: 1 });
    const started = Date.now();
    const error = await failure(adapter(SHORT_TIMEOUT_MS).readAction(actionId));
    expect(error.info.code).toBe('PROVIDER_TIMEOUT');
    expect(Date.now() - started).toBeGreaterThanOrEqual(SHORT_TIMEOUT_MS - 10);
  });

  it('a delay longer than the timeout → PROVIDER_TIMEOUT; a shorter one is fine', async () => {
    await addFault(sim, { method: 'GET', path: '/actions/*', projectId: project.id, delayMs: 600, times: 1 });
    expect((await failure(adapter(SHORT_TIMEOUT_MS).readAction(actionId))).info.code).toBe('PROVIDER_TIMEOUT');
    await addFault(sim, { method: 'GET', path: '/actions/*', projectId: project.id, delayMs: 50, times: 1 });
    expect((await adapter(SHORT_TIMEOUT_MS).readAction(actionId)).id).toBe(actionId);
  });

  it('malformed JSON → PROVIDER_BAD_RESPONSE', async () => {
    await addFault(sim, { method: 'GET', path: '/actions/*', projectId: project.id, malformedJson: true, times: 1 });
    expect((await failure(adapter().readAction(actionId))).info).toMatchObject({ code: 'PROVIDER_BAD_RESPONSE', httpStatus: 200 });
  });

  it('non-JSON 502 → PROVIDER_UNAVAILABLE', async () => {
    await addFault(sim, { method: 'GET', path: '/actions/*', projectId: project.id, badGateway: true, times: 1 });
    expect((await failure(adapter().readAction(actionId))).info).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', httpStatus: 502, providerCode: null });
  });

  it('a 404 with a Hetzner body means gone; a deleteServer of a gone server is not an error', async () => {
    await addFault(sim, { method: 'DELETE', path: '/servers/*', projectId: project.id, error: 'not_found', times: 1 });
    expect(await adapter().deleteServer('123')).toEqual({ actionId: null });
  });
});
