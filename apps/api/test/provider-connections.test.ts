/**
 * Provider connections through the real API, against the Hetzner simulator over HTTP: live
 * credential statuses, input rules, names, deletion while nodes hold servers, organization
 * scoping, the catalog and the audit trail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintApiToken } from '@hangar/core/api-tokens';
import { allowProviderEndpoint } from '@hangar/core/testing/test-deps';
import { startTestApi, type TestApi } from './api-harness.ts';
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
    const { body } = await api.graphql<{ validateProviderConnection: ConnectionView }>(VALIDATE, { id: connection.id });
    expect(body.errors).toBeUndefined();
    expect(body.data?.validateProviderConnection.credentialStatus).toBe('UNREACHABLE');
    expect(body.data?.validateProviderConnection.credentialError).toMatchObject({ code: 'PROVIDER_UNREACHABLE', httpStatus: null, retryable: true });
  });

  it('a 429 from the provider is RATE_LIMITED', async () => {
    const limited = await createProject(sim);
    const connection = await createConnectionVia(api, { token: limited.token, apiEndpoint: endpoint });
    expect(connection.credentialStatus).toBe('VALID');
    await addFault(sim, { method: 'GET', path: '/servers', projectId: limited.id, error: 'rate_limit_exceeded', times: 1 });
    const { body } = await api.graphql<{ validateProviderConnection: ConnectionView }>(VALIDATE, { id: connection.id });
    expect(body.data?.validateProviderConnection.credentialStatus).toBe('RATE_LIMITED');
    expect(body.data?.validateProviderConnection.credentialError).toMatchObject({ code: 'PROVIDER_RATE_LIMITED', providerCode: 'rate_limit_exceeded', httpStatus: 429 });
  });

  it('rotating to a bad token gives INVALID; rotating back gives VALID with the new hint', async () => {
    const connection = await createConnectionVia(api, { token: project.token, apiEndpoint: endpoint });
    const bad = unknownToken();
    const rotated = await api.graphql<{ rotateProviderToken: ConnectionView }>(ROTATE, { id: connection.id, token: bad });
    expect(rotated.body.errors).toBeUndefined();
    expect(rotated.body.data?.rotateProviderToken).toMatchObject({ id: connection.id, credentialStatus: 'INVALID', tokenHint: `…${bad.slice(-4)}` });
    expect(rotated.body.data?.rotateProviderToken.credentialError?.code).toBe('PROVIDER_AUTH_FAILED');
    // The stored token is the bad one now: an on-demand check agrees.
    expect((await api.graphql<{ validateProviderConnection: ConnectionView }>(VALIDATE, { id: connection.id })).body.data?.validateProviderConnection.credentialStatus).toBe('INVALID');
    const back = await api.graphql<{ rotateProviderToken: ConnectionView }>(ROTATE, { id: connection.id, token: `  ${project.token}\n` });
    expect(back.body.data?.rotateProviderToken).toMatchObject({ credentialStatus: 'VALID', credentialError: null, tokenHint: `…${project.token.slice(-4)}` });
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
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'token' });
    expect(body.errors?.[0]?.message).toMatch(message);
    if (value.trim() !== '') expect(body.errors?.[0]?.message).not.toContain(value.trim().slice(0, 16));
    expect(await simRequestCount()).toBe(before);
  });

  it('refuses a truncated token on rotate too, leaving the stored token alone', async () => {
    const connection = await createConnectionVia(api, { token: project.token, apiEndpoint: endpoint });
    const before = await simRequestCount();
    const { body } = await api.graphql(ROTATE, { id: connection.id, token: project.token.slice(0, 32) });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'token' });
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
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field });
    expect(body.errors?.[0]?.message).toMatch(message);
  });

  it('refuses a name already used in the organization with CONFLICT on field name', async () => {
    const name = uniqueName('taken');
    await createConnectionVia(api, { name, token: project.token, apiEndpoint: endpoint });
    const { body } = await api.graphql(CREATE, { input: { name: `  ${name} `, kind: 'HETZNER', token: project.token, apiEndpoint: endpoint } });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'name' });
    expect(body.errors?.[0]?.message).toContain(name);
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
    const { body } = await api.graphql(DELETE, { id: connection.id });
    expect(body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(body.errors?.[0]?.message).toMatch(new RegExp(`still in use: 1 node .*"${node.name}" \\(READY, server 4711\\).*release`, 's'));
    expect(await api.testDb.db.providerConnection.count({ where: { id: connection.id } })).toBe(1);

    // FAILED with its server still recorded (not cleaned up yet) still holds it.
    await api.testDb.db.node.update({ where: { id: node.id }, data: { phase: 'FAILED' } });
    expect((await api.graphql(DELETE, { id: connection.id })).body.errors?.[0]?.extensions?.code).toBe('CONFLICT');

    await api.testDb.db.node.update({ where: { id: node.id }, data: { phase: 'RELEASED', providerServerId: null } });
    const deleted = await api.graphql<{ deleteProviderConnection: string }>(DELETE, { id: connection.id });
    expect(deleted.body.errors).toBeUndefined();
    expect(deleted.body.data?.deleteProviderConnection).toBe(connection.id);
    expect(await api.testDb.db.node.count({ where: { id: node.id } })).toBe(0);
    expect((await api.graphql(ONE, { id: connection.id })).body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('is a CONFLICT for a queued node without a server yet', async () => {
    const connection = await createConnectionVia(api, { token: project.token, apiEndpoint: endpoint });
    await api.testDb.db.node.create({ data: nodeData(api.organizationId, connection.id, { phase: 'QUEUED' }) });
    expect((await api.graphql(DELETE, { id: connection.id })).body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
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

  const operations: Array<[string, string, (id: string) => Record<string, unknown>]> = [
    ['providerConnection', ONE, (id) => ({ id })],
    ['providerConnection { catalog }', CATALOG, (id) => ({ id })],
    ['rotateProviderToken', ROTATE, (id) => ({ id, token: unknownToken() })],
    ['validateProviderConnection', VALIDATE, (id) => ({ id })],
    ['deleteProviderConnection', DELETE, (id) => ({ id })],
  ];

  it.each(operations)('%s with another organization’s id is NOT_FOUND', async (_name, operation, variables) => {
    const before = await simRequestCount();
    const { body } = await api.graphql(operation, variables(foreign.id), otherToken);
    expect(body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(body.errors?.[0]?.message).not.toContain(foreign.name);
    expect(await simRequestCount()).toBe(before);
  });

  it.each(operations)('%s with a malformed id is NOT_FOUND', async (_name, operation, variables) => {
    const { body } = await api.graphql(operation, variables('not-a-uuid'));
    expect(body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('leaves the connection untouched and lists only the caller’s own connections', async () => {
    const { body } = await api.graphql<{ providerConnection: ConnectionView }>(ONE, { id: foreign.id });
    expect(body.data?.providerConnection).toMatchObject({ id: foreign.id, tokenHint: foreign.tokenHint, credentialStatus: 'VALID' });
    const theirs = await api.graphql<{ providerConnections: ConnectionView[] }>(ALL, {}, otherToken);
    expect(theirs.body.data?.providerConnections).toEqual([]);
    const ours = await api.graphql<{ providerConnections: ConnectionView[] }>(ALL);
    expect(ours.body.data?.providerConnections.map((connection) => connection.id)).toContain(foreign.id);
  });

  it('asks for an API token first', async () => {
    for (const operation of [ALL, CREATE]) {
      const { body } = await api.graphql(operation, { input: { name: 'x', kind: 'HETZNER', token: project.token } }, null);
      expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
  });
});

describe('catalog', () => {
  it('lists the provider’s locations, server types with where they are offered, and images', async () => {
    const connection = await createConnectionVia(api, { token: project.token, apiEndpoint: endpoint });
    type Catalog = {
      locations: Array<{ name: string; country: string; city: string }>;
      serverTypes: Array<{ name: string; cores: number; memoryGb: number; diskGb: number; architecture: string; locations: string[]; deprecated: boolean }>;
      images: Array<{ name: string; architecture: string }>;
    };
    const { body } = await api.graphql<{ providerConnection: { catalog: Catalog } }>(CATALOG, { id: connection.id });
    expect(body.errors).toBeUndefined();
    const catalog = body.data?.providerConnection.catalog as Catalog;
    expect(catalog.locations.map((location) => location.name).sort()).toEqual(['ash', 'fsn1', 'hel1', 'hil', 'nbg1', 'sin']);
    expect(catalog.locations.find((location) => location.name === 'fsn1')).toMatchObject({ country: 'DE', city: 'Falkenstein' });
    const byName = new Map(catalog.serverTypes.map((type) => [type.name, type]));
    expect(byName.get('cx22')).toMatchObject({ cores: 2, memoryGb: 4, diskGb: 40, architecture: 'x86', deprecated: false });
    expect(byName.get('cx22')?.locations.sort()).toEqual(['fsn1', 'hel1', 'nbg1']);
    expect(byName.get('cpx11')?.locations.sort()).toEqual(['ash', 'fsn1', 'hel1', 'hil', 'nbg1', 'sin']);
    expect(byName.get('cax11')).toMatchObject({ architecture: 'arm' });
    expect(byName.get('cax11')?.locations).not.toContain('ash');
    expect(catalog.images.filter((image) => image.name === 'ubuntu-24.04').map((image) => image.architecture).sort()).toEqual(['arm', 'x86']);
    expect(catalog.images.map((image) => image.name)).not.toContain('ubuntu-20.04');
  });

  it('fails with the PROVIDER_* code and the diagnostic when the provider refuses the token', async () => {
    const connection = await createConnectionVia(api, { token: unknownToken(), apiEndpoint: endpoint });
    const { body } = await api.graphql(CATALOG, { id: connection.id });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'PROVIDER_AUTH_FAILED', retryable: false, provider: { code: 'PROVIDER_AUTH_FAILED', httpStatus: 401, providerCode: 'unauthorized' } });
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
