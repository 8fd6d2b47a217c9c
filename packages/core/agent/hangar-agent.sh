#!/bin/sh
# Hangar node agent: registers this machine with Hangar once, then sends heartbeats.
#
# Hangar's cloud-init user data installs it as /usr/local/bin/hangar-agent beside its
# configuration, /etc/hangar/bootstrap.json (one line of JSON: hangarBootstrap, apiUrl,
# registrationToken), and systemd runs it (hangar-agent.service). The contract with Hangar's API
# is described in docs/features/node-acquisition.md ("The bootstrap contract").
#
# - Registration: POST {apiUrl}/agent/register with the one-time token and this server's id from
#   the metadata service; transient failures (no answer, 408, 429, 5xx) are retried with
#   exponential backoff, at most REGISTER_MAX_ATTEMPTS times. The node credential it returns is
#   kept in /var/lib/hangar/credential (0600) and the token is removed from disk.
# - Heartbeats: POST {apiUrl}/agent/heartbeat every heartbeatIntervalMs (from Hangar's answers);
#   after failures the next one waits longer (doubling, capped).
# - Hangar answering 401/403/404/410 means this machine is not wanted: the agent stops for good.
# - Secrets (the token, the credential) never reach a log line or a command line; every file the
#   agent writes is 0600 (umask 077).
#
# Exit status: 0 when stopped by Hangar or by SIGTERM/SIGINT; 1 when registration gave up after
# its retries (systemd may start it again later); 2 when the configuration is unusable or Hangar
# refused the registration for good (systemd does not restart it).
#
# Environment, only for running the agent outside a real machine (the simulator's sandbox sets
# them; a real machine sets none, and the defaults are the real paths):
#   HANGAR_ROOT                 prefix of every file path (default: none)
#   HANGAR_METADATA_URL         the metadata service (default: metadataUrl of the configuration,
#                               the provider's address; metadataPath says where its keys are)
#   HANGAR_AGENT_RETRY_BASE_MS  first retry delay (default 2000)
set -u
umask 077

ROOT=${HANGAR_ROOT:-}
METADATA_URL=${HANGAR_METADATA_URL:-}
METADATA_PATH=
RETRY_BASE_MS=${HANGAR_AGENT_RETRY_BASE_MS:-2000}
CONF="$ROOT/etc/hangar/bootstrap.json"
STATE="$ROOT/var/lib/hangar"

REQUEST_TIMEOUT_S=10
REGISTER_MAX_ATTEMPTS=8
RETRY_MAX_MS=60000
INTERVAL_DEFAULT_MS=15000
INTERVAL_MIN_MS=100
INTERVAL_MAX_MS=3600000

log() { printf 'hangar-agent: %s\n' "$*" >&2; }
warn() { printf 'hangar-agent: warning: %s\n' "$*" >&2; }

# The child the agent waits for (curl or sleep): SIGTERM ends it too (and waits for it, so no
# process outlives the agent), and the agent exits at once.
CHILD=
on_signal() {
  if [ -n "$CHILD" ]; then
    kill "$CHILD" 2>/dev/null
    wait "$CHILD" 2>/dev/null
  fi
  log "stopping ($1)"
  exit 0
}
trap 'on_signal SIGTERM' TERM
trap 'on_signal SIGINT' INT

# Runs a command in the background and waits for it: `wait` returns when a signal arrives.
run() {
  "$@" &
  CHILD=$!
  wait "$CHILD"
  run_status=$?
  CHILD=
  return "$run_status"
}

sleep_ms() {
  run sleep "$(($1 / 1000)).$(printf '%03d' $(($1 % 1000)))"
}

is_uint() {
  case "$1" in '' | *[!0-9]*) return 1 ;; *) return 0 ;; esac
}

# The value of a string or number field of a one-line JSON object in file $2 (no escapes needed:
# every value Hangar sends is URL-, base64url- or digit-only).
field() {
  sed -n "s/.*\"$1\": *\"\{0,1\}\([^\",}]*\).*/\1/p" "$2" | head -n 1
}

# Keeps a heartbeat interval within bounds; anything unusable becomes the default.
clamp_interval() {
  if ! is_uint "$1" || [ "${#1}" -gt 9 ]; then
    echo "$INTERVAL_DEFAULT_MS"
  elif [ "$1" -lt "$INTERVAL_MIN_MS" ]; then
    echo "$INTERVAL_MIN_MS"
  elif [ "$1" -gt "$INTERVAL_MAX_MS" ]; then
    echo "$INTERVAL_MAX_MS"
  else
    echo "$1"
  fi
}

