import type { IncomingMessage, ServerResponse } from 'node:http';
import { toRfc3339 } from './clock.ts';
import type { ApiRoute, SimDeps } from './context.ts';
import { ApiError } from './errors.ts';
import { type FaultRule, requestedLocation, stripApiPrefix } from './faults.ts';
import { DEFAULT_RATE_LIMIT_PER_HOUR } from './rate-limit.ts';
import { type Reply, errorReply, parseJsonBody, readBody, send, sendRaw } from './respond.ts';
import { buildRouter } from './router.ts';
import { type Project, type RequestLogEntry, appendRequestLog } from './state.ts';

/**
 * One /v1 request, in the order the real API's edge seems to work: rate limit (per project, or
 * per client address without a known token), authentication, fault rules, read-only check,
 * routing, handler. Every answer carries X-Correlation-Id and the RateLimit-* headers, and every
 * request lands in the request log with its tokens redacted.
 */

const BAD_GATEWAY_HTML = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n';
const MALFORMED_JSON_FALLBACK = '{"simulated":"malformed JSON","truncated":tr';
const REDACTED = '[REDACTED]';
const SECRET_PARAM = /token|password|secret|authorization/i;

export interface PipelineControl {
  /** Responses held open by `hang` faults, answered never (destroyed on stop). */
  readonly hung: Set<ServerResponse>;
  /** `delayMs` timers, cleared on stop. */
  readonly delays: Set<NodeJS.Timeout>;
}

export type ApiRequestHandler = (req: IncomingMessage, res: ServerResponse, url: URL, correlationId: string) => Promise<void>;

function bearerToken(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (header === undefined) return null;
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  return m?.[1] ?? null;
}

export function buildApiPipeline(deps: SimDeps, routes: ApiRoute[], control: PipelineControl): ApiRequestHandler {
  const { state } = deps;
  const router = buildRouter(routes);

  const redactQuery = (query: URLSearchParams): string => {
    const safe = new URLSearchParams();
    for (const [name, value] of query) safe.append(name, SECRET_PARAM.test(name) || state.tokens.has(value) ? REDACTED : value);
    return safe.toString();
  };
  const redactPath = (path: string): string =>
    path
      .split('/')
      .map((segment) => (state.tokens.has(segment) ? REDACTED : segment))
      .join('/');

  const delay = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        control.delays.delete(timer);
        resolve();
      }, ms);
      control.delays.add(timer);
    });

  /** Answers with the fault's effect; returns the status sent (null when none is). */
  function applyFault(fault: FaultRule, res: ServerResponse, headers: Record<string, string>, processed: Reply | null): number | null {
    if (fault.error) {
      send(res, errorReply(new ApiError(fault.error.code, fault.error.message, null, fault.error.status)), headers);
      return fault.error.status;
    }
    if (fault.drop) {
      res.socket?.destroy();
      return null;
    }
    if (fault.hang) {
      control.hung.add(res);
      res.on('close', () => control.hung.delete(res));
      return null;
    }
    if (fault.malformedJson) {
      const full = processed?.body === undefined ? null : JSON.stringify(processed.body);
      sendRaw(res, 200, 'application/json', full === null ? MALFORMED_JSON_FALLBACK : full.slice(0, Math.max(1, Math.floor(full.length / 2))), headers);
      return 200;
    }
    sendRaw(res, 502, 'text/html', BAD_GATEWAY_HTML, headers);
    return 502;
  }

  async function route(req: IncomingMessage, url: URL, path: string, project: Project, body: { text: Promise<string> | null }): Promise<Reply> {
    const method = req.method ?? 'GET';
    const match = router.match(method, path);
    if (match.kind === 'not_found') throw new ApiError('not_found', `no such endpoint: ${method} /v1${path}`);
    if (match.kind === 'method_not_allowed') {
      throw new ApiError('method_not_allowed', `method ${method} not allowed on /v1${path}; allowed: ${match.allowed.join(', ')}`);
    }
    return match.route.handler({
      method,
      path,
      params: match.params,
      query: url.searchParams,
      url,
      project,
      now: deps.now(),
      json: async () => parseJsonBody(await (body.text ??= readBody(req))),
    });
  }

  return async (req, res, url, correlationId) => {
    const startedMs = deps.now();
    const method = req.method ?? 'GET';
    const path = stripApiPrefix(url.pathname).replace(/(.)\/+$/, '$1');
    const token = bearerToken(req);
    const grant = token === null ? undefined : state.tokens.get(token);
    const project = grant ? state.projects.get(grant.projectId) : undefined;

    const entry: RequestLogEntry = {
      time: toRfc3339(startedMs),
      method,
      path: redactPath(url.pathname),
      query: redactQuery(url.searchParams),
      status: null,
      projectId: project?.id ?? null,
      correlationId,
      durationMs: 0,
      faultId: null,
      errorCode: null,
    };
    const finish = (status: number | null, errorCode: string | null): void => {
      entry.status = status;
      entry.errorCode = errorCode;
      entry.durationMs = Math.round((deps.now() - startedMs) * 1000) / 1000;
      appendRequestLog(state, entry);
    };
    const answer = (reply: Reply, headers: Record<string, string>): void => {
      send(res, reply, headers);
      const code = reply.status >= 400 && typeof reply.body === 'object' && reply.body !== null ? ((reply.body as { error?: { code?: string } }).error?.code ?? null) : null;
      finish(reply.status, code);
    };

    const limit = project
      ? deps.rateLimiter.take(`project:${project.id}`, project.rateLimitPerHour, project.rateBurst, startedMs)
      : deps.rateLimiter.take(`client:${req.socket.remoteAddress ?? 'unknown'}`, DEFAULT_RATE_LIMIT_PER_HOUR, DEFAULT_RATE_LIMIT_PER_HOUR, startedMs);
    const headers = { 'X-Correlation-Id': correlationId, ...limit.headers };

    if (!limit.allowed) return answer(errorReply(new ApiError('rate_limit_exceeded', 'limit of requests per hour reached')), headers);
    if (!project) return answer(errorReply(new ApiError('unauthorized', 'unable to authenticate')), headers);

    const body: { text: Promise<string> | null } = { text: null };
    let location: string | null = null;
    if (deps.faults.wantsLocation(method, path, project.id)) {
      // Read once: the handler reuses the same text.
      location = requestedLocation(await (body.text ??= readBody(req)).catch(() => ''));
    }
    const fault = deps.faults.forRequest(method, path, project.id, location);
    if (fault) {
      entry.faultId = fault.id;
      if (fault.delayMs !== null) await delay(fault.delayMs);
      const terminal = fault.error !== null || fault.drop || fault.hang || fault.malformedJson || fault.badGateway;
      if (terminal && !fault.processRequest) return finish(applyFault(fault, res, headers, null), fault.error?.code ?? null);
    }

    let reply: Reply;
    if (grant?.readOnly && method !== 'GET') {
      reply = errorReply(new ApiError('token_readonly', 'the token is only allowed to perform GET requests'));
    } else {
      try {
        reply = await route(req, url, path, project, body);
      } catch (error) {
        if (!(error instanceof ApiError)) console.error(`[hetzner-sim] ${method} ${url.pathname} failed:`, error);
        reply = errorReply(error instanceof ApiError ? error : new ApiError('server_error', 'internal simulator error'));
      }
    }
    if (fault && (fault.error !== null || fault.drop || fault.hang || fault.malformedJson || fault.badGateway)) {
      return finish(applyFault(fault, res, headers, reply), fault.error?.code ?? null);
    }
    answer(reply, headers);
  };
}
