/**
 * Provider tokens never leak: a scenario through every provider-connection operation (with
 * real simulator tokens, good and bad, and provoked errors), then a scan of every GraphQL
 * response body, every log line and every row of every table in the test database for each
 * token used, whole and by its 32-character prefix (what the Hetzner console shows).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './api-harness.ts';
import { payloadOf } from './support/results.ts';
import {
  ALL,
  CATALOG,
  CREATE,
  DELETE,
  ONE,
  REFRESH_CATALOG,
  ROTATE,
  VALIDATE,
  addFault,
  createConnectionVia,
  createProject,
  startSimulator,
  uniqueName,
  unknownToken,
  type Simulator,
} from './provider-connections-support.ts';

/** Characters of each token searched for on their own (the Hetzner console's visible prefix). */
const PREFIX_CHARS = 32;

let api: TestApi;
let sim: Simulator;
const secrets: string[] = [];

beforeAll(async () => {
  sim = await startSimulator('instant');
  api = await startTestApi({ config: { providerEndpoints: [`${sim.url}/v1`] } });
});
afterAll(async () => {
  await Promise.all([api.stop(), sim.stop()]);
});

/** Every row of every table outside Postgres' own schemas, as JSON text. */
async function everyRow(url: string): Promise<Array<{ table: string; row: string }>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ table_schema: string; table_name: string }>(
      `SELECT table_schema, table_name FROM information_schema.tables
       WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
    );
    const rows: Array<{ table: string; row: string }> = [];
    for (const { table_schema: schema, table_name: name } of tables.rows) {
      const table = `"${schema.replaceAll('"', '""')}"."${name.replaceAll('"', '""')}"`;
      const result = await client.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM ${table} t`);
      for (const { row } of result.rows) rows.push({ table, row });
    }
    return rows;
  } finally {
    await client.end();
  }
}

/** The text/json columns the scan covers (to prove it looked at the places a token could land). */
async function textColumns(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ column: string }>(
      `SELECT table_schema || '.' || table_name || '.' || column_name AS column FROM information_schema.columns
       WHERE table_schema NOT IN ('pg_catalog', 'information_schema')
         AND data_type IN ('text', 'character varying', 'json', 'jsonb', 'ARRAY')`,
    );
    return result.rows.map((row) => row.column);
  } finally {
    await client.end();
  }
}

/** Where each needle occurs, naming the place and only the needle's last characters. */
function findHits(haystacks: Array<[string, string]>, needles: string[]): string[] {
  return haystacks.flatMap(([where, text]) => needles.filter((needle) => text.includes(needle)).map((needle) => `${where} contains …${needle.slice(-6)}`));
}

