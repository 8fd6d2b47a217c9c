/** Dates and durations as a person reads them, in the browser's locale and time zone. */

const DATE_TIME = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3 });

/** "26 Nov 2026, 10:49:51" */
export function formatDateTime(iso: string | null | undefined): string {
  return iso ? DATE_TIME.format(new Date(iso)) : '—';
}

/** "10:49:51.123": timeline entries are close together, so milliseconds matter. */
export function formatTime(iso: string): string {
  return TIME.format(new Date(iso));
}

/** "850 ms", "2.4 s", "3 min 5 s". */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1_000);
  return `${minutes} min ${seconds} s`;
}

/** Milliseconds from `from` to `to` (ISO strings). */
export function between(from: string, to: string): number {
  return new Date(to).getTime() - new Date(from).getTime();
}

/** "€0.0080": a provider's decimal string in its currency, cents kept below 1 (hourly prices). */
export function formatMoney(amount: string, currency: string): string {
  const value = Number(amount);
  const digits = value !== 0 && Math.abs(value) < 1 ? 4 : 2;
  return new Intl.NumberFormat(undefined, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
}
