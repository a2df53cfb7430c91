#!/usr/bin/env bash
# The platform on a three-node KRaft cluster (each node its own JVM on loopback,
# replication factor 3, min.insync.replicas 2) under 50 predicts/s with webhooks:
#   1. kill -9 of the node leading most requests partitions, 20 s down, restart
#   2. kill -9 of the node leading most results partitions, 20 s down, restart
#   3. a rolling restart of all three nodes
# Fails on a lost accepted run, a missing webhook, an answer other than 202/503, > 1 % duplicate
# webhooks or > 5 % of predicts refused while a node is down. About 3 minutes, so not part of
# ./mvnw verify. Figures: stdout and local-stack/target/cluster-figures.txt.
#   bench/cluster.sh [-Dcluster.rate=80] [-Dcluster.downSeconds=20]
set -euo pipefail
cd "$(dirname "$0")/.."
echo "cluster, $(date -u +%FT%TZ), $(nproc) cores"
./mvnw -q -B -pl local-stack -am verify -Dcluster.tests=none -Dgroups=cluster \
  -Dtest='ClusterFailoverTest' -Dsurefire.failIfNoSpecifiedTests=false "$@"
cat local-stack/target/cluster-figures.txt
