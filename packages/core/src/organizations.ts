/**
 * Organizations: the tenants. Everything else belongs to exactly one. Created by an operator
 * (`npm run hangar -- org create`) or by `npm start`'s first run.
 */
import { Prisma, type Organization } from '@hangar/db/generated/prisma/client';
import type { Db } from '@hangar/db/client';
import { HangarError } from '@hangar/domain/api-errors';
import { displayTextProblem } from '@hangar/domain/text-rules';

/** Longest organization name, in characters. */
export const ORGANIZATION_NAME_MAX_CHARS = 64;

/** Creates an organization; VALIDATION_FAILED for a bad name, CONFLICT for a taken one. */
export async function createOrganization(db: Db, rawName: string): Promise<Organization> {
  const name = rawName.trim();
  const field = { field: 'name' };
  if (name === '') throw new HangarError('VALIDATION_FAILED', 'an organization name is required', field);
  if (name.length > ORGANIZATION_NAME_MAX_CHARS) throw new HangarError('VALIDATION_FAILED', `the name must be at most ${ORGANIZATION_NAME_MAX_CHARS} characters (got ${name.length})`, field);
  const problem = displayTextProblem(name);
  if (problem !== null) throw new HangarError('VALIDATION_FAILED', `the name ${problem}`, field);
  try {
    return await db.organization.create({ data: { name } });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') throw new HangarError('CONFLICT', `an organization named "${name}" already exists`, field);
    throw error;
  }
}
