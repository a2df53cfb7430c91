#!/usr/bin/env bash
# How long the gateway takes to accept a batch: starts a local run, POSTs ROUNDS batches of ITEMS
# inputs each (JSON form; every input its own delay run with a custom_id) and prints the time to
# each 202, which comes only once every item is durable in Kafka, then one RESULT line.
# Usage: bench/batch.sh   ITEMS (default 10000), ROUNDS (default 5), PORT (default 18290; the
# broker takes PORT+1). The runs sleep an hour, so the workers add no load while it measures.
set -euo pipefail
cd "$(dirname "$0")/.."
ITEMS=${ITEMS:-10000}
ROUNDS=${ROUNDS:-5}
PORT=${PORT:-18290}
WORK=$(mktemp -d)
STACK=
stop_stack() {
  if [[ -n $STACK ]]; then
    kill "$STACK" 2>/dev/null || true
    wait "$STACK" 2>/dev/null || true
  fi
}
trap 'stop_stack; rm -rf "$WORK"' EXIT

[[ -f local-stack/target/local-stack.jar ]] || ./mvnw -q -B -DskipTests package

env HTTP_PORT="$PORT" LOCAL_KAFKA_PORT=$((PORT + 1)) DATA_DIR="$WORK/data" \
  API_KEYS=bench-key=pb MAX_QUEUED_PER_PROJECT=$((ITEMS * (ROUNDS + 1))) BATCH_MAX_ITEMS="$ITEMS" \
  JAVA_OPTS="${JAVA_OPTS:--Xshare:off}" ./run.sh >"$WORK/stack.log" 2>&1 &
STACK=$!
until curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null; do
  kill -0 "$STACK" 2>/dev/null || { tail -20 "$WORK/stack.log" >&2; exit 1; }
  sleep 0.5
done

body() { # $1: a tag making each round's custom ids its own
  awk -v n="$ITEMS" -v tag="$1" 'BEGIN {
    printf "{\"inputs\":["
    for (i = 0; i < n; i++) printf "%s{\"delayMins\":60,\"custom_id\":\"%s-%d\"}", (i ? "," : ""), tag, i
    printf "]}"
  }' >"$WORK/batch.json"
}

echo "hookrun batch accept — $(date -u +%FT%TZ) — $(nproc) cores, $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $ITEMS inputs a batch"
times=()
for round in $(seq 0 "$ROUNDS"); do
  body "r$round"
  out=$(curl -s -o "$WORK/answer.json" -w '%{http_code} %{time_total}' \
    -H 'Authorization: bench-key' -H 'Content-Type: application/json' \
    --data-binary @"$WORK/batch.json" "http://127.0.0.1:$PORT/v3/pb/webhook-delay-example/batches")
  read -r code seconds <<<"$out"
  [[ $code == 202 ]] || { echo "round $round: HTTP $code $(cat "$WORK/answer.json")" >&2; exit 1; }
  if [[ $round == 0 ]]; then
    echo "warm-up batch: ${seconds} s"
  else
    echo "batch $round: ${seconds} s to 202"
    times+=("$seconds")
  fi
done
# the same batch with its last input bad: the validation alone, nothing sent to Kafka
body "r0"
sed 's/{"delayMins":60,"custom_id":"r0-'$((ITEMS - 1))'"}/{"delayMins":-1}/' "$WORK/batch.json" >"$WORK/bad.json"
check=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -H 'Authorization: bench-key' \
  -H 'Content-Type: application/json' --data-binary @"$WORK/bad.json" \
  "http://127.0.0.1:$PORT/v3/pb/webhook-delay-example/batches")
echo "validation only (last input bad, answered ${check%% *}): ${check##* } s"
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
median=$(echo "$sorted" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
worst=$(echo "$sorted" | tail -1)
echo "RESULT batch_accept items=$ITEMS rounds=$ROUNDS median_s=$median max_s=$worst"
