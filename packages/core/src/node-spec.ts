/**
 * What a node asks for, checked: its name, its labels, and whether the server type, location
 * and image exist in the connection's catalog (catalog.ts) and fit together. createNode turns a problem
 * into VALIDATION_FAILED naming the field; the phase driver re-checks in VALIDATING (the
 * catalog can change between the two) and fails the node.
 */
import { HangarError } from '@hangar/domain/api-errors';
import { displayTextProblem } from '@hangar/domain/text-rules';
import type { LabelRules } from '@hangar/providers/profile';
import type { ProviderCatalog } from '@hangar/providers/provider';
import { HANGAR_LABEL_PREFIX } from './server-labels.ts';

/** RFC 1123 host name label: 1–63 of [a-z0-9-], starting and ending with a letter or digit. */
export const NODE_NAME_RE = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** Most labels a node may carry besides Hangar's own. */
export const NODE_LABELS_MAX = 32;

/** Longest server type, location, image or SSH key name accepted, in characters. */
export const SPEC_NAME_MAX_CHARS = 128;

/**
 * A server type, location, image or SSH key name from the caller, trimmed; VALIDATION_FAILED
 * naming `field` (never echoing the value) when it is empty, too long or holds control characters.
 */
export function specName(field: string, value: unknown): string {
  const invalid = (message: string) => new HangarError('VALIDATION_FAILED', message, { field });
  if (typeof value !== 'string' || value.trim() === '') throw invalid(`${field} must not be empty`);
  const trimmed = value.trim();
  if (trimmed.length > SPEC_NAME_MAX_CHARS) throw invalid(`${field} must be at most ${SPEC_NAME_MAX_CHARS} characters`);
  // Postgres text cannot hold NUL, and no provider name holds control or invisible characters:
  // refused here, before any provider call.
  const problem = displayTextProblem(trimmed);
  if (problem !== null) throw invalid(`${field} ${problem}`);
  return trimmed;
}

/** One problem with the input, naming the field. */
export interface SpecProblem {
  field: string;
  message: string;
  /**
   * `unknown`: the provider has no such thing (or it does not fit); `unavailable`: it exists
   * but cannot be ordered there now.
   */
  kind: 'unknown' | 'unavailable';
}

/** Why `name` is not a node name, or null. */
export function nodeNameProblem(name: string): string | null {
  if (NODE_NAME_RE.test(name)) return null;
  if (name.length === 0 || name.length > 63) return `name must be 1–63 characters (got ${name.length})`;
  return 'name must be an RFC 1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit (e.g. "web-1")';
}

/** A label as the GraphQL input sends it. */
export interface LabelEntry {
  key: string;
  value: string;
}

/**
 * The node's own labels, checked by the provider's rules (its profile's LabelRules); returns the
 * labels or a problem naming the field. Takes the GraphQL shape (a list of {key, value}: the
 * field is `labels.<index>.key|value`) or a JSON object of string → string (field `labels`).
 * The `hangar.dev/` prefix is Hangar's (it finds its servers by it). Never repeats a key or value.
 */
export function parseNodeLabels(value: unknown, rules: LabelRules): { labels: Record<string, string> } | { problem: string; field: string } {
  if (value === null || value === undefined) return { labels: {} };
  const fromList = Array.isArray(value);
  if (!fromList && typeof value !== 'object') return { problem: 'labels must be a JSON object of string keys to string values, e.g. {"team": "web"}', field: 'labels' };
  const entries: unknown[] = fromList ? value : Object.entries(value as Record<string, unknown>).map(([key, raw]) => ({ key, value: raw }));
  if (entries.length > NODE_LABELS_MAX) return { problem: `at most ${NODE_LABELS_MAX} labels (got ${entries.length})`, field: 'labels' };
  const labels: Record<string, string> = {};
  for (const [index, entry] of entries.entries()) {
    const at = (part: 'key' | 'value') => (fromList ? `labels.${index}.${part}` : 'labels');
    const { key, value: raw } = (entry ?? {}) as { key?: unknown; value?: unknown };
    if (typeof key !== 'string') return { problem: `label ${index + 1}: the key must be a string`, field: at('key') };
    if (typeof raw !== 'string') return { problem: `label ${index + 1}: the value must be a string`, field: at('value') };
    if (key.startsWith(HANGAR_LABEL_PREFIX)) return { problem: `label ${index + 1}: the key prefix "${HANGAR_LABEL_PREFIX}" is reserved for Hangar`, field: at('key') };
    const keyProblem = rules.keyProblem(key);
    if (keyProblem !== null) return { problem: `label ${index + 1}: ${keyProblem}`, field: at('key') };
    const valueProblem = rules.valueProblem(raw);
    if (valueProblem !== null) return { problem: `label ${index + 1}: ${valueProblem}`, field: at('value') };
    if (Object.hasOwn(labels, key)) return { problem: `label ${index + 1}: the key is already used by an earlier label`, field: at('key') };
    labels[key] = raw;
  }
  return { labels };
}

function someOf(names: string[]): string {
  const shown = names.slice(0, 8).join(', ');
  return names.length > 8 ? `${shown}, …` : shown;
}

/**
 * The first problem of a server type / location / image choice against a catalog, or null. A name
 * the catalog does not know is never repeated in the message (only the catalog's own names are).
 */
export function specProblem(catalog: ProviderCatalog, spec: { serverType: string; location: string; image: string }): SpecProblem | null {
  const location = catalog.locations.find((entry) => entry.name === spec.location);
  if (!location) {
    return { field: 'location', kind: 'unknown', message: `no such location at the provider; choose one of: ${someOf(catalog.locations.map((entry) => entry.name))}` };
  }
  const type = catalog.serverTypes.find((entry) => entry.name === spec.serverType);
  if (!type) {
    const offered = catalog.serverTypes.filter((entry) => !entry.deprecated).map((entry) => entry.name);
    return { field: 'serverType', kind: 'unknown', message: `no such server type at the provider; choose one of: ${someOf(offered)}` };
  }
  if (type.deprecated && !type.locations.includes(spec.location)) {
    return { field: 'serverType', kind: 'unavailable', message: `server type "${spec.serverType}" is deprecated and can no longer be ordered; choose another server type` };
  }
  if (!type.locations.includes(spec.location)) {
    const here = catalog.serverTypes.filter((entry) => entry.locations.includes(spec.location)).map((entry) => entry.name);
    return {
      field: 'serverType',
      kind: 'unavailable',
      message: `server type "${spec.serverType}" is not offered in ${spec.location} (it is in: ${someOf(type.locations) || 'no location now'}); in ${spec.location} choose one of: ${someOf(here)}`,
    };
  }
  const images = catalog.images.filter((entry) => entry.name === spec.image);
  if (images.length === 0) {
    return { field: 'image', kind: 'unknown', message: `no such image at the provider; choose one of: ${someOf([...new Set(catalog.images.map((entry) => entry.name))])}` };
  }
  if (!images.some((entry) => entry.architecture === type.architecture)) {
    return {
      field: 'image',
      kind: 'unknown',
      message: `image "${spec.image}" is built for ${images.map((entry) => entry.architecture).join(', ')}, but server type "${spec.serverType}" is ${type.architecture}; choose an image for ${type.architecture} or another server type`,
    };
  }
  return null;
}
