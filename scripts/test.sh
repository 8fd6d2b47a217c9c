#!/usr/bin/env bash
# `npm test`: every check, in order. The same command runs in CI (.ci/run). Every step runs even
# when an earlier one failed; the run always ends with the plain line CI reads,
# `N passed, N failed, N skipped`: the suite's test counts, plus one each for the smoke test and
# the reduced chaos run and the quick benchmarks when they pass, plus one failure for every other
# step that failed (named just above the line). Exits 1 on any failure.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
node scripts/check-node.cjs || exit 1
export CHECKPOINT_DISABLE=1 TURBO_TELEMETRY_DISABLED=1

results=$(mktemp -t hangar-vitest-XXXXXX.json)
trap 'rm -f "$results"' EXIT
failed_steps=()
# Steps that count as one test each (the smoke test, the chaos run, the quick benchmarks): how many passed.
counted_passed=0

# run NAME COMMAND...: prints a header, runs the command, records NAME when it fails.
run() {
  local name=$1; shift
  printf '\n== %s\n' "$name"
  "$@" || { failed_steps+=("$name"); return 1; }
}

run "typecheck (tsc)" npx tsc -p .
run "lint (eslint)" npx eslint . --max-warnings=0
run "readiness (docs and contract agree with the code)" bash scripts/check-readiness.sh
run "test suite (vitest: real Postgres, simulator over HTTP, Chromium)" \
  npx vitest run --reporter=default --reporter=json --outputFile.json="$results"
run "smoke: node acquisition against a running stack" bash scripts/smoke-node-acquisition.sh && counted_passed=$((counted_passed + 1))
# A reduced chaos run (docs/reliability.md): 10 acquisitions while workers, the API and Postgres
# are SIGKILLed and restarted; every bad figure must be zero. ~45 s on a loaded 2-core machine.
run "chaos: acquisitions while workers, the API and Postgres are killed (reduced run)" \
  node scripts/chaos.ts --nodes 10 --kills 2 --seed 1 --deadline-scale 0.2 && counted_passed=$((counted_passed + 1))
# Every benchmark, briefly (docs/benchmarks.md): fails only when what one measures breaks (a lost or
# duplicated event, a process that does not start), never on a goal; about a minute on an idle
# machine. The timeout only bounds a hang on a very busy one.
run "bench --quick: every benchmark still runs" timeout 900 npm run --silent bench -- --quick && counted_passed=$((counted_passed + 1))

# The suite's own failures are already in its counts; any other failed step counts as one.
# A suite that died before writing its report counts as one failure with no tests.
# shellcheck disable=SC2016 # the template literals are JavaScript's
node -e '
  const fs = require("fs");
  const [file, countedPassed, ...failedSteps] = process.argv.slice(1);
  let r = { numPassedTests: 0, numFailedTests: 0, numPendingTests: 0, numTodoTests: 0, written: false };
  try { r = { ...JSON.parse(fs.readFileSync(file, "utf8")), written: true }; } catch {}
  const suiteStep = failedSteps.find((s) => s.startsWith("test suite"));
  const otherFailures = failedSteps.filter((s) => !s.startsWith("test suite"));
  const passed = r.numPassedTests + Number(countedPassed);
  const suiteFailures = r.numFailedTests > 0 ? r.numFailedTests : suiteStep ? 1 : 0;
  const failed = suiteFailures + otherFailures.length;
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log("");
  for (const step of failedSteps) console.log(`failed step: ${step}`);
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
' "$results" "$counted_passed" "${failed_steps[@]}"

[ "${#failed_steps[@]}" -eq 0 ]
