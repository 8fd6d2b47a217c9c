#!/usr/bin/env bash
# Smoke test of node acquisition, end to end, against a running Hangar stack:
# create a node on the sandbox connection, follow its live timeline to READY with the harness CLI
# (nodeEvents over graphql-ws), release it, then check that it
# is RELEASED and that the Hetzner simulator holds no live server for it. Exits non-zero with a
# clear message otherwise.
#
# A running stack: HANGAR_URL (default http://127.0.0.1:4000), its API token in
# $HANGAR_DATA_DIR/dev-token (default .data/dev-token) or HANGAR_TOKEN, the simulator at
# HANGAR_SIM_URL (default http://127.0.0.1:4010). When nothing answers at HANGAR_URL, the script
# starts `npm start` itself (HANGAR_SIM_SPEED=fast, HANGAR_SIM_BOOT=script so the machine is the
# real agent script from the user data, a temporary HANGAR_DATA_DIR, free ports) and stops it
# afterwards; then it also checks that the script, not the JavaScript machine, made the node READY.
#
# Other settings: SMOKE_CONNECTION_NAME (default "Hetzner sandbox"), SMOKE_SERVER_TYPE (cx22),
# SMOKE_LOCATION (fsn1), SMOKE_IMAGE (ubuntu-24.04), SMOKE_TIMEOUT_SECONDS (180 per wait),
# SMOKE_START_COMMAND (default "npm start").
set -euo pipefail
cd "$(dirname "$0")/.."

HANGAR_URL=${HANGAR_URL:-http://127.0.0.1:4000}
HANGAR_SIM_URL=${HANGAR_SIM_URL:-http://127.0.0.1:4010}
DATA_DIR=${HANGAR_DATA_DIR:-.data}
CONNECTION_NAME=${SMOKE_CONNECTION_NAME:-Hetzner sandbox}
SERVER_TYPE=${SMOKE_SERVER_TYPE:-cx22}
LOCATION=${SMOKE_LOCATION:-fsn1}
IMAGE=${SMOKE_IMAGE:-ubuntu-24.04}
TIMEOUT_SECONDS=${SMOKE_TIMEOUT_SECONDS:-180}
START_COMMAND=${SMOKE_START_COMMAND:-npm start}
NODE_LABEL=hangar.dev/node-id

say() { echo "smoke-node-acquisition: $*"; }
die() { echo "smoke-node-acquisition: FAIL: $*" >&2; exit 1; }
command -v curl >/dev/null || die "curl is required"
command -v node >/dev/null || die "node is required"

# Reads JSON on stdin and prints the value of a JavaScript expression over it (`j`).
json() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);const v=('"$1"');process.stdout.write(v===undefined||v===null?"":typeof v==="string"?v:JSON.stringify(v));});'; }

started_pid=""
temp_dir=""
expected_boot=""
stop_started() {
  if [ -n "$started_pid" ] && kill -0 "$started_pid" 2>/dev/null; then
    say "stopping the stack it started (pid $started_pid)"
    kill -TERM -- "-$started_pid" 2>/dev/null || kill -TERM "$started_pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$started_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$started_pid" 2>/dev/null || true
  fi
  if [ -n "$temp_dir" ]; then rm -rf "$temp_dir"; fi
}
trap stop_started EXIT

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{process.stdout.write(String(s.address().port));s.close();});'; }

if ! curl -fsS -m 3 "$HANGAR_URL/readyz" >/dev/null 2>&1; then
  temp_dir=$(mktemp -d /tmp/hangar-smoke.XXXXXX)
  api_port=$(free_port)
  sim_port=$(free_port)
  until [ "$sim_port" != "$api_port" ]; do sim_port=$(free_port); done
  HANGAR_URL="http://127.0.0.1:$api_port"
  HANGAR_SIM_URL="http://127.0.0.1:$sim_port"
  DATA_DIR="$temp_dir"
  unset HANGAR_TOKEN
  say "nothing answers; starting '$START_COMMAND' (data $temp_dir, API :$api_port, simulator :$sim_port, speed fast, boot script)"
  expected_boot=script
  HANGAR_DATA_DIR="$temp_dir" HANGAR_PORT="$api_port" HANGAR_PUBLIC_URL="$HANGAR_URL" HANGAR_SIM_PORT="$sim_port" HANGAR_SIM_SPEED=fast HANGAR_SIM_BOOT=script \
    HANGAR_LOG_FORMAT=json setsid bash -c "exec $START_COMMAND" >"$temp_dir/hangar.log" 2>&1 &
  started_pid=$!
  deadline=$((SECONDS + 120))
  until curl -fsS -m 3 "$HANGAR_URL/readyz" >/dev/null 2>&1 && [ -s "$temp_dir/dev-token" ]; do
    kill -0 "$started_pid" 2>/dev/null || { tail -n 30 "$temp_dir/hangar.log" >&2; die "'$START_COMMAND' exited before the API was ready"; }
    [ "$SECONDS" -lt "$deadline" ] || { tail -n 30 "$temp_dir/hangar.log" >&2; die "the API was not ready within 120 s"; }
    sleep 0.5
  done
fi

TOKEN=${HANGAR_TOKEN:-}
if [ -z "$TOKEN" ]; then
  [ -s "$DATA_DIR/dev-token" ] || die "no API token: set HANGAR_TOKEN or HANGAR_DATA_DIR (looked for $DATA_DIR/dev-token)"
  TOKEN=$(tr -d '[:space:]' <"$DATA_DIR/dev-token")
fi

