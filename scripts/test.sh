#!/usr/bin/env bash
# The test command (`npm test`; .ci/run calls it). On a fresh Debian machine it installs and starts
# what the suite needs: MariaDB and Redis (apt), Chromium for the browser test, the npm dependencies.
# Where they already run, it uses them. The suite creates and drops its own database.
set -euo pipefail
cd "$(dirname "$0")/.."

MYSQL_HOST=127.0.0.1
MYSQL_PORT=3306
REDIS_PORT=6379
log() { printf '[test.sh] %s\n' "$*"; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}
wait_for_port() {
  for _ in $(seq 1 60); do port_open "$1" && return 0; sleep 0.5; done
  log "nothing answers on port $1"; return 1
}

ensure_mariadb() {
  if port_open "$MYSQL_PORT"; then return 0; fi
  if ! command -v mariadbd >/dev/null 2>&1 && [ ! -x /usr/sbin/mariadbd ]; then
    log "installing MariaDB (apt)"; apt_install mariadb-server
  fi
  log "starting MariaDB"
  as_root mkdir -p /run/mysqld && as_root chown mysql:mysql /run/mysqld 2>/dev/null || true
  # invoke-rc.d refuses to start services inside containers: start the daemon directly.
  as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
  wait_for_port "$MYSQL_PORT"
  # A fresh install lets root in only through the unix socket; the suite connects over TCP.
  as_root mariadb -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('') OR unix_socket; FLUSH PRIVILEGES;" || true
}

ensure_redis() {
  if port_open "$REDIS_PORT"; then return 0; fi
  if ! command -v redis-server >/dev/null 2>&1; then log "installing Redis (apt)"; apt_install redis-server; fi
  log "starting Redis"
  as_root mkdir -p /var/lib/redis /var/log/redis
  as_root redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/test.log
  wait_for_port "$REDIS_PORT"
}

ensure_chromium() {
  # The browser test (test/e2e) drives Debian's Chromium through playwright-core; playwright's own
  # browser download does not work here, so the browser comes from apt.
  if [ -x /usr/bin/chromium ]; then return 0; fi
  log "installing Chromium (apt)"; apt_install chromium
}

ensure_node_modules() {
  # Install exactly the lockfile (npm ci) when package.json or the lockfile changed since the last
  # install; a tree someone installed by hand (npm ci, npm install) that satisfies package.json is kept.
  local stamp=node_modules/.install-stamp
  local want; want=$(cat package.json package-lock.json 2>/dev/null | sha256sum | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  if [ -d node_modules ] && [ ! -f "$stamp" ] && npm ls --depth=0 >/dev/null 2>&1; then echo "$want" > "$stamp"; return 0; fi
  log "installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
}

ensure_mariadb
ensure_redis
ensure_chromium
ensure_node_modules

log "type-checking"
npx tsc --noEmit -p tsconfig.json
log "running the suite against MariaDB on $MYSQL_HOST:$MYSQL_PORT"
export TEST_MYSQL_URL="${TEST_MYSQL_URL:-mysql://root@$MYSQL_HOST:$MYSQL_PORT}"
export TEST_REDIS_URL="${TEST_REDIS_URL:-redis://127.0.0.1:$REDIS_PORT}"
# The whole suite must leave a substantial log for the secret check (global-teardown.ts).
if [ $# -eq 0 ]; then export TEST_LOG_REQUIRED=1; fi
timeout 45m npx jest --ci "$@"
# The benchmark's smoke run (a few seconds of every scenario against MariaDB), so that it never rots:
# it fails on any failed request or unheard completion, never on a figure.
if [ $# -eq 0 ]; then
  log "bench smoke run"
  bench_out=$(mktemp -d)
  BENCH_MYSQL_URL="$TEST_MYSQL_URL" BENCH_REDIS_URL="$TEST_REDIS_URL" timeout 10m npm run -s bench -- --smoke --out "$bench_out"
  rm -rf "$bench_out"
fi
