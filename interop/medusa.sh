#!/usr/bin/env bash
# Runs a real Medusa v1 backend (interop/package.json, pinned) for the interop suite,
# on 127.0.0.1 only, over a private PostgreSQL cluster.
#
#   interop/medusa.sh start     install what is missing, start PostgreSQL and Medusa,
#                               migrate and seed; idempotent (a second start reuses
#                               what is installed and running)
#   interop/medusa.sh restart   restart the Medusa server only (sessions are lost,
#                               JWTs stay valid), as a deploy would
#   interop/medusa.sh stop      stop exactly the processes it started, by PID
#   interop/medusa.sh status    say what runs
#   interop/medusa.sh env       print the variables the interop tests read
#
# A second server in production mode (NODE_ENV=production) is started on
# MEDUSA_INTEROP_PRODUCTION_PORT when it is set.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# The state (database cluster, logs, PIDs) lives under /tmp, one folder per checkout:
# PostgreSQL runs as the postgres user, which may not reach a checkout under /root.
state=${MEDUSA_INTEROP_STATE:-/tmp/medusa-auth-interop-$(printf '%s' "$here" | md5sum | cut -c1-12)}
pg_port=${MEDUSA_INTEROP_PG_PORT:-55432}
port=${MEDUSA_INTEROP_PORT:-9000}
production_port=${MEDUSA_INTEROP_PRODUCTION_PORT:-}

# The seed: the same users the recorded transcripts were made with.
admin_email=${MEDUSA_ADMIN_EMAIL:-admin@example.com}
admin_password=${MEDUSA_ADMIN_PASSWORD:-supersecret}
admin_api_token=${MEDUSA_ADMIN_API_TOKEN:-real_medusa_admin_api_token}
customer_password=${MEDUSA_CUSTOMER_PASSWORD:-supersecret}
customers=("customer@example.com:Test:Customer" "second@example.com:Second:Customer" "plus+tag@example.com:Plus:Tag" "slash/name@example.com:Slash:Name")
guest_email=guest@example.com

database_url="postgres://postgres@127.0.0.1:${pg_port}/medusa"
pgdata=$state/pgdata
log() { echo "[medusa.sh] $*" >&2; }

pg_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
  done
  return 1
}

install_postgres() {
  if pg_bin >/dev/null; then return 0; fi
  log "installing PostgreSQL from apt"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
  pg_bin >/dev/null
}

install_tools() {
  local missing=()
  command -v curl >/dev/null || missing+=(curl)
  command -v runuser >/dev/null || missing+=(util-linux)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]} from apt"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

install_node_modules() {
  local stamp=$here/node_modules/.medusa-auth-installed
  if [ -f "$stamp" ] && [ "$stamp" -nt "$here/package-lock.json" ] && [ "$stamp" -nt "$here/package.json" ]; then
    return 0
  fi
  if ! command -v npm >/dev/null; then
    log "installing Node.js and npm from apt"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq nodejs npm >/dev/null
  fi
  log "npm install (pinned by package-lock.json)"
  # npm ci refuses the lock file npm 11 writes (foreign-platform optional binaries are
  # missing from it); npm install with the committed lock installs the same versions.
  (cd "$here" && npm install --no-audit --no-fund --loglevel=error)
  touch "$stamp"
}

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

