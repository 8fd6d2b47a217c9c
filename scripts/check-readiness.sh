#!/usr/bin/env bash
# Proves the docs and the printed contract agree with the code. Run by `npm test`.
set -euo pipefail
cd "$(dirname "$0")/.."
failures=0
fail() { echo "  ✗ $*"; failures=$((failures + 1)); }
ok() { echo "  ✓ $*"; }

echo "check-readiness"

# 1. schema.graphql is what the code prints.
if diff -q <(node -e "import('./apps/api/src/schema/print.ts').then(m => process.stdout.write(m.printContract()))") schema.graphql >/dev/null; then
  ok "schema.graphql is fresh"
else
  fail "schema.graphql is stale: run npm run schema:print"
fi

# 2. The Hetzner client types are what the official spec generates.
if node packages/providers/scripts/generate-hetzner-types.ts --check >/dev/null 2>&1; then
  ok "generated Hetzner types match packages/providers/spec/cloud.spec.json"
else
  fail "generated Hetzner types are stale: run node packages/providers/scripts/generate-hetzner-types.ts"
fi

# 2b. The clients' typed GraphQL documents are what codegen.ts generates from schema.graphql and their operations.
if node_modules/.bin/graphql-codegen --config codegen.ts --check >/dev/null 2>&1; then
  ok "generated GraphQL client types (apps/web, packages/harness) match schema.graphql and their operations"
else
  fail "generated GraphQL client types are stale or an operation does not fit schema.graphql: run npm run generate"
fi

# 3. Every docs file the README names exists.
for doc in $(grep -oE 'docs/[A-Za-z0-9_./-]+\.(md|graphql)' README.md | sort -u); do
  [ -f "$doc" ] || fail "README names $doc, which does not exist"
done
ok "every docs file the README names exists"

# 4. Every error code the code can produce is in docs/error-codes.md.
code_files=$(git ls-files 'apps/*/src/**.ts' 'packages/*/src/**.ts' | grep -v '/generated/' | grep -v '^apps/hetzner-sim/')
# Codes are string literals ('PROVIDER_…', 'NODE_…', HangarError('CODE', …)) or keys of the tables in packages/domain.
codes=$( (grep -ohE "['\"\`](PROVIDER|NODE)_[A-Z_]+['\"\`]" $code_files | tr -d "'\"\`"; \
          grep -ohE "HangarError\('[A-Z_]+'" $code_files | grep -oE "[A-Z_]{3,}"; \
          grep -ohE "^  [A-Z][A-Z_]+:" packages/domain/src/*errors.ts | tr -d ' :') | sort -u)
missing=0
for code in $codes; do
  grep -q "\`$code\`\|| $code |" docs/error-codes.md || { fail "error code $code is not in docs/error-codes.md"; missing=1; }
done
[ "$missing" -eq 0 ] && ok "every error code in the code is documented ($(echo "$codes" | wc -w) codes)"

# 4b. The GraphQL ErrorCode enum is exactly the documented codes (the first column of the tables in docs/error-codes.md).
enum_codes=$(awk '/^enum ErrorCode \{/{inside=1; next} inside && /^\}/{inside=0} inside && /^  [A-Z][A-Z_]+$/{print $1}' schema.graphql | sort -u)
doc_codes=$(grep -oE '^\| `[A-Z][A-Z_]+` \|' docs/error-codes.md | grep -oE '[A-Z][A-Z_]+' | sort -u)
if [ -n "$enum_codes" ] && [ "$enum_codes" = "$doc_codes" ]; then
  ok "the ErrorCode enum equals the codes in docs/error-codes.md ($(echo "$enum_codes" | wc -w) codes)"
else
  fail "the ErrorCode enum and docs/error-codes.md differ: $(diff <(echo "$enum_codes") <(echo "$doc_codes") | grep -E '^[<>]' | tr '\n' ' ')"
fi

# 5. Provider-first: no mutation, CLI or code path acquires a node without a provider connection.
if grep -nE '^\s+[a-zA-Z]*(self|manual|local|register)[A-Za-z]*Node[A-Za-z]*\(' schema.graphql; then
  fail "the contract has a manual/self/local node mutation"
else
  ok "no manual, local or self node mutation in the contract"
fi
creators=$(grep -lE '\.node\.(create|createMany|upsert)\(' $code_files || true)
for file in $creators; do
  [ "$file" = "packages/core/src/nodes.ts" ] || fail "$file creates Node rows; only packages/core/src/nodes.ts (createNode, provider-backed) may"
done
if grep -q 'providerConnectionId' packages/core/src/nodes.ts 2>/dev/null; then ok "nodes are created only by packages/core/src/nodes.ts, through a provider connection"; else fail "packages/core/src/nodes.ts does not create nodes through a provider connection"; fi

# 6. The feature docs exist.
before=$failures
for doc in docs/api-contract.md docs/error-codes.md docs/ui-flows.md docs/testing.md docs/development.md docs/simulator.md docs/benchmarks.md docs/features/provider-connections.md docs/features/node-acquisition.md; do
  [ -f "$doc" ] || fail "$doc is missing"
done
[ "$failures" -eq "$before" ] && ok "docs present: api-contract, error-codes, ui-flows, testing, development, simulator, benchmarks, features/*"

# 7. The Node floor has one home, package.json's engines.node (scripts/check-node.cjs reads it);
#    the README states the same version.
floor=$(node -p 'require("./package.json").engines.node.replace(">=", "")')
if grep -q "Needs Node.js ≥ $floor," README.md; then
  ok "the README states the Node floor, $floor (package.json engines.node)"
else
  fail "README does not say \"Needs Node.js ≥ $floor,\" (package.json engines.node)"
fi

if [ "$failures" -gt 0 ]; then
  echo "check-readiness: $failures problem(s)"
  exit 1
fi
echo "check-readiness: all good"
