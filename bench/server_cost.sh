#!/usr/bin/env bash
# What the harness's server costs per call: the fake Medusa and the floor (a hyper
# server that answers a constant, bench/src/bin/floor_server.rs), each pinned to
# CPU 0, driven by the SDK client on CPU 1 with admin get_session by JWT,
# sequentially and with 32 in flight. Prints, per server and mode, the medians over
# ROUNDS runs of: the server's CPU per call (user and system, from
# /proc/PID/stat) and the SDK client's CPU per call.
#
#   bench/server_cost.sh            # 5 rounds of 20,000 calls
#   ROUNDS=3 CALLS=5000 bench/server_cost.sh
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${ROUNDS:-5}
calls=${CALLS:-20000}
warmup=${WARMUP:-2000}
work=$(mktemp -d)
cleanup() {
  for file in "$work"/*.pid; do
    [ -f "$file" ] && kill "$(cat "$file")" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

cargo build --quiet --release -p medusa-auth-bench --bins
tick=$(getconf CLK_TCK)

start() { # name -> url (runs in a subshell: the PID goes to a file for cleanup)
  taskset -c 0 "target/release/$1" >"$work/$1.out" &
  echo $! >"$work/$1.pid"
  for _ in $(seq 1 100); do grep -q '^url=' "$work/$1.out" 2>/dev/null && break; sleep 0.05; done
  sed -n 's/^url=//p' "$work/$1.out"
}
fake_url=$(start fake_server)
floor_url=$(start floor_server)
MEDUSA_BENCH_TOKEN=$(curl -fsS -X POST "$fake_url/admin/auth/token" -H 'content-type: application/json' \
  -d '{"email":"admin@example.com","password":"supersecret"}' \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
export MEDUSA_BENCH_TOKEN

ticks() { awk '{ print $14, $15 }' "/proc/$1/stat"; }

for round in $(seq 1 "$rounds"); do
  for in_flight in 1 32; do
    for server in fake_server floor_server; do
      pid=$(cat "$work/$server.pid")
      url=$([ "$server" = fake_server ] && echo "$fake_url" || echo "$floor_url")
      read -r user_before sys_before < <(ticks "$pid")
      line=$(taskset -c 1 target/release/sdk_client --url "$url" --calls "$calls" --warmup "$warmup" --in-flight "$in_flight")
      read -r user_after sys_after < <(ticks "$pid")
      client_cpu=$(sed -n 's/.*cpu_us_per_call=\([0-9.]*\).*/\1/p' <<<"$line")
      python3 -c "
n = $calls + $warmup
user = ($user_after - $user_before) * 1e6 / $tick / n
system = ($sys_after - $sys_before) * 1e6 / $tick / n
print(f'round=$round server=$server in_flight=$in_flight user_us={user:.2f} sys_us={system:.2f} total_us={user + system:.2f} sdk_client_us=$client_cpu')
" | tee -a "$work/results"
    done
  done
done

python3 - "$work/results" <<'PY'
import statistics, sys
rows = [dict(f.split("=", 1) for f in line.split()) for line in open(sys.argv[1])]
print()
print(f"{'server':<14}{'mode':<12}{'user us':>9}{'sys us':>9}{'total us':>10}{'SDK client us':>15}{'SDK / server':>14}")
for mode in ("1", "32"):
    for server in ("fake_server", "floor_server"):
        pick = [r for r in rows if r["server"] == server and r["in_flight"] == mode]
        med = lambda k: statistics.median(float(r[k]) for r in pick)
        print(f"{server:<14}{'seq' if mode == '1' else '32 in flight':<12}{med('user_us'):>9.2f}{med('sys_us'):>9.2f}"
              f"{med('total_us'):>10.2f}{med('sdk_client_us'):>15.2f}{med('sdk_client_us') / med('total_us'):>13.2f}x")
PY
