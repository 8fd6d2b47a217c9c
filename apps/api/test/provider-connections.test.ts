/**
 * Provider connections through the real API, against the Hetzner simulator over HTTP: live
 * credential statuses, input rules, names, deletion while nodes hold servers, organization
 * scoping, the catalog and the audit trail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintApiToken } from '@hangar/core/api-tokens';
import { allowProviderEndpoint } from '@hangar/core/testing/test-deps';
import { startTestApi, type TestApi } from './api-harness.ts';
import { payloadOf, typedErrorOf } from './support/results.ts';
import {
  ALL,
  CATALOG,
  CREATE,
  DELETE,
  ONE,
  ROTATE,
  VALIDATE,
  addFault,
  admin,
  createConnectionVia,
  createProject,
  startSimulator,
  uniqueName,
  unknownToken,
  type ConnectionView,
  type SimProject,
  type Simulator,
} from './provider-connections-support.ts';

let api: TestApi;
let sim: Simulator;
let endpoint: string;
let project: SimProject;

beforeAll(async () => {
  sim = await startSimulator('instant');
  api = await startTestApi({ config: { providerEndpoints: [`${sim.url}/v1`] } });
  endpoint = `${sim.url}/v1`;
  project = await createProject(sim);
});
afterAll(async () => {
  await Promise.all([api.stop(), sim.stop()]);
});

async function validate(id: string): Promise<ConnectionView> {
  return payloadOf<{ providerConnection: ConnectionView }>((await api.graphql(VALIDATE, { id })).body, 'validateProviderConnection').providerConnection;
}

async function rotate(id: string, token: string): Promise<ConnectionView> {
  return payloadOf<{ providerConnection: ConnectionView }>((await api.graphql(ROTATE, { id, token })).body, 'rotateProviderToken').providerConnection;
}

/** Every /v1 request the simulator has seen (all projects, unauthenticated ones too). */
async function simRequestCount(): Promise<number> {
  return (await admin<{ requests: unknown[] }>(sim, 'GET', '/_sim/requests')).requests.length;
}

