#!/usr/bin/env bash
# Fuzzes the targets of medusa-auth-fuzz with libFuzzer (cargo fuzz, stable Rust,
# no sanitizer: the code is safe Rust; what is looked for is a panic, a hang, an
# allocation over budget or a broken promise, each of which aborts).
#
#   fuzz/run.sh SECONDS [TARGET…]     # each target for SECONDS (default: all four)
#
# Starts from the seeds made from transcripts.md (written to fuzz/libfuzzer/seeds/)
# plus the corpus grown by earlier runs on this machine (fuzz/corpus/TARGET, where new
# coverage is written). Both folders are ignored by git: fuzzing never changes a
# tracked file. On a crash the input is in fuzz/libfuzzer/artifacts/TARGET/ (ignored
# too): copy it to fuzz/regressions/TARGET/ (the replay test runs it from then on)
# and fix the cause. Prints, per target, libFuzzer's executions and coverage at the
# end.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then targets=(responses set_cookie retry_after client_calls); fi

if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --version 0.13.2 --locked
fi

seeds=fuzz/libfuzzer/seeds
rm -rf "$seeds"
cargo run --quiet -p medusa-auth-fuzz --bin seed_corpus -- "$seeds" "${targets[@]}"

summary=()
for target in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$target" "fuzz/libfuzzer/artifacts/$target"
  log=$(mktemp)
  # -rss_limit_mb bounds the whole process; the per-input budget is the target's.
  if ! cargo fuzz run --fuzz-dir fuzz/libfuzzer --sanitizer none --release "$target" \
      "fuzz/corpus/$target" "$seeds/$target" -- \
      -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="fuzz/libfuzzer/artifacts/$target/" 2>"$log"; then
    tail -60 "$log"
    echo "fuzz/run.sh: $target failed; the input is in fuzz/libfuzzer/artifacts/$target/" >&2
    exit 1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  coverage=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  corpus=$(find "fuzz/corpus/$target" -type f | wc -l)
  summary+=("$target: $runs executions in ${seconds} s, coverage $coverage edges, corpus $corpus files, no crash")
  echo "${summary[-1]}"
  rm -f "$log"
done
echo "--- all targets"
printf '%s\n' "${summary[@]}"
