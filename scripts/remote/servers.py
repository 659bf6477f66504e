#!/usr/bin/env python3
"""Helpers for scripts/remote-servers.sh (standard library only).

  servers.py data DIR            writes the test data (sales.csv, 2,000 rows; big.csv, 100,000 rows)
  servers.py fake PORT DATA_DIR  the generic-protocol backend (SQLite over the same CSVs), a
                                 Cube-format emulator over the same data, and a misbehaving
                                 server for faults; CORS headers on everything
  servers.py proxy PORT UPSTREAM a CORS proxy in front of a real engine (for browser tests)
  servers.py free-port           prints a free TCP port on 127.0.0.1
  servers.py wait URL SECONDS    waits until URL answers (any HTTP status)
  servers.py ch-load URL DATA_DIR [PASSWORD]  creates and fills the ClickHouse tables

Faults (any method, on the fake server):
  /fault/status/CODE         that status, with a JSON error that echoes the Authorization header
  /fault/flaky/KEY/N         503 for the first N requests with this KEY, then a valid answer
  /fault/slow/MS             waits MS milliseconds, then a valid answer
  /fault/malformed           200 application/json that is not JSON
  /fault/truncated           Content-Length larger than the bytes sent, then close
  /fault/html                200 text/html
  /fault/enormous            an endless chunked JSON body
  /fault/cut                 a chunked body cut mid-stream (no final chunk), then close
  /fault/hangup              closes the connection without answering
  POST /v1/statement         a Trino-protocol server whose behaviour is chosen by X-Trino-User
                             (KIND_KEY; SHOW COLUMNS answers region varchar, n bigint):
    progress_KEY             a query in 4 pages with stats (progressPercentage)
    hang_KEY                 a query that never finishes (cancel with DELETE)
    elsewhere_KEY            an answer whose nextUri points at another origin
    error_KEY                an answer with an error object
  /log/KEY                   the requests seen for KEY: [{method, path}] (no headers, no bodies)
"""
import csv
import datetime
import json
import os
import random
import socket
import sqlite3
import sys
import threading
import time
import urllib.parse
from http.client import HTTPConnection
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

REGIONS = ["North", "South", "East", "West", "Central"]
PRODUCTS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"]


