#!/usr/bin/env bash
# The platform benchmark. Prints one line of figures per scenario:
#   1 throughput: 20,000 runs, delayMins 0, 64 concurrent — null system, then ./run.sh's stack
#   2 fixed rate: 1,000 requests/s for 30 s — accept latency
#   3 makespan:   10,000 runs of 3 s — last webhook after the last accept
#   4 scaling:    blocking CPU model with 1, 2 and 4 worker processes (separate processes)
#   5 isolation:  scenario 1 with 10 % of webhooks to a black hole
#   6 events:     1,000 runs of 3 s reporting progress every 0.1 s, all lifecycle webhooks
#                 (PROGRESS_MIN_INTERVAL 1 s: at most one progress event per run-second)
# Usage: bench/bench.sh [scenario ...]   (default: all). RUNS=20000 etc. override sizes.
set -euo pipefail
cd "$(dirname "$0")/.."
SCENARIOS=${*:-"1 2 3 4 5 6"}
RUNS=${RUNS:-20000}
RATE=${RATE:-1000}
RATE_SECONDS=${RATE_SECONDS:-30}
MAKESPAN_RUNS=${MAKESPAN_RUNS:-10000}
CPU_RUNS=${CPU_RUNS:-2000}
CPU_MS=${CPU_MS:-20}
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true
  if [[ -n "${KEEP_LOGS:-}" ]]; then echo "logs kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

[[ -f bench/target/bench.jar && -f local-stack/target/local-stack.jar ]] || ./mvnw -q -B -DskipTests package

wait_for() { # file pattern
  for _ in $(seq 1 600); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "timed out waiting for '$2' in $1" >&2; cat "$1" >&2; exit 1
}
load() { java -Xmx1g -jar bench/target/bench.jar load "$@" | grep -v '^JSON'; }
# the stack's broker request counters: what a run costs the broker (requests per run), on the
# gateway's admin listener (its API port answers 404 for /metrics)
METRICS=http://127.0.0.1:18091/metrics

echo "hookrun benchmark — $(date -u +%FT%TZ) — $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -1)"

start_stack() { # a fresh one-process stack (broker + gateway + worker + dispatcher) on port 18090, admin 18091
  DATA_DIR="$WORK/stack-$1" HTTP_PORT=18090 ADMIN_HTTP_PORT=18091 LOCAL_KAFKA_PORT=19093 API_KEYS=bench-key=p-bench LOG_LEVEL=WARN \
    java ${STACK_OPTS:--Xmx2g} -jar local-stack/target/local-stack.jar > "$WORK/stack-$1.log" 2>&1 &
  STACK=$!; PIDS+=("$STACK")
  wait_for "$WORK/stack-$1.log" "is up in"
}
stop_stack() { kill "$STACK"; wait "$STACK" 2>/dev/null || true; }
URL=http://127.0.0.1:18090/v3/p-bench/webhook-delay-example/predict

if [[ " $SCENARIOS " == *" 1 "* || " $SCENARIOS " == *" 5 "* ]]; then
  java -jar bench/target/bench.jar null-system 18081 > "$WORK/null.log" 2>&1 &
  NULL=$!; PIDS+=("$NULL"); wait_for "$WORK/null.log" "listening"
  load --url http://127.0.0.1:18081/predict --runs "$RUNS" --concurrency 64 --warmup 5000 \
       --label "1-null-system" --pids "null=$NULL"
  kill "$NULL"
fi