describe('live credential status', () => {
  it('a read & write token is VALID, shown only by its hint', async () => {
    const connection = await createConnectionVia(api, { token: project.token, apiEndpoint: endpoint });
    expect(connection).toMatchObject({ kind: 'HETZNER', apiEndpoint: endpoint, credentialStatus: 'VALID', credentialError: null, tokenHint: `…${project.token.slice(-4)}` });
    expect(Date.parse(connection.credentialCheckedAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
  });

  it('a read-only token is READ_ONLY, with the provider’s diagnostic', async () => {
    const connection = await createConnectionVia(api, { token: project.readOnlyToken, apiEndpoint: endpoint });
    expect(connection.credentialStatus).toBe('READ_ONLY');
    expect(connection.credentialError).toMatchObject({ code: 'PROVIDER_READ_ONLY_TOKEN', providerCode: 'token_readonly', httpStatus: 401, retryable: false });
    expect(connection.credentialError?.requestId).toBeTruthy();
  });

  it('an unknown token is INVALID', async () => {
    const connection = await createConnectionVia(api, { token: unknownToken(), apiEndpoint: endpoint });
    expect(connection.credentialStatus).toBe('INVALID');
    expect(connection.credentialError).toMatchObject({ code: 'PROVIDER_AUTH_FAILED', providerCode: 'unauthorized', httpStatus: 401 });
  });

  it('a stopped simulator is UNREACHABLE', async () => {
    const doomed = await startSimulator('instant');
    allowProviderEndpoint(api.deps, `${doomed.url}/v1`);
    const doomedProject = await createProject(doomed);
    const connection = await createConnectionVia(api, { token: doomedProject.token, apiEndpoint: `${doomed.url}/v1` });
    expect(connection.credentialStatus).toBe('VALID');
    await doomed.stop();
    const validated = await validate(connection.id);
    expect(validated.credentialStatus).toBe('UNREACHABLE');
    expect(validated.credentialError).toMatchObject({ code: 'PROVIDER_UNREACHABLE', httpStatus: null, retryable: true, hint: expect.stringMatching(/API endpoint/) });
  });

  it('a 429 from the provider is RATE_LIMITED', async () => {
    const limited = await createProject(sim);
    const connection = await createConnectionVia(api, { token: limited.token, apiEndpoint: endpoint });
    expect(connection.credentialStatus).toBe('VALID');
    await addFault(sim, { method: 'GET', path: '/servers', projectId: limited.id, error: 'rate_limit_exceeded', times: 1 });
    const validated = await validate(connection.id);
    expect(validated.credentialStatus).toBe('RATE_LIMITED');
    expect(validated.credentialError).toMatchObject({ code: 'PROVIDER_RATE_LIMITED', providerCode: 'rate_limit_exceeded', httpStatus: 429 });
  });

  it('rotating to a bad token gives INVALID; rotating back gives VALID with the new hint', async () => {
    const connection = await createConnectionVia(api, { token: project.token, apiEndpoint: endpoint });
    const bad = unknownToken();
    const rotated = await rotate(connection.id, bad);
    expect(rotated).toMatchObject({ id: connection.id, credentialStatus: 'INVALID', tokenHint: `…${bad.slice(-4)}` });
    expect(rotated.credentialError?.code).toBe('PROVIDER_AUTH_FAILED');
    // The stored token is the bad one now: an on-demand check agrees.
    expect((await validate(connection.id)).credentialStatus).toBe('INVALID');
    const back = await rotate(connection.id, `  ${project.token}\n`);
    expect(back).toMatchObject({ credentialStatus: 'VALID', credentialError: null, tokenHint: `…${project.token.slice(-4)}` });
  });
});

describe('input rules (checked before any provider call)', () => {
  it.each([
    ['empty', '', /empty/],
    ['blank', '   \n ', /empty/],
    ['containing whitespace', () => `${project.token.slice(0, 30)} ${project.token.slice(30)}`, /whitespace/],
    ['the 32-character prefix the console shows', () => project.token.slice(0, 32), /32 characters.*64.*prefix the Cloud Console lists/s],
    ['too long', () => `${project.token}x`, /65 characters/],
  ])('refuses a token that is %s with VALIDATION_FAILED on field token', async (_label, token, message) => {
    const value = typeof token === 'function' ? token() : token;
    const before = await simRequestCount();
    const { status, body } = await api.graphql(CREATE, { input: { name: uniqueName(), kind: 'HETZNER', token: value, apiEndpoint: endpoint } });
    expect(status).toBe(200);
    const error = typedErrorOf(body, 'createProviderConnection');
    expect(error).toMatchObject({ __typename: 'ValidationError', code: 'VALIDATION_FAILED', path: ['input', 'token'] });
    expect(error.message).toMatch(message);
    if (value.trim() !== '') expect(error.message).not.toContain(value.trim().slice(0, 16));
    expect(await simRequestCount()).toBe(before);
  });

  it('refuses a truncated token on rotate too, leaving the stored token alone', async () => {
    const connection = await createConnectionVia(api, { token: project.token, apiEndpoint: endpoint });
    const before = await simRequestCount();
    const { body } = await api.graphql(ROTATE, { id: connection.id, token: project.token.slice(0, 32) });
    expect(typedErrorOf(body, 'rotateProviderToken')).toMatchObject({ __typename: 'ValidationError', code: 'VALIDATION_FAILED', path: ['input', 'token'] });
    expect(await simRequestCount()).toBe(before);
    const { body: after } = await api.graphql<{ providerConnection: ConnectionView }>(ONE, { id: connection.id });
    expect(after.data?.providerConnection.tokenHint).toBe(connection.tokenHint);
  });

  it.each([
    ['name', { name: '   ' }, /empty/],
    ['name', { name: 'x'.repeat(65) }, /at most 64/],
    ['apiEndpoint', { apiEndpoint: 'ftp://example.com/v1' }, /http\(s\)/],
    ['apiEndpoint', { apiEndpoint: 'not a url' }, /not a URL/],
    ['apiEndpoint', { apiEndpoint: 'https://user:pw@api.hetzner.cloud/v1' }, /credentials/],
  ])('refuses a bad %s with VALIDATION_FAILED on that field', async (field, override, message) => {
    const { body } = await api.graphql(CREATE, { input: { name: uniqueName(), kind: 'HETZNER', token: project.token, apiEndpoint: endpoint, ...override } });
    const error = typedErrorOf(body, 'createProviderConnection');
    expect(error).toMatchObject({ __typename: 'ValidationError', code: 'VALIDATION_FAILED', path: ['input', field] });
    expect(error.message).toMatch(message);
  });

  it('refuses a name already used in the organization with CONFLICT on field name', async () => {
    const name = uniqueName('taken');
    await createConnectionVia(api, { name, token: project.token, apiEndpoint: endpoint });
    const { body } = await api.graphql(CREATE, { input: { name: `  ${name} `, kind: 'HETZNER', token: project.token, apiEndpoint: endpoint } });
    const error = typedErrorOf(body, 'createProviderConnection');
    expect(error).toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT', path: ['input', 'name'] });
    expect(error.message).toContain(name);
  });
});

describe('deleteProviderConnection', () => {
  const nodeData = (organizationId: string, providerConnectionId: string, extra: Record<string, unknown>) => ({
    organizationId,
    providerConnectionId,
    name: uniqueName('node'),
    serverType: 'cx22',
    location: 'fsn1',
    image: 'ubuntu-24.04',
    ...extra,
  });

  it('is a CONFLICT while a node holds a server through the connection, and works once it is released', async () => {
    const connection = await createConnectionVia(api, { token: project.token, apiEndpoint: endpoint });
    const node = await api.testDb.db.node.create({ data: nodeData(api.organizationId, connection.id, { phase: 'READY', providerServerId: '4711' }) });
    const conflict = typedErrorOf((await api.graphql(DELETE, { id: connection.id })).body, 'deleteProviderConnection');
    expect(conflict).toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT', path: [] });
    expect(conflict.message).toMatch(new RegExp(`still in use: 1 node .*"${node.name}" \\(READY, server 4711\\).*release`, 's'));
    expect(await api.testDb.db.providerConnection.count({ where: { id: connection.id } })).toBe(1);

    // FAILED with its server still recorded (not cleaned up yet) still holds it.
    await api.testDb.db.node.update({ where: { id: node.id }, data: { phase: 'FAILED' } });
    expect(typedErrorOf((await api.graphql(DELETE, { id: connection.id })).body, 'deleteProviderConnection').code).toBe('CONFLICT');

    await api.testDb.db.node.update({ where: { id: node.id }, data: { phase: 'RELEASED', providerServerId: null } });
    const deleted = payloadOf<{ deletedId: string }>((await api.graphql(DELETE, { id: connection.id })).body, 'deleteProviderConnection');
    expect(deleted.deletedId).toBe(connection.id);
    expect(await api.testDb.db.node.count({ where: { id: node.id } })).toBe(0);
    expect((await api.graphql(ONE, { id: connection.id })).body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('is a CONFLICT for a queued node without a server yet', async () => {
    const connection = await createConnectionVia(api, { token: project.token, apiEndpoint: endpoint });
    await api.testDb.db.node.create({ data: nodeData(api.organizationId, connection.id, { phase: 'QUEUED' }) });
    expect(typedErrorOf((await api.graphql(DELETE, { id: connection.id })).body, 'deleteProviderConnection').code).toBe('CONFLICT');
  });
});

describe('organization scoping', () => {
  let foreign: ConnectionView;
  let otherToken: string;
  beforeAll(async () => {
    foreign = await createConnectionVia(api, { token: project.token, apiEndpoint: endpoint });
    const other = await api.testDb.db.organization.create({ data: { name: 'globex' } });
    otherToken = (await mintApiToken(api.testDb.db, { organizationId: other.id, name: 'globex-test' })).token;
  });

  // [name, operation, variables, the mutation whose typed result answers (null: a query's top-level error)]
  const operations: Array<[string, string, (id: string) => Record<string, unknown>, string | null]> = [
    ['providerConnection', ONE, (id) => ({ id }), null],
    ['providerConnection { catalog }', CATALOG, (id) => ({ id }), null],
    ['rotateProviderToken', ROTATE, (id) => ({ id, token: unknownToken() }), 'rotateProviderToken'],
    ['validateProviderConnection', VALIDATE, (id) => ({ id }), 'validateProviderConnection'],
    ['deleteProviderConnection', DELETE, (id) => ({ id }), 'deleteProviderConnection'],
  ];

  /** The NOT_FOUND answer: a NotFoundError result of a mutation, a top-level error of a query. */
  function notFound(body: Awaited<ReturnType<TestApi['graphql']>>['body'], mutation: string | null): { message: string } {
    if (mutation) {
      const error = typedErrorOf(body, mutation);
      expect(error).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
      return error;
    }
    expect(body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    return body.errors?.[0] as { message: string };
  }

  it.each(operations)('%s with another organization’s id is NOT_FOUND', async (_name, operation, variables, mutation) => {
    const before = await simRequestCount();
    const { body } = await api.graphql(operation, variables(foreign.id), otherToken);
    expect(notFound(body, mutation).message).not.toContain(foreign.name);
    expect(await simRequestCount()).toBe(before);
  });

  it.each(operations)('%s with a malformed id is NOT_FOUND', async (_name, operation, variables, mutation) => {
    const { body } = await api.graphql(operation, variables('not-a-uuid'));
    notFound(body, mutation);
  });

  it('leaves the connection untouched and lists only the caller’s own connections', async () => {
    const { body } = await api.graphql<{ providerConnection: ConnectionView }>(ONE, { id: foreign.id });
    expect(body.data?.providerConnection).toMatchObject({ id: foreign.id, tokenHint: foreign.tokenHint, credentialStatus: 'VALID' });
    const theirs = await api.graphql<{ providerConnections: { totalCount: number; nodes: ConnectionView[] } }>(ALL, {}, otherToken);
    expect(theirs.body.data?.providerConnections).toEqual({ totalCount: 0, nodes: [] });
    const ours = await api.graphql<{ providerConnections: { totalCount: number; nodes: ConnectionView[] } }>(ALL);
    expect(ours.body.data?.providerConnections.nodes.map((connection) => connection.id)).toContain(foreign.id);
  });

  it('asks for an API token first', async () => {
    for (const operation of [ALL, CREATE]) {
      const { body } = await api.graphql(operation, { input: { name: 'x', kind: 'HETZNER', token: project.token } }, null);
      expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
  });
});

describe('audit trail', () => {
  it('records create, rotate, validate and delete with the acting API token, without secrets', async () => {
    const bad = unknownToken();
    const connection = await createConnectionVia(api, { name: uniqueName('audited'), token: project.token, apiEndpoint: endpoint });
    await api.graphql(ROTATE, { id: connection.id, token: bad });
    await api.graphql(VALIDATE, { id: connection.id });
    await api.graphql(DELETE, { id: connection.id });
    const rows = await api.testDb.db.auditEvent.findMany({ where: { targetId: connection.id }, orderBy: { id: 'asc' } });
    expect(rows.map((row) => row.action)).toEqual(['provider_connection.create', 'provider_connection.rotate_token', 'provider_connection.validate', 'provider_connection.delete']);
    for (const row of rows) {
      expect(row).toMatchObject({ organizationId: api.organizationId, apiTokenId: api.apiTokenId, targetType: 'ProviderConnection' });
      const text = JSON.stringify(row.details);
      for (const secret of [project.token, bad, project.token.slice(0, 32), bad.slice(0, 32)]) expect(text).not.toContain(secret);
    }
    expect(rows[0]?.details).toEqual({ name: connection.name, kind: 'HETZNER', apiEndpoint: endpoint, tokenHint: connection.tokenHint, credentialStatus: 'VALID' });
    expect(rows[1]?.details).toMatchObject({ previousTokenHint: connection.tokenHint, tokenHint: `…${bad.slice(-4)}`, credentialStatus: 'INVALID' });
    expect(rows[2]?.details).toMatchObject({ previousStatus: 'INVALID', credentialStatus: 'INVALID' });
    expect(rows[3]?.details).toMatchObject({ name: connection.name, kind: 'HETZNER', removedNodes: 0 });
  });
});
