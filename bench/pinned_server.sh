# Sourced by the bench scripts (run from the repository's root): a work folder, and
# a bench server started pinned to CPU 0 and stopped when the script exits.

work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

command -v taskset >/dev/null || { echo "taskset (util-linux) is needed" >&2; exit 1; }
if [ "$(nproc)" -lt 2 ]; then echo "needs 2 CPUs (server on one, client on the other)" >&2; exit 1; fi

# start_pinned_server BINARY: runs target/release/BINARY on CPU 0 and waits for the
# url=… line it prints; sets url and server_pid.
start_pinned_server() {
  taskset -c 0 "target/release/$1" >"$work/server.out" &
  server_pid=$!
  for _ in $(seq 1 100); do grep -q '^url=' "$work/server.out" 2>/dev/null && break; sleep 0.05; done
  url=$(sed -n 's/^url=//p' "$work/server.out")
  [ -n "$url" ] || { echo "$1 did not start" >&2; exit 1; }
}
