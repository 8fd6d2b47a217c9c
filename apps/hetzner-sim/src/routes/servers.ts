import { type ApiRequest, type ApiRoute, type SimDeps, listReply } from '../context.ts';
import { type CreateServerRequest, readCreateServerRequest } from '../create-server-request.ts';
import type { DurationRangeMs } from '../speed.ts';
import { ApiError, invalidInput, notFound, uniquenessError } from '../errors.ts';
import { allocateIpv4, ipv6For } from '../ip-pool.ts';
import { compileLabelSelector } from '../label-selector.ts';
import {
  actionAt,
  actionsOfServer,
  cancelAction,
  isActionRunning,
  isGone,
  plannedRunningAt,
  replan,
  startAction,
  statusAt,
} from '../lifecycle.ts';
import { paginate } from '../pagination.ts';
import { datacenterFor, renderAction, renderServer } from '../render.ts';
import { sortItems } from '../sorting.ts';
import { type Action, type Server, type ServerStatus, type StatusChange, nextId } from '../state.ts';
import { readLabels } from '../labels.ts';
import { FieldErrors, isRecord, parseId } from '../validate.ts';
import { actionSortFields, readActionStatusFilter } from './actions.ts';

/**
 * Servers: list, create, get, delete, power actions and their action list. Creation plans the
 * whole lifecycle up front (create_server, then start_server, statuses initializing → starting
 * → running) and the rest is derived on read; only the simulated machine's boot needs a timer.
 */

const SERVER_STATUSES = new Set<string>(['running', 'initializing', 'starting', 'stopping', 'off', 'deleting', 'migrating', 'rebuilding', 'unknown']);
const ROOT_PASSWORD_LENGTH = 20;
const PERCENT = 100;

