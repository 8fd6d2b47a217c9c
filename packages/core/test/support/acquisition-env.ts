/**
 * Everything an acquisition needs, real: a migrated Postgres database, pg-boss, the API (for
 * the machines' /agent calls, and GraphQL), the worker with its real jobs, and the Hetzner
 * simulator over HTTP with a project and a VALID provider connection to it. Test-only: it
 * imports the apps the way a deployment wires them (runtime packages never do).
 */
import { Writable } from 'node:stream';
import { expect } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@hangar/db/testing/test-database';
import type { AcquisitionEvent, Node, ProviderConnection } from '@hangar/db/generated/prisma/client';
import type { Phase } from '@hangar/domain/phases';
import { buildApp, type App } from '../../../../apps/api/src/app.ts';
import { buildWorker, type Worker } from '../../../../apps/worker/src/worker.ts';
import { mintApiToken } from '../../src/api-tokens.ts';
import type { HangarConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { ensureNodeQueues } from '../../src/node-jobs.ts';
import { createNode, type CreateNodeInput, type NodeActor } from '../../src/nodes.ts';
import { createConnection } from '../../src/provider-connections.ts';
import { createKeyring } from '../../src/secrets.ts';
import { createTestDeps, type TestDeps } from '../../src/testing/test-deps.ts';
import { NODE_ID_LABEL } from '../../src/server-labels.ts';
import { admin, createProject, startSimulator, type SimProject, type Simulator } from '../../../providers/test/support/simulator.ts';

/** A server as the simulator's admin API shows it. */
export interface SimServer {
  id: number;
  projectId: number;
  name: string;
  labels: Record<string, string>;
  status: string;
  deleted: boolean;
  boot: { state: string; mode: string; pid: number | null; log: string[]; registerAttempts: number; heartbeatsSent: number; nodeId: string | null; lastError: string | null } | null;
}

/** One request in the simulator's log. */
export interface SimRequest {
  time: string;
  method: string;
  path: string;
  status: number | null;
  faultId: number | null;
  errorCode: string | null;
}

export interface AcquisitionEnv {
  sim: Simulator;
  project: SimProject;
  testDb: TestDatabase;
  deps: TestDeps;
  app: App;
  worker: Worker | null;
  connection: ProviderConnection;
  actor: NodeActor;
  /** A bearer API token of the organization (for GraphQL). */
  apiToken: string;
  logLines: string[];
  /** createNode with a valid default spec (cx22 in fsn1 with ubuntu-24.04) and a unique name. */
  createNode(overrides?: Partial<CreateNodeInput>): Promise<Node>;
  /** Polls the node until it is in one of `phases`; fails the test with its timeline otherwise. */
  waitForPhase(nodeId: string, phases: Phase | Phase[], timeoutMs?: number): Promise<Node>;
  events(nodeId: string): Promise<AcquisitionEvent[]>;
  /** The simulator's servers labelled for the node (deleted ones included). */
  simServers(nodeId?: string, projectId?: number): Promise<SimServer[]>;
  simRequests(projectId?: number): Promise<SimRequest[]>;
  /** Another simulator project and a VALID connection to it (for tests that break their connection). */
  newConnection(settings?: { rateLimit?: number; rateBurst?: number; serverLimit?: number }): Promise<{ project: SimProject; connection: ProviderConnection }>;
  addFault(rule: Record<string, unknown>): Promise<number>;
  clearFaults(): Promise<void>;
  stop(): Promise<void>;
}

export interface AcquisitionEnvOptions {
  /** HangarConfig.deadlineScale (default 0.05: VALIDATING 3 s, WAITING_FOR_SERVER 30 s, PROVISIONING 30 s). */
  deadlineScale?: number;
  /** Simulator project settings (rate limit, burst, server limit). */
  project?: { rateLimit?: number; rateBurst?: number; serverLimit?: number };
  /** Run the worker in this process (default true). */
  worker?: boolean;
  seed?: number;
  /** The keyring's key (default: random); a worker in a child process needs the same one. */
  secretKey?: Buffer;
  /** Who plays the machines: the simulator in JavaScript (default) or the real agent script. */
  simBoot?: 'simulated' | 'script';
  /** Simulator speed (default fast). */
  speed?: 'fast' | 'instant';
  /** More HangarConfig settings (e.g. a short nodeHealthCheckMs). */
  config?: Partial<HangarConfig>;
}

let names = 0;

export async function startAcquisitionEnv(options: AcquisitionEnvOptions = {}): Promise<AcquisitionEnv> {
  const [testDb, sim] = await Promise.all([createTestDatabase(), startSimulator(options.speed ?? 'fast', options.seed ?? 11, options.simBoot)]);
  const project = await createProject(sim, options.project ?? {});
  const logLines: string[] = [];
  const log = createLogger({ level: 'debug', destination: new Writable({ write(chunk, _encoding, done) { logLines.push(String(chunk)); done(); } }) });
  const deps = await createTestDeps(testDb, log, { deadlineScale: options.deadlineScale ?? 0.05, providerEndpoints: [`${sim.url}/v1`], ...options.config });
  if (options.secretKey) deps.keyring = createKeyring(options.secretKey);
  const app = buildApp({ deps, databaseUrl: testDb.url, port: 0 });
  await app.start();
  // The machines call back at the API's real address (known once it listens on port 0).
  deps.config.publicUrl = app.url;
  await ensureNodeQueues(deps.boss);
  let worker: Worker | null = null;
  if (options.worker !== false) {
    worker = buildWorker(deps);
    await worker.start();
  }

  const organization = await testDb.db.organization.create({ data: { name: `acquisition-${Math.random().toString(36).slice(2, 8)}` } });
  const actor: NodeActor = { organizationId: organization.id, apiTokenId: null };
  const { token: apiToken } = await mintApiToken(testDb.db, { organizationId: organization.id, name: 'test' });
  const connection = await createConnection(deps, actor, { name: 'sim', kind: 'HETZNER', token: project.token, apiEndpoint: `${sim.url}/v1` });
  expect(connection.credentialStatus).toBe('VALID');

  const env: AcquisitionEnv = {
    sim,
    project,
    testDb,
    deps,
    app,
    worker,
    connection,
    actor,
    apiToken,
    logLines,
    createNode(overrides = {}) {
      names += 1;
      return createNode(deps, actor, {
        providerConnectionId: connection.id,
        name: `node-${names}`,
        serverType: 'cx22',
        location: 'fsn1',
        image: 'ubuntu-24.04',
        ...overrides,
      });
    },
    async waitForPhase(nodeId, phases, timeoutMs = 90_000) {
      const wanted = Array.isArray(phases) ? phases : [phases];
      const until = Date.now() + timeoutMs;
      for (;;) {
        const node = await testDb.db.node.findUniqueOrThrow({ where: { id: nodeId } });
        if (wanted.includes(node.phase)) return node;
        if (Date.now() > until) {
          const timeline = (await env.events(nodeId)).map((event) => `${event.seq} ${event.phase} ${event.kind} ${event.message}`).join('\n');
          throw new Error(`node ${nodeId} is ${node.phase}, not ${wanted.join('/')}, after ${timeoutMs} ms; timeline:\n${timeline}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    events(nodeId) {
      return testDb.db.acquisitionEvent.findMany({ where: { nodeId }, orderBy: { seq: 'asc' } });
    },
    async simServers(nodeId, projectId = project.id) {
      const { servers } = await admin<{ servers: SimServer[] }>(sim, 'GET', `/_sim/servers?includeDeleted=true&projectId=${projectId}`);
      return nodeId === undefined ? servers : servers.filter((server) => server.labels[NODE_ID_LABEL] === nodeId);
    },
    async simRequests(projectId = project.id) {
      return (await admin<{ requests: SimRequest[] }>(sim, 'GET', `/_sim/requests?projectId=${projectId}`)).requests;
    },
    async newConnection(settings = {}) {
      const other = await createProject(sim, settings);
      names += 1;
      const created = await createConnection(deps, actor, { name: `sim-${names}`, kind: 'HETZNER', token: other.token, apiEndpoint: `${sim.url}/v1` });
      expect(created.credentialStatus).toBe('VALID');
      return { project: other, connection: created };
    },
    async addFault(rule) {
      return (await admin<{ fault: { id: number } }>(sim, 'POST', '/_sim/faults', { projectId: project.id, ...rule })).fault.id;
    },
    async clearFaults() {
      await admin(sim, 'DELETE', '/_sim/faults');
    },
    async stop() {
      await worker?.stop();
      await app.stop();
      await deps.stop();
      await Promise.all([testDb.drop(), sim.stop()]);
    },
  };
  return env;
}

/** The phases a node's PHASE_ENTERED events went through, in order. */
export function phasesOf(events: AcquisitionEvent[]): Phase[] {
  return events.filter((event) => event.kind === 'PHASE_ENTERED').map((event) => event.phase);
}

/** Every secret-looking string that must never show up in events, errors or logs. */
export function secretsIn(text: string): string[] {
  return [...text.matchAll(/\b(rt_|nc_|hgr_)[A-Za-z0-9_-]{20,}/g)].map((match) => match[0]);
}
