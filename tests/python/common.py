"""Shared helpers of the Python package tests: the CLI, the shipped bundles and their datasets,
and the cell-by-cell comparison of a scored DataFrame with the CLI's CSV output."""
import csv
import glob
import io
import json
import os
import random
import re
import subprocess
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CLI = os.environ.get("LOANLENS_CLI", os.path.join(REPO, "build", "native", "loanlens"))
if "PYTHONPATH" not in os.environ:  # run by hand: the build's package (worker processes too)
    os.environ["PYTHONPATH"] = os.path.join(REPO, "build", "native", "python")
    sys.path.insert(0, os.environ["PYTHONPATH"])

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import loanlens  # noqa: E402


def shipped_bundles():
    """[(bundle path, dataset path)] for every models/*.json, the dataset named by the bundle's
    training.data_file (the file scripts/train-demo-models trained it on)."""
    out = []
    for path in sorted(glob.glob(os.path.join(REPO, "models", "*.json"))):
        with open(path, encoding="utf-8") as f:
            data_file = json.load(f)["training"]["data_file"]
        out.append((path, os.path.join(REPO, "models", "data", data_file)))
    return out


def sample_csv(data_path, out_path, rows, seed, mutate=None):
    """Writes the header and `rows` data lines of `data_path` drawn with replacement (fixed seed)
    as they are in the file (the CLI sees the original text). `mutate(i, fields)` may change the
    fields of line i. Returns the number of data rows written."""
    with open(data_path, encoding="utf-8", newline="") as f:
        header, *lines = f.read().splitlines()
    rng = random.Random(seed)
    picked = [lines[rng.randrange(len(lines))] for _ in range(rows)]
    if mutate:
        def edit(i, line):
            fields = next(csv.reader([line]))
            new = mutate(i, list(fields))
            if new == fields:
                return line
            buf = io.StringIO()
            csv.writer(buf, lineterminator="").writerow(new)
            return buf.getvalue()
        picked = [edit(i, line) for i, line in enumerate(picked)]
    with open(out_path, "w", encoding="utf-8", newline="") as f:
        f.write(header + "\n" + "\n".join(picked) + "\n")
    return rows


def run_cli(*args):
    """Runs the CLI; returns stdout and stderr (raises with both on a non-zero exit)."""
    p = subprocess.run([CLI, *args], capture_output=True, text=True)
    if p.returncode != 0:
        raise AssertionError(f"{CLI} {' '.join(args)} exited {p.returncode}:\n{p.stderr}")
    return p.stdout, p.stderr


def cli_counts(stderr):
    """(rows in, scored, rejected) from `loanlens score`'s summary line."""
    m = re.search(r"rows in (\d+), scored (\d+), rejected (\d+)", stderr)
    if not m:
        raise AssertionError("no summary line in the CLI's stderr:\n" + stderr[-2000:])
    return tuple(int(x) for x in m.groups())


def cli_rejected(out_csv):
    """The CLI's OUT.rejected.csv as [(row, reason)] ([] when there is none)."""
    path = out_csv + ".rejected.csv"
    if not os.path.exists(path):
        return []
    r = pd.read_csv(path, dtype=str, keep_default_na=False)
    return list(zip(r["row"].astype(int), r["reason"]))


def assert_same_as_cli(test, bundle, scored, cli_csv, explain, source_csv):
    """Every cell of `scored` (scored from `source_csv` read into a frame with a RangeIndex)
    equals the CLI's output file: same header; the input columns hold, row for row, the text of
    the same input rows; every score column as text, formatted by the engine's own FormatNumber
    (what the CLI writes)."""
    cli_text = pd.read_csv(cli_csv, dtype=str, keep_default_na=False)
    source_text = pd.read_csv(source_csv, dtype=str, keep_default_na=False)
    input_columns = list(source_text.columns)
    test.assertEqual(list(cli_text.columns), list(scored.columns))
    test.assertEqual(list(scored.columns), bundle.output_columns(explain, input_columns))
    test.assertEqual(len(cli_text), len(scored))
    expected_inputs = source_text.iloc[scored.index.to_numpy()].reset_index(drop=True)
    pd.testing.assert_frame_equal(cli_text[input_columns], expected_inputs)
    mine = scored.reset_index(drop=True)
    for c, number in bundle.score_column_kinds(explain):
        if number:  # float64, NaN for an empty cell: as text, the engine's FormatNumber
            test.assertEqual(mine[c].dtype, np.float64, c)
            text = [loanlens.format_number(v) for v in mine[c].to_numpy()]
        else:  # str, "" for an empty cell
            test.assertEqual(mine[c].dtype, object, c)
            text = list(mine[c])
        diff = [i for i, (a, b) in enumerate(zip(text, cli_text[c])) if a != b]
        test.assertFalse(diff, f"column {c}: {len(diff)} cells differ, first at data row "
                               f"{diff[:1]}: {text[diff[0]] if diff else ''!r} vs "
                               f"{cli_text[c][diff[0]] if diff else ''!r}")


def exact_equal(a, b):
    """Arrays equal bit for bit (NaN equal to NaN)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and bool(np.all((a == b) | (np.isnan(a) & np.isnan(b))))
