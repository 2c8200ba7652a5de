"""loanlens.dask on a real distributed.LocalCluster (two worker processes, one thread each).

- A generated portfolio (rows of credit_risk_dataset.csv resampled with a fixed seed; 1,000,000
  rows, LOANLENS_DASK_ROWS to change it) read with dask.dataframe.read_csv and scored with
  score_dataframe equals `loanlens score` on the same file row for row and cell for cell (every
  decision column), the work ran on both workers, and each worker loaded the bundle once. The
  bundle is credit_risk_logistic.json: a linear model on 12 short columns, the fastest shipped
  bundle per row, so that the million rows fit the test's time.
- A tree bundle (credit_risk_gbdt.json) with explanations on a smaller portfolio with unseen
  levels and missing values mixed in (review rules fire), through read_csv -> score -> to_csv.
- Rejected rows are never dropped.
Run by CTest (python_dask)."""
import glob
import logging
import os
import subprocess
import tempfile
import time
import unittest

import dask.dataframe as dd
import numpy as np
import pandas as pd
from distributed import Client, LocalCluster

from common import CLI, REPO, cli_counts, exact_equal, run_cli, sample_csv

import loanlens
import loanlens.dask

ROWS = int(os.environ.get("LOANLENS_DASK_ROWS", "1000000"))
FAST_BUNDLE = os.path.join(REPO, "models", "credit_risk_logistic.json")
TREE_BUNDLE = os.path.join(REPO, "models", "credit_risk_gbdt.json")
DATA = os.path.join(REPO, "models", "data", "credit_risk_dataset.csv")


def read_parts(pattern, kwargs):
    """The part files of a Dask to_csv, in order, as one pandas frame."""
    files = sorted(glob.glob(pattern), key=lambda p: int(p.rsplit("-", 1)[1].split(".")[0]))
    return pd.concat([pd.read_csv(f, **kwargs) for f in files], ignore_index=True)


def scored_csv_kwargs(bundle, explain):
    """pandas.read_csv options for a file `loanlens score` wrote from DATA: the input columns as
    the CLI read them, score columns that hold numbers as exact doubles (empty = NaN) and text
    score columns as str (empty = "")."""
    kwargs = bundle.read_csv_kwargs()
    na = {c: list(kwargs["na_values"]) for c in pd.read_csv(DATA, nrows=0).columns}
    for c, number in bundle.score_column_kinds(explain):
        na[c] = [""] if number else []
        if not number:
            kwargs["dtype"][c] = str
    kwargs["na_values"] = na
    kwargs["float_precision"] = "round_trip"
    return kwargs


def unseen_and_missing(i, fields):
    """Every 97th row an unseen loan_intent (scored as other, the unseen_category rule fires),
    every 89th a missing income."""
    if i % 97 == 5:
        fields[4] = "CRYPTO"  # loan_intent
    if i % 89 == 7:
        fields[1] = ""  # person_income
    return fields


