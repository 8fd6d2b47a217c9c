import { HANGAR_LABEL_PREFIX } from '@hangar/core/server-labels';
import { builder } from './builder.ts';

export interface LabelShape { key: string; value: string }

export const LabelRef = builder.objectRef<LabelShape>('Label').implement({
  description: 'A key/value label (the provider’s label rules).',
  fields: (t) => ({
    key: t.exposeString('key'),
    value: t.exposeString('value'),
  }),
});

export const LabelInput = builder.inputType('LabelInput', {
  description:
    `A label, checked by the rules of the connection’s provider (Hetzner: key = optional DNS-subdomain prefix and "/", then a name of 1–63 letters, digits, "-", "_", "." ` +
    `(alphanumeric at both ends); value = empty or the same rule as the name; "hetzner.cloud/" is reserved). The prefix "${HANGAR_LABEL_PREFIX}" is Hangar’s.`,
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
