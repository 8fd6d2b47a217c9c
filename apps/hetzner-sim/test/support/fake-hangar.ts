import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for Hangar's API side of the boot contract: records every /agent/register and
 * /agent/heartbeat call and answers them as told.
 */
export interface AgentCall {
  path: string;
  at: number;
  authorization: string | undefined;
  body: Record<string, unknown>;
}

export interface FakeHangar {
  url: string;
  calls: AgentCall[];
  registers(): AgentCall[];
  heartbeats(): AgentCall[];
  /** Status for the next register calls, in order (then 200). */
  registerStatuses: number[];
  /** Answer heartbeats with this status from now on. */
  heartbeatStatus: number;
  /** The heartbeatIntervalMs handed out by register. */
  heartbeatIntervalMs: number;
  stop(): Promise<void>;
}

export const HEARTBEAT_INTERVAL_MS = 50;

export async function startFakeHangar(): Promise<FakeHangar> {
  const calls: AgentCall[] = [];
  const fake: FakeHangar = {
    url: '',
    calls,
    registers: () => calls.filter((c) => c.path === '/agent/register'),
    heartbeats: () => calls.filter((c) => c.path === '/agent/heartbeat'),
    registerStatuses: [],
    heartbeatStatus: 200,
    heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS,
    stop: async () => {},
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      calls.push({ path: req.url ?? '', at: Date.now(), authorization: req.headers.authorization, body });
      const reply = (status: number, payload: unknown): void => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      if (req.url === '/agent/register') {
        const status = fake.registerStatuses.shift() ?? 200;
        if (status !== 200) return reply(status, { error: 'not now' });
        return reply(200, { nodeId: `node-${String(body.serverId)}`, nodeCredential: `cred-${String(body.serverId)}`, heartbeatIntervalMs: fake.heartbeatIntervalMs });
      }
      if (req.url === '/agent/heartbeat') return reply(fake.heartbeatStatus, {});
      reply(404, {});
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return fake;
}

/** A cloud-init document carrying Hangar's bootstrap line, as the API side will write it. */
export function bootstrapUserData(apiUrl: string, registrationToken: string): string {
  return [
    '#cloud-config',
    'write_files:',
    '  - path: /etc/hangar/bootstrap.json',
    '    content: |',
    `      ${JSON.stringify({ hangarBootstrap: 1, apiUrl, registrationToken })}`,
    'runcmd:',
    '  - [systemctl, start, hangar-agent]',
    '',
  ].join('\n');
}
