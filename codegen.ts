// Typed GraphQL documents for every client, generated from the committed schema.graphql
// (graphql-codegen's client preset). `npm run generate` writes them; check-readiness fails when
// they are stale; `tsc` then fails wherever a client selects a field the schema lacks.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config = {
  // Node runs these files directly (type stripping): `.ts` imports, `import type`, no TS enums.
  useTypeImports: true,
  importExtension: '.ts',
  scalars: { DateTime: 'string', JSON: 'unknown' },
  strictScalars: true,
};

const codegen: CodegenConfig = {
  schema: 'schema.graphql',
  ignoreNoDocuments: false,
  generates: {
    // urql takes TypedDocumentNode: results and variables typed at every useQuery/useMutation.
    'apps/web/src/graphql/generated/': {
      documents: ['apps/web/src/**/*.{ts,tsx}', '!apps/web/src/graphql/generated/**'],
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config,
    },
    // The harness (and the tests that use it) send strings over fetch and graphql-ws.
    'packages/harness/src/generated/': {
      documents: ['packages/harness/src/**/*.ts', '!packages/harness/src/generated/**'],
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: { ...config, documentMode: 'string' },
    },
  },
};

export default codegen;