def write_data(d):
    os.makedirs(d, exist_ok=True)
    rnd = random.Random(42)
    start = datetime.date(2023, 1, 1)
    with open(os.path.join(d, "sales.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "region", "product", "day", "qty", "amount"])
        for i in range(2000):
            day = start + datetime.timedelta(days=rnd.randrange(365))
            qty = rnd.randrange(1, 50)
            amount = round(rnd.uniform(1, 500), 2)
            w.writerow([i + 1, rnd.choice(REGIONS), rnd.choice(PRODUCTS), day.isoformat(), qty, f"{amount:.2f}"])
    with open(os.path.join(d, "big.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "region", "product", "qty", "amount", "note"])
        for i in range(100_000):
            w.writerow([i + 1, REGIONS[i % 5], PRODUCTS[i % 8], i % 97, f"{(i % 1000) / 4:.2f}", f"row {i}"])


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


# ---------------------------------------------------------------- the fake server

LOG = {}
COUNTS = {}
LOCK = threading.Lock()
DB_LOCK = threading.Lock()
DB = None


def load_db(data_dir):
    db = sqlite3.connect(":memory:", check_same_thread=False)
    db.execute("CREATE TABLE sales (id INTEGER, region TEXT, product TEXT, day TEXT, qty INTEGER, amount REAL)")
    db.execute("CREATE TABLE big (id INTEGER, region TEXT, product TEXT, qty INTEGER, amount REAL, note TEXT)")
    for name, cols in (("sales", 6), ("big", 6)):
        with open(os.path.join(data_dir, f"{name}.csv")) as f:
            r = csv.reader(f)
            next(r)
            db.executemany(f"INSERT INTO {name} VALUES ({','.join('?' * cols)})", r)
    db.commit()
    return db


def sql_type(values):
    kinds = {type(v) for v in values if v is not None}
    if kinds == {int}:
        return "integer"
    if kinds and kinds <= {int, float}:
        return "number"
    return "string"


def run_sql(sql):
    with DB_LOCK:
        cur = DB.execute(sql)
        rows = cur.fetchall()
        names = [d[0] for d in cur.description or []]
        sample = rows
        if not rows and sql.rstrip().upper().endswith("LIMIT 0"):
            # SQLite results carry no types: infer them from one row (schema reads use LIMIT 0)
            sample = DB.execute(sql.rstrip()[: -len("LIMIT 0")] + "LIMIT 1").fetchall()
    cols = [{"name": n, "type": sql_type([r[i] for r in sample])} for i, n in enumerate(names)]
    return {"columns": cols, "rows": [list(r) for r in rows]}


CUBE_META = {
    "cubes": [
        {
            "name": "orders",
            "title": "Orders",
            "measures": [
                {"name": "orders.count", "title": "Orders Count", "shortTitle": "Count", "type": "number", "aggType": "count"},
                {"name": "orders.qty_sum", "title": "Orders Qty Sum", "shortTitle": "Qty Sum", "type": "number", "aggType": "sum"},
                {"name": "orders.amount_sum", "title": "Orders Amount Sum", "shortTitle": "Amount Sum", "type": "number", "aggType": "sum"},
                {"name": "orders.amount_avg", "title": "Orders Amount Avg", "shortTitle": "Amount Avg", "type": "number", "aggType": "avg"},
            ],
            "dimensions": [
                {"name": "orders.id", "title": "Orders Id", "type": "number"},
                {"name": "orders.region", "title": "Orders Region", "type": "string"},
                {"name": "orders.product", "title": "Orders Product", "type": "string"},
                {"name": "orders.day", "title": "Orders Day", "type": "time"},
                {"name": "orders.qty", "title": "Orders Qty", "type": "number"},
                {"name": "orders.amount", "title": "Orders Amount", "type": "number"},
            ],
            "segments": [],
        }
    ]
}
MEASURE_SQL = {"orders.count": "COUNT(*)", "orders.qty_sum": "SUM(qty)", "orders.amount_sum": "SUM(amount)", "orders.amount_avg": "AVG(amount)"}
GRAIN = {"year": "%Y-01-01", "month": "%Y-%m-01", "day": "%Y-%m-%d"}
CUBE_OPS = {"equals": "IN", "notEquals": "NOT IN", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}


def cube_load(q):
    """Evaluates a Cube /load query over the same data, answering in Cube's documented format."""
    sel, group, keys, params, where = [], [], [], [], []
    for d in q.get("dimensions", []):
        col = d.split(".", 1)[1]
        sel.append(col)
        group.append(col)
        keys.append(d)
    for td in q.get("timeDimensions", []):
        col = td["dimension"].split(".", 1)[1]
        g = td.get("granularity")
        if g:
            expr = f"strftime('{GRAIN[g]}', {col}) || 'T00:00:00.000'"
            sel.append(expr)
            group.append(expr)
            keys.append(f"{td['dimension']}.{g}")
        if td.get("dateRange"):
            a, b = td["dateRange"]
            where.append(f"{col} BETWEEN ? AND ?")
            params += [a, b]
    for m in q.get("measures", []):
        sel.append(MEASURE_SQL[m])
        keys.append(m)
    for f in q.get("filters", []):
        col = f["member"].split(".", 1)[1]
        op = f["operator"]
        vals = f.get("values", [])
        if op in ("equals", "notEquals"):
            where.append(f"{col} {CUBE_OPS[op]} ({','.join('?' * len(vals))})")
            params += vals
        elif op == "contains":
            where.append(f"{col} LIKE ?")
            params.append(f"%{vals[0]}%")
        elif op == "inDateRange":
            where.append(f"{col} BETWEEN ? AND ?")
            params += vals[:2]
        else:
            where.append(f"{col} {CUBE_OPS[op]} ?")
            params.append(float(vals[0]))
    sql = f"SELECT {', '.join(sel)} FROM sales"
    if where:
        sql += " WHERE " + " AND ".join(where)
    if group:
        sql += " GROUP BY " + ", ".join(group)
    order = q.get("order")
    if isinstance(order, dict):
        order = list(order.items())
    if order:
        sql += " ORDER BY " + ", ".join(f"{keys.index(m) + 1} {d.upper()}" for m, d in order)
    sql += f" LIMIT {int(q.get('limit', 10000))}"
    with DB_LOCK:
        rows = DB.execute(sql, params).fetchall()
    data = []
    for r in rows:
        row = {}
        for k, v in zip(keys, r):
            # Cube sends measures as strings, times as ISO text
            row[k] = str(v) if k in MEASURE_SQL and v is not None else v
        data.append(row)
    ann = {"measures": {m: {"title": m, "shortTitle": m, "type": "number"} for m in q.get("measures", [])}, "dimensions": {}, "segments": {}, "timeDimensions": {}}
    return {"query": q, "data": data, "annotation": ann}


class Fake(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def cors(self):
        self.send_header("Access-Control-Allow-Origin", "*")
        # "*" does not cover Authorization: echo what the preflight asks for
        self.send_header("Access-Control-Allow-Headers", self.headers.get("Access-Control-Request-Headers") or "*")
        self.send_header("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS")
        self.send_header("Access-Control-Expose-Headers", "*")

    def reply(self, status, body, ctype="application/json", extra=None):
        if not isinstance(body, (bytes, bytearray)):
            body = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.cors()
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def record(self, key):
        with LOCK:
            LOG.setdefault(key, []).append({"method": self.command, "path": self.path})

    def count(self, key):
        with LOCK:
            COUNTS[key] = COUNTS.get(key, 0) + 1
            return COUNTS[key]

    def do_OPTIONS(self):
        self.send_response(204)
        self.cors()
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        self.route()

    def do_POST(self):
        self.route()

    def do_DELETE(self):
        self.route()

    def origin(self):
        return f"http://{self.headers.get('Host')}"

    def generic(self, raw):
        try:
            req = json.loads(raw or b"{}")
            return self.reply(200, run_sql(req["sql"]))
        except sqlite3.Error as e:
            return self.reply(400, {"error": str(e)})
        except Exception as e:  # noqa
            return self.reply(400, {"error": f"bad request: {e}"})

    def route(self):
        raw = self.body()
        path = urllib.parse.urlparse(self.path).path
        parts = [p for p in path.split("/") if p]
        if parts[:1] == ["log"] and len(parts) == 2:
            with LOCK:
                return self.reply(200, LOG.get(parts[1], []))
        if path == "/sql":
            return self.generic(raw)
        if parts[:2] == ["cubejs-api", "v1"] or parts[:3] == ["cube", "cubejs-api", "v1"]:
            return self.cube(parts, raw)
        if parts[:1] == ["trino"]:
            return self.trino(parts, raw)
        if path == "/v1/statement" and self.command == "POST":
            # A Trino-protocol source registered on this server: X-Trino-User is KIND_KEY.
            kind, _, key = (self.headers.get("X-Trino-User") or "").partition("_")
            if raw.decode(errors="replace").strip().upper().startswith("SHOW COLUMNS"):
                self.record(key)
                cols = [{"name": n, "type": "varchar"} for n in ("Column", "Type", "Extra", "Comment")]
                return self.reply(200, {"id": "d", "columns": cols, "data": [["region", "varchar", "", ""], ["n", "bigint", "", ""]], "stats": {"state": "FINISHED"}})
            return self.trino(["trino", kind, key], raw)
        if parts[:1] != ["fault"] or len(parts) < 2:
            return self.reply(404, {"error": "no such endpoint"})
        kind = parts[1]
        if kind == "status":
            code = int(parts[2])
            return self.reply(code, {"error": f"failure {code}; you sent Authorization: {self.headers.get('Authorization')}"})
        if kind == "flaky":
            key, n = parts[2], int(parts[3])
            self.record(key)
            if self.count(key) <= n:
                return self.reply(503, {"error": "try again"})
            return self.generic(raw)
        if kind == "slow":
            time.sleep(int(parts[2]) / 1000)
            return self.generic(raw)
        if kind == "malformed":
            return self.reply(200, b'{"columns": [{"name": "a"}], "rows": [[1], [2,', "application/json")
        if kind == "html":
            return self.reply(200, b"<html><body>Login</body></html>", "text/html; charset=utf-8")
        if kind == "truncated":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "100000")
            self.cors()
            self.end_headers()
            self.wfile.write(b'{"columns": ["a"], "rows": [' + b"[1]," * 20)
            self.wfile.flush()
            self.close_connection = True
            return
        if kind in ("enormous", "cut"):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.cors()
            self.end_headers()

            def chunk(b):
                self.wfile.write(f"{len(b):x}\r\n".encode() + b + b"\r\n")

            try:
                chunk(b'{"columns": ["a", "b"], "rows": [')
                row = b'[1, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],' * 1000
                for i in range(100000 if kind == "enormous" else 3):
                    chunk(row)
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.close_connection = True
            return
        if kind == "hangup":
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        return self.reply(404, {"error": "no such fault"})

    def trino(self, parts, raw):
        kind = parts[1] if len(parts) > 1 else ""
        key = parts[2] if len(parts) > 2 else kind
        self.record(key)
        base = self.origin()
        stats = lambda state, pct, rows: {"state": state, "progressPercentage": pct, "processedRows": rows, "processedBytes": rows * 10, "elapsedTimeMillis": 12}
        cols = [{"name": "region", "type": "varchar"}, {"name": "n", "type": "bigint"}]
        if kind == "progress":
            step = int(parts[3]) if len(parts) > 3 else 0
            pages = {
                0: {"id": key, "nextUri": f"{base}/trino/progress/{key}/1", "stats": stats("QUEUED", 0.0, 0)},
                1: {"id": key, "nextUri": f"{base}/trino/progress/{key}/2", "stats": stats("RUNNING", 40.0, 400), "columns": cols},
                2: {"id": key, "nextUri": f"{base}/trino/progress/{key}/3", "stats": stats("RUNNING", 80.0, 800), "columns": cols, "data": [["North", 1], ["South", 2]]},
                3: {"id": key, "stats": stats("FINISHED", 100.0, 1000), "columns": cols, "data": [["East", 3]]},
            }
            return self.reply(200, pages.get(step, {"error": {"message": "gone"}}))
        if kind == "hang":
            if self.command == "DELETE":
                return self.reply(204, b"")
            time.sleep(0.05)
            return self.reply(200, {"id": key, "nextUri": f"{base}/trino/hang/{key}", "partialCancelUri": f"{base}/trino/hang/{key}/cancel", "stats": stats("RUNNING", 10.0, 10)})
        if kind == "elsewhere":
            return self.reply(200, {"id": "x", "nextUri": "http://198.51.100.7:9/v1/statement/x/1", "stats": stats("QUEUED", 0.0, 0)})
        if kind == "error":
            return self.reply(200, {"id": "x", "stats": stats("FAILED", 0.0, 0), "error": {"message": "line 1:8: Column 'nope' cannot be resolved", "errorCode": 47, "errorName": "COLUMN_NOT_FOUND", "errorType": "USER_ERROR"}})
        return self.reply(404, {"error": "no such trino fault"})

    def cube(self, parts, raw):
        what = parts[-1]
        self.record("cube")
        auth = self.headers.get("Authorization")
        if auth != "cube-token":
            return self.reply(403, {"error": "Invalid token"})
        if what == "meta":
            return self.reply(200, CUBE_META)
        if what == "load":
            req = json.loads(raw or b"{}")
            q = req.get("query", {})
            # Cube answers "Continue wait" while a query is being computed: here every other
            # time a query is asked, so each client sees one wait before the data.
            key = "cube:" + json.dumps(q, sort_keys=True)
            if self.count(key) % 2 == 1:
                return self.reply(200, {"error": "Continue wait"})
            try:
                return self.reply(200, cube_load(q))
            except Exception as e:  # noqa
                return self.reply(400, {"error": f"Error: {e}"})
        return self.reply(404, {"error": "no such endpoint"})


# ---------------------------------------------------------------- the CORS proxy

class Proxy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    upstream = None

    def log_message(self, *a):
        pass

    def cors(self):
        self.send_header("Access-Control-Allow-Origin", "*")
        # "*" does not cover Authorization: echo what the preflight asks for
        self.send_header("Access-Control-Allow-Headers", self.headers.get("Access-Control-Request-Headers") or "*")
        self.send_header("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS")
        self.send_header("Access-Control-Expose-Headers", "*")

    def do_OPTIONS(self):
        self.send_response(204)
        self.cors()
        self.send_header("Content-Length", "0")
        self.end_headers()

    def forward(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else None
        host, port = self.upstream
        conn = HTTPConnection(host, port, timeout=600)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "keep-alive", "origin", "referer")}
        try:
            conn.request(self.command, self.path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
        except Exception as e:  # noqa
            data = f"proxy: upstream failed: {e}".encode()
            self.send_response(502)
            self.send_header("Content-Length", str(len(data)))
            self.cors()
            self.end_headers()
            self.wfile.write(data)
            return
        self.send_response(resp.status)
        for k, v in resp.getheaders():
            if k.lower() not in ("transfer-encoding", "connection", "content-length", "keep-alive") and not k.lower().startswith("access-control-"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.cors()
        self.end_headers()
        self.wfile.write(data)
        self.close_connection = True

    do_GET = forward
    do_POST = forward
    do_DELETE = forward


def wait(url, seconds):
    import urllib.error
    import urllib.request

    end = time.time() + seconds
    while time.time() < end:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return 0
        except urllib.error.HTTPError:
            return 0
        except Exception:  # noqa
            time.sleep(0.25)
    return 1


def ch_load(url, data_dir):
    import urllib.request

    def q(sql, body=None):
        full = url + "/?query=" + urllib.parse.quote(sql)
        req = urllib.request.Request(full, data=body if body is not None else b"", method="POST")
        urllib.request.urlopen(req, timeout=120).read()

    q("DROP TABLE IF EXISTS sales")
    q("DROP TABLE IF EXISTS big")
    q("CREATE TABLE sales (id UInt32, region String, product String, day Date, qty Int32, amount Float64) ENGINE = MergeTree ORDER BY id")
    q("CREATE TABLE big (id UInt32, region String, product String, qty Int32, amount Float64, note String) ENGINE = MergeTree ORDER BY id")
    for name in ("sales", "big"):
        with open(os.path.join(data_dir, f"{name}.csv"), "rb") as f:
            q(f"INSERT INTO {name} FORMAT CSVWithNames", f.read())


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "data":
        write_data(sys.argv[2])
    elif cmd == "free-port":
        print(free_port())
    elif cmd == "wait":
        sys.exit(wait(sys.argv[2], float(sys.argv[3])))
    elif cmd == "ch-load":
        ch_load(sys.argv[2], sys.argv[3])
    elif cmd == "fake":
        global DB
        DB = load_db(sys.argv[3])
        srv = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[2])), Fake)
        srv.daemon_threads = True
        srv.serve_forever()
    elif cmd == "proxy":
        host, port = sys.argv[3].rsplit(":", 1)
        Proxy.upstream = (host, int(port))
        srv = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[2])), Proxy)
        srv.daemon_threads = True
        srv.serve_forever()
    else:
        print(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main()
