import { type Action, type ActionOutcome, type Server, type ServerStatus, type SimState, type StatusChange, nextId } from './state.ts';

/**
 * Lifecycle rules in simulated time. Nothing here mutates on a clock: an action's progress and a
 * server's status are functions of the recorded plan and the instant asked about. Comparisons are
 * strict ("after"), so a snapshot taken at the creating instant shows a fresh, running action.
 */

/** A running action never claims to be done. */
const MAX_RUNNING_PROGRESS = 99;
const PERCENT = 100;

export interface ActionSnapshot {
  status: 'running' | 'success' | 'error';
  progress: number;
  finishedMs: number | null;
  error: { code: string; message: string } | null;
}

export function actionAt(action: Action, now: number): ActionSnapshot {
  if (action.endMs !== null && now > action.endMs) {
    if (action.outcome.kind === 'success') {
      return { status: 'success', progress: PERCENT, finishedMs: action.endMs, error: null };
    }
    const { code, message, atProgress } = action.outcome;
    return { status: 'error', progress: atProgress, finishedMs: action.endMs, error: { code, message } };
  }
  return { status: 'running', progress: progressAt(action, now), finishedMs: null, error: null };
}

function progressAt(action: Action, now: number): number {
  if (action.nominalMs <= 0) return 0;
  const elapsed = Math.max(0, now - action.startedMs);
  return Math.min(MAX_RUNNING_PROGRESS, Math.floor((PERCENT * elapsed) / action.nominalMs));
}

export function isActionRunning(action: Action, now: number): boolean {
  return action.endMs === null || now <= action.endMs;
}

export interface ActionPlan {
  projectId: number;
  command: string;
  resources: Array<{ id: number; type: string }>;
  now: number;
  /** How long the action takes when it succeeds. */
  durationMs: number;
  /** Fail at this progress instead of succeeding. */
  failAt?: { atProgress: number; code: string; message: string };
  /** Never finish (progress creeps up to 99 % and stays). */
  never?: boolean;
}

export function startAction(state: SimState, plan: ActionPlan): Action {
  let endMs: number | null = plan.now + plan.durationMs;
  let outcome: ActionOutcome = { kind: 'success' };
  if (plan.failAt) {
    endMs = plan.now + (plan.durationMs * plan.failAt.atProgress) / PERCENT;
    outcome = { kind: 'error', ...plan.failAt };
  } else if (plan.never) {
    endMs = null;
  }
  const action: Action = {
    id: nextId(state, 'action'),
    projectId: plan.projectId,
    command: plan.command,
    resources: plan.resources,
    startedMs: plan.now,
    nominalMs: plan.durationMs,
    endMs,
    outcome,
  };
  state.actions.set(action.id, action);
  return action;
}

/** Ends a still-running action in error now, at whatever progress it had reached. */
export function cancelAction(action: Action, now: number, code: string, message: string): void {
  if (!isActionRunning(action, now)) return;
  const atProgress = progressAt(action, now);
  action.endMs = now;
  action.outcome = { kind: 'error', code, message, atProgress };
}

export function statusAt(server: Server, now: number): ServerStatus {
  const [first, ...rest] = server.timeline;
  let status: ServerStatus = first?.status ?? 'unknown';
  for (const change of rest) {
    if (now > change.atMs) status = change.status;
  }
  return status;
}

export function isGone(server: Server, now: number): boolean {
  return server.goneAtMs !== null && now > server.goneAtMs;
}

/** Replaces whatever was planned from `now` on with `changes` (the first entry always stays). */
export function replan(server: Server, now: number, changes: StatusChange[]): void {
  const [first, ...rest] = server.timeline;
  const kept = rest.filter((change) => change.atMs < now);
  server.timeline = [...(first ? [first] : []), ...kept, ...changes];
}

/** The instant at which the plan next makes the server running, if it does. */
export function plannedRunningAt(server: Server, fromMs: number): number | null {
  for (const change of server.timeline) {
    if (change.status === 'running' && change.atMs >= fromMs) return change.atMs;
  }
  return null;
}

export function actionsOfServer(state: SimState, serverId: number): Action[] {
  const found: Action[] = [];
  for (const action of state.actions.values()) {
    if (action.resources.some((r) => r.type === 'server' && r.id === serverId)) found.push(action);
  }
  return found;
}
