"""The loanlens Python package against the CLI: for every shipped bundle, Bundle.score equals
`loanlens score` cell for cell on a sample of its dataset (with and without explanations, with a
bad row, an unseen level and a missing value mixed in), and Bundle.explain equals
`loanlens explain --row`. Run by CTest (python_package) with PYTHONPATH=build/native/python."""
import csv
import json
import os
import tempfile
import time
import unittest

import numpy as np
import pandas as pd

from common import (assert_same_as_cli, cli_counts, cli_rejected, run_cli, sample_csv,
                    shipped_bundles)

import loanlens

# Rows per bundle: fewer for the model kinds whose batch rows cost most (deep random forests and
# RBF SVMs, where the limit search rescored each row many times: 15-45 ms per row measured), so
# that the whole file runs in well under a minute on a 2-core machine.
ROWS = {"random_forest": 100, "svm": 100}
DEFAULT_ROWS = 300


def header_of(path):
    with open(path, encoding="utf-8", newline="") as f:
        return next(csv.reader(f))


def mutator(bundle, header):
    """Breaks a few rows the way real files are broken: a number that is not one (rejected), a
    level the model never saw (scored as __other__, with a warning), a missing value."""
    types = dict(zip(bundle.features, bundle.feature_types))
    numeric = [header.index(f) for f in bundle.features if types[f] == "numeric"]
    categorical = [header.index(f) for f in bundle.features if types[f] == "categorical"]

    def mutate(i, fields):
        if i == 3 and numeric:
            fields[numeric[0]] = "12,5" if len(numeric) == 1 else "abc"
        if i == 5 and categorical:
            fields[categorical[-1]] = "never seen level"
        if i == 7 and numeric:
            fields[numeric[-1]] = ""
        return fields
    return mutate


class ScoreMatchesCli(unittest.TestCase):
    def test_every_shipped_bundle(self):
        self.unseen_rules = 0
        for bundle_path, data_path in shipped_bundles():
            bundle = loanlens.Bundle(bundle_path)
            rows = ROWS.get(bundle.kind, DEFAULT_ROWS)
            for explain in (False, True):
                name = f"{os.path.basename(bundle_path)} explain={explain}"
                t = time.perf_counter()
                with self.subTest(name), tempfile.TemporaryDirectory() as tmp:
                    self.check_bundle(bundle, bundle_path, data_path, rows, explain, tmp)
                print(f"  {name}: {time.perf_counter() - t:.1f} s", flush=True)
        # The unseen level reached the review rules through the row's own parser warnings (the
        # rule quotes the value from the warning), in the package as in the CLI.
        self.assertGreater(self.unseen_rules, 0, "no bundle fired the unseen_category rule")

    def check_bundle(self, bundle, bundle_path, data_path, rows, explain, tmp):
        sample = os.path.join(tmp, "sample.csv")
        header = header_of(data_path)
        sample_csv(data_path, sample, rows, seed=11, mutate=mutator(bundle, header))
        out = os.path.join(tmp, "scored.csv")
        _, err = run_cli("score", "--model", bundle_path, "--data", sample, "--out", out,
                         *(["--explain"] if explain else []))
        rows_in, scored_n, rejected_n = cli_counts(err)

        frame = pd.read_csv(sample, **bundle.read_csv_kwargs())
        scored = bundle.score(frame, explain=explain, source=sample)
        # Rows in = scored + rejected, and the same rows rejected for the same reasons.
        self.assertEqual(len(frame), rows_in)
        self.assertEqual(scored.attrs["rows_in"], rows_in)
        self.assertEqual(len(scored), scored_n)
        rejected = scored.attrs["rejected"]
        self.assertEqual(len(rejected), rejected_n)
        self.assertGreaterEqual(rejected_n, 1, "the broken row must be rejected")
        self.assertEqual(list(zip(rejected["position"] + 2, rejected["reason"])),
                         cli_rejected(out))
        self.assertEqual(len(scored) + len(rejected), len(frame))
        assert_same_as_cli(self, bundle, scored, out, explain, sample)
        self.unseen_rules += int(scored["rules"].str.contains("'never seen level'").sum())
        if explain:  # base_value + sum of shap_* = margin
            shap = scored[[c for c in scored.columns if c.startswith("shap_")]].sum(axis=1)
            np.testing.assert_allclose(scored["base_value"] + shap, scored["margin"], atol=1e-9)


