#!/usr/bin/env bash
# End-to-end tests of the `loanlens` CLI: every subcommand on real data, exit codes (0 ok,
# 2 usage, 1 data/model error) and the messages users see. Run by CTest with the CLI's path.
set -uo pipefail
CLI=$1
source "$(dirname "$0")/lib.sh"
DATA=$ROOT/models/data/german_credit.csv
expect_exit() {  # code, stderr-pattern, command...
  local code=$1 pattern=$2
  shift 2
  "$@" >"$TMP/out" 2>"$TMP/err"
  local rc=$?
  if [ "$rc" = "$code" ] && grep -qF -- "$pattern" "$TMP/err"; then
    passed=$((passed + 1))
  else
    echo "FAIL: '$*' exited $rc (expected $code) with stderr:"; cat "$TMP/err"
    failures=$((failures + 1))
  fi
}

# --help everywhere
for sub in "" train evaluate score explain inspect schema split import-xgboost bench monitor fairness card; do
  check "help $sub" bash -c "'$CLI' $sub --help | grep -q Usage"
done
check "version" bash -c "'$CLI' --version | grep -q 'loanlens 0.1.0'"

# usage errors: exit 2
expect_exit 2 "required" "$CLI" train --data "$DATA"
expect_exit 2 "expected key=value" "$CLI" train --data "$DATA" --target class --positive 2 --out "$TMP/x.json" --param C
expect_exit 2 "" "$CLI" frobnicate

# train, then everything else on the bundle
check "train" "$CLI" train --data "$DATA" --target class --positive 2 --out "$TMP/m.json" --seed 7
check "bundle written" test -s "$TMP/m.json"
"$CLI" evaluate --model "$TMP/m.json" --data "$DATA" --json >"$TMP/eval.json"
check "evaluate --json keys" node -e '
  const m = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  for (const k of ["auc","gini","ks","pr_auc","log_loss","brier","n_rows","n_positive"])
    if (!(k in m)) { console.error("missing", k); process.exit(1); }
  if (m.n_rows !== 1000 || m.n_positive !== 300 || !(m.auc > 0.7 && m.auc < 0.9)) process.exit(1);' "$TMP/eval.json"
check "evaluate text" bash -c "'$CLI' evaluate --model '$TMP/m.json' --data '$DATA' | grep -q 'AUC'"
check "evaluate --json evidence" node -e '
  const m = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const i = m.intervals.auc;
  if (!(i.lower < m.auc && m.auc < i.upper) || m.intervals.replicates !== 1000) process.exit(1);
  if (m.band_table.length !== 3 || m.confusion_at_cutoffs.length !== 2) process.exit(1);
  if (!(m.hosmer_lemeshow.df === 8 && m.gains.length === 10 && m.calibration.length === 10)) process.exit(1);' "$TMP/eval.json"
check "evaluate --bootstrap reproducible by seed" bash -c "
  '$CLI' evaluate --model '$TMP/m.json' --data '$DATA' --json --bootstrap 200 --seed 3 >'$TMP/e1.json' &&
  '$CLI' evaluate --model '$TMP/m.json' --data '$DATA' --json --bootstrap 200 --seed 3 >'$TMP/e2.json' &&
  cmp -s '$TMP/e1.json' '$TMP/e2.json'"

# monitoring: the same population is stable, a shifted copy (amounts x3, durations + 24 months)
# is a significant shift
"$CLI" monitor --model "$TMP/m.json" --data "$DATA" --json >"$TMP/mon_same.json"
awk -F, -v OFS=, 'NR == 1 { print; next } { $2 = $2 + 24; $5 = $5 * 3; print }' "$DATA" >"$TMP/shifted.csv"
"$CLI" monitor --model "$TMP/m.json" --data "$TMP/shifted.csv" --json >"$TMP/mon_shift.json"
check "monitor: same population stable, shifted copy significant" node -e '
  const fs = require("fs");
  const same = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
  const shift = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
  const bad = (m) => { console.error(JSON.stringify(m).slice(0, 400)); process.exit(1); };
  if (same.score.verdict !== "stable" || !(same.score.psi < 0.1)) bad(same.score);
  for (const [k, f] of Object.entries(same.features)) if (f.verdict !== "stable") bad([k, f]);
  if (shift.score.verdict !== "significant shift") bad(shift.score);
  for (const k of ["duration_months", "credit_amount"])
    if (shift.features[k].verdict !== "significant shift" || !(shift.features[k].out_of_range_rate > 0)) bad(shift.features[k]);
  if (shift.features.purpose.verdict !== "stable") bad(shift.features.purpose);
  for (const k of ["psi", "verdict", "missing_rate", "missing_rate_reference", "out_of_range_rate"])
    if (!(k in shift.features.purpose)) bad(k);
  if (!(same.performance.auc > 0.7) || same.early_warning !== null || !(same.psi_floor > 0)) bad(same.performance);' "$TMP/mon_same.json" "$TMP/mon_shift.json"
