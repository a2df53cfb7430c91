#!/usr/bin/env bash
# The loads behind the performance targets (docs/PERFORMANCE.md): each load against the null
# system, BullMQ + Redis and our ./run.sh (../shared/bench/run-system.sh), one system right after
# another, so the figures compare as ratios on a shared, noisy machine. Prints one line per load
# and system.
#   bench/targets.sh [throughput paced500 paced200 cold200 makespan]    (default: all five)
#   SYSTEMS="bullmq ours" bench/targets.sh paced200     PROJECT_DIR=/tmp/old bench/targets.sh ...
#   SYSTEMS="bullmq ours apart" ...   apart: ours with each stage in a process of its own
#   (LOCAL_PROCESSES=per-stage; the CPU per run is all its processes')
# throughput: 20,000 runs, 64 concurrent, warmed with 10,000 · paced500 / paced200: 30 s at that
# rate, warmed · cold200: paced 200/s for 30 s right after the system says ready, no warm-up from
# the driver · makespan: 10,000 runs of 3 s, 256 concurrent, no driver warm-up; "tail" = last webhook after the last
# accept (makespan minus the send phase).
set -uo pipefail
cd "$(dirname "$0")/.."
SB=${SHARED_BENCH:-../shared/bench}
[[ -x $SB/run-system.sh ]] || { echo "no $SB/run-system.sh (set SHARED_BENCH)" >&2; exit 1; }
[[ -f local-stack/target/local-stack.jar ]] || ./mvnw -q -B -DskipTests package
LOADS=${*:-"throughput paced500 paced200 cold200 makespan"}

run() { # load system warm-up-requests driver-flags...
  local load=$1 sys=$2 warm=$3
  shift 3
  local line peer=$sys ours_env=${OURS_ENV:-}
  if [[ $sys == apart ]]; then # ours with a process per stage (LOCAL_PROCESSES, README)
    peer=ours
    ours_env="LOCAL_PROCESSES=per-stage $ours_env"
  fi
  line=$(WARMUP_N=$warm OURS_ENV=$ours_env "$SB/run-system.sh" "$peer" "$@" 2>/dev/null | tail -1)
  node -e '
    const [load, sys, line] = process.argv.slice(1);
    let o;
    try { o = JSON.parse(line); } catch { console.log(`${load} ${sys}: no result: ${line.slice(0, 200)}`); process.exit(0); }
    const own = Object.entries(o.cpu_s || {}).filter(([k]) => k !== "driver").reduce((a, [, v]) => a + v, 0);
    const f = (x) => (x === undefined || x === null ? "-" : (+x).toFixed(x >= 100 ? 0 : 1));
    const tail = o.makespan_s && o.driver ? (o.makespan_s - o.driver.send_phase_s).toFixed(1) : "-";
    console.log(`${load.padEnd(10)} ${sys.padEnd(6)} e2e ${f(o.e2e_rps).padStart(6)} runs/s | accept p50 ${f(o.accept_p50_ms)} p99 ${f(o.accept_p99_ms)} ms`
      + ` | e2e p50 ${f(o.e2e_p50_ms)} p99 ${f(o.e2e_p99_ms)} ms | cpu ${o.accepted ? (1000 * own / o.accepted).toFixed(2) : "-"} ms/run`
      + ` | missing ${o.missing} dup ${o.duplicates} | tail ${tail} s | foreign cpu ${f(o.foreign_cpu_s)} s`);
  ' "$load" "$sys" "$line"
}

# the build measured is PROJECT_DIR's (run-system.sh runs ./run.sh there), not this tree's
OURS=${PROJECT_DIR:-.}
echo "targets $(date -u +%FT%TZ), $(nproc) cores, ours at $(git -C "$OURS" describe --always --dirty 2>/dev/null || echo unknown)${PROJECT_DIR:+ (PROJECT_DIR=$PROJECT_DIR)}"
for load in $LOADS; do
  for sys in ${SYSTEMS:-null bullmq ours}; do
    case $load in
      throughput) run "$load" "$sys" 10000 --n 20000 --c 64 ;;
      paced500) run "$load" "$sys" 10000 --n 15000 --rate 500 --c 256 ;;
      paced200) run "$load" "$sys" 10000 --n 6000 --rate 200 --c 256 ;;
      cold200) run "$load" "$sys" 0 --n 6000 --rate 200 --c 256 ;;
      makespan) run "$load" "$sys" 0 --n 10000 --c 256 --delay-mins 0.05 ;;
      *) echo "unknown load $load" >&2; exit 2 ;;
    esac
  done
done
