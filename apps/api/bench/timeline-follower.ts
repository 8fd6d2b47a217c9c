/**
 * One "API process" of events.throughput: an event target (LISTEN) and one nodeEvents stream per
 * node (openNodeEventStream over its own Prisma pool, as the API has), counting what arrives.
 *   node apps/api/bench/timeline-follower.ts <database-url> <organization-id> <events-per-node> <node-id>,<node-id>,...
 * Prints {"type":"ready"} once every stream is open, {"type":"done","at":<epoch ms>} once every
 * node has sent `events-per-node` more events, each exactly once in seq order (the stream itself
 * refuses a gap), and {"type":"fail","message"} (exit 1) otherwise.
 */
import { openNodeEventStream } from '@hangar/core/node-event-stream';
import { createDb } from '@hangar/db/client';
import { createPgEventTarget } from '@hangar/events/pg-event-target';

const [url = '', organizationId = '', perNodeArg = '0', nodeList = ''] = process.argv.slice(2);
const perNode = Number(perNodeArg);
const nodeIds = nodeList.split(',');
const db = createDb(url);
// Exit (rather than die) on the bench's SIGTERM, so that NODE_OPTIONS=--cpu-prof writes this process's profile.
process.once('SIGTERM', () => process.exit(0));
const events = createPgEventTarget({ connectionString: url, applicationName: `bench-follower-${process.pid}` });
await events.start();
const say = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);
let nodesDone = 0;
const streams = await Promise.all(nodeIds.map(async (nodeId) => {
  const { lastSeq } = await db.node.findUniqueOrThrow({ where: { id: nodeId }, select: { lastSeq: true } });
  return { nodeId, lastSeq, stream: await openNodeEventStream({ db, events }, { organizationId, nodeId, after: lastSeq }) };
}));
say({ type: 'ready' });
await Promise.all(streams.map(async ({ lastSeq, stream }) => {
  let last = lastSeq;
  for await (const row of stream) {
    if (row.seq !== last + 1) {
      say({ type: 'fail', message: `seq ${row.seq} after ${last}` });
      process.exit(1);
    }
    last = row.seq;
    if (last === lastSeq + perNode) {
      nodesDone += 1;
      if (nodesDone === nodeIds.length) say({ type: 'done', at: Date.now() });
      await stream.return();
    }
  }
})).catch((error: unknown) => {
  say({ type: 'fail', message: (error as Error).message });
  process.exit(1);
});
await events.stop();
await db.$disconnect();
