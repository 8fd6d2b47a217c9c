import { createHash } from 'node:crypto';
import { toRfc3339 } from '../clock.ts';
import type { AdminRequest, AdminRoute, SimDeps } from '../context.ts';
import { ApiError, notFound } from '../errors.ts';
import { isGone, statusAt } from '../lifecycle.ts';
import { createProject, describeProject, issueToken, revokeTokens } from '../projects.ts';
import type { Project, Server } from '../state.ts';
import { FieldErrors, isRecord, parseId } from '../validate.ts';

/**
 * The admin API under /_sim (never under /v1, no auth): projects and tokens, a view of every
 * server ever made, the request log, fault rules, and reset. Tests drive the simulator through
 * it over HTTP, as they would a real provider's console.
 */

const MAX_NAME_LENGTH = 128;

function readSettings(body: unknown, requireName: boolean): { name?: string; rateLimit?: number; rateBurst?: number; serverLimit?: number } {
  const errors = new FieldErrors();
  if (!isRecord(body)) throw new ApiError('invalid_input', 'body must be a JSON object', { fields: [{ name: 'body', messages: ['must be a JSON object'] }] });
  const settings: { name?: string; rateLimit?: number; rateBurst?: number; serverLimit?: number } = {};
  if (body.name !== undefined || requireName) {
    if (typeof body.name !== 'string' || body.name.trim() === '' || body.name.length > MAX_NAME_LENGTH) errors.add('name', 'is required: a non-empty string');
    else settings.name = body.name;
  }
  for (const key of ['rateLimit', 'rateBurst'] as const) {
    const value = body[key];
    if (value === undefined) continue;
    if (!Number.isInteger(value) || (value as number) < 1) errors.add(key, 'must be a positive integer');
    else settings[key] = value as number;
  }
  if (body.serverLimit !== undefined) {
    if (!Number.isInteger(body.serverLimit) || (body.serverLimit as number) < 0) errors.add('serverLimit', 'must be a non-negative integer');
    else settings.serverLimit = body.serverLimit as number;
  }
  errors.throwIfAny();
  return settings;
}

function describeServer(server: Server, now: number): unknown {
  const gone = isGone(server, now);
  return {
    id: server.id,
    projectId: server.projectId,
    name: server.name,
    labels: { ...server.labels },
    status: gone ? 'deleted' : statusAt(server, now),
    deleted: gone,
    deletedAt: gone && server.goneAtMs !== null ? toRfc3339(server.goneAtMs) : null,
    created: toRfc3339(server.createdMs),
    serverType: server.serverType.name,
    location: server.location.name,
    image: server.image.name,
    ipv4: server.ipv4?.ip ?? null,
    ipv6: server.ipv6?.network ?? null,
    sshKeyIds: [...server.sshKeyIds],
    /** A digest of the user data it was given (tests check it arrived whole; it may hold a registration token, so never the text); null without. */
    userDataSha256: server.userData === null ? null : createHash('sha256').update(server.userData).digest('hex'),
    faultRuleIds: [...server.faults.ruleIds],
    boot: { ...server.boot },
  };
}

export function adminRoutes(deps: SimDeps, resetAll: () => Promise<void>): AdminRoute[] {
  const { state, faults } = deps;
  const findProject = (req: AdminRequest): Project => {
    const id = parseId(req.params.id);
    const project = id === null ? undefined : state.projects.get(id);
    if (!project) throw notFound('project');
    return project;
  };

  return [
    {
      method: 'POST',
      pattern: '/_sim/projects',
      handler: async (req) => {
        const settings = readSettings(await req.json(), true);
        const issued = createProject(state, { ...settings, name: settings.name ?? '' }, deps.now());
        return {
          status: 201,
          body: { project: { id: issued.project.id, name: issued.project.name }, token: issued.token, readOnlyToken: issued.readOnlyToken },
        };
      },
    },
    {
      method: 'GET',
      pattern: '/_sim/projects',
      handler: () => ({ status: 200, body: { projects: [...state.projects.values()].map((p) => describeProject(state, p)) } }),
    },
    {
      method: 'PATCH',
      pattern: '/_sim/projects/:id',
      handler: async (req) => {
        const project = findProject(req);
        const settings = readSettings(await req.json(), false);
        if (settings.name !== undefined) project.name = settings.name;
        if (settings.rateLimit !== undefined) {
          // A burst that simply followed the limit keeps following it.
          if (settings.rateBurst === undefined && project.rateBurst === project.rateLimitPerHour) project.rateBurst = settings.rateLimit;
          project.rateLimitPerHour = settings.rateLimit;
        }
        if (settings.rateBurst !== undefined) project.rateBurst = settings.rateBurst;
        if (settings.serverLimit !== undefined) project.serverLimit = settings.serverLimit;
        return { status: 200, body: { project: describeProject(state, project) } };
      },
    },
    {
      method: 'POST',
      pattern: '/_sim/projects/:id/revoke-tokens',
      handler: (req) => {
        const project = findProject(req);
        return { status: 200, body: { project: describeProject(state, project), revoked: revokeTokens(state, project.id) } };
      },
    },
    {
      method: 'POST',
      pattern: '/_sim/projects/:id/tokens',
      handler: async (req) => {
        const project = findProject(req);
        const body = await req.json();
        const readOnly = isRecord(body) && body.readOnly === true;
        return { status: 201, body: { token: issueToken(state, project.id, readOnly), readOnly } };
      },
    },
    {
      method: 'GET',
      pattern: '/_sim/servers',
      handler: (req) => {
        const now = deps.now();
        const includeDeleted = req.query.get('includeDeleted') === 'true';
        const projectId = parseId(req.query.get('projectId') ?? undefined);
        const servers = [...state.servers.values()].filter(
          (s) => (includeDeleted || !isGone(s, now)) && (projectId === null || s.projectId === projectId),
        );
        return { status: 200, body: { servers: servers.map((s) => describeServer(s, now)) } };
      },
    },
    {
      method: 'GET',
      pattern: '/_sim/requests',
      handler: (req) => {
        const projectId = parseId(req.query.get('projectId') ?? undefined);
        const entries = projectId === null ? state.requestLog : state.requestLog.filter((e) => e.projectId === projectId);
        return { status: 200, body: { requests: entries } };
      },
    },
    {
      method: 'DELETE',
      pattern: '/_sim/requests',
      handler: () => {
        const cleared = state.requestLog.length;
        state.requestLog.length = 0;
        return { status: 200, body: { cleared } };
      },
    },
    {
      method: 'POST',
      pattern: '/_sim/faults',
      handler: async (req) => ({ status: 201, body: { fault: faults.add(await req.json()) } }),
    },
    {
      method: 'GET',
      pattern: '/_sim/faults',
      handler: () => ({ status: 200, body: { faults: faults.list() } }),
    },
    {
      method: 'DELETE',
      pattern: '/_sim/faults',
      handler: () => ({ status: 200, body: { cleared: faults.clear() } }),
    },
    {
      method: 'DELETE',
      pattern: '/_sim/faults/:id',
      handler: (req) => {
        const id = parseId(req.params.id);
        if (id === null || !faults.remove(id)) throw notFound('fault rule');
        return { status: 204 };
      },
    },
    {
      method: 'POST',
      pattern: '/_sim/reset',
      handler: async () => {
        await resetAll();
        return { status: 200, body: { reset: true } };
      },
    },
  ];
}
