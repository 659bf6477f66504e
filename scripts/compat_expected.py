#!/usr/bin/env python3
"""Writes the expected results of the SQL compatibility suite (tests/compat.rs) with DuckDB.

    pip install duckdb pyarrow
    python3 scripts/compat_expected.py

DuckDB gets exactly the tables insightflow has: the Rust test `export_tables` writes each
registered table (vega-datasets files, TPC-H SF 0.01 Parquet from scripts/tpch_data.sh) as
an Arrow IPC stream, and they are loaded from there, so both engines see the same values and
types. Each corpus entry (tests/compat/*.sql, `-- name:` separated) runs in DuckDB; the
result goes to tests/compat/expected/<corpus>.json as {name: {columns, rows}} (or
{name: {duckdb_error}} when DuckDB itself refuses the query). Values: numbers as JSON
numbers (decimals as floats), dates and timestamps as ISO 8601 text, NULL as null.
Only the committed JSON is needed to run the suite; DuckDB is not.
"""
import datetime
import decimal
import json
import math
import os
import re
import subprocess
import sys
import tempfile

import duckdb
import pyarrow.ipc

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COMPAT = os.path.join(ROOT, "tests", "compat")
SUITES = {
    "vega": ["cars", "weather", "stocks", "movies", "airports", "flights", "gapminder", "penguins", "barley", "population", "iowa", "jobs"],
    "tpch": ["customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier"],
}


def export_tables(out_dir):
    cmd = "source scripts/env.sh && cargo test -q --test compat export_tables -- --ignored --exact"
    env = dict(os.environ, COMPAT_EXPORT_DIR=out_dir)
    subprocess.run(["bash", "-c", cmd], cwd=ROOT, env=env, check=True)


def corpus(path):
    cases = []
    with open(path) as f:
        for line in f:
            t = line.strip()
            if t.startswith("-- name:"):
                cases.append({"name": t[len("-- name:"):].strip(), "sql": ""})
            elif t == "-- ordered":
                continue
            elif cases and (not t.startswith("--") or cases[-1]["sql"]):
                cases[-1]["sql"] += line
    for c in cases:
        c["sql"] = c["sql"].strip().rstrip(";").strip()
    return cases


def duckdb_sql(sql):
    # TPC-H's `interval '90' day (3)` (leading field precision) is not DuckDB syntax
    return re.sub(r"\b(year|month|day|hour|minute|second)\s*\(\s*\d+\s*\)", r"\1", sql, flags=re.I)


def norm(v):
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "Infinity" if v > 0 else "-Infinity"
        return v
    if isinstance(v, decimal.Decimal):
        return float(v)
    if isinstance(v, datetime.datetime):
        return v.isoformat()
    if isinstance(v, datetime.date):
        return v.isoformat()
    if isinstance(v, datetime.time):
        return v.isoformat()
    if isinstance(v, datetime.timedelta):
        return v.total_seconds() * 1000.0
    if isinstance(v, (list, tuple)):
        return [norm(x) for x in v]
    if isinstance(v, dict):
        return {k: norm(x) for k, x in v.items()}
    return str(v)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        export_tables(tmp)
        for suite, tables in SUITES.items():
            con = duckdb.connect()
            con.execute("SET threads TO 1")
            for t in tables:
                with open(os.path.join(tmp, t + ".arrow"), "rb") as f:
                    arrow = pyarrow.ipc.open_stream(f).read_all()
                con.register(t + "_arrow", arrow)
                con.execute(f'CREATE TABLE "{t}" AS SELECT * FROM "{t}_arrow"')
                con.unregister(t + "_arrow")
            out = {}
            for case in corpus(os.path.join(COMPAT, suite + ".sql")):
                try:
                    cur = con.execute(duckdb_sql(case["sql"]))
                    cols = [d[0] for d in cur.description]
                    rows = [[norm(x) for x in r] for r in cur.fetchall()]
                    out[case["name"]] = {"columns": cols, "rows": rows}
                except duckdb.Error as e:
                    out[case["name"]] = {"duckdb_error": str(e).splitlines()[0]}
                    print(f"{suite}/{case['name']}: DuckDB error: {e}", file=sys.stderr)
            path = os.path.join(COMPAT, "expected", suite + ".json")
            with open(path, "w") as f:
                f.write("{\n")
                items = sorted(out.items())
                for i, (name, res) in enumerate(items):
                    sep = "," if i + 1 < len(items) else ""
                    f.write(f"{json.dumps(name)}: {json.dumps(res, ensure_ascii=False)}{sep}\n")
                f.write("}\n")
            print(f"{path}: {len(out)} results")


if __name__ == "__main__":
    main()