check "monitor text" bash -c "'$CLI' monitor --model '$TMP/m.json' --data '$TMP/shifted.csv' | grep -q 'duration_months .*significant shift'"

# early warning: accounts matched by id whose PD rose by more than 0.05 or whose band worsened
LD=$ROOT/models/data/loan_default_sample.csv
head -n 301 "$LD" >"$TMP/ld.csv"
check "train loan_default" "$CLI" train --data "$TMP/ld.csv" --target Default --out "$TMP/ld.json" --seed 7
"$CLI" score --model "$TMP/ld.json" --data "$TMP/ld.csv" --out "$TMP/ld_prev.csv" 2>/dev/null
# DTI ratio and interest rate up for the first 40 accounts
awk -F, -v OFS=, 'NR > 1 && NR <= 41 { $8 = $8 + 10; $10 = 0.9 } { print }' "$TMP/ld.csv" >"$TMP/ld_now.csv"
"$CLI" score --model "$TMP/ld.json" --data "$TMP/ld_now.csv" --out "$TMP/ld_now_scored.csv" 2>/dev/null
"$CLI" monitor --model "$TMP/ld.json" --data "$TMP/ld_now.csv" --previous "$TMP/ld_prev.csv" --json >"$TMP/ew.json"
check "early-warning list = accounts whose PD rose > 0.05 or band worsened" node -e '
  const fs = require("fs");
  // Cells may hold quoted commas (the rules and reason columns): split on commas outside quotes.
  const cells = (l) => l.match(/("([^"]|"")*"|[^,]*)(,|$)/g).slice(0, -1).map((c) => c.replace(/,$/, ""));
  const read = (p) => { const [h, ...rows] = fs.readFileSync(p, "utf8").trim().split("\n").map(cells);
    const id = h.indexOf("LoanID"), pd = h.indexOf("pd"), band = h.indexOf("band");
    return new Map(rows.map((r) => [r[id], { pd: +r[pd], band: r[band] }])); };
  const prev = read(process.argv[1]), now = read(process.argv[2]);
  // The early warning compares the bands of the cut-offs (the `band` column is the decision
  // after review rules, which an out-of-range input alone can move).
  const policy = JSON.parse(fs.readFileSync(process.argv[4], "utf8")).policy;
  const rank = (pd) => (pd < policy.approve_below ? 0 : pd >= policy.decline_at ? 2 : 1);
  const expected = [...now].filter(([id, s]) => s.pd - prev.get(id).pd > 0.05 || rank(s.pd) > rank(prev.get(id).pd)).map(([id]) => id).sort();
  const got = JSON.parse(fs.readFileSync(process.argv[3], "utf8")).early_warning.map((w) => w.id).sort();
  if (expected.length < 5 || JSON.stringify(expected) !== JSON.stringify(got)) { console.error(expected.length, got.length); process.exit(1); }' \
  "$TMP/ld_prev.csv" "$TMP/ld_now_scored.csv" "$TMP/ew.json" "$TMP/ld.json"
expect_exit 1 "no id column" "$CLI" monitor --model "$TMP/m.json" --data "$DATA" --previous "$TMP/ld_prev.csv"

# fairness review on a protected column; the model card
"$CLI" fairness --model "$TMP/m.json" --data "$DATA" --attribute foreign_worker --json >"$TMP/fair.json"
check "fairness --json" node -e '
  const f = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  if (f.attribute !== "foreign_worker" || f.groups.length !== 2 || f.proxies.length !== 17) process.exit(1);
  const ref = f.groups.find((g) => g.group === f.reference_group);
  if (ref.adverse_impact_ratio !== 1) process.exit(1);
  for (const g of f.groups) {
    for (const k of ["group","count","approval_rate","adverse_impact_ratio","four_fifths_ok","tpr","fpr","auc","too_small"])
      if (!(k in g)) { console.error("missing", k); process.exit(1); }
    if (Math.abs(g.adverse_impact_ratio - g.approval_rate / ref.approval_rate) > 1e-12) process.exit(1);
    if (g.four_fifths_ok !== (g.adverse_impact_ratio >= 0.8)) process.exit(1);
  }' "$TMP/fair.json"