# The delay before the retry after the Nth consecutive failure: $1 ms doubling per failure
# ($2 = N), capped at $3 ms.
backoff_ms() {
  delay=$1
  n=1
  while [ "$n" -lt "$2" ] && [ "$delay" -lt "$3" ]; do
    delay=$((delay * 2))
    n=$((n + 1))
  done
  [ "$delay" -le "$3" ] || delay=$3
  echo "$delay"
}

# A metadata value (text), or nothing when the service does not answer.
metadata() {
  [ -n "$METADATA_URL" ] || return 0
  curl -fsS --max-time "$REQUEST_TIMEOUT_S" "$METADATA_URL$METADATA_PATH/$1" 2>/dev/null
}

# POSTs file $2 as JSON to {apiUrl}$1 (with the header file $3, if given). Sets CODE to the HTTP
# status (000 when there was no answer); the body is in $STATE/response.json.
post() {
  rm -f "$STATE/response.json" "$STATE/status"
  if [ -n "${3:-}" ]; then
    run curl -sS --max-time "$REQUEST_TIMEOUT_S" -o "$STATE/response.json" -w '%{http_code}' \
      -H 'Content-Type: application/json' -H "@$3" --data-binary "@$2" "$API$1" >"$STATE/status"
  else
    run curl -sS --max-time "$REQUEST_TIMEOUT_S" -o "$STATE/response.json" -w '%{http_code}' \
      -H 'Content-Type: application/json' --data-binary "@$2" "$API$1" >"$STATE/status"
  fi
  CODE=$(cat "$STATE/status" 2>/dev/null)
  is_uint "$CODE" || CODE=000
  rm -f "$STATE/status"
}

transient() {
  case "$1" in 000 | 408 | 429 | 5??) return 0 ;; *) return 1 ;; esac
}

not_wanted() {
  case "$1" in 401 | 403 | 404 | 410) return 0 ;; *) return 1 ;; esac
}

register() {
  token=$(field registrationToken "$CONF")
  case "$token" in
    '' | *[!A-Za-z0-9_-]*) log "no usable registrationToken in $CONF"; exit 2 ;;
  esac
  attempt=1
  while :; do
    log "registering with Hangar (attempt $attempt)"
    server_id=$(metadata instance-id)
    if is_uint "$server_id" && [ "$server_id" != 0 ]; then
      host=$(metadata hostname | tr -cd 'A-Za-z0-9.-' | cut -c 1-253)
      [ -n "$host" ] || host=$(uname -n | tr -cd 'A-Za-z0-9.-' | cut -c 1-253)
      ipv4=$(metadata public-ipv4 | tr -cd '0-9.')
      case "$ipv4" in *.*.*.*) ipv4="\"$ipv4\"" ;; *) ipv4=null ;; esac
      printf '{"registrationToken":"%s","serverId":%s,"hostname":"%s","ipv4":%s,"ipv6":null}\n' \
        "$token" "$server_id" "$host" "$ipv4" >"$STATE/register.json"
      post /agent/register "$STATE/register.json"
      rm -f "$STATE/register.json"
    else
      CODE=metadata
    fi
    case "$CODE" in
      200) break ;;
      metadata) warn "the metadata service gave no server id" ;;
      *)
        if not_wanted "$CODE"; then
          log "Hangar answered $CODE to the registration: this machine is not wanted; stopping"
          exit 0
        fi
        if ! transient "$CODE"; then
          log "Hangar refused the registration ($CODE); stopping"
          exit 2
        fi
        warn "registration failed ($CODE)"
        ;;
    esac
    if [ "$attempt" -ge "$REGISTER_MAX_ATTEMPTS" ]; then
      log "registration failed $attempt times; giving up"
      exit 1
    fi
    sleep_ms "$(backoff_ms "$RETRY_BASE_MS" "$attempt" "$RETRY_MAX_MS")"
    attempt=$((attempt + 1))
  done

  credential=$(field nodeCredential "$STATE/response.json")
  case "$credential" in
    '' | *[!A-Za-z0-9_-]*) log "Hangar's registration answer has no usable nodeCredential; stopping"; exit 2 ;;
  esac
  printf '%s\n' "$credential" >"$STATE/credential"
  clamp_interval "$(field heartbeatIntervalMs "$STATE/response.json")" >"$STATE/interval"
  log "registered as node $(field nodeId "$STATE/response.json" | tr -cd 'A-Za-z0-9-'); heartbeat every $(cat "$STATE/interval") ms"
  rm -f "$STATE/response.json"
  # The token is spent: keep only what a restart needs.
  printf '{"hangarBootstrap": 1, "apiUrl": "%s", "metadataUrl": "%s", "metadataPath": "%s"}\n' "$API" "$CONF_METADATA_URL" "$METADATA_PATH" >"$CONF.new" && mv "$CONF.new" "$CONF"
}

