#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# cli.sh -- the mlq command line, as a user meets it: every kind of bad input
# gives one line "mlq: FILE:LINE: problem" on stderr, the documented exit
# code, and leaves no output file (not even a temporary one); good input in
# its accepted variants (CRLF, BOM, quotes) trains; help, predict, compare,
# info and export behave as documented; an exported header compiles as C99
# and C++ with strict warnings.
#
#   MLQ=build/mlq tests/cli.sh     (MLQ_PLAIN: a build without sanitizers,
#                                   for the out-of-memory case under ulimit)
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MLQ=${MLQ:-$ROOT/build/mlq}
MLQ_PLAIN=${MLQ_PLAIN:-$MLQ}
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

fixture() { printf "$2" >"$T/$1"; }

train() { "$MLQ" train kmeans --k 2 --data "$@"; }

# ---- CSV errors: every one names file and line, exits 1, writes nothing ----
O=$T/out.json
fixture ragged.csv 'a,b,label\n1,2,0\n3,4,1\n1,2\n'
expect 1 "$T/ragged.csv:4: row has 2 cells, expected 3 (one per header column)" "$O" -- train "$T/ragged.csv" --out "$O"
fixture text.csv 'a,b,label\n1,2,0\n1,abc,1\n'
expect 1 "$T/text.csv:3: column 'b': 'abc' is not a number" "$O" -- train "$T/text.csv" --out "$O"
fixture nan.csv 'a,b,label\n1,2,0\n1,nan,1\n'
expect 1 "$T/nan.csv:3: column 'b': 'nan' is not a finite number" "$O" -- train "$T/nan.csv" --out "$O"
fixture inf.csv 'a,b,label\n1,2,0\n-inf,2,1\n'
expect 1 "$T/inf.csv:3: column 'a': '-inf' is not a finite number" "$O" -- train "$T/inf.csv" --out "$O"
fixture big.csv 'a,b,label\n1,2,0\n1e999,2,1\n'
expect 1 "$T/big.csv:3: column 'a': '1e999' is out of the range of a double" "$O" -- train "$T/big.csv" --out "$O"
fixture empty.csv ''
expect 1 "$T/empty.csv:1: file is empty (expected a header row and data rows)" "$O" -- train "$T/empty.csv" --out "$O"
fixture header.csv 'a,b,label\n'
expect 1 "$T/header.csv:1: the file has a header but no data rows" "$O" -- train "$T/header.csv" --out "$O"
fixture dup.csv 'a,b,a,label\n1,2,3,0\n'
expect 1 "$T/dup.csv:1: column 3 ('a') has the same name as column 1" "$O" -- train "$T/dup.csv" --out "$O"
fixture lab.csv 'a,b,label\n1,2,0\n3,4,1\n'
expect 1 "$T/lab.csv:1: label column 'target' is not in the header*" "$O" -- train "$T/lab.csv" --label target --out "$O"
fixture frac.csv 'a,b,label\n1,2,0\n3,4,1.5\n'
expect 1 "$T/frac.csv:3: label '1.5' is not a class: labels are integers 0..K-1 or names" "$O" -- train "$T/frac.csv" --out "$O"
fixture neg.csv 'a,b,label\n1,2,0\n3,4,-1\n'
expect 1 "$T/neg.csv:3: label '-1' is not a class: labels are integers 0..K-1 or names" "$O" -- train "$T/neg.csv" --out "$O"
fixture mixed.csv 'a,b,label\n1,2,0\n3,4,cat\n'
expect 1 "$T/mixed.csv:3: *" "$O" -- train "$T/mixed.csv" --out "$O"
fixture quote.csv 'a,b,label\n1,"2,0\n'
expect 1 "$T/quote.csv:2: *quoted cell has no closing quote*" "$O" -- train "$T/quote.csv" --out "$O"
printf 'a,b,label\n1,2,0\n3,\0,1\n' >"$T/nul.csv"
expect 1 "$T/nul.csv:3: NUL byte at byte 3 of the line: this is a binary file, not CSV text" "$O" -- train "$T/nul.csv" --out "$O"
printf '\xff\xfea\0,\0b\0\n\0' >"$T/utf16.csv"
expect 1 "$T/utf16.csv:1: file is UTF-16 text (byte-order mark FF FE): save it as UTF-8" "$O" -- train "$T/utf16.csv" --out "$O"
{ printf 'a,b,label\n1,2,0\n'; head -c 2000000 /dev/zero | tr '\0' '1'; printf ',2,1\n'; } >"$T/long.csv"
expect 1 "$T/long.csv:3: line is longer than 1048576 bytes, the limit (MLQ_CSV_MAX_LINE)" "$O" -- train "$T/long.csv" --out "$O"
expect 1 "$T/none.csv: cannot open: No such file or directory" "$O" -- train "$T/none.csv" --out "$O"

