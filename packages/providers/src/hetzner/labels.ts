/**
 * Hetzner labels and label selectors, checked before anything is sent so a bad label is a
 * clear PROVIDER_INVALID_REQUEST naming the label, not a 422 from the API.
 *
 * Rules (spec §Labels): a key is an optional DNS-subdomain prefix (≤ 253 characters) and "/",
 * then a name of ≤ 63 characters that starts and ends alphanumeric with "-", "_", "." inside.
 * A value is ≤ 63 characters, empty or starting and ending alphanumeric, same inner set.
 * The "hetzner.cloud/" prefix is reserved.
 */
import { providerError } from '../provider-error.ts';

/** Longest label name (the part after the prefix) and value. */
export const LABEL_NAME_MAX_LENGTH = 63;
/** Longest key prefix (a DNS subdomain). */
export const LABEL_PREFIX_MAX_LENGTH = 253;
/** Prefix Hetzner keeps for itself. */
export const RESERVED_LABEL_PREFIX = 'hetzner.cloud/';

const NAME_RE = /^[a-zA-Z0-9](?:[a-zA-Z0-9._-]*[a-zA-Z0-9])?$/;
const DNS_LABEL_RE = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Why a label key is invalid, or null when it is fine. */
export function labelKeyProblem(key: string): string | null {
  if (key.startsWith(RESERVED_LABEL_PREFIX)) return `the prefix "${RESERVED_LABEL_PREFIX}" is reserved`;
  const slash = key.indexOf('/');
  const name = slash === -1 ? key : key.slice(slash + 1);
  if (slash !== -1) {
    const prefix = key.slice(0, slash);
    if (prefix.length === 0 || prefix.length > LABEL_PREFIX_MAX_LENGTH) return `the prefix must be 1–${LABEL_PREFIX_MAX_LENGTH} characters`;
    if (!prefix.split('.').every((part) => DNS_LABEL_RE.test(part))) return 'the prefix must be a DNS subdomain (lower-case labels separated by dots)';
  }
  if (name.length === 0 || name.length > LABEL_NAME_MAX_LENGTH) return `the name must be 1–${LABEL_NAME_MAX_LENGTH} characters`;
  if (!NAME_RE.test(name)) return 'the name must start and end with a letter or digit and contain only letters, digits, "-", "_" and "."';
  return null;
}

/** Why a label value is invalid, or null when it is fine. */
export function labelValueProblem(value: string): string | null {
  if (value.length > LABEL_NAME_MAX_LENGTH) return `a value must be at most ${LABEL_NAME_MAX_LENGTH} characters`;
  if (value !== '' && !NAME_RE.test(value)) return 'a value must be empty or start and end with a letter or digit and contain only letters, digits, "-", "_" and "."';
  return null;
}

/** Throws PROVIDER_INVALID_REQUEST naming the first invalid label. */
export function assertValidLabels(labels: Record<string, string>): void {
  for (const [key, value] of Object.entries(labels)) {
    if (typeof value !== 'string') throw providerError('PROVIDER_INVALID_REQUEST', { message: `label "${key}": the value must be a string` });
    const keyProblem = labelKeyProblem(key);
    if (keyProblem !== null) throw providerError('PROVIDER_INVALID_REQUEST', { message: `label key "${key}": ${keyProblem}` });
    const valueProblem = labelValueProblem(value);
    if (valueProblem !== null) throw providerError('PROVIDER_INVALID_REQUEST', { message: `label "${key}" value "${value}": ${valueProblem}` });
  }
}

/**
 * The selector matching resources that carry every one of `labels`: `k=v,k2=v2` (keys sorted,
 * so the same labels always give the same selector). Valid keys and values contain none of
 * the selector's syntax characters, so no escaping is needed once they are checked.
 */
export function buildLabelSelector(labels: Record<string, string>): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) throw providerError('PROVIDER_INVALID_REQUEST', { message: 'a label selector needs at least one label' });
  assertValidLabels(labels);
  return entries
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}