class DaskMatchesCli(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                   dashboard_address=None, local_directory=cls.tmp.name)
        cls.client = Client(cls.cluster)

    @classmethod
    def tearDownClass(cls):
        cls.client.close()
        cls.cluster.close()
        cls.tmp.cleanup()

    def compare(self, bundle, mine, cli_csv, explain):
        """Same header, rows and cells as the CLI's output file (numbers bit for bit)."""
        cli = pd.read_csv(cli_csv, **scored_csv_kwargs(bundle, explain))
        self.assertEqual(list(mine.columns), list(cli.columns))
        self.assertEqual(len(mine), len(cli))
        # Column by column with numpy (pandas' assert_frame_equal takes ~25 s on 1M rows).
        for c in cli.columns:
            a, b = mine[c].to_numpy(), cli[c].to_numpy()
            self.assertEqual(a.dtype, b.dtype, c)
            if a.dtype == object:
                same = a == b
                self.assertTrue(same.all(), f"column {c}: {(~same).sum()} cells differ")
            else:
                self.assertTrue(exact_equal(a, b), f"column {c} differs")
        return cli

    def test_million_rows_on_two_workers(self):
        d = self.tmp.name
        bundle = loanlens.Bundle(FAST_BUNDLE)
        data, cli_out = os.path.join(d, "portfolio.csv"), os.path.join(d, "cli.csv")
        sample_csv(DATA, data, ROWS, seed=2024)
        before = self.client.run(loanlens.dask.worker_stats)
        # The CLI (one process) runs beside the cluster; the two are compared afterwards.
        t = time.perf_counter()
        cli = subprocess.Popen([CLI, "score", "--model", FAST_BUNDLE, "--data", data, "--out",
                                cli_out], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True)
        ddf = dd.read_csv(data, blocksize=os.path.getsize(data) // 8 + 1,  # 8 partitions
                          **bundle.read_csv_kwargs())
        mine = loanlens.dask.score_dataframe(ddf, FAST_BUNDLE).compute()
        print(f"\n  dask read_csv -> score_dataframe -> compute ({ddf.npartitions} partitions, "
              f"2 workers): {time.perf_counter() - t:.1f} s", flush=True)
        _, err = cli.communicate()
        print(f"  CLI score (alongside): {time.perf_counter() - t:.1f} s", flush=True)
        self.assertEqual(cli.returncode, 0, err)
        self.assertEqual(cli_counts(err), (ROWS, ROWS, 0))
        self.assertGreaterEqual(ddf.npartitions, 4)
        t = time.perf_counter()
        cli_frame = self.compare(bundle, mine, cli_out, False)
        print(f"  comparison: {time.perf_counter() - t:.1f} s", flush=True)
        self.assertGreater(cli_frame["reason_1"].ne("").sum(), 0)  # decisions, not only scores
        self.assertGreater(cli_frame["max_amount"].notna().sum(), 0)

        # Every partition ran on a worker process, both workers took some, and each loaded the
        # bundle once (the cache), whatever the number of partitions it scored.
        after = self.client.run(loanlens.dask.worker_stats)
        self.assertEqual(len(after), 2)
        done = {w: after[w]["partitions"] - before[w]["partitions"] for w in after}
        rows = {w: after[w]["rows_in"] - before[w]["rows_in"] for w in after}
        print(f"  partitions per worker {list(done.values())}, rows {list(rows.values())}")
        self.assertTrue(all(n > 0 for n in done.values()), f"a worker did nothing: {done}")
        self.assertEqual(sum(done.values()), ddf.npartitions)
        self.assertEqual(sum(rows.values()), ROWS)
        self.assertTrue(all(s["bundle_loads_by_path"][FAST_BUNDLE] == 1 for s in after.values()),
                        after)

    def test_tree_bundle_explain_to_csv(self):
        d = self.tmp.name
        bundle = loanlens.Bundle(TREE_BUNDLE)
        data, cli_out = os.path.join(d, "small.csv"), os.path.join(d, "cli-explain.csv")
        sample_csv(DATA, data, 1500, seed=7, mutate=unseen_and_missing)
        _, err = run_cli("score", "--model", TREE_BUNDLE, "--data", data, "--out", cli_out,
                         "--explain")
        self.assertEqual(cli_counts(err), (1500, 1500, 0))
        ddf = dd.read_csv(data, blocksize=25_000, **bundle.read_csv_kwargs())
        self.assertGreaterEqual(ddf.npartitions, 2)
        out = loanlens.dask.score_dataframe(ddf, TREE_BUNDLE, explain=True)
        self.assertEqual(list(out.columns), bundle.output_columns(True, ddf.columns))
        out.to_csv(os.path.join(d, "dask-*.csv"), index=False)
        mine = read_parts(os.path.join(d, "dask-*.csv"), scored_csv_kwargs(bundle, True))
        cli = self.compare(bundle, mine, cli_out, True)
        self.assertGreater(cli["rules"].str.contains("'CRYPTO' was not seen").sum(), 0)
        self.assertGreater(len(set(cli["band"])), 1)
        shap = mine[[c for c in mine.columns if c.startswith("shap_")]].sum(axis=1)
        np.testing.assert_allclose(mine["base_value"] + shap, mine["margin"], atol=1e-9)

    def test_rejected_rows_are_never_dropped(self):
        bundle = loanlens.Bundle(FAST_BUNDLE)
        frame = pd.read_csv(DATA, nrows=1000, **bundle.read_csv_kwargs())
        frame["person_income"] = frame["person_income"].astype(object)
        frame.loc[700, "person_income"] = "n/a?"
        ddf = dd.from_pandas(frame, npartitions=4)
        # The failure is expected: keep the workers from logging the partition it failed on.
        self.client.run(lambda: logging.getLogger("distributed.worker").setLevel(logging.ERROR))
        with self.assertRaisesRegex(loanlens.Error, "1 of 250 rows could not be scored.*"
                                    "partition 2', row 202, column 'person_income'"):
            loanlens.dask.score_dataframe(ddf, FAST_BUNDLE).compute()
        kept = loanlens.dask.score_dataframe(ddf, FAST_BUNDLE, rejected="keep").compute()
        self.assertEqual(len(kept), 1000)
        self.assertEqual(list(kept.index[kept["rejected"] != ""]), [700])
        self.assertTrue(np.isnan(kept.loc[700, "pd"]))
        self.assertEqual(kept.loc[700, "reason_1"], "")


if __name__ == "__main__":
    unittest.main(verbosity=2)