expect_exit 1 "is a model input" "$CLI" fairness --model "$TMP/m.json" --data "$DATA" --attribute purpose
expect_exit 1 "not a column of this file" "$CLI" fairness --model "$TMP/m.json" --data "$DATA" --attribute nope
check "train --fairness-attribute" "$CLI" train --data "$DATA" --target class --positive 2 --out "$TMP/mf.json" --fairness-attribute age_years
check "card" bash -c "'$CLI' card --model '$TMP/mf.json' --out '$TMP/card.md' && grep -q '## Fairness' '$TMP/card.md' && grep -q 'Approval by age_years' '$TMP/card.md' && grep -q \"\$(node -e 'console.log(JSON.parse(require(\"fs\").readFileSync(process.argv[1])).content_sha256)' '$TMP/mf.json')\" '$TMP/card.md'"
expect_exit 1 "names a model input" "$CLI" train --data "$DATA" --target class --positive 2 --out "$TMP/x.json" --fairness-attribute purpose

# score with malformed rows: every good row scored, every bad row reported
{ head -n 4 "$DATA"
  echo '< 0 DM,forty,critical account / other credits existing (not at this bank),radio/television,1169,unknown / no savings account,>= 7 years,4,male : single,none,4,real estate,67,none,own,2,skilled employee / official,1,none,yes,1'
  echo 'only,three,fields'
  sed -n 5,7p "$DATA"; } >"$TMP/in.csv"
"$CLI" score --model "$TMP/m.json" --data "$TMP/in.csv" --out "$TMP/out.csv" --explain 2>"$TMP/score.err"
check "score exit 0" test $? = 0
check "score counts" grep -q "rows in 8, scored 6, rejected 2" "$TMP/score.err"
check "score names the bad cell" grep -qF "row 5, column 'duration_months', value 'forty'" "$TMP/score.err"
check "rejected file" bash -c "[ \$(wc -l < '$TMP/out.csv.rejected.csv') = 3 ]"
check "scored rows" bash -c "[ \$(wc -l < '$TMP/out.csv') = 7 ]"
check "score columns" bash -c "head -1 '$TMP/out.csv' | grep -q ',pd,margin,points,band,rules,reason_1,reason_2,reason_3,reason_4,expected_loss,rate,max_amount,shap_checking_status,.*,base_value\$'"

# explain
"$CLI" explain --model "$TMP/m.json" --row '{"checking_status": "< 0 DM", "duration_months": 48}' >"$TMP/explain.json" 2>/dev/null
check "explain additivity" node -e '
  const e = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const s = e.base_value + Object.values(e.contributions).reduce((a, b) => a + b, 0);
  process.exit(Math.abs(s - e.margin) < 1e-9 && e.pd > 0 && e.pd < 1 ? 0 : 1);' "$TMP/explain.json"
expect_exit 1 "column 'duration_month', value '48': unknown column" "$CLI" explain --model "$TMP/m.json" --row '{"duration_month": 48}'
expect_exit 1 "--row: not valid JSON" "$CLI" explain --model "$TMP/m.json" --row '{nope'

# inspect, schema, split
check "inspect" bash -c "'$CLI' inspect --model '$TMP/m.json' | grep -q 'content sha256.*(verified)'"
check "schema" bash -c "'$CLI' schema --data '$DATA' --target class | grep -q '\"role\": \"protected\"'"
check "split" "$CLI" split --data "$DATA" --target class --positive 2 --out-train "$TMP/tr.csv" --out-valid "$TMP/va.csv"
check "split sizes" bash -c "[ \$(wc -l < '$TMP/va.csv') = 201 ]"

