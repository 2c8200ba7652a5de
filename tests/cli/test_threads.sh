#!/usr/bin/env bash
# `loanlens score --threads N`: the output (scored CSV, rejected file, warnings and counts on
# stderr) is byte-identical for 1, 2 and 4 threads, with and without --explain, on a shipped
# dataset with rejected and warned rows, over several blocks of BatchScorer::kBlockRows rows;
# and so are the reports of evaluate, monitor and fairness --threads N.
# Run by CTest with the CLI's path.
set -uo pipefail
CLI=$1
source "$(dirname "$0")/lib.sh"

# German credit, its 1,000 rows repeated (more rows than one block), with bad rows mixed in: a
# short row, a non-number, an unseen category (a warning, still scored), a missing value.
make_input() {  # copies, out
  local copies=$1 out=$2 data=$ROOT/models/data/german_credit.csv
  head -1 "$data" >"$out"
  for ((k = 0; k < copies; k++)); do
    tail -n +2 "$data" | head -400
    echo '< 0 DM,6,critical account'
    tail -n +2 "$data" | sed -n '401,700p'
    tail -n +2 "$data" | sed -n '5p' | sed 's/,1169,/,lots,/'
    tail -n +2 "$data" | sed -n '7p' | sed 's/^[^,]*,/overdrawn,/'
    tail -n +2 "$data" | sed -n '9p' | sed 's/,67,/,,/'
    tail -n +2 "$data" | sed -n '701,1000p'
  done >>"$out"
}

compare_threads() {  # model, input, tag, extra score args...
  local model=$1 input=$2 tag=$3
  shift 3
  for n in 1 2 4; do
    "$CLI" score --model "$model" --data "$input" --out "$TMP/$tag.$n.csv" --threads "$n" "$@" \
      2>"$TMP/$tag.$n.err"
    echo "rc=$?" >>"$TMP/$tag.$n.err"
  done
  check "$tag: rows scored" grep -q "^rc=0$" "$TMP/$tag.1.err"
  check "$tag: some rows rejected" grep -q "^rejected: " "$TMP/$tag.1.err"
  check "$tag: some warnings" grep -q "^warning: " "$TMP/$tag.1.err"
  for n in 2 4; do
    check "$tag: --threads $n scored CSV identical" cmp -s "$TMP/$tag.1.csv" "$TMP/$tag.$n.csv"
    check "$tag: --threads $n rejected file identical" \
      cmp -s "$TMP/$tag.1.csv.rejected.csv" "$TMP/$tag.$n.csv.rejected.csv"
    # stderr: warnings, rejections (in the same interleaving) and the counts line.
    check "$tag: --threads $n stderr identical" \
      diff <(sed "s/\.$n\.csv/.N.csv/g" "$TMP/$tag.$n.err") <(sed 's/\.1\.csv/.N.csv/g' "$TMP/$tag.1.err")
  done
}

make_input 9 "$TMP/big.csv"    # 9,000 good rows and 45 bad ones: three blocks
make_input 1 "$TMP/small.csv"  # 1,000 and 5: one block
rows=$(($(wc -l <"$TMP/big.csv") - 1))
check "big input has more rows than two blocks" test "$rows" -gt 8192

compare_threads "$ROOT/models/german_credit_logistic.json" "$TMP/big.csv" logistic
compare_threads "$ROOT/models/german_credit_logistic.json" "$TMP/big.csv" logistic_explain --explain
compare_threads "$ROOT/models/german_credit_gbdt.json" "$TMP/small.csv" gbdt
compare_threads "$ROOT/models/german_credit_gbdt.json" "$TMP/small.csv" gbdt_explain --explain
compare_threads "$ROOT/models/german_credit_random_forest.json" "$TMP/small.csv" forest_explain --explain

# The reviews (evaluate, monitor, fairness): the same report and stderr at 1, 2 and 4 threads
# (BatchReview blocks of 4,096 rows; the big input has rejected rows in every block).
compare_review() {  # tag, subcommand args...
  local tag=$1
  shift
  for n in 1 2 4; do
    "$CLI" "$@" --json --threads "$n" >"$TMP/$tag.$n.json" 2>"$TMP/$tag.$n.err"
    echo "rc=$?" >>"$TMP/$tag.$n.err"
  done
  check "$tag: report written" grep -q "^rc=0$" "$TMP/$tag.1.err"
  check "$tag: some rows rejected" grep -q "^rejected: " "$TMP/$tag.1.err"
  for n in 2 4; do
    check "$tag: --threads $n report identical" cmp -s "$TMP/$tag.1.json" "$TMP/$tag.$n.json"
    check "$tag: --threads $n stderr identical" cmp -s "$TMP/$tag.1.err" "$TMP/$tag.$n.err"
  done
}
gbdt=$ROOT/models/german_credit_gbdt.json
compare_review evaluate evaluate --model "$gbdt" --data "$TMP/big.csv" --bootstrap 50
compare_review monitor monitor --model "$gbdt" --data "$TMP/big.csv"
compare_review fairness fairness --model "$gbdt" --data "$TMP/big.csv" \
  --attribute personal_status_sex --bootstrap 50

# Standard input to standard output, threaded, equals the file path's output.
"$CLI" score --model "$ROOT/models/german_credit_logistic.json" --data - --out - --threads 4 \
  <"$TMP/big.csv" >"$TMP/pipe.csv" 2>/dev/null
check "stdin/stdout with --threads 4 identical" cmp -s "$TMP/pipe.csv" "$TMP/logistic.1.csv"
check "--threads 0 is a usage error" bash -c "! '$CLI' score --model '$ROOT/models/german_credit_logistic.json' --data '$TMP/small.csv' --out '$TMP/z.csv' --threads 0 2>/dev/null"

finish
