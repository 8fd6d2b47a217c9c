import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { useClient } from 'urql';
import { NODE_EVENTS } from './graphql/nodes.ts';
import type { AcquisitionEventFieldsFragment as AcquisitionEvent } from './graphql/generated/graphql.ts';
import { fromOperationError, type AppError } from './errors.ts';
import { useCatchUpOnReconnect } from './session.tsx';
import { lastSeq } from './timeline.ts';

type EventsBySeq = ReadonlyMap<number, AcquisitionEvent>;

/** Adds events, keyed by seq: an event seen twice (replay after a reconnect) is kept once. */
function addEvents(state: EventsBySeq, events: readonly AcquisitionEvent[]): EventsBySeq {
  if (events.every((event) => state.has(event.seq))) return state;
  const next = new Map(state);
  for (const event of events) next.set(event.seq, event);
  return next;
}

/**
 * A node's timeline: the stored events from the node query, then `nodeEvents(nodeId, after)`
 * from the last seq held. The stream is opened again from the last seq received whenever the
 * socket reconnects (graphql-ws would re-send the original `after`) and whenever `restartKey`
 * changes (the server completes the stream once the node rests; a retry or a release sets it
 * moving again). Events are keyed by seq, so nothing is shown twice or skipped. `reachSeq`
 * tells a reconnect's catch-up when the timeline holds everything the node's lastEventSeq says.
 */
export function useNodeEvents(nodeId: string, stored: readonly AcquisitionEvent[] | undefined, restartKey: string): {
  events: AcquisitionEvent[];
  /** Why the live stream is unavailable (the caller then polls), null while it works. */
  failure: AppError | null;
  /** Resolves once the timeline holds every event up to `seq` (or the stream failed). */
  reachSeq: (seq: number) => Promise<void>;
} {
  const client = useClient();
  const [events, add] = useReducer(addEvents, new Map());
  const [loaded, setLoaded] = useState(false);
  // Bumped to (re)open the stream from the last seq held.
  const [generation, setGeneration] = useState(0);
  const [failure, setFailure] = useState<AppError | null>(null);
  const held = useRef(events);
  held.current = events;

  useEffect(() => {
    if (!stored) return;
    add(stored);
    setLoaded(true);
  }, [stored]);

  useEffect(() => {
    if (!loaded) return;
    const after = lastSeq(held.current.values());
    const { unsubscribe } = client.subscription(NODE_EVENTS, { nodeId, after }).subscribe((result) => {
      if (result.error) setFailure(fromOperationError(result.error));
      else if (result.data) {
        setFailure(null);
        add([result.data.nodeEvents]);
      }
    });
    return unsubscribe;
  }, [client, nodeId, loaded, generation]);

  const reopen = useCallback(() => setGeneration((value) => value + 1), []);
  useCatchUpOnReconnect(reopen);

  const failureRef = useRef(failure);
  failureRef.current = failure;
  const waiters = useRef<Array<{ seq: number; resolve: () => void }>>([]);
  const settleWaiters = useCallback(() => {
    const reached = lastSeq(held.current.values());
    const failed = failureRef.current !== null;
    waiters.current = waiters.current.filter((waiter) => {
      if (!failed && waiter.seq > reached) return true;
      waiter.resolve();
      return false;
    });
  }, []);
  useEffect(settleWaiters, [events, failure, settleWaiters]);
  const reachSeq = useCallback((seq: number) => new Promise<void>((resolve) => {
    waiters.current.push({ seq, resolve });
    settleWaiters();
  }), [settleWaiters]);

  const firstKey = useRef(restartKey);
  useEffect(() => {
    if (restartKey !== firstKey.current) reopen();
  }, [restartKey, reopen]);

  return { events: [...events.values()].sort((a, b) => a.seq - b.seq), failure, reachSeq };
}
