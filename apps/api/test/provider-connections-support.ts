/**
 * Shared by the provider-connection API tests: the GraphQL operations and a simulator with
 * its admin API (reused from packages/providers' test support).
 */
import { randomBytes } from 'node:crypto';
import type { TestApi } from './api-harness.ts';

export { addFault, admin, createProject, requestsOf, startSimulator } from '../../../packages/providers/test/support/simulator.ts';
export type { SimProject, Simulator } from '../../../packages/providers/test/support/simulator.ts';

export const CONNECTION_FIELDS = `
  id name kind apiEndpoint tokenHint credentialStatus credentialCheckedAt createdAt
  credentialError { code message retryable providerCode httpStatus requestId }`;

export const CREATE = `mutation Create($input: CreateProviderConnectionInput!) {
  createProviderConnection(input: $input) { ${CONNECTION_FIELDS} } }`;
export const ROTATE = `mutation Rotate($id: ID!, $token: String!) { rotateProviderToken(id: $id, token: $token) { ${CONNECTION_FIELDS} } }`;
export const VALIDATE = `mutation Validate($id: ID!) { validateProviderConnection(id: $id) { ${CONNECTION_FIELDS} } }`;
export const DELETE = `mutation Delete($id: ID!) { deleteProviderConnection(id: $id) }`;
export const ONE = `query One($id: ID!) { providerConnection(id: $id) { ${CONNECTION_FIELDS} } }`;
export const ALL = `query All { providerConnections { ${CONNECTION_FIELDS} } }`;
export const CATALOG = `query Catalog($id: ID!) { providerConnection(id: $id) { id catalog {
  locations { name description country city }
  serverTypes { name cores memoryGb diskGb architecture locations deprecated }
  images { name description architecture } } } }`;

/** What the tests read back of a connection. */
export interface ConnectionView {
  id: string;
  name: string;
  kind: string;
  apiEndpoint: string;
  tokenHint: string;
  credentialStatus: string;
  credentialCheckedAt: string | null;
  createdAt: string;
  credentialError: { code: string; message: string; retryable: boolean; providerCode: string | null; httpStatus: number | null; requestId: string | null } | null;
}

/** A 64-character alphanumeric string no provider knows (shaped like a Hetzner token). */
export function unknownToken(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(64)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

let counter = 0;
/** A connection name no other test uses. */
export function uniqueName(prefix = 'conn'): string {
  counter += 1;
  return `${prefix}-${counter}-${randomBytes(3).toString('hex')}`;
}

/** createProviderConnection; fails the test on any GraphQL error. */
export async function createConnectionVia(api: TestApi, input: { name?: string; token: string; apiEndpoint?: string }, bearer?: string): Promise<ConnectionView> {
  const { body } = await api.graphql<{ createProviderConnection: ConnectionView }>(
    CREATE,
    { input: { name: input.name ?? uniqueName(), kind: 'HETZNER', token: input.token, apiEndpoint: input.apiEndpoint } },
    bearer,
  );
  if (body.errors || !body.data) throw new Error(`createProviderConnection failed: ${JSON.stringify(body.errors)}`);
  return body.data.createProviderConnection;
}
