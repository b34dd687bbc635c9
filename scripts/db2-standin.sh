#!/usr/bin/env bash
# The DB2 stand-in by hand: the real ibm_db binding, the project's libdb2.so.1 (native/db2-standin)
# and the project's DB2 engine behind it on 127.0.0.1.
#   start       starts the engine, prints the export lines a shell needs (eval "$(... start)")
#   sql "SQL"   runs one statement through the real driver, rows as tab-separated lines
#   stop        stops the engine
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
state="$root/build/db2-standin"
mkdir -p "$state"
case "${1:-}" in
  start)
    node "$root/scripts/ibm-db-binding.js" >&2
    if [ -f "$state/server.pid" ] && kill -0 "$(cat "$state/server.pid")" 2>/dev/null; then
      port="$(cat "$state/port")"
    else
      : >"$state/server.out"
      nohup node -r "$root/scripts/register-ts.js" "$root/scripts/db2-standin-serve.ts" >"$state/server.out" 2>"$state/server.err" &
      echo $! >"$state/server.pid"
      for _ in $(seq 1 100); do grep -q '^PORT=' "$state/server.out" 2>/dev/null && break; sleep 0.1; done
      port="$(sed -n 's/^PORT=//p' "$state/server.out")"
      [ -n "$port" ] || { echo "db2-standin: the engine did not start: $(cat "$state/server.err")" >&2; exit 1; }
      echo "$port" >"$state/port"
    fi
    echo "export LD_LIBRARY_PATH=$state\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}"
    echo "export DB2_STANDIN_URL=db2://${DB2_STANDIN_USER:-db2inst1}:${DB2_STANDIN_PASSWORD:-db2-secret}@127.0.0.1:$port/BLUDB"
    echo "# then: warehouse-sync run --source mysql://... --warehouse \"\$DB2_STANDIN_URL\"" ;;
  sql)
    port="$(cat "$state/port" 2>/dev/null)" || { echo "db2-standin: not started (run: $0 start)" >&2; exit 2; }
    LD_LIBRARY_PATH="$state" DB2_STANDIN_SQL="${2:?usage: $0 sql \"SQL\"}" \
      CONN="DATABASE=BLUDB;HOSTNAME=127.0.0.1;PORT=$port;PROTOCOL=TCPIP;UID=${DB2_STANDIN_USER:-db2inst1};PWD=${DB2_STANDIN_PASSWORD:-db2-secret};" \
      node -e '
        const ibm = require(require.resolve("ibm_db", { paths: [process.argv[1]] }));
        const db = ibm.openSync(process.env.CONN);
        try {
          const rows = db.querySync({ sql: process.env.DB2_STANDIN_SQL });
          if (!Array.isArray(rows)) { console.error(rows && rows.message || String(rows)); process.exitCode = 1; }
          else for (const r of rows) console.log(Object.values(r).map((v) => v === null ? "NULL" : Buffer.isBuffer(v) ? v.toString("hex") : String(v)).join("\t"));
        } finally { db.closeSync(); }' "$root" ;;
  stop)
    if [ -f "$state/server.pid" ]; then kill "$(cat "$state/server.pid")" 2>/dev/null || true; rm -f "$state/server.pid" "$state/port"; fi ;;
  *) echo "usage: $0 start|sql \"SQL\"|stop" >&2; exit 2 ;;
esac
