#!/usr/bin/env bash
# The real remote engines the remote-engine tests (tests/remote*.rs) and bench/remote* use, on
# 127.0.0.1 with free ports:
#   - ClickHouse: Debian's clickhouse-server (18.16), HTTP interface, a temp --path;
#   - dask-sql (PyPI): a Dask SQL server speaking the Presto/Trino client protocol;
#   - Cube (npm: @cubejs-backend/server 0.28.64 with its ClickHouse driver, over the ClickHouse
#     above; installed with --ignore-scripts: Cube's install scripts download binaries from
#     GitHub, and Cube 1.x cannot start without one, see scripts/remote/cube/server.cjs);
#   - a small fake server (scripts/remote/servers.py): the generic protocol over SQLite, a Cube
#     REST emulator over the same data, and faults on purpose (refused, 5xx, slow, malformed,
#     truncated, wrong content type, enormous, cut mid-stream);
#   - CORS proxies in front of ClickHouse and dask-sql (for browser tests).
# All serve the same data (sales: 2,000 rows; big: 100,000 rows), generated once.
# Installs what is missing, idempotently, from package registries only (Debian, PyPI, npm).
#
#   bash scripts/remote-servers.sh start      start (unless running), wait until ready, print the env
#   bash scripts/remote-servers.sh env        print the env of the running servers (KEY=VALUE)
#   bash scripts/remote-servers.sh envfile    print the path of that env file (to `source` it)
#   bash scripts/remote-servers.sh stop       stop them
#   bash scripts/remote-servers.sh run CMD…   start, run CMD with the env exported, stop on exit
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
STATE="${INSIGHTFLOW_REMOTE_STATE:-${TMPDIR:-/tmp}/insightflow-remote}"
VENV="$HOME/.cache/insightflow/remote-venv"
DATA="$HOME/.cache/insightflow/remote-data-v1"
CUBE="$HOME/.cache/insightflow/cube-0.28"
PY=python3
CH_PASSWORD="CANARY-ch-pw-7f3a91"

install() {
  if ! command -v clickhouse-server >/dev/null; then
    log "installing clickhouse-server (Debian)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq clickhouse-server >/dev/null
  fi
  if ! "$VENV/bin/python" -c 'import dask_sql, distributed' 2>/dev/null; then
    log "installing dask-sql (PyPI) into $VENV"
    $PY -m venv "$VENV"
    # dask-sql 2024.5.0 needs the pandas/dask of its time (pandas 3 string dtypes break it).
    "$VENV/bin/pip" install -q "dask-sql==2024.5.0" "dask[dataframe]==2024.5.0" "distributed==2024.5.0" \
      "pandas==2.2.2" "numpy<2" "pyarrow<17"
  fi
  if [ ! -f "$CUBE/node_modules/@cubejs-backend/clickhouse-driver/package.json" ]; then
    log "installing Cube 0.28.64 (npm) into $CUBE"
    mkdir -p "$CUBE"
    echo '{"name": "insightflow-cube", "private": true}' > "$CUBE/package.json"
    (cd "$CUBE" && npm install --ignore-scripts --no-audit --no-fund --loglevel=error \
      @cubejs-backend/server@0.28.64 @cubejs-backend/clickhouse-driver@0.28.64)
  fi
}

running() {
  [ -f "$STATE/env" ] && [ -f "$STATE/pids" ] || return 1
  local pid
  while read -r pid; do kill -0 "$pid" 2>/dev/null || return 1; done < "$STATE/pids"
}

stop() {
  [ -f "$STATE/pids" ] || return 0
  local pid
  while read -r pid; do kill "$pid" 2>/dev/null || true; done < "$STATE/pids"
  for _ in $(seq 1 40); do
    local alive=0
    while read -r pid; do kill -0 "$pid" 2>/dev/null && alive=1; done < "$STATE/pids"
    [ $alive = 0 ] && break
    sleep 0.25
  done
  while read -r pid; do kill -9 "$pid" 2>/dev/null || true; done < "$STATE/pids"
  rm -rf "$STATE"
}

port() { $PY scripts/remote/servers.py free-port; }