psql_run() { "$(pg_bin)/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }

start_postgres() {
  local bin
  bin=$(pg_bin)
  mkdir -p "$state"
  if [ ! -f "$pgdata/PG_VERSION" ]; then
    log "creating a private PostgreSQL cluster in $pgdata"
    mkdir -p "$pgdata"
    chown postgres:postgres "$state" "$pgdata"
    runuser -u postgres -- "$bin/initdb" -D "$pgdata" -A trust -U postgres >/dev/null
  fi
  if [ -f "$pgdata/postmaster.pid" ] && kill -0 "$(head -1 "$pgdata/postmaster.pid")" 2>/dev/null; then
    return 0
  fi
  log "starting PostgreSQL on 127.0.0.1:$pg_port"
  runuser -u postgres -- "$bin/pg_ctl" -D "$pgdata" -l "$state/postgres.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pgdata" start >/dev/null
  head -1 "$pgdata/postmaster.pid" > "$state/postgres.pid"
  if [ "$(psql_run -d postgres -c "SELECT 1 FROM pg_database WHERE datname = 'medusa'")" != "1" ]; then
    psql_run -d postgres -c "CREATE DATABASE medusa"
  fi
}

medusa() {
  (cd "$here" && DATABASE_URL=$database_url MEDUSA_DISABLE_TELEMETRY=true \
    "$here/node_modules/.bin/medusa" "$@")
}

migrate_and_seed_database() {
  if [ "$(psql_run -d medusa -c "SELECT to_regclass('public.user') IS NOT NULL")" != "t" ]; then
    log "running migrations"
    medusa migrations run >"$state/migrations.log" 2>&1 || { cat "$state/migrations.log" >&2; return 1; }
  fi
  if [ "$(psql_run -d medusa -c "SELECT count(*) FROM \"user\" WHERE email = '$admin_email'")" = "0" ]; then
    log "creating the admin $admin_email"
    medusa user -e "$admin_email" -p "$admin_password" >"$state/seed.log" 2>&1 || { cat "$state/seed.log" >&2; return 1; }
  fi
  psql_run -d medusa -c "UPDATE \"user\" SET api_token = '$admin_api_token' WHERE email = '$admin_email'"
  psql_run -d medusa -c "INSERT INTO customer (id, email, has_account) SELECT 'cus_interop_guest', '$guest_email', false WHERE NOT EXISTS (SELECT 1 FROM customer WHERE email = '$guest_email')"
}

start_server() { # name port [NODE_ENV]
  local name=$1 server_port=$2 node_env=${3:-}
  local pidfile=$state/$name.pid
  if pid_alive "$pidfile"; then return 0; fi
  log "starting Medusa ($name) on 127.0.0.1:$server_port"
  (
    cd "$here"
    export DATABASE_URL=$database_url MEDUSA_DISABLE_TELEMETRY=true PORT=$server_port
    export NODE_OPTIONS="--require $here/loopback.js"
    if [ -n "$node_env" ]; then export NODE_ENV=$node_env; else unset NODE_ENV; fi
    exec "$here/node_modules/.bin/medusa" start --port "$server_port"
  ) >"$state/$name.log" 2>&1 &
  echo $! > "$pidfile"
  wait_for_health "$name" "$server_port"
}

wait_for_health() {
  local name=$1 server_port=$2 deadline=$((SECONDS + 120))
  until curl -fsS "http://127.0.0.1:$server_port/health" >/dev/null 2>&1; do
    if ! pid_alive "$state/$name.pid"; then
      log "Medusa ($name) exited; its log:"; tail -40 "$state/$name.log" >&2; return 1
    fi
    if [ $SECONDS -ge $deadline ]; then
      log "Medusa ($name) not healthy after 120 s; its log:"; tail -40 "$state/$name.log" >&2; return 1
    fi
    sleep 0.5
  done
}

seed_customers() {
  local entry email first last status
  for entry in "${customers[@]}"; do
    IFS=: read -r email first last <<<"$entry"
    status=$(curl -sS -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$port/store/customers" \
      -H 'content-type: application/json' \
      --data "{\"email\":\"$email\",\"password\":\"$customer_password\",\"first_name\":\"$first\",\"last_name\":\"$last\"}")
    case $status in
      200|422) ;;
      *) log "seeding customer $email answered $status"; return 1 ;;
    esac
  done
}

stop_pid() { # pidfile
  local pidfile=$1 pid
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

print_env() {
  echo "export MEDUSA_BACKEND_URL=http://127.0.0.1:$port"
  if [ -n "$production_port" ]; then
    echo "export MEDUSA_PRODUCTION_URL=http://127.0.0.1:$production_port"
  fi
  echo "export MEDUSA_INTEROP_CONTROL=$here/medusa.sh"
}

case ${1:-} in
  start)
    started=$SECONDS
    install_tools
    install_postgres
    install_node_modules
    start_postgres
    migrate_and_seed_database
    start_server development "$port"
    seed_customers
    if [ -n "$production_port" ]; then start_server production "$production_port" production; fi
    log "ready in $((SECONDS - started)) s"
    ;;
  restart)
    stop_pid "$state/development.pid"
    start_server development "$port"
    ;;
  stop)
    stop_pid "$state/production.pid"
    stop_pid "$state/development.pid"
    if [ -f "$state/postgres.pid" ]; then
      if [ -f "$pgdata/postmaster.pid" ]; then
        runuser -u postgres -- "$(pg_bin)/pg_ctl" -D "$pgdata" -m fast -w stop >/dev/null || true
      fi
      rm -f "$state/postgres.pid"
    fi
    log "stopped"
    ;;
  status)
    for name in postgres development production; do
      if pid_alive "$state/$name.pid"; then echo "$name: running (pid $(cat "$state/$name.pid"))"; else echo "$name: stopped"; fi
    done
    ;;
  env) print_env ;;
  *) echo "usage: $0 start|restart|stop|status|env" >&2; exit 2 ;;
esac
