/**
 * THE CONTRACT with Hangar's API: the server's user_data (a cloud-init document) carries, on one
 * line, a JSON object starting with `{"hangarBootstrap":1,` with string keys `apiUrl` and
 * `registrationToken`. Anything else in user_data is ignored.
 */
export interface HangarBootstrap {
  apiUrl: string;
  registrationToken: string;
}

const BOOTSTRAP_LINE = /\{"hangarBootstrap":1,[^\n]*\}/;

export function findBootstrap(userData: string | null): HangarBootstrap | null {
  if (userData === null) return null;
  const line = BOOTSTRAP_LINE.exec(userData)?.[0];
  if (line === undefined) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const { apiUrl, registrationToken } = parsed as Record<string, unknown>;
  if (typeof apiUrl !== 'string' || typeof registrationToken !== 'string') return null;
  if (!URL.canParse(apiUrl) || !/^https?:$/.test(new URL(apiUrl).protocol)) return null;
  return { apiUrl: apiUrl.replace(/\/+$/, ''), registrationToken };
}
