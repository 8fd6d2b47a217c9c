/**
 * Many graphql-ws subscribers in a process of their own (so they do not share an event loop or
 * a heap with the API under test), one socket each, speaking graphql-transport-ws over `ws`
 * with no client library (its own bytes are not measured; fewer is kinder to the machine).
 *   node apps/api/bench/ws-clients.ts   (configured by a JSON line on stdin, commands after it)
 * stdin, one JSON object a line: first {url, token, count, concurrency, subscriptions: [{query,
 * variables}], resumeUrl?}: subscriber i subscribes subscriptions[i % length]; then commands
 * {"cmd":"close"} (close every socket) and {"cmd":"resume"} (subscribers whose socket dropped
 * reconnect to resumeUrl with variables.after = the last seq they received).
 * stdout, one JSON object a line: {"type":"ready","ms"} once every socket is acked and
 * subscribed; {"type":"event","key","count","at":[epoch ms of each delivery]} when every
 * subscriber got the event whose message is `key` (or its `seq`, or the changed row's `id`);
 * {"type":"dropped","count"} when sockets close unasked; {"type":"resumed","count","ms"};
 * {"type":"closed"}; {"type":"fail","message"} on a duplicate, a gap or an error (then exit 1).
 */
import readline from 'node:readline';
import WebSocket from 'ws';

interface Config { url: string; token: string; count: number; concurrency: number; subscriptions: Array<{ query: string; variables: Record<string, unknown> }>; resumeUrl?: string }
interface Subscriber { socket?: WebSocket; spec: number; last: number; acked: boolean; closing: boolean }

const lines = readline.createInterface({ input: process.stdin });
const iterator = lines[Symbol.asyncIterator]();
const config = JSON.parse(String((await iterator.next()).value)) as Config;
const subscribers: Subscriber[] = Array.from({ length: config.count }, (_, i) => ({ spec: i % config.subscriptions.length, last: Number(config.subscriptions[i % config.subscriptions.length]!.variables.after ?? 0), acked: false, closing: false }));
/** Per event key: delivery times (epoch ms). */
const deliveries = new Map<string, number[]>();
let dropped = 0;

function say(message: object): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}
function fail(message: string): never {
  say({ type: 'fail', message });
  process.exit(1);
}

function open(subscriber: Subscriber, url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    subscriber.socket = socket;
    subscriber.acked = false;
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${config.token}` } })));
    socket.on('message', (raw) => {
      const message = JSON.parse(String(raw)) as { type: string; payload?: { data?: Record<string, { seq?: number; message?: string; id?: string }>; errors?: unknown } };
      if (message.type === 'connection_ack') {
        subscriber.acked = true;
        const spec = config.subscriptions[subscriber.spec]!;
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: spec.query, variables: { ...spec.variables, ...(spec.variables.after !== undefined ? { after: subscriber.last } : {}) } } }));
        resolve();
      } else if (message.type === 'next') {
        const at = Date.now();
        if (message.payload?.errors) fail(`subscription error: ${JSON.stringify(message.payload.errors)}`);
        const value = Object.values(message.payload?.data ?? {})[0];
        if (!value) return;
        if (typeof value.seq === 'number') {
          if (value.seq <= subscriber.last) fail(`duplicate: seq ${value.seq} after ${subscriber.last}`);
          if (value.seq !== subscriber.last + 1) fail(`gap: seq ${value.seq} after ${subscriber.last}`);
          subscriber.last = value.seq;
        }
        const key = value.message ?? (typeof value.seq === 'number' ? String(value.seq) : String(value.id));
        let times = deliveries.get(key);
        if (!times) {
          times = [];
          deliveries.set(key, times);
        }
        times.push(at);
        if (times.length === config.count) {
          say({ type: 'event', key, count: times.length, at: times });
          deliveries.delete(key);
        }
      } else if (message.type === 'error') {
        fail(`subscribe refused: ${JSON.stringify(message.payload)}`);
      }
    });
    socket.on('close', (code, reason) => {
      if (!subscriber.acked) reject(new Error(`closed before connection_ack: ${code} ${String(reason)}`));
      if (!subscriber.closing) {
        dropped += 1;
        if (dropped % 1000 === 0 || dropped === config.count) say({ type: 'dropped', count: dropped });
      }
      subscriber.socket = undefined;
    });
    socket.on('error', () => undefined);
  });
}

async function openAll(targets: Subscriber[], url: string): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: config.concurrency }, async () => {
    while (next < targets.length) {
      const subscriber = targets[next]!;
      next += 1;
      await open(subscriber, url);
    }
  }));
}

const started = Date.now();
try {
  await openAll(subscribers, config.url);
} catch (error) {
  fail((error as Error).message);
}
say({ type: 'ready', ms: Date.now() - started });

for (;;) {
  const next = await iterator.next();
  if (next.done) break;
  const command = JSON.parse(String(next.value)) as { cmd: string };
  if (command.cmd === 'close') {
    await Promise.all(subscribers.map((subscriber) => new Promise<void>((resolve) => {
      subscriber.closing = true;
      if (!subscriber.socket || subscriber.socket.readyState === WebSocket.CLOSED) return resolve();
      subscriber.socket.once('close', () => resolve());
      subscriber.socket.close(1000);
    })));
    say({ type: 'closed' });
  } else if (command.cmd === 'resume') {
    const resumeStarted = Date.now();
    const lost = subscribers.filter((subscriber) => !subscriber.socket);
    dropped = 0;
    try {
      await openAll(lost, config.resumeUrl ?? config.url);
    } catch (error) {
      fail((error as Error).message);
    }
    say({ type: 'resumed', count: lost.length, ms: Date.now() - resumeStarted });
  }
}
process.exit(0);
