/**
 * Every transport failure kind, produced for real by a small local server (or by no server),
 * must end as its PROVIDER_* code through the Hetzner adapter.
 */
import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDER_ERRORS } from '@hangar/domain/provider-errors';
import { createHetznerAdapter } from '../src/hetzner/adapter.ts';
import { ProviderError } from '../src/provider-error.ts';
import type { LocalServer } from './support/local-servers.ts';
import { refusedPort, sendJson, startHttpServer, startTcpServer } from './support/local-servers.ts';
import { failure } from './support/failure.ts';

const TOKEN = 'tok3nTOKENtok3nTOKENtok3nTOKENtok3nTOKENtok3nTOKENtok3nTOKEN1234';
const SHORT_TIMEOUT_MS = 300;


function expectCode(error: ProviderError, code: keyof typeof PROVIDER_ERRORS): void {
  expect(error.info.code).toBe(code);
  expect(error.info.retryable).toBe(PROVIDER_ERRORS[code].retryable);
  expect(error.message).not.toContain(TOKEN);
}

const servers: LocalServer[] = [];
let http: LocalServer;
let seenAuthorization: string[] = [];

beforeAll(async () => {
  // One HTTP server whose answer depends on the path: /v1/servers/<scenario id>.
  http = await startHttpServer((req, res) => {
    seenAuthorization.push(req.headers.authorization ?? '');
    const id = /\/v1\/servers\/(\d+)/.exec(req.url ?? '')?.[1];
    switch (id) {
      case '1': // malformed JSON in a 200
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{"server":{"id":1,"name":"trunc');
        return;
      case '2': // non-JSON 502 from a gateway
        res.writeHead(502, { 'Content-Type': 'text/html' });
        res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
        return;
      case '3': // non-JSON 500
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end('Internal Server Error');
        return;
      case '4': // non-JSON 404: a web page, not the API
        res.writeHead(404, { 'Content-Type': 'text/html' });
        res.end('<html>Not Found</html>');
        return;
      case '5': // headers, half a body, then the connection dies
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '500' });
        res.write('{"server":{"id":5,');
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      case '6': // an error that echoes the token back
        sendJson(res, 401, { error: { code: 'unauthorized', message: `token ${req.headers.authorization} is not valid`, details: null } }, { 'X-Correlation-Id': 'corr-6' });
        return;
      case '7': // unknown code, known status
        sendJson(res, 409, { error: { code: 'brand_new_conflict', message: 'new', details: null } }, { 'X-Correlation-Id': 'corr-7' });
        return;
      case '8': // unknown code, unknown 4xx status
        sendJson(res, 418, { error: { code: 'teapot', message: 'short and stout', details: null } });
        return;
      case '9': // unknown code, unknown 5xx status
        sendJson(res, 599, { error: { code: 'weird', message: 'weird', details: null } });
        return;
      case '10': // non-JSON 429 from a gateway, with Retry-After
        res.writeHead(429, { 'Content-Type': 'text/plain', 'Retry-After': '7' });
        res.end('slow down');
        return;
      case '11': // JSON success without the expected object
        sendJson(res, 200, { something: 'else' });
        return;
      case '12': // a non-JSON 401 from a proxy: not a verdict on the token
        res.writeHead(401, { 'Content-Type': 'text/html' });
        res.end('<html>proxy login</html>');
        return;
      default: // never answers
        return;
    }
  });
  servers.push(http);
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

// A fresh connection id per adapter: a 429 in one test must not hold back the next one's budget.
const adapterAt = (apiEndpoint: string, requestTimeoutMs = 5_000) =>
  createHetznerAdapter({ apiEndpoint, token: TOKEN, requestTimeoutMs, connectionId: randomUUID() });

describe('transport failures through the Hetzner adapter', () => {
  it('a refused connection is PROVIDER_UNREACHABLE', async () => {
    const port = await refusedPort();
    const error = await failure(adapterAt(`http://127.0.0.1:${port}/v1`).readServer('1'));
    expectCode(error, 'PROVIDER_UNREACHABLE');
    expect(error.info.httpStatus).toBeNull();
    expect(error.info.message).toContain('ECONNREFUSED');
  });

  it('a connection reset before any answer is PROVIDER_CONNECTION_RESET', async () => {
    const tcp = await startTcpServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
    servers.push(tcp);
    expectCode(await failure(adapterAt(`${tcp.url}/v1`).readServer('1')), 'PROVIDER_CONNECTION_RESET');
  });

  it('a connection closed without an answer ("socket hang up") is PROVIDER_CONNECTION_RESET', async () => {
    const tcp = await startTcpServer((socket) => socket.once('data', () => socket.end()));
    servers.push(tcp);
    expectCode(await failure(adapterAt(`${tcp.url}/v1`).readServer('1')), 'PROVIDER_CONNECTION_RESET');
  });

  it('a connection that dies in the middle of the body is PROVIDER_CONNECTION_RESET, with the status seen', async () => {
    const error = await failure(adapterAt(`${http.url}/v1`).readServer('5'));
    expectCode(error, 'PROVIDER_CONNECTION_RESET');
    expect(error.info.httpStatus).toBe(200);
  });

  it('no answer within the request timeout is PROVIDER_TIMEOUT', async () => {
    // The server never answers '999': only the request timeout can end this call before the
    // test times out, and the code and message say it was that timeout (not a reset, not an abort).
    const error = await failure(adapterAt(`${http.url}/v1`, SHORT_TIMEOUT_MS).readServer('999'));
    expectCode(error, 'PROVIDER_TIMEOUT');
    expect(error.info.message).toContain(`no complete answer within ${SHORT_TIMEOUT_MS} ms`);
  });

  it("the caller's abort is PROVIDER_CANCELLED, not a timeout", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await failure(adapterAt(`${http.url}/v1`).readServer('999', { signal: controller.signal }));
    expectCode(error, 'PROVIDER_CANCELLED');
  });

  it('malformed JSON in a success answer is PROVIDER_BAD_RESPONSE', async () => {
    const error = await failure(adapterAt(`${http.url}/v1`).readServer('1'));
    expectCode(error, 'PROVIDER_BAD_RESPONSE');
    expect(error.info.httpStatus).toBe(200);
  });

  it('a success answer without the expected object is PROVIDER_BAD_RESPONSE', async () => {
    expectCode(await failure(adapterAt(`${http.url}/v1`).readServer('11')), 'PROVIDER_BAD_RESPONSE');
  });

  it('non-JSON 5xx keep their status meaning; a non-JSON 404 or 401 is PROVIDER_BAD_RESPONSE, never "gone"', async () => {
    const adapter = adapterAt(`${http.url}/v1`);
    const badGateway = await failure(adapter.readServer('2'));
    expectCode(badGateway, 'PROVIDER_UNAVAILABLE');
    expect(badGateway.info).toMatchObject({ httpStatus: 502, providerCode: null });
    expectCode(await failure(adapter.readServer('3')), 'PROVIDER_SERVER_ERROR');
    const notApi = await failure(adapter.readServer('4'));
    expectCode(notApi, 'PROVIDER_BAD_RESPONSE');
    expect(notApi.info.httpStatus).toBe(404);
    expectCode(await failure(adapter.deleteServer('4')), 'PROVIDER_BAD_RESPONSE');
    expectCode(await failure(adapter.readServer('12')), 'PROVIDER_BAD_RESPONSE');
  });

  it('a non-JSON 429 is PROVIDER_RATE_LIMITED and carries Retry-After', async () => {
    const error = await failure(adapterAt(`${http.url}/v1`).readServer('10'));
    expectCode(error, 'PROVIDER_RATE_LIMITED');
    expect(error.retryAfterMs).toBe(7_000);
  });

  it('an unknown code falls back on the exact status, then the status class', async () => {
    const adapter = adapterAt(`${http.url}/v1`);
    const conflict = await failure(adapter.readServer('7'));
    expectCode(conflict, 'PROVIDER_CONFLICT');
    expect(conflict.info).toMatchObject({ providerCode: 'brand_new_conflict', httpStatus: 409, requestId: 'corr-7' });
    const teapot = await failure(adapter.readServer('8'));
    expectCode(teapot, 'PROVIDER_INVALID_REQUEST');
    expect(teapot.info.providerCode).toBe('teapot');
    expectCode(await failure(adapter.readServer('9')), 'PROVIDER_SERVER_ERROR');
  });

  it('an unresolvable host is PROVIDER_DNS_ERROR', async () => {
    const error = await failure(adapterAt('http://hangar-test-host.invalid/v1').readServer('1'));
    expectCode(error, 'PROVIDER_DNS_ERROR');
    expect(error.info.message).toMatch(/ENOTFOUND|EAI_AGAIN|EAI_FAIL|EAI_NONAME/);
  });

  it('TLS spoken to a plain HTTP port is PROVIDER_TLS_ERROR', async () => {
    const error = await failure(adapterAt(`https://127.0.0.1:${http.port}/v1`).readServer('1'));
    expectCode(error, 'PROVIDER_TLS_ERROR');
  });

  it('the same answer always gives the same code, flag and hint', async () => {
    const adapter = adapterAt(`${http.url}/v1`);
    const first = await failure(adapter.readServer('7'));
    const second = await failure(adapter.readServer('7'));
    expect(second.info).toEqual(first.info);
  });
});

describe('the token stays secret', () => {
  it('is sent as a bearer token but redacted from an error that echoes it', async () => {
    seenAuthorization = [];
    const error = await failure(adapterAt(`${http.url}/v1`).readServer('6'));
    expect(seenAuthorization).toEqual([`Bearer ${TOKEN}`]);
    expectCode(error, 'PROVIDER_AUTH_FAILED');
    expect(error.info.message).toContain('[REDACTED]');
    expect(error.info.requestId).toBe('corr-6');
    for (const shown of [error.message, error.stack ?? '', JSON.stringify(error), inspect(error, { depth: 10, showHidden: true }), String(error)]) {
      expect(shown).not.toContain(TOKEN);
    }
  });

  it('is not visible on the adapter', () => {
    const adapter = adapterAt(`${http.url}/v1`);
    expect(JSON.stringify(adapter)).not.toContain(TOKEN);
    expect(inspect(adapter, { depth: 10, showHidden: true })).not.toContain(TOKEN);
    expect(Object.values(adapter).some((value) => typeof value === 'string' && value.includes(TOKEN))).toBe(false);
  });
});
