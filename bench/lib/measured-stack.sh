# Sourced by bench/threads.sh and bench/alloc.sh: the local run started from ./run.sh for one
# measured pass, and the load driver pointed at it. Set PORT, C (concurrency) and RATE (requests/s,
# 0: as fast as answered) first; ADMIN_PORT too to read the gateway's /metrics (its admin listener;
# unset: a free port). Gives WORK (a scratch folder, removed at exit with the stack),
# start_stack, JVM (the stack's java process) and pass.
SB=${SHARED_BENCH:-../shared/bench}
[[ -f $SB/driver.js ]] || { echo "no $SB/driver.js (set SHARED_BENCH)" >&2; exit 1; }
WORK=$(mktemp -d)
STACK=
cleanup() { # a killed stack's wait status must not stop the caller (errexit) before rm runs
  if [[ -n $STACK ]]; then
    kill "$STACK" 2>/dev/null || true
    wait "$STACK" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

start_stack() { # [VAR=value ...]: more environment for run.sh; returns once /readyz says ready
  env HTTP_PORT="$PORT" ADMIN_HTTP_PORT="${ADMIN_PORT:-0}" API_KEYS=bench-key=bench DATA_DIR="$WORK/data" \
    WEBHOOK_ALLOWED_NETWORKS=127.0.0.0/8 "$@" ./run.sh >"$WORK/stack.log" 2>&1 &
  STACK=$!
  until curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null; do
    kill -0 "$STACK" 2>/dev/null || { tail -20 "$WORK/stack.log" >&2; exit 1; }
    sleep 0.5
  done
  JVM=$STACK # run.sh execs java; with LOCAL_PROCESSES=per-stage this JVM's children are java too
  [[ $(cat "/proc/$STACK/comm" 2>/dev/null) == java ]] || JVM=$(pgrep -o -P "$STACK" java || echo "$STACK")
}

pass() { # more driver flags (--n, ...): one pass at concurrency C, paced at RATE when above 0
  local pace=()
  ((RATE > 0)) && pace=(--rate "$RATE")
  node "$SB/driver.js" --target "http://127.0.0.1:$PORT" --project bench --app webhook-delay-example \
    --auth-key bench-key --progress-s 0 --c "$C" "${pace[@]}" "$@"
}
