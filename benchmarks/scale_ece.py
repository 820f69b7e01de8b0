"""Calibration of a sample-level table larger than memory: Dask on a 2-worker LocalCluster against pandas.

``python benchmarks/scale_ece.py [--rows 1e6 1e7 1e8] [--pandas-max 3e7] [--n-boot 200]``
writes synthetic tidy tables (4 models; ``item``, ``correct``, ``confidence``)
as Parquet files of 2e6 rows under ``build/scale/``, then times
``by_model(..., n_boot=200, key="item")`` (ECE, smooth ECE, accuracy and Brier
score with a 200-replicate Poisson-bootstrap interval) on a ``LocalCluster`` of
2 single-threaded worker processes reading the files, and in memory with
pandas up to ``--pandas-max`` rows. It reports seconds, throughput and the peak
resident memory of each worker (as its monitor samples it), which stays bounded
by the partition size whatever the number of rows, and checks that both
engines give the same numbers.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.calibration import by_model

ROWS_PER_FILE = 2_000_000
MODELS = ("a", "b", "c", "d")


def write_table(folder: Path, n_rows: int) -> None:
    """The synthetic table in files of ROWS_PER_FILE rows; model m is overconfident by a power 1 + m / 2."""
    folder.mkdir(parents=True, exist_ok=True)
    done = sorted(folder.glob("part-*.parquet"))
    if len(done) * ROWS_PER_FILE >= n_rows:
        return
    for part in range(len(done), -(-n_rows // ROWS_PER_FILE)):
        rng = np.random.default_rng(part)
        n = min(ROWS_PER_FILE, n_rows - part * ROWS_PER_FILE)
        model = rng.integers(0, len(MODELS), n)
        confidence = rng.uniform(0.25, 1.0, n)
        correct = rng.uniform(size=n) < confidence ** (1 + model / 2)
        pd.DataFrame({"model": pd.Categorical.from_codes(model, MODELS), "item": part * ROWS_PER_FILE + np.arange(n),
                      "correct": correct.astype(np.int8), "confidence": confidence}).to_parquet(
            folder / f"part-{part:04d}.parquet", index=False)


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (MB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_memory_record(dask_worker) -> None:
    dask_worker.monitor.quantities["memory"].clear()


def _memory_record_mb(dask_worker) -> float:
    """The worker's largest resident memory sampled by its monitor (every 0.5 s by default), in MB."""
    return max(dask_worker.monitor.quantities["memory"]) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=float, nargs="+", default=[1e6, 1e7, 1e8])
    parser.add_argument("--pandas-max", type=float, default=3e7)
    parser.add_argument("--n-boot", type=int, default=200)
    parser.add_argument("--folder", type=Path, default=Path("build/scale"))
    args = parser.parse_args()

    import dask.dataframe as dd
    import distributed

    rows, results = [], {}
    for n in map(int, args.rows):  # Dask first: the workers fork from a process that has not yet held a table
        folder = args.folder / f"rows_{n:.0e}"
        write_table(folder, n)
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, memory_limit="6GiB",
                                      dashboard_address=None) as cluster, distributed.Client(cluster) as client:
            client.run(_reset_memory_record)
            start = time.perf_counter()
            results[n] = by_model(dd.read_parquet(sorted(folder.glob("*.parquet"))), n_boot=args.n_boot,
                                  key="item", rng=0)
            seconds = time.perf_counter() - start
            peaks = client.run(_memory_record_mb)
        rows.append({"rows": n, "engine": "dask, 2 workers", "seconds": seconds, "rows_per_s": n / seconds,
                     "peak_mb_per_worker": max(peaks.values()), "max_abs_diff": np.nan})
        print(pd.DataFrame(rows).iloc[-1:].to_string(index=False), flush=True)
    for n in (n for n in map(int, args.rows) if n <= args.pandas_max):
        frame = pd.read_parquet(args.folder / f"rows_{n:.0e}")
        start = time.perf_counter()
        in_memory = by_model(frame, n_boot=args.n_boot, key="item", rng=0)
        seconds = time.perf_counter() - start
        diff = np.abs(results[n].to_numpy(dtype=float) - in_memory.to_numpy(dtype=float)).max()
        rows.append({"rows": n, "engine": "pandas, in memory", "seconds": seconds, "rows_per_s": n / seconds,
                     "peak_mb_per_worker": peak_rss_mb(), "max_abs_diff": diff})
        del frame
        print(pd.DataFrame(rows).iloc[-1:].to_string(index=False), flush=True)
    table = pd.DataFrame(rows)
    dask_rows = table[table["engine"].str.startswith("dask")]
    order = np.polyfit(np.log(dask_rows["rows"]), np.log(dask_rows["seconds"]), 1)[0]
    with pd.option_context("display.float_format", "{:.4g}".format, "display.width", 160):
        print(table.to_string(index=False))
    print(f"growth of the Dask time: rows^{order:.2f}")


if __name__ == "__main__":
    main()
