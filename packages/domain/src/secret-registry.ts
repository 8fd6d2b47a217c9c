/**
 * The test suite's secret scan (packages/core/src/testing/secret-scan.ts): every place a secret
 * enters or is made by Hangar (an API token minted, a provider token stored, a registration
 * token or node credential issued, a keyring opened) notes it here, and every log line a Hangar
 * logger writes is noted too; at the end of each test file the scan looks for each secret in
 * those lines, in the output of every child process and in every text column of the file's
 * database, and fails the file on a hit.
 *
 * Nothing is kept unless a scan installed the registry (the suite's setup file does): in
 * production every call here is a no-op lookup.
 */

/** Shorter values are not secrets worth scanning for (and would match by chance). */
const MIN_SECRET_CHARS = 12;
/** Text kept per test file for the scan; beyond it nothing more is kept, and the scan says so. */
const MAX_TEXT_CHARS = 64 * 1024 * 1024;

export interface SecretRegistry {
  /** Every secret noted so far. */
  readonly secrets: Set<string>;
  /** Text to scan, by where it came from (`log`, `child <name>`, ...). */
  readonly texts: Array<{ where: string; text: string }>;
  /** Characters in `texts`. */
  chars: number;
  /** Whether text was dropped because MAX_TEXT_CHARS was reached. */
  truncated: boolean;
}

const KEY = Symbol.for('hangar.secretRegistry');
type WithRegistry = typeof globalThis & { [KEY]?: SecretRegistry };

/** Starts collecting (idempotent); returns the registry. */
export function installSecretRegistry(): SecretRegistry {
  const global = globalThis as WithRegistry;
  global[KEY] ??= { secrets: new Set(), texts: [], chars: 0, truncated: false };
  return global[KEY];
}

/** The registry when a scan is collecting, else undefined. */
export function secretRegistry(): SecretRegistry | undefined {
  return (globalThis as WithRegistry)[KEY];
}

/** A secret Hangar made or was given: the scan looks for it. */
export function noteSecret(value: string | null | undefined): void {
  const registry = secretRegistry();
  if (registry && typeof value === 'string' && value.length >= MIN_SECRET_CHARS) registry.secrets.add(value);
}

/** Text that left Hangar (a log line, a child's output): the scan searches it. */
export function noteText(where: string, text: string): void {
  const registry = secretRegistry();
  if (!registry || text.length === 0) return;
  if (registry.chars + text.length > MAX_TEXT_CHARS) {
    registry.truncated = true;
    return;
  }
  registry.chars += text.length;
  const last = registry.texts.at(-1);
  if (last && last.where === where) last.text += text;
  else registry.texts.push({ where, text });
}
