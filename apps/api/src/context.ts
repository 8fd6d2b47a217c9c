import type { Db } from '@hangar/db/client';
import type { Principal } from '@hangar/core/api-tokens';
import type { Logger } from '@hangar/core/logger';
import type { CoreDeps } from '@hangar/core/deps';
import type { PgEventTarget } from '@hangar/events/pg-event-target';

/** What every resolver gets. `principal` is null when the request carried no valid API token. */
export interface GraphQLContext {
  /** The use cases' dependencies (db, keyring, job queue, config). */
  deps: CoreDeps;
  db: Db;
  log: Logger;
  requestId: string;
  principal: Principal | null;
  /** Why `principal` is null, for the UNAUTHENTICATED message. */
  authFailure: string;
  /** This process's cross-process event target (LISTEN/NOTIFY); subscriptions wait on it. */
  events: PgEventTarget;
}

/** The context of a resolver that passed the `authenticated` scope. */
export interface AuthenticatedContext extends GraphQLContext {
  principal: Principal;
}