# import-xgboost: the imported bundle reproduces XGBoost's margins and pred_contribs
CR=$ROOT/models/data/credit_risk_dataset.csv
FIX=$ROOT/tests/fixtures/xgboost
# without the schema, person_age is a protected column: imported anyway, with a warning
expect_exit 0 "the model uses a prohibited basis: person_age" "$CLI" import-xgboost --model "$FIX/model.json" --data "$CR" --target loan_status --out "$TMP/xgb_age.json"
check "import-xgboost" "$CLI" import-xgboost --model "$FIX/model.json" --data "$CR" --target loan_status --schema "$FIX/sample_schema.json" --out "$TMP/xgb.json"
head -n 301 "$CR" >"$TMP/cr300.csv"
"$CLI" score --model "$TMP/xgb.json" --data "$TMP/cr300.csv" --out "$TMP/cr300.out.csv" --explain 2>/dev/null
check "xgboost parity (margin and SHAP to 1e-5)" node -e '
  const fs = require("fs");
  const fx = JSON.parse(fs.readFileSync(process.argv[1] + "/data.json", "utf8"));
  const lines = fs.readFileSync(process.argv[2], "utf8").trim().split("\n");
  const head = lines[0].split(",");
  const im = head.indexOf("margin");
  let worst = 0;
  for (let r = 0; r < 300; r++) {
    const cells = lines[r + 1].split(",");
    worst = Math.max(worst, Math.abs(Number(cells[im]) - fx.margin[r]));
    fx.input_names.forEach((name, j) => {
      worst = Math.max(worst, Math.abs(Number(cells[head.indexOf("shap_" + name)]) - fx.contribs[r][j]));
    });
    worst = Math.max(worst, Math.abs(Number(cells[head.indexOf("base_value")]) - fx.contribs[r].at(-1)));
  }
  console.log("xgboost import: max |diff| " + worst);
  process.exit(worst <= 1e-5 ? 0 : 1);' "$FIX" "$TMP/cr300.out.csv"

# explain --interactions on a tree model: rows sum to the SHAP values
check "train gbdt" "$CLI" train --data "$DATA" --target class --positive 2 --model gbdt --param n_trees=50 --out "$TMP/gb.json"
"$CLI" explain --model "$TMP/gb.json" --row '{"duration_months": 48}' --interactions >"$TMP/inter.json" 2>/dev/null
check "interactions sum to SHAP" node -e '
  const e = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  let worst = 0;
  for (const f in e.interactions) {
    const s = Object.values(e.interactions[f]).reduce((a, b) => a + b, 0);
    worst = Math.max(worst, Math.abs(s - e.contributions[f]));
  }
  process.exit(worst < 1e-9 && Object.keys(e.interactions).length > 0 ? 0 : 1);' "$TMP/inter.json"
expect_exit 1 "SHAP interaction values are computed for tree models" "$CLI" explain --model "$TMP/m.json" --row '{}' --interactions

# configurable missing tokens: stored in the bundle and used again when scoring
printf 'x,y,c\n1,0,a\n-999,1,b\n3,0,a\n4,1,b\n5,0,a\n6,1,b\n7,0,a\n8,1,b\n9,0,a\n10,1,-999\n' >"$TMP/na.csv"
check "train --missing-tokens" "$CLI" train --data "$TMP/na.csv" --target y --valid-fraction 0.5 --missing-tokens=-999 --param min_frequency=1 --out "$TMP/na.json"
check "missing tokens in the bundle" grep -q '"-999"' "$TMP/na.json"
check "scoring reads -999 as missing" bash -c "'$CLI' score --model '$TMP/na.json' --data '$TMP/na.csv' --out '$TMP/na.out.csv' 2>&1 | grep -q 'rows in 10, scored 10, rejected 0'"

# data and model errors: exit 1 with a message naming file, row, column, value
sed 's/"intercept": -/"intercept": -9/' "$TMP/m.json" >"$TMP/tampered.json"
check "tampered differs" bash -c "! cmp -s '$TMP/m.json' '$TMP/tampered.json'"
expect_exit 1 "does not match its hash" "$CLI" score --model "$TMP/tampered.json" --data "$DATA" --out "$TMP/o.csv"
printf 'a,b\n' >"$TMP/header_only.csv"
expect_exit 1 "missing" "$CLI" score --model "$TMP/m.json" --data "$TMP/header_only.csv" --out "$TMP/o.csv"
: >"$TMP/empty.csv"
expect_exit 1 "is empty" "$CLI" train --data "$TMP/empty.csv" --target class --out "$TMP/x.json"
expect_exit 1 "--positive is required" "$CLI" train --data "$ROOT/models/data/credit_data.csv" --target Status --out "$TMP/x.json"
expect_exit 1 "unknown model kind 'forest'" "$CLI" train --data "$DATA" --target class --positive 2 --model forest --out "$TMP/x.json"
expect_exit 1 "parameter 'C': expected a number" "$CLI" train --data "$DATA" --target class --positive 2 --param C=abc --out "$TMP/x.json"
{ head -n 3 "$DATA"; sed -n 4p "$DATA" | sed 's/,1$/,3/'; } >"$TMP/badtarget.csv"
expect_exit 1 "the target must have exactly two values" "$CLI" train --data "$TMP/badtarget.csv" --target class --positive 2 --out "$TMP/x.json"


