#!/usr/bin/env python3
"""Writes the small test fixtures in tests/fixtures/ and their expected values.

Sources: real public data from the npm package vega-datasets (node_modules/vega-datasets/data/,
installed by `npm install`) and a few generated, deterministic files. Needs pyarrow and pandas
(`pip install pyarrow pandas`). Run from anywhere:

    python3 scripts/make_fixtures.py

Every fixture stays under 60 KB. `tests/fixtures/expected.json` holds the row counts and the
aggregates the Node tests (tests/node/api.test.mjs) compare against; they are computed here
independently of insightflow: row counts from pyarrow file metadata or Python's csv/json
modules, aggregates with pandas.
"""

import csv
import io
import json
import random
import struct
import sys
import zlib
from pathlib import Path

try:
    import pandas as pd
    import pyarrow as pa
    import pyarrow.csv as pa_csv
    import pyarrow.ipc as ipc
    import pyarrow.parquet as pq
except ImportError:  # pragma: no cover
    sys.exit("make_fixtures.py needs pyarrow and pandas: pip install pyarrow pandas")

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "node_modules" / "vega-datasets" / "data"
OUT = ROOT / "tests" / "fixtures"
MAX_BYTES = 60 * 1024
# Text the library reads as null in CSV by default (see README: nullValues).
CSV_NULLS = ["", "NA", "N/A", "null", "NULL", "None"]

if not (DATA / "seattle-weather.csv").exists():
    sys.exit(f"{DATA} is missing: run `npm install` in {ROOT} first")
OUT.mkdir(parents=True, exist_ok=True)

expected = {
    "_about": "Written by scripts/make_fixtures.py: row counts from pyarrow metadata / Python csv+json "
    "modules, aggregates from pandas. Floats compare with 1e-9 relative tolerance.",
    "files": {},
}
written = []


def write_bytes(name: str, data: bytes) -> Path:
    path = OUT / name
    path.write_bytes(data)
    written.append(path)
    return path


def write_text(name: str, text: str) -> Path:
    # newline='' semantics: the text is written byte for byte (no platform newline translation)
    return write_bytes(name, text.encode("utf-8"))


def csv_record_count(path: Path, delimiter: str) -> int:
    """Data records (not lines: quoted fields may hold newlines), header excluded."""
    with open(path, newline="", encoding="utf-8") as f:
        return sum(1 for _ in csv.reader(f, delimiter=delimiter)) - 1


def py(v):
    """A pandas/numpy scalar as plain JSON (None for NaN/NaT)."""
    if v is None or (isinstance(v, float) and v != v):
        return None
    if pd.isna(v):
        return None
    if hasattr(v, "item"):
        return v.item()
    return v


# ---------------------------------------------------------------------------------------------
# seattle-weather: Parquet (4 compressions), Arrow IPC file and stream, date as date32
# ---------------------------------------------------------------------------------------------
weather_csv = DATA / "seattle-weather.csv"
weather = pa_csv.read_csv(weather_csv)
weather = weather.set_column(
    weather.schema.get_field_index("date"), "date", weather.column("date").cast(pa.date32())
)
assert weather.schema.field("date").type == pa.date32()
wdf = pd.read_csv(weather_csv, parse_dates=["date"])
assert len(wdf) == weather.num_rows

for comp in ["snappy", "zstd", "gzip", "none"]:
    path = OUT / f"weather-{comp}.parquet"
    pq.write_table(weather, path, compression=comp)
    written.append(path)
    meta = pq.ParquetFile(path).metadata
    codecs = {meta.row_group(i).column(j).compression for i in range(meta.num_row_groups) for j in range(meta.num_columns)}
    expected["files"][path.name] = {
        "rowCount": meta.num_rows,
        "columns": meta.schema.to_arrow_schema().names,
        "codec": sorted(codecs),
    }

# The uncompressed Arrow IPC file of all six columns is 65 KB: the Arrow fixtures leave out
# `wind` (real values, every row; no IPC buffer compression) to stay under 60 KB.
weather_arrow = weather.drop_columns(["wind"])
path = OUT / "weather.arrow"
with ipc.new_file(path, weather_arrow.schema) as w:
    w.write_table(weather_arrow)
