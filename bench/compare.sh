#!/usr/bin/env bash
# The side-by-side harness: on one loopback server (the fake Medusa, pinned to CPU 0)
# it measures, interleaved round by round, admin get_session with a JWT through
#   raw  - a raw hyper-util client decoding the same JSON into the same struct (the floor)
#   sdk  - medusa-auth over medusa-auth-hyper
#   js   - the official @medusajs/medusa-js 6.1.10 in Node
# each pinned to CPU 1, sequentially and with 32 calls in flight, and prints the
# medians of calls/s, p50/p99 and client CPU time per call, with the ratios.
#
#   bench/compare.sh            # 5 rounds of 20,000 calls per client and mode
#   ROUNDS=3 CALLS=5000 bench/compare.sh
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${ROUNDS:-5}
calls=${CALLS:-20000}
warmup=${WARMUP:-2000}
source bench/pinned_server.sh

cargo build --quiet --release -p medusa-auth-bench --bins
if [ ! -f bench/js/node_modules/.installed ] || [ bench/js/package-lock.json -nt bench/js/node_modules/.installed ]; then
  (cd bench/js && npm install --no-audit --no-fund --loglevel=error --omit=peer && touch node_modules/.installed)
fi

start_pinned_server fake_server

MEDUSA_BENCH_TOKEN=$(curl -fsS -X POST "$url/admin/auth/token" -H 'content-type: application/json' \
  -d '{"email":"admin@example.com","password":"supersecret"}' \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
export MEDUSA_BENCH_TOKEN

# CPU time (ns) of every thread of the server process.
server_cpu_ns() { cat /proc/"$server_pid"/task/*/schedstat | awk '{ total += $1 } END { print total }'; }

run_client() { # client in_flight
  local client=$1 in_flight=$2
  case $client in
    raw|sdk) taskset -c 1 "target/release/${client}_client" --url "$url" --calls "$calls" --warmup "$warmup" --in-flight "$in_flight" ;;
    js) taskset -c 1 node bench/js/measure.js --url "$url" --calls "$calls" --warmup "$warmup" --in-flight "$in_flight" ;;
  esac
}

echo "server: $url (CPU 0); clients on CPU 1; $rounds rounds x $calls calls per client and mode"
for round in $(seq 1 "$rounds"); do
  for in_flight in 1 32; do
    for client in raw sdk js; do
      before=$(server_cpu_ns)
      line=$(run_client "$client" "$in_flight")
      after=$(server_cpu_ns)
      server_us=$(python3 -c "print(f'{($after - $before) / 1000 / ($calls + $warmup):.2f}')")
      echo "round=$round $line server_cpu_us_per_call=$server_us" | tee -a "$work/results"
    done
  done
done

python3 - "$work/results" <<'PY'
import statistics, sys
rows = [dict(field.split("=", 1) for field in line.split()) for line in open(sys.argv[1])]
def median(client, mode, key):
    return statistics.median(float(r[key]) for r in rows if r["client"] == client and r["mode"] == mode)
print()
print(f"{'mode':<11}{'client':<7}{'calls/s':>10}{'p50 us':>9}{'p99 us':>9}{'CPU us/call':>13}{'server CPU us/call':>20}")
for mode in ("seq", "inflight32"):
    for client in ("raw", "sdk", "js"):
        print(f"{mode:<11}{client:<7}{median(client, mode, 'calls_per_s'):>10.0f}{median(client, mode, 'p50_us'):>9.0f}"
              f"{median(client, mode, 'p99_us'):>9.0f}{median(client, mode, 'cpu_us_per_call'):>13.2f}"
              f"{median(client, mode, 'server_cpu_us_per_call'):>20.2f}")
print()
for mode in ("seq", "inflight32"):
    cpu = {c: median(c, mode, "cpu_us_per_call") for c in ("raw", "sdk", "js")}
    rate = {c: median(c, mode, "calls_per_s") for c in ("raw", "sdk", "js")}
    server = median("sdk", mode, "server_cpu_us_per_call")
    print(f"{mode}: CPU/call sdk/raw = {cpu['sdk'] / cpu['raw']:.3f} (target <= 1.10), "
          f"js/sdk = {cpu['js'] / cpu['sdk']:.1f}x (target >= 8); "
          f"calls/s sdk/raw = {rate['sdk'] / rate['raw']:.3f} (target >= 0.95); "
          f"server CPU/call = {server:.1f} us, sdk CPU/call / server = {cpu['sdk'] / server:.1f}x")
PY
