import path from 'node:path';
import { startEmbeddedPostgres } from './embedded-postgres.ts';

/** Port of the embedded Postgres behind `npm start` (not 5432, which a system Postgres may hold). */
export const DEFAULT_EMBEDDED_PG_PORT = 54329;
const DEFAULT_DATABASE = 'hangar';

export interface DatabaseHandle {
  url: string;
  /** "external" when DATABASE_URL named it, "embedded" when this process owns it. */
  source: 'external' | 'embedded';
  stop(): Promise<void>;
}

/** `databaseUrl` (DATABASE_URL) when set; otherwise an embedded Postgres under `<dataDir>/postgres` on `pgPort`, owned by this process. */
export async function openDatabase(options: { databaseUrl: string | undefined; pgPort?: number; dataDir: string; onLog?: (line: string) => void }): Promise<DatabaseHandle> {
  const external = options.databaseUrl;
  if (external) return { url: external, source: 'external', stop: async () => undefined };
  const port = options.pgPort ?? DEFAULT_EMBEDDED_PG_PORT;
  const server = await startEmbeddedPostgres({
    dataDir: path.join(options.dataDir, 'postgres'),
    port,
    database: DEFAULT_DATABASE,
    onLog: options.onLog,
  });
  return { url: server.url, source: 'embedded', stop: () => server.stop() };
}
