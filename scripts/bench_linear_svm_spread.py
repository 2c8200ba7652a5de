#!/usr/bin/python3
"""Linear SVM on Taiwan: how well the hinge-loss optimum determines the test AUC (Markdown on
stdout; run by `npm run bench`, appended to docs/benchmarks.md).

The main table compares LoanLens's linear SVM with one LinearSVC fit (random_state=7). This
table fits LinearSVC on the same 10,000 training rows and design with three seeds and three
tolerances and prints, for each fit, the primal objective it reached,
0.5 (|w|^2 + b^2) + C sum_i max(0, 1 - y_i (w.x_i + b)) (LIBLINEAR regularises the intercept),
and its test AUC: fits that reach the same objective to many digits may rank the test rows
differently, and then the AUC difference of one fit says nothing about the solver.
"""
import os
import sys
import tempfile
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (single-threaded BLAS before numpy loads)

import numpy as np  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.svm import LinearSVC  # noqa: E402

DATASET = "default_of_credit_card_clients"
SEEDS = (7, 0, 1)
TOLERANCES = ((1e-4, 10000), (1e-6, 1000000), (1e-8, 10000000))  # (tol, max_iter)


def primal(x, y, w, b):
    """LIBLINEAR's L2-regularised hinge-loss objective with C = 1 (intercept regularised)."""
    margins = 1 - (2 * y - 1) * (x @ w + b)
    return 0.5 * (w @ w + b * b) + np.maximum(margins, 0).sum()


def main():
    warnings.filterwarnings("ignore", message="Liblinear failed to converge")
    with tempfile.TemporaryDirectory() as tmp:
        split = bench.Split(DATASET, tmp)
        x, y = split.xs_tr, split.y_tr
        if len(y) > bench.MAX_SVM_TRAIN:  # the same subsample as scripts/bench.py's reference
            x, _, y, _ = train_test_split(x, y, train_size=bench.MAX_SVM_TRAIN, stratify=y,
                                          random_state=7)
        kind, params = bench.OUR_PARAMS["svm_linear"]
        ours = bench.ours(split, tmp, kind, params, 1, shap=False)["auc"]
        rows = []
        for tol, max_iter in TOLERANCES:
            for seed in SEEDS:
                m = LinearSVC(C=1.0, loss="hinge", dual=True, tol=tol, max_iter=max_iter,
                              random_state=seed).fit(x, y)
                rows.append((tol, seed, primal(x, y, m.coef_[0], m.intercept_[0]),
                             roc_auc_score(split.y_va, m.decision_function(split.xs_va))))
    aucs = [r[3] for r in rows]
    print("## Linear SVM on Taiwan: the test AUC of equally good fits\n")
    print("LinearSVC (hinge, C=1) on the main table's %s rows and design, by tolerance and seed "
          "(the order in which dual coordinate descent visits the rows): the primal objective "
          "each fit reached and its test AUC (scripts/bench_linear_svm_spread.py).\n"
          % "{:,}".format(len(y)))
    print("| tol | seed | primal objective | test AUC |")
    print("| ---: | ---: | ---: | ---: |")
    for tol, seed, obj, auc in rows:
        print("| %g | %d | %.6f | %.4f |" % (tol, seed, obj, auc))
    objs = [r[2] for r in rows]
    print("\nObjectives from %.6f to %.6f (relative spread %.1e); test AUCs from %.4f to %.4f. "
          "LoanLens's linear SVM: %.4f." % (min(objs), max(objs),
                                            (max(objs) - min(objs)) / min(objs), min(aucs),
                                            max(aucs), ours))


if __name__ == "__main__":
    main()
