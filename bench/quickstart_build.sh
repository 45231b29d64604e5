#!/usr/bin/env bash
# What `cargo run --example quickstart` costs a newcomer before it prints anything:
# the crates it compiles on an empty target directory, and the wall and CPU time.
#
#   bench/quickstart_build.sh               # the quickstart
#   bench/quickstart_build.sh quickstart_v2 # another example of the root package
set -euo pipefail
cd "$(dirname "$0")/.."
example=${1:-quickstart}
target=$(mktemp -d)
trap 'rm -rf "$target"' EXIT
log=$target/build.log
started=$(date +%s.%N)
/usr/bin/time -f '%U %S' -o "$target/cpu" \
  cargo build --example "$example" --target-dir "$target" --color never >"$log" 2>&1
ended=$(date +%s.%N)
crates=$(grep -cE '^\s+Compiling ' "$log")
read -r user sys <"$target/cpu"
printf '%s: %d crates compiled, %.0f s wall, %.0f s CPU (empty target directory)\n' \
  "$example" "$crates" "$(echo "$ended - $started" | bc)" "$(echo "$user + $sys" | bc)"
