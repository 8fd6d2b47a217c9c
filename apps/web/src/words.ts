import { isProviderErrorCode, PROVIDER_ERRORS } from '@hangar/domain/provider-errors';
import { isNodeErrorCode, NODE_ERRORS } from '@hangar/domain/node-errors';
import type { Architecture, CredentialStatus, NodeHealth, NodePhase, ProviderKind } from './graphql/generated/graphql.ts';

/**
 * Words for people: every enum the web app shows, and the API's own names that can reach it in
 * a server message, become the words a person reads here and nowhere else. The enum value stays
 * in data-* attributes for scripts and tests.
 */

/** Each phase of a node. */
export const PHASE_LABELS: Record<NodePhase, string> = {
  QUEUED: 'Queued',
  VALIDATING: 'Validating',
  CREATING_SERVER: 'Creating server',
  WAITING_FOR_SERVER: 'Waiting for server',
  PROVISIONING: 'Provisioning',
  WAITING_FOR_READINESS: 'Waiting for readiness',
  READY: 'Ready',
  FAILED: 'Failed',
  CANCELLED: 'Cancelled',
  RELEASING: 'Releasing',
  RELEASED: 'Released',
};

/** A READY node's machine, by its heartbeats. */
export const HEALTH_LABELS: Record<NodeHealth, string> = {
  HEALTHY: 'healthy',
  OVERDUE: 'heartbeats overdue',
  LOST: 'machine lost',
};

/** A connection's credential status. */
export const CREDENTIAL_LABELS: Record<CredentialStatus, string> = {
  VALID: 'Valid',
  UNCHECKED: 'Not checked yet',
  INVALID: 'Invalid token',
  READ_ONLY: 'Read-only token',
  UNREACHABLE: 'Unreachable',
  RATE_LIMITED: 'Rate limited',
};

/** A server type's CPU architecture. */
export const ARCHITECTURE_LABELS: Record<Architecture, string> = {
  ARM: 'Arm (Ampere)',
  X86: 'x86 (Intel/AMD)',
};

/** A provider. */
export const PROVIDER_KIND_LABELS: Record<ProviderKind, string> = {
  HETZNER: 'Hetzner Cloud',
};

/** What the API's own error codes (docs/error-codes.md) mean, in a headline. */
const API_ERROR_TITLES: Record<string, string> = {
  UNAUTHENTICATED: 'Not signed in',
  NOT_FOUND: 'Not found',
  VALIDATION_FAILED: 'Not accepted',
  CONFLICT: 'Not possible right now',
  RATE_LIMITED: 'Too many requests',
  QUERY_TOO_COMPLEX: 'Request too large',
  BAD_REQUEST: 'The web app and the API disagree',
  INTERNAL_SERVER_ERROR: 'Hangar failed unexpectedly',
  NETWORK_ERROR: 'Hangar did not answer',
};

/** A headline for an error code: what happened, in words (the code itself is only a reference). */
export function errorTitle(code: string): string {
  if (isProviderErrorCode(code)) return PROVIDER_ERRORS[code].meaning;
  if (isNodeErrorCode(code)) return NODE_ERRORS[code].meaning;
  if (code.startsWith('PROVIDER_')) return 'The provider refused';
  if (code.startsWith('NODE_')) return 'The node failed';
  return API_ERROR_TITLES[code] ?? 'Something went wrong';
}

/** A phase as it reads inside a sentence ("in provisioning"). */
const PHASE_IN_TEXT = Object.fromEntries(Object.entries(PHASE_LABELS).map(([phase, label]) => [phase, label.toLowerCase()])) as Record<NodePhase, string>;
const CREDENTIAL_IN_TEXT: Record<CredentialStatus, string> = {
  VALID: 'valid',
  UNCHECKED: 'not checked yet',
  INVALID: 'invalid',
  READ_ONLY: 'read-only',
  UNREACHABLE: 'unreachable',
  RATE_LIMITED: 'rate limited',
};
const ENUM_WORD = new RegExp(`\\b(${[...Object.keys(PHASE_IN_TEXT), ...Object.keys(CREDENTIAL_IN_TEXT)].join('|')})\\b`, 'g');

/** API names a server message may mention, and what a person does in this app instead. */
const API_NAMES: Record<string, string> = {
  releaseNode: 'Release',
  retryNode: 'Retry',
  cancelNode: 'Cancel',
  archiveNode: 'Archive',
  createNode: 'Create node',
  rotateProviderToken: 'Rotate token',
  validateProviderConnection: 'Validate now',
  deleteProviderConnection: 'Delete',
  createProviderConnection: 'Connect',
  refreshCatalog: 'refresh the catalog',
};
const API_NAME_IN_PARENS = new RegExp(`\\s*\\((?:${Object.keys(API_NAMES).join('|')})\\)`, 'g');
const API_NAME = new RegExp(`\\b(${Object.keys(API_NAMES).join('|')})\\b`, 'g');

/**
 * A message from the server (written for API users too) as a person reads it here: API names
 * in parentheses dropped ("Release them (releaseNode)" → "Release them"), other API names as the
 * app's button, phase and status enums as words ("PROVISIONING did not finish" → "Provisioning
 * did not finish"), error codes as words, a technical aside ("(write probe)") plain.
 */
export function forPeople(text: string): string {
  const plain = text
    .replace(API_NAME_IN_PARENS, '')
    .replace(API_NAME, (name) => `“${API_NAMES[name]}”`)
    .replace(/\(write probe\)/g, '(a test request that changes nothing)')
    // An error code inside a sentence reads as its words: PROVIDER_INVALID_REQUEST → "invalid request".
    .replace(/\b(?:PROVIDER|NODE)_([A-Z_]+)\b/g, (_code, rest: string) => rest.toLowerCase().replaceAll('_', ' '))
    .replace(ENUM_WORD, (word) => PHASE_IN_TEXT[word as NodePhase] ?? CREDENTIAL_IN_TEXT[word as CredentialStatus] ?? word);
  // A sentence that began with an enum begins with a capital again.
  return plain.charAt(0).toUpperCase() + plain.slice(1);
}
