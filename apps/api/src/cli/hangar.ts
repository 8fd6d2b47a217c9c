import path from 'node:path';
import { parseArgs } from 'node:util';
import { createDb } from '@hangar/db/client';
import { openDatabase } from '@hangar/db/database';
import { migrate } from '@hangar/db/migrator';
import { mintApiToken, revokeApiToken } from '@hangar/core/api-tokens';
import { readLaunchConfig } from '@hangar/core/config';
import { createOrganization } from '@hangar/core/organizations';
import { createLogger } from '@hangar/core/logger';
import { resealAll } from '@hangar/core/reseal-secrets';
import { loadKeyring } from '@hangar/core/secrets';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const USAGE = `usage:
  npm run hangar -- org create <name>            an organization (then: token create --org <name>)
  npm run hangar -- org list
  npm run hangar -- token create --org <name> --name <token name>
  npm run hangar -- token revoke <token id>
  npm run hangar -- token list --org <name>
  npm run hangar -- secrets reseal        re-encrypt provider tokens under the current key

Uses DATABASE_URL, or the embedded Postgres in HANGAR_DATA_DIR (default .data) while
Hangar is not running.`;

const REPO_ROOT = path.resolve(import.meta.dirname, '../../../..');

/** Token administration for scripts: prints only what was asked for, on stdout. */
async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { org: { type: 'string' }, name: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    console.error(`hangar: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { positionals, values } = parsed;
  if (values.help || positionals[0] === 'help') {
    console.log(USAGE);
    return 0;
  }
  const [group, command, id] = positionals;
  if (!((group === 'token' && command) || (group === 'org' && (command === 'create' || command === 'list')) || (group === 'secrets' && command === 'reseal'))) {
    console.error(USAGE);
    return 2;
  }
  let config;
  try {
    config = readLaunchConfig(process.env, { defaultDataDir: path.join(REPO_ROOT, '.data') });
  } catch (error) {
    console.error(`hangar: ${(error as Error).message}`);
    return 1;
  }
  const { dataDir } = config;
  const database = await openDatabase({ databaseUrl: config.databaseUrl, pgPort: config.pgPort, dataDir });
  const db = createDb(database.url);
  try {
    await migrate(database.url);
    if (group === 'secrets') {
      const report = await resealAll({ db, log: createLogger({ name: 'hangar-cli', destination: process.stderr, level: config.log.level }), keyring: loadKeyring({ env: config.secretKeys, dataDir }) });
      console.log(JSON.stringify(report));
      return report.failed.length > 0 || report.userData.failed.length > 0 ? 1 : 0;
    }
    if (group === 'org') {
      if (command === 'list') {
        for (const organization of await db.organization.findMany({ orderBy: { createdAt: 'asc' } })) console.log(`${organization.id}\t${organization.name}`);
        return 0;
      }
      const created = await createOrganization(db, id ?? '');
      console.error(`created organization "${created.name}"; mint a token: npm run hangar -- token create --org ${JSON.stringify(created.name)} --name <token name>`);
      console.log(created.id);
      return 0;
    }
    if (command === 'create' || command === 'list') {
      if (!values.org) throw new Error('--org is required');
      const organization = await db.organization.findUnique({ where: { name: values.org } });
      if (!organization) throw new Error(`no organization named "${values.org}"`);
      if (command === 'create') {
        if (!values.name) throw new Error('--name is required');
        const minted = await mintApiToken(db, { organizationId: organization.id, name: values.name });
        console.error(`created token ${minted.id} ("${values.name}") for organization ${values.org}; it is shown once:`);
        console.log(minted.token);
      } else {
        const tokens = await db.apiToken.findMany({ where: { organizationId: organization.id }, orderBy: { createdAt: 'asc' } });
        for (const token of tokens) console.log(`${token.id}\t${token.name}\t${token.revokedAt ? 'revoked' : 'active'}\tlast used ${token.lastUsedAt?.toISOString() ?? 'never'}`);
      }
      return 0;
    }
    if (command === 'revoke') {
      if (!id || !UUID.test(id)) throw new Error('a token id (a UUID, from `token list`) is required');
      if (!(await revokeApiToken(db, id))) throw new Error(`no active token with id ${id}`);
      console.error(`revoked token ${id}`);
      return 0;
    }
    console.error(USAGE);
    return 2;
  } catch (error) {
    console.error(`hangar: ${(error as Error).message}`);
    return 1;
  } finally {
    await db.$disconnect();
    await database.stop();
  }
}

process.exitCode = await main(process.argv.slice(2));
