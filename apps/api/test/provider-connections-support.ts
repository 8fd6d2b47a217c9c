/**
 * Shared by the provider-connection API tests: the GraphQL operations and a simulator with
 * its admin API (reused from packages/providers' test support).
 */
import { randomBytes } from 'node:crypto';
import type { TestApi } from './api-harness.ts';
import { payloadOf } from './support/results.ts';

export { addFault, admin, createProject, requestsOf, startSimulator } from '../../../packages/providers/test/support/simulator.ts';
export type { SimProject, Simulator } from '../../../packages/providers/test/support/simulator.ts';

export const CONNECTION_FIELDS = `
  id name kind apiEndpoint tokenHint credentialStatus credentialCheckedAt createdAt
  credentialError { code message retryable providerCode httpStatus requestId hint }`;

const CONNECTION_PAYLOAD = `providerConnection { ${CONNECTION_FIELDS} }`;
const PROVIDER_ERRORS = '... on ProviderError { hint retryable providerCode httpStatus requestId } ... on RateLimitedError { retryAfterSeconds }';

export const CREATE = `mutation Create($input: CreateProviderConnectionInput!) {
  createProviderConnection(input: $input) { __typename ... on CreateProviderConnectionPayload { ${CONNECTION_PAYLOAD} }
    ... on Error { code message } ... on ValidationError { path } ... on ConflictError { path } ${PROVIDER_ERRORS} } }`;
export const ROTATE = `mutation Rotate($id: ID!, $token: String!) {
  rotateProviderToken(input: { id: $id, token: $token }) { __typename ... on RotateProviderTokenPayload { ${CONNECTION_PAYLOAD} }
    ... on Error { code message } ... on ValidationError { path } ${PROVIDER_ERRORS} } }`;
export const VALIDATE = `mutation Validate($id: ID!) {
  validateProviderConnection(input: { id: $id }) { __typename ... on ValidateProviderConnectionPayload { ${CONNECTION_PAYLOAD} }
    ... on Error { code message } ${PROVIDER_ERRORS} } }`;
export const DELETE = `mutation Delete($id: ID!) {
  deleteProviderConnection(input: { id: $id }) { __typename ... on DeleteProviderConnectionPayload { deletedId } ... on Error { code message } ... on ConflictError { path } } }`;
export const ONE = `query One($id: ID!) { providerConnection(id: $id) { ${CONNECTION_FIELDS} } }`;
export const ALL = `query All { providerConnections { totalCount nodes { ${CONNECTION_FIELDS} } } }`;
export const REFRESH_CATALOG = `mutation Refresh($id: ID!) {
  refreshCatalog(input: { id: $id }) { __typename ... on RefreshCatalogPayload { providerConnection { id } } ... on Error { code message } } }`;
/** Enough of the catalog to prove who may read it (the catalog tests read the rest). */
export const CATALOG = 'query Catalog($id: ID!) { providerConnection(id: $id) { id catalog { locations { name } } } }';

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
  credentialError: { code: string; message: string; retryable: boolean; providerCode: string | null; httpStatus: number | null; requestId: string | null; hint: string } | null;
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

/** createProviderConnection; fails the test on any error, typed or not. */
export async function createConnectionVia(api: TestApi, input: { name?: string; token: string; apiEndpoint?: string }, bearer?: string): Promise<ConnectionView> {
  const { body } = await api.graphql(CREATE, { input: { name: input.name ?? uniqueName(), kind: 'HETZNER', token: input.token, apiEndpoint: input.apiEndpoint } }, bearer);
  return payloadOf<{ providerConnection: ConnectionView }>(body, 'createProviderConnection').providerConnection;
}
