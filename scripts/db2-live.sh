#!/usr/bin/env bash
# The live DB2 suite (test/warehouse/db2-live.contract.test.ts) against Db2 Community Edition in a
# container, as IBM documents the image (icr.io/db2_community/db2: "Installing the Db2 Community
# Edition Docker image on Linux"): run privileged, port 50000, an env file with LICENSE=accept,
# DB2INSTANCE, DB2INST1_PASSWORD and DBNAME, and wait until its log says "Setup has completed".
#
#   scripts/db2-live.sh run     start the container if it is not running, wait for it, run the suite
#   scripts/db2-live.sh start   only start and wait; prints the export line for DB2_TEST_URL
#   scripts/db2-live.sh stop    remove the container (the database goes with it)
#
# Needs: docker (or podman: DB2_LIVE_ENGINE=podman), a MariaDB/MySQL source as for `npm test`
# (scripts/ensure-databases.sh), and ibm_db with IBM's real clidriver — not the project's stand-in
# libdb2.so.1, so LD_LIBRARY_PATH must not point at build/db2-standin. The first start pulls about
# 3 GB and creates the database: allow 5 to 15 minutes.
# Settings: DB2_LIVE_IMAGE, DB2_LIVE_CONTAINER, DB2_LIVE_PORT (50000), DB2_LIVE_DBNAME (SYNCDB, at most
# 8 characters), DB2_LIVE_WAIT (seconds, 1200). The instance password is generated once and kept in
# build/db2-live/password (mode 600); it is never printed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
engine="${DB2_LIVE_ENGINE:-docker}"
image="${DB2_LIVE_IMAGE:-icr.io/db2_community/db2}"
name="${DB2_LIVE_CONTAINER:-warehouse-sync-db2}"
port="${DB2_LIVE_PORT:-50000}"
dbname="${DB2_LIVE_DBNAME:-SYNCDB}"
wait_s="${DB2_LIVE_WAIT:-1200}"
state="$root/build/db2-live"

fail() { echo "db2-live: $1" >&2; exit "${2:-1}"; }

command -v "$engine" >/dev/null 2>&1 || fail "$engine is not installed (set DB2_LIVE_ENGINE=podman to use podman)" 2
[ "${#dbname}" -le 8 ] || fail "DB2_LIVE_DBNAME must be at most 8 characters (a Db2 database name)" 2

password() {
  mkdir -p "$state"
  if [ ! -s "$state/password" ]; then
    (umask 077; od -An -N12 -tx1 /dev/urandom | tr -d ' \n' >"$state/password")
  fi
  cat "$state/password"
}

running() { [ "$("$engine" inspect -f '{{.State.Running}}' "$name" 2>/dev/null || true)" = "true" ]; }

start() {
  "$engine" info >/dev/null 2>&1 || fail "cannot reach the $engine engine (is its daemon running?)" 2
  local pw
  pw="$(password)"
  if ! "$engine" inspect "$name" >/dev/null 2>&1; then
    # The password goes through an env file, not the command line (visible in the process list).
    local env_file="$state/env_list"
    (umask 077; cat >"$env_file" <<ENV
LICENSE=accept
DB2INSTANCE=db2inst1
DB2INST1_PASSWORD=$pw
DBNAME=$dbname
BLU=false
ENABLE_ORACLE_COMPATIBILITY=false
UPDATEAVAIL=NO
TO_CREATE_SAMPLEDB=false
REPODB=false
IS_OSXFS=false
PERSISTENT_HOME=true
HADR_ENABLED=false
ENV
)
    echo "db2-live: starting $image as $name on 127.0.0.1:$port (the first start takes minutes)" >&2
    "$engine" run -h db2server --name "$name" --detach --privileged=true -p "127.0.0.1:$port:50000" \
      --env-file "$env_file" "$image" >/dev/null
  elif ! running; then
    "$engine" start "$name" >/dev/null
  fi
  local waited=0
  until "$engine" logs "$name" 2>&1 | grep -q 'Setup has completed'; do
    running || fail "the container stopped before Db2 was ready; its log: $engine logs $name"
    [ "$waited" -lt "$wait_s" ] || fail "Db2 was not ready after $wait_s s (DB2_LIVE_WAIT); its log: $engine logs $name"
    sleep 5
    waited=$((waited + 5))
  done
}

url() { echo "db2://db2inst1:$(password)@127.0.0.1:$port/$dbname"; }

check_driver() {
  case ":${LD_LIBRARY_PATH:-}:" in
    *"/build/db2-standin:"*) fail "LD_LIBRARY_PATH points at the stand-in libdb2.so.1; unset it for a live run" 2 ;;
  esac
  local clidriver="${IBM_DB_HOME:-$root/node_modules/ibm_db/installer/clidriver}"
  [ -e "$clidriver/lib/libdb2.so.1" ] || [ -e "$clidriver/lib/libdb2.so" ] ||
    fail "IBM's clidriver was not found at $clidriver: run \`npm install-scripts approve ibm_db && npm rebuild ibm_db\` on a machine that can download it, or set IBM_DB_HOME to an installed clidriver" 2
}

case "${1:-run}" in
  start)
    start
    echo "export DB2_TEST_URL=\"db2://db2inst1:\$(cat '$state/password')@127.0.0.1:$port/$dbname\"" ;;
  run)
    check_driver
    start
    cd "$root"
    DB2_TEST_URL="$(url)" npx jest --runInBand test/warehouse/db2-live.contract.test.ts ;;
  stop)
    "$engine" rm -f "$name" >/dev/null 2>&1 || true
    rm -f "$state/env_list" ;;
  *) fail "usage: $0 run|start|stop" 2 ;;
esac
