#!/usr/bin/env bash
# The README's test command, run RUNS times in a row (default 3) while a clean
# release build of the whole workspace runs beside it, over and over, in a target
# directory of its own: what a newcomer's busy 2-core machine looks like. Prints the
# wall time of each run and fails if any run fails. The builder is stopped by its PID.
#
#   bench/tests_under_load.sh        # 3 runs
#   RUNS=5 bench/tests_under_load.sh
#
# Start the interop backends first (and eval their env) to include the interop suite.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-3}
load_target=${LOAD_TARGET_DIR:-target/under-load-build}

# The test binaries are built before the load starts: what is measured is the run
# of the suite under load, not a cold compile.
cargo test --workspace --all-features --no-run --quiet

# In a process group of its own (setsid), so that stopping it by its PID stops the
# cargo and the rustc processes under it too.
setsid bash -c '
  while true; do
    rm -rf "$1"
    cargo build --release --workspace --quiet --target-dir "$1" || true
  done' builder "$load_target" >/dev/null 2>&1 &
builder=$!
stop_builder() {
  kill -TERM -- "-$builder" 2>/dev/null || true
  wait "$builder" 2>/dev/null || true
}
trap stop_builder EXIT
# Let the release build get going before the first run.
sleep 20

failed=0
for run in $(seq 1 "$runs"); do
  started=$(date +%s.%N)
  if cargo test --workspace --all-features --quiet >"target/under-load-run-$run.log" 2>&1; then
    outcome=passed
  else
    outcome=FAILED
    failed=1
  fi
  ended=$(date +%s.%N)
  tests=$(grep -E '^test result' "target/under-load-run-$run.log" | awk '{p += $4} END {print p + 0}')
  printf 'run %d: %s, %d tests, %.0f s (beside a release build of the workspace; log target/under-load-run-%d.log)\n' \
    "$run" "$outcome" "$tests" "$(echo "$ended - $started" | bc)" "$run"
done
exit "$failed"
