/**
 * The stored catalog through the API (real app, real Postgres, the simulator over HTTP): one
 * connection whose token the provider refuses never empties a list of connections with their
 * catalogs, refreshCatalog answers typed results, and listing catalogs costs no provider call
 * and a fixed number of SQL statements however many connections there are.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintApiToken } from '@hangar/core/api-tokens';
import { createLogger } from '@hangar/core/logger';
import { allowProviderEndpoint, createTestDeps, type TestDeps } from '@hangar/core/testing/test-deps';
import type { Db } from '@hangar/db/client';
import { PrismaClient } from '@hangar/db/generated/prisma/client';
import { PrismaPg } from '@prisma/adapter-pg';
import { createTestDatabase, type TestDatabase } from '@hangar/db/testing/test-database';
import { buildApp, type App } from '../src/app.ts';
import { admin, createProject, requestsOf, startSimulator, uniqueName, type SimProject, type Simulator } from './provider-connections-support.ts';
import { errorSelection, payloadOf, typedErrorOf } from './support/results.ts';

/** The query, in the connection shape, with the viewer alongside. */
const LIST = `{ viewer { organization { name } }
  providerConnections { totalCount nodes { name credentialStatus credentialError { code } catalog { fetchedAt locations { name } } } } }`;
const FULL_CATALOG = `query Full($id: ID!) { providerConnection(id: $id) { catalog {
  fetchedAt locations { name city country }
  serverTypes { name architecture locations deprecated prices { location hourly { net gross currency } monthly { net gross currency } } }
  images { name architecture } } } }`;
const CREATE = `mutation Create($input: CreateProviderConnectionInput!) {
  createProviderConnection(input: $input) { ${errorSelection({})} ... on CreateProviderConnectionPayload { providerConnection { id credentialStatus catalog { fetchedAt } } } } }`;
const REFRESH = `mutation Refresh($id: ID!) {
  refreshCatalog(input: { id: $id }) { ${errorSelection({ provider: true })}
    ... on RefreshCatalogPayload { providerConnection { id credentialStatus catalog { fetchedAt locations { name } } } } } }`;

interface ListedConnection {
  name: string;
  credentialStatus: string;
  credentialError: { code: string } | null;
  catalog: { fetchedAt: string; locations: Array<{ name: string }> } | null;
}

let testDb: TestDatabase;
let deps: TestDeps;
let app: App;
let sim: Simulator;
let token: string;
/** The API's own Prisma client, logging every SQL statement it sends. */
let sqlDb: PrismaClient;
/** Every SQL statement the API sent since the last reset. */
let statements: string[] = [];

async function graphql<T>(query: string, variables: Record<string, unknown> = {}, bearer = token): Promise<{ status: number; body: { data?: T | null; errors?: unknown[] } }> {
  const response = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as { data?: T | null; errors?: unknown[] } };
}

async function connect(project: SimProject, name = uniqueName('cat')): Promise<{ id: string; name: string }> {
  const { body } = await graphql(CREATE, { input: { name, kind: 'HETZNER', token: project.token, apiEndpoint: `${sim.url}/v1` } });
  const { providerConnection } = payloadOf<{ providerConnection: { id: string; credentialStatus: string; catalog: unknown } }>(body, 'createProviderConnection');
  expect(providerConnection).toMatchObject({ credentialStatus: 'VALID', catalog: null });
  return { id: providerConnection.id, name };
}

async function refresh(id: string, bearer = token) {
  return (await graphql(REFRESH, { id }, bearer)).body;
}

/** Catalog reads (GET /locations, /server_types, /images) the simulator received from `projects`. */
async function catalogReads(projects: SimProject[]): Promise<number> {
  let reads = 0;
  for (const project of projects) {
    reads += (await requestsOf(sim, project.id)).filter((entry) => entry.method === 'GET' && ['/v1/locations', '/v1/server_types', '/v1/images'].includes(entry.path)).length;
  }
  return reads;
}

