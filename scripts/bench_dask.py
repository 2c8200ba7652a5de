#!/usr/bin/env python3
"""Benchmark of the Python package and its Dask path (run by `npm run bench`; by hand:
PYTHONPATH=build/native/python /usr/bin/python3 scripts/bench_dask.py [--rows N]).

A portfolio (credit_risk_dataset.csv rows resampled with a fixed seed) scored with every decision
column (pd ... max_amount, as `loanlens score` writes them) by
- the CLI (`loanlens score`, one thread, CSV in and out), for reference;
- one Python process: pandas.read_csv + loanlens.Bundle.score (and the score call alone);
- a distributed.LocalCluster of 1 and of 2 worker processes (one thread each), the documented
  recipe: dask.dataframe.read_csv -> loanlens.dask.score_dataframe -> to_csv.
Two runs: credit_risk_logistic.json on --rows rows (1,000,000) without SHAP, and the tree bundle
credit_risk_gbdt.json (300 trees) on --tree-rows rows (20,000) with SHAP: a gbdt batch row costs
about 100x a logistic one (2.2 ms against 23 us of CPU per row in `loanlens score`; in a perf
profile of the gbdt run, ~56% is the reasons against the reference population, interventional
TreeSHAP, and ~30% the limit search rescoring the row for max_amount), so it gets fewer rows. Reports wall times, rows per second per worker, and the 2-worker
cluster's speed-up over one worker and over one plain process. Prints Markdown (a section of
docs/benchmarks.md)."""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
PKG = os.path.join(REPO, "build", "native", "python")
if PKG not in sys.path:
    sys.path.insert(0, PKG)
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (PKG, os.environ.get("PYTHONPATH")) if p)  # for the worker processes

import dask.dataframe as dd  # noqa: E402
import pandas as pd  # noqa: E402
from distributed import Client, LocalCluster  # noqa: E402

sys.path.insert(0, os.path.join(REPO, "tests", "python"))
from common import sample_csv  # noqa: E402

import loanlens  # noqa: E402
import loanlens.dask  # noqa: E402

FAST_BUNDLE = os.path.join(REPO, "models", "credit_risk_logistic.json")
TREE_BUNDLE = os.path.join(REPO, "models", "credit_risk_gbdt.json")
DATA = os.path.join(REPO, "models", "data", "credit_risk_dataset.csv")
CLI = os.environ.get("LOANLENS_CLI", os.path.join(REPO, "build", "native", "loanlens"))


REPEAT = 2  # each time is the best of REPEAT runs (--repeat)


def timed(f):
    best = float("inf")
    for _ in range(REPEAT):
        t = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - t)
    return best


