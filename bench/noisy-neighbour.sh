#!/usr/bin/env bash
# The noisy-neighbour scenario side by side: ../shared/bench's BullMQ peer (one FIFO queue, the
# open-source BullMQ a team would write) and our local run, 8 slots each (peer worker concurrency 8;
# ours 2 workers x 4 slots), both followed through their webhooks (WAIT_FROM=webhook in
# bench/lib/scheduling.js). Prints B's queue wait and A's runs/s with and without B, per system.
# Needs redis-server and the peer's packages (../shared/bench/run-system.sh bullmq installs them
# into /tmp/hookrun-bench/bullmq on first use). PORT (default 18290) and REDIS_PORT (6392).
set -euo pipefail
cd "$(dirname "$0")/.."
SB=${SHARED_BENCH:-../shared/bench}
PEER=${BENCH_RUNS_DIR:-/tmp/hookrun-bench}/bullmq
PORT=${PORT:-18290}
REDIS_PORT=${REDIS_PORT:-6392}
SYSTEMS=${SYSTEMS:-"bullmq ours"}
WORK=$(mktemp -d)
PIDS=()
stop_all() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  PIDS=()
}
trap 'stop_all; rm -rf "$WORK"' EXIT

[[ -d $PEER/node_modules/bullmq ]] || { echo "no BullMQ peer in $PEER: run $SB/run-system.sh bullmq --n 100 once" >&2; exit 1; }
[[ -f local-stack/target/local-stack.jar ]] || ./mvnw -q -B -DskipTests package

wait_url() { until curl -sf "$1" >/dev/null; do sleep 0.3; done; }

start_bullmq() {
  rm -rf "$WORK/peer" && mkdir -p "$WORK/peer"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$WORK/peer" --save '' --appendonly yes \
    --appendfsync everysec --daemonize no --logfile '' >"$WORK/redis.log" 2>&1 &
  PIDS+=($!)
  until redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; do sleep 0.2; done
  for part in dispatcher worker gateway; do
    env REDIS_PORT="$REDIS_PORT" GATEWAY_PORT="$PORT" PREDICT_CONCURRENCY=8 READY_DIR="$WORK/peer" \
      node "$PEER/$part.js" >"$WORK/$part.log" 2>&1 &
    PIDS+=($!)
  done
  wait_url "http://127.0.0.1:$PORT/health"
  until [[ -e $WORK/peer/worker.ready && -e $WORK/peer/dispatcher.ready ]]; do sleep 0.2; done
}

start_ours() {
  rm -rf "$WORK/data"
  env HTTP_PORT="$PORT" LOCAL_KAFKA_PORT=$((PORT + 1)) DATA_DIR="$WORK/data" \
    API_KEYS=bench-key-a=pa,bench-key-b=pb WEBHOOK_ALLOWED_NETWORKS=127.0.0.0/8 \
    WORKER_INSTANCES=2 WORKER_MAX_INFLIGHT=4 ./run.sh >"$WORK/stack.log" 2>&1 &
  PIDS+=($!)
  wait_url "http://127.0.0.1:$PORT/readyz"
}

echo "hookrun noisy neighbour side by side — $(date -u +%FT%TZ) — $(nproc) cores, $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
for system in $SYSTEMS; do
  for scenario in noisy-neighbour a-alone; do
    "start_$system"
    echo "== $system $scenario"
    WAIT_FROM=webhook node bench/lib/scheduling.js "$scenario" "http://127.0.0.1:$PORT" | sed "s/^RESULT /RESULT $system /"
    stop_all
  done
done
