import type { WatchResult } from './client.ts';
import type { TimelineEvent } from './operations.ts';

/** How a timeline is shown: a live progress bar (terminal), plain lines (logs, CI), JSON lines (machines). */
export type PrintMode = 'tty' | 'plain' | 'json';

/** The happy path, in order: the progress bar's steps. */
const STEPS = ['QUEUED', 'VALIDATING', 'CREATING_SERVER', 'WAITING_FOR_SERVER', 'PROVISIONING', 'WAITING_FOR_READINESS', 'READY'] as const;
const BAR_WIDTH = 30;

export interface TimelinePrinter {
  event(event: TimelineEvent): void;
  resumed(info: { after: number; attempt: number; cause: string }): void;
  /** Ends the live line (tty) and prints the outcome. */
  done(result: WatchResult): void;
}

interface Output { write(text: string): unknown }

function time(at: string): string {
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? at : date.toISOString().slice(11, 23);
}

/** One event as a plain line: time, seq, phase, kind, progress or attempt, message, error code. */
export function formatEventLine(event: TimelineEvent): string {
  const parts = [time(event.at), `#${event.seq}`.padStart(4), event.phase.padEnd(21), event.kind.padEnd(13)];
  if (event.progress !== null) parts.push(`${event.progress}%`.padStart(4));
  if (event.attempt !== null && event.kind === 'RETRY') parts.push(`attempt ${event.attempt}`);
  parts.push(event.message);
  if (event.error) parts.push(`[${event.error.code}]`);
  return parts.join('  ');
}

/** Overall progress 0..1: finished steps, plus the provider's percentage while waiting for the server. */
function fraction(phase: string, progress: number | null): number {
  const index = STEPS.indexOf(phase as (typeof STEPS)[number]);
  if (index < 0) return 0;
  const within = phase === 'WAITING_FOR_SERVER' && progress !== null ? progress / 100 : 0;
  return Math.min(1, (index + within) / (STEPS.length - 1));
}

/** `success`: the phase the caller waits for (READY unless told otherwise); any other is reported on `err`. */
export function createTimelinePrinter(mode: PrintMode, out: Output, err: Output = out, success = 'READY'): TimelinePrinter {
  let phase = '';
  let progress: number | null = null;
  let status = '';

  function drawBar(): void {
    const filled = Math.round(fraction(phase, progress) * BAR_WIDTH);
    const bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
    out.write(`\r\x1b[2K${bar} ${phase}${progress !== null && phase === 'WAITING_FOR_SERVER' ? ` ${progress}%` : ''}${status ? `  ${status}` : ''}`);
  }

  return {
    event(event) {
      if (mode === 'json') {
        out.write(`${JSON.stringify(event)}\n`);
        return;
      }
      if (mode === 'plain') {
        out.write(`${formatEventLine(event)}\n`);
        return;
      }
      if (event.phase !== phase) progress = null;
      phase = event.phase;
      if (event.progress !== null) progress = event.progress;
      status = event.kind === 'PROGRESS' ? '' : event.message;
      // Steps, retries and errors stay on screen above the bar; progress only moves the bar.
      if (event.kind !== 'PROGRESS') out.write(`\r\x1b[2K${formatEventLine(event)}\n`);
      drawBar();
    },
    resumed(info) {
      const line = `stream lost (${info.cause}); resuming after #${info.after} (attempt ${info.attempt})`;
      if (mode === 'json') err.write(`${JSON.stringify({ resumed: info })}\n`);
      else if (mode === 'tty') out.write(`\r\x1b[2K${line}\n`);
      else out.write(`${line}\n`);
    },
    done(result) {
      if (mode === 'tty') out.write('\n');
      const outcome = result.phase === success
        ? success
        : `${result.phase ?? 'unknown'}${result.error ? ` ${result.error.code}: ${result.error.message}` : ''}`;
      if (mode === 'json') err.write(`${JSON.stringify({ done: { phase: result.phase, lastSeq: result.lastSeq, error: result.error } })}\n`);
      else out.write(`${outcome}\n`);
      // The verdict of a node that is not READY also goes to stderr, where scripts look for it.
      if (result.phase !== success) err.write(`harness: node came to rest in ${result.phase ?? 'an unknown phase'}${result.error ? `: ${result.error.code}: ${result.error.message}` : ''}\n`);
    },
  };
}
