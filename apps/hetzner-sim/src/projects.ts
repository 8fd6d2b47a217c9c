import { randomInt } from 'node:crypto';
import { DEFAULT_RATE_LIMIT_PER_HOUR } from './rate-limit.ts';
import { type Project, type SimState, nextId } from './state.ts';

/**
 * Projects and their API tokens. A token is 64 random alphanumeric characters (like Hetzner's)
 * from the OS's CSPRNG, not the seeded PRNG: tokens are secrets, not test data. Each project
 * gets a read-write and a read-only token.
 */
export const TOKEN_LENGTH = 64;
export const DEFAULT_SERVER_LIMIT = 25;
const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const TOKEN_PATTERN = /^[A-Za-z0-9]{64}$/;

export interface ProjectSettings {
  name: string;
  rateLimit?: number;
  rateBurst?: number;
  serverLimit?: number;
}

export interface IssuedProject {
  project: Project;
  token: string;
  readOnlyToken: string;
}

export function generateToken(): string {
  let token = '';
  for (let i = 0; i < TOKEN_LENGTH; i++) token += TOKEN_ALPHABET[randomInt(TOKEN_ALPHABET.length)];
  return token;
}

export function isTokenShaped(value: string): boolean {
  return TOKEN_PATTERN.test(value);
}

export function issueToken(state: SimState, projectId: number, readOnly: boolean, token = generateToken()): string {
  state.tokens.set(token, { projectId, readOnly });
  return token;
}

export function createProject(state: SimState, settings: ProjectSettings, now: number, fixedTokens?: { token?: string; readOnlyToken?: string }): IssuedProject {
  const rateLimit = settings.rateLimit ?? DEFAULT_RATE_LIMIT_PER_HOUR;
  const project: Project = {
    id: nextId(state, 'project'),
    name: settings.name,
    rateLimitPerHour: rateLimit,
    rateBurst: settings.rateBurst ?? rateLimit,
    serverLimit: settings.serverLimit ?? DEFAULT_SERVER_LIMIT,
    createdMs: now,
  };
  state.projects.set(project.id, project);
  return {
    project,
    token: issueToken(state, project.id, false, fixedTokens?.token),
    readOnlyToken: issueToken(state, project.id, true, fixedTokens?.readOnlyToken),
  };
}

/** Forgets every token of the project; requests with them become 401 unauthorized. */
export function revokeTokens(state: SimState, projectId: number): number {
  let revoked = 0;
  for (const [token, grant] of state.tokens) {
    if (grant.projectId === projectId) {
      state.tokens.delete(token);
      revoked++;
    }
  }
  return revoked;
}

export function describeProject(state: SimState, project: Project): unknown {
  let tokens = 0;
  for (const grant of state.tokens.values()) if (grant.projectId === project.id) tokens++;
  return {
    id: project.id,
    name: project.name,
    rateLimit: project.rateLimitPerHour,
    rateBurst: project.rateBurst,
    serverLimit: project.serverLimit,
    tokens,
  };
}
