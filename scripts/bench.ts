// `npm run bench`: runs every benchmark (apps/*/bench/*.bench.ts, packages/*/bench/*.bench.ts),
// one after another, each in its own child process. Each prints one JSON line with its result
// and a ratio against a baseline it runs in the same process tree; this collects them and
// writes bench/results/latest.json (machine, Node version, load average, commit, the lines).
// `npm run bench -- --quick` (BENCH_QUICK=1 for each): every benchmark runs briefly and judges
// no goal, only that what it measures works (it still exits 1 on a lost or duplicated event);
// nothing is written. `npm run bench -- fanout` runs the files whose path contains "fanout"
// and replaces only their lines in latest.json. BENCH_* variables change sizes (each file says which).
import { execFileSync } from 'node:child_process';
import { existsSync, globSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const filters = args.filter((arg) => !arg.startsWith('--'));
const files = globSync(['apps/*/bench/*.bench.ts', 'packages/*/bench/*.bench.ts'], { cwd: root })
  .sort()
  .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)));
const results: unknown[] = [];
let failed = 0;
const loadAtStart = os.loadavg();
const started = new Date();
const startedAt = performance.now();
const cpuAtStart = childrenCpuSeconds();
/**
 * CPU seconds used so far by this process's waited-for children and their descendants
 * (/proc/self/stat utime of children + stime of children): what a benchmark costs whatever the
 * machine's load, which stretches only its wall time. 0 where /proc is missing.
 */
function childrenCpuSeconds(): number {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
    // Fields 16 and 17 of stat(5) (cutime, cstime), in clock ticks (100 per second on Linux).
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return 0;
  }
}
for (const file of files) {
  process.stderr.write(`bench: ${file}${quick ? ' (quick)' : ''}\n`);
  const fileStartedAt = performance.now();
  const cpuBefore = childrenCpuSeconds();
  try {
    const output = execFileSync(process.execPath, [file], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...(quick ? { BENCH_QUICK: '1' } : {}) } });
    const line = output.trim().split('\n').at(-1) ?? '';
    results.push(JSON.parse(line));
    console.log(line);
  } catch (error) {
    failed += 1;
    console.error(`bench: ${file} failed: ${(error as Error).message.split('\n')[0]}`);
  }
  process.stderr.write(`bench: ${file} took ${((performance.now() - fileStartedAt) / 1000).toFixed(1)} s, ${(childrenCpuSeconds() - cpuBefore).toFixed(1)} CPU s, load ${os.loadavg()[0]?.toFixed(2)}\n`);
}
/** Writes bench/results/latest.json; a run of some files (filters) replaces only their lines in it. */
function writeLatest(): void {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  } catch { /* not a git checkout */ }
  const file = path.join(root, 'bench/results/latest.json');
  let kept: Array<{ name?: string }> = [];
  if (filters.length > 0 && existsSync(file)) {
    const names = new Set((results as Array<{ name?: string }>).map((one) => one.name));
    kept = ((JSON.parse(readFileSync(file, 'utf8')) as { results?: Array<{ name?: string }> }).results ?? []).filter((one) => !names.has(one.name));
  }
  const cpus = os.cpus();
  const report = {
    date: started.toISOString(),
    commit,
    node: process.version,
    machine: { cpus: cpus.length, model: cpus[0]?.model ?? 'unknown', memoryGiB: Math.round(os.totalmem() / 2 ** 30), platform: `${os.platform()} ${os.release()}` },
    loadAverage: { start: loadAtStart.map((value) => Math.round(value * 100) / 100), end: os.loadavg().map((value) => Math.round(value * 100) / 100) },
    sizes: Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith('BENCH_'))),
    failed,
    results: [...kept, ...results],
  };
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
}
if (!quick) writeLatest();
process.stderr.write(`bench: ${results.length} result(s), ${failed} failed in ${((performance.now() - startedAt) / 1000).toFixed(1)} s (${(childrenCpuSeconds() - cpuAtStart).toFixed(1)} CPU s; load ${loadAtStart[0]?.toFixed(2)} at start, ${os.loadavg()[0]?.toFixed(2)} at end)${quick ? ' (quick: no goal judged)' : '; written to bench/results/latest.json, record them in docs/benchmarks.md'}\n`);
process.exitCode = failed > 0 ? 1 : 0;