if [[ " $SCENARIOS " == *" 1 "* || " $SCENARIOS " == *" 2 "* || " $SCENARIOS " == *" 3 "* || " $SCENARIOS " == *" 5 "* || " $SCENARIOS " == *" 6 "* ]]; then
  start_stack main
  [[ " $SCENARIOS " == *" 1 "* ]] && load --url "$URL" --key bench-key --runs "$RUNS" --concurrency 64 --warmup 5000 \
       --label "1-stack" --pids "stack=$STACK" --metrics "$METRICS"
  [[ " $SCENARIOS " == *" 2 "* ]] && load --url "$URL" --key bench-key --rate "$RATE" --seconds "$RATE_SECONDS" \
       --warmup 5000 --label "2-fixed-rate-${RATE}/s" --pids "stack=$STACK" --metrics "$METRICS"
  [[ " $SCENARIOS " == *" 3 "* ]] && load --url "$URL" --key bench-key --runs "$MAKESPAN_RUNS" --concurrency 64 \
       --body '{"delayMins":0.05}' --label "3-makespan-3s-runs" --pids "stack=$STACK" --metrics "$METRICS"
  [[ " $SCENARIOS " == *" 5 "* ]] && load --url "$URL" --key bench-key --runs "$RUNS" --concurrency 64 --blackhole 0.1 \
       --label "5-isolation-10%-blackhole" --pids "stack=$STACK" --wait-seconds 120
  [[ " $SCENARIOS " == *" 6 "* ]] && load --url "$URL" --key bench-key --runs "${EVENT_RUNS:-1000}" --concurrency 256 \
       --body '{"delayMins":0.05,"progressEverySeconds":0.1,"webhook_events_filter":["start","progress","completed"]}' \
       --label "6-lifecycle-events-3s-runs" --pids "stack=$STACK" --metrics "$METRICS"
  stop_stack
fi

if [[ " $SCENARIOS " == *" 4 "* ]]; then
  # stages as separate processes on one broker; the blocking CPU model, N worker processes
  for n in 1 2 4; do
    # a broker, port and topic prefix of its own per step: nothing of the previous step can join in
    KPORT=$((19100 + n))
    DATA_DIR="$WORK/scale-$n" LOCAL_KAFKA_PORT=$KPORT java -jar local-stack/target/local-stack.jar broker > "$WORK/broker-$n.log" 2>&1 &
    BROKER=$!; PIDS+=("$BROKER"); wait_for "$WORK/broker-$n.log" "listening"
    export KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$KPORT LOG_LEVEL=WARN TOPIC_PREFIX="scale$n."
    GWPORT=$((18100 + n))
    # ADMIN_HTTP_PORT=0: a free port, so that no other gateway on this machine holds its default 8081
    HTTP_PORT=$GWPORT ADMIN_HTTP_PORT=0 API_KEYS=bench-key=p-bench java -jar gateway/target/gateway.jar > "$WORK/gw-$n.log" 2>&1 &
    GW=$!; PIDS+=("$GW")
    # CPU-bound workers starve the receiver on 2 cores; short retries keep shed deliveries in the window
    WEBHOOK_ALLOWED_NETWORKS=127.0.0.0/8 WEBHOOK_RETRY_SCHEDULE=1s,2s,4s,8s,16s java -jar webhook-dispatcher/target/webhook-dispatcher.jar > "$WORK/d-$n.log" 2>&1 &
    D=$!; PIDS+=("$D")
    java -jar scheduler/target/scheduler.jar > "$WORK/s-$n.log" 2>&1 &
    S=$!; PIDS+=("$S")
    WPIDS=""
    for i in $(seq 1 "$n"); do
      WORKER_ID="w$i" WORKER_BLOCKING_POOL_SIZE=1 java -jar worker/target/worker.jar > "$WORK/w-$n-$i.log" 2>&1 &
      W=$!; PIDS+=("$W"); WPIDS="$WPIDS,w$i=$W"
    done
    until curl -s -o /dev/null "http://127.0.0.1:$GWPORT/healthz"; do sleep 0.2; done
    load --url "http://127.0.0.1:$GWPORT/v3/p-bench/cpu-burn-example/predict" --key bench-key --runs "$CPU_RUNS" \
         --concurrency 64 --body "{\"cpuMs\":$CPU_MS}" --label "4-cpu-model-${n}-workers" --pids "gateway=$GW,dispatcher=$D,scheduler=$S$WPIDS"
    STEP=("$GW" "$D" "$S" $(echo "$WPIDS" | tr ',' '\n' | cut -s -d= -f2))
    kill "${STEP[@]}" 2>/dev/null || true
    wait "${STEP[@]}" 2>/dev/null || true
    kill "$BROKER"; wait "$BROKER" 2>/dev/null || true
    unset KAFKA_BOOTSTRAP_SERVERS TOPIC_PREFIX
  done
fi
