#!/usr/bin/python3
"""Reference timings for the SVM family: scikit-learn SVC / LinearSVC, single-threaded.

Run with Debian's /usr/bin/python3 (scikit-learn 1.2):
    /usr/bin/python3 scripts/bench_svm.py [--datasets german_credit,credit_data] [--out FILE]
For each dataset: design = numeric columns (median-imputed, standardised on the training split)
plus one-hot 0/1 columns of the categorical ones (a missing category is its own level); 80/20
stratified split with seed 7; training rows capped at 10,000 (stratified subsample, seed 7).
Cases: SVC rbf (C=1, gamma=scale), SVC rbf with probability=True (5-fold Platt, as loanlens
does), SVC poly (degree 3, coef0=1), LinearSVC (hinge, dual=True, C=1).
Prints one JSON line per case: dataset, case, rows/columns, fit and predict seconds, number of
support vectors, test ROC AUC of the decision function. loanlens is measured through its CLI.
"""
import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.svm import SVC, LinearSVC  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATASETS = {
    "german_credit": ("class", lambda s: s == 2, []),
    "credit_data": ("Status", lambda s: s == "bad", []),
    "credit_risk_dataset": ("loan_status", lambda s: s == 1, []),
    "default_of_credit_card_clients": ("default payment next month", lambda s: s == 1, ["ID"]),
    "loan_default_sample": ("Default", lambda s: s == 1, ["LoanID"]),
}
MAX_TRAIN = 10000
SEED = 7


def design(name):
    target, positive, drop = DATASETS[name]
    df = pd.read_csv(os.path.join(ROOT, "models", "data", name + ".csv"))
    y = positive(df[target]).astype(int).values
    df = df.drop(columns=[target] + drop)
    tr, te, y_tr, y_te = train_test_split(df, y, test_size=0.2, stratify=y, random_state=SEED)
    if len(tr) > MAX_TRAIN:
        tr, _, y_tr, _ = train_test_split(tr, y_tr, train_size=MAX_TRAIN, stratify=y_tr,
                                          random_state=SEED)
    numeric = [c for c in df.columns if df[c].dtype != object]
    categorical = [c for c in df.columns if df[c].dtype == object]

    def transform(part):
        cols = []
        for c in numeric:
            v = part[c].astype(float)
            med = tr[c].astype(float).median()
            mu = tr[c].astype(float).fillna(med).mean()
            sd = tr[c].astype(float).fillna(med).std(ddof=0) or 1.0
            cols.append(((v.fillna(med) - mu) / sd).values)
        for c in categorical:
            levels = sorted(tr[c].fillna("__missing__").unique())
            v = part[c].fillna("__missing__").values
            for level in levels:
                cols.append((v == level).astype(float))
        return np.column_stack(cols)

    return transform(tr), y_tr, transform(te), y_te


def run(name, case, model, x_tr, y_tr, x_te, y_te):
    t0 = time.perf_counter()
    model.fit(x_tr, y_tr)
    t1 = time.perf_counter()
    dec = model.decision_function(x_te)
    t2 = time.perf_counter()
    if hasattr(model, "predict_proba") and getattr(model, "probability", False):
        model.predict_proba(x_te)
    row = {
        "dataset": name, "case": case, "train_rows": int(x_tr.shape[0]),
        "test_rows": int(x_te.shape[0]), "num_inputs": int(x_tr.shape[1]),
        "fit_seconds": round(t1 - t0, 4), "predict_seconds": round(t2 - t1, 4),
        "auc": round(float(roc_auc_score(y_te, dec)), 5),
    }
    if hasattr(model, "n_support_"):
        row["num_support_vectors"] = int(model.n_support_.sum())
    print(json.dumps(row), flush=True)
    return row


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--datasets", default=",".join(DATASETS))
    ap.add_argument("--cases", default="rbf,rbf_probability,poly,linear")
    ap.add_argument("--out", default=None, help="also append the JSON lines to this file")
    args = ap.parse_args()
    rows = []
    for name in args.datasets.split(","):
        x_tr, y_tr, x_te, y_te = design(name)
        cases = {
            "rbf": lambda: SVC(kernel="rbf", C=1.0, gamma="scale", cache_size=100),
            "rbf_probability": lambda: SVC(kernel="rbf", C=1.0, gamma="scale", cache_size=100,
                                           probability=True, random_state=SEED),
            "poly": lambda: SVC(kernel="poly", degree=3, coef0=1.0, gamma="scale",
                                cache_size=100),
            "linear": lambda: LinearSVC(loss="hinge", dual=True, C=1.0, max_iter=1000),
        }
        for case in args.cases.split(","):
            rows.append(run(name, case, cases[case](), x_tr, y_tr, x_te, y_te))
    if args.out:
        with open(args.out, "a") as f:
            for r in rows:
                f.write(json.dumps(r) + "\n")


if __name__ == "__main__":
    main()
