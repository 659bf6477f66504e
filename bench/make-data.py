"""Derived benchmark files, written with pyarrow (cached: a file that exists is kept).

  python3 bench/make-data.py <cache-dir> <scale factor>...

- <cache-dir>/bench/data-1m.parquet: the same rows as data-1m.csv (written by
  bench/gen-data.mjs), same column types the CSV readers infer (int64, string, int64,
  float64), one row group per 1 M rows, snappy (pyarrow's default).
- <cache-dir>/tpch/sf<N>/arrow/<table>.arrows: every TPC-H table as an Arrow IPC stream with
  the Parquet file's types (decimal128, date32, int64/int32) except string_view -> utf8. For
  DuckDB-WASM: since 1.29 its Parquet reader is an extension fetched at run time from
  extensions.duckdb.org (not in the npm package), which a page that serves only its own files
  cannot load; Arrow IPC goes in through its built-in insertArrowFromIPCStream.
- <cache-dir>/tpch/sf<N>/arquero/<table>.arrow: for Arquero, which has no Parquet reader,
  the TPC-H columns its hand-written pipelines read, as an uncompressed Arrow IPC file:
  decimals as float64, keys as int32, low-cardinality strings dictionary-encoded. Only the
  query is timed for Arquero on TPC-H, never this load.
"""
import os
import sys

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

# Columns the Arquero pipelines (bench/page/arquero-tpch.js) read, per table.
ARQUERO_COLUMNS = {
    "lineitem": ["l_orderkey", "l_suppkey", "l_quantity", "l_extendedprice", "l_discount", "l_tax",
                 "l_returnflag", "l_linestatus", "l_shipdate"],
    "orders": ["o_orderkey", "o_custkey", "o_orderdate", "o_shippriority"],
    "customer": ["c_custkey", "c_name", "c_address", "c_nationkey", "c_phone", "c_acctbal",
                 "c_mktsegment", "c_comment"],
    "supplier": ["s_suppkey", "s_nationkey"],
    "nation": ["n_nationkey", "n_name", "n_regionkey"],
    "region": ["r_regionkey", "r_name"],
}
DICTIONARY = {"l_returnflag", "l_linestatus", "c_mktsegment"}


def tmp_then_rename(path, write):
    tmp = path + ".tmp"
    write(tmp)
    os.replace(tmp, path)


def csv_to_parquet(cache):
    src = os.path.join(cache, "bench", "data-1m.csv")
    dst = os.path.join(cache, "bench", "data-1m.parquet")
    if os.path.exists(dst) and os.path.getmtime(dst) >= os.path.getmtime(src):
        return
    table = pacsv.read_csv(src, convert_options=pacsv.ConvertOptions(column_types={
        "id": pa.int64(), "category": pa.string(), "year": pa.int64(), "amount": pa.float64()}))
    tmp_then_rename(dst, lambda p: pq.write_table(table, p, row_group_size=1_000_000))
    print(f"wrote {dst} ({os.path.getsize(dst) / 1e6:.1f} MB)")


def duckdb_arrow(cache, sf):
    tdir = os.path.join(cache, "tpch", f"sf{sf}")
    odir = os.path.join(tdir, "arrow")
    os.makedirs(odir, exist_ok=True)
    for name in sorted(os.listdir(tdir)):
        if not name.endswith(".parquet"):
            continue
        src = os.path.join(tdir, name)
        dst = os.path.join(odir, name[: -len(".parquet")] + ".arrows")
        if os.path.exists(dst) and os.path.getmtime(dst) >= os.path.getmtime(src):
            continue
        t = pq.read_table(src)
        fields = [pa.field(f.name, pa.string() if str(f.type) == "string_view" else f.type, f.nullable)
                  for f in t.schema]
        t = t.cast(pa.schema(fields))

        def write(p, t=t):
            with pa.OSFile(p, "wb") as f, pa.ipc.new_stream(f, t.schema) as w:
                w.write_table(t, max_chunksize=122_880)
        tmp_then_rename(dst, write)
        print(f"wrote {dst} ({os.path.getsize(dst) / 1e6:.1f} MB)")


def arquero_arrow(cache, sf):
    tdir = os.path.join(cache, "tpch", f"sf{sf}")
    odir = os.path.join(tdir, "arquero")
    os.makedirs(odir, exist_ok=True)
    for table, cols in ARQUERO_COLUMNS.items():
        dst = os.path.join(odir, f"{table}.arrow")
        src = os.path.join(tdir, f"{table}.parquet")
        if os.path.exists(dst) and os.path.getmtime(dst) >= os.path.getmtime(src):
            continue
        t = pq.read_table(src, columns=cols)
        out = []
        for name in cols:
            col = t.column(name)
            ty = col.type
            if pa.types.is_decimal(ty):
                col = pc.cast(col, pa.float64())
            elif pa.types.is_integer(ty):
                col = pc.cast(col, pa.int32())
            elif pa.types.is_string(ty) or pa.types.is_large_string(ty) or str(ty) == "string_view":
                col = pc.cast(col, pa.string())
                if name in DICTIONARY:
                    col = pc.dictionary_encode(col)
            out.append(col)
        t = pa.table(out, names=cols).combine_chunks()

        def write(p, t=t):
            with pa.OSFile(p, "wb") as f, pa.ipc.new_file(f, t.schema) as w:
                w.write_table(t)
        tmp_then_rename(dst, write)
        print(f"wrote {dst} ({os.path.getsize(dst) / 1e6:.1f} MB)")


if __name__ == "__main__":
    cache_dir = sys.argv[1]
    csv_to_parquet(cache_dir)
    for scale in sys.argv[2:]:
        duckdb_arrow(cache_dir, scale)
        arquero_arrow(cache_dir, scale)
