/**
 * A failed node's hint promises only what Hangar will do (issue 11, part 7): it is chosen from
 * the node's final state, never says "retried automatically" of a node that is no longer
 * retried, and names another location or server type only because retryNode can change them.
 */
import { describe, expect, it } from 'vitest';
import { NODE_ERROR_CODES, failedNodeHint, nodeErrorFromProvider } from '../src/node-errors.ts';
import { PROVIDER_ERROR_CODES, providerErrorInfo } from '../src/provider-errors.ts';

describe('failed node hints', () => {
  it('never claim an automatic retry, for any code', () => {
    for (const code of [...PROVIDER_ERROR_CODES, ...NODE_ERROR_CODES]) {
      const hint = failedNodeHint(code, { serverLeft: false }) ?? '';
      expect(hint, code).not.toMatch(/retried automatically|Nothing to fix|Hangar waits|Hangar cleans up and retries/i);
      expect(hint, code).not.toMatch(/\(\w+[A-Z]\w+\)/); // no API names such as (rotateProviderToken)
    }
  });

  it('offer another placement where the provider could not place the server, and say so when retries gave up', () => {
    expect(failedNodeHint('PROVIDER_CAPACITY_UNAVAILABLE', { serverLeft: false })).toMatch(/another location or server type/);
    expect(failedNodeHint('PROVIDER_UNAVAILABLE', { serverLeft: false })).toMatch(/^Hangar retried this step several times/);
    expect(nodeErrorFromProvider(providerErrorInfo('PROVIDER_TIMEOUT', { message: 'slow' })).hint).toMatch(/^Hangar retried this step several times/);
  });

  it('put a server the node may still hold first, from the final state', () => {
    const hint = failedNodeHint('PROVIDER_TIMEOUT', { serverLeft: true }) ?? '';
    expect(hint).toMatch(/^Its server could not be deleted and may still cost money: release the node/);
    expect(failedNodeHint('NOT_A_CODE', { serverLeft: false })).toBeNull();
  });
});
