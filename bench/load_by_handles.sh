#!/usr/bin/env bash
# Does one client's throughput fall as its session handles grow? Runs the load tool
# (examples/load.rs: admin get_session by bearer JWT, 32 in flight, one pool) with 1
# and with 10,000 handles, interleaved round by round, against the fake Medusa pinned
# to CPU 0 with the load tool on CPU 1, and prints each round and the medians.
#
#   bench/load_by_handles.sh                 # 3 rounds of 100,000 calls
#   ROUNDS=5 CALLS=50000 bench/load_by_handles.sh
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${ROUNDS:-3}
calls=${CALLS:-100000}
source bench/pinned_server.sh

cargo build --quiet --release -p medusa-auth-bench --bin fake_server
cargo build --quiet --release -p medusa-auth-e2e --example load

start_pinned_server fake_server

echo "server: $url (CPU 0); load tool on CPU 1; $rounds rounds x $calls calls, 32 in flight"
for round in $(seq 1 "$rounds"); do
  for handles in 1 10000; do
    line=$(taskset -c 1 target/release/examples/load --url "$url" --calls "$calls" \
      --concurrency 32 --session-handles "$handles" | tail -1)
    echo "round=$round handles=$handles $line" | tee -a "$work/results"
  done
done

python3 - "$work/results" <<'PY'
import re, statistics, sys
# A line: "round=R handles=H 52987 calls/s; latency p50 586 us, p99 834 us, max 4649 us;
# 0 errors; CPU 18.94 us/call (...); peak RSS 9.3 MiB"
patterns = {
    "calls_per_s": r"([\d.]+) calls/s",
    "p99_us": r"p99 ([\d.]+) us",
    "errors": r"([\d]+) errors",
    "cpu_us_per_call": r"CPU ([\d.]+) us/call",
    "peak_rss_mib": r"peak RSS ([\d.]+) MiB",
}
rows = []
for line in open(sys.argv[1]):
    fields = dict(re.findall(r"(round|handles)=(\S+)", line))
    for key, pattern in patterns.items():
        found = re.search(pattern, line)
        if found:
            fields[key] = found.group(1)
    rows.append(fields)
def figures(handles, key):
    return [float(r[key]) for r in rows if r["handles"] == handles and key in r]
print()
for handles in ("1", "10000"):
    rates = figures(handles, "calls_per_s")
    cpu = figures(handles, "cpu_us_per_call")
    rss = figures(handles, "peak_rss_mib")
    print(f"handles={handles:>5}: calls/s median {statistics.median(rates):,.0f} "
          f"(rounds {', '.join(f'{r:,.0f}' for r in rates)}), "
          f"CPU us/call median {statistics.median(cpu):.2f}, errors {sum(figures(handles, 'errors')):.0f}, "
          f"peak RSS {max(rss):.1f} MiB")
one, many = (statistics.median(figures(h, "calls_per_s")) for h in ("1", "10000"))
print(f"10,000 handles / 1 handle: {many / one:.3f} of the calls/s")
PY
