#!/usr/bin/env bash
# Mutation testing of one crate (cargo-mutants), and the list of its survivors.
#
#   mutants/run.sh medusa-auth-core     # or medusa-auth-hyper
#
# 1. Every mutant of the crate gets the crate's own tests (2 jobs, 64 cases per
#    property test).
# 2. A survivor with no reason in mutants/reasons.txt is tried again against the
#    whole workspace's tests. (MUTANTS_RESUME=1 skips the first pass, reusing
#    mutants/out/CRATE/first-pass.)
# 3. mutants/survivors.txt is written anew from what is still missed, each survivor
#    with its reason from mutants/reasons.txt (a survivor judged equivalent or
#    cosmetic, keyed without its line and column). A survivor with no reason fails
#    the run: it needs a test, or a reason.
set -euo pipefail
cd "$(dirname "$0")/.."
crate=${1:?usage: mutants/run.sh CRATE}
out=mutants/out/$crate
mkdir -p "$out"
export PROPTEST_CASES=${PROPTEST_CASES:-64}
# The keep-alive test's 200 calls take 35 s; 20 still show the pool's timeout works.
export MEDUSA_KEEP_ALIVE_CALLS=${MEDUSA_KEEP_ALIVE_CALLS:-20}
# The interop tests need a real backend; under mutation they say they are skipped.
unset MEDUSA_BACKEND_URL MEDUSA_PRODUCTION_URL MEDUSA_V2_BACKEND_URL MEDUSA_V2_PRODUCTION_URL

if ! cargo mutants --version >/dev/null 2>&1; then
  cargo install --locked cargo-mutants
fi

# The key of a mutant: its text without `:line:col`.
key() { sed -E 's/^([^:]+):[0-9]+:[0-9]+: /\1: /'; }
reason_of() { awk -F '\t' -v k="$1" '$1 == k { print $2; exit }' mutants/reasons.txt; }

started=$SECONDS
# MUTANTS_RESUME=1 takes the first pass from an earlier run's output folder.
if [ -z "${MUTANTS_RESUME:-}" ]; then
  cargo mutants -p "$crate" -j "${JOBS:-2}" --output "$out" --no-shuffle || true
  rm -rf "$out/first-pass"
  cp -r "$out/mutants.out" "$out/first-pass"
  echo $((SECONDS - started)) >"$out/first-pass/seconds"
fi
first=$(cat "$out/first-pass/seconds" 2>/dev/null || echo "?")
caught_alone=$(wc -l <"$out/first-pass/caught.txt")
missed_alone=$(wc -l <"$out/first-pass/missed.txt")
unviable=$(wc -l <"$out/first-pass/unviable.txt")
timeouts=$(wc -l <"$out/first-pass/timeout.txt")

# A survivor with a reason in mutants/reasons.txt is equivalent or cosmetic: no test
# can catch it, and the workspace's tests cost minutes a mutant. Only the others are
# re-run against the whole workspace's tests.
explained=$(mktemp)
to_retry=()
while IFS= read -r mutant; do
  if [ -n "$(reason_of "$(key <<<"$mutant")")" ]; then
    echo "$mutant" >>"$explained"
  else
    # cargo-mutants matches -F against the mutant's whole name, line and column included.
    to_retry+=(-F "^$(sed -E 's/[][\.^$*+?(){}|]/\\&/g' <<<"$mutant")\$")
  fi
done <"$out/first-pass/missed.txt"

started=$SECONDS
workspace_missed=$(mktemp)
workspace_timeouts=0
if [ "${#to_retry[@]}" -gt 0 ]; then
  # The whole workspace's tests take minutes, far over the timeout cargo-mutants sets
  # from the crate's own: a timeout of their own, so that a mutant counts as timed out
  # only when it hangs.
  cargo mutants -p "$crate" -j "${JOBS:-2}" --output "$out" --test-workspace=true --no-shuffle \
    --timeout "${WORKSPACE_TEST_TIMEOUT:-1200}" "${to_retry[@]}" || true
  cp "$out/mutants.out/missed.txt" "$workspace_missed"
  workspace_timeouts=$(wc -l <"$out/mutants.out/timeout.txt")
fi
second=$((SECONDS - started))
retried=$((${#to_retry[@]} / 2))
missed=$(($(wc -l <"$explained") + $(wc -l <"$workspace_missed")))

survivors=mutants/survivors.txt
section=$(mktemp)
unexplained=0
while IFS= read -r mutant; do
  reason=$(reason_of "$(key <<<"$mutant")")
  if [ -z "$reason" ]; then
    reason="NO REASON: catch it with a test, or say why it does not matter in mutants/reasons.txt"
    unexplained=$((unexplained + 1))
  fi
  printf '%s\n    %s\n' "$mutant" "$reason" >>"$section"
done < <(sort -u "$explained" "$workspace_missed")
rm -f "$explained" "$workspace_missed"
own_share=$(awk -v c="$caught_alone" -v m="$missed_alone" 'BEGIN { printf "%.1f", 100 * c / (c + m) }')
# The file holds one section per crate: this crate's is written anew, the others kept.
others=$(mktemp)
if [ -f "$survivors" ]; then
  awk -v c="## $crate" '/^## / { keep = ($0 != c) } keep' "$survivors" >"$others"
fi
{
  echo "# Survivors of mutants/run.sh: each mutant that neither its crate's tests nor the"
  echo "# workspace's catch, with why it is equivalent (no behaviour a caller can see"
  echo "# changes) or cosmetic. Written by the script; the reasons are mutants/reasons.txt."
  echo
  cat "$others"
  echo "## $crate"
  echo "# $((caught_alone + missed_alone + timeouts)) viable mutants ($unviable unviable): $caught_alone caught by its own"
  echo "# tests ($own_share % of those caught or missed), $timeouts timed out (a hang: caught); of the $missed_alone"
  echo "# survivors, $retried without a reason were re-run against the whole workspace's tests"
  echo "# ($workspace_timeouts hung under them); $missed survive. $first s, then $second s for the re-run."
  cat "$section"
  echo
} >"$survivors"
rm -f "$section" "$others"
echo "mutants/run.sh $crate: $caught_alone caught by its own tests, $missed_alone missed, $missed missed by the workspace's tests, $unexplained without a reason (see $survivors)"
[ "$unexplained" -eq 0 ]
