#!/usr/bin/env bash
# Rebalance protocols compared (issue 4): classic + cooperative-sticky vs KIP-848 consumer protocol.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -f bench/target/bench.jar ]] || ./mvnw -q -B -DskipTests package
echo "rebalance, $(date -u +%FT%TZ), $(nproc) cores: 3 workers on 12 partitions, a 4th joins, then one leaves"
LOG_LEVEL=WARN java -jar bench/target/bench.jar rebalance