# A file too large for the memory the process may use fails cleanly: a
# message and exit 1, never a crash (a signal would give an exit code > 128).
awk 'BEGIN { print "a,b,c,d,label"; for (i = 0; i < 1500000; i++) printf "%d.25,%d.5,%d,%d,%d\n", i, i % 7, i % 13, i % 3, i % 2 }' >"$T/huge.csv"
(ulimit -v 120000; "$MLQ_PLAIN" train kmeans --k 2 --data "$T/huge.csv" --out "$O") >"$T/stdout" 2>"$T/stderr"
rc=$?
if [ "$rc" -eq 1 ] && grep -q '^mlq: .*out of memory' "$T/stderr" && [ ! -e "$O" ]; then ok; else
    bad "huge.csv under ulimit -v: exit $rc, stderr: $(head -c 300 "$T/stderr")"; fi

# ---- accepted variants train the same model as the plain file ----------------
fixture plain.csv 'a,b,label\n1,2,0\n1.5,2.5,0\n9,8,1\n9.5,8.5,1\n5,5,1\n'
"$MLQ" train kmeans --k 2 --data "$T/plain.csv" --out "$T/plain.json" --quiet 2>/dev/null && ok || bad "plain.csv"
"$MLQ" predict "$T/plain.json" "$T/plain.csv" >"$T/plain.pred" && ok || bad "predict plain"
printf '2\n' | cmp -s - <(sort -u "$T/plain.pred" | wc -l | tr -d ' ') && ok || bad "plain: two clusters expected"
fixture crlf.csv 'a,b,label\r\n1,2,0\r\n1.5,2.5,0\r\n9,8,1\r\n9.5,8.5,1\r\n5,5,1\r\n'
printf '\xef\xbb\xbf' >"$T/bom.csv"; cat "$T/plain.csv" >>"$T/bom.csv"
fixture quoted.csv '"a","b","label"\n"1",2,0\n1.5," 2.5",0\n9,8,"1"\n9.5,8.5,1\n5,5,1\n\n\n'
for v in crlf bom quoted; do
    if "$MLQ" train kmeans --k 2 --data "$T/$v.csv" --out "$T/$v.json" --quiet 2>"$T/stderr" &&
        "$MLQ" predict "$T/$v.json" "$T/$v.csv" | cmp -s - "$T/plain.pred"; then ok
    else bad "$v.csv: $(cat "$T/stderr")"; fi
done

# ---- degenerate data ----------------------------------------------------------
fixture few.csv 'a,b\n1,2\n1,2\n3,4\n'
expect 1 "$T/few.csv: --k 3 is more than the 2 distinct rows: every cluster needs a row of its own" "$O" -- "$MLQ" train kmeans --k 3 --data "$T/few.csv" --out "$O"
fixture const.csv 'a,b\n1,2\n1,2\n1,2\n'
expect 1 "$T/const.csv: every feature is constant: nothing to learn from" "$O" -- "$MLQ" train kmeans --k 1 --data "$T/const.csv" --out "$O"
fixture onec.csv 'a,b,c\n1,7,2\n2,7,2\n8,7,9\n9,7,9\n'
expect 0 "note: $T/onec.csv: 1 constant feature (b) standardize to 0 and take no part" - -- "$MLQ" train kmeans --k 2 --data "$T/onec.csv" --out "$T/onec.json"
[ -s "$T/onec.json" ] && ok || bad "onec.json not written"

