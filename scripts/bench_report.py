#!/usr/bin/python3
"""Renders docs/benchmarks.md from the JSON written by scripts/bench.py (--json-out) and, if
present, scripts/bench-web.mjs (--json-out). Usage:
    scripts/bench_report.py NATIVE.json [WEB.json] > docs/benchmarks.md
"""
import json
import sys

TARGETS = {  # model: (AUC margin vs reference, max fit ratio, max SHAP ratio)
    "gbdt": (0.003, 0.8, 0.3),
    "random_forest": (0.005, 0.5, None),
    "svm_rbf": (0.005, 1.0, None),
    "svm_linear": (0.005, 1.0, None),
    "logistic": (None, None, None),
}
NAMES = {"gbdt": "gbdt", "random_forest": "random forest", "svm_rbf": "SVM (rbf)",
         "svm_linear": "SVM (linear)", "logistic": "logistic"}


def sec(v):
    if v is None:
        return "–"
    return "%.3f s" % v if v >= 0.01 else "%.1f ms" % (v * 1000)


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


def verdict(ok):
    return "" if ok is None else (" ✓" if ok else " ✗")


def main():
    native = json.load(open(sys.argv[1]))
    web = json.load(open(sys.argv[2])) if len(sys.argv) > 2 else None
    out = []
    w = out.append
    w("# Benchmarks")
    w("")
    w("Measured by `npm run bench` (scripts/bench.py, scripts/bench-web.mjs) on %s, %s." %
      (native["date"], native["machine"]))
    w("Both sides single-threaded, in the same run, on the same rows: the 80/20 stratified split")
    w("(seed 7) written by `loanlens split`, every column but the target and the row id as input,")
    w("every category level one-hot on both sides. Times are the best of 3. Fit = the model's")
    w("training (LoanLens: the family's `train`, including its binning; XGBoost: DMatrix +")
    w("training). Predict / SHAP = margins / exact SHAP values for every test row. A ✓ or ✗ marks")
    w("a target of the issues (AUC no lower than the reference's minus the margin; time ratios).")
    w("")
    for model in ["gbdt", "random_forest", "svm_rbf", "svm_linear", "logistic"]:
        rows = [r for r in native["rows"] if r["model"] == model]
        if not rows:
            continue
        auc_margin, fit_max, shap_max = TARGETS[model]
        w("## %s vs %s" % (NAMES[model], rows[0]["reference"]))
        w("")
        w("| dataset | train / test rows | AUC | AUC ref | Δ AUC | fit | fit ref | fit ratio |"
          " predict | predict ref | SHAP | SHAP ref | SHAP ratio |")
        w("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for r in rows:
            d = r["auc"] - r["auc_ref"]
            fr = ratio(r["fit"], r["fit_ref"])
            sr = ratio(r["shap"], r["shap_ref"])
            w("| %s | %d / %d | %.4f | %.4f | %+.4f%s | %s | %s | %s%s | %s | %s | %s | %s | %s%s |" % (
                r["dataset"], r["train_rows"], r["test_rows"], r["auc"], r["auc_ref"], d,
                verdict(None if auc_margin is None else d >= -auc_margin),
                sec(r["fit"]), sec(r["fit_ref"]), "–" if fr is None else "%.2fx" % fr,
                verdict(None if fit_max is None or fr is None else fr <= fit_max),
                sec(r["predict"]), sec(r["predict_ref"]), sec(r["shap"]), sec(r["shap_ref"]),
                "–" if sr is None else "%.2fx" % sr,
                verdict(None if shap_max is None or sr is None else sr <= shap_max)))
        w("")
    if web:
        w("## Browser: scoring and explaining in WebAssembly vs the native CLI")
        w("")
        w("```json")
        w(json.dumps(web, indent=1))
        w("```")
        w("")
    print("\n".join(out))


if __name__ == "__main__":
    main()