class ExplainMatchesCli(unittest.TestCase):
    def test_every_shipped_bundle(self):
        for bundle_path, data_path in shipped_bundles():
            bundle = loanlens.Bundle(bundle_path)
            frame = pd.read_csv(data_path, nrows=200, **bundle.read_csv_kwargs())
            for i in (0, 57, 199):
                record = frame.iloc[i].to_dict()
                record.pop(next(iter(record)))  # a key not given: a "treated as missing" warning
                with self.subTest(f"{os.path.basename(bundle_path)} row {i}"):
                    mine = bundle.explain(record)
                    text = json.dumps({k: loanlens._json_value(v) for k, v in record.items()})
                    cli, _ = run_cli("explain", "--model", bundle_path, "--row", text)
                    self.assertEqual(mine, json.loads(cli))

    def test_interactions(self):
        path = os.path.join(os.path.dirname(shipped_bundles()[0][0]), "german_credit_gbdt.json")
        bundle = loanlens.Bundle(path)
        record = {"checking_status": "< 0 DM", "duration_months": 48, "credit_amount": 9000}
        cli, _ = run_cli("explain", "--model", path, "--row", json.dumps(record),
                         "--interactions")
        self.assertEqual(bundle.explain(record, interactions=True), json.loads(cli))


class Interface(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.path, cls.data = [b for b in shipped_bundles() if "credit_risk_gbdt" in b[0]][0]
        cls.bundle = loanlens.Bundle(cls.path)
        cls.frame = pd.read_csv(cls.data, nrows=50, **cls.bundle.read_csv_kwargs())

    def test_numeric_columns_are_buffers_not_text(self):
        # A value with no short decimal form scores as that exact double: the same as the CLI
        # reading the engine's own 17-digit text of it.
        frame = self.frame.copy()
        frame["person_income"] = frame["person_income"] * (1 + 1e-13) + 0.1
        with tempfile.TemporaryDirectory() as tmp:
            csv_path, out = os.path.join(tmp, "x.csv"), os.path.join(tmp, "o.csv")
            text = frame.copy()
            text["person_income"] = [loanlens.format_number(v) for v in frame["person_income"]]
            text.to_csv(csv_path, index=False)
            run_cli("score", "--model", self.path, "--data", csv_path, "--out", out)
            scored = self.bundle.score(frame)
            assert_same_as_cli(self, self.bundle, scored, out, False, csv_path)

    def test_reject_modes(self):
        frame = self.frame.copy()
        frame["person_income"] = frame["person_income"].astype(object)
        frame.loc[4, "person_income"] = "lots"
        frame.loc[9, "person_income"] = np.inf  # not a number the CLI would read either
        scored = self.bundle.score(frame)
        self.assertEqual(len(scored), 48)
        self.assertEqual(list(scored.attrs["rejected"].index), [4, 9])
        self.assertIn("row 6, column 'person_income', value 'lots': expected a number",
                      scored.attrs["rejected"]["reason"][4])
        self.assertIn("value 'inf'", scored.attrs["rejected"]["reason"][9])
        kept = self.bundle.score(frame, rejected="keep")
        self.assertEqual(len(kept), 50)
        self.assertEqual(list(kept.columns[-1:]), ["rejected"])
        self.assertTrue(np.isnan(kept["pd"][4]) and kept["band"][4] == "")
        self.assertEqual((kept["rejected"] != "").sum(), 2)
        np.testing.assert_array_equal(kept["pd"].drop([4, 9]), scored["pd"])
        with self.assertRaisesRegex(loanlens.Error, "2 of 50 rows could not be scored"):
            self.bundle.score(frame, rejected="raise")

    def test_missing_column_names_it(self):
        with self.assertRaisesRegex(loanlens.Error, "loan_intent"):
            self.bundle.score(self.frame.drop(columns=["loan_intent"]))

    def test_bad_bundle_and_record(self):
        with self.assertRaisesRegex(loanlens.Error, "no_such.json"):
            loanlens.Bundle("no_such.json")
        with self.assertRaisesRegex(loanlens.Error, "unknown column"):
            self.bundle.explain({"not_a_column": 1})
        self.assertTrue(issubclass(loanlens.Error, ValueError))

    def test_output_columns_and_meta(self):
        cols = self.bundle.output_columns(True, ["a"])
        self.assertEqual(cols[:5], ["a", "pd", "margin", "points", "band"])
        self.assertEqual(cols[-1], "base_value")
        meta = self.bundle.meta(self.frame, explain=True)
        scored = self.bundle.score(self.frame, explain=True)
        self.assertEqual(list(meta.columns), list(scored.columns))
        self.assertEqual(list(meta.dtypes), list(scored.dtypes))

    def test_empty_frame(self):
        scored = self.bundle.score(self.frame.iloc[:0], explain=True)
        self.assertEqual(len(scored), 0)
        self.assertEqual(list(scored.columns), list(self.bundle.meta(self.frame, True).columns))


if __name__ == "__main__":
    unittest.main(verbosity=2)
