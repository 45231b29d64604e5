#!/usr/bin/env bash
# Runs a real Medusa v2 backend (interop-v2/package.json, pinned at 2.21.2) for the
# interop suite, on 127.0.0.1 only, over a private PostgreSQL cluster. It runs beside
# interop/medusa.sh (Medusa v1 on 9000/9001, PostgreSQL on 55432) without touching it.
#
#   interop-v2/medusa.sh start     install what is missing, start PostgreSQL, migrate,
#                                  seed, start Medusa; idempotent (a second start reuses
#                                  what is installed, seeded and running)
#   interop-v2/medusa.sh restart   restart the development server only (cookie sessions
#                                  are lost, they live in memory; JWTs stay valid)
#   interop-v2/medusa.sh stop      stop exactly the processes it started, by PID
#   interop-v2/medusa.sh status    say what runs
#   interop-v2/medusa.sh env       print the variables the interop tests read (for eval)
#
# The development server (NODE_ENV=development) listens on MEDUSA_V2_INTEROP_PORT (9010).
# A second server in production mode (NODE_ENV=production: Secure cookies, so no
# Set-Cookie over plain HTTP) is started on MEDUSA_V2_INTEROP_PRODUCTION_PORT when it is
# set, over the same database.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# The state (database cluster, logs, PIDs, seed, reset tokens) lives under /tmp, one
# folder per checkout: PostgreSQL runs as the postgres user, which may not reach a
# checkout under /root.
state=${MEDUSA_V2_INTEROP_STATE:-/tmp/medusa-auth-interop-v2-$(printf '%s' "$here" | md5sum | cut -c1-12)}
pg_port=${MEDUSA_V2_INTEROP_PG_PORT:-55433}

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# The ports: the environment's, else the ones a running server was started on.
recorded_port() { # name
  if pid_alive "$state/$1.pid" && [ -f "$state/$1.port" ]; then cat "$state/$1.port"; fi
}
port=${MEDUSA_V2_INTEROP_PORT:-$(recorded_port development)}
port=${port:-9010}
production_port=${MEDUSA_V2_INTEROP_PRODUCTION_PORT:-$(recorded_port production)}

# The seed: the users the recorded transcripts were made with.
admin_email=${MEDUSA_V2_ADMIN_EMAIL:-admin@example.com}
admin_password=${MEDUSA_V2_ADMIN_PASSWORD:-supersecret}
customer_email=${MEDUSA_V2_CUSTOMER_EMAIL:-customer@example.com}
customer_password=${MEDUSA_V2_CUSTOMER_PASSWORD:-supersecret}
second_customer_email=${MEDUSA_V2_SECOND_CUSTOMER_EMAIL:-second@example.com}

database_url="postgres://postgres@127.0.0.1:${pg_port}/medusa"
pgdata=$state/pgdata
pgsock=$state/pgsock
seed_file=$state/seed.json
reset_tokens=$state/reset-tokens.jsonl
log() { echo "[interop-v2/medusa.sh] $*" >&2; }

apt_install() {
  log "installing $* from apt"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "$@" >/dev/null
}

pg_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
  done
  return 1
}

install_postgres() {
  if pg_bin >/dev/null; then return 0; fi
  apt_install postgresql
  pg_bin >/dev/null
}

install_tools() {
  local missing=()
  command -v curl >/dev/null || missing+=(curl)
  command -v runuser >/dev/null || missing+=(util-linux)
  command -v md5sum >/dev/null || missing+=(coreutils)
  if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}"; fi
}