# ---------------------------------------------------------------------------------------------
# Outputs: never onto an input, only complete, spreadsheet-safe
# ---------------------------------------------------------------------------------------------
cp "$DATA" "$TMP/own.csv"
cp "$TMP/m.json" "$TMP/own.json"
expect_exit 1 "--out '$TMP/own.csv' is the same file as --data" "$CLI" score --model "$TMP/m.json" --data "$TMP/own.csv" --out "$TMP/own.csv"
expect_exit 1 "is the same file as --model" "$CLI" score --model "$TMP/own.json" --data "$TMP/own.csv" --out "$TMP/own.json"
ln "$TMP/own.csv" "$TMP/own_hard.csv"
ln -s own.csv "$TMP/own_sym.csv"
mkdir -p "$TMP/sub"
for alias in "$TMP/own_hard.csv" "$TMP/own_sym.csv" "$TMP/sub/../own.csv" "$TMP//own.csv"; do
  expect_exit 1 "is the same file as --data" "$CLI" score --model "$TMP/m.json" --data "$TMP/own.csv" --out "$alias"
done
expect_exit 1 "the rejected-rows file '$TMP/own.csv' is the same file as --data" "$CLI" score --model "$TMP/m.json" --data "$TMP/own.csv" --out "$TMP/o.csv" --rejected "$TMP/own.csv"
cp "$DATA" "$TMP/two.csv.rejected.csv"
expect_exit 1 "the rejected-rows file '$TMP/two.csv.rejected.csv' is the same file as --data" "$CLI" score --model "$TMP/m.json" --data "$TMP/two.csv.rejected.csv" --out "$TMP/two.csv"
check "refused score wrote nothing" test ! -e "$TMP/two.csv"
expect_exit 1 "is the same file as --data" "$CLI" train --data "$TMP/own.csv" --target class --positive 2 --out "$TMP/own.csv"
cp "$ROOT/models/data/german_credit.schema.json" "$TMP/own.schema.json"
expect_exit 1 "is the same file as --schema" "$CLI" train --data "$TMP/own.csv" --target class --positive 2 --schema "$TMP/own.schema.json" --out "$TMP/own.schema.json"
expect_exit 1 "two outputs cannot share a file" "$CLI" split --data "$TMP/own.csv" --target class --positive 2 --out-train "$TMP/s.csv" --out-valid "$TMP/s.csv"
expect_exit 1 "--out-valid '$TMP/own.csv' is the same file as --data" "$CLI" split --data "$TMP/own.csv" --target class --positive 2 --out-train "$TMP/s.csv" --out-valid "$TMP/own.csv"
cp "$FIX/protected_model.json" "$TMP/own_xgb.json"
expect_exit 1 "is the same file as --model" "$CLI" import-xgboost --model "$TMP/own_xgb.json" --data "$DATA" --target class --positive 2 --out "$TMP/own_xgb.json"
check "inputs intact after the refusals" bash -c "cmp -s '$DATA' '$TMP/own.csv' && cmp -s '$TMP/m.json' '$TMP/own.json' && cmp -s '$FIX/protected_model.json' '$TMP/own_xgb.json'"
# a score that fails half-way leaves the old output as it was and no temporary file
{ cat "$DATA"; printf '"unterminated\n'; } >"$TMP/unterminated.csv"
echo "old output" >"$TMP/keep.csv"
expect_exit 1 "never closed" "$CLI" score --model "$TMP/m.json" --data "$TMP/unterminated.csv" --out "$TMP/keep.csv"
check "failed score keeps the old output" grep -qx "old output" "$TMP/keep.csv"
check "failed score leaves no temporary" bash -c "! ls '$TMP' | grep -q '\.tmp-'"
expect_exit 1 "never closed" "$CLI" score --model "$TMP/m.json" --data "$TMP/unterminated.csv" --out "$TMP/new.csv"
check "failed score writes nothing" bash -c "[ ! -e '$TMP/new.csv' ] && [ ! -e '$TMP/new.csv.rejected.csv' ]"

# --data - and --out -: a pipeline, same bytes as the file output; rejected rows to --rejected
"$CLI" score --model "$TMP/m.json" --data "$TMP/in.csv" --out "$TMP/file.csv" --explain 2>/dev/null
cat "$TMP/in.csv" | "$CLI" score --model "$TMP/m.json" --data - --out - --explain --rejected "$TMP/pipe.rejected.csv" >"$TMP/pipe.csv" 2>"$TMP/pipe.err"
check "score - to - exit 0" test $? = 0
check "score stdin/stdout = file output" cmp -s "$TMP/file.csv" "$TMP/pipe.csv"
check "score stdin/stdout rejected file" bash -c "[ \$(wc -l < '$TMP/pipe.rejected.csv') = 3 ] && grep -q 'standard input' '$TMP/pipe.rejected.csv'"
check "score stdin/stdout counts on stderr" grep -q "rows in 8, scored 6, rejected 2" "$TMP/pipe.err"
cat "$TMP/in.csv" | "$CLI" score --model "$TMP/m.json" --data - --out - 2>"$TMP/pipe2.err" | head -1 >"$TMP/pipe2.head"
check "score --out - without --rejected: rejected rows on stderr" bash -c "[ \$(grep -c '^rejected: ' '$TMP/pipe2.err') = 2 ]"

