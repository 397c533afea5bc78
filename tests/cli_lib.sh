# SPDX-License-Identifier: MIT
# cli_lib.sh -- what the CLI test scripts share (sourced by tests/cli*.sh,
# tests/fit.sh, tests/libraries.sh):
# a scratch folder $T, the pass/fail counters and their report, and
# expect, the check of one command's exit code, message and output file.
#
#   . "$(dirname "$0")/cli_lib.sh"
#   expect 2 "train: --out given twice" "$O" -- "$MLQ" train ...
#   finish cli_options
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MLQ=${MLQ:-$ROOT/build/mlq}
MLQ_PLAIN=${MLQ_PLAIN:-$MLQ}
case $MLQ in /*) ;; *) MLQ=$PWD/$MLQ ;; esac # the tests run commands in other folders too
case $MLQ_PLAIN in /*) ;; *) MLQ_PLAIN=$PWD/$MLQ_PLAIN ;; esac
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

# expect CODE 'MESSAGE' OUT -- command...
# Runs the command; requires exit CODE, exactly one stderr line "mlq: MESSAGE"
# (MESSAGE may contain * wildcards), and that OUT (if not -) does not exist
# afterwards, with no temporary file beside it.
expect() {
    local code=$1 msg=$2 out=$3 rc lines
    shift 4
    "$@" >"$T/stdout" 2>"$T/stderr"
    rc=$?
    lines=$(wc -l <"$T/stderr")
    # shellcheck disable=SC2053
    if [ "$rc" -ne "$code" ]; then
        bad "$*: exit $rc, want $code ($(head -c 300 "$T/stderr"))"
    elif [ "$lines" -ne 1 ]; then
        bad "$*: $lines lines on stderr, want 1: $(head -c 300 "$T/stderr")"
    elif [[ "$(cat "$T/stderr")" != "mlq: "$msg ]]; then
        bad "$*: message '$(cat "$T/stderr")', want 'mlq: $msg'"
    elif [ "$out" != - ] && { [ -e "$out" ] || ls "$out".tmp* >/dev/null 2>&1; }; then
        bad "$*: output $out left behind"
    else
        ok
    fi
}

# fixture NAME 'PRINTF-TEXT': write $T/NAME.
fixture() { printf "$2" >"$T/$1"; }

# finish NAME: the counts; the script's status.
finish() {
    echo "$1: $pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}
