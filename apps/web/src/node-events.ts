import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { useClient } from 'urql';
import { NODE_EVENTS } from './graphql/nodes.ts';
import type { AcquisitionEvent } from './graphql/types.ts';
import { fromOperationError, type AppError } from './errors.ts';
import { useOnReconnected } from './session.tsx';
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
 * from the last seq held. After the socket reconnects, the stream is opened again from the
 * last seq received, and events are keyed by seq, so nothing is shown twice or skipped.
 */
export function useNodeEvents(nodeId: string, stored: readonly AcquisitionEvent[] | undefined): {
  events: AcquisitionEvent[];
  /** Why the live stream is unavailable (the caller then polls), null while it works. */
  failure: AppError | null;
} {
  const client = useClient();
  const [events, add] = useReducer(addEvents, new Map());
  const [after, setAfter] = useState<number | null>(null);
  const [failure, setFailure] = useState<AppError | null>(null);
  const held = useRef(events);
  held.current = events;

  useEffect(() => {
    if (!stored) return;
    add(stored);
    // The stream starts after what the query returned; later query results only fill in.
    setAfter((current) => current ?? lastSeq(stored));
  }, [stored]);

  useEffect(() => {
    if (after === null) return;
    const { unsubscribe } = client.subscription(NODE_EVENTS, { nodeId, after }).subscribe((result) => {
      if (result.error) setFailure(fromOperationError(result.error));
      else if (result.data) {
        setFailure(null);
        add([result.data.nodeEvents]);
      }
    });
    return unsubscribe;
  }, [client, nodeId, after]);

  useOnReconnected(useCallback(() => setAfter(lastSeq(held.current.values())), []));

  return { events: [...events.values()].sort((a, b) => a.seq - b.seq), failure };
}
