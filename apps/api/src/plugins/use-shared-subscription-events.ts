import { createSourceEventStream, execute, getOperationAST, GraphQLError, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { isAsyncIterable, mapAsyncIterator, type Plugin } from 'graphql-yoga';
import { RequestCache } from '@pothos/plugin-scope-auth';
import type { GraphQLContext } from '../context.ts';

/**
 * One execution of a subscription's selection per event, shared by every subscriber that would
 * get the same answer: same organization, same document, operation and variables.
 *
 * The event streams behind `nodeEvents`, `nodeChanged` and `providerConnectionChanged` hand the
 * same row object to every stream of a node or organization (packages/core node-event-stream.ts,
 * packages/events change-stream.ts). Executing the selection on it once per subscriber was most of
 * a fan-out's CPU (1,000 `nodeChanged` subscribers: 1,000 executions of one selection on one row,
 * all on the event loop that also answers the mutations). Here the first subscriber to take an
 * event executes it and the others take a shallow copy of that result (each subscriber's copy
 * then goes through its own error masking and its own socket).
 *
 * What a selection resolves to depends on the row, the document, the variables and the caller's
 * organization (every resolver scopes by `principal.organizationId`), so those are the key. The
 * results of an event are kept SHARE_WINDOW_MS after its first execution, then dropped (a
 * subscriber that takes the event later executes it again): a node's window of rows lives
 * long, and subscribers resuming with different `after`s have different keys, so keeping them
 * as long as the row would grow with subscribers × rows.
 *
 * The rest follows graphql-js's `subscribe` (what the spec calls MapSourceToResponseEvent),
 * with two differences: the per-event execution gets no abort signal (it may serve several
 * subscribers), and an error thrown by the source stream is located at the operation, as
 * @graphql-tools/executor (Yoga's default) does.
 */
export function useSharedSubscriptionEvents(options: { deliverySlice?: number } = {}): Plugin {
  const slicer = createDeliverySlicer(options.deliverySlice ?? DELIVERY_SLICE);
  const subscribe = (args: ExecutionArgs) => subscribeSharingEvents(args, slicer);
  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(subscribe as never);
    },
  };
}

/**
 * How many subscribers take an event in one turn of the event loop. One row reaches every
 * stream of its node or organization in one chain of promise callbacks, so without a bound a
 * fan-out to 15,000 sockets (each: its copy of the result, Yoga's hooks, one socket write) runs
 * as one task of about a second, and every HTTP request and socket read of the process waits
 * behind it (a mutation's response waited behind its own `nodeChanged` fan-out).
 */
export const DELIVERY_SLICE = 250;

/** Admits deliveries `slice` at a time per turn of the event loop (setImmediate between slices), first come first served. */
export interface DeliverySlicer {
  /** Undefined when the delivery may go on now; else a promise that resolves at its turn. */
  take(): Promise<void> | undefined;
}

export function createDeliverySlicer(slice: number): DeliverySlicer {
  if (!Number.isInteger(slice) || slice < 1) throw new Error(`deliverySlice must be a positive integer, got ${slice}`);
  /** Deliveries admitted since the event loop last turned. */
  let admitted = 0;
  let turnScheduled = false;
  let waiting: Array<() => void> = [];
  const nextTurn = (): void => {
    turnScheduled = false;
    const admittedNow = waiting.length <= slice ? waiting : waiting.slice(0, slice);
    waiting = waiting.length <= slice ? [] : waiting.slice(slice);
    admitted = admittedNow.length;
    for (const resume of admittedNow) resume();
    if (admitted > 0) scheduleTurn();
  };
  const scheduleTurn = (): void => {
    if (turnScheduled) return;
    turnScheduled = true;
    setImmediate(nextTurn);
  };
  return {
    take() {
      scheduleTurn();
      if (admitted < slice && waiting.length === 0) {
        admitted += 1;
        return undefined;
      }
      return new Promise<void>((resolve) => { waiting.push(resolve); });
    },
  };
}

/** How long the results of one event are kept for its other subscribers. */
export const SHARE_WINDOW_MS = 2_000;
/** The results of one event (a row object), by sharing key; dropped SHARE_WINDOW_MS after the first. */
const resultsByEvent = new WeakMap<object, Map<string, Promise<ExecutionResult> | ExecutionResult>>();
/** A small id per parsed document (Yoga's parser cache returns one object per query text). */
const documentIds = new WeakMap<DocumentNode, number>();
let nextDocumentId = 0;

/** Which subscribers get the same result; undefined when the caller is anonymous (never shared). */
function sharingKey(args: ExecutionArgs): string | undefined {
  const organizationId = (args.contextValue as Partial<GraphQLContext> | undefined)?.principal?.organizationId;
  if (!organizationId) return undefined;
  let documentId = documentIds.get(args.document);
  if (documentId === undefined) {
    nextDocumentId += 1;
    documentId = nextDocumentId;
    documentIds.set(args.document, documentId);
  }
  return `${organizationId}\n${documentId}\n${args.operationName ?? ''}\n${JSON.stringify(args.variableValues ?? {})}`;
}

async function subscribeSharingEvents(args: ExecutionArgs, slicer: DeliverySlicer): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const operation = getOperationAST(args.document, args.operationName);
  const located = (error: Error): GraphQLError => new GraphQLError(error.message, { originalError: error, nodes: operation ? [operation] : undefined });
  let source: Awaited<ReturnType<typeof createSourceEventStream>>;
  try {
    source = await createSourceEventStream(args);
  } catch (error) {
    // graphql-js re-throws what it takes for a located GraphQLError, and HangarError has a `path`
    // (its input field): answer it as an error result, as @graphql-tools/executor does.
    if (error instanceof GraphQLError) return { errors: [error] };
    return { errors: [located(error as Error)] };
  }
  if (!isAsyncIterable(source)) return source as ExecutionResult;
  // scope-auth authorized the subscription as its stream opened (authorizeOnSubscribe, builder.ts)
  // and keeps that request's cache (five Maps, ~1 KB) for as long as the context lives: the
  // subscription's whole life, 15 MiB at 15,000 sockets. Nothing reads it again; an execution of an
  // event on this context builds a new one.
  RequestCache.clearForContext(args.contextValue as object);
  const key = sharingKey(args);
  const executeOn = (payload: unknown): Promise<ExecutionResult> | ExecutionResult => execute({ ...args, rootValue: payload });
  return mapAsyncIterator(
    source,
    async (payload: unknown): Promise<ExecutionResult> => {
      const turn = slicer.take();
      if (turn) await turn;
      if (key === undefined || payload === null || typeof payload !== 'object') return executeOn(payload);
      let byKey = resultsByEvent.get(payload);
      if (!byKey) {
        byKey = new Map();
        resultsByEvent.set(payload, byKey);
        // One timer per event (not per subscriber); it does not keep the process alive.
        setTimeout(() => resultsByEvent.delete(payload), SHARE_WINDOW_MS).unref();
      }
      let result = byKey.get(key);
      if (!result) {
        result = executeOn(payload);
        byKey.set(key, result);
      }
      return { ...(await result) };
    },
    (error: Error) => {
      throw located(error);
    },
  );
}
