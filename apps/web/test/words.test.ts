import { describe, expect, it } from 'vitest';
import { errorTitle, forPeople } from '../src/words.ts';

// Words for people: the server's messages, written for API users too, as the web app shows them.
describe('forPeople', () => {
  it('drops API names in parentheses and names the app button elsewhere', () => {
    expect(forPeople('Release them (releaseNode) or wait until they are RELEASED, FAILED or CANCELLED, then delete the connection.'))
      .toBe('Release them or wait until they are released, failed or cancelled, then delete the connection.');
    expect(forPeople('Rotate the provider token (rotateProviderToken) or validate the connection again, then retry the node.'))
      .toBe('Rotate the provider token or validate the connection again, then retry the node.');
    expect(forPeople('use releaseNode')).toBe('Use “Release”');
  });

  it('turns phase, status and error enums into words', () => {
    expect(forPeople('PROVISIONING did not finish before its deadline (last provider answer: PROVIDER_SERVER_ERROR: boom)'))
      .toBe('Provisioning did not finish before its deadline (last provider answer: server error: boom)');
    expect(forPeople('the token is READ_ONLY')).toBe('The token is read-only');
    expect(forPeople('check token (write probe) failed')).toBe('Check token (a test request that changes nothing) failed');
  });

  it('leaves ordinary text alone', () => {
    expect(forPeople('server web-1 deleted')).toBe('Server web-1 deleted');
  });
});

describe('errorTitle', () => {
  it('gives every code a headline in words', () => {
    expect(errorTitle('PROVIDER_AUTH_FAILED')).toMatch(/rejected the API token/);
    expect(errorTitle('CONFLICT')).toBe('Not possible right now');
    expect(errorTitle('SOMETHING_NEW')).toBe('Something went wrong');
  });
});
