import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDatamodel } from '../src/generated/pothos-types.ts';
import { createTestDatabase, type TestDatabase } from '../src/testing/test-database.ts';

// Migrations are hand-written SQL (Prisma's schema engine cannot run here), so this guard
// proves the migrated database has exactly what schema.prisma describes.

const SQL_TYPES: Record<string, string> = {
  String: 'text', Int: 'integer', BigInt: 'bigint', DateTime: 'timestamp with time zone', Json: 'jsonb', Boolean: 'boolean', Float: 'double precision',
};

/** Fields declared `@db.Uuid` in schema.prisma (the generated datamodel has no native types). */
function uuidFields(): Set<string> {
  const schema = readFileSync(new URL('../../../prisma/schema.prisma', import.meta.url), 'utf8');
  const result = new Set<string>();
  for (const [, model, body] of schema.matchAll(/^model (\w+) \{([^}]*)\}/gm)) {
    for (const [, field] of body!.matchAll(/^\s+(\w+)\s+\S+.*@db\.Uuid/gm)) result.add(`${model}.${field}`);
  }
  return result;
}

let testDb: TestDatabase;
let client: pg.Client;
beforeAll(async () => {
  testDb = await createTestDatabase();
  client = new pg.Client({ connectionString: testDb.url });
  await client.connect();
});
afterAll(async () => {
  await client.end();
  await testDb.drop();
});

interface Column { table_name: string; column_name: string; data_type: string; udt_name: string; is_nullable: 'YES' | 'NO' }

describe('schema.prisma and the migrations agree', () => {
  it('has every model as a table with the same columns, types and nullability', async () => {
    const { rows } = await client.query<Column>(
      `SELECT table_name, column_name, data_type, udt_name, is_nullable FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
    );
    const actual = new Map<string, Column[]>();
    for (const row of rows) actual.set(row.table_name, [...(actual.get(row.table_name) ?? []), row]);

    const models = getDatamodel().datamodel.models;
    const uuids = uuidFields();
    expect(uuids.size).toBeGreaterThan(5);
    expect([...actual.keys()].sort()).toEqual(Object.keys(models).sort());
    for (const [model, { fields }] of Object.entries(models)) {
      const scalars = fields.filter((field) => field.kind !== 'object');
      const columns = actual.get(model) ?? [];
      expect(columns.map((c) => c.column_name).sort(), model).toEqual(scalars.map((f) => f.name).sort());
      for (const field of scalars) {
        const column = columns.find((c) => c.column_name === field.name)!;
        const type = field.kind === 'enum' ? field.type : uuids.has(`${model}.${field.name}`) ? 'uuid' : SQL_TYPES[field.type];
        const actualType = column.data_type === 'USER-DEFINED' ? column.udt_name : column.data_type === 'ARRAY' ? `${column.udt_name.replace(/^_/, '')}[]` : column.data_type;
        const expectedType = field.isList ? `${type === 'text' ? 'text' : type}[]` : type;
        expect(actualType, `${model}.${field.name} type`).toBe(expectedType);
        // Prisma leaves scalar lists nullable in SQL; everything else follows isRequired.
        if (!field.isList) expect(column.is_nullable === 'NO', `${model}.${field.name} nullability`).toBe(field.isRequired);
      }
    }
  });

  it('has every unique constraint Prisma expects', async () => {
    const { rows } = await client.query<{ table: string; columns: string[] }>(`
      SELECT t.relname AS table, array_agg(a.attname::text ORDER BY k.ord) AS columns
      FROM pg_index i
      JOIN pg_class t ON t.oid = i.indrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
      CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
      WHERE i.indisunique AND i.indpred IS NULL AND t.relname <> '_prisma_migrations'
      GROUP BY i.indexrelid, t.relname`);
    const actual = new Set(rows.map((row) => `${row.table}(${row.columns.join(',')})`));
    const expected = new Set<string>();
    for (const [model, { fields, uniqueIndexes, primaryKey }] of Object.entries(getDatamodel().datamodel.models)) {
      for (const field of fields) if (field.isId || field.isUnique) expected.add(`${model}(${field.name})`);
      for (const index of uniqueIndexes) expected.add(`${model}(${index.fields.join(',')})`);
      if (primaryKey) expected.add(`${model}(${primaryKey.fields.join(',')})`);
    }
    expect([...actual].sort()).toEqual([...expected].sort());
  });
});