export function serverRoutes(deps: SimDeps): ApiRoute[] {
  const { state, speed, random } = deps;
  const draw = (range: DurationRangeMs): number => random.int(range[0], range[1]);

  const liveServers = (req: ApiRequest): Server[] =>
    [...state.servers.values()].filter((s) => s.projectId === req.project.id && !isGone(s, req.now));

  const findServer = (req: ApiRequest): Server => {
    const id = parseId(req.params.id);
    const server = id === null ? undefined : state.servers.get(id);
    if (!server || server.projectId !== req.project.id || isGone(server, req.now)) throw notFound('server');
    return server;
  };

  function createServer(req: ApiRequest, input: CreateServerRequest): { server: Server; create: Action; start: Action | null; rootPassword: string | null } {
    const live = liveServers(req);
    if (live.some((s) => s.name === input.name)) throw uniquenessError('name', 'server name is already used');
    if (live.length >= req.project.serverLimit) {
      throw new ApiError('resource_limit_exceeded', 'server limit exceeded', { limits: [{ name: 'server_limit' }] });
    }
    let ipv4: Server['ipv4'] = null;
    if (input.enableIpv4) {
      const inUse = new Set<string>();
      for (const s of state.servers.values()) if (s.ipv4 && !isGone(s, req.now)) inUse.add(s.ipv4.ip);
      const ip = allocateIpv4(inUse, random);
      if (ip === null) throw new ApiError('resource_unavailable', 'no IPv4 address available in location');
      ipv4 = { id: nextId(state, 'primaryIp'), ip };
    }
    const faults = deps.faults.forServer(req.method, req.path, req.project.id, input.name);
    const id = nextId(state, 'server');
    const ipv6: Server['ipv6'] = input.enableIpv6 ? { id: nextId(state, 'primaryIp'), ...ipv6For(id) } : null;
    const t0 = req.now;
    const createMs = draw(speed.createMs);
    const startMs = draw(speed.startMs);
    const resources = [{ id, type: 'server' }];
    const failure = faults.actionError;

    const create = startAction(state, {
      projectId: req.project.id,
      command: 'create_server',
      resources,
      now: t0,
      durationMs: createMs,
      failAt: failure ?? undefined,
    });
    const failedAtMs = failure ? t0 + (createMs * failure.atProgress) / PERCENT : null;

    let start: Action | null = null;
    if (input.startAfterCreate) {
      const total = createMs + startMs;
      start = startAction(state, {
        projectId: req.project.id,
        command: 'start_server',
        resources,
        now: t0,
        durationMs: total,
        never: faults.neverRunning,
        failAt:
          failure && failedAtMs !== null
            ? { atProgress: total > 0 ? Math.floor((PERCENT * (failedAtMs - t0)) / total) : 0, code: failure.code, message: failure.message }
            : undefined,
      });
    }

    const timeline: StatusChange[] = [{ atMs: t0, status: 'initializing' }];
    if (failedAtMs !== null) timeline.push({ atMs: failedAtMs, status: 'off' });
    else if (!input.startAfterCreate) timeline.push({ atMs: t0 + createMs, status: 'off' });
    else {
      timeline.push({ atMs: t0 + createMs, status: 'starting' });
      if (!faults.neverRunning) timeline.push({ atMs: t0 + createMs + startMs, status: 'running' });
    }

    const server: Server = {
      id,
      projectId: req.project.id,
      name: input.name,
      labels: input.labels,
      serverType: input.serverType,
      location: input.location,
      datacenter: datacenterFor(input.location),
      image: input.image,
      userData: input.userData,
      sshKeyIds: input.sshKeyIds,
      createdMs: t0,
      ipv4,
      ipv6,
      timeline,
      goneAtMs: null,
      deleteActionId: null,
      faults,
      boot: { state: 'none', started: false, registerAttempts: 0, heartbeatsSent: 0, nodeId: null, lastError: null, mode: 'simulated', pid: null, log: [] },
    };
    state.servers.set(id, server);
    const runningAt = plannedRunningAt(server, t0);
    if (runningAt !== null) deps.boot.schedule(server, runningAt);
    const rootPassword = input.sshKeyIds.length > 0 ? null : random.string(ROOT_PASSWORD_LENGTH);
    return { server, create, start, rootPassword };
  }

  /** Another action still running on the server locks it (423), as on Hetzner. */
  function assertUnlocked(server: Server, now: number): void {
    const busy = actionsOfServer(state, server.id).find((a) => isActionRunning(a, now));
    if (busy) throw new ApiError('locked', `server is locked by running action ${busy.id} (${busy.command})`);
  }

  function powerAction(command: string, plan: (server: Server, status: ServerStatus, now: number, durationMs: number) => StatusChange[] | null, range: DurationRangeMs): ApiRoute['handler'] {
    return (req) => {
      const server = findServer(req);
      assertUnlocked(server, req.now);
      const durationMs = draw(range);
      const changes = plan(server, statusAt(server, req.now), req.now, durationMs);
      const action = startAction(state, { projectId: req.project.id, command, resources: [{ id: server.id, type: 'server' }], now: req.now, durationMs });
      if (changes) {
        replan(server, req.now, changes);
        const runningAt = plannedRunningAt(server, req.now);
        if (runningAt !== null) deps.boot.schedule(server, runningAt);
      }
      return { status: 201, body: { action: renderAction(action, req.now) } };
    };
  }

  return [
    {
      method: 'GET',
      pattern: '/servers',
      handler: (req) => {
        const name = req.query.get('name');
        const selector = compileLabelSelector(req.query.get('label_selector'));
        const statuses = req.query.getAll('status').flatMap((v) => v.split(',')).filter((v) => v !== '');
        const wrong = statuses.filter((s) => !SERVER_STATUSES.has(s));
        if (wrong.length > 0) throw invalidInput([{ name: 'status', messages: [`invalid status ${wrong.join(', ')}`] }]);
        const matching = liveServers(req).filter(
          (s) =>
            (name === null || s.name === name) &&
            selector(s.labels) &&
            (statuses.length === 0 || statuses.includes(statusAt(s, req.now))),
        );
        const sorted = sortItems(matching, req.query, { id: (s) => s.id, name: (s) => s.name, created: (s) => s.createdMs }, (s) => s.id);
        const page = paginate(sorted, req.query, req.url);
        const reply = listReply('servers', page, (s) => renderServer(s, req.now));
        const next = /<([^>]+)>; rel="next"/.exec(page.headers.Link ?? '')?.[1];
        if (next !== undefined) reply.headers = { ...reply.headers, 'x-next': next };
        return reply;
      },
    },
    {
      method: 'POST',
      pattern: '/servers',
      handler: async (req) => {
        const projectKeys = [...state.sshKeys.values()].filter((k) => k.projectId === req.project.id);
        const input = readCreateServerRequest(await req.json(), projectKeys, req.now);
        const { server, create, start, rootPassword } = createServer(req, input);
        return {
          status: 201,
          body: {
            server: renderServer(server, req.now),
            action: renderAction(create, req.now),
            next_actions: start ? [renderAction(start, req.now)] : [],
            root_password: rootPassword,
          },
        };
      },
    },
    {
      method: 'GET',
      pattern: '/servers/:id',
      handler: (req) => ({ status: 200, body: { server: renderServer(findServer(req), req.now) } }),
    },
    {
      // Update a server's labels (replaced as a whole), as someone in the console would. Renaming is not simulated.
      method: 'PUT',
      pattern: '/servers/:id',
      handler: async (req) => {
        const server = findServer(req);
        const body = await req.json();
        if (!isRecord(body)) throw invalidInput([{ name: 'body', messages: ['must be a JSON object'] }]);
        const errors = new FieldErrors();
        const labels = body.labels === undefined ? undefined : readLabels(body.labels, errors);
        if (body.name !== undefined) errors.add('name', 'renaming is not supported by the simulator');
        errors.throwIfAny();
        if (labels !== undefined) server.labels = labels;
        return { status: 200, body: { server: renderServer(server, req.now) } };
      },
    },
    {
      method: 'DELETE',
      pattern: '/servers/:id',
      handler: (req) => {
        const server = findServer(req);
        // A second DELETE while the first is under way answers with the same action.
        const pending = server.deleteActionId === null ? undefined : state.actions.get(server.deleteActionId);
        if (pending) return { status: 200, body: { action: renderAction(pending, req.now) } };
        for (const action of actionsOfServer(state, server.id)) cancelAction(action, req.now, 'action_cancelled', 'server was deleted');
        const action = startAction(state, {
          projectId: req.project.id,
          command: 'delete_server',
          resources: [{ id: server.id, type: 'server' }],
          now: req.now,
          durationMs: draw(speed.deleteMs),
        });
        replan(server, req.now, [{ atMs: req.now, status: 'deleting' }]);
        server.deleteActionId = action.id;
        server.goneAtMs = action.endMs;
        deps.boot.halt(server, true);
        return { status: 200, body: { action: renderAction(action, req.now) } };
      },
    },
    {
      method: 'POST',
      pattern: '/servers/:id/actions/poweron',
      handler: powerAction(
        'start_server',
        (_server, status, now, d) => (status === 'running' ? null : [{ atMs: now, status: 'starting' }, { atMs: now + d, status: 'running' }]),
        speed.powerOnMs,
      ),
    },
    {
      method: 'POST',
      pattern: '/servers/:id/actions/poweroff',
      handler: powerAction(
        'stop_server',
        (server, status, now, d) => {
          if (status === 'off') return null;
          deps.boot.halt(server, false);
          return [{ atMs: now, status: 'stopping' }, { atMs: now + d, status: 'off' }];
        },
        speed.powerOffMs,
      ),
    },
    {
      method: 'POST',
      pattern: '/servers/:id/actions/reboot',
      // A soft reboot keeps the status at running; only the action takes time.
      handler: powerAction('reboot_server', () => null, speed.rebootMs),
    },
    {
      method: 'GET',
      pattern: '/servers/:id/actions',
      handler: (req) => {
        const server = findServer(req);
        const statuses = readActionStatusFilter(req.query);
        const actions = actionsOfServer(state, server.id).filter((a) => statuses === null || statuses.has(actionAt(a, req.now).status));
        const sorted = sortItems(actions, req.query, actionSortFields(req.now), (a) => a.id);
        return listReply('actions', paginate(sorted, req.query, req.url), (a) => renderAction(a, req.now));
      },
    },
  ];
}
