#!/usr/bin/env bash
# One command for the local platform.
#   ./run.sh                 broker + gateway + worker + dispatcher in one process (Ctrl-C stops all)
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
  echo "building (first run, or sources changed)..." >&2
  ./mvnw -q -B -DskipTests package >&2
fi
exec java ${JAVA_OPTS:-} -jar "$JAR" "$@"
