import { defineConfig } from 'prisma/config';

// Prisma's CLI reads this for `prisma migrate status/deploy` where its schema engine exists.
// Hangar itself applies migrations with packages/db's migrator.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/hangar' },
});