beforeAll(async () => {
  [testDb, sim] = await Promise.all([createTestDatabase(), startSimulator('instant')]);
  const log = createLogger({ level: 'silent', destination: new Writable({ write: (_chunk, _encoding, done) => done() }) });
  deps = await createTestDeps(testDb, log);
  allowProviderEndpoint(deps, `${sim.url}/v1`);
  sqlDb = new PrismaClient({ adapter: new PrismaPg({ connectionString: testDb.url }), log: [{ emit: 'event', level: 'query' }] });
  (sqlDb as unknown as { $on(event: 'query', listener: (event: { query: string }) => void): void }).$on('query', (event) => statements.push(event.query));
  app = buildApp({ deps: { ...deps, db: sqlDb as unknown as Db }, databaseUrl: testDb.url, port: 0 });
  await app.start();
  const organization = await testDb.db.organization.create({ data: { name: 'catalog-api' } });
  const minted = await mintApiToken(testDb.db, { organizationId: organization.id, name: 'catalog' });
  token = minted.token;
  // Authentication writes lastUsedAt when it is a minute old; dated a day ahead, it never is while
  // this file runs, however slow the machine, so no statement count includes that write.
  await testDb.db.apiToken.update({ where: { id: minted.id }, data: { lastUsedAt: new Date(Date.now() + 86_400_000) } });
});
afterAll(async () => {
  await app.stop();
  await sqlDb.$disconnect();
  await deps.stop();
  await Promise.all([testDb.drop(), sim.stop()]);
});

