#!/usr/bin/env bash
# The local run's CPU per run by process, with the stages in one JVM
# (LOCAL_PROCESSES=one, the default) or each in a JVM of its own beside the broker's
# (LOCAL_PROCESSES=per-stage): starts ./run.sh, sends WARM runs that are not measured (as the
# side-by-side benchmark does), then N runs at C
# concurrent through ../shared/bench/driver.js, and prints the pass's figures and each process's
# CPU in ms per run.
#   bench/processes.sh                              N=20000 C=64 WARM=10000 RATE=0, one process
#   LOCAL_PROCESSES=per-stage bench/processes.sh    the same load, a process per stage
#   RATE=500 N=15000 C=256 bench/processes.sh       a paced pass (RATE requests/s)
source "$(dirname "$0")/lib/preamble.sh" N=20000 C=64 WARM=10000 RATE=0
PORT=${PROCESSES_PORT:-8096}
MODE=${LOCAL_PROCESSES:-one}
source bench/lib/measured-stack.sh
start_stack LOCAL_PROCESSES="$MODE"
pass --n "$WARM" --drain-idle-s 5 >/dev/null 2>&1
processes() { # name=pid: the run's JVM (the broker's, and the stages' too in one) and its stage JVMs
  local child
  echo "$([[ $MODE == one ]] && echo all || echo broker)=$JVM"
  for child in $(pgrep -P "$JVM" || true); do
    echo "$(tr '\0' '\n' <"/proc/$child/cmdline" | tail -1)=$child" # the stage, last argument
  done
}
ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; } # utime + stime
mapfile -t PROCS < <(processes)
declare -A BEFORE
for p in "${PROCS[@]}"; do BEFORE[$p]=$(ticks "${p#*=}"); done
pass --n "$N" 2>/dev/null | tail -1 >"$WORK/driver.json"
line=""
for p in "${PROCS[@]}"; do line+="${p%%=*}=$(($(ticks "${p#*=}") - BEFORE[$p])) "; done
node -e '
  const [file, mode, hz, ticks] = process.argv.slice(1);
  const o = JSON.parse(require("fs").readFileSync(file, "utf8"));
  const runs = Math.max(1, o.accepted);
  const per = ticks.trim().split(/\s+/).map((kv) => kv.split("=")).map(([k, v]) => [k, (1000 * v) / hz / runs]);
  const total = per.reduce((a, [, v]) => a + v, 0);
  console.log(`processes ${mode}: ${runs} runs, ${o.e2e_rps} runs/s end to end | accept p50 ${o.accept_p50_ms} p99 ${o.accept_p99_ms} ms`
    + ` | e2e p50 ${o.e2e_p50_ms} p99 ${o.e2e_p99_ms} ms | missing ${o.missing} dup ${o.duplicates}`);
  console.log(`  CPU per run: ${total.toFixed(3)} ms (` + per.map(([k, v]) => `${k} ${v.toFixed(3)}`).join(", ") + ")");
' "$WORK/driver.json" "$MODE" "$(getconf CLK_TCK)" "$line"
