import { expect } from 'vitest';
import { ProviderError } from '../../src/provider-error.ts';

/** Awaits a call that must fail with a ProviderError, and returns that error. */
export async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderError);
    return error as ProviderError;
  }
  throw new Error('expected a ProviderError');
}
