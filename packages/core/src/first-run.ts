import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Db } from '@hangar/db/client';
import { authenticateApiToken, mintApiToken } from './api-tokens.ts';

export const DEFAULT_ORGANIZATION = 'default';
const DEV_TOKEN_FILE = 'dev-token';
const DEV_TOKEN_NAME = 'dev (npm start)';

export interface FirstRun {
  organizationId: string;
  /** The development API token, from `<dataDir>/dev-token`. */
  token: string;
  /** True when this start created the organization or a fresh token. */
  created: boolean;
}

/**
 * The zero-configuration setup behind `npm start`: organization "default" and an API token in
 * `<dataDir>/dev-token` (mode 0600). Later starts reuse both; a missing or revoked file token
 * is replaced by a new one.
 */
export async function ensureDevOrganization(db: Db, dataDir: string): Promise<FirstRun> {
  const file = path.join(dataDir, DEV_TOKEN_FILE);
  let organization = await db.organization.findUnique({ where: { name: DEFAULT_ORGANIZATION } });
  let created = false;
  if (!organization) {
    organization = await db.organization.create({ data: { name: DEFAULT_ORGANIZATION } });
    created = true;
  }
  if (existsSync(file)) {
    const token = readFileSync(file, 'utf8').trim();
    const principal = await authenticateApiToken(db, token);
    if (principal?.organizationId === organization.id) return { organizationId: organization.id, token, created };
  }
  const { token } = await mintApiToken(db, { organizationId: organization.id, name: DEV_TOKEN_NAME });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { organizationId: organization.id, token, created: true };
}
