/**
 * The machine-facing HTTP routes of the bootstrap contract (docs/simulator.md, "The bootstrap
 * contract"): POST /agent/register and POST /agent/heartbeat. JSON in, JSON out. A machine's
 * mistake is a clear 4xx with `{"error": {"code", "message"}}` (never a 500, never a secret);
 * Hangar's own trouble is a 503, which the bootstrap retries.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { bearerToken } from '@hangar/core/api-tokens';
import { AGENT_BODY_MAX_BYTES, AgentError, recordHeartbeat, registerMachine } from '@hangar/core/bootstrap';
import type { CoreDeps } from '@hangar/core/deps';

/** Every agent route lives under this prefix. */
export const AGENT_PATH_PREFIX = '/agent/';

const ROUTES: Readonly<Record<string, (deps: CoreDeps, req: IncomingMessage, body: unknown) => Promise<unknown>>> = {
  '/agent/register': (deps, _req, body) => registerMachine(deps, body),
  '/agent/heartbeat': (deps, req, body) => recordHeartbeat(deps, bearerToken(req.headers.authorization), body),
};

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function refuse(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  reply(res, status, { error: { code, message } });
}

/** Reads a JSON body of at most AGENT_BODY_MAX_BYTES; AgentError 413/400 otherwise. */
async function readJson(req: IncomingMessage): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > AGENT_BODY_MAX_BYTES) throw new AgentError(413, 'BODY_TOO_LARGE', `body larger than ${AGENT_BODY_MAX_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > AGENT_BODY_MAX_BYTES) throw new AgentError(413, 'BODY_TOO_LARGE', `body larger than ${AGENT_BODY_MAX_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new AgentError(400, 'INVALID_JSON', 'the body must be a JSON object');
  try {
    return JSON.parse(text);
  } catch {
    throw new AgentError(400, 'INVALID_JSON', 'the body is not valid JSON');
  }
}

/**
 * Handles a request under /agent/ (true), or leaves it to the caller (false). Never throws:
 * every outcome is answered.
 */
export async function handleAgentRequest(deps: CoreDeps, req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
  if (!path.startsWith(AGENT_PATH_PREFIX)) return false;
  const route = ROUTES[path];
  if (!route) {
    refuse(res, 404, 'NOT_FOUND', `no agent route ${path}; the routes are POST /agent/register and POST /agent/heartbeat`);
    return true;
  }
  if (req.method !== 'POST') {
    refuse(res, 405, 'METHOD_NOT_ALLOWED', `${path} takes POST`, { allow: 'POST' });
    return true;
  }
  try {
    const body = await readJson(req);
    reply(res, 200, await route(deps, req, body));
  } catch (error) {
    if (error instanceof AgentError) {
      deps.log.info({ path, status: error.status, code: error.code }, 'agent call refused');
      refuse(res, error.status, error.code, error.message);
      return true;
    }
    deps.log.error({ err: error, path }, 'agent call failed');
    refuse(res, 503, 'UNAVAILABLE', 'Hangar could not handle the call right now; retry later');
  }
  return true;
}
