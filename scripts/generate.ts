// Runs after `npm install` (and as `npm run generate`): everything derived from sources (the
// typed GraphQL documents are committed too: check-readiness fails when they are stale).
// Prisma's CLI needs a placeholder engine path to generate offline.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const bin = (name: string): string => path.join(root, 'node_modules', '.bin', name);
const env = { ...process.env, PATH: `${path.join(root, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH ?? ''}`, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? '/bin/false', CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' };

function step(label: string, command: string, args: string[], cwd = root): void {
  console.log(`generate: ${label}`);
  execFileSync(command, args, { cwd, env, stdio: ['ignore', 'ignore', 'inherit'] });
}

step('Prisma client and Pothos types (prisma/schema.prisma)', bin('prisma'), ['generate']);
step('typed GraphQL documents for the web app and the harness (codegen.ts, from schema.graphql)', bin('graphql-codegen'), ['--config', 'codegen.ts', '--errors-only']);
step('web app (apps/web/dist)', bin('vite'), ['build', '--logLevel', 'warn'], path.join(root, 'apps/web'));
