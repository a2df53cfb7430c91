#!/usr/bin/env bash
# Where the local run's CPU goes, by thread group, during one measured pass.
# Starts ./run.sh, sends WARM runs that are not measured (as the
# side-by-side benchmark does), then N runs at C concurrent through ../shared/bench/driver.js, and
# prints the CPU of each thread group (event loops, broker request handlers, Kafka producer I/O,
# C2 compiler, ZGC workers, ...) in ms per run, and how often per run its threads were woken
# (voluntary context switches: each hand-off between threads costs one) and preempted (involuntary:
# the cores were oversubscribed), and how long per run its threads were runnable but waiting for a
# core (schedstat: what a paced run's hand-offs lose to other threads), and the process's minor
# page faults per run (docs/PERFORMANCE.md, "How to profile").
#   bench/threads.sh                 N=20000 C=64 WARM=10000 RATE=0
#   N=30000 JAVA_OPTS=-XX:+UseG1GC bench/threads.sh      any run.sh setting passes through
#   RATE=500 N=15000 C=256 bench/threads.sh             a paced pass (RATE requests/s)
#   LOCAL_PROCESSES=per-stage bench/threads.sh          every JVM of the run, groups named by stage
source "$(dirname "$0")/lib/preamble.sh" N=20000 C=64 WARM=10000 RATE=0
PORT=${THREADS_PORT:-8097}
source bench/lib/measured-stack.sh
start_stack
pass --n "$WARM" --drain-idle-s 5 >/dev/null 2>&1
PIDS=("$JVM" $(pgrep -P "$JVM" java || true)) # with LOCAL_PROCESSES=per-stage: the stages' JVMs too
stage() { # the process's part: "" for one JVM, else the broker's or the stage its last argument names
  ((${#PIDS[@]} == 1)) && return
  [[ $1 == "$JVM" ]] && echo "broker:" && return
  echo "$(tr '\0' '\n' <"/proc/$1/cmdline" | tail -1):"
}
snapshot() { # tid name cpu-ticks voluntary involuntary (context switches) waited-ns, for every thread alive now
  for pid in "${PIDS[@]}"; do
    prefix=$(stage "$pid")
    for t in /proc/"$pid"/task/*; do
      snapshot_thread "$t" "$prefix"
    done
  done
}
snapshot_thread() {
    local t=$1
    name=$2$(cat "$t/comm" 2>/dev/null) || return 0
    ticks=$(sed 's/.*) //' "$t/stat" 2>/dev/null | awk '{print $12 + $13}') || return 0
    switches=$(awk '/^voluntary_ctxt/ {v = $2} /^nonvoluntary_ctxt/ {n = $2} END {print v "|" n}' "$t/status" 2>/dev/null) || return 0
    # schedstat's second field: ns spent runnable but waiting for a core
    waited=$(awk '{print $2}' "$t/schedstat" 2>/dev/null || echo 0) # 0 without schedstats
    echo "${t##*/}|$name|$ticks|$switches|${waited:-0}"
}
minflt() { # the processes' minor page faults so far
  local pid sum=0
  for pid in "${PIDS[@]}"; do sum=$((sum + $(awk '{print $10}' "/proc/$pid/stat"))); done
  echo "$sum"
}
snapshot >"$WORK/before"
faults=$(minflt)
pass --n "$N" >"$WORK/driver.json" 2>/dev/null
faults=$(($(minflt) - faults))
snapshot >"$WORK/after"
python3 - "$WORK/before" "$WORK/after" "$WORK/driver.json" "$(getconf CLK_TCK)" "$faults" "$((${#PIDS[@]} == 1 ? 15 : 30))" <<'PY'
import collections, json, re, sys
def read(path):
    out = {}
    for line in open(path):
        tid, name, ticks, vol, invol, waited = line.rstrip("\n").split("|")
        out[tid] = (name, int(ticks), int(vol), int(invol), int(waited))
    return out
before, after = read(sys.argv[1]), read(sys.argv[2])
run = json.load(open(sys.argv[3]))
hz, runs = int(sys.argv[4]), max(1, run.get("accepted", 0))
groups = collections.defaultdict(lambda: [0, 0, 0, 0])
for tid, (name, *now) in after.items():
    was = before.get(tid, (name, 0, 0, 0, 0))[1:]
    # numbered threads of one pool form one group: "vert.x-eventloop-thread-3" -> "vert.x-eventloo"
    group = groups[re.sub(r"[-_#]?\d+$", "", name)]
    for i in range(4):
        group[i] += now[i] - was[i]
total = sum(g[0] for g in groups.values())
# voluntary switches: the thread slept and was woken (each hand-off between threads costs one);
# involuntary: it was preempted, a sign the cores were oversubscribed
print(f"{runs} runs, {run.get('e2e_rps')} runs/s end to end (e2e p50 {run.get('e2e_p50_ms')} ms, "
      f"p99 {run.get('e2e_p99_ms')} ms), {total / hz:.2f} CPU s, "
      f"{1000 * total / hz / runs:.3f} ms per run (the run's JVMs only), "
      f"{sum(g[1] for g in groups.values()) / runs:.1f} wake-ups and "
      f"{sum(g[2] for g in groups.values()) / runs:.2f} preemptions per run, "
      f"{sum(g[3] for g in groups.values()) / 1e6 / runs:.3f} ms per run waiting for a core, "
      f"{int(sys.argv[5]) / runs:.1f} minor page faults per run")
print(f"  {'':28s} {'CPU':>13s}  {'share':>7s}  {'wake-ups':>8s}  {'preempted':>9s}  {'waited':>9s}  (per run)")
for name, (ticks, vol, invol, waited) in sorted(groups.items(), key=lambda kv: -kv[1][0])[:int(sys.argv[6])]:
    if ticks > 0 or vol > runs:
        print(f"  {name:28s} {1000 * ticks / hz / runs:6.3f} ms/run  {100 * ticks / max(1, total):5.1f} %"
              f"  {vol / runs:8.2f}  {invol / runs:9.2f}  {waited / 1e6 / runs:6.3f} ms")
PY
