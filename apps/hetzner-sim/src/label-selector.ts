import { invalidInput } from './errors.ts';
import type { Labels } from './labels.ts';

/**
 * The label selector language of the spec's "Label Selector" section: comma-separated terms,
 * all of which must hold. `k=v`/`k==v`, `k!=v`, `k`, `!k`, `k in (a,b)`, `k notin (a,b)`.
 */
export type LabelTerm =
  | { kind: 'equals'; key: string; value: string }
  | { kind: 'notEquals'; key: string; value: string }
  | { kind: 'present'; key: string }
  | { kind: 'absent'; key: string }
  | { kind: 'in'; key: string; values: string[] }
  | { kind: 'notIn'; key: string; values: string[] };

export type LabelSelector = (labels: Labels) => boolean;

const KEY = '[a-zA-Z0-9][a-zA-Z0-9._/-]*';
const VALUE = '[a-zA-Z0-9._-]*';
const ABSENT = new RegExp(`^!\\s*(${KEY})$`);
const SET = new RegExp(`^(${KEY})\\s+(in|notin)\\s*\\(([^()]*)\\)$`);
const COMPARE = new RegExp(`^(${KEY})\\s*(==|!=|=)\\s*(${VALUE})$`);
const PRESENT = new RegExp(`^(${KEY})$`);
const SET_VALUE = new RegExp(`^${VALUE}$`);

/** Splits on commas that are not inside a parenthesised value set. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of selector) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  terms.push(current);
  return terms.map((term) => term.trim());
}

function parseTerm(term: string): LabelTerm | null {
  let m = ABSENT.exec(term);
  if (m?.[1]) return { kind: 'absent', key: m[1] };
  m = SET.exec(term);
  if (m?.[1] && m[3] !== undefined) {
    const values = m[3].split(',').map((v) => v.trim());
    if (values.some((v) => !SET_VALUE.test(v))) return null;
    return { kind: m[2] === 'in' ? 'in' : 'notIn', key: m[1], values };
  }
  m = COMPARE.exec(term);
  if (m?.[1] && m[3] !== undefined) {
    return m[2] === '!=' ? { kind: 'notEquals', key: m[1], value: m[3] } : { kind: 'equals', key: m[1], value: m[3] };
  }
  m = PRESENT.exec(term);
  if (m?.[1]) return { kind: 'present', key: m[1] };
  return null;
}

export function parseLabelSelector(selector: string): LabelTerm[] {
  if (selector.trim() === '') return [];
  return splitTerms(selector).map((term) => {
    const parsed = parseTerm(term);
    if (!parsed) {
      throw invalidInput([{ name: 'label_selector', messages: [`invalid label selector term '${term}'`] }]);
    }
    return parsed;
  });
}

function holds(term: LabelTerm, labels: Labels): boolean {
  const value = Object.hasOwn(labels, term.key) ? labels[term.key] : undefined;
  switch (term.kind) {
    case 'equals':
      return value === term.value;
    case 'notEquals':
      return value !== term.value;
    case 'present':
      return value !== undefined;
    case 'absent':
      return value === undefined;
    case 'in':
      return value !== undefined && term.values.includes(value);
    case 'notIn':
      return value === undefined || !term.values.includes(value);
  }
}

/** Compiles a selector (or its absence) into a predicate; throws invalid_input on bad syntax. */
export function compileLabelSelector(selector: string | null): LabelSelector {
  if (selector === null) return () => true;
  const terms = parseLabelSelector(selector);
  return (labels) => terms.every((term) => holds(term, labels));
}
