/**
 * provider_health: re-checks every provider connection's token with a live call, so a revoked
 * or downgraded token shows up before an acquisition trips over it, and refreshes the stored
 * catalog of each connection whose token can read (packages/core/src/catalog.ts).
 *
 * The cron run (data without a connection id) only fans out: one job per connection, each
 * starting after a random delay of up to PROVIDER_HEALTH_JITTER_SECONDS, so many connections
 * do not hit the provider (or one project's rate limit) in the same second, and any worker
 * process may run each check. A fan-out job (data `{ connectionId }`) runs one check.
 */
import { randomInt } from 'node:crypto';
import type { Job } from 'pg-boss';
import type { CoreDeps } from '@hangar/core/deps';
import { refreshCatalog } from '@hangar/core/catalog';
import { revalidateConnection } from '@hangar/core/provider-connections';
import { HangarError } from '@hangar/domain/api-errors';
import type { JobDefinition } from '../job.ts';

export const PROVIDER_HEALTH_JOB = 'provider_health';
/** Every 15 minutes. */
export const PROVIDER_HEALTH_SCHEDULE = '*/15 * * * *';
/** Checks of one run are spread over this many seconds (well inside the 15-minute period). */
export const PROVIDER_HEALTH_JITTER_SECONDS = 180;
/**
 * A check still running after this long is failed (two requests, then the catalog's three
 * paginated reads in parallel, each request at most 10 s, fit easily); the next run covers it.
 */
const CHECK_EXPIRE_SECONDS = 120;
/** Finished checks are kept this long: a day has 96 runs per connection, the connection row keeps the outcome. */
const CHECK_DELETE_AFTER_SECONDS = 60 * 60;
/** Connections read per fan-out batch. */
const FAN_OUT_BATCH = 500;

/** `{}` (or null) for the scheduled run; `{ connectionId }` for one check. */
export interface ProviderHealthData {
  connectionId?: string;
}

/** Enqueues one jittered check per connection; returns how many. */
async function fanOut(deps: CoreDeps): Promise<number> {
  let after: string | undefined;
  let queued = 0;
  for (;;) {
    const rows = await deps.db.providerConnection.findMany({
      select: { id: true },
      orderBy: { id: 'asc' },
      take: FAN_OUT_BATCH,
      ...(after === undefined ? {} : { cursor: { id: after }, skip: 1 }),
    });
    if (rows.length === 0) break;
    after = rows.at(-1)?.id;
    await deps.boss.insert(
      PROVIDER_HEALTH_JOB,
      rows.map((row) => ({
        data: { connectionId: row.id } satisfies ProviderHealthData,
        startAfter: randomInt(0, PROVIDER_HEALTH_JITTER_SECONDS + 1),
        retryLimit: 0,
        expireInSeconds: CHECK_EXPIRE_SECONDS,
        deleteAfterSeconds: CHECK_DELETE_AFTER_SECONDS,
      })),
    );
    queued += rows.length;
  }
  deps.log.info({ job: PROVIDER_HEALTH_JOB, queued, jitterSeconds: PROVIDER_HEALTH_JITTER_SECONDS }, 'provider health checks queued');
  return queued;
}

/**
 * One connection's check, then its catalog when the token can read. Outcomes are logged by
 * packages/core (status and code, never the token); a failed catalog read keeps the last good
 * catalog and does not fail the job (the next run tries again).
 */
async function checkOne(deps: CoreDeps, connectionId: string, signal: AbortSignal | undefined): Promise<void> {
  const result = await revalidateConnection(deps, connectionId, { signal, reason: 'provider_health' });
  if (result === null) {
    deps.log.info({ job: PROVIDER_HEALTH_JOB, connectionId }, 'provider health check skipped: the connection was deleted or its token rotated');
    return;
  }
  if (result.check.status !== 'VALID' && result.check.status !== 'READ_ONLY') return;
  try {
    await refreshCatalog(deps, result.connection, { signal });
  } catch (error) {
    if (!(error instanceof HangarError)) throw error;
  }
}

export const providerHealthJob: JobDefinition<ProviderHealthData> = {
  name: PROVIDER_HEALTH_JOB,
  schedule: PROVIDER_HEALTH_SCHEDULE,
  concurrency: 4,
  async handler(deps: CoreDeps, job: Job<ProviderHealthData>) {
    const connectionId = job.data?.connectionId;
    if (connectionId === undefined) await fanOut(deps);
    else await checkOne(deps, connectionId, job.signal);
  },
};
