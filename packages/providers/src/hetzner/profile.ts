/**
 * Hetzner Cloud's profile (../profile.ts): token shape and Cloud Console guidance, label rules
 * (labels.ts), the metadata service, the billing rule.
 */
import type { ProviderProfile } from '../profile.ts';
import { HETZNER_API_ENDPOINT } from './adapter.ts';
import { labelKeyProblem, labelValueProblem } from './labels.ts';

/** Length of a Hetzner Cloud API token. */
export const HETZNER_TOKEN_CHARS = 64;
/** The Cloud Console lists only this many leading characters of an existing token. */
export const HETZNER_CONSOLE_PREFIX_CHARS = 32;

const GENERATE = 'Cloud Console → your project → Security → API tokens → Generate API token, with Read & Write permission';

export const HETZNER_PROFILE: ProviderProfile = {
  kind: 'HETZNER',
  displayName: 'Hetzner Cloud',
  defaultApiEndpoint: HETZNER_API_ENDPOINT,
  tokenGuidance: `paste the API token of the Hetzner Cloud project (${GENERATE})`,
  tokenShapeProblem(token) {
    if (token.length === HETZNER_TOKEN_CHARS) return null;
    const fix =
      token.length === HETZNER_CONSOLE_PREFIX_CHARS
        ? ` This looks like the ${HETZNER_CONSOLE_PREFIX_CHARS}-character prefix the Cloud Console lists for existing tokens; the full token is shown only once, when it is generated.` +
          ' Generate a new one (Cloud Console → project → Security → API tokens, Read & Write) and paste all of it.'
        : ' Paste the whole token.';
    return `token has ${token.length} characters, but Hetzner Cloud API tokens have ${HETZNER_TOKEN_CHARS}.${fix}`;
  },
  labels: { keyProblem: labelKeyProblem, valueProblem: labelValueProblem },
  metadata: { url: 'http://169.254.169.254', path: '/hetzner/v1/metadata' },
  billingRule: 'every started hour at the hourly price, at most the monthly price per calendar month, from the server’s creation to its deletion',
};
