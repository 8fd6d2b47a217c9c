/**
 * No submitted variable value ever reaches a log line or an error message: variables that fail
 * coercion (a missing field, a typo'd field, a list where a string belongs, a wrong scalar)
 * are refused with BAD_REQUEST, and neither the response nor any log line holds the value.
 * Caller errors are logged at info without a stack; only Hangar's own failures are errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './api-harness.ts';
import { CREATE, unknownToken } from './provider-connections-support.ts';

let api: TestApi;
beforeAll(async () => { api = await startTestApi(); });
afterAll(async () => { await api.stop(); });

function logged(): Array<Record<string, unknown>> {
  return api.logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('variables that fail coercion', () => {
  const secret = unknownToken();
  const inputs: Array<[string, Record<string, unknown>]> = [
    ['a missing kind', { name: 'x', token: secret }],
    ['a typo\'d field', { name: 'x', kind: 'HETZNER', token: secret, apiEndpiont: secret }],
    ['a list where a string belongs', { name: 'x', kind: 'HETZNER', token: [secret] }],
    ['an object where a string belongs', { name: 'x', kind: 'HETZNER', token: { value: secret } }],
    ['a wrong enum', { name: secret, kind: secret, token: secret }],
  ];
  it.each(inputs)('%s: BAD_REQUEST, and the value is in no response and no log line', async (_what, input) => {
    const before = api.logLines.length;
    const { status, body } = await api.graphql(CREATE, { input });
    expect(status).toBeLessThan(500);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect(JSON.stringify(body)).not.toContain(secret);
    expect(JSON.stringify(body)).not.toContain(secret.slice(0, 32));
    const lines = api.logLines.slice(before).join('\n');
    expect(lines).not.toContain(secret);
    expect(lines).not.toContain(secret.slice(0, 32));
  });
});

describe('log levels', () => {
  it('a caller error (NOT_FOUND, BAD_REQUEST) is not logged at error level and carries no stack', async () => {
    const before = api.logLines.length;
    await api.graphql('query { providerConnection(id: "00000000-0000-4000-8000-000000000000") { id } }');
    await api.graphql('query { nope }');
    const lines = logged().slice(before);
    expect(lines.filter((line) => (line.level as number) >= 50)).toEqual([]);
    expect(JSON.stringify(lines)).not.toMatch(/\n\s+at |"stack"/);
  });
});