describe('secret scan', () => {
  it('finds no provider token in any response, log line or database row', async () => {
    const project = await createProject(sim);
    const second = await createProject(sim);
    const bad = unknownToken();
    secrets.push(project.token, project.readOnlyToken, second.token, second.readOnlyToken, bad);
    const endpoint = `${sim.url}/v1`;

    // The happy path: create, read everything (catalog included), rotate, validate.
    const main = await createConnectionVia(api, { name: uniqueName('scan'), token: project.token, apiEndpoint: endpoint });
    const readOnly = await createConnectionVia(api, { name: uniqueName('scan-ro'), token: project.readOnlyToken, apiEndpoint: endpoint });
    expect(readOnly.credentialStatus).toBe('READ_ONLY');
    expect((await api.graphql(ALL)).body.errors).toBeUndefined();
    expect((await api.graphql(CATALOG, { id: main.id })).body.errors).toBeUndefined();
    payloadOf((await api.graphql(REFRESH_CATALOG, { id: main.id })).body, 'refreshCatalog');
    payloadOf((await api.graphql(ROTATE, { id: main.id, token: second.token })).body, 'rotateProviderToken');
    payloadOf((await api.graphql(VALIDATE, { id: main.id })).body, 'validateProviderConnection');

    // Provoked failures, each carrying a token somewhere in the request: a typed error result
    // (a mutation's expected failure) or a top-level error (a request that does not fit the schema).
    const expectError = async (query: string, variables: Record<string, unknown>) => {
      const { body } = await api.graphql(query, variables);
      const typed = Object.values(body.data ?? {}).some((result) => /Error$/.test(String((result as { __typename?: string } | null)?.__typename)));
      expect(typed || (body.errors?.length ?? 0) > 0, JSON.stringify(body)).toBe(true);
    };
    await expectError(REFRESH_CATALOG, { id: (await createConnectionVia(api, { name: uniqueName('scan-bad'), token: bad, apiEndpoint: endpoint })).id });
    await expectError(ROTATE, { id: main.id, token: project.token.slice(0, PREFIX_CHARS) });
    await expectError(ROTATE, { id: main.id, token: `${project.token.slice(0, 40)} ${project.token.slice(40)}` });
    await expectError(CREATE, { input: { name: main.name, kind: 'HETZNER', token: project.token, apiEndpoint: endpoint } });
    await expectError(CREATE, { input: { name: uniqueName('scan'), kind: 'HETZNER', token: project.token, apiEndpoint: project.token } });
    await expectError(CREATE, { input: { name: uniqueName('scan'), kind: 'HETZNER', token: project.token, apiEndpoint: `https://${project.token}@example.com/v1` } });
    await expectError(CREATE, { input: { name: uniqueName('scan'), kind: 'NOPE', token: project.token } });
    await expectError(CREATE, { input: { name: 42, kind: 'HETZNER', token: project.token } });
    await expectError(ROTATE, { id: 'not-a-uuid', token: project.token });
    await expectError(`mutation { rotateProviderToken(input: { id: "${main.id}", token: ${JSON.stringify(project.token)}, extra: 1 }) { __typename } }`, {});
    await expectError(`mutation { createProviderConnection(input: { name: "x", kind: NOPE, token: ${JSON.stringify(second.token)} }) { __typename } }`, {});

    // A provider that fails mid-check (5xx with the token's project), then a rotation back to a bad token.
    await addFault(sim, { method: 'POST', path: '/ssh_keys', projectId: second.id, error: 'server_error', times: 1 });
    payloadOf((await api.graphql(VALIDATE, { id: main.id })).body, 'validateProviderConnection');
    payloadOf((await api.graphql(ROTATE, { id: main.id, token: bad })).body, 'rotateProviderToken');
    const { body: last } = await api.graphql<{ providerConnection: { credentialError: { code: string } | null } }>(ONE, { id: main.id });
    expect(last.data?.providerConnection.credentialError?.code).toBe('PROVIDER_AUTH_FAILED');
    payloadOf((await api.graphql(DELETE, { id: readOnly.id })).body, 'deleteProviderConnection');

    // A canary the scan must find, to prove it reads every row (it is not one of the secrets).
    const canary = unknownToken();
    await api.testDb.db.organization.create({ data: { name: `canary-${canary}` } });

    // The scan.
    const rows = await everyRow(api.testDb.url);
    const columns = await textColumns(api.testDb.url);
    expect(columns).toEqual(expect.arrayContaining(['public.ProviderConnection.tokenSealed', 'public.AuditEvent.details', 'public.ProviderConnection.credentialError']));
    expect(rows.some((entry) => entry.table === '"public"."ProviderConnection"')).toBe(true);
    expect(rows.some((entry) => entry.table === '"public"."AuditEvent"')).toBe(true);
    expect(api.responseBodies.length).toBeGreaterThan(15);
    expect(api.logLines.length).toBeGreaterThan(0);

    const haystacks: Array<[string, string]> = [
      ...api.responseBodies.map((body, index): [string, string] => [`response ${index}`, body]),
      ...api.logLines.map((line, index): [string, string] => [`log line ${index}`, line]),
      ...rows.map((entry): [string, string] => [`row of ${entry.table}`, entry.row]),
    ];
    const needles = secrets.flatMap((token) => [token, token.slice(0, PREFIX_CHARS)]);
    expect(findHits(haystacks, needles)).toEqual([]);
    // The scan sees what is there: it finds the canary, and the connection's id in rows and responses.
    expect(findHits(haystacks, [canary.slice(0, PREFIX_CHARS)])).toHaveLength(1);
    expect(findHits(haystacks, [main.id]).length).toBeGreaterThan(3);
  });
});
