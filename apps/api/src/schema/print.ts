import { writeFileSync } from 'node:fs';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { schema } from './index.ts';

/** schema.graphql at the repository root: the printed public contract. */
export const SCHEMA_FILE = new URL('../../../../schema.graphql', import.meta.url);

export function printContract(): string {
  return `${printSchema(lexicographicSortSchema(schema)).trim()}\n`;
}

if (import.meta.main) {
  writeFileSync(SCHEMA_FILE, printContract());
  console.log(`wrote ${SCHEMA_FILE.pathname}`);
}
