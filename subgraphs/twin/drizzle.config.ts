import { defineConfig } from 'drizzle-kit';

// The archive's tables are partitioned by month, which drizzle-kit cannot express: migrations are written by hand
// (`drizzle-kit generate --custom`) and `src/archive/db/schema.ts` describes the parent tables for queries.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/archive/db/schema.ts',
  out: './drizzle',
  schemaFilter: ['twin'],
});
