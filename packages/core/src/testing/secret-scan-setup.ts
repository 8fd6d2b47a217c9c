/**
 * vitest setupFiles entry: the secret scan of every test file (secret-scan.ts). Collects from
 * the start of the file; scans each of its databases just before it is dropped, and everything
 * else once its tests are done; a hit fails the file.
 */
import { afterAll } from 'vitest';
import { onBeforeDrop } from '@hangar/db/testing/test-database';
import { installSecretRegistry, noteText } from '@hangar/domain/secret-registry';
import { scanCollected, scanDatabase, secretScanFailure, type SecretHit } from './secret-scan.ts';

const registry = installSecretRegistry();
const hits: SecretHit[] = [];

onBeforeDrop(async (url) => {
  hits.push(...(await scanDatabase(registry, url)));
});

// GraphQL answers never carry a secret (no operation returns one): every JSON body is collected.
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const response = await realFetch(input, init);
  const url = input instanceof Request ? input.url : String(input);
  if (url.split('?')[0]?.endsWith('/graphql') && (response.headers.get('content-type') ?? '').includes('json')) {
    response.clone().text().then((text) => noteText('response', text), () => undefined);
  }
  return response;
};

afterAll(() => {
  globalThis.fetch = realFetch;
  const found = [...hits, ...scanCollected(registry)];
  if (found.length > 0) throw secretScanFailure(found);
});
