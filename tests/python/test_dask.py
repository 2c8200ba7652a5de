"""loanlens.dask on a real distributed.LocalCluster (two worker processes, one thread each): a
generated portfolio (rows of credit_risk_dataset.csv resampled with a fixed seed; 1,000,000 rows,
LOANLENS_DASK_ROWS to change it) read with dask.dataframe.read_csv, scored with
score_dataframe and written with to_csv equals `loanlens score` on the same file row for row, the
work ran on both workers, and each worker loaded the bundle once. Also: explanations on a smaller
portfolio, and rejected rows are never dropped. Run by CTest (python_dask)."""
import glob
import logging
import os
import tempfile
import time
import unittest

import dask.dataframe as dd
import numpy as np
import pandas as pd
from distributed import Client, LocalCluster

from common import REPO, cli_counts, exact_equal, run_cli, sample_csv

import loanlens
import loanlens.dask

ROWS = int(os.environ.get("LOANLENS_DASK_ROWS", "1000000"))
BUNDLE = os.path.join(REPO, "models", "credit_risk_gbdt.json")
DATA = os.path.join(REPO, "models", "data", "credit_risk_dataset.csv")


def read_parts(pattern, kwargs):
    """The part files of a Dask to_csv, in order, as one pandas frame (exact doubles)."""
    files = sorted(glob.glob(pattern), key=lambda p: int(p.rsplit("-", 1)[1].split(".")[0]))
    return pd.concat([pd.read_csv(f, float_precision="round_trip", **kwargs) for f in files],
                     ignore_index=True)


class DaskMatchesCli(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                   dashboard_address=None, local_directory=cls.tmp.name)
        cls.client = Client(cls.cluster)
        cls.bundle = loanlens.Bundle(BUNDLE)
        cls.kwargs = cls.bundle.read_csv_kwargs()

    @classmethod
    def tearDownClass(cls):
        cls.client.close()
        cls.cluster.close()
        cls.tmp.cleanup()

    def cli_score(self, data, out, explain=False):
        t = time.perf_counter()
        _, err = run_cli("score", "--model", BUNDLE, "--data", data, "--out", out,
                         *(["--explain"] if explain else []))
        print(f"  CLI score: {time.perf_counter() - t:.1f} s", flush=True)
        return cli_counts(err)

    def compare(self, mine, cli_csv, explain):
        cli = pd.read_csv(cli_csv, float_precision="round_trip", **self.kwargs)
        self.assertEqual(list(mine.columns), list(cli.columns))
        self.assertEqual(len(mine), len(cli))
        for c in self.bundle.output_columns(explain):
            if c == "band":
                self.assertTrue((mine[c].to_numpy() == cli[c].to_numpy()).all(), c)
            else:
                self.assertTrue(exact_equal(mine[c], cli[c]), f"column {c} differs")
        inputs = [c for c in cli.columns if c not in self.bundle.output_columns(explain)]
        pd.testing.assert_frame_equal(mine[inputs], cli[inputs])

    def test_million_rows_on_two_workers(self):
        d = self.tmp.name
        data, cli_out = os.path.join(d, "portfolio.csv"), os.path.join(d, "cli.csv")
        sample_csv(DATA, data, ROWS, seed=2024)
        rows_in, scored, rejected = self.cli_score(data, cli_out)
        self.assertEqual((rows_in, scored, rejected), (ROWS, ROWS, 0))
        before = self.client.run(loanlens.dask.worker_stats)

        t = time.perf_counter()
        ddf = dd.read_csv(data, blocksize=4_000_000, **self.kwargs)
        out = loanlens.dask.score_dataframe(ddf, BUNDLE)
        out.to_csv(os.path.join(d, "dask-*.csv"), index=False)
        print(f"  dask read_csv -> score_dataframe -> to_csv ({ddf.npartitions} partitions, "
              f"2 workers): {time.perf_counter() - t:.1f} s", flush=True)
        self.assertGreaterEqual(ddf.npartitions, 4)
        self.compare(read_parts(os.path.join(d, "dask-*.csv"), self.kwargs), cli_out, False)

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
        self.assertTrue(all(s["bundle_loads"] == 1 for s in after.values()), after)

    def test_explain_and_compute(self):
        d = self.tmp.name
        data, cli_out = os.path.join(d, "small.csv"), os.path.join(d, "cli-explain.csv")
        sample_csv(DATA, data, 20_000, seed=7)
        self.cli_score(data, cli_out, explain=True)
        ddf = dd.read_csv(data, blocksize=300_000, **self.kwargs)
        out = loanlens.dask.score_dataframe(ddf, BUNDLE, explain=True)
        self.assertEqual(list(out.columns), self.bundle.output_columns(True, ddf.columns))
        mine = out.compute().reset_index(drop=True)
        self.compare(mine, cli_out, True)

    def test_rejected_rows_are_never_dropped(self):
        frame = pd.read_csv(DATA, nrows=1000, **self.kwargs)
        frame["person_income"] = frame["person_income"].astype(object)
        frame.loc[700, "person_income"] = "n/a?"
        ddf = dd.from_pandas(frame, npartitions=4)
        # The failure is expected: keep the workers from logging the partition it failed on.
        self.client.run(lambda: logging.getLogger("distributed.worker").setLevel(logging.ERROR))
        with self.assertRaisesRegex(loanlens.Error, "1 of 250 rows could not be scored.*"
                                    "partition 2', row 202, column 'person_income'"):
            loanlens.dask.score_dataframe(ddf, BUNDLE).compute()
        kept = loanlens.dask.score_dataframe(ddf, BUNDLE, rejected="keep").compute()
        self.assertEqual(len(kept), 1000)
        self.assertEqual(list(kept.index[kept["rejected"] != ""]), [700])
        self.assertTrue(np.isnan(kept.loc[700, "pd"]))


if __name__ == "__main__":
    unittest.main(verbosity=2)
