#!/usr/bin/env bash
# The paced tail of the local run under two or more settings, one pass of each in turn.
# A paced pass's p99 moves by 2x from one start of the same build to the next on a shared 2-core
# machine, so a setting only counts as better when it wins pass after pass, taken alternately.
# Each pass starts ./run.sh afresh (its own data folder, removed after), sends WARM runs paced at
# RATE that are not measured, then N runs at RATE through ../shared/bench/driver.js, and prints
# one line: the setting, accept p99, e2e p50 and p99, missing, and the collector's cycles that
# ran during the measured pass (from a GC log the pass adds to JAVA_OPTS): at 500/s one young
# cycle is what most of a pass's slowest 1 % sit in, so a pass with one and a pass without are
# not the same draw.
#   bench/paced-compare.sh "disk:" "tmpfs:DATA_ROOT=/dev/shm"
#   ROUNDS=5 bench/paced-compare.sh "zgc:" "parallel:JAVA_OPTS=-XX:+UseParallelGC -Xmn96m"
# A setting is LABEL:VAR=value ..., each word an environment variable for run.sh (JAVA_OPTS
# takes the rest of the setting), except DATA_ROOT: where the pass's data folder is made.
source "$(dirname "$0")/lib/preamble.sh" ROUNDS=3 N=15000 C=256 WARM=10000 RATE=500
PORT=${COMPARE_PORT:-8099}
(($# > 0)) || { sed -n '2,14p' "$0" >&2; exit 64; }

one_pass() { # label words...
  local label=$1 root=${TMPDIR:-/tmp} env=() word opts=${JAVA_OPTS:-} # a setting's JAVA_OPTS replaces the caller's
  shift
  for word in "$@"; do
    case $word in
      DATA_ROOT=*) root=${word#DATA_ROOT=} ;;
      JAVA_OPTS=*) opts=${word#JAVA_OPTS=} ;;
      *) env+=("$word") ;;
    esac
  done
  (
    export TMPDIR=$root # measured-stack.sh keeps the stack's data under its mktemp -d
    source bench/lib/measured-stack.sh
    start_stack "${env[@]}" "JAVA_OPTS=$opts -Xlog:gc:file=$WORK/gc.log:time"
    pass --n "$WARM" --drain-idle-s 5 >/dev/null 2>&1
    from=$(date +%s%3N)
    pass --n "$N" 2>/dev/null | tail -1 >"$WORK/driver.json"
    to=$(date +%s%3N)
    node -e '
      const fs = require("fs");
      const [file, label, gcLog, from, to] = process.argv.slice(1);
      const o = JSON.parse(fs.readFileSync(file, "utf8"));
      // a cycle counts when it ended inside the pass. ZGC: [time] GC(n) Minor Collection (why) ... 0.455s;
      // a stop-the-world collector (when a setting picks one): [time] GC(n) Pause Young (why) ... 3.1ms
      const cycles = { Minor: [], Major: [] }, pauses = {};
      for (const line of fs.readFileSync(gcLog, "utf8").split("\n")) {
        const m = /^\[([^\]]+)\] GC\(\d+\) (Minor|Major) Collection \(.*\) \S+->\S+ ([\d.]+)s$/.exec(line);
        const p = /^\[([^\]]+)\] GC\(\d+\) Pause (\w+).* ([\d.]+)ms$/.exec(line);
        const at = (m || p) && Date.parse((m || p)[1].replace(/([+-]\d\d)(\d\d)$/, "$1:$2"));
        if (!(at >= +from && at <= +to)) continue;
        if (m) cycles[m[2]].push(m[3]);
        else (pauses[p[2]] = pauses[p[2]] || []).push(+p[3]);
      }
      const gc = ["Minor", "Major"].filter((k) => cycles[k].length || !Object.keys(pauses).length)
        .map((k) => `${cycles[k].length} ${k.toLowerCase()}` + (cycles[k].length ? ` (${cycles[k].join(", ")} s)` : ""))
        .concat(Object.entries(pauses).map(([kind, ms]) => `${ms.length} ${kind.toLowerCase()} pauses ` +
          `(max ${Math.max(...ms).toFixed(1)} ms, total ${ms.reduce((a, b) => a + b, 0).toFixed(0)} ms)`)).join(", ");
      console.log(`${label.padEnd(12)} accept p99 ${o.accept_p99_ms} ms | e2e p50 ${o.e2e_p50_ms} p99 ${o.e2e_p99_ms} ms | missing ${o.missing} dup ${o.duplicates} | gc in pass: ${gc}`);
    ' "$WORK/driver.json" "$label" "$WORK/gc.log" "$from" "$to"
  )
}

echo "paced-compare $(date -u +%FT%TZ), $(nproc) cores, $(git describe --always --dirty 2>/dev/null || echo unknown), $RATE/s, $N runs after $WARM"
for ((round = 1; round <= ROUNDS; round++)); do
  for setting in "$@"; do
    label=${setting%%:*}
    rest=${setting#*:}
    words=()
    if [[ $rest == *JAVA_OPTS=* ]]; then # JAVA_OPTS takes the rest of the setting
      before=${rest%%JAVA_OPTS=*}
      read -ra words <<<"$before"
      words+=("JAVA_OPTS=${rest#*JAVA_OPTS=}")
    else
      read -ra words <<<"$rest"
    fi
    one_pass "$label" "${words[@]}"
  done
done
