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


PREDICT_MAX = 0.5  # issue 12: tree margins in at most half the reference's predict time
EXACT_SVM_SHAP_MAX = 0.1  # issue 12: exact RBF SHAP at least 10x faster than Kernel SHAP
SVM_TRAIN_MAX = 2.0  # issue 12: the whole rbf `loanlens train` within 2x SVC(probability=True)


def tree_cost_section(native, w):
    """One core, tree inference: batch margins vs the reference's predict and ns per row per tree."""
    rows = [r for r in native["rows"] if r.get("ns_row_tree") is not None]
    if not rows:
        return
    w("## Tree inference on one core")
    w("")
    w("Margins of every test row as one batch (LoanLens `Model::PredictMargins`: trees of depth")
    w("<= 8 in level order, padded to complete trees, 8 rows walked at once without branches;")
    w("deeper trees as 16-byte nodes depth first, all rows of the batch walked in lock-step, tree")
    w("by tree) against XGBoost's")
    w("`predict(output_margin=True)` and scikit-learn's `predict_proba`, best of 5. Cost per row per")
    w("tree = predict time / (rows x trees). One row = the same rows scored one at a time")
    w("(`PredictMargin`, the path of a single applicant); mismatches = rows whose batch margin")
    w("differs from the one-row margin in any bit (must be 0).")
    w("")
    w("| model | dataset | rows | trees | predict | predict ref | ratio | ns/row/tree | ns/row/tree ref |"
      " one row | mismatches |")
    w("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        pr = ratio(r["predict"], r["predict_ref"])
        w("| %s | %s | %d | %d | %s | %s | %.2fx%s | %.1f | %.1f | %s | %s |" % (
            NAMES[r["model"]], r["dataset"], r["test_rows"], r["trees"], sec(r["predict"]),
            sec(r["predict_ref"]), pr, verdict(pr <= PREDICT_MAX), r["ns_row_tree"],
            r["ns_row_tree_ref"], sec(r["predict_one_row"]), r["batch_row_mismatches"]))
    w("")


WORKER_TARGET_HEAP = 300e6  # issue 12: page JS heap under 300 MB with a million rows


def workers_section(runs, w):
    """The Batch screen on 1, 2, 4 engine workers (bench-web.mjs --workers-scale JSON files)."""
    results = [r for doc in runs for r in doc["results"]]
    if not results:
        return
    w("## Browser: engine workers and a million rows")
    w("")
    w("The built app in headless Chromium %s on %d cores: upload to table and charts shown, SHAP "
      "on, the file scored in slices by N Web Workers (one engine each). Page heap = JS heap "
      "plus ArrayBuffers (where the scored columns live), peak sampled every 0.5 s; worker = "
      "each worker's WebAssembly memory. Native = `loanlens score --explain` on one thread, same "
      "file. Target: every row downloaded, page heap under 300 MB, wall time with all workers no "
      "more than native on one thread." % (runs[0]["chromium"], runs[0]["cores"]))
    w("")
    w("| model | rows | workers | seconds | rows / s | speed-up | vs native 1 thread | page heap "
      "peak | worker memory | rows downloaded |")
    w("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        nat = r["native_one_thread"]["seconds"]
        for b in r["browser"]:
            heap = b["page_heap_with_array_buffers_peak_bytes"]
            w("| %s | %d | %d | %.1f | %d | %s | %.2fx%s | %.0f MB%s | %s | %d%s |" % (
                r["model"], r["rows"], b["workers"], b["wall_seconds"], b["rows_per_second"],
                "–" if b["speedup_over_one_worker"] is None else "%.2fx" % b["speedup_over_one_worker"],
                b["wall_seconds"] / nat, verdict(b["wall_seconds"] <= nat), heap / 1e6,
                verdict(heap < WORKER_TARGET_HEAP),
                ", ".join("%.0f MB" % (x / 1e6) for x in b["worker_wasm_heap_bytes"]),
                b["download_rows"], verdict(b["download_rows"] == r["rows"])))
    w("")
    for r in results:
        w("Native `loanlens score --explain`, one thread, %s on %d rows: %.1f s (%d rows/s)." % (
            r["model"], r["rows"], r["native_one_thread"]["seconds"],
            r["native_one_thread"]["rows_per_second"]))
    w("")


def svm_explain_section(native, w):
    """RBF SVM: exact SHAP against the background vs Kernel SHAP, and the whole train command."""
    rows = [r for r in native["rows"] if r.get("kernel_shap")]
    if not rows:
        return
    w("## RBF SVM: exact explanations and the whole `loanlens train`")
    w("")
    w("Per applicant, the first %d test rows: the exact SHAP values against the bundle's stored" %
      rows[0]["kernel_shap"]["native"]["rows"])
    w("background (rbf_shap: each support vector x background pair is a product game, solved")
    w("exactly) beside Kernel SHAP on the same background with the bundle's 2,048 coalitions")
    w("(what RBF SVMs were explained with before), natively and in WebAssembly (the same CLI")
    w("built by Emscripten, run by node). Max |difference| = the largest gap between the two")
    w("explanations of any feature (Kernel SHAP is exact only when 2,048 coalitions cover every")
    w("one: 11 features or fewer). Whole train = the command as a user runs it (read, fit,")
    w("5-fold Platt scaling, metrics, 500 stored explanations, save), against scikit-learn's")
    w("`SVC(probability=True)` fit; targets: exact at most %.1fx Kernel SHAP's time, whole"
      % EXACT_SVM_SHAP_MAX)
    w("train within %.0fx the reference's fit." % SVM_TRAIN_MAX)
    w("")
    w("| dataset | support vectors | exact ms | Kernel SHAP ms | ratio | exact ms, wasm |"
      " Kernel SHAP ms, wasm | ratio, wasm | max difference | whole train | fit ref | ratio |")
    w("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        k = r["kernel_shap"]
        cells = []
        for where in ("native", "wasm"):
            e = k.get(where)
            if e is None:
                cells += ["–", "–", "–"]
                continue
            q = ratio(e["exact_ms_per_row"], e["kernel_shap_ms_per_row"])
            cells += ["%.1f" % e["exact_ms_per_row"], "%.0f" % e["kernel_shap_ms_per_row"],
                      "%.3fx%s" % (q, verdict(q <= EXACT_SVM_SHAP_MAX))]
        tr = ratio(r["train"], r["fit_ref"])
        w("| %s | %d | %s | %.1e | %s | %s | %.2fx%s |" % (
            r["dataset"], k["support_vectors"], " | ".join(cells),
            k["native"]["max_abs_difference"], sec(r["train"]), sec(r["fit_ref"]), tr,
            verdict(tr <= SVM_TRAIN_MAX)))
    w("")


def svm_explain_misses(r):
    """The rbf SVM's explanation and whole-train targets this row misses, as report lines."""
    k, out = r.get("kernel_shap"), []
    if not k:
        return out
    for where, e in k.items():
        if where in ("native", "wasm"):
            q = ratio(e["exact_ms_per_row"], e["kernel_shap_ms_per_row"])
            if q > EXACT_SVM_SHAP_MAX:
                out.append("SVM (rbf) on %s: exact SHAP %.2fx Kernel SHAP's time, %s (target %.1fx)"
                           % (r["dataset"], q, where, EXACT_SVM_SHAP_MAX))
    tr = ratio(r["train"], r["fit_ref"])
    if tr > SVM_TRAIN_MAX:
        out.append("SVM (rbf) on %s: whole train %.2fx SVC(probability=True)'s fit (target %.0fx)"
                   % (r["dataset"], tr, SVM_TRAIN_MAX))
    return out


def main():
    native = json.load(open(sys.argv[1]))
    web = json.load(open(sys.argv[2])) if len(sys.argv) > 2 else None
    worker_runs = [json.load(open(f)) for f in sys.argv[3:]]
    out = []
    w = out.append
    w("# Benchmarks")
    w("")
    w("Measured by `npm run bench` (scripts/bench.py, scripts/bench-web.mjs) on %s, %s." %
      (native["date"], native["machine"]))
    w("Both sides single-threaded, in the same run, on the same rows: the 80/20 stratified split")
    w("(seed 7) written by `loanlens split`, every column but the target and the row id as input,")
    w("every category level one-hot on both sides. Fit times are the best of 3, predict and SHAP")
    w("times the best of 5. Fit = the model's")
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
    tree_cost_section(native, w)
    svm_explain_section(native, w)
    misses = []
    for r in native["rows"]:
        auc_margin, fit_max, shap_max = TARGETS[r["model"]]
        d = r["auc"] - r["auc_ref"]
        if auc_margin is not None and d < -auc_margin:
            misses.append("%s on %s: AUC %.4f vs %.4f (%.4f below, target within %.3f)" % (
                NAMES[r["model"]], r["dataset"], r["auc"], r["auc_ref"], -d, auc_margin))
        fr = ratio(r["fit"], r["fit_ref"])
        if fit_max is not None and fr is not None and fr > fit_max:
            misses.append("%s on %s: fit %.2fx the reference's time (target %.1fx)" % (
                NAMES[r["model"]], r["dataset"], fr, fit_max))
        pr = ratio(r["predict"], r["predict_ref"]) if r.get("ns_row_tree") is not None else None
        if pr is not None and pr > PREDICT_MAX:
            misses.append("%s on %s: margins %.2fx the reference's predict time (target %.1fx)" % (
                NAMES[r["model"]], r["dataset"], pr, PREDICT_MAX))
        sr = ratio(r["shap"], r["shap_ref"])
        if shap_max is not None and sr is not None and sr > shap_max:
            misses.append("%s on %s: SHAP %.2fx (target %.1fx)" % (
                NAMES[r["model"]], r["dataset"], sr, shap_max))
        misses += svm_explain_misses(r)
    w("## Targets missed in this run")
    w("")
    for m in misses or ["none"]:
        w("- " + m)
    w("")
    w("Why (analysis of the run of 2026-12-02 18:37 UTC, on an AMD EPYC host; the run before,")
    w("at 06:16, was on an Intel host; re-check after changes):")
    w("")
    w("- **This machine.** Ratios moved between the two hosts with the same tree code: gbdt's")
    w("  fit on Taiwan 0.77x XGBoost's there, 0.93x here (XGBoost 0.95 s there, 0.82 s here;")
    w("  LoanLens 0.73 s and 0.76 s); the random forest's margins on Taiwan 0.23x there, 0.59x")
    w("  here (LoanLens 0.097 s there, 0.194 s here; scikit-learn 0.42 s and 0.33 s). Both")
    w("  forests (14-27 MB) are walked from memory; why this host slows LoanLens's layout more")
    w("  is not yet measured, and the two misses are open.")
    w("- **Tree inference.** A 300-tree depth-4 gbdt costs about 5-7 ns per row per tree: 4")
    w("  comparisons, about 1.2-1.8 ns per node visited, a traversal that stays in cache (the")
    w("  forest is about 110 KB in level order). A random forest (unlimited depth,")
    w("  min_samples_leaf 5) visits about 14-16 nodes per tree, memory-bound.")
    w("- **Linear SVM on Taiwan.** With the reference seeded (random_state=7) it scores 0.6699")
    w("  and LoanLens 0.6757. The table \"Linear SVM on Taiwan\" below shows why one fit decides")
    w("  nothing: LinearSVC fits that reach the same primal objective to 1e-10 relative give")
    w("  test AUCs from 0.663 to 0.687 by seed and tolerance.")
    w("- **gbdt on German credit, AUC: the split's noise, measured.** 200 test rows with 60")
    w("  defaults: 0.0093 is 78 of the 8,400 default/non-default pairs. Over eight splits")
    w("  (seeds 1-8, the table below) LoanLens minus XGBoost ranges from -0.015 to +0.009 with a")
    w("  mean of -0.001; seed 7, this table's split, is one of the two negative tails. On that")
    w("  split the bin count alone moves either library's AUC as much (XGBoost 0.7601-0.7688 for")
    w("  max_bin 32-1024, LoanLens 0.7539-0.7705 for max_bins 32-256). On the three larger sets")
    w("  the gap is at most 0.001.")
    w("- **RBF SVM, whole train on the two small sets.** The command stores exact explanations")
    w("  of up to 500 validation rows (German credit: all 200, 4.2 ms each against 533 support")
    w("  vectors x 50 background rows, about 0.8 s of the 1.0 s; credit_data: 500 rows at 6.9 ms,")
    w("  about 3.5 s of 5.6 s). SVC(probability=True) explains nothing; the fit alone is")
    w("  0.65-0.70x its time. On the two larger sets the whole command is within 2x (1.30x,")
    w("  1.75x), and on every set the exact explanation takes 0.004-0.048x the time of Kernel")
    w("  SHAP, natively and in WebAssembly.")
    w("- **The whole `loanlens train`** (below) measured 0.89x here (0.73x in the 06:16 run on")
    w("  the other host): the fit is 1.52 s of 2.57 s, XGBoost's read + fit + save 2.88 s. Both")
    w("  sides move by 10 % or more between runs; the target is not met in this run.")
    w("")
    if web:
        w("## Browser: scoring and explaining in WebAssembly vs the native CLI")
        w("")
        m = web["model"]
        w("%d rows (%.1f MB CSV: credit_risk_dataset repeated), a %d-tree %s with exact SHAP for "
          "every row; Chromium %s headless, the built app (upload → table and charts done)." % (
              web["rows"], web["file_bytes"] / 1e6, m["trees"], m["kind"], web["chromium"]))
        w("")
        w("| | seconds | rows / s | ratio to native |")
        w("| --- | ---: | ---: | ---: |")
        n = web["native"]["seconds"]
        w("| native CLI (`loanlens score --explain`) | %.2f | %d | 1.00x |" % (
            n, web["native"]["rows_per_second"]))
        b = web["browser"]
        w("| browser, upload to done | %.2f | %d | %.2fx |" % (
            b["wall_seconds"], b["rows_per_second"], b["wall_seconds"] / n))
        w("| browser, inside the engine (WebAssembly) | %.2f | | %.2fx |" % (
            b["engine_seconds"], b["engine_seconds"] / n))
        w("")
        mem = web["memory"]
        w("Worker peak WebAssembly heap %.1f MB; page JS heap %.1f MB used of %.1f MB." % (
            mem["wasm_heap_bytes"] / 1e6, mem["page_js_heap_used_bytes"] / 1e6,
            mem["page_js_heap_total_bytes"] / 1e6))
        st = web["startup"]
        w("")
        w("What the page downloads at startup: %d requests, %.0f KB, **%.0f KB gzipped** "
          "(target: under 400 KB):" % (st["requests"], st["bytes"] / 1e3, st["gzip_bytes"] / 1e3))
        w("")
        w("| file | bytes | gzipped |")
        w("| --- | ---: | ---: |")
        for f in st["files"]:
            w("| `%s` | %d | %d |" % (f["path"], f["bytes"], f["gzip_bytes"]))
        w("")
    workers_section(worker_runs, w)
    print("\n".join(out))


if __name__ == "__main__":
    main()
