#!/usr/bin/python3
"""gbdt vs XGBoost on German credit over several train/test splits (Markdown on stdout; run by
`npm run bench`, appended to docs/benchmarks.md).

The main table compares the AUCs on one split (seed 7): 200 test rows with 60 defaults, where
one misordered pair moves the AUC by 1/8,400. This table repeats that comparison on the splits
of seeds 1-8, with the same parameters on both sides as scripts/bench.py (300 trees, depth 4,
eta 0.05, 256 bins, one thread), to tell a difference between the libraries from the noise of
which 200 rows were held out.
"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (single-threaded BLAS before numpy loads)

import xgboost as xgb  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402

SEEDS = range(1, 9)
PARAMS = bench.OUR_PARAMS["gbdt"][1]


def one_split(seed, tmp):
    split = bench.Split("german_credit", tmp, seed=seed)
    booster = xgb.train(bench.XGB_PARAMS, xgb.DMatrix(split.x_tr, label=split.y_tr, nthread=1),
                        num_boost_round=bench.XGB_ROUNDS)
    margin = booster.predict(xgb.DMatrix(split.x_va, nthread=1), output_margin=True)
    ours = bench.ours(split, tmp, "gbdt", PARAMS, 1)["auc"]
    return ours, roc_auc_score(split.y_va, margin)


def main():
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in SEEDS:
            rows.append((seed, *one_split(seed, tmp)))
    gaps = [a - b for _, a, b in rows]
    print("## gbdt on German credit: the AUC difference over eight splits\n")
    print("Each row is a different 80/20 split of the 1,000 rows (`loanlens split --seed N`), "
          "the same parameters on both sides as in the main table (scripts/bench_gbdt_splits.py).\n")
    print("| split seed | LoanLens | XGBoost | difference |")
    print("| ---: | ---: | ---: | ---: |")
    for (seed, a, b), gap in zip(rows, gaps):
        print("| %d | %.4f | %.4f | %+.4f |" % (seed, a, b, gap))
    mean = sum(gaps) / len(gaps)
    print("\nMean difference %+.4f; from %+.4f to %+.4f. The main table's split is seed 7."
          % (mean, min(gaps), max(gaps)))


if __name__ == "__main__":
    main()
