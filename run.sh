#!/usr/bin/env bash
# One command for the local platform.
#   ./run.sh                 broker + gateway + worker + dispatcher in one process (Ctrl-C stops all)
#   LOCAL_PROCESSES=per-stage ./run.sh   the same with the gateway, worker and dispatcher in processes of their own
#   ./run.sh gateway|worker|dispatcher   one stage alone, against KAFKA_BOOTSTRAP_SERVERS
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
# Two C2 compiler threads on machines of up to three cores (the JVM picks one there; four cores
# and up get two or more anyway): the local run's warm-up waits for the compilers to go quiet, and
# one thread takes twice as long to get through a start's worth of hot code.
JIT_OPTS=""
if (($(nproc 2>/dev/null || echo 4) < 4)); then JIT_OPTS="-XX:CICompilerCount=3"; fi
case " ${JAVA_OPTS:-} " in *" -XX:CICompilerCount="*) JIT_OPTS="" ;; esac
exec "$JAVA_BIN" $JVM_OPTS $JIT_OPTS ${JAVA_OPTS:-} -jar "$JAR" "$@"
