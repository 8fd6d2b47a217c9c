/**
 * Speed presets: how long simulated work takes. Ranges are [min, max] in milliseconds; each
 * action draws its duration from the seeded PRNG. `realistic` is what Hetzner feels like,
 * `fast` keeps a whole create/boot/delete cycle under a second for tests, `instant` finishes
 * every action by the next read.
 */
export type SpeedName = 'realistic' | 'fast' | 'instant';

export type DurationRangeMs = readonly [number, number];

export interface SpeedProfile {
  readonly name: SpeedName;
  /** create_server: from POST /servers until the disk is ready (status initializing). */
  readonly createMs: DurationRangeMs;
  /** start_server after create: status starting until running. */
  readonly startMs: DurationRangeMs;
  readonly deleteMs: DurationRangeMs;
  readonly powerOffMs: DurationRangeMs;
  readonly powerOnMs: DurationRangeMs;
  readonly rebootMs: DurationRangeMs;
  /** From status running until the machine's first call home (cloud-init runtime). */
  readonly phoneHomeMs: DurationRangeMs;
  /** First retry delay of a failed register call; it doubles per attempt. */
  readonly registerRetryBaseMs: number;
}

export const SPEED_PROFILES: Readonly<Record<SpeedName, SpeedProfile>> = {
  realistic: {
    name: 'realistic',
    createMs: [15_000, 30_000],
    startMs: [20_000, 40_000],
    deleteMs: [3_000, 8_000],
    powerOffMs: [2_000, 5_000],
    powerOnMs: [10_000, 20_000],
    rebootMs: [10_000, 20_000],
    phoneHomeMs: [20_000, 40_000],
    registerRetryBaseMs: 2_000,
  },
  fast: {
    name: 'fast',
    createMs: [100, 200],
    startMs: [50, 100],
    deleteMs: [50, 100],
    powerOffMs: [30, 60],
    powerOnMs: [50, 100],
    rebootMs: [50, 100],
    phoneHomeMs: [100, 100],
    registerRetryBaseMs: 50,
  },
  instant: {
    name: 'instant',
    createMs: [0, 0],
    startMs: [0, 0],
    deleteMs: [0, 0],
    powerOffMs: [0, 0],
    powerOnMs: [0, 0],
    rebootMs: [0, 0],
    phoneHomeMs: [0, 0],
    registerRetryBaseMs: 10,
  },
};

export function isSpeedName(value: unknown): value is SpeedName {
  return value === 'realistic' || value === 'fast' || value === 'instant';
}
