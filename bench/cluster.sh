#!/usr/bin/env bash
# The platform on a three-node KRaft cluster (each node its own JVM on loopback, replication
# factor 3, min.insync.replicas 2), every stage at its default settings, under 100 predicts/s
# with webhooks:
#   1. kill -9 of the node leading most requests partitions, 20 s down, restart
#   2. kill -9 of the node leading most results partitions, 20 s down, restart
#   3. a rolling restart of all three nodes
# Fails on a lost accepted run, a missing webhook, a predict not answered 202/503 within 10 s, a
# refused run that ran without its 503 saying outcome_unknown, > 1 % duplicate webhooks or > 5 %
# of predicts refused while a node is down. About 4 minutes, so not part of ./mvnw verify.
# Figures: stdout (with a per-second timeline) and local-stack/target/cluster-figures.txt.
#   bench/cluster.sh [-Dcluster.rate=80] [-Dcluster.downSeconds=20] [-Dcluster.env=NAME=value,...]
set -euo pipefail
cd "$(dirname "$0")/.."
echo "cluster, $(date -u +%FT%TZ), $(nproc) cores"
./mvnw -q -B -pl local-stack -am verify -Dcluster.tests=none -Dgroups=cluster \
  -Dtest='ClusterFailoverTest' -Dsurefire.failIfNoSpecifiedTests=false "$@"
cat local-stack/target/cluster-figures.txt
