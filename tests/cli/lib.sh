# Shared by the CLI test scripts (sourced, after `set -uo pipefail` and CLI=$1): the repository
# root, a temporary directory removed on exit, the pass/fail counters and their checks.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failures=0
passed=0

check() {  # description, then a command that must succeed
  local what=$1
  shift
  if "$@"; then passed=$((passed + 1)); else echo "FAIL: $what"; failures=$((failures + 1)); fi
}

finish() {  # [label]: prints the counts; the script's exit status is 0 only when none failed
  echo "${1:+$1: }$passed passed, $failures failed"
  [ "$failures" = 0 ]
}