# CSV injection: OWASP's leading = + - @ tab CR get a quote in every CSV written; numbers stay
{ head -n 1 "$DATA"
  sed -n 2p "$DATA" | sed "s#^< 0 DM#=cmd|' /C calc'!A0#; s#,radio/television,#,+SUM(1),#; s#,none,#,@SUM(1;2),#; s#,own,#,\t=1,#"
  sed -n 3,40p "$DATA"; } >"$TMP/formula.csv"
"$CLI" score --model "$TMP/m.json" --data "$TMP/formula.csv" --out "$TMP/formula.out.csv" --explain 2>/dev/null
check "score neutralises =" grep -qF "'=cmd|' /C calc'!A0," "$TMP/formula.out.csv"
check "score neutralises + and @" bash -c "grep -qF \",'+SUM(1),\" '$TMP/formula.out.csv' && grep -qF \",'@SUM(1;2),\" '$TMP/formula.out.csv'"
check "score neutralises tab" grep -qP ",'\t=1," "$TMP/formula.out.csv"
check "no unneutralised formula cell" bash -c "! grep -qP '(^|,)(=|\+S|@|\t)' '$TMP/formula.out.csv'"
check "negative numbers stay numbers" bash -c "grep -qE ',-[0-9]' '$TMP/formula.out.csv' && ! grep -qF \",'-\" '$TMP/formula.out.csv'"
check "split neutralises too" "$CLI" split --data "$TMP/formula.csv" --target class --positive 2 --valid-fraction 0.5 --out-train "$TMP/ftr.csv" --out-valid "$TMP/fva.csv"
check "split output carries no formula" bash -c "cat '$TMP/ftr.csv' '$TMP/fva.csv' | grep -qF \"'=cmd\" && ! cat '$TMP/ftr.csv' '$TMP/fva.csv' | grep -qP '(^|,)(=|\+S|@|\t)'"

# ---------------------------------------------------------------------------------------------
# split and train code the target alike (" 1", "1" and "1.0" are one value)
# ---------------------------------------------------------------------------------------------
awk 'BEGIN { print "x,c,y"; split(" 1|1|1.0", pos, "|"); split("0| 0|0.0", neg, "|");
  for (i = 1; i <= 200; i++) { x = (i * 37) % 101 / 100; c = (i % 3 == 0) ? "a" : "b";
    if ((i * 7) % 10 < 3 + (x > 0.5)) y = pos[i % 3 + 1]; else y = neg[i % 3 + 1];
    print x "," c "," y } }' >"$TMP/spell.csv"
check "split with spelled targets" "$CLI" split --data "$TMP/spell.csv" --target y --out-train "$TMP/sptr.csv" --out-valid "$TMP/spva.csv"
"$CLI" train --data "$TMP/spell.csv" --target y --param min_frequency=1 --out "$TMP/sp1.json" >"$TMP/sp1.txt"
"$CLI" train --data "$TMP/sptr.csv" --valid "$TMP/spva.csv" --target y --param min_frequency=1 --out "$TMP/sp2.json" >"$TMP/sp2.txt"
check "split = train's hold-out (same rows, same metrics)" bash -c "diff <(grep -E '^  (rows|AUC|KS|log loss)' '$TMP/sp1.txt') <(grep -E '^  (rows|AUC|KS|log loss)' '$TMP/sp2.txt')"
check "split valid positives" bash -c "grep -q 'rows 40 (' '$TMP/sp1.txt' && [ \"\$(awk -F, 'NR > 1 && \$3 + 0 == 1' '$TMP/spva.csv' | wc -l)\" = \"\$(sed -n 's/.*rows 40 (\([0-9]*\) defaults).*/\1/p' '$TMP/sp1.txt')\" ]"
expect_exit 1 "--valid-fraction: expected a number strictly between 0 and 1, got nan" "$CLI" split --data "$DATA" --target class --positive 2 --valid-fraction nan --out-train "$TMP/a.csv" --out-valid "$TMP/b.csv"
expect_exit 1 "--valid-fraction: expected a number strictly between 0 and 1, got nan" "$CLI" train --data "$DATA" --target class --positive 2 --valid-fraction nan --out "$TMP/x.json"
expect_exit 1 "value '3': --positive is not a value of the target; expected" "$CLI" split --data "$DATA" --target class --positive 3 --out-train "$TMP/a.csv" --out-valid "$TMP/b.csv"
expect_exit 1 "value '3': --positive is not a value of the target; expected" "$CLI" train --data "$DATA" --target class --positive 3 --out "$TMP/x.json"
expect_exit 1 "--positive is required" "$CLI" split --data "$ROOT/models/data/credit_data.csv" --target Status --out-train "$TMP/a.csv" --out-valid "$TMP/b.csv"
check "no split file after the failures" bash -c "[ ! -e '$TMP/a.csv' ] && [ ! -e '$TMP/b.csv' ]"

