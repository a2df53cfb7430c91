#!/usr/bin/env bash
# Fault injection: stages as separate processes on one broker, steady load; kill -9 a worker, the
# scheduler, the dispatcher and the gateway (restarting each), stop the broker, take the webhook
# receiver down past the first retry tiers. Prints a summary; exits non-zero on any loss.
#   bench/chaos.sh            the full run (~3 min)
#   bench/chaos.sh --short    the CI version (~1.5 min)
#   bench/chaos.sh --unsettled  200 predicts/s for 30 s; kill -9 worker, scheduler, dispatcher,
#                               gateway in the middle of the load, each restarted at once
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -f bench/target/bench.jar && -f gateway/target/gateway.jar && -f worker/target/worker.jar \
   && -f scheduler/target/scheduler.jar \
   && -f webhook-dispatcher/target/webhook-dispatcher.jar && -f local-stack/target/local-stack.jar ]] \
  || ./mvnw -q -B -DskipTests package
echo "chaos, $(date -u +%FT%TZ), $(nproc) cores"
LOG_LEVEL=WARN java -Xmx512m -jar bench/target/bench.jar chaos "$@"
