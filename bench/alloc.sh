#!/usr/bin/env bash
# What a run costs the local run besides CPU time: allocation per run by thread group,
# broker requests per run, and what the JIT did after /readyz (deoptimizations, compiler time).
# Starts ./run.sh with a flight recording of allocation, GC, compilation and deoptimization events
# from JVM start, sends WARM runs that are not measured, then N runs at C concurrent (RATE > 0:
# paced at RATE per second) through ../shared/bench/driver.js, and prints one JSON line.
# These figures move far less between passes than CPU per run does (docs/PERFORMANCE.md).
#   bench/alloc.sh                        N=40000 C=64 WARM=10000 RATE=0
#   N=15000 RATE=500 C=256 bench/alloc.sh
source "$(dirname "$0")/lib/preamble.sh" N=40000 C=64 WARM=10000 RATE=0
PORT=${ALLOC_PORT:-8098}
ADMIN_PORT=${ALLOC_ADMIN_PORT:-8094} # the gateway's admin listener: /metrics
JFR_TOOL=${JFR_TOOL:-$(dirname "$(readlink -f "$(command -v java)")")/jfr}
source bench/lib/measured-stack.sh

cat >"$WORK/events.jfc" <<'JFC'
<?xml version="1.0" encoding="UTF-8"?>
<configuration version="2.0">
  <event name="jdk.ThreadAllocationStatistics"><setting name="enabled">true</setting><setting name="period">1 s</setting></event>
  <event name="jdk.GarbageCollection"><setting name="enabled">true</setting><setting name="threshold">0 ms</setting></event>
  <event name="jdk.Deoptimization"><setting name="enabled">true</setting><setting name="stackTrace">false</setting></event>
  <event name="jdk.Compilation"><setting name="enabled">true</setting><setting name="threshold">0 ms</setting></event>
</configuration>
JFC
start_stack JAVA_OPTS="${JAVA_OPTS:-} -XX:StartFlightRecording=settings=$WORK/events.jfc,filename=$WORK/rec.jfr"
READY=$(date +%s.%N)
requests() { curl -s "http://127.0.0.1:$ADMIN_PORT/metrics" | grep '^hookrun_broker_requests_total' || true; }
pass --n "$WARM" --drain-idle-s 5 >/dev/null 2>&1
requests >"$WORK/requests-before"
T0=$(date +%s.%N)
pass --n "$N" >"$WORK/driver.json" 2>/dev/null
T1=$(date +%s.%N)
requests >"$WORK/requests-after"
jcmd "$JVM" JFR.dump filename="$WORK/rec.jfr" >/dev/null
"$JFR_TOOL" print --events jdk.ThreadAllocationStatistics,jdk.GarbageCollection,jdk.Deoptimization,jdk.Compilation \
  "$WORK/rec.jfr" >"$WORK/events.txt"
python3 - "$WORK" "$READY" "$T0" "$T1" <<'PY'
import collections, json, re, sys, time
work, ready, t0, t1 = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
run = json.loads(open(f"{work}/driver.json").read().strip().splitlines()[-1])
runs = max(1, run.get("accepted", 0))

def counters(path):
    out = {}
    for line in open(path):
        m = re.match(r'hookrun_broker_requests_total\{request="(\w+)"\} (\S+)', line)
        if m:
            out[m.group(1)] = float(m.group(2))
    return out
before, after = counters(f"{work}/requests-before"), counters(f"{work}/requests-after")
per_run = {k: round((v - before.get(k, 0)) / runs, 2) for k, v in after.items() if v > before.get(k, 0)}

# jfr prints local wall-clock times of day: compare seconds of the day
def day(epoch):
    t = time.localtime(epoch)
    return t.tm_hour * 3600 + t.tm_min * 60 + t.tm_sec + epoch % 1
r0, m0, m1 = day(ready), day(t0), day(t1)
unit = {"bytes": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9, "ms": 1e-3, "s": 1, "us": 1e-6, "ns": 1e-9}
first, last = {}, {}
gcs = deopts = 0
compile_s = 0.0
for event in open(f"{work}/events.txt").read().split("\njdk.")[1:]:
    m = re.search(r"startTime = (\d+):(\d+):([\d.]+)", event)
    if not m:
        continue
    at = int(m.group(1)) * 3600 + int(m.group(2)) * 60 + float(m.group(3))
    kind = event.split(" ", 1)[0]
    if kind == "Deoptimization" and r0 <= at < r0 + 10:
        deopts += 1
    elif kind == "Compilation" and r0 <= at < r0 + 10:
        d = re.search(r"duration = ([\d.]+) (\w+)", event)
        compile_s += float(d.group(1)) * unit[d.group(2)]
    elif kind == "GarbageCollection" and m0 <= at <= m1:
        gcs += 1
    elif kind == "ThreadAllocationStatistics" and m0 <= at <= m1:
        a = re.search(r"allocated = ([\d.]+) (\w+)", event)
        t = re.search(r'thread = "([^"]*)"(?: \(javaThreadId = (\d+)\))?', event)
        if a and t:
            # by thread id: a name can be taken by two threads (the warm-up's and the run's)
            thread = (t.group(1), t.group(2))
            v = float(a.group(1)) * unit[a.group(2)]
            first.setdefault(thread, v)
            last[thread] = v
groups = collections.Counter()
for key, v in last.items():
    name = re.sub(r"[-#]?\d+", "", key[0])
    group = ("broker" if "kafka-request-handler" in name or "kafka-network" in name
             else "event loops" if "eventloop" in name
             else "view and ledger readers" if name.startswith("follow") or "ledger" in name
             else "other")
    groups[group] += v - first[key]
print(json.dumps({
    "runs": runs, "e2e_runs_per_s": run.get("e2e_rps"), "e2e_p50_ms": run.get("e2e_p50_ms"),
    "e2e_p99_ms": run.get("e2e_p99_ms"), "missing": run.get("missing"), "duplicates": run.get("duplicates"),
    "allocated_kb_per_run": round(sum(groups.values()) / runs / 1e3, 1),
    "allocated_kb_per_run_by_group": {k: round(v / runs / 1e3, 1) for k, v in groups.most_common()},
    "gc_cycles_in_pass": gcs,
    "broker_requests_per_run": per_run,
    "jit_first_10s_after_ready": {"deoptimizations": deopts, "compiler_thread_s": round(compile_s, 1)},
}))
PY