# ---------------------------------------------------------------------------------------------
# import-xgboost: real models using protected columns or sparse inputs are imported unchanged;
# models that could not load are refused (scripts/fixtures/make_xgboost_import_fixtures.py)
# ---------------------------------------------------------------------------------------------
margins_match() {  # fixture margins JSON, scored CSV: max |margin - XGBoost's| <= 1e-5
  node -e '
    const fs = require("fs");
    const fx = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    const lines = fs.readFileSync(process.argv[2], "utf8").trim().split("\n");
    const head = lines[0].split(",");
    const fromEnd = head.length - head.indexOf("margin");  // quoted commas come before it
    if (lines.length - 1 !== fx.rows) process.exit(1);
    let worst = 0;
    for (let r = 0; r < fx.rows; r++) {
      const cells = lines[r + 1].split(",");
      worst = Math.max(worst, Math.abs(Number(cells[cells.length - fromEnd]) - fx.margin[r]));
    }
    console.log("   " + process.argv[1].split("/").pop() + ": max |margin diff| " + worst);
    process.exit(worst <= 1e-5 ? 0 : 1);' "$1" "$2"
}
expect_exit 0 "warning: the model uses a prohibited basis: personal_status_sex, age_years" "$CLI" import-xgboost --model "$FIX/protected_model.json" --data "$DATA" --target class --positive 2 --out "$TMP/prot.json"
check "inspect shows the prohibited basis" bash -c "'$CLI' inspect --model '$TMP/prot.json' | grep -q 'uses a prohibited basis: personal_status_sex, age_years'"
check "inspect --json carries the marker" bash -c "'$CLI' inspect --model '$TMP/prot.json' --json | node -e 'const j = JSON.parse(require(\"fs\").readFileSync(0, \"utf8\")); process.exit(j.training.prohibited_basis.join() === \"personal_status_sex,age_years\" ? 0 : 1)'"
head -n 201 "$DATA" >"$TMP/g200.csv"
"$CLI" score --model "$TMP/prot.json" --data "$TMP/g200.csv" --out "$TMP/prot.out.csv" 2>/dev/null
check "protected model: XGBoost's margins" margins_match "$FIX/protected_margins.json" "$TMP/prot.out.csv"
check "a trained model has no prohibited basis" bash -c "'$CLI' inspect --model '$TMP/m.json' --json | grep -vq prohibited_basis"
check "import sparse model" "$CLI" import-xgboost --model "$FIX/sparse_model.json" --data "$FIX/sparse_sample.csv" --target default --out "$TMP/sparse.json"
"$CLI" score --model "$TMP/sparse.json" --data "$FIX/sparse_sample.csv" --out "$TMP/sparse.out.csv" 2>/dev/null
check "sparse model: XGBoost's margins" margins_match "$FIX/sparse_margins.json" "$TMP/sparse.out.csv"
check "sparse model: empty columns typed numeric" bash -c "'$CLI' inspect --model '$TMP/sparse.json' | grep -qE '^  f399 +numeric +feature'"
node -e '
  const fs = require("fs"), [src, dir] = process.argv.slice(1);
  const m = JSON.parse(fs.readFileSync(src, "utf8"));
  const variant = (name, edit) => { const c = structuredClone(m); edit(c); fs.writeFileSync(`${dir}/${name}.json`, JSON.stringify(c)); };
  variant("base_one", (c) => { c.learner.learner_model_param.base_score = "9.99999999E-1"; });
  variant("base_zero", (c) => { c.learner.learner_model_param.base_score = "1E-50"; });
  variant("split_1e39", (c) => { c.learner.gradient_booster.model.trees[0].split_conditions[0] = 1e39; });
  variant("dup_names", (c) => { c.learner.feature_names[1] = c.learner.feature_names[0]; });' "$FIX/protected_model.json" "$TMP"
