/**
 * A burst of createNode calls at one API process (issue 14: 50 at once once made some fail with
 * Prisma P2028 "Unable to start a transaction in the given time", answered as a 500). Every
 * answer must be a node or the typed, retryable UNAVAILABLE (503 with Retry-After): never a 500,
 * never INTERNAL_SERVER_ERROR; and every node created has exactly one queued node_provision job.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODE_PROVISION_QUEUE } from '@hangar/core/node-jobs';
import { startAcquisitionEnv, type AcquisitionEnv } from '../../../packages/core/test/support/acquisition-env.ts';

/** createNode calls in flight at once (more than the process's database pool of 10). */
const BURST = 50;

let env: AcquisitionEnv;

beforeAll(async () => {
  // No worker: the jobs stay queued, so the test sees exactly what createNode enqueued.
  env = await startAcquisitionEnv({ worker: false });
});
afterAll(async () => {
  await env?.stop();
});

type Answer = { status: number; body: { data?: { createNode?: { __typename: string; node?: { id: string } } } | null; errors?: Array<{ extensions?: { code?: string } }> } };

describe('a createNode burst', () => {
  it(`${BURST} createNode calls at once: each is a node or UNAVAILABLE, never a 500`, async () => {
    const mutation = 'mutation ($input: CreateNodeInput!) { createNode(input: $input) { __typename ... on CreateNodePayload { node { id } } } }';
    const answers: Answer[] = await Promise.all(Array.from({ length: BURST }, async (_, index) => {
      const response = await fetch(`${env.app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${env.apiToken}` },
        body: JSON.stringify({ query: mutation, variables: { input: { providerConnectionId: env.connection.id, name: `burst-${index}`, serverType: 'cx22', location: 'fsn1', image: 'ubuntu-24.04' } } }),
      });
      return { status: response.status, body: (await response.json()) as Answer['body'] };
    }));

    const codes = answers.flatMap((answer) => answer.body.errors?.map((error) => error.extensions?.code) ?? []);
    expect(answers.filter((answer) => answer.status >= 500 && answer.status !== 503)).toEqual([]);
    expect(codes.filter((code) => code !== 'UNAVAILABLE')).toEqual([]);
    const nodeIds = answers.flatMap((answer) => (answer.body.data?.createNode?.node ? [answer.body.data.createNode.node.id] : []));
    expect(nodeIds.length + codes.length).toBe(BURST);
    expect(nodeIds.length).toBeGreaterThan(0);

    const jobs = await env.testDb.db.$queryRawUnsafe<Array<{ key: string }>>(`SELECT singleton_key AS key FROM pgboss.job WHERE name = $1 AND state = 'created'`, NODE_PROVISION_QUEUE);
    expect(jobs.map((job) => job.key).sort()).toEqual([...nodeIds].sort());
  }, 120_000);
});