written.append(path)
with ipc.open_file(path) as r:
    t = r.read_all()
    expected["files"][path.name] = {"rowCount": t.num_rows, "columns": t.schema.names}

path = OUT / "weather.arrows"
with ipc.new_stream(path, weather_arrow.schema) as w:
    # several record batches, as a streaming writer would produce
    for batch in weather_arrow.to_batches(max_chunksize=500):
        w.write_batch(batch)
written.append(path)
with ipc.open_stream(path) as r:
    t = r.read_all()
    expected["files"][path.name] = {"rowCount": t.num_rows, "columns": t.schema.names}

by_weather = {}
for name, g in wdf.groupby("weather"):
    by_weather[name] = {
        "count": int(len(g)),
        "sumPrecipitation": float(g["precipitation"].sum()),
        "maxTempMax": float(g["temp_max"].max()),
    }
first = wdf.sort_values("date").iloc[0]
expected["weather"] = {
    "source": "vega-datasets/data/seattle-weather.csv",
    "sourceRowCount": csv_record_count(weather_csv, ","),
    "rowCount": int(len(wdf)),
    "minDate": wdf["date"].min().strftime("%Y-%m-%d"),
    "maxDate": wdf["date"].max().strftime("%Y-%m-%d"),
    "sumPrecipitation": float(wdf["precipitation"].sum()),
    "avgTempMax": float(wdf["temp_max"].mean()),
    "byWeather": by_weather,
    "rowsIn2015": int((wdf["date"].dt.year == 2015).sum()),
    "firstRow": {
        "date": first["date"].strftime("%Y-%m-%d"),
        "precipitation": float(first["precipitation"]),
        "temp_max": float(first["temp_max"]),
        "temp_min": float(first["temp_min"]),
        "weather": first["weather"],
    },
}

# ---------------------------------------------------------------------------------------------
# bigint.parquet: int64 values a JS number cannot hold exactly
# ---------------------------------------------------------------------------------------------
big_values = [1, 2**53 + 1, -(2**53) - 5]
big = pa.table(
    {
        "id": pa.array(big_values, type=pa.int64()),
        "label": pa.array(["one", "two-pow-53-plus-1", "minus-two-pow-53-minus-5"], type=pa.string()),
    }
)
path = OUT / "bigint.parquet"
pq.write_table(big, path, compression="snappy")
written.append(path)
back = pq.read_table(path)
assert back.column("id").to_pylist() == big_values
expected["files"][path.name] = {"rowCount": pq.ParquetFile(path).metadata.num_rows, "columns": back.schema.names}
expected["bigint"] = {
    "rows": [{"id": str(v), "label": l} for v, l in zip(big_values, back.column("label").to_pylist())],
    "sumId": str(sum(big_values)),
}

# ---------------------------------------------------------------------------------------------
# quoting.csv: RFC 4180 quoting, nulls, an ISO date column
# ---------------------------------------------------------------------------------------------
quoting = (
    "id,name,comment,amount,day\r\n"
    '1,"Smith, John","He said ""hi""",10.5,2024-01-15\r\n'
    "2,O'Brien,,NA,2024-02-29\r\n"
    '3,"Multi\nline",plain,7,2024-03-01\r\n'
    '4,NA,"a, b, c",,2024-12-31\r\n'
    '5,Zoë,"quote "" and, comma",3.25,\r\n'
    '6,"  padded  ",N/A,-1.75,2023-07-04\r\n'
)
path = write_text("quoting.csv", quoting)
qdf = pd.read_csv(path, keep_default_na=False, na_values=CSV_NULLS, parse_dates=["day"])
qdf["day"] = qdf["day"].dt.strftime("%Y-%m-%d")
expected["files"][path.name] = {"rowCount": csv_record_count(path, ","), "columns": list(qdf.columns)}
assert expected["files"][path.name]["rowCount"] == len(qdf) == 6
expected["quoting"] = {
    "rows": [{k: py(v) for k, v in rec.items()} for rec in qdf.to_dict("records")],
    "nullCounts": {c: int(qdf[c].isna().sum()) for c in qdf.columns},
    "sumAmount": float(qdf["amount"].sum()),
    "columnTypes": {"id": "integer", "name": "string", "comment": "string", "amount": "number", "day": "date"},
}

