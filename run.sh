#!/usr/bin/env bash
# One command for the local platform.
#   ./run.sh                 broker + gateway + scheduler + worker + dispatcher in one process (Ctrl-C stops all)
#                            the banner prints the API address and the admin one (/metrics, /ops);
#                            HTTP_HOST other than loopback needs API_KEYS of your own
#   LOCAL_PROCESSES=per-stage ./run.sh   the same with each stage in a process of its own
#   ./run.sh gateway|scheduler|worker|dispatcher   one stage alone, against KAFKA_BOOTSTRAP_SERVERS
#   ./run.sh receiver [port] a webhook receiver on localhost that prints what it gets
#   ./run.sh ops <command>   inspect topics, groups, runs, dead letters (see docs/operating.md)
# The jar is built on first use (and rebuilt when sources are newer than it).
set -euo pipefail
cd "$(dirname "$0")"

JAR=local-stack/target/local-stack.jar
needs_build() {
  [[ ! -f "$JAR" ]] && return 0
  [[ -n "$(find pom.xml */pom.xml */src/main -newer "$JAR" -print -quit 2>/dev/null)" ]]
}
if needs_build; then
  # One build at a time: `./run.sh receiver` started while `./run.sh` is still building would
  # otherwise build into the same target folders and break both (mkdir is atomic everywhere).
  LOCK=local-stack/.build-lock
  until mkdir "$LOCK" 2>/dev/null; do
    [[ -n "$(find "$LOCK" -maxdepth 0 -mmin +15 2>/dev/null)" ]] && rmdir "$LOCK" 2>/dev/null # left by a killed build
    sleep 1
  done
  trap 'rmdir "$LOCK" 2>/dev/null || true' EXIT
  if needs_build; then # the other build may have done it meanwhile
    echo "building (first run, or sources changed)..." >&2
    ./mvnw -q -B -DskipTests package >&2
  fi
  rmdir "$LOCK" 2>/dev/null || true
  trap - EXIT
fi
source local-stack/pick-java # JAVA_BIN: $JAVA_HOME's java, else the PATH's (or a newer JDK when it is older than 21)
source docker/jvm-options # JVM_OPTS: the collector and object layout (the container entry uses it too)
# A bound on the heap unless JAVA_OPTS set one (-Xmx...): without it the collector grows the heap
# toward a quarter of the machine's memory (2-5 GB here after a burst of runs) where the local run
# works in a few hundred MB. The stage processes of LOCAL_PROCESSES=per-stage inherit it, and a
# stage started from its command gets it too (docs/PERFORMANCE.md has what was measured).
HEAP_OPTS="-Xmx512m"
case " ${JAVA_OPTS:-} " in *" -Xmx"* | *"MaxHeapSize"* | *"MaxRAMPercentage"* | *"MaxRAM="*) HEAP_OPTS="" ;; esac
source local-stack/startup-cache # CACHE_OPTS: start from the AOT cache (CDS archive before 25) next to the jar
exec "$JAVA_BIN" $JVM_OPTS $HEAP_OPTS $CACHE_OPTS ${JAVA_OPTS:-} -jar "$JAR" "$@"
