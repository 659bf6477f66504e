"""A dask-sql server (Presto/Trino client protocol) over the test data, for tests/remote*.rs.

    python dask_server.py PORT DATA_DIR

Tables: sales (DATA_DIR/sales.csv), big (DATA_DIR/big.csv). Runs until killed.
"""
import os
import sys

if __name__ == "__main__":
    # Imports inside the guard: dask's worker processes re-import this module.
    from dask.distributed import Client
    from dask_sql import Context, run_server

    port, data = int(sys.argv[1]), sys.argv[2]
    c = Context()
    for name in ("sales", "big"):
        path = os.path.join(data, f"{name}.csv")
        # persist: read the CSV once, not on every query
        c.sql(f"CREATE TABLE {name} WITH (location = '{path}', format = 'csv', persist = True)")
    client = Client(processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None)
    # Context.run_server does not pass the context on (dask-sql 2024.5.0): call run_server directly.
    run_server(context=c, client=client, host="127.0.0.1", port=port, log_level="warning")
