#!/usr/bin/env bash
# Start-up figures as a new user meets them, the jar already built: time from the command to
# /readyz 200, RSS at ready, the first PACED_S seconds of paced PACED_RATE req/s right after ready
# (accept and e2e p50/p99, through ../shared/bench/driver.js), then N runs at full load (C
# concurrent) and RSS at its most during them and after. Two systems:
#   local  ./run.sh, the whole local run (RSS of its JVM and, with LOCAL_PROCESSES=per-stage, of
#          its stage JVMs)
#   stage  one stage process started from its command: `./run.sh broker`, `./run.sh worker`,
#          `./run.sh scheduler` and `./run.sh dispatcher` first, then `./run.sh gateway` timed and
#          measured (its own RSS)
#   bench/startup.sh                  both, one line each
#   SYSTEMS=local bench/startup.sh    only the local run
#   STARTUP_ENV="JAVA_OPTS=-Xmx1g;LOCAL_PROCESSES=per-stage" bench/startup.sh   run.sh settings, ;-separated
# Ports: PORT (18480, the gateway; the next three the worker's, scheduler's and dispatcher's health),
# KAFKA_PORT (19480) and a free one for the gateway's admin listener (nothing here reads it); data
# in a scratch folder, removed after.
set -euo pipefail
cd "$(dirname "$0")/.."
SYSTEMS=${SYSTEMS:-local stage}
PORT=${PORT:-18480}
KAFKA_PORT=${KAFKA_PORT:-19480}
PACED_RATE=${PACED_RATE:-200}
PACED_S=${PACED_S:-30}
PACED_C=${PACED_C:-128}
N=${N:-20000}
C=${C:-64}
SB=${SHARED_BENCH:-../shared/bench}
[[ -f $SB/driver.js ]] || { echo "no $SB/driver.js (set SHARED_BENCH)" >&2; exit 1; }
[[ -f local-stack/target/local-stack.jar ]] || ./mvnw -q -B -DskipTests package >&2
WORK=$(mktemp -d)
PIDS=()
stop_all() { # newest first, so the stages drain before their broker stops
  local i
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    kill "${PIDS[$i]}" 2>/dev/null || true
    wait "${PIDS[$i]}" 2>/dev/null || true
  done
  PIDS=()
}
trap 'stop_all; rm -rf "$WORK"' EXIT

now_ms() { echo $(($(date +%s%N) / 1000000)); }
tree() { # a pid and its descendants
  local c
  echo "$1"
  for c in $(pgrep -P "$1" || true); do tree "$c"; done
}
rss_mb() { # summed VmRSS of the processes given and their descendants, in MB
  local p total=0 kb
  for p in $(for root in "$@"; do tree "$root"; done); do
    kb=$(awk '/^VmRSS/{print $2}' "/proc/$p/status" 2>/dev/null || true)
    total=$((total + ${kb:-0}))
  done
  echo $((total / 1024))
}
await_ready() { # url pid log: polls until 200; fails when the process died
  until curl -sf -o /dev/null "$1"; do
    kill -0 "$2" 2>/dev/null || { tail -30 "$3" >&2; exit 1; }
    sleep 0.05
  done
}
launch() { # name VAR=value...: ./run.sh with that environment, in the background; sets LAST
  local name=$1 extra=()
  shift
  [[ -n ${STARTUP_ENV:-} ]] && IFS=';' read -ra extra <<<"$STARTUP_ENV"
  env HTTP_PORT="$PORT" ADMIN_HTTP_PORT=0 LOCAL_KAFKA_PORT="$KAFKA_PORT" API_KEYS=bench-key=bench \
    DATA_DIR="$WORK/data" WEBHOOK_ALLOWED_NETWORKS=127.0.0.0/8 "${extra[@]}" "$@" \
    ./run.sh "${ARGS[@]}" >"$WORK/$name.log" 2>&1 &
  LAST=$!
  PIDS+=("$LAST")
}
drive() { # driver flags: one pass against the gateway; prints its closing JSON line
  node "$SB/driver.js" --target "http://127.0.0.1:$PORT" --project bench \
    --app webhook-delay-example --auth-key bench-key --progress-s 0 --drain-idle-s 5 "$@" \
    2>/dev/null | tail -1
}

measure() { # system pid-to-measure ready-ms
  local system=$1 pid=$2 ready=$3 at_ready paced peak=0 sampler full after
  at_ready=$(rss_mb "$pid")
  paced=$(drive --rate "$PACED_RATE" --n $((PACED_RATE * PACED_S)) --c "$PACED_C")
  (
    while :; do
      rss_mb "$pid" >>"$WORK/rss"
      sleep 0.5
    done
  ) &
  sampler=$!
  full=$(drive --n "$N" --c "$C")
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  peak=$(sort -n "$WORK/rss" | tail -1)
  rm -f "$WORK/rss"
  after=$(rss_mb "$pid")
  node -e '
    const [system, ready, atReady, pacedJson, fullJson, peak, after, rate, secs, n] = process.argv.slice(1);
    const paced = JSON.parse(pacedJson), full = JSON.parse(fullJson);
    console.log(`startup ${system}: ready ${(ready / 1000).toFixed(1)} s, RSS ${atReady} MB`
      + ` | first ${secs} s at ${rate}/s: accept p50 ${paced.accept_p50_ms} p99 ${paced.accept_p99_ms} ms,`
      + ` e2e p50 ${paced.e2e_p50_ms} p99 ${paced.e2e_p99_ms} ms, missing ${paced.missing}`
      + ` | ${n} runs at full load: ${full.e2e_rps} runs/s, missing ${full.missing},`
      + ` RSS at most ${peak} MB, after ${after} MB`);
  ' "$system" "$ready" "$at_ready" "$paced" "$full" "$peak" "$after" "$PACED_RATE" "$PACED_S" "$N"
}

local_run() {
  local t0 ready
  ARGS=()
  t0=$(now_ms)
  launch local
  await_ready "http://127.0.0.1:$PORT/readyz" "$LAST" "$WORK/local.log"
  ready=$(($(now_ms) - t0))
  measure "local${STARTUP_ENV:+ ($STARTUP_ENV)}" "$LAST" "$ready"
  stop_all
  rm -rf "$WORK/data"
}

stage_run() {
  local t0 ready stage
  ARGS=(broker)
  launch broker
  until grep -q "listening on" "$WORK/broker.log"; do
    kill -0 "$LAST" 2>/dev/null || { tail -30 "$WORK/broker.log" >&2; exit 1; }
    sleep 0.1
  done
  local health=$((PORT + 1))
  for stage in worker scheduler dispatcher; do # ready before the gateway starts: its start is its own
    ARGS=("$stage")
    launch "$stage" KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$KAFKA_PORT" HTTP_PORT="$health"
    await_ready "http://127.0.0.1:$health/readyz" "$LAST" "$WORK/$stage.log"
    health=$((health + 1))
  done
  ARGS=(gateway)
  t0=$(now_ms)
  launch gateway KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$KAFKA_PORT"
  await_ready "http://127.0.0.1:$PORT/readyz" "$LAST" "$WORK/gateway.log"
  ready=$(($(now_ms) - t0))
  measure "stage gateway" "$LAST" "$ready"
  stop_all
  rm -rf "$WORK/data"
}

echo "startup $(date -u +%FT%TZ), $(nproc) cores, $(git describe --always --dirty 2>/dev/null || echo unknown)"
for system in $SYSTEMS; do
  case $system in
    local) local_run ;;
    stage) stage_run ;;
    *) echo "unknown system $system (local, stage)" >&2 && exit 2 ;;
  esac
done