# ---- usage errors: exit 2 ---------------------------------------------------
expect 2 "unknown command 'fly' (try 'mlq help')" - -- "$MLQ" fly
expect 2 "train: unknown algorithm 'boost' (see 'mlq help train')" - -- "$MLQ" train boost --data "$T/plain.csv" --out "$O"
expect 2 "train: algorithm 'gmm' is not available in this version of mlq" - -- "$MLQ" train gmm --data "$T/plain.csv" --out "$O"
expect 2 "train kmeans: --k is required" "$O" -- "$MLQ" train kmeans --data "$T/plain.csv" --out "$O"
expect 2 "--k: 0 is out of range: must be >= 1 and <= 65535" "$O" -- "$MLQ" train kmeans --k 0 --data "$T/plain.csv" --out "$O"
expect 2 "--k: 'two' is not a whole number" "$O" -- "$MLQ" train kmeans --k two --data "$T/plain.csv" --out "$O"
expect 2 "--k: '2.5' is not a whole number" "$O" -- "$MLQ" train kmeans --k 2.5 --data "$T/plain.csv" --out "$O"
expect 2 "--tol: -1 is out of range: must be >= 0 and <= 1" "$O" -- "$MLQ" train kmeans --k 2 --tol -1 --data "$T/plain.csv" --out "$O"
expect 2 "--seed: 'x' is not a whole number in \[0, 4294967295\]" "$O" -- "$MLQ" train kmeans --k 2 --seed x --data "$T/plain.csv" --out "$O"
expect 2 "train: unknown option '--depth' (see 'mlq help train')" "$O" -- "$MLQ" train kmeans --k 2 --depth 3 --data "$T/plain.csv" --out "$O"
expect 2 "train: --data and --out are required" - -- "$MLQ" train kmeans --k 2
expect 2 "export: --name '1x' is not a C identifier (letters, digits and '_', at most 64)" "$T/x.h" -- "$MLQ" export "$T/plain.json" --name 1x --out "$T/x.h"
expect 2 "export: --bits 8: a kmeans model offers --bits 16" "$T/x.h" -- "$MLQ" export "$T/plain.json" --name x --bits 8 --out "$T/x.h"
expect 2 "compare: --bits 12: a kmeans model offers --bits 16" - -- "$MLQ" compare "$T/plain.json" "$T/plain.csv" --bits 12
expect 2 "help: unknown command 'fly' (try 'mlq help')" - -- "$MLQ" help fly
"$MLQ" >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "mlq with no arguments must exit 2"

# ---- model and data mismatches: exit 1 ------------------------------------
printf '{"format": "mlq-model",\n "version": 1,,\n}' >"$T/broken.json"
expect 1 "$T/broken.json:2: not valid JSON" - -- "$MLQ" predict "$T/broken.json" "$T/plain.csv"
sed 's/"version":\t1/"version":\t9/' "$T/plain.json" >"$T/v9.json"
expect 1 "$T/v9.json: model format version 9 is not supported (this mlq reads version 1)" - -- "$MLQ" info "$T/v9.json"
fixture three.csv 'a,b,c,label\n1,2,3,0\n'
expect 1 "$T/three.csv:1: 3 feature columns, but the model was trained on 2" - -- "$MLQ" compare "$T/plain.json" "$T/three.csv"
fixture names.csv 'a,z,label\n1,2,0\n'
expect 1 "$T/names.csv:1: feature column 2 is 'z', the model expects 'b'" - -- "$MLQ" predict "$T/plain.json" "$T/names.csv" --device
expect 1 "$T/no/such/dir/x.h: cannot create output file: No such file or directory" - -- "$MLQ" export "$T/plain.json" --name x --out "$T/no/such/dir/x.h"
expect 1 "$T/none.csv: cannot open: No such file or directory" "$T/a.csv" -- "$MLQ" split "$T/none.csv" --train "$T/a.csv" --test "$T/b.csv"

# ---- documented behaviour ---------------------------------------------------
"$MLQ" help >"$T/help" && grep -q '^Exit codes:' "$T/help" && grep -q 'mlq train ALGO' "$T/help" && ok || bad "mlq help"
"$MLQ" help train | grep -q -- '--n-init' && ok || bad "mlq help train lists the k-means options"
for c in train export predict compare info split help; do
    "$MLQ" help "$c" | grep -q "^usage: mlq $c" && ok || bad "mlq help $c"