def bench_cluster(bundle_path, workers, data, out_dir, explain, blocksize):
    """Seconds for read_csv -> score_dataframe -> to_csv on a fresh LocalCluster (started and
    warmed up on a small file first: imports and the bundle load are not timed)."""
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=None, local_directory=out_dir) as cluster, \
            Client(cluster) as client:
        kwargs = loanlens.Bundle(bundle_path).read_csv_kwargs()
        warm = dd.from_pandas(pd.read_csv(DATA, nrows=200, **kwargs), npartitions=workers * 2)
        loanlens.dask.score_dataframe(warm, bundle_path, explain=explain).compute()
        target = os.path.join(out_dir, f"w{workers}-*.csv")

        def scored():
            ddf = dd.read_csv(data, blocksize=blocksize, **kwargs)
            return loanlens.dask.score_dataframe(ddf, bundle_path, explain=explain)
        before = client.run(loanlens.dask.worker_stats)
        write = timed(lambda: scored().to_csv(target, index=False))
        after = client.run(loanlens.dask.worker_stats)
        parts = sorted((after[w]["partitions"] - before[w]["partitions"]) // REPEAT for w in after)
        # The same without writing: only the sum of the PDs comes back to the client.
        no_write = timed(lambda: scored()["pd"].sum().compute())
    return write, no_write, parts


def bench(bundle_path, rows, explain, tmp, blocksize):
    data = os.path.join(tmp, f"portfolio-{rows}.csv")
    if not os.path.exists(data):
        sample_csv(DATA, data, rows, seed=2024)
    flag = ["--explain"] if explain else []
    cli = timed(lambda: subprocess.run(
        [CLI, "score", "--model", bundle_path, "--data", data, "--out", os.path.join(tmp, "cli.csv"),
         *flag], check=True, capture_output=True))
    bundle = loanlens.Bundle(bundle_path)
    read = timed(lambda: pd.read_csv(data, **bundle.read_csv_kwargs()))
    frame = pd.read_csv(data, **bundle.read_csv_kwargs())
    score = timed(lambda: bundle.score(frame, explain=explain))
    one_process = read + score
    del frame
    results = {"bundle": os.path.basename(bundle_path), "rows": rows, "explain": explain,
               "cli": cli, "read": read, "score": score, "process": one_process}
    blocksize = blocksize or os.path.getsize(data) // 16 + 1  # 16 partitions
    for w in (1, 2):
        results[f"w{w}"], results[f"s{w}"], results[f"parts{w}"] = bench_cluster(
            bundle_path, w, data, tmp, explain, blocksize)
    return results


def report(results, load):
    lines = ["## Python package and Dask (scripts/bench_dask.py)", "",
             "credit_risk_dataset.csv rows resampled with a fixed seed, scored with every "
             "decision column (pd ... max_amount); LocalCluster worker processes with one "
             "thread each; the Dask time is "
             "dask.dataframe.read_csv -> loanlens.dask.score_dataframe -> to_csv (cluster start "
             f"and warm-up not timed). {os.cpu_count()} cores, load average before the run: "
             f"{load}. Each time is the best of {REPEAT} runs.", "",
             "Each Dask cell: the whole recipe with to_csv / the same with only the sum of "
             "the PDs returned (scoring without writing). Rows/s per worker and speed-ups are "
             "from the times without writing.", "",
             "| bundle | rows | SHAP | CLI score (1 thread) | 1 process: read_csv + score (score alone) "
             "| Dask 1 worker | Dask 2 workers | rows/s per worker (1 / 2 workers) "
             "| speed-up 2 vs 1 worker | 2 workers vs 1 process |",
             "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in results:
        n = r["rows"]
        lines.append(
            f"| {r['bundle']} | {n:,} | {'yes' if r['explain'] else 'no'} | {r['cli']:.2f} s "
            f"({n / r['cli']:,.0f} rows/s) | {r['process']:.2f} s ({r['score']:.2f} s) "
            f"| {r['w1']:.2f} s / {r['s1']:.2f} s | {r['w2']:.2f} s / {r['s2']:.2f} s "
            f"| {n / r['s1']:,.0f} / {n / r['s2'] / 2:,.0f} "
            f"| {r['s1'] / r['s2']:.2f}x | {r['process'] / r['s2']:.2f}x |")
    lines.append("")
    lines.append("Partitions per worker (2 workers): " + "; ".join(
        f"{r['bundle']}, {r['rows']:,} rows{' with SHAP' if r['explain'] else ''}: "
        f"{r['parts2']}"
        for r in results))
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000,
                    help="rows for credit_risk_logistic without SHAP (0 = skip)")
    ap.add_argument("--tree-rows", type=int, default=20_000,
                    help="rows for credit_risk_gbdt with SHAP (0 = skip)")
    ap.add_argument("--blocksize", type=int, default=0,
                    help="read_csv bytes per partition (default: 1/16 of the file)")
    ap.add_argument("--repeat", type=int, default=2, help="runs per time (the best is kept)")
    args = ap.parse_args()
    global REPEAT
    REPEAT = max(1, args.repeat)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    tmp = tempfile.mkdtemp(prefix="bench-dask-")
    try:
        results = []
        if args.rows:
            results.append(bench(FAST_BUNDLE, args.rows, False, tmp, args.blocksize))
        if args.tree_rows:
            results.append(bench(TREE_BUNDLE, args.tree_rows, True, tmp, args.blocksize))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    sys.stdout.write(report(results, load))


if __name__ == "__main__":
    main()
