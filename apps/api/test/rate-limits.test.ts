/**
 * Per-token request and subscription limits and the per-source /agent limit: over a limit, a
 * typed RATE_LIMITED with HTTP 429, a Retry-After header and extensions.retryAfterSeconds;
 * other tokens are not affected. Small limits, set through the same configuration as production.
 */
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintApiToken } from '@hangar/core/api-tokens';
import { DEFAULT_RATE_LIMITS } from '@hangar/core/config';
import { startTestApi, type TestApi } from './api-harness.ts';

const LIMITS = { requestsPerMinute: 5, socketsPerToken: 2, agentRequestsPerMinute: 3 };
const VIEWER = '{ viewer { organization { name } } }';

let api: TestApi;
beforeAll(async () => { api = await startTestApi({ config: { rateLimits: LIMITS } }); });
afterAll(async () => { await api.stop(); });

async function post(body: unknown, token: string | null): Promise<Response> {
  return fetch(`${api.app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
}

describe('rate limits', () => {
  it('answers the request over the per-token limit with RATE_LIMITED, 429 and Retry-After; another token goes on', async () => {
    const { token } = await mintApiToken(api.testDb.db, { organizationId: api.organizationId, name: 'busy' });
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i <= LIMITS.requestsPerMinute; i += 1) {
      const response = await post({ query: VIEWER }, token);
      statuses.push(response.status);
      if (response.status === 429) limited = response;
      else await response.text();
    }
    expect(statuses).toEqual([...Array<number>(LIMITS.requestsPerMinute).fill(200), 429]);
    const retryAfter = Number(limited!.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    const body = (await limited!.json()) as { errors: Array<{ extensions: Record<string, unknown> }> };
    expect(body.errors[0]!.extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: retryAfter });
    expect((await post({ query: VIEWER }, api.token)).status).toBe(200);
  });

  it('refuses a subscription socket over the per-token limit with close code 4429', async () => {
    const { token } = await mintApiToken(api.testDb.db, { organizationId: api.organizationId, name: 'sockets' });
    const url = `${api.app.url.replace('http', 'ws')}/graphql`;
    const open: WebSocket[] = [];
    const acked = (socket: WebSocket) => new Promise<void>((resolve, reject) => {
      socket.once('message', (data) => (JSON.parse(String(data)).type === 'connection_ack' ? resolve() : reject(new Error(String(data)))));
      socket.once('close', (code, reason) => reject(Object.assign(new Error(String(reason)), { code })));
    });
    const connect = () => {
      const socket = new WebSocket(url, 'graphql-transport-ws');
      socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })));
      open.push(socket);
      return acked(socket);
    };
    try {
      for (let i = 0; i < LIMITS.socketsPerToken; i += 1) await connect();
      await expect(connect()).rejects.toMatchObject({ code: 4429, message: expect.stringContaining('RATE_LIMITED') });
      // A closed socket frees its place.
      const first = open[0]!;
      await new Promise<void>((resolve) => { first.once('close', () => resolve()); first.close(); });
      await expect.poll(async () => connect().then(() => true, () => false)).toBe(true);
    } finally {
      for (const socket of open) socket.terminate();
    }
  });

  it('limits /agent requests per source address', async () => {
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i <= LIMITS.agentRequestsPerMinute; i += 1) {
      const response = await fetch(`${api.app.url}/agent/heartbeat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      statuses.push(response.status);
      if (response.status === 429) limited = response;
      else await response.text();
    }
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.slice(0, -1)).not.toContain(429);
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await limited!.json()).toMatchObject({ error: { code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) } });
  });

  it('has generous defaults', () => {
    expect(DEFAULT_RATE_LIMITS.requestsPerMinute).toBeGreaterThanOrEqual(600);
    expect(DEFAULT_RATE_LIMITS.socketsPerToken).toBeGreaterThanOrEqual(20);
  });
});
