import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '@hangar/db/client';
import { HangarError } from '@hangar/domain/api-errors';
import { noteSecret } from '@hangar/domain/secret-registry';
import { CHANNELS, type ChannelPayloads } from '@hangar/events/topics';

/** Visible prefix of every Hangar API token, so a leaked one is recognisable in a scan. */
const TOKEN_PREFIX = 'hgr_';
const TOKEN_BYTES = 32;
/** lastUsedAt is written at most this often per token, to keep reads from becoming writes. */
const LAST_USED_WRITE_INTERVAL_MS = 60_000;

/** API tokens are 256-bit random values, so one SHA-256 is the right hash (no slow KDF needed). */
export function hashApiToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface Principal {
  tokenId: string;
  tokenName: string;
  tokenCreatedAt: Date;
  organizationId: string;
  organizationName: string;
}

/** Creates a token for an organization; the plaintext is returned once and never stored. */
export async function mintApiToken(db: Db, input: { organizationId: string; name: string }): Promise<{ id: string; token: string }> {
  const name = input.name.trim();
  if (!name) throw new HangarError('VALIDATION_FAILED', 'token name must not be empty', { field: 'name' });
  const token = TOKEN_PREFIX + randomBytes(TOKEN_BYTES).toString('base64url');
  noteSecret(token);
  const record = await db.apiToken.create({ data: { organizationId: input.organizationId, name, tokenHash: hashApiToken(token) } });
  return { id: record.id, token };
}

/**
 * The principal behind a bearer token, or null when it is unknown or revoked. One SQL
 * statement (the token joined with its organization: every API request pays it), plus an
 * UPDATE of lastUsedAt at most once a minute per token.
 */
export async function authenticateApiToken(db: Db, token: string): Promise<Principal | null> {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const [record] = await db.$queryRaw<Array<{ id: string; name: string; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null; organizationId: string; organizationName: string }>>`
    SELECT t."id", t."name", t."createdAt", t."lastUsedAt", t."revokedAt", t."organizationId", o."name" AS "organizationName"
    FROM "ApiToken" t JOIN "Organization" o ON o."id" = t."organizationId"
    WHERE t."tokenHash" = ${hashApiToken(token)}`;
  if (!record || record.revokedAt) return null;
  const now = Date.now();
  if (!record.lastUsedAt || now - record.lastUsedAt.getTime() > LAST_USED_WRITE_INTERVAL_MS) {
    await db.apiToken.update({ where: { id: record.id }, data: { lastUsedAt: new Date(now) } });
  }
  return {
    tokenId: record.id,
    tokenName: record.name,
    tokenCreatedAt: record.createdAt,
    organizationId: record.organizationId,
    organizationName: record.organizationName,
  };
}

/**
 * Revokes a token by id; returns false when no live token has that id. The revocation is
 * announced on CHANNELS.apiTokenRevoked (on commit), so every API process closes the token's
 * open subscriptions at once.
 */
export async function revokeApiToken(db: Db, id: string): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const revoked = await tx.apiToken.updateManyAndReturn({ where: { id, revokedAt: null }, data: { revokedAt: new Date() }, select: { id: true, organizationId: true } });
    const token = revoked[0];
    if (!token) return false;
    const notice: ChannelPayloads['hangar_api_token_revoked'] = { tokenId: token.id, organizationId: token.organizationId };
    await tx.$executeRaw`SELECT pg_notify(${CHANNELS.apiTokenRevoked}, ${JSON.stringify(notice)})`;
    return true;
  });
}

/** Parses `Bearer <token>` (case-insensitive scheme); undefined when absent or malformed. */
export function bearerToken(header: string | null | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}
