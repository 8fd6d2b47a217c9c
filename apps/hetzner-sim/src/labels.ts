import type { FieldErrors } from './validate.ts';
import { isRecord } from './validate.ts';

/** Label rules from the spec's "Labels" section. */
const LABEL_NAME = /^[a-zA-Z0-9]([a-zA-Z0-9._-]{0,61}[a-zA-Z0-9])?$/;
const LABEL_VALUE = /^([a-zA-Z0-9]([a-zA-Z0-9._-]{0,61}[a-zA-Z0-9])?)?$/;
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const MAX_PREFIX_LENGTH = 253;
const RESERVED_PREFIX = 'hetzner.cloud';

export type Labels = Record<string, string>;

function isValidKey(key: string): boolean {
  const slash = key.indexOf('/');
  if (slash === -1) return LABEL_NAME.test(key);
  const prefix = key.slice(0, slash);
  const name = key.slice(slash + 1);
  if (prefix.length === 0 || prefix.length > MAX_PREFIX_LENGTH || prefix === RESERVED_PREFIX) return false;
  return prefix.split('.').every((part) => DNS_LABEL.test(part)) && LABEL_NAME.test(name);
}

/** Validates a request's `labels`; returns them when valid, records field errors otherwise. */
export function readLabels(value: unknown, errors: FieldErrors, field = 'labels'): Labels {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) {
    errors.add(field, 'must be an object of string values');
    return {};
  }
  const labels: Labels = {};
  for (const [key, raw] of Object.entries(value)) {
    if (typeof raw !== 'string') errors.add(field, `value of '${key}' must be a string`);
    else if (!isValidKey(key)) errors.add(field, `invalid label key '${key}'`);
    else if (!LABEL_VALUE.test(raw)) errors.add(field, `invalid label value '${raw}'`);
    else labels[key] = raw;
  }
  return labels;
}
