#!/usr/bin/python3
"""Logistic regression: LoanLens vs scikit-learn on exactly the same split and columns.

Run with Debian's interpreter (python3-sklearn): /usr/bin/python3 scripts/compare_sklearn.py
For each dataset it writes the stratified 80/20 split (seed 7) with `loanlens split`, trains
LoanLens on the training rows with `--valid` = the validation rows, and fits the equivalent
scikit-learn pipeline (median imputation + standardisation for numbers, one-hot with rare levels
pooled for categories, LogisticRegression(C=1.0)) on the same rows and the same feature columns
(those the bundle uses as features). Prints one JSON line per dataset.
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLI = os.environ.get("LOANLENS", os.path.join(ROOT, "build/native/loanlens"))
DATASETS = [
    ("german_credit.csv", "class", "2"),
    ("credit_data.csv", "Status", "bad"),
    ("credit_risk_dataset.csv", "loan_status", "1"),
    ("default_of_credit_card_clients.csv", "default payment next month", "1"),
    ("loan_default_sample.csv", "Default", "1"),
]


def run(*args):
    return subprocess.run([CLI, *args], check=True, capture_output=True, text=True).stdout


def compare(data, target, positive, tmp):
    src = os.path.join(ROOT, "models/data", data)
    tr, va, bundle = (os.path.join(tmp, n) for n in ("train.csv", "valid.csv", "b.json"))
    run("split", "--data", src, "--target", target, "--positive", positive, "--seed", "7",
        "--valid-fraction", "0.2", "--out-train", tr, "--out-valid", va)
    run("train", "--data", tr, "--valid", va, "--target", target, "--positive", positive,
        "--model", "logistic", "--out", bundle)
    ours = json.loads(run("evaluate", "--model", bundle, "--data", va, "--json"))
    with open(bundle) as f:
        schema = json.load(f)["schema"]["columns"]
    features = [c for c in schema if c["role"] == "feature"]
    num = [c["name"] for c in features if c["type"] != "categorical"]
    cat = [c["name"] for c in features if c["type"] == "categorical"]

    def load(path):
        df = pd.read_csv(path, keep_default_na=False, na_values=["", "NA", "N/A", "NaN", "NULL", "?"],
                         dtype={c: str for c in cat + [target]})
        for c in [c for c in features if c["type"] == "boolean"]:
            df[c["name"]] = df[c["name"]].astype(str).str.lower().map(
                {"1": 1, "true": 1, "yes": 1, "y": 1, "t": 1, "0": 0, "false": 0, "no": 0, "n": 0, "f": 0})
        return df[num + cat], (df[target].astype(str) == positive).astype(int).to_numpy()

    x_tr, y_tr = load(tr)
    x_va, y_va = load(va)
    pre = ColumnTransformer([
        ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), num),
        ("cat", make_pipeline(SimpleImputer(strategy="constant", fill_value="__missing__"),
                              OneHotEncoder(min_frequency=10, handle_unknown="infrequent_if_exist")), cat),
    ])
    model = make_pipeline(pre, LogisticRegression(C=1.0, max_iter=10000, tol=1e-8))
    model.fit(x_tr, y_tr)
    auc_sk = roc_auc_score(y_va, model.predict_proba(x_va)[:, 1])
    return {"dataset": data, "train_rows": len(y_tr), "valid_rows": len(y_va),
            "features": len(features), "auc_loanlens": round(ours["auc"], 5),
            "auc_sklearn": round(auc_sk, 5), "difference": round(ours["auc"] - auc_sk, 5)}


def main():
    only = sys.argv[1:]
    with tempfile.TemporaryDirectory() as tmp:
        for data, target, positive in DATASETS:
            if only and data not in only:
                continue
            print(json.dumps(compare(data, target, positive, tmp)), flush=True)


if __name__ == "__main__":
    main()
