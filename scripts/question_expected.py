#!/usr/bin/env python3
"""Expected answers for the question evaluation, computed independently of insightflow.

Reads the hand-written question sets (tests/questions/dev.py and heldout.py), loads the
vega-datasets 2.x files from node_modules with DuckDB (pip: duckdb), runs each question's
DuckDB SQL and writes tests/questions/expected.json (question, category, split, expected
intent, expected clarification options and the expected result table).

Checks that keep the expected answers well defined:
  * ranking questions (ordered=True with a LIMIT) must not have a tie at the cut-off (ties
    inside are fine: rows are compared as a set, the ranked values in order);
  * distribution questions state their bin width, which must follow the documented rule
    (the smallest 1/2/5 x 10^k step giving at most 20 bins over [min, max]).

Usage: python3 scripts/question_expected.py   (from the repository root)
"""

import datetime
import decimal
import importlib.util
import json
import math
import os
import re
import sys

import duckdb

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "node_modules", "vega-datasets", "data")
OUT = os.path.join(ROOT, "tests", "questions", "expected.json")

TABLES = {
    "cars": "cars.json",
    "weather": "seattle-weather.csv",
    "stocks": "stocks.csv",
    "movies": "movies.json",
    "flights": "flights-2k.json",
    "penguins": "penguins.json",
}


def load(con):
    for name, file in TABLES.items():
        path = os.path.join(DATA, file)
        reader = "read_json_auto" if file.endswith(".json") else "read_csv_auto"
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM {reader}('{path}')")
    # Some movie titles are JSON numbers: keep them as text.
    con.execute("CREATE OR REPLACE TABLE movies AS SELECT * REPLACE (Title->>'$' AS Title) FROM movies")
    # Text dates: stocks / movies ("Jan 1 2000"), flights ("2001/01/14 21:55").
    con.execute("CREATE MACRO sdate(s) AS CAST(strptime(s, '%b %d %Y') AS DATE)")
    con.execute("CREATE MACRO fdate(s) AS strptime(s, '%Y/%m/%d %H:%M')")


def cell(v):
    if v is None:
        return None
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        return None if math.isnan(v) else v
    if isinstance(v, decimal.Decimal):
        return float(v)
    if isinstance(v, datetime.datetime):
        if v.time() == datetime.time(0):
            return v.date().isoformat()
        return v.isoformat()
    if isinstance(v, datetime.date):
        return v.isoformat()
    return str(v)


def nice_step(lo, hi):
    span = hi - lo
    if span <= 0:
        return 1
    k = math.floor(math.log10(span / 20))
    for exp in (k - 1, k, k + 1):
        for m in (1, 2, 5):
            step = m * 10 ** exp
            if span / step <= 20 + 1e-9:
                return step
    return 10 ** (k + 2)


def load_set(path):
    spec = importlib.util.spec_from_file_location(os.path.basename(path)[:-3], path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.QUESTIONS


def main():
    con = duckdb.connect()
    load(con)
    out, problems = [], []
    for split in ("dev", "heldout"):
        for q in load_set(os.path.join(ROOT, "tests", "questions", f"{split}.py")):
            item = {
                "id": q["id"], "split": split, "table": q["ds"], "category": q["cat"],
                "question": q["q"], "ordered": q.get("ordered", False),
            }
            if "clarify" in q:
                item["clarify"] = q["clarify"]
            if "answer" in q:
                item["answer"] = q["answer"]
            if "intent" in q:
                item["intent"] = q["intent"]
            if "sql" in q:
                rel = con.execute(q["sql"])
                columns = [d[0] for d in rel.description]
                rows = [[cell(v) for v in r] for r in rel.fetchall()]
                item["result"] = {"columns": columns, "rows": rows}
                m = re.search(r"LIMIT\s+(\d+)\s*$", q["sql"].strip(), re.I)
                if q.get("ordered") and m:
                    n = int(m.group(1))
                    more = con.execute(re.sub(r"LIMIT\s+\d+\s*$", f"LIMIT {n + 1}", q["sql"].strip(), flags=re.I)).fetchall()
                    keys = [r[-1] for r in more]
                    if len(keys) > n and keys[n - 1] == keys[n]:
                        problems.append(f"{q['id']}: tie at the cut-off of the ranking {keys}")
            if "bin" in q:
                table, col, step = q["bin"]
                lo, hi = con.execute(f'SELECT MIN("{col}"), MAX("{col}") FROM {table}').fetchone()
                want = nice_step(float(lo), float(hi))
                if abs(want - step) > 1e-12:
                    problems.append(f"{q['id']}: bin width {step} but the rule gives {want} over [{lo}, {hi}]")
            out.append(item)
    ids = [i["id"] for i in out]
    if len(ids) != len(set(ids)):
        problems.append("duplicate ids")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        sys.exit(1)
    with open(OUT, "w") as f:
        json.dump(out, f, indent=None, separators=(",", ":"))
        f.write("\n")
    n_dev = sum(1 for i in out if i["split"] == "dev")
    print(f"wrote {OUT}: {len(out)} questions ({n_dev} dev, {len(out) - n_dev} held-out)")


if __name__ == "__main__":
    main()
