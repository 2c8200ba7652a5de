#!/usr/bin/env bash
# Hostile bundles and files through the CLI (issue 11): every case in tests/fixtures/hostile
# (committed) and the big cases generated here by scripts/make_hostile_corpus.py --big must end
# with its expected exit code and message, never "internal error" or a signal, within its time
# limit (2 CPU seconds unless the manifest says otherwise) and under MAX_RSS_KB of memory
# (300 MB; a manifest limit "S:MB" sets both for one case).
# Usage: test_hostile.sh LOANLENS LOANLENS_SEAL
#   HOSTILE_SMALL_ONLY=1 skips the big cases; HOSTILE_BIG_DIR=DIR runs big cases generated before.
# Prints one line per case (exit code, CPU and wall seconds, max RSS); HOSTILE_REPORT=FILE also
# writes them as TSV.
set -uo pipefail
CLI=$1
SEAL=$2
source "$(dirname "$0")/lib.sh"
MAX_RSS_KB=${MAX_RSS_KB:-307200}
report=${HOSTILE_REPORT:-/dev/null}
: >"$report"

run_manifest() {  # directory holding cases.tsv
  local dir=$1
  while IFS=$'\t' read -r -a f; do
    [ "${#f[@]}" -ge 4 ] || continue
    local name=${f[0]} code=${f[1]} expect=${f[2]} limit=${f[3]}
    [ "$expect" = "-" ] && expect=""  # no message expected (a case that must succeed)
    local max_rss=$MAX_RSS_KB
    if [[ $limit == *:* ]]; then  # "seconds:MB" for the few cases with their own memory limit
      max_rss=$((${limit#*:} * 1024))
      limit=${limit%%:*}
    fi
    local args=()
    for a in "${f[@]:4}"; do
      a=${a//\{ROOT\}/$ROOT}
      a=${a//\{DIR\}/$dir}
      a=${a//\{TMP\}/$TMP}
      if [ "${a:0:1}" = "@" ]; then a=$(cat "$dir/${a:1}"); fi
      args+=("$a")
    done
    # The limit applies to CPU seconds (user + system): the machine may be shared, and a hang
    # still ends at the wall-clock timeout.
    /usr/bin/time -f "%e %U %S %M" -o "$TMP/time" timeout 120 "$CLI" "${args[@]}" \
      >"$TMP/out" 2>"$TMP/err"
    local rc=$? wall user sys rss secs
    read -r wall user sys rss < <(tail -n 1 "$TMP/time") || { wall=?; rss=0; }
    secs=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
    [ "$rc" = 124 ] && secs=timeout
    printf '%-34s rc %-3s %6s s CPU %6s s wall %8s KB\n' "$name" "$rc" "$secs" "$wall" "$rss"
    printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$rc" "$secs" "$rss" "$wall" >>"$report"
    local why=""
    [ "$rc" = "$code" ] || why="exit code $rc, expected $code"
    [ -z "$expect" ] || grep -qF -- "$expect" "$TMP/err" || why="$why; stderr lacks '$expect'"
    grep -q "internal error" "$TMP/err" && why="$why; says 'internal error'"
    if [ "$code" != 0 ] && ! grep -q "^loanlens: error: " "$TMP/err"; then
      why="$why; no 'loanlens: error:' line"
    fi
    [ "$(wc -c <"$TMP/err")" -le 4096 ] || why="$why; stderr has $(wc -c <"$TMP/err") bytes"
    awk -v s="$secs" -v l="$limit" 'BEGIN { exit !(s + 0 == s && s <= l) }' ||
      why="$why; took $secs s (limit $limit s)"
    [ "$rss" -le "$max_rss" ] || why="$why; max RSS $rss KB (limit $max_rss KB)"
    if [ -z "$why" ]; then
      passed=$((passed + 1))
    else
      echo "FAIL: $name:$why"
      head -c 600 "$TMP/err"
      echo
      failures=$((failures + 1))
    fi
  done <"$dir/cases.tsv"
}

run_manifest "$ROOT/tests/fixtures/hostile"
if [ -n "${HOSTILE_BIG_DIR:-}" ]; then  # big cases generated before (for measurements)
  run_manifest "$HOSTILE_BIG_DIR"
elif [ "${HOSTILE_SMALL_ONLY:-0}" != 1 ]; then
  mkdir -p "$TMP/big"
  if python3 "$ROOT/scripts/make_hostile_corpus.py" --seal "$SEAL" --out "$TMP/big" --big \
    >/dev/null; then
    run_manifest "$TMP/big"
  else
    echo "FAIL: could not generate the big cases"
    failures=$((failures + 1))
  fi
fi
finish "hostile cases"
