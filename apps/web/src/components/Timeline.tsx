import type { AcquisitionEventFieldsFragment as AcquisitionEvent } from '../graphql/generated/graphql.ts';
import { fromStoredError } from '../errors.ts';
import { between, formatDuration, formatTime } from '../format.ts';
import { phaseTone } from '../phases.ts';
import { errorTitle, forPeople, PHASE_LABELS } from '../words.ts';
import { ErrorCode } from './ErrorNotice.tsx';
import { buildTimeline, type TimelineStep } from '../timeline.ts';
import { useTicker } from '../live.ts';
import { ProgressBar } from './ProgressBar.tsx';

/** How often a running phase's elapsed time is redrawn. */
const ELAPSED_REDRAW_MS = 1_000;

function Note({ event }: { event: AcquisitionEvent }) {
  if (event.kind === 'RETRY') {
    return (
      <li className="note note-retry" data-kind="RETRY">
        <span className="note-label">Retrying</span> {forPeople(event.message)}
        {event.error && <> <span className="muted">({errorTitle(event.error.code)})</span> <ErrorCode code={event.error.code} /></>}
        <time className="note-time">{formatTime(event.at)}</time>
      </li>
    );
  }
  if (event.kind === 'ERROR' && event.error) {
    const error = fromStoredError(event.error);
    return (
      <li className="note note-error" data-kind="ERROR">
        <span className="note-label">Error</span> {errorTitle(error.code)} <ErrorCode code={error.code} />
        <time className="note-time">{formatTime(event.at)}</time>
      </li>
    );
  }
  return (
    <li className="note" data-kind={event.kind}>
      {forPeople(event.message)}
      <time className="note-time">{formatTime(event.at)}</time>
    </li>
  );
}

function Step({ step, now }: { step: TimelineStep; now: number }) {
  const running = step.endedAt === null;
  const tone = phaseTone(step.phase);
  const state = running ? 'current' : tone === 'danger' ? 'failed' : 'done';
  const elapsed = running ? now - new Date(step.enteredAt).getTime() : between(step.enteredAt, step.endedAt!);
  const showDuration = running || step.endedAt !== step.enteredAt;
  return (
    <li className={`step step-${state} step-tone-${tone}`} data-phase={step.phase} data-state={state} data-seq={step.seq}>
      <span className="step-marker" aria-hidden="true" />
      <div className="step-body">
        <div className="step-head">
          <span className="step-title">{PHASE_LABELS[step.phase]}</span>
          <time className="step-time" dateTime={step.enteredAt}>{formatTime(step.enteredAt)}</time>
          {showDuration && <span className="step-duration">{running ? `for ${formatDuration(elapsed)}` : formatDuration(elapsed)}</span>}
        </div>
        {step.error ? (
          <p className="step-message">{errorTitle(step.error.code)} <ErrorCode code={step.error.code} /></p>
        ) : (
          step.message && <p className="step-message">{forPeople(step.message)}</p>
        )}
        {step.phase === 'WAITING_FOR_SERVER' && (
          <ProgressBar value={step.progress ?? 0} label="Server creation progress" />
        )}
        {step.notes.length > 0 && <ul className="notes">{step.notes.map((event) => <Note key={event.seq} event={event} />)}</ul>}
      </div>
    </li>
  );
}

/** A node's provisioning timeline: each phase with its time, then the phases still to come. */
export function Timeline({ events, live, paused = false }: {
  events: readonly AcquisitionEvent[];
  live: boolean;
  /** The socket is down (reconnecting): the elapsed time stops instead of counting on past what is known. */
  paused?: boolean;
}) {
  const { steps, upcoming } = buildTimeline(events);
  const running = steps.some((step) => step.endedAt === null);
  const now = useTicker(running && !paused, ELAPSED_REDRAW_MS);
  return (
    <ol className="timeline" aria-label="Provisioning timeline" data-live={live ? 'yes' : 'no'}>
      {steps.map((step) => <Step key={step.seq} step={step} now={now} />)}
      {upcoming.map((phase) => (
        <li key={`upcoming-${phase}`} className="step step-pending" data-phase={phase} data-state="pending">
          <span className="step-marker" aria-hidden="true" />
          <div className="step-body"><div className="step-head"><span className="step-title">{PHASE_LABELS[phase]}</span></div></div>
        </li>
      ))}
    </ol>
  );
}
