// Summarizes a V8 CPU profile (`node --cpu-prof`, or NODE_OPTIONS="--cpu-prof --cpu-prof-dir=DIR"
// around a benchmark, which profiles the API, worker and client processes it starts too):
// busy time, then the inclusive time of the frames whose URL or function name contains each
// pattern (a sample counts once per pattern, wherever that frame is on its stack).
//   node scripts/profile-summary.ts DIR/CPU.*.cpuprofile @prisma/ /pg/ graphql-ws /ws/lib writev
// docs/benchmarks.md ("Where the time and memory go") quotes its output.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, ...patterns] = process.argv.slice(2);
if (!file || patterns.length === 0) {
  console.error('usage: node scripts/profile-summary.ts FILE.cpuprofile PATTERN...');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parentOf = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

/** The patterns matched by a frame or any of its callers. */
const matched = new Map<number, Set<string>>();
function patternsOf(id: number): Set<string> {
  const known = matched.get(id);
  if (known) return known;
  const parent = parentOf.get(id);
  const found = new Set(parent === undefined ? [] : patternsOf(parent));
  const frame = byId.get(id)?.callFrame;
  for (const pattern of patterns) if (frame && `${frame.url} ${frame.functionName}`.includes(pattern)) found.add(pattern);
  matched.set(id, found);
  return found;
}

let busy = 0;
const totals = new Map(patterns.map((pattern) => [pattern, 0]));
profile.samples.forEach((id, index) => {
  if (byId.get(id)?.callFrame.functionName === '(idle)') return;
  const delta = profile.timeDeltas[index] ?? 0;
  busy += delta;
  for (const pattern of patternsOf(id)) totals.set(pattern, (totals.get(pattern) ?? 0) + delta);
});
console.log(`busy ${Math.round(busy / 1000)} ms`);
for (const [pattern, total] of totals) console.log(`${String(Math.round(total / 1000)).padStart(7)} ms ${((100 * total) / Math.max(busy, 1)).toFixed(1).padStart(5)} %  ${pattern}`);
