#!/usr/bin/python3
"""`loanlens score` end to end and the per-applicant decision, natively (Markdown on stdout).

Run by `npm run bench` (scripts/bench), appended to docs/benchmarks.md; on its own:
/usr/bin/python3 scripts/bench_score.py [--rows N] [--threads 1,2,4] [--decisions N]

1. `loanlens score` (CSV in, CSV out) on the first N rows of a shipped dataset, without and with
   --explain, at each --threads value: rows per second of the whole command (bundle load
   included), and from `score --timings` the share of the wall time spent reading CSV (file
   reads, tokenising, parsing cells) and writing CSV (spreadsheet-safe cells, the output file).
   The outputs of every thread count are compared byte for byte with one thread's.
2. `loanlens bench --decisions N`: milliseconds per applicant not approved for the whole decision
   as `loanlens explain` makes it (reasons against the reference, price, limit, recourse), and
   for the recourse search alone.
"""
import argparse
import filecmp
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLI = os.environ.get("LOANLENS", os.path.join(ROOT, "build/native/loanlens"))
CASES = [  # bundle, dataset
    ("credit_risk_gbdt", "credit_risk_dataset.csv"),
    ("credit_risk_logistic", "credit_risk_dataset.csv"),
]


def head(src, rows, dst):
    with open(src) as f, open(dst, "w") as out:
        for i, line in enumerate(f):
            if i > rows:
                break
            out.write(line)


def score(model, data, out, threads, explain):
    args = [CLI, "score", "--model", model, "--data", data, "--out", out,
            "--threads", str(threads), "--timings"]
    if explain:
        args.append("--explain")
    t0 = time.perf_counter()
    r = subprocess.run(args, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t0
    timings = json.loads(r.stderr.strip().splitlines()[-1])
    timings["wall_seconds"] = wall
    return timings


def score_section(rows, threads, tmp):
    out = []
    for bundle, dataset in CASES:
        data = os.path.join(tmp, "%s_%d.csv" % (dataset, rows))
        head(os.path.join(ROOT, "models/data", dataset), rows, data)
        model = os.path.join(ROOT, "models", bundle + ".json")
        for explain in (False, True):
            base = None
            for n in threads:
                path = os.path.join(tmp, "out_%s_%d_%d.csv" % (bundle, explain, n))
                t = score(model, data, path, n, explain)
                if base is None:
                    base = (path, t)
                rej, base_rej = path + ".rejected.csv", base[0] + ".rejected.csv"
                same = filecmp.cmp(base[0], path, shallow=False) and (
                    filecmp.cmp(base_rej, rej, shallow=False) if os.path.exists(base_rej)
                    else not os.path.exists(rej))
                out.append({"bundle": bundle, "explain": explain, "threads": n,
                            "rows": t["rows"], "seconds": t["wall_seconds"],
                            "rows_per_second": t["rows"] / t["wall_seconds"],
                            "speedup": base[1]["wall_seconds"] / t["wall_seconds"],
                            "csv_read_share": t["csv_read_seconds"] / t["total_seconds"],
                            "csv_write_share": t["csv_write_seconds"] / t["total_seconds"],
                            "identical": same})
                print(json.dumps(out[-1]), flush=True, file=sys.stderr)
    return out


def decisions_section(n):
    out = []
    for bundle, dataset in CASES[:1]:
        r = subprocess.run([CLI, "bench", "--model", os.path.join(ROOT, "models", bundle + ".json"),
                            "--data", os.path.join(ROOT, "models/data", dataset), "--repeat", "1",
                            "--no-shap", "--decisions", str(n)],
                           capture_output=True, text=True, check=True)
        d = json.loads(r.stdout)["decisions"]
        d["bundle"] = bundle
        out.append(d)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=8000)
    ap.add_argument("--threads", default="1,2,4")
    ap.add_argument("--decisions", type=int, default=200)
    ap.add_argument("--json-out")
    ap.add_argument("--web-decision", help="scripts/bench-web-decision.mjs --json-out FILE")
    args = ap.parse_args()
    threads = [int(t) for t in args.threads.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        rows = score_section(args.rows, threads, tmp)
    decisions = decisions_section(args.decisions)
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump({"score": rows, "decisions": decisions}, f, indent=1)
    w = print
    w("## `loanlens score` end to end (scripts/bench_score.py)")
    w()
    w("First %d rows of the dataset, the whole command timed (bundle load included); CSV "
      "read/write = share of the wall time spent reading (file, tokenising, cells) and writing "
      "(spreadsheet-safe cells, file) as `score --timings` reports it. %d cores." %
      (args.rows, os.cpu_count()))
    w()
    w("| bundle | --explain | threads | rows/s | speed-up | CSV read | CSV write | output = 1 thread |")
    w("|---|---|---:|---:|---:|---:|---:|---|")
    for r in rows:
        w("| %s | %s | %d | %.0f | %.2fx | %.1f%% | %.1f%% | %s |" % (
            r["bundle"], "yes" if r["explain"] else "no", r["threads"], r["rows_per_second"],
            r["speedup"], 100 * r["csv_read_share"], 100 * r["csv_write_share"],
            "byte-identical" if r["identical"] else "DIFFERENT"))
    w()
    w("## Decision per applicant, natively (`loanlens bench --decisions`)")
    w()
    w("Applicants the bundle does not approve, from the top of the dataset: the whole decision as "
      "`loanlens explain` makes it (reasons against the reference, price, limit, recourse) and "
      "the recourse search alone.")
    w()
    w("| bundle | applicants | decision ms (mean / max) | recourse ms (mean / max) |")
    w("|---|---:|---:|---:|")
    for d in decisions:
        w("| %s | %d | %.1f / %.1f | %.1f / %.1f |" % (
            d["bundle"], d["applicants"], d["explain_ms_per_applicant"], d["explain_ms_max"],
            d["recourse_ms_per_applicant"], d["recourse_ms_max"]))
    if args.web_decision:
        with open(args.web_decision) as f:
            web = json.load(f)
        w()
        w("In WebAssembly (scripts/bench-web-decision.mjs), one `scoreRecord` call per applicant "
          "(the Applicant screen's request: reasons, price, limit and recourse), %s, %d trees, "
          "%d applicants not approved:" % (web["model"]["bundle"], web["model"]["trees"],
                                           web["chromium"]["applicants"]))
        w()
        w("| where | mean ms | median ms | p95 ms | max ms | target |")
        w("|---|---:|---:|---:|---:|---|")
        for where in ("chromium", "node"):
            s = web[where]
            w("| %s | %.1f | %.1f | %.1f | %.1f | %s |" % (
                where, s["mean_ms"], s["median_ms"], s["p95_ms"], s["max_ms"],
                ("< %d ms: %s" % (web["target_ms"], "met" if web["meets_target"] else "MISSED"))
                if where == "chromium" else ""))


if __name__ == "__main__":
    main()
