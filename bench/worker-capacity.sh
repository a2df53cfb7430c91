#!/usr/bin/env bash
# Worker capacity: one worker process with -Xmx512m holds 100,000 in-flight delay runs,
# and 10,000 runs of 3 s finish within 6 s of the last accept. Prints the figures.
#   bench/worker-capacity.sh [hold-runs] [quick-runs]
set -euo pipefail
cd "$(dirname "$0")/.."
HOLD=${1:-100000}
QUICK=${2:-10000}
PORT=${BENCH_KAFKA_PORT:-19092}
WORK=$(mktemp -d)
trap 'kill $WORKER $SCHEDULER $BROKER 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT

[[ -f bench/target/bench.jar && -f worker/target/worker.jar && -f scheduler/target/scheduler.jar \
  && -f local-stack/target/local-stack.jar ]] \
  || ./mvnw -q -B -DskipTests package

DATA_DIR=$WORK LOCAL_KAFKA_PORT=$PORT java -Xmx1g -jar local-stack/target/local-stack.jar broker > "$WORK/broker.log" 2>&1 &
BROKER=$!
until grep -q "listening" "$WORK/broker.log"; do sleep 0.2; done

PREFIX="cap-$RANDOM."
# the scheduler hands the flood of requests to the worker as its heartbeats announce free slots
KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$PORT TOPIC_PREFIX=$PREFIX \
  java -Xmx512m -jar scheduler/target/scheduler.jar > "$WORK/scheduler.log" 2>&1 &
SCHEDULER=$!
until grep -q "scheduler consuming" "$WORK/scheduler.log"; do
  kill -0 $SCHEDULER 2>/dev/null || { tail -20 "$WORK/scheduler.log" >&2; exit 1; }
  sleep 0.2
done
KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$PORT TOPIC_PREFIX=$PREFIX WORKER_ID=bench-worker \
  WORKER_MAX_INFLIGHT=$((HOLD + 1000)) \
  java -Xmx512m -jar worker/target/worker.jar > "$WORK/worker.log" 2>&1 &
WORKER=$!
until grep -q "taking runs" "$WORK/worker.log"; do # in its share group: the flood may start
  kill -0 $WORKER 2>/dev/null || { tail -20 "$WORK/worker.log" >&2; exit 1; }
  sleep 0.2
done

echo "worker capacity, $(date -u +%FT%TZ), $(nproc) cores, worker -Xmx512m"
java -Xmx1g -jar bench/target/bench.jar worker-capacity "127.0.0.1:$PORT" "$PREFIX" "$WORKER" "$HOLD" "$QUICK"