heartbeats() {
  printf 'Authorization: Bearer %s\n' "$(cat "$STATE/credential")" >"$STATE/heartbeat.headers"
  interval=$(clamp_interval "$(cat "$STATE/interval" 2>/dev/null)")
  failures=0
  sent=0
  while :; do
    uptime=$(cut -d. -f1 /proc/uptime 2>/dev/null)
    is_uint "$uptime" || uptime=0
    printf '{"healthy":true,"uptimeSeconds":%s}\n' "$uptime" >"$STATE/heartbeat.json"
    post /agent/heartbeat "$STATE/heartbeat.json" "$STATE/heartbeat.headers"
    case "$CODE" in
      2??)
        if [ "$sent" -eq 0 ]; then log "first heartbeat accepted"; fi
        if [ "$failures" -gt 0 ]; then log "heartbeats accepted again after $failures failure(s)"; fi
        sent=$((sent + 1))
        failures=0
        next=$(field heartbeatIntervalMs "$STATE/response.json")
        if [ -n "$next" ]; then
          interval=$(clamp_interval "$next")
          echo "$interval" >"$STATE/interval"
        fi
        wait_ms=$interval
        ;;
      *)
        if not_wanted "$CODE"; then
          log "Hangar answered $CODE to a heartbeat: this machine is not wanted; stopping"
          exit 0
        fi
        failures=$((failures + 1))
        warn "heartbeat failed ($CODE)"
        # The first retry keeps the interval; further ones back off, to at most a minute (or the interval).
        cap=$RETRY_MAX_MS
        [ "$interval" -le "$cap" ] || cap=$interval
        wait_ms=$(backoff_ms "$interval" "$failures" "$cap")
        ;;
    esac
    rm -f "$STATE/response.json"
    sleep_ms "$wait_ms"
  done
}

command -v curl >/dev/null 2>&1 || { log "curl is required"; exit 2; }
if ! is_uint "$RETRY_BASE_MS" || [ "$RETRY_BASE_MS" -lt 1 ]; then
  log "HANGAR_AGENT_RETRY_BASE_MS must be a positive integer"
  exit 2
fi
[ -r "$CONF" ] || { log "no configuration at $CONF"; exit 2; }
API=$(field apiUrl "$CONF")
case "$API" in
  http://?* | https://?*) ;;
  *) log "no usable apiUrl in $CONF"; exit 2 ;;
esac
case "$API" in *[!]A-Za-z0-9.:/_~%[-]*) log "no usable apiUrl in $CONF"; exit 2 ;; esac
API=${API%/}
# The provider's metadata service (from Hangar, per provider); unusable values mean none.
CONF_METADATA_URL=$(field metadataUrl "$CONF")
METADATA_PATH=$(field metadataPath "$CONF")
case "$CONF_METADATA_URL" in http://?* | https://?*) ;; *) CONF_METADATA_URL= ;; esac
case "$CONF_METADATA_URL" in *[!A-Za-z0-9.:/_-]*) CONF_METADATA_URL= ;; esac
case "$METADATA_PATH" in /*) ;; *) METADATA_PATH= ;; esac
case "$METADATA_PATH" in *[!A-Za-z0-9./_-]*) METADATA_PATH= ;; esac
[ -n "$METADATA_URL" ] || METADATA_URL=$CONF_METADATA_URL
METADATA_URL=${METADATA_URL%/}
if ! mkdir -p "$STATE" || ! chmod 700 "$STATE"; then
  log "cannot create $STATE"
  exit 2
fi

if [ -s "$STATE/credential" ]; then
  log "registered already; sending heartbeats"
else
  register
fi
heartbeats
