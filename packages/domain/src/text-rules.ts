/**
 * Rules for text a person names things with (connection names, organization names) and for
 * opaque values (ids, tokens): what can never be part of one. One home, so every field refuses
 * the same characters with the same words.
 */

// eslint-disable-next-line no-control-regex -- control characters are exactly what it finds
const CONTROL_CHARS_RE = /[\u0000-\u001f\u007f-\u009f]/;
/**
 * Characters that change how text around them is shown without being visible: bidi overrides
 * and isolates (a name that reads differently from what it is), zero-width characters and
 * the BOM (two names that look the same).
 */
const INVISIBLE_CHARS_RE = /[\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;

/** Why `text` cannot be a display name (control, invisible or bidi characters, a lone surrogate), or null. */
export function displayTextProblem(text: string): string | null {
  if (!text.isWellFormed()) return 'must be valid Unicode text (it contains a lone surrogate)';
  if (CONTROL_CHARS_RE.test(text)) return 'must not contain control characters';
  if (INVISIBLE_CHARS_RE.test(text)) return 'must not contain invisible or text-direction characters (zero-width, bidi override)';
  return null;
}

/** Whether an opaque value (an id, a token) holds a control character (NUL included) or a lone surrogate. */
export function hasUnsafeChars(value: string): boolean {
  return !value.isWellFormed() || CONTROL_CHARS_RE.test(value);
}

/** Longest id shown back in a message: anything longer is not an id, and is not echoed. */
const ECHOED_ID_MAX_CHARS = 64;

/** `id` as a message may show it: itself when it looks like an id, else a description. */
export function shownId(id: string): string {
  if (id.length <= ECHOED_ID_MAX_CHARS && /^[A-Za-z0-9_-]+$/.test(id)) return id;
  return `(an id of ${id.length} characters that is not one of ours)`;
}
