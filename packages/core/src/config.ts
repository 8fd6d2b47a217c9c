/** Settings read once from the environment; every field has a working default. */
export interface HangarConfig {
  /**
   * Base URL at which machines reach this API (bootstrap registration and heartbeats):
   * HANGAR_PUBLIC_URL, default http://127.0.0.1:<HANGAR_PORT>.
   */
  publicUrl: string;
  /** Multiplies every phase deadline (HANGAR_DEADLINE_SCALE); tests shrink them. */
  deadlineScale: number;
}

export function readConfig(env: NodeJS.ProcessEnv, overrides: Partial<HangarConfig> = {}): HangarConfig {
  const port = Number(env.HANGAR_PORT ?? 4000);
  return {
    publicUrl: (env.HANGAR_PUBLIC_URL ?? `http://127.0.0.1:${port}`).replace(/\/$/, ''),
    deadlineScale: Number(env.HANGAR_DEADLINE_SCALE ?? 1),
    ...overrides,
  };
}
