#!/usr/bin/env bash
# The paced tail of the local run under two or more settings, one pass of each in turn (issue 11).
# A paced pass's p99 moves by 2x from one start of the same build to the next on a shared 2-core
# machine, so a setting only counts as better when it wins pass after pass, taken alternately.
# Each pass starts ./run.sh afresh (its own data folder, removed after), sends WARM runs paced at
# RATE that are not measured, then N runs at RATE through ../shared/bench/driver.js, and prints
# one line: the setting, accept p99, e2e p50 and p99, missing.
#   bench/paced-compare.sh "disk:" "tmpfs:DATA_ROOT=/dev/shm"
#   ROUNDS=5 bench/paced-compare.sh "zgc:" "parallel:JAVA_OPTS=-XX:+UseParallelGC -Xmn96m"
# A setting is LABEL:VAR=value ..., each word an environment variable for run.sh (JAVA_OPTS
# takes the rest of the setting), except DATA_ROOT: where the pass's data folder is made.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
N=${N:-15000}
C=${C:-256}
WARM=${WARM:-10000}
RATE=${RATE:-500}
PORT=${COMPARE_PORT:-8099}
(($# > 0)) || { sed -n '2,11p' "$0" >&2; exit 64; }

one_pass() { # label words...
  local label=$1 root=${TMPDIR:-/tmp} env=() word
  shift
  for word in "$@"; do
    case $word in
      DATA_ROOT=*) root=${word#DATA_ROOT=} ;;
      *) env+=("$word") ;;
    esac
  done
  (
    export TMPDIR=$root # measured-stack.sh keeps the stack's data under its mktemp -d
    source bench/lib/measured-stack.sh
    start_stack "${env[@]}"
    pass --n "$WARM" --drain-idle-s 5 >/dev/null 2>&1
    pass --n "$N" 2>/dev/null | tail -1 >"$WORK/driver.json"
    node -e '
      const o = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
      console.log(`${process.argv[2].padEnd(12)} accept p99 ${o.accept_p99_ms} ms | e2e p50 ${o.e2e_p50_ms} p99 ${o.e2e_p99_ms} ms | missing ${o.missing} dup ${o.duplicates}`);
    ' "$WORK/driver.json" "$label"
  )
}

echo "paced-compare $(date -u +%FT%TZ), $(nproc) cores, $(git describe --always --dirty 2>/dev/null || echo unknown), $RATE/s, $N runs after $WARM"
for ((round = 1; round <= ROUNDS; round++)); do
  for setting in "$@"; do
    label=${setting%%:*}
    rest=${setting#*:}
    words=()
    if [[ $rest == *JAVA_OPTS=* ]]; then
      before=${rest%%JAVA_OPTS=*}
      read -ra words <<<"$before"
      words+=("JAVA_OPTS=${rest#*JAVA_OPTS=}")
    else
      read -ra words <<<"$rest"
    fi
    one_pass "$label" "${words[@]}"
  done
done
