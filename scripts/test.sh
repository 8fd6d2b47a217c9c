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
npx vitest run
step "smoke: node acquisition against a running stack"
bash scripts/smoke-node-acquisition.sh
