/**
 * Simulated time is wall-clock time in milliseconds with sub-millisecond precision. Two reads
 * separated by any real work never see the same instant, which lets lifecycle rules use strict
 * "after" comparisons: a snapshot taken at the very moment of creation shows nothing done yet.
 */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** RFC 3339 with second precision and an explicit offset, the way the Hetzner API writes times. */
export function toRfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', '+00:00');
}