start() {
  if running; then cat "$STATE/env"; return 0; fi
  stop
  install
  rm -rf "$STATE"; mkdir -p "$STATE/ch/tmp"
  [ -f "$DATA/big.csv" ] || $PY scripts/remote/servers.py data "$DATA"
  local ch_http ch_tcp ch_inter dask fake refused pch pdask cube secret
  ch_http=$(port); ch_tcp=$(port); ch_inter=$(port); dask=$(port); fake=$(port); refused=$(port); pch=$(port); pdask=$(port); cube=$(port)
  secret=$($PY -c 'import secrets; print(secrets.token_hex(16))')

  # ClickHouse: the Debian config with our own data path, ports and users (one with a password).
  cp /etc/clickhouse-server/users.xml "$STATE/ch/users.xml"
  $PY - "$STATE/ch/users.xml" "$CH_PASSWORD" <<'PYEOF'
import sys, re
p, pw = sys.argv[1], sys.argv[2]
s = open(p).read()
user = f"""<analyst><password>{pw}</password><networks incl="networks" replace="replace"><ip>::1</ip><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></analyst>"""
s = s.replace("</users>", user + "</users>", 1)
open(p, "w").write(s)
PYEOF
  clickhouse-server --config-file=/etc/clickhouse-server/config.xml -- \
    --path="$STATE/ch/" --tmp_path="$STATE/ch/tmp/" --users_config="$STATE/ch/users.xml" \
    --http_port="$ch_http" --tcp_port="$ch_tcp" --interserver_http_port="$ch_inter" --listen_host=127.0.0.1 \
    --logger.log="$STATE/ch/server.log" --logger.errorlog="$STATE/ch/error.log" > "$STATE/ch.out" 2>&1 &
  echo $! >> "$STATE/pids"
  "$VENV/bin/python" scripts/remote/dask_server.py "$dask" "$DATA" > "$STATE/dask.out" 2>&1 &
  echo $! >> "$STATE/pids"
  $PY scripts/remote/servers.py fake "$fake" "$DATA" > "$STATE/fake.out" 2>&1 &
  echo $! >> "$STATE/pids"
  $PY scripts/remote/servers.py proxy "$pch" "127.0.0.1:$ch_http" > "$STATE/proxy-ch.out" 2>&1 &
  echo $! >> "$STATE/pids"
  $PY scripts/remote/servers.py proxy "$pdask" "127.0.0.1:$dask" > "$STATE/proxy-dask.out" 2>&1 &
  echo $! >> "$STATE/pids"

  $PY scripts/remote/servers.py wait "http://127.0.0.1:$ch_http/ping" 60 || { tail -n 30 "$STATE/ch.out" "$STATE/ch/error.log" >&2 || true; stop; echo "ClickHouse did not start" >&2; return 1; }
  $PY scripts/remote/servers.py ch-load "http://127.0.0.1:$ch_http" "$DATA"
  PORT=$cube NODE_PATH="$CUBE/node_modules" CUBEJS_DB_TYPE=clickhouse CUBEJS_DB_HOST=127.0.0.1 \
    CUBEJS_DB_PORT="$ch_http" CUBEJS_DB_NAME=default CUBEJS_DB_USER=analyst CUBEJS_DB_PASS="$CH_PASSWORD" \
    CUBEJS_API_SECRET="$secret" CUBEJS_DEV_MODE=false CUBEJS_TELEMETRY=false CUBEJS_CACHE_AND_QUEUE_DRIVER=memory \
    node scripts/remote/cube/server.cjs > "$STATE/cube.out" 2>&1 &
  echo $! >> "$STATE/pids"
  $PY scripts/remote/servers.py wait "http://127.0.0.1:$fake/log/ready" 30 || { tail -n 30 "$STATE/fake.out" >&2; stop; echo "the fake server did not start" >&2; return 1; }
  $PY scripts/remote/servers.py wait "http://127.0.0.1:$dask/v1/empty" 180 || { tail -n 30 "$STATE/dask.out" >&2; stop; echo "dask-sql did not start" >&2; return 1; }
  $PY scripts/remote/servers.py wait "http://127.0.0.1:$cube/livez" 60 || { tail -n 30 "$STATE/cube.out" >&2; stop; echo "Cube did not start" >&2; return 1; }
  local token=""
  for _ in $(seq 1 40); do
    token=$(sed -n 's/^listening .* token \(.*\)$/\1/p' "$STATE/cube.out")
    [ -n "$token" ] && break
    sleep 0.25
  done
  $PY scripts/remote/servers.py wait "http://127.0.0.1:$pch/ping" 30
  $PY scripts/remote/servers.py wait "http://127.0.0.1:$pdask/v1/empty" 30

  cat > "$STATE/env" <<ENVEOF
INSIGHTFLOW_REMOTE=1
INSIGHTFLOW_REMOTE_DATA=$DATA
INSIGHTFLOW_CLICKHOUSE_URL=http://127.0.0.1:$ch_http
INSIGHTFLOW_CLICKHOUSE_USER=analyst
INSIGHTFLOW_CLICKHOUSE_PASSWORD=$CH_PASSWORD
INSIGHTFLOW_TRINO_URL=http://127.0.0.1:$dask
INSIGHTFLOW_FAKE_URL=http://127.0.0.1:$fake
INSIGHTFLOW_REFUSED_URL=http://127.0.0.1:$refused
INSIGHTFLOW_CLICKHOUSE_CORS_URL=http://127.0.0.1:$pch
INSIGHTFLOW_TRINO_CORS_URL=http://127.0.0.1:$pdask
INSIGHTFLOW_CUBE_URL=http://127.0.0.1:$cube
INSIGHTFLOW_CUBE_TOKEN=$token
ENVEOF
  log "remote servers ready (state in $STATE)"
  cat "$STATE/env"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env) running && cat "$STATE/env" ;;
  envfile) echo "$STATE/env" ;;
  run)
    shift
    start >/dev/null
    trap stop EXIT
    set -a; source "$STATE/env"; set +a
    "$@"
    ;;
  *) sed -n '2,20p' "$0"; exit 2 ;;
esac
