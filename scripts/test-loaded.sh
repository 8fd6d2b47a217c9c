#!/usr/bin/env bash
# `npm run test:loaded`: `npm test` while two busy processes keep both cores saturated, the way a
# shared CI machine runs it. A test that fails here and not alone waits for a duration instead
# of an event. The load is stress-ng (`apt-get install -y stress-ng`) when present, else two
# busy `node` loops; it is stopped when the run ends, however it ends.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
node scripts/check-node.cjs || exit 1

load_pids=()
# shellcheck disable=SC2317 # called by the traps
stop_load() {
  for pid in "${load_pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${load_pids[@]}"; do wait "$pid" 2>/dev/null; done
  load_pids=()
}
trap stop_load EXIT
trap 'stop_load; exit 130' INT TERM

if command -v stress-ng >/dev/null 2>&1; then
  stress-ng --cpu 2 --quiet &
  load_pids+=("$!")
  echo "test:loaded: stress-ng --cpu 2 (pid ${load_pids[0]}) keeps both cores busy"
else
  for _ in 1 2; do
    node -e 'for (;;) {}' &
    load_pids+=("$!")
  done
  echo "test:loaded: two busy node processes (pids ${load_pids[*]}) keep both cores busy"
fi

started=$(date +%s)
bash scripts/test.sh
status=$?
echo "test:loaded: $(( $(date +%s) - started )) s under load, exit $status"
exit "$status"