describe('a refused connection among valid ones', () => {
  const projects: SimProject[] = [];
  const names: string[] = [];
  let refusedName = '';

  it('refreshCatalog stores each valid catalog and answers a refused token as a typed ProviderError, keeping the last good catalog', async () => {
    for (let i = 0; i < 3; i += 1) projects.push(await createProject(sim));
    const connections = [];
    for (const project of projects) connections.push(await connect(project));
    names.push(...connections.map((connection) => connection.name));
    for (const connection of connections) {
      const { providerConnection } = payloadOf<{ providerConnection: ListedConnection }>(await refresh(connection.id), 'refreshCatalog');
      expect(providerConnection.catalog?.locations.map((location) => location.name)).toContain('fsn1');
    }

    // The third project's tokens are revoked: its refresh is refused, its catalog stays.
    refusedName = connections[2]!.name;
    await admin(sim, 'POST', `/_sim/projects/${projects[2]!.id}/revoke-tokens`);
    const refused = typedErrorOf(await refresh(connections[2]!.id), 'refreshCatalog');
    expect(refused).toMatchObject({ __typename: 'ProviderError', code: 'PROVIDER_AUTH_FAILED', httpStatus: 401, retryable: false });
    expect(refused.hint).not.toBe('');
    expect(JSON.stringify(refused)).not.toContain(projects[2]!.token);
  });

  it('the issue’s query returns every connection: the valid ones with their catalog, the refused one with its state, and data is never null', async () => {
    const { status, body } = await graphql<{ viewer: { organization: { name: string } }; providerConnections: { totalCount: number; nodes: ListedConnection[] } }>(LIST);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data?.viewer.organization.name).toBe('catalog-api');
    const listed = body.data?.providerConnections.nodes ?? [];
    expect(listed.map((connection) => connection.name)).toEqual(names);
    for (const connection of listed.filter((entry) => entry.name !== refusedName)) {
      expect(connection).toMatchObject({ credentialStatus: 'VALID', credentialError: null });
      expect(connection.catalog?.locations.map((location) => location.name)).toContain('fsn1');
    }
    const refused = listed.find((entry) => entry.name === refusedName);
    expect(refused).toMatchObject({ credentialStatus: 'INVALID', credentialError: { code: 'PROVIDER_AUTH_FAILED' } });
    // The last good catalog stays readable.
    expect(refused?.catalog?.locations.map((location) => location.name)).toContain('fsn1');
  });

  it('a connection refused from the start lists with a null catalog, next to the others', async () => {
    const project = await createProject(sim);
    const connection = await connect(project);
    await admin(sim, 'POST', `/_sim/projects/${project.id}/revoke-tokens`);
    expect(typedErrorOf(await refresh(connection.id), 'refreshCatalog')).toMatchObject({ code: 'PROVIDER_AUTH_FAILED' });
    const { body } = await graphql<{ providerConnections: { nodes: ListedConnection[] } }>(LIST);
    expect(body.errors).toBeUndefined();
    const listed = body.data?.providerConnections.nodes ?? [];
    expect(listed.find((entry) => entry.name === connection.name)).toMatchObject({ credentialStatus: 'INVALID', catalog: null });
    expect(listed.filter((entry) => entry.catalog !== null).length).toBeGreaterThanOrEqual(3);
  });

  it('serves prices per location as decimal strings with their currency', async () => {
    const { body } = await graphql<{ providerConnection: { catalog: { serverTypes: Array<{ name: string; architecture: string; prices: Array<{ location: string; hourly: { net: string; gross: string; currency: string }; monthly: { net: string; gross: string; currency: string } }> }> } } }>(
      FULL_CATALOG,
      { id: (await connectionIdByName(names[0]!)) },
    );
    expect(body.errors).toBeUndefined();
    const cx22 = body.data?.providerConnection.catalog.serverTypes.find((type) => type.name === 'cx22');
    expect(cx22?.architecture).toBe('X86');
    const fsn1 = cx22?.prices.find((price) => price.location === 'fsn1');
    expect(fsn1?.monthly).toMatchObject({ net: expect.stringMatching(/^\d+\.\d+$/), gross: expect.stringMatching(/^\d+\.\d+$/), currency: 'EUR' });
    expect(Number(fsn1?.monthly.gross)).toBeGreaterThanOrEqual(Number(fsn1?.monthly.net));
  });

  it('listing connections with catalogs makes no provider call and a fixed number of SQL statements', async () => {
    const count = async () => {
      statements = [];
      const { body } = await graphql(LIST);
      expect(body.errors).toBeUndefined();
      // Parameter lists grow with the page (IN ($1, $2, ...)); the statements do not.
      // Independent reads (the page and its count) may go in either order.
      return statements.map((statement) => statement.replace(/\$\d+(?:\s*,\s*\$\d+)*/g, '$n')).sort();
    };
    const readsBefore = await catalogReads(projects);
    const few = await count();
    for (let i = 0; i < 3; i += 1) await connect(await createProject(sim));
    const more = await count();
    expect(more).toEqual(few);
    // The token, the viewer's organization, the page of connections with their catalogs joined, its total count.
    expect(few.length).toBeLessThanOrEqual(4);
    expect(await catalogReads(projects)).toBe(readsBefore);
  });
});

describe('refreshCatalog', () => {
  it('answers NotFoundError for another organization’s connection, a forged id and a NUL byte, never echoing them', async () => {
    const project = await createProject(sim);
    const mine = await connect(project);
    const other = await testDb.db.organization.create({ data: { name: 'catalog-other' } });
    const { token: otherToken } = await mintApiToken(testDb.db, { organizationId: other.id, name: 'other' });
    expect(typedErrorOf(await refresh(mine.id, otherToken), 'refreshCatalog')).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
    for (const forged of ['00000000-0000-4000-8000-000000000000', 'x\u0000y', `${'a'.repeat(100_000)}`]) {
      const error = typedErrorOf(await refresh(forged), 'refreshCatalog');
      expect(error).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
      if (forged.length > 40) expect(error.message).not.toContain(forged.slice(0, 40));
    }
  });

  it('needs an API token', async () => {
    const { body } = await graphql(REFRESH, { id: '00000000-0000-4000-8000-000000000000' }, 'hgr_not-a-token');
    expect(body.errors).toMatchObject([{ extensions: { code: 'UNAUTHENTICATED' } }]);
  });
});

async function connectionIdByName(name: string): Promise<string> {
  const row = await testDb.db.providerConnection.findFirstOrThrow({ where: { name }, select: { id: true } });
  return row.id;
}
