import { type FieldError, invalidInput } from './errors.ts';

/**
 * Collects per-field validation problems so one 422 lists every broken field, as Hetzner does
 * (`details.fields[{name, messages}]`).
 */
export class FieldErrors {
  readonly #fields = new Map<string, string[]>();

  add(name: string, message: string): void {
    const messages = this.#fields.get(name) ?? [];
    messages.push(message);
    this.#fields.set(name, messages);
  }

  has(name: string): boolean {
    return this.#fields.has(name);
  }

  /** Throws invalid_input when anything was collected. */
  throwIfAny(): void {
    if (this.#fields.size === 0) return;
    const fields: FieldError[] = [...this.#fields].map(([name, messages]) => ({ name, messages }));
    throw invalidInput(fields);
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Ids and names travel as JSON numbers or strings: hcloud-cli sends `"image": 161547269`. */
export function isIdOrName(value: unknown): value is string | number {
  return (typeof value === 'string' && value.length > 0) || (Number.isInteger(value) && (value as number) > 0);
}

/** Parses a query-string id; null when it is not a positive integer. */
export function parseId(raw: string | undefined): number | null {
  if (raw === undefined || !/^[1-9][0-9]{0,15}$/.test(raw)) return null;
  const id = Number(raw);
  return Number.isSafeInteger(id) ? id : null;
}
