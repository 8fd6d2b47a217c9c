import { InputError } from '@hangar/domain/api-errors';
import { labelKeyProblem, labelValueProblem } from '@hangar/providers/hetzner/labels';
import { NODE_LABELS_MAX } from '@hangar/core/node-spec';
import { HANGAR_LABEL_PREFIX } from '@hangar/core/server-labels';
import { builder } from './builder.ts';

export interface LabelShape { key: string; value: string }

export const LabelRef = builder.objectRef<LabelShape>('Label').implement({
  description: 'A key/value label (Hetzner label rules).',
  fields: (t) => ({
    key: t.exposeString('key'),
    value: t.exposeString('value'),
  }),
});

export const LabelInput = builder.inputType('LabelInput', {
  description:
    `A label: key = optional DNS-subdomain prefix and "/", then a name of 1–63 letters, digits, "-", "_", "." (alphanumeric at both ends); ` +
    `value = empty or the same rule as the name. The prefixes "${HANGAR_LABEL_PREFIX}" and "hetzner.cloud/" are reserved.`,
  fields: (t) => ({
    key: t.string({ required: true }),
    value: t.string({ required: true }),
  }),
});

/** Stored labels (a JSON object of strings) as entries, sorted by key. */
export function labelEntries(stored: unknown): LabelShape[] {
  if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) return [];
  return Object.entries(stored as Record<string, unknown>)
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
    .map(([key, value]) => ({ key, value }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * Input labels checked at the edge: the problem names the entry by its path
 * (`input.labels.<index>.key|value`) and never echoes what was sent.
 */
export function labelsFromInput(entries: readonly LabelShape[] | null | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  if (!entries) return labels;
  if (entries.length > NODE_LABELS_MAX) throw new InputError('VALIDATION_FAILED', `at most ${NODE_LABELS_MAX} labels (got ${entries.length})`, { field: 'labels' });
  entries.forEach(({ key, value }, index) => {
    const at = `labels.${index}`;
    if (key.startsWith(HANGAR_LABEL_PREFIX)) throw new InputError('VALIDATION_FAILED', `label ${index}: the key prefix "${HANGAR_LABEL_PREFIX}" is reserved for Hangar`, { field: `${at}.key` });
    const keyProblem = labelKeyProblem(key);
    if (keyProblem !== null) throw new InputError('VALIDATION_FAILED', `label ${index}: ${keyProblem}`, { field: `${at}.key` });
    const valueProblem = labelValueProblem(value);
    if (valueProblem !== null) throw new InputError('VALIDATION_FAILED', `label ${index}: ${valueProblem}`, { field: `${at}.value` });
    if (Object.hasOwn(labels, key)) throw new InputError('VALIDATION_FAILED', `label ${index}: the key is already used by an earlier label`, { field: `${at}.key` });
    labels[key] = value;
  });
  return labels;
}
