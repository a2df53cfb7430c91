#!/usr/bin/env bash
# What a user waits when workers are scarce: each scenario starts its own local run with the
# worker shape it needs, drives it through the gateway and prints the queue waits it saw
# (started_at - created_at from each run's status) and one RESULT line.
#   head-of-line       4 members x 1 slot, 8 partitions: one 60 s run, then 16 runs of 0 s
#   beyond-partitions  12 members x 1 slot, 2 partitions: 12 runs of 10 s at once
#   noisy-neighbour    2 members x 4 slots: project A queues 400 runs of 2 s, then project B
#                      sends one 2 s run per second for 30 s (a-alone: A without B)
#   priority           2 members x 4 slots: a "priority": "high" run behind A's 100 s backlog
# Usage: bench/scheduling.sh [scenario ...]   (default: all). PORT (default 18190) picks the
# gateway's port; the broker takes PORT+1.
set -euo pipefail
cd "$(dirname "$0")/.."
SCENARIOS=${*:-"head-of-line beyond-partitions noisy-neighbour a-alone priority"}
PORT=${PORT:-18190}
WORK=$(mktemp -d)
STACK=
stop_stack() {
  if [[ -n $STACK ]]; then
    kill "$STACK" 2>/dev/null || true
    wait "$STACK" 2>/dev/null || true
    STACK=
  fi
}
trap 'stop_stack; rm -rf "$WORK"' EXIT

[[ -f local-stack/target/local-stack.jar ]] || ./mvnw -q -B -DskipTests package

start_stack() { # VAR=value ...: the worker shape; returns once /readyz says ready
  rm -rf "$WORK/data"
  env HTTP_PORT="$PORT" LOCAL_KAFKA_PORT=$((PORT + 1)) DATA_DIR="$WORK/data" WARMUP_RUNS=0 \
    API_KEYS=bench-key-a=pa,bench-key-b=pb "$@" ./run.sh >"$WORK/stack.log" 2>&1 &
  STACK=$!
  until curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null; do
    kill -0 "$STACK" 2>/dev/null || { tail -20 "$WORK/stack.log" >&2; exit 1; }
    sleep 0.5
  done
}

shape() {
  case $1 in
    head-of-line) echo "WORKER_INSTANCES=4 WORKER_MAX_INFLIGHT=1 REQUESTS_PARTITIONS=8" ;;
    beyond-partitions) echo "WORKER_INSTANCES=12 WORKER_MAX_INFLIGHT=1 REQUESTS_PARTITIONS=2" ;;
    *) echo "WORKER_INSTANCES=2 WORKER_MAX_INFLIGHT=4" ;;
  esac
}

echo "hookrun scheduling — $(date -u +%FT%TZ) — $(nproc) cores, $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
for s in $SCENARIOS; do
  # shellcheck disable=SC2046 # the shape is a list of VAR=value words
  start_stack $(shape "$s")
  echo "== $s ($(shape "$s"))"
  node bench/lib/scheduling.js "$s" "http://127.0.0.1:$PORT"
  stop_stack
done
