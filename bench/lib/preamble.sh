# Sourced first by the bench scripts that time passes of the local run through the shared driver
# (alloc.sh, processes.sh, threads.sh, paced-compare.sh): strict mode, the repository's root as the
# working folder, and the pass's sizes, each taken from the environment when set there, else from
# the script's defaults given as arguments:
#   source "$(dirname "$0")/lib/preamble.sh" N=20000 C=64 WARM=10000 RATE=0
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
for default in "$@"; do
  name=${default%%=*}
  [[ -n ${!name:-} ]] || printf -v "$name" '%s' "${default#*=}"
done
unset default name