node_is_recent_enough() { # Medusa 2.21.2 wants ^20.19.0 || >=22.12.0
  command -v node >/dev/null && node -e '
    const [major, minor] = process.versions.node.split(".").map(Number);
    process.exit((major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major > 22 ? 0 : 1)'
}

install_node_modules() {
  local stamp=$here/node_modules/.medusa-auth-installed
  if [ -f "$stamp" ] && [ "$stamp" -nt "$here/package-lock.json" ] && [ "$stamp" -nt "$here/package.json" ]; then
    return 0
  fi
  if ! command -v npm >/dev/null; then apt_install nodejs npm; fi
  if ! node_is_recent_enough; then
    log "Node.js $(node --version 2>/dev/null || echo missing) is too old: Medusa 2.21.2 needs ^20.19.0 || >=22.12.0"
    return 1
  fi
  log "npm ci (pinned by package-lock.json)"
  local started=$SECONDS
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
  touch "$stamp"
  log "npm ci done in $((SECONDS - started)) s"
}

psql_run() { "$(pg_bin)/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }

start_postgres() {
  local bin
  bin=$(pg_bin)
  mkdir -p "$state"
  chmod 755 "$state"
  if [ ! -f "$pgdata/PG_VERSION" ]; then
    log "creating a private PostgreSQL cluster in $pgdata"
    mkdir -p "$pgdata"
    chown postgres:postgres "$pgdata"
    runuser -u postgres -- "$bin/initdb" -D "$pgdata" -A trust -U postgres >/dev/null
  fi
  mkdir -p "$pgsock"
  touch "$state/postgres.log"
  chown postgres:postgres "$pgsock" "$state/postgres.log"
  if [ -f "$pgdata/postmaster.pid" ] && kill -0 "$(head -1 "$pgdata/postmaster.pid")" 2>/dev/null; then
    head -1 "$pgdata/postmaster.pid" > "$state/postgres.pid"
    return 0
  fi
  port_is_free "$pg_port" || { log "127.0.0.1:$pg_port is taken by another process"; return 1; }
  log "starting PostgreSQL on 127.0.0.1:$pg_port"
  runuser -u postgres -- "$bin/pg_ctl" -D "$pgdata" -l "$state/postgres.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pgsock" start >/dev/null
  head -1 "$pgdata/postmaster.pid" > "$state/postgres.pid"
  if [ "$(psql_run -d postgres -c "SELECT 1 FROM pg_database WHERE datname = 'medusa'")" != "1" ]; then
    psql_run -d postgres -c "CREATE DATABASE medusa"
  fi
}

# Every command of the Medusa CLI runs with this environment.
medusa_env() {
  export DATABASE_URL=$database_url
  export MEDUSA_DISABLE_TELEMETRY=true DO_NOT_TRACK=1
  export MEDUSA_V2_RESET_TOKENS=$reset_tokens
  export NODE_OPTIONS="--require $here/loopback.js"
}

medusa() {
  (cd "$here" && medusa_env && NODE_ENV=development "$here/node_modules/.bin/medusa" "$@")
}

migrate_and_seed_database() {
  # Migrations are rerun whenever the pinned packages change (the stamp holds the lock's hash).
  local migrated lock_hash started
  lock_hash=$(md5sum <"$here/package-lock.json" | cut -c1-32)
  migrated=$(cat "$state/migrated" 2>/dev/null || true)
  if [ "$migrated" != "$lock_hash" ] || [ "$(psql_run -d medusa -c "SELECT to_regclass('public.user') IS NOT NULL")" != "t" ]; then
    log "running migrations (medusa db:migrate)"
    started=$SECONDS
    medusa db:migrate >"$state/migrations.log" 2>&1 || { tail -40 "$state/migrations.log" >&2; return 1; }
    echo "$lock_hash" > "$state/migrated"
    log "migrations done in $((SECONDS - started)) s"
  fi
  if [ "$(psql_run -d medusa -c "SELECT count(*) FROM \"user\" WHERE email = '$admin_email' AND deleted_at IS NULL")" = "0" ]; then
    log "creating the admin $admin_email (medusa user)"
    started=$SECONDS
    medusa user -e "$admin_email" -p "$admin_password" >"$state/user.log" 2>&1 || { tail -40 "$state/user.log" >&2; return 1; }
    log "admin created in $((SECONDS - started)) s"
  fi
}

port_is_free() { # port
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start_server() { # name port NODE_ENV
  local name=$1 server_port=$2 node_env=$3
  local pidfile=$state/$name.pid
  if pid_alive "$pidfile"; then return 0; fi
  port_is_free "$server_port" || { log "127.0.0.1:$server_port is taken by another process"; return 1; }
  log "starting Medusa v2 ($name, NODE_ENV=$node_env) on 127.0.0.1:$server_port"
  touch "$reset_tokens"
  chmod 600 "$reset_tokens"
  (
    cd "$here"
    medusa_env
    export NODE_ENV=$node_env PORT=$server_port
    exec "$here/node_modules/.bin/medusa" start --host 127.0.0.1 --port "$server_port"
  ) >"$state/$name.log" 2>&1 &
  echo $! > "$pidfile"
  echo "$server_port" > "$state/$name.port"
  wait_for_health "$name" "$server_port"
}

wait_for_health() {
  local name=$1 server_port=$2 started=$SECONDS deadline=$((SECONDS + 180))
  until curl --noproxy '*' -fsS "http://127.0.0.1:$server_port/health" >/dev/null 2>&1; do
    if ! pid_alive "$state/$name.pid"; then
      log "Medusa v2 ($name) exited; its log:"; tail -40 "$state/$name.log" >&2; return 1
    fi
    if [ $SECONDS -ge $deadline ]; then
      log "Medusa v2 ($name) not healthy after 180 s; its log:"; tail -40 "$state/$name.log" >&2; return 1
    fi
    sleep 0.5
  done
  log "Medusa v2 ($name) healthy after $((SECONDS - started)) s"
}

seed_over_http() {
  local customers
  local started=$SECONDS
  customers=$(printf '[{"email":"%s","password":"%s","first_name":"Test","last_name":"Customer"},{"email":"%s","password":"%s","first_name":"Second","last_name":"Customer"}]' \
    "$customer_email" "$customer_password" "$second_customer_email" "$customer_password")
  BASE_URL="http://127.0.0.1:$port" SEED_FILE=$seed_file \
    ADMIN_EMAIL=$admin_email ADMIN_PASSWORD=$admin_password CUSTOMERS=$customers \
    node "$here/seed.js"
  log "seeded over HTTP in $((SECONDS - started)) s (state: $seed_file)"
}

seed_value() { # key
  [ -f "$seed_file" ] || return 0
  node -e 'const s = require(process.argv[1]); process.stdout.write(String(s[process.argv[2]] ?? ""))' "$seed_file" "$1"
}

stop_pid() { # pidfile
  local pidfile=$1 pid
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

stop_postgres() {
  [ -f "$state/postgres.pid" ] || return 0
  if [ -f "$pgdata/postmaster.pid" ] && [ "$(head -1 "$pgdata/postmaster.pid")" = "$(cat "$state/postgres.pid")" ]; then
    runuser -u postgres -- "$(pg_bin)/pg_ctl" -D "$pgdata" -m fast -w stop >/dev/null || true
  fi
  rm -f "$state/postgres.pid"
}

print_env() {
  echo "export MEDUSA_V2_BACKEND_URL=http://127.0.0.1:$port"
  if [ -n "$production_port" ]; then
    echo "export MEDUSA_V2_PRODUCTION_URL=http://127.0.0.1:$production_port"
  fi
  echo "export MEDUSA_V2_PUBLISHABLE_KEY=$(seed_value publishable_key)"
  echo "export MEDUSA_V2_SECRET_API_KEY=$(seed_value secret_api_key)"
  echo "export MEDUSA_V2_SALES_CHANNEL_ID=$(seed_value sales_channel_id)"
  echo "export MEDUSA_V2_ADMIN_EMAIL=$admin_email"
  echo "export MEDUSA_V2_ADMIN_PASSWORD=$admin_password"
  echo "export MEDUSA_V2_CUSTOMER_EMAIL=$customer_email"
  echo "export MEDUSA_V2_CUSTOMER_PASSWORD=$customer_password"
  echo "export MEDUSA_V2_SECOND_CUSTOMER_EMAIL=$second_customer_email"
  echo "export MEDUSA_V2_SECOND_CUSTOMER_PASSWORD=$customer_password"
  echo "export MEDUSA_V2_JWT_SECRET=real-medusa-v2-jwt-secret"
  echo "export MEDUSA_V2_RESET_TOKENS=$reset_tokens"
  echo "export MEDUSA_V2_INTEROP_CONTROL=$here/medusa.sh"
}

case ${1:-} in
  start)
    started=$SECONDS
    install_tools
    install_postgres
    install_node_modules
    start_postgres
    migrate_and_seed_database
    start_server development "$port" development
    seed_over_http
    if [ -n "$production_port" ]; then start_server production "$production_port" production; fi
    log "ready in $((SECONDS - started)) s"
    ;;
  restart)
    stop_pid "$state/development.pid"
    start_server development "$port" development
    ;;
  stop)
    stop_pid "$state/production.pid"
    stop_pid "$state/development.pid"
    rm -f "$state/production.port" "$state/development.port"
    stop_postgres
    log "stopped"
    ;;
  status)
    for name in postgres development production; do
      if pid_alive "$state/$name.pid"; then
        echo "$name: running (pid $(cat "$state/$name.pid")$([ -f "$state/$name.port" ] && echo ", 127.0.0.1:$(cat "$state/$name.port")"))"
      else
        echo "$name: stopped"
      fi
    done
    echo "state: $state"
    ;;
  env) print_env ;;
  *) echo "usage: $0 start|restart|stop|status|env" >&2; exit 2 ;;
esac
