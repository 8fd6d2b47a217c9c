import { describe, expect, it } from 'vitest';
import { normaliseName, normaliseToken } from '../src/provider-connections.ts';
import { displayTextProblem, hasUnsafeChars, shownId } from '@hangar/domain/text-rules';

describe('text rules', () => {
  it.each([
    ['a bidi override', 'invoice\u202efdp.exe', /text-direction/],
    ['a zero-width space', 'prod\u200buction', /invisible/],
    ['a lone surrogate', 'name\ud800', /lone surrogate/],
    ['a NUL byte', 'a\u0000b', /control/],
  ])('refuses %s in a name', (_what, name, message) => {
    expect(displayTextProblem(name)).toMatch(message);
    expect(() => normaliseName(name)).toThrow(message);
  });

  it('accepts ordinary names in any script', () => {
    for (const name of ['Hetzner prod', 'Produktion – Falkenstein', '生产环境', 'עברית']) expect(displayTextProblem(name)).toBeNull();
  });

  it('refuses a token of control characters, and one ending in NUL', () => {
    expect(() => normaliseToken('HETZNER', '\u0001'.repeat(64))).toThrow(/control characters/);
    expect(() => normaliseToken('HETZNER', `${'a'.repeat(63)}\u0000`)).toThrow(/control characters/);
    expect(hasUnsafeChars('a'.repeat(64))).toBe(false);
  });

  it('never shows back an id that is not one', () => {
    expect(shownId('0b7c4a8e-1f2d-4c3b-9a5e-6d7f8e9a0b1c')).toBe('0b7c4a8e-1f2d-4c3b-9a5e-6d7f8e9a0b1c');
    expect(shownId('x'.repeat(10_000_000))).not.toContain('xxxx');
    expect(shownId('a\u0000b')).not.toContain('\u0000');
  });
});