# POSTs a GraphQL operation; prints the response body. $1 = query, $2 = variables (JSON).
gql() {
  local body
  body=$(node -e 'process.stdout.write(JSON.stringify({query: process.argv[1], variables: JSON.parse(process.argv[2] || "{}")}))' "$1" "${2:-{\}}")
  curl -sS -m 30 -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' --data "$body" "$HANGAR_URL/graphql" \
    || die "no answer from $HANGAR_URL/graphql"
}
# Dies with the GraphQL error when the response has one.
check() { local error; error=$(printf '%s' "$1" | json 'j.errors ? j.errors.map(e => (e.extensions && e.extensions.code) + ": " + e.message).join("; ") : ""'); [ -z "$error" ] || die "$2: $error"; }
# Dies with the typed error when mutation $2's result is not its payload ($3).
check_result() { local error; error=$(printf '%s' "$1" | json "(r => r && r.__typename !== '$3' ? r.code + ': ' + r.message : '')(j.data && j.data.$2)"); [ -z "$error" ] || die "$2: $error"; }

# 1. The sandbox connection (created at first start; may still be on its way).
deadline=$((SECONDS + 60))
while :; do
  response=$(gql 'query { providerConnections(first: 100) { nodes { id name credentialStatus } } }')
  check "$response" "providerConnections"
  connection=$(printf '%s' "$response" | json "j.data.providerConnections.nodes.find(c => c.name === $(node -e 'process.stdout.write(JSON.stringify(process.argv[1]))' "$CONNECTION_NAME"))")
  [ -n "$connection" ] && break
  [ "$SECONDS" -lt "$deadline" ] || die "no provider connection named \"$CONNECTION_NAME\" (set SMOKE_CONNECTION_NAME)"
  sleep 1
done
connection_id=$(printf '%s' "$connection" | json 'j.id')
status=$(printf '%s' "$connection" | json 'j.credentialStatus')
[ "$status" = VALID ] || die "connection \"$CONNECTION_NAME\" is $status, not VALID"

# 2. Create the node.
name="smoke-$(node -e 'process.stdout.write(require("crypto").randomBytes(4).toString("hex"))')"
started=$SECONDS
response=$(gql 'mutation($input: CreateNodeInput!) { createNode(input: $input) { __typename ... on CreateNodePayload { node { id phase } } ... on Error { code message } } }' \
  "{\"input\":{\"providerConnectionId\":\"$connection_id\",\"name\":\"$name\",\"serverType\":\"$SERVER_TYPE\",\"location\":\"$LOCATION\",\"image\":\"$IMAGE\"}}")
check "$response" "createNode"
check_result "$response" createNode CreateNodePayload
node_id=$(printf '%s' "$response" | json 'j.data.createNode.node.id')
say "created node $name ($node_id) on \"$CONNECTION_NAME\": $SERVER_TYPE in $LOCATION with $IMAGE"

# Follows the node's live timeline with the harness CLI (nodeEvents over graphql-ws) from
# after=$1 until the node rests in phase $2; dies when it rests elsewhere or the time is up.
follow_until() {
  local after=$1 want=$2
  HANGAR_URL="$HANGAR_URL" HANGAR_TOKEN="$TOKEN" node packages/harness/src/cli.ts watch "$node_id" \
    --after "$after" --until "$want" --timeout "$TIMEOUT_SECONDS" | sed 's/^/smoke-node-acquisition:   /' \
    || die "node $node_id did not come to rest in $want (the harness printed why above)"
}

# The seq of the node's newest event, so the next follow starts right after it.
last_seq() {
  local response
  response=$(gql 'query($id: ID!) { node(id: $id) { lastEventSeq } }' "{\"id\":\"$node_id\"}")
  check "$response" "node"
  printf '%s' "$response" | json 'j.data.node.lastEventSeq'
}

follow_until 0 READY
say "READY after $((SECONDS - started)) s"

# 3. Release it.
seq=$(last_seq)
response=$(gql 'mutation($id: ID!) { releaseNode(input: { id: $id }) { __typename ... on ReleaseNodePayload { node { phase } } ... on Error { code message } } }' "{\"id\":\"$node_id\"}")
check "$response" "releaseNode"
check_result "$response" releaseNode ReleaseNodePayload
follow_until "$seq" RELEASED

# 4. The simulator must hold no live server for the node (and must have had one).
servers=$(curl -fsS -m 10 "$HANGAR_SIM_URL/_sim/servers?includeDeleted=true") || die "the simulator does not answer at $HANGAR_SIM_URL (set HANGAR_SIM_URL)"
total=$(printf '%s' "$servers" | json "j.servers.filter(s => s.labels['$NODE_LABEL'] === '$node_id').length")
live=$(printf '%s' "$servers" | json "j.servers.filter(s => s.labels['$NODE_LABEL'] === '$node_id' && !s.deleted).length")
[ "$total" -ge 1 ] || die "the simulator never had a server for node $node_id"
[ "$live" = 0 ] || die "the simulator still has $live live server(s) for the released node $node_id"
if [ -n "$expected_boot" ]; then
  mode=$(printf '%s' "$servers" | json "j.servers.find(s => s.labels['$NODE_LABEL'] === '$node_id').boot.mode")
  [ "$mode" = "$expected_boot" ] || die "the node's machine was played in mode '$mode', not '$expected_boot'"
  say "the machine was the real agent script (boot mode $mode)"
fi
say "OK: node $node_id READY → RELEASED, $total server made, 0 live (${SECONDS}s in all)"
