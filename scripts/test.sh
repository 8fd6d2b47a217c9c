#!/usr/bin/env bash
# `npm test`: every check, in order, failing fast. The same command runs in CI (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1 TURBO_TELEMETRY_DISABLED=1

step() { printf '\n== %s\n' "$1"; }

step "typecheck (tsc)"
npx tsc -p .
step "lint (eslint)"
npx eslint . --max-warnings=0
step "readiness (docs and contract agree with the code)"
bash scripts/check-readiness.sh
step "test suite (vitest: real Postgres, simulator over HTTP, Chromium)"
results=$(mktemp -t hangar-vitest-XXXXXX.json)
trap 'rm -f "$results"' EXIT
npx vitest run --reporter=default --reporter=json --outputFile.json="$results"
step "smoke: node acquisition against a running stack"
bash scripts/smoke-node-acquisition.sh
step "chaos: 10 acquisitions while workers, the API and Postgres are killed (docs/reliability.md)"
npm run chaos -- --nodes 10 --kills 2

# The plain closing line CI reads: the suite's counts, plus the smoke test and the chaos run.
node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(`\n${r.numPassedTests + 2} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`)' "$results"
