// `npm run bench`: runs every benchmark (apps/*/bench/*.bench.ts, packages/*/bench/*.bench.ts),
// one after another, each in its own child process. Each prints one JSON line with its result
// and a ratio against a baseline it runs in the same process tree; this collects them.
import { execFileSync } from 'node:child_process';
import { globSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const files = globSync(['apps/*/bench/*.bench.ts', 'packages/*/bench/*.bench.ts'], { cwd: root }).sort();
const results: unknown[] = [];
let failed = 0;
for (const file of files) {
  process.stderr.write(`bench: ${file}\n`);
  try {
    const output = execFileSync(process.execPath, [file], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    const line = output.trim().split('\n').at(-1) ?? '';
    results.push(JSON.parse(line));
    console.log(line);
  } catch (error) {
    failed += 1;
    console.error(`bench: ${file} failed: ${(error as Error).message.split('\n')[0]}`);
  }
}
process.stderr.write(`bench: ${results.length} result(s), ${failed} failed; record them in docs/benchmarks.md\n`);
process.exitCode = failed > 0 ? 1 : 0;
