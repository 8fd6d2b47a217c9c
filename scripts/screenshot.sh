#!/usr/bin/env bash
# `npm run screenshot`: regenerates docs/images/timeline.png, the README's picture of a node's
# live timeline. The browser test (apps/web/test/web.test.ts) takes it from the real app: it
# builds the web app, starts Postgres, the Hetzner simulator, the API and the worker, creates a
# node through the page in Chromium and, once the timeline reaches READY, keeps the node page
# 1000 px wide. The whole browser test runs (its steps build on each other), so this takes a
# minute or two; the picture must stay under 150 KB.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
node scripts/check-node.cjs || exit 1

target=docs/images/timeline.png
limit=$((150 * 1024))
mkdir -p "$(dirname "$target")"
fresh=$(mktemp --suffix=.png)
trap 'rm -f "$fresh"' EXIT
rm -f "$fresh"
if ! HANGAR_README_SCREENSHOT="$fresh" npx vitest run apps/web/test/web.test.ts; then
  echo "screenshot: the browser test failed; $target is unchanged" >&2
  exit 1
fi
if [ ! -s "$fresh" ]; then
  echo "screenshot: the browser test passed but took no picture; $target is unchanged" >&2
  exit 1
fi
size=$(stat -c %s "$fresh")
if [ "$size" -gt "$limit" ]; then
  echo "screenshot: the picture is $size bytes, over the 150 KB limit; $target is unchanged" >&2
  exit 1
fi
cp "$fresh" "$target"
echo "screenshot: $target ($size bytes)"
