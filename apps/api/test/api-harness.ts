import { Writable } from 'node:stream';
import { createTestDatabase, type TestDatabase } from '@hangar/db/testing/test-database';
import { mintApiToken } from '@hangar/core/api-tokens';
import type { HangarConfig } from '@hangar/core/config';
import { createLogger } from '@hangar/core/logger';
import { createTestDeps, type TestDeps } from '@hangar/core/testing/test-deps';
import { buildApp, type App, type AppOptions } from '../src/app.ts';

export interface TestApi {
  app: App;
  deps: TestDeps;
  testDb: TestDatabase;
  organizationId: string;
  token: string;
  /** Id of `token`'s ApiToken row (audit rows name it). */
  apiTokenId: string;
  /** The raw body of every response `graphql()` received, in order (e.g. to scan for secrets). */
  responseBodies: string[];
  /** Every log line the app wrote, for assertions (e.g. no secret in logs). */
  logLines: string[];
  graphql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<{ status: number; body: { data?: T; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } }>;
  stop(): Promise<void>;
}

/**
 * A real API on port 0 over a database of its own, with one organization and token.
 * `webDir`: a built web app (vite build output) to serve at /, as in production.
 */
export async function startTestApi(options: { organization?: string; webDir?: string; /** Extra buildApp options (e.g. a short keep-alive). */ app?: Pick<AppOptions, 'wsKeepAliveMs' | 'tokenRecheckIntervalMs' | 'simulatorUrl' | 'subscriptionDeliverySlice'>; /** Configuration (e.g. providerEndpoints: a simulator's /v1 URL). */ config?: Partial<HangarConfig> } = {}): Promise<TestApi> {
  const testDb = await createTestDatabase();
  const logLines: string[] = [];
  const destination = new Writable({ write(chunk, _encoding, done) { logLines.push(String(chunk)); done(); } });
  const log = createLogger({ level: 'debug', destination });
  const deps = await createTestDeps(testDb, log, options.config);
  const app = buildApp({ deps, databaseUrl: testDb.url, port: 0, ...(options.webDir ? { webDir: options.webDir } : {}), ...options.app });
  await app.start();
  const organization = await testDb.db.organization.create({ data: { name: options.organization ?? 'acme' } });
  const { id: apiTokenId, token } = await mintApiToken(testDb.db, { organizationId: organization.id, name: 'test' });
  const responseBodies: string[] = [];
  return {
    app, deps, testDb, organizationId: organization.id, token, apiTokenId, responseBodies, logLines,
    async graphql(query, variables, bearer = token) {
      const response = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const text = await response.text();
      responseBodies.push(text);
      return { status: response.status, body: JSON.parse(text) };
    },
    async stop() {
      await app.stop();
      await deps.stop();
      await testDb.drop();
    },
  };
}