for v in base_one base_zero; do
  expect_exit 1 "is not a probability strictly between 0 and 1 in float32" "$CLI" import-xgboost --model "$TMP/$v.json" --data "$DATA" --target class --positive 2 --out "$TMP/$v.out.json"
done
expect_exit 1 "trees[0].split_conditions[0]: 1e+39 is not a finite float32" "$CLI" import-xgboost --model "$TMP/split_1e39.json" --data "$DATA" --target class --positive 2 --out "$TMP/split_1e39.out.json"
expect_exit 1 "learner.feature_names lists 'duration_months' twice" "$CLI" import-xgboost --model "$TMP/dup_names.json" --data "$DATA" --target class --positive 2 --out "$TMP/dup_names.out.json"
check "no bundle written for a refused model" bash -c "! ls '$TMP' | grep -q '\.out\.json'"

# ---- the decision layer: explain with reasons and a receipt, policy changes -------------------
DEC="$TMP/dec.json"
"$CLI" train --data "$DATA" --target class --positive 2 --schema "$(dirname "$DATA")/german_credit.schema.json" \
  --model gbdt --param n_trees=60 --param amount_feature=credit_amount --param max_amount=15000 \
  --out "$DEC" >/dev/null
ROW='{"duration_months": 48, "credit_amount": 25000, "checking_status": "< 0 DM"}'
"$CLI" explain --model "$DEC" --row "$ROW" --receipt "$TMP/receipt.json" --applicant-ref A-17 \
  >"$TMP/explain.json" 2>/dev/null
check "explain: decision keys" node -e '
  const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const ok = ["rules", "reasons", "reference", "reference_contributions", "points_by_feature",
              "price"].every((k) => k in d) && d.band === "decline" && d.reasons.length > 0 &&
    d.reasons.every((r) => r.points <= -2 && /^R[0-9]{2}$/.test(r.code) && !/odds/.test(r.text)) &&
    d.rules.some((r) => r.id === "out_of_range") && d.rules.some((r) => r.id === "amount_above_max");
  const sum = Object.values(d.reference_contributions).reduce((a, b) => a + b, 0);
  process.exit(ok && Math.abs(sum - (d.margin - d.reference.margin)) < 1e-9 ? 0 : 1);' "$TMP/explain.json"
check "explain: overdrawn account in the catalogue's words" grep -q '"text": "Checking account is overdrawn"' "$TMP/explain.json"
check "receipt: applicant, bundle hash, decision" node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const b = JSON.parse(require("fs").readFileSync(process.argv[2], "utf8"));
  process.exit(r.applicant_reference === "A-17" && r.bundle.content_sha256 === b.content_sha256 &&
    r.decision.band === "decline" && r.decision.inputs.length > 0 ? 0 : 1);' "$TMP/receipt.json" "$DEC"
check "policy --set" bash -c "'$CLI' policy --model '$DEC' --set approve_below=0.25 --set decline_at=0.5 --out '$TMP/dec2.json' | grep -q 'approve_below: 0.1 -> 0.25'"
check "policy: history and a new hash" node -e '
  const fs = require("fs"), [a, b] = process.argv.slice(1).map((p) => JSON.parse(fs.readFileSync(p, "utf8")));
  process.exit(b.policy.history.length === 2 && b.policy.approve_below === 0.25 &&
    a.content_sha256 !== b.content_sha256 && a.model.trees.length === b.model.trees.length ? 0 : 1);' "$DEC" "$TMP/dec2.json"
expect_exit 1 "policy 'lgd': expected a number, got 'x'" "$CLI" policy --model "$DEC" --set lgd=x --out "$TMP/dec3.json"
expect_exit 1 "no key 'nope'" "$CLI" policy --model "$DEC" --set nope=1 --out "$TMP/dec3.json"
expect_exit 1 "is the same file" "$CLI" policy --model "$DEC" --set lgd=0.5 --out "$DEC"
"$CLI" score --model "$DEC" --data "$DATA" --out "$TMP/dec.csv" 2>/dev/null
check "score: reason and rule columns filled" node -e '
  const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n");
  const h = lines[0].split(","); const r1 = h.indexOf("reason_1"), band = h.indexOf("band");
  process.exit(r1 > 0 && band > 0 && lines.length === 1001 &&
    lines.slice(1).some((l) => /R[0-9]{2}: /.test(l)) ? 0 : 1);' "$TMP/dec.csv"

finish
