/**
 * The default setup's provider connection: "Hetzner sandbox", a project in the local Hetzner
 * simulator, so a newcomer can create a node right after `npm start`.
 *
 * Idempotent across restarts. The simulator keeps everything in memory, so after it restarts
 * it no longer knows the sandbox token: the stored connection then checks as INVALID, and this
 * creates a new simulator project and rotates the connection to its token (same connection id,
 * so nothing that refers to it breaks). A connection of that name that points elsewhere (a
 * person's own) is left alone.
 */
import type { ProviderConnection } from '@hangar/db/generated/prisma/client';
import { HangarError } from '@hangar/domain/api-errors';
import type { CoreDeps } from './deps.ts';
import { createConnection, revalidateConnection, rotateToken, type ConnectionActor } from './provider-connections.ts';

/** Name of the sandbox connection in the organization. */
export const SANDBOX_CONNECTION_NAME = 'Hetzner sandbox';
/** Name of the project created in the simulator. */
export const SANDBOX_PROJECT_NAME = 'hangar-sandbox';
/** Longest wait for the simulator's admin API. */
export const SIMULATOR_ADMIN_TIMEOUT_MS = 5_000;

/**
 * What ensureSandboxConnection did:
 * - `created`: a new simulator project and connection;
 * - `unchanged`: the connection existed and was re-checked (its status says how it is);
 * - `reprovisioned`: the simulator had forgotten the project: new project, token rotated;
 * - `skipped`: a connection of that name points at another endpoint; left alone.
 */
export type SandboxOutcome = 'created' | 'unchanged' | 'reprovisioned' | 'skipped';

export interface SandboxResult {
  outcome: SandboxOutcome;
  connection: ProviderConnection;
}

/** Creates a project in the simulator and returns its read & write token. */
async function createSimulatorProject(simulatorUrl: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(`${simulatorUrl}/_sim/projects`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: SANDBOX_PROJECT_NAME }),
      signal: AbortSignal.timeout(SIMULATOR_ADMIN_TIMEOUT_MS),
    });
  } catch (error) {
    throw new Error(`the Hetzner simulator at ${simulatorUrl} is not reachable (${(error as Error).message}); start it with \`npm run sim\``, { cause: error });
  }
  if (response.status !== 201) throw new Error(`the Hetzner simulator at ${simulatorUrl} refused to create a project (HTTP ${response.status})`);
  const body = (await response.json()) as { token?: unknown };
  if (typeof body.token !== 'string') throw new Error(`the Hetzner simulator at ${simulatorUrl} answered without a token`);
  return body.token;
}

/**
 * Makes sure `organizationId` has the "Hetzner sandbox" connection to the simulator at
 * `simulatorUrl` (no trailing /v1), with a token the simulator knows. Throws when the
 * simulator cannot be reached and a project is needed.
 */
export async function ensureSandboxConnection(deps: CoreDeps, options: { organizationId: string; simulatorUrl: string }): Promise<SandboxResult> {
  const simulatorUrl = options.simulatorUrl.replace(/\/+$/, '');
  const apiEndpoint = `${simulatorUrl}/v1`;
  const actor: ConnectionActor = { organizationId: options.organizationId, apiTokenId: null };
  const find = () => deps.db.providerConnection.findFirst({ where: { organizationId: options.organizationId, name: SANDBOX_CONNECTION_NAME } });

  let existing = await find();
  if (!existing) {
    const token = await createSimulatorProject(simulatorUrl);
    try {
      const connection = await createConnection(deps, actor, { name: SANDBOX_CONNECTION_NAME, kind: 'HETZNER', token, apiEndpoint });
      deps.log.info({ connectionId: connection.id, credentialStatus: connection.credentialStatus }, 'created the sandbox provider connection');
      return { outcome: 'created', connection };
    } catch (error) {
      // Another process created it first; fall through and treat it as existing.
      if (!(error instanceof HangarError && error.code === 'CONFLICT')) throw error;
      existing = await find();
      if (!existing) throw error;
    }
  }

  if (existing.apiEndpoint !== apiEndpoint) {
    deps.log.warn(
      { connectionId: existing.id, apiEndpoint: existing.apiEndpoint, simulatorEndpoint: apiEndpoint },
      `a connection named "${SANDBOX_CONNECTION_NAME}" points at another endpoint; leaving it alone (delete it to get a fresh sandbox)`,
    );
    return { outcome: 'skipped', connection: existing };
  }

  const checked = await revalidateConnection(deps, existing.id, { reason: 'sandbox' });
  const current = checked?.connection ?? (await find()) ?? existing;
  if (current.credentialStatus !== 'INVALID') return { outcome: 'unchanged', connection: current };

  // The simulator forgot the project (it restarted): give the connection a fresh one.
  const token = await createSimulatorProject(simulatorUrl);
  const connection = await rotateToken(deps, actor, existing.id, token);
  deps.log.info({ connectionId: connection.id, credentialStatus: connection.credentialStatus }, 'sandbox project re-created in the simulator; token rotated');
  return { outcome: 'reprovisioned', connection };
}