done
"$MLQ" split "$ROOT/data/iris.csv" --train "$T/tr.csv" --test "$T/te.csv" --seed 3 2>/dev/null
[ "$(($(wc -l <"$T/te.csv") - 1))" -eq 45 ] && [ "$(($(wc -l <"$T/tr.csv") - 1))" -eq 105 ] && ok || bad "split 150 -> 105 + 45"
"$MLQ" train kmeans --k 3 --data "$T/tr.csv" --out "$T/iris.json" --quiet
[ "$("$MLQ" predict "$T/iris.json" "$T/te.csv" | wc -l)" -eq 45 ] && ok || bad "predict prints one line per row"
"$MLQ" compare "$T/iris.json" "$T/te.csv" --json >"$T/cmp.json"
for k in '"rows": 45' '"agreement": ' '"host_purity": ' '"device_purity": '; do
    grep -q "$k" "$T/cmp.json" && ok || bad "compare --json lacks $k: $(cat "$T/cmp.json")"
done
"$MLQ" info "$T/iris.json" | grep -q '^device flash ' && ok || bad "info shows flash"
"$MLQ" compare "$T/iris.json" "$T/te.csv" | grep -A4 "by true class" | tail -n 3 | awk "{ s += \$2 + \$3 + \$4 } END { exit s != 45 }" && ok || bad "compare prints a confusion matrix of the 45 rows"
# A model trained with labels predicts rows that have none.
cut -d, -f1-4 "$T/te.csv" >"$T/nolabel.csv"
"$MLQ" predict "$T/iris.json" "$T/nolabel.csv" --device | cmp -s - <("$MLQ" predict "$T/iris.json" "$T/te.csv" --device) &&
    ok || bad "predict on rows without a label column"

# ---- the exported header compiles as C99 and C++11, strict -----------------
"$MLQ" export "$T/iris.json" --name iris_km --out "$T/iris_km.h" 2>/dev/null
cat >"$T/use.c" <<'EOF'
#include "iris_km.h"
int main(void)
{
    const float x[iris_km_N_FEATURES] = {5.1f, 3.5f, 1.4f, 0.2f};
    const int16_t raw[iris_km_N_FEATURES] = {5, 3, 1, 0};
    const mlq_q15_t q[iris_km_N_FEATURES] = {0, 0, 0, 0};
    int a = iris_km_predict(x), b = iris_km_predict_q15(q), c = iris_km_predict_i16(raw);
    return a < 0 || b < 0 || a >= iris_km_N_CLUSTERS || c < 0;
}
EOF
if gcc -std=c99 -pedantic -Wall -Wextra -Wconversion -Wshadow -Werror -I"$ROOT/include" -I"$T" \
        "$T/use.c" "$ROOT"/src/*.c -o "$T/use_c" && "$T/use_c"; then ok; else bad "header as C99"; fi
if g++ -std=c++11 -pedantic -Wall -Wextra -Werror -I"$ROOT/include" -I"$T" -x c++ "$T/use.c" \
        -x none -c -o "$T/use_cxx.o"; then ok; else bad "header as C++11"; fi

# A header exported for another model format refuses to compile, with a message.
sed 's/MLQ_KMEANS_FORMAT != 1/MLQ_KMEANS_FORMAT != 2/' "$T/iris_km.h" >"$T/old_km.h"
if printf '#include "old_km.h"\n' | gcc -std=c99 -I"$ROOT/include" -I"$T" -x c -fsyntax-only - 2>"$T/stderr"; then
    bad "a header of another format compiled"
else
    grep -q 're-export it with this mlq' "$T/stderr" && ok || bad "format #error message: $(cat "$T/stderr")"
fi

# ---- the Arduino sketch folder builds with no include flags ---------------
A=$("$ROOT/examples/arduino/pack.sh" "$T/iris_km.h" iris_km "$T/arduino")
if (cd "$A" && for f in *.c; do arm-none-eabi-gcc -mcpu=cortex-m0 -mthumb -std=c99 -Wall -Wextra -Werror -O2 -c "$f" -o "$T/$f.o" || exit 1; done &&
    printf '#include "model.h"\nint f(const float *x);\nint f(const float *x) { return MODEL_PREDICT(x) + MODEL_N_FEATURES; }\n' >"$T/sketch.cpp" &&
    arm-none-eabi-g++ -mcpu=cortex-m0 -mthumb -std=gnu++11 -Wall -Wextra -Werror -I"$A" -c "$T/sketch.cpp" -o "$T/sketch.o"); then ok
else bad "Arduino sketch folder does not compile"; fi

echo "cli: $pass passed, $fail failed"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
