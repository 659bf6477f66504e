"""Small Parquet and Arrow IPC seeds (under 4 KB each) for the ingest fuzz target.

Long fuzz runs use a small -max_len for speed; the fixtures in tests/fixtures are larger than
that, so these cover every column type, encoding and compression the readers meet in a few
rows. Written by pyarrow (a different writer than the one being fuzzed).
Run: python3 -m pip install pyarrow && python3 fuzz/seeds/make.py   (outputs are committed)
"""
import datetime as dt
import decimal
import io
import os

import pyarrow as pa
import pyarrow.ipc as ipc
import pyarrow.parquet as pq

HERE = os.path.dirname(os.path.abspath(__file__))
FORMAT = {"parquet": b"\x05", "arrow": b"\x06", "arrows": b"\x07"}


def table(n=6):
    rng = range(n)
    return pa.table({
        "i8": pa.array([i - 3 for i in rng], pa.int8()),
        "u16": pa.array([i * 1000 for i in rng], pa.uint16()),
        "i64": pa.array([None if i == 2 else i * 10**12 for i in rng], pa.int64()),
        "f32": pa.array([0.5 * i for i in rng], pa.float32()),
        "f64": pa.array([float("nan"), float("inf"), -0.0, 1e300, None, 3.25][:n], pa.float64()),
        "dec": pa.array([decimal.Decimal(f"{i}.25") for i in rng], pa.decimal128(15, 2)),
        "b": pa.array([i % 2 == 0 if i != 4 else None for i in rng], pa.bool_()),
        "s": pa.array(["North", "South", None, "", "O'Brien", "Ünïcode"][:n], pa.string()),
        "ls": pa.array(["x" * i for i in rng], pa.large_string()),
        "bin": pa.array([bytes([i]) * i for i in rng], pa.binary()),
        "d": pa.array([dt.date(2021, 1, 1) + dt.timedelta(days=40 * i) for i in rng], pa.date32()),
        "ts": pa.array([dt.datetime(2021, 3, 1, 12) + dt.timedelta(hours=i) for i in rng], pa.timestamp("ms")),
        "tz": pa.array([dt.datetime(2021, 3, 1) + dt.timedelta(minutes=i) for i in rng], pa.timestamp("us", tz="UTC")),
        "t": pa.array([dt.time(i, 30) for i in rng], pa.time64("us")),
        "dur": pa.array([i * 1000 for i in rng], pa.duration("ms")),
        "cat": pa.array(["a", "b", "a", None, "b", "a"][:n]).dictionary_encode(),
        "lst": pa.array([[i, i + 1] if i != 3 else None for i in rng], pa.list_(pa.int32())),
        "st": pa.array([{"x": i, "y": str(i)} for i in rng]),
    })


def write(name, fmt, data):
    assert len(data) < 4096, (name, len(data))
    with open(os.path.join(HERE, f"{name}.bin"), "wb") as f:
        f.write(FORMAT[fmt] + data)


def parquet(t, **kw):
    buf = io.BytesIO()
    pq.write_table(t, buf, **kw)
    return buf.getvalue()


full = table()
narrow = full.select(["i64", "f64", "s", "d", "b"])
numbers = full.select(["i8", "u16", "i64", "f32", "f64", "dec", "b"])
others = full.select(["s", "ls", "bin", "d", "ts", "tz", "t", "dur", "cat"])
write("pq-numbers", "parquet", parquet(numbers, compression="none"))
write("pq-text-time", "parquet", parquet(others, compression="none"))
write("pq-no-arrow-schema", "parquet", parquet(others, compression="none", store_schema=False))
write("pq-v2-dict", "parquet", parquet(full.select(["i8", "f64", "s", "cat", "ts"]), data_page_version="2.0", compression="none"))
for codec in ["snappy", "zstd", "gzip", "lz4", "brotli"]:
    write(f"pq-{codec}", "parquet", parquet(narrow, compression=codec))
write("pq-no-dict", "parquet", parquet(narrow, use_dictionary=False, compression="none"))
write("pq-delta", "parquet", parquet(full.select(["i64", "u16", "s", "bin"]), use_dictionary=False, compression="none",
                                     column_encoding={"i64": "DELTA_BINARY_PACKED", "u16": "DELTA_BINARY_PACKED",
                                                      "s": "DELTA_BYTE_ARRAY", "bin": "DELTA_LENGTH_BYTE_ARRAY"}))
write("pq-byte-stream-split", "parquet", parquet(full.select(["f32", "f64"]), use_dictionary=False, compression="none",
                                                 column_encoding={"f32": "BYTE_STREAM_SPLIT", "f64": "BYTE_STREAM_SPLIT"}))
write("pq-row-groups", "parquet", parquet(narrow, row_group_size=2, compression="none"))
write("pq-nested", "parquet", parquet(full.select(["lst", "st"]), compression="none"))
write("pq-empty", "parquet", parquet(narrow.slice(0, 0), compression="none"))
write("pq-stats-off", "parquet", parquet(narrow, write_statistics=False, compression="none"))

for name, t in [("numbers", numbers), ("text-time", others), ("nested", full.select(["lst", "st"])), ("narrow", narrow), ("empty", narrow.slice(0, 0))]:
    buf = io.BytesIO()
    with ipc.new_file(buf, t.schema) as w:
        w.write_table(t)
    write(f"ipc-file-{name}", "arrow", buf.getvalue())
    buf = io.BytesIO()
    with ipc.new_stream(buf, t.schema) as w:
        w.write_table(t, max_chunksize=3)
    write(f"ipc-stream-{name}", "arrows", buf.getvalue())
for codec in ["lz4", "zstd"]:
    buf = io.BytesIO()
    with ipc.new_file(buf, narrow.schema, options=ipc.IpcWriteOptions(compression=codec)) as w:
        w.write_table(narrow)
    write(f"ipc-file-{codec}", "arrow", buf.getvalue())
print("seeds written")