# ---------------------------------------------------------------------------------------------
# semicolon.csv: the first 60 cars of vega-datasets cars.json, ';' separated
# ---------------------------------------------------------------------------------------------
cars_path = DATA / "cars.json"
cars = pd.read_json(cars_path, dtype=False)
semi = cars.head(60)
path = OUT / "semicolon.csv"
semi.to_csv(path, sep=";", index=False, lineterminator="\n")
written.append(path)
sdf = pd.read_csv(path, sep=";", keep_default_na=False, na_values=CSV_NULLS)
expected["files"][path.name] = {"rowCount": csv_record_count(path, ";"), "columns": list(sdf.columns)}
expected["semicolon"] = {
    "sumCylinders": int(sdf["Cylinders"].sum()),
    "nullHorsepower": int(sdf["Horsepower"].isna().sum()),
    "nullMilesPerGallon": int(sdf["Miles_per_Gallon"].isna().sum()),
    "avgWeight": float(sdf["Weight_in_lbs"].mean()),
    "byOrigin": {k: int(v) for k, v in sdf.groupby("Origin").size().items()},
}

# ---------------------------------------------------------------------------------------------
# people.tsv: vega-datasets lookup_people.csv plus generated city and joined-date columns
# ---------------------------------------------------------------------------------------------
people = pd.read_csv(DATA / "lookup_people.csv")
cities = ["Oslo", "Washington, D.C.", "São Paulo", "New York", "Zürich"]
people["city"] = [cities[i % len(cities)] for i in range(len(people))]
people["joined"] = [f"2020-{(i % 12) + 1:02d}-{(i * 3) % 28 + 1:02d}" for i in range(len(people))]
path = OUT / "people.tsv"
people.to_csv(path, sep="\t", index=False, lineterminator="\n")
written.append(path)
pdf = pd.read_csv(path, sep="\t")
expected["files"][path.name] = {"rowCount": csv_record_count(path, "\t"), "columns": list(pdf.columns)}
expected["people"] = {
    "sumAge": int(pdf["age"].sum()),
    "avgHeight": float(pdf["height"].mean()),
    "oldest": pdf.sort_values("age", ascending=False).iloc[0]["name"],
    "commaCity": "Washington, D.C.",
    "commaCityCount": int((pdf["city"] == "Washington, D.C.").sum()),
}

# ---------------------------------------------------------------------------------------------
# rows.ndjson: every other penguin of vega-datasets penguins.json, one object per line
# ---------------------------------------------------------------------------------------------
penguins = json.loads((DATA / "penguins.json").read_text(encoding="utf-8"))
subset = penguins[::2]
path = write_text("rows.ndjson", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in subset))
nd = pd.read_json(path, lines=True)
with open(path, encoding="utf-8") as f:
    nd_lines = sum(1 for line in f if line.strip())
expected["files"][path.name] = {"rowCount": nd_lines, "columns": list(nd.columns)}
expected["ndjson"] = {
    "bySpecies": {k: int(v) for k, v in nd.groupby("Species").size().items()},
    "avgBodyMass": float(nd["Body Mass (g)"].mean()),
    "nullBodyMass": int(nd["Body Mass (g)"].isna().sum()),
    "nullSex": int(nd["Sex"].isna().sum()),
}

