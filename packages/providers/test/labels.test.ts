import { describe, expect, it } from 'vitest';
import { assertValidLabels, buildLabelSelector, labelKeyProblem, labelValueProblem } from '../src/hetzner/labels.ts';
import { ProviderError } from '../src/provider-error.ts';

describe('Hetzner label rules', () => {
  it.each(['env', 'hangar.dev/node-id', 'a', 'A_b.c-9', 'example.com/my', `${'a'.repeat(63)}`, `${'sub.'.repeat(50)}x/${'n'.repeat(63)}`])(
    'accepts the key %s',
    (key) => expect(labelKeyProblem(key)).toBeNull(),
  );

  it.each([
    ['', 'the name must be'],
    ['-start', 'start and end'],
    ['end.', 'start and end'],
    ['has space', 'start and end'],
    ['a'.repeat(64), 'the name must be 1–63'],
    ['hetzner.cloud/thing', 'reserved'],
    ['/name', 'prefix must be 1–253'],
    ['UPPER.example/name', 'DNS subdomain'],
    [`${'a'.repeat(254)}/name`, 'prefix must be 1–253'],
    ['example.com/', 'the name must be'],
  ])('rejects the key %j', (key, problem) => expect(labelKeyProblem(key)).toContain(problem));

  it('accepts empty and well-formed values, rejects the rest', () => {
    for (const value of ['', 'x', 'node-1', 'a.b_c-d', 'v'.repeat(63)]) expect(labelValueProblem(value)).toBeNull();
    for (const value of ['-x', 'x-', 'a b', 'a,b', 'a=b', 'v'.repeat(64), '(x)']) expect(labelValueProblem(value)).not.toBeNull();
  });

  it('throws PROVIDER_INVALID_REQUEST naming the label', () => {
    expect(() => assertValidLabels({ good: 'yes', 'bad key': 'v' })).toThrow(/label key "bad key"/);
    const thrown = (() => {
      try {
        assertValidLabels({ k: 'bad value' });
      } catch (error) {
        return error;
      }
      return null;
    })();
    expect(thrown).toBeInstanceOf(ProviderError);
    expect((thrown as ProviderError).info).toMatchObject({ code: 'PROVIDER_INVALID_REQUEST', httpStatus: null, retryable: false });
  });

  it('builds a stable k=v,k2=v2 selector', () => {
    expect(buildLabelSelector({ 'hangar.dev/node': 'n1', env: 'prod' })).toBe('env=prod,hangar.dev/node=n1');
    expect(buildLabelSelector({ env: 'prod', 'hangar.dev/node': 'n1' })).toBe('env=prod,hangar.dev/node=n1');
    expect(buildLabelSelector({ marker: '' })).toBe('marker=');
    expect(() => buildLabelSelector({})).toThrow(ProviderError);
    expect(() => buildLabelSelector({ 'a,b': 'c' })).toThrow(ProviderError);
  });
});
