#!/usr/bin/env python3
"""Prints the Markdown table of the demo bundles in models/ (read from the bundles themselves):
used to keep models/README.md true. Usage: scripts/demo_table.py"""
import glob
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
print("| bundle | kind | data | train / valid rows | inputs | AUC | KS | Brier | explanation |")
print("| --- | --- | --- | --- | --- | ---: | ---: | ---: | --- |")
for path in sorted(glob.glob(os.path.join(ROOT, "models", "*.json"))):
    b = json.load(open(path))
    v = b["metrics"]["validation"]
    t = b["training"]
    feats = [c["name"] for c in b["schema"]["columns"] if c["role"] == "feature"]
    params = " ".join("%s=%s" % kv for kv in sorted(t["params"].items()))
    print("| `%s` | %s%s | %s | %d / %d | %d features | %.4f | %.4f | %.4f | %s |" % (
        os.path.basename(path), b["kind"], " (%s)" % params if params else "", t["data_file"],
        t["train_rows"], t["valid_rows"], len(feats), v["auc"], v["ks"], v["brier"],
        b["explain"]["method"]))