# ---------------------------------------------------------------------------------------------
# rows.json: vega-datasets stocks.csv as an array of objects with ISO date strings
# ---------------------------------------------------------------------------------------------
stocks = pd.read_csv(DATA / "stocks.csv")
stocks["date"] = pd.to_datetime(stocks["date"], format="%b %d %Y").dt.strftime("%Y-%m-%d")
path = write_text("rows.json", json.dumps(stocks.to_dict("records"), separators=(",", ":")))
js = json.loads(path.read_text(encoding="utf-8"))
expected["files"][path.name] = {"rowCount": len(js), "columns": list(js[0].keys())}
sj = pd.DataFrame(js)
expected["json"] = {
    "minDate": sj["date"].min(),
    "maxDate": sj["date"].max(),
    "bySymbol": {
        k: {"count": int(len(g)), "sumPrice": float(g["price"].sum()), "firstDate": g["date"].min()}
        for k, g in sj.groupby("symbol")
    },
}

# ---------------------------------------------------------------------------------------------
# cars.json straight from vega-datasets (not copied: the tests read node_modules)
# ---------------------------------------------------------------------------------------------
expected["cars"] = {
    "source": "vega-datasets/data/cars.json",
    "rowCount": len(json.loads(cars_path.read_text(encoding="utf-8"))),
    "byOrigin": {k: int(v) for k, v in cars.groupby("Origin").size().items()},
    "avgHorsepowerByOrigin": {k: float(v) for k, v in cars.groupby("Origin")["Horsepower"].mean().items()},
}

# ---------------------------------------------------------------------------------------------
# Bad files
# ---------------------------------------------------------------------------------------------
bad = {}
write_bytes("empty.csv", b"")
bad["empty.csv"] = {"code": "EMPTY_INPUT"}

snappy = (OUT / "weather-snappy.parquet").read_bytes()
write_bytes("truncated.parquet", snappy[: int(len(snappy) * 0.6)])
bad["truncated.parquet"] = {"code": "BAD_FILE"}

rng = random.Random(20240601)
garbage = bytearray(rng.getrandbits(8) for _ in range(4096))
garbage[0:4] = b"\x00\x13\x37\xfe"  # starts with a NUL: no magic number of any known format
for i in range(0, len(garbage), 61):
    garbage[i] = 0
write_bytes("garbage.bin", bytes(garbage))
bad["garbage.bin"] = {"code": "UNSUPPORTED_FORMAT"}

mislabelled = "city,sales\nOslo,10\nBergen,20\nTromsø,30\n"
write_text("mislabelled.parquet", mislabelled)
bad["mislabelled.parquet"] = {"code": "BAD_FILE", "options": {"format": "parquet"},
                              "asCsvRowCount": csv_record_count(OUT / "mislabelled.parquet", ",")}


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


w, h = 4, 4
# each scanline: filter byte 0, then RGB triples
raw = b"".join(b"\x00" + b"".join(bytes((x * 60, y * 60, 128)) for x in range(w)) for y in range(h))
png = (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
       + png_chunk(b"IDAT", zlib.compress(raw, 9)) + png_chunk(b"IEND", b""))
write_bytes("image.png", png)
bad["image.png"] = {"code": "UNSUPPORTED_FORMAT"}

write_text("bad.json", '[{"a": 1}, {"a": ')
bad["bad.json"] = {"code": "BAD_FILE"}
expected["bad"] = bad

# ---------------------------------------------------------------------------------------------
path = OUT / "expected.json"
path.write_text(json.dumps(expected, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
written.append(path)

too_big = [p for p in written if p.stat().st_size >= MAX_BYTES]
print(f"wrote {len(written)} files to {OUT.relative_to(ROOT)}/ (pyarrow {pa.__version__}, pandas {pd.__version__})")
for p in written:
    rows = expected["files"].get(p.name, {}).get("rowCount")
    extra = f"  {rows} rows" if rows is not None else ("  (bad: " + bad[p.name]["code"] + ")" if p.name in bad else "")
    print(f"  {p.name:<24}{p.stat().st_size:>7} B{extra}")
print("weather by type:", {k: v["count"] for k, v in by_weather.items()},
      f"rows {expected['weather']['rowCount']}, {expected['weather']['minDate']}..{expected['weather']['maxDate']}")
print("cars by origin:", expected["cars"]["byOrigin"])
if too_big:
    sys.exit("fixtures over 60 KB: " + ", ".join(p.name for p in too_big))
