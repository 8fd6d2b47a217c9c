import type { BootScheduler } from './boot.ts';
import type { FaultBook } from './faults.ts';
import type { Page } from './pagination.ts';
import type { Prng } from './prng.ts';
import type { RateLimiter } from './rate-limit.ts';
import type { Reply } from './respond.ts';
import type { Route } from './router.ts';
import type { SpeedProfile } from './speed.ts';
import type { Project, SimState } from './state.ts';

/** What route groups share: the state and the simulator's machinery. */
export interface SimDeps {
  readonly state: SimState;
  readonly speed: SpeedProfile;
  /** Durations, root passwords: seeded, so a seed replays a run. */
  readonly random: Prng;
  readonly faults: FaultBook;
  readonly boot: BootScheduler;
  readonly rateLimiter: RateLimiter;
  readonly now: () => number;
}

/** One authenticated /v1 request, as a handler sees it. */
export interface ApiRequest {
  readonly method: string;
  /** Path without the /v1 prefix. */
  readonly path: string;
  readonly params: Record<string, string>;
  readonly query: URLSearchParams;
  /** The full public URL of this request (for Link headers). */
  readonly url: URL;
  readonly project: Project;
  /** The instant the request is answered at; every status in one answer is taken at it. */
  readonly now: number;
  json(): Promise<unknown>;
}

export type ApiHandler = (req: ApiRequest) => Reply | Promise<Reply>;
export type ApiRoute = Route<ApiHandler>;

/** One /_sim request (no auth). */
export interface AdminRequest {
  readonly params: Record<string, string>;
  readonly query: URLSearchParams;
  json(): Promise<unknown>;
}

export type AdminHandler = (req: AdminRequest) => Reply | Promise<Reply>;
export type AdminRoute = Route<AdminHandler>;

/** `{ <key>: [...], meta }` plus the Link header. */
export function listReply<T>(key: string, page: Page<T>, render: (item: T) => unknown): Reply {
  return { status: 200, body: { [key]: page.items.map(render), meta: page.meta }, headers: page.headers };
}
