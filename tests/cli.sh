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
. "$(dirname "$0")/cli_lib.sh"

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
expect 1 "$T/frac.csv:3: label '1.5' is not a class: labels are integers 0..K-1 or names (for a continuous target, train with --task regress)" "$O" -- train "$T/frac.csv" --out "$O"
fixture neg.csv 'a,b,label\n1,2,0\n3,4,-1\n'
expect 1 "$T/neg.csv:3: label '-1' is not a class: labels are integers 0..K-1 or names (for a continuous target, train with --task regress)" "$O" -- train "$T/neg.csv" --out "$O"
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
"$MLQ" train kmeans --k 2 --data "$T/onec.csv" --out "$T/onec.json" 2>"$T/stderr" &&
    [ "$(cat "$T/stderr")" = "mlq: note: $T/onec.csv: 1 constant feature (b) standardize to 0 and take no part
mlq: wrote $T/onec.json: kmeans, 3 features, 2 clusters, 4 training rows" ] && ok ||
    bad "onec.csv: the note and the 'wrote' line: $(cat "$T/stderr")"
[ -s "$T/onec.json" ] && ok || bad "onec.json not written"

# ---- usage errors: exit 2 ---------------------------------------------------
expect 2 "unknown command 'fly' (try 'mlq help')" - -- "$MLQ" fly
expect 2 "train: unknown algorithm 'boost' (see 'mlq help train')" - -- "$MLQ" train boost --data "$T/plain.csv" --out "$O"
expect 2 "train: which algorithm? (see 'mlq help train')" - -- "$MLQ" train --data "$T/plain.csv" --out "$O"
expect 2 "train kmeans: --k is required" "$O" -- "$MLQ" train kmeans --data "$T/plain.csv" --out "$O"
expect 2 "--k: 0 is out of range: must be >= 1 and <= 65535" "$O" -- "$MLQ" train kmeans --k 0 --data "$T/plain.csv" --out "$O"
expect 2 "--k: 'two' is not a whole number" "$O" -- "$MLQ" train kmeans --k two --data "$T/plain.csv" --out "$O"
expect 2 "--k: '2.5' is not a whole number" "$O" -- "$MLQ" train kmeans --k 2.5 --data "$T/plain.csv" --out "$O"
expect 2 "--tol: -1 is out of range: must be >= 0 and <= 1" "$O" -- "$MLQ" train kmeans --k 2 --tol -1 --data "$T/plain.csv" --out "$O"
expect 2 "--seed: 'x' is not a whole number in \[0, 4294967295\]" "$O" -- "$MLQ" train kmeans --k 2 --seed x --data "$T/plain.csv" --out "$O"
expect 2 "train: unknown option '--depth' (see 'mlq help train')" "$O" -- "$MLQ" train kmeans --k 2 --depth 3 --data "$T/plain.csv" --out "$O"
expect 2 "train: --data and --out are required" - -- "$MLQ" train kmeans --k 2
expect 2 "export: --layout must be array or code, not 'tables'" "$T/x.h" -- "$MLQ" export "$T/plain.json" --name x --out "$T/x.h" --layout tables
expect 2 "export: --layout code: a kmeans model has only its arrays (--layout code is for tree and forest models)" "$T/x.h" -- "$MLQ" export "$T/plain.json" --name x --out "$T/x.h" --layout code
expect 2 "export: --layout given twice" "$T/x.h" -- "$MLQ" export "$T/plain.json" --name x --out "$T/x.h" --layout array --layout array
"$MLQ" export "$T/plain.json" --name x --out "$T/x.h" --layout array --quiet && [ -s "$T/x.h" ] && ok || bad "--layout array on a kmeans model"
rm -f "$T/x.h"
expect 2 "export: --name '1x' is not a C identifier starting with a letter" "$T/x.h" -- "$MLQ" export "$T/plain.json" --name 1x --out "$T/x.h"
expect 2 "export: --name '_x' is not a C identifier starting with a letter" "$T/x.h" -- "$MLQ" export "$T/plain.json" --name _x --out "$T/x.h"
expect 2 "export: --name 'a-b' is not a C identifier (letters, digits and '_')" "$T/x.h" -- "$MLQ" export "$T/plain.json" --name a-b --out "$T/x.h"
for n in mlq mlq_iris MLQ_IRIS Mlq; do
    expect 2 "export: --name '$n' collides with mlq's own names (mlq, mlq_\*, MLQ_\*)" "$T/x.h" -- "$MLQ" export "$T/plain.json" --name "$n" --out "$T/x.h"
done
expect 2 "$T/plain.json: --proba: this kmeans model defines no probabilities" - -- "$MLQ" predict "$T/plain.json" "$T/plain.csv" --proba
expect 2 "export: --bits 8: a kmeans model offers --bits 16" "$T/x.h" -- "$MLQ" export "$T/plain.json" --name x --bits 8 --out "$T/x.h"
expect 2 "compare: --bits 12: a kmeans model offers --bits 16" - -- "$MLQ" compare "$T/plain.json" "$T/plain.csv" --bits 12
expect 2 "help: 'fly' is neither a command nor an algorithm (try 'mlq help')" - -- "$MLQ" help fly
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
for c in train export predict compare info split cv select help; do
    "$MLQ" help "$c" | grep -q "^usage: mlq $c" && ok || bad "mlq help $c"
done
"$MLQ" split "$ROOT/data/iris.csv" --train "$T/tr.csv" --test "$T/te.csv" --seed 3 2>/dev/null
[ "$(($(wc -l <"$T/te.csv") - 1))" -eq 45 ] && [ "$(($(wc -l <"$T/tr.csv") - 1))" -eq 105 ] && ok || bad "split 150 -> 105 + 45"
# Grouped split: every speaker of vowel on one side, about 30% of the rows (whole
# speakers of 66 rows each: 5 of 15), each vowel 30 times in the test part.
V=$ROOT/data/vowel.csv VG=$ROOT/data/vowel.groups.txt
"$MLQ" split "$V" --groups "$VG" --train "$T/vtr.csv" --test "$T/vte.csv" --seed 2 --json --quiet >"$T/vsplit.json"
if /usr/bin/python3 - "$T/vsplit.json" "$VG" "$V" "$T/vte.csv" <<'EOF'; then ok; else bad "split --groups: $(cat "$T/vsplit.json")"; fi
import json, sys
d = json.load(open(sys.argv[1]))
groups = open(sys.argv[2]).read().split()
rows = open(sys.argv[3]).read().splitlines()[1:]
test = set(open(sys.argv[4]).read().splitlines()[1:])
tr, te = set(d["train"]["groups"]), set(d["test"]["groups"])
assert len(te) == 5 and len(tr) == 10 and not tr & te and d["test"]["rows"] == 330
assert all((r in test) == (g in te) for r, g in zip(rows, groups))
assert all(c["test"] == 30 for c in d["classes"])
EOF
"$MLQ" split "$V" --groups "$VG" --train "$T/vtr2.csv" --test "$T/vte2.csv" --seed 2 --quiet
cmp -s "$T/vte.csv" "$T/vte2.csv" && ok || bad "split --groups is deterministic for a seed"
"$MLQ" split "$V" --groups "$VG" --train "$T/vtr2.csv" --test "$T/vte3.csv" --seed 3 --quiet
cmp -s "$T/vte.csv" "$T/vte3.csv" && bad "split --groups: seeds 2 and 3 give the same speakers" || ok
head -n 989 "$VG" >"$T/short.groups"
expect 1 "$T/short.groups: fewer group ids for the 990 rows of $V (one per row, in order)" "$T/vtr4.csv" -- "$MLQ" split "$V" --groups "$T/short.groups" --train "$T/vtr4.csv" --test "$T/vte4.csv"
yes 7 | head -n 990 >"$T/one.groups"
expect 1 "$T/one.groups: one group: a grouped split needs at least 2" "$T/vtr4.csv" -- "$MLQ" split "$V" --groups "$T/one.groups" --train "$T/vtr4.csv" --test "$T/vte4.csv"
expect 1 "$T/none.groups: cannot open: No such file or directory" "$T/vtr4.csv" -- "$MLQ" split "$V" --groups "$T/none.groups" --train "$T/vtr4.csv" --test "$T/vte4.csv"
expect 1 "$VG: would overwrite the input file $VG" "$T/vte4.csv" -- "$MLQ" split "$V" --groups "$VG" --train "$VG" --test "$T/vte4.csv"
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
    const float bad[iris_km_N_FEATURES] = {5.1f, 0.0f / 0.0f, 1.4f, 0.2f};
    int32_t s[iris_km_N_OUTPUTS] = {7, 7, 7};
    int a = iris_km_predict(x), b = iris_km_predict_q15(q), c = iris_km_predict_i16(raw);
    int d = iris_km_scores(x, s), e = iris_km_scores_q15(q, s), f = iris_km_scores_i16(raw, s);
    /* a NaN feature: MLQ_ERR_INPUT, and the scores of the last call stay */
    int32_t keep = s[1];
    int g = iris_km_scores(bad, s);
    return a < 0 || b < 0 || a >= iris_km_N_CLUSTERS || c < 0 || d != a || e != b || f != c ||
           g != MLQ_ERR_INPUT || s[1] != keep || iris_km_check() != MLQ_OK;
}
EOF
if gcc -std=c99 -pedantic -Wall -Wextra -Wconversion -Wshadow -Werror -I"$ROOT/include" -I"$T" \
        "$T/use.c" "$ROOT"/src/*.c -o "$T/use_c" && "$T/use_c"; then ok; else bad "header as C99"; fi
if g++ -std=c++11 -pedantic -Wall -Wextra -Werror -I"$ROOT/include" -I"$T" -x c++ "$T/use.c" \
        -x none -c -o "$T/use_cxx.o"; then ok; else bad "header as C++11"; fi

# A header exported for another model format refuses to compile, with a message.
sed 's/MLQ_FORMAT != 5/MLQ_FORMAT != 4/' "$T/iris_km.h" >"$T/old_km.h"
if printf '#include "old_km.h"\n' | gcc -std=c99 -I"$ROOT/include" -I"$T" -x c -fsyntax-only - 2>"$T/stderr"; then
    bad "a header of another format compiled"
else
    grep -q 're-export it with this mlq' "$T/stderr" && ok || bad "format #error message: $(cat "$T/stderr")"
fi

# A header of the previous format (each model's own check) stops too.
sed 's/^#if !defined(MLQ_FORMAT) || MLQ_FORMAT != 5$/#if MLQ_KMEANS_FORMAT != 1/' "$T/iris_km.h" >"$T/v1_km.h"
if printf '#include "v1_km.h"\n' | gcc -std=c99 -I"$ROOT/include" -I"$T" -x c -fsyntax-only - 2>"$T/stderr"; then
    bad "a header of format 1 compiled"
else
    grep -q 're-export it with this mlq' "$T/stderr" && ok || bad "format 1 #error message: $(cat "$T/stderr")"
fi

# ---- predict's outputs ------------------------------------------------------
"$MLQ" predict "$T/iris.json" "$T/te.csv" --scores >"$T/sc.txt"
awk 'NF != 4 { exit 1 }' "$T/sc.txt" && ok || bad "predict --scores: the cluster and 3 scores per row"
# The largest score is the predicted cluster, on the host and the device.
for dev in "" --device; do
    # shellcheck disable=SC2086
    "$MLQ" predict "$T/iris.json" "$T/te.csv" --scores $dev |
        awk '{ b = 2; for (i = 3; i <= NF; i++) if ($i + 0 > $b + 0) b = i; if (b - 2 != $1) exit 1 }' &&
        ok || bad "predict --scores $dev: argmax is not the prediction"
done
"$MLQ" predict "$T/iris.json" "$T/te.csv" --device --scores |
    awk '{ for (i = 2; i <= NF; i++) if ($i !~ /^-?[0-9]+$/) exit 1 }' &&
    ok || bad "predict --device --scores prints the device's integers"

# ---- the Arduino sketch folder builds with no include flags ---------------
A=$("$ROOT/examples/arduino/pack.sh" "$T/iris_km.h" iris_km "$T/arduino")
if (cd "$A" && for f in *.c; do arm-none-eabi-gcc -mcpu=cortex-m0 -mthumb -std=c99 -Wall -Wextra -Werror -O2 -c "$f" -o "$T/$f.o" || exit 1; done &&
    printf '#include "model.h"\nint f(const float *x);\nint f(const float *x) { return MODEL_PREDICT(x) + MODEL_N_FEATURES; }\n' >"$T/sketch.cpp" &&
    arm-none-eabi-g++ -mcpu=cortex-m0 -mthumb -std=gnu++11 -Wall -Wextra -Werror -I"$A" -c "$T/sketch.cpp" -o "$T/sketch.o"); then ok
else bad "Arduino sketch folder does not compile"; fi

# ---- user text never reaches the header unescaped ----------------------------
# Feature names, class names and the training file's name are the user's:
# a comment closer with a constructor behind it, quotes, backslashes,
# trigraphs, UTF-8, and a directory path that must not leak. The header
# compiles as C99 and C++11, the program runs (the constructor would trap),
# and the class names read back byte for byte.
mkdir -p "$T/secret dir"
E="$T/secret dir/ev\\il ??=.csv"
{
    printf '%s\n' 'x */ __attribute__((constructor)) static void f(void){ __builtin_trap(); } /*,"q""uote",back\slash,tri??/,temp'$'\xc3\xa9''rature,label'
    for i in 0 1 2 3 4 5 6 7 8 9; do
        printf '%d,%d,%d,%d,%d,%s\n' "$i" "$((i % 3))" "$((i * 2))" "$((i % 5))" "$((9 - i))" '"Iris ""setosa"""'
        printf '%d,%d,%d,%d,%d,%s\n' "$((i + 20))" "$((i % 3))" "$((i * 2))" "$((i % 5))" "$((9 - i))" 'x */ y'
        printf '%d,%d,%d,%d,%d,%s\n' "$((i + 40))" "$((i % 3))" "$((i * 2))" "$((i % 5))" "$((9 - i))" 'c\d??='
    done
} >"$E"
if "$MLQ" train tree --data "$E" --out "$T/evil.json" --quiet &&
    "$MLQ" export "$T/evil.json" --name evil --out "$T/evil.h" 2>/dev/null; then ok
else bad "train and export with hostile names"; fi
grep -q "secret" "$T/evil.h" && bad "the header names the training file's directory" || ok
grep -qF ' from ev/il ? ?=.csv (30 rows) seed=1 */' "$T/evil.h" && ok ||
    bad "the header's first line: $(head -n 1 "$T/evil.h")"
cat >"$T/use_evil.c" <<'EOF'
#include <string.h>
#include "evil.h"
int main(void)
{
    const float x[evil_N_FEATURES] = {0, 0, 0, 0, 0};
    int id = evil_predict(x);
    return id < 0 || evil_N_CLASSES != 3 ||
           strcmp(evil_CLASS_NAMES[evil_CLASS_Iris__setosa_], "Iris \"setosa\"") != 0 ||
           strcmp(evil_CLASS_NAMES[evil_CLASS_x____y], "x */ y") != 0 ||
           strcmp(evil_CLASS_NAMES[evil_CLASS_c_d___], "c\\d?\?=") != 0;
}
EOF
if gcc -std=c99 -pedantic -Wall -Wextra -Wconversion -Wshadow -Werror -I"$ROOT/include" -I"$T" \
        "$T/use_evil.c" "$ROOT"/src/*.c -o "$T/use_evil" && "$T/use_evil"; then ok; else bad "hostile names: header as C99"; fi
if g++ -std=c++11 -pedantic -Wall -Wextra -Werror -I"$ROOT/include" -I"$T" -x c++ "$T/use_evil.c" \
        -x none -c -o "$T/use_evil_cxx.o"; then ok; else bad "hostile names: header as C++11"; fi
# Through a model file: a newline and #include in a feature name, a macro in a class name.
/usr/bin/python3 - "$T/evil.json" "$T/evil2.json" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
m["feature_names"][0] = 'a\n#include "/etc/passwd"\n'
m["class_names"][1] = "b\n#define evil_N_CLASSES 99\n"
json.dump(m, open(sys.argv[2], "w"))
EOF
"$MLQ" export "$T/evil2.json" --name evil --out "$T/evil2.h" 2>/dev/null && ok || bad "export of the edited model file"
grep -q '^#include "/etc' "$T/evil2.h" && bad "a feature name started an #include line" || ok
[ "$(grep -c '^#define evil_N_CLASSES' "$T/evil2.h")" = 1 ] && ok || bad "a class name defined a macro"
cp "$T/evil2.h" "$T/evil.h"
if gcc -std=c99 -pedantic -Wall -Wextra -Werror -I"$ROOT/include" -I"$T" "$T/use_evil.c" "$ROOT"/src/*.c \
        -o "$T/use_evil2" 2>/dev/null; then bad "an edited class name still matches"; else ok; fi
"$MLQ" info "$T/evil.json" | grep -qF "classes           3 (label column 'label'): 0=Iris \"setosa\" 1=c\\d??= 2=x */ y" &&
    ok || bad "info lists the classes: $("$MLQ" info "$T/evil.json" | grep '^classes')"
# predict prints the class names, or their ids with --ids, as the firmware does.
[ "$("$MLQ" predict "$T/evil.json" "$E" | sort -u | tr '\n' '|')" = 'Iris "setosa"|c\d??=|x */ y|' ] &&
    ok || bad "predict prints class names: $("$MLQ" predict "$T/evil.json" "$E" | sort -u | tr '\n' '|')"
[ "$("$MLQ" predict "$T/evil.json" "$E" --ids | sort -u | tr '\n' ' ')" = "0 1 2 " ] && ok || bad "predict --ids"

# ---- the exporter refuses what the device cannot represent ------------------
# One line "mlq: MODEL.json: field 'X': ...", exit 1, no header; the model
# file is untouched.
"$MLQ" train svm --kernel poly --data "$T/tr.csv" --out "$T/rp.json" --quiet
"$MLQ" train svm --kernel linear --data "$T/tr.csv" --out "$T/rl.json" --quiet
"$MLQ" train mlp --hidden 8 --epochs 20 --data "$T/tr.csv" --out "$T/rm.json" --quiet
"$MLQ" train gmm --per-class --components 1 --covariance diag --data "$T/tr.csv" --out "$T/rg.json" --quiet
"$MLQ" train gmm --components 1 --anomaly-percentile 2 --data "$T/tr.csv" --out "$T/ra.json" --quiet
/usr/bin/python3 - "$T" <<'PYEOF'
import json, sys
t = sys.argv[1]
def edit(src, dst, f):
    m = json.load(open(f"{t}/{src}"))
    f(m)
    json.dump(m, open(f"{t}/{dst}", "w"))
def fill(rows, v):
    for r in rows:
        for i in range(len(r)):
            r[i] = v
edit("rp.json", "r_gamma.json", lambda m: m["svm"].__setitem__("gamma", 1e12))
edit("rp.json", "r_coef0.json", lambda m: m["svm"].__setitem__("coef0", 1e300))
edit("rl.json", "r_sv.json", lambda m: fill(m["svm"]["support_vectors"], 1e308))
edit("rm.json", "r_w.json", lambda m: m["mlp"]["layers"][0]["weights"][0].__setitem__(0, 1e308))
edit("rg.json", "r_prior.json", lambda m: m["gmm"]["log_prior"].__setitem__(0, -40000))
edit("ra.json", "r_thr.json", lambda m: m["gmm"].__setitem__("threshold", 1e20))
PYEOF
refuse() { # refuse FILE FIELD: export fails naming the field, leaves no header, keeps the model
    local sum
    sum=$(cksum <"$T/$1")
    expect 1 "$T/$1: field '$2': *" "$T/r.h" -- "$MLQ" export "$T/$1" --name r --out "$T/r.h"
    [ "$(cksum <"$T/$1")" = "$sum" ] && ok || bad "export changed $1"
}
refuse r_gamma.json svm.gamma
refuse r_coef0.json svm.coef0
refuse r_sv.json svm.support_vectors
refuse r_w.json 'mlp.layers\[0\].weights'
refuse r_prior.json gmm.log_prior
refuse r_thr.json gmm.threshold
# compare and predict --device build the same device model: they refuse too.
expect 1 "$T/r_gamma.json: field 'svm.gamma': *" - -- "$MLQ" compare "$T/r_gamma.json" "$T/te.csv"
expect 1 "$T/r_thr.json: field 'gmm.threshold': *" - -- "$MLQ" predict "$T/r_thr.json" "$T/te.csv" --device

# ---- Gaussian mixtures (gmm) ------------------------------------------------
G=$T/gmm.json
gmm() { "$MLQ" train gmm --data "$@"; }
expect 2 "train gmm: --components is required" "$G" -- gmm "$T/plain.csv" --out "$G"
expect 2 "--components: 0 is out of range: must be >= 1 and <= 65535" "$G" -- gmm "$T/plain.csv" --out "$G" --components 0
expect 2 "--covariance: 'round' is not one of full|diag" "$G" -- gmm "$T/plain.csv" --out "$G" --components 1 --covariance round
expect 2 "--reg-covar: -1 is out of range: must be >= 0 and <= 1e+06" "$G" -- gmm "$T/plain.csv" --out "$G" --components 1 --reg-covar -1
expect 2 "--reg-covar: 'nan' is not a number" "$G" -- gmm "$T/plain.csv" --out "$G" --components 1 --reg-covar nan
expect 2 "--anomaly-percentile: 0 is out of range: must be > 0 and <= 50" "$G" -- gmm "$T/plain.csv" --out "$G" --components 1 --anomaly-percentile 0
expect 2 "--anomaly-percentile: 'most' is not a number or one of off" "$G" -- gmm "$T/plain.csv" --out "$G" --components 1 --anomaly-percentile most
expect 2 "--max-iter: 0 is out of range: must be >= 1 and <= 1e+06" "$G" -- gmm "$T/plain.csv" --out "$G" --components 1 --max-iter 0
expect 2 "--n-init: '1.5' is not a whole number" "$G" -- gmm "$T/plain.csv" --out "$G" --components 1 --n-init 1.5
expect 2 "--tol: -1 is out of range: must be >= 0 and <= 1e+06" "$G" -- gmm "$T/plain.csv" --out "$G" --components 1 --tol -1
expect 2 "train: --per-class given twice" "$G" -- gmm "$T/plain.csv" --out "$G" --components 1 --per-class --per-class
expect 1 "$T/plain.csv: --per-class and --anomaly-percentile exclude each other: an anomaly model is one mixture of the normal rows" "$G" -- gmm "$T/plain.csv" --out "$G" --components 1 --per-class --anomaly-percentile 5
expect 1 "$T/few.csv: --components 3 is more than the distinct rows of the mixture (3 rows): lower --components" "$G" -- gmm "$T/few.csv" --out "$G" --components 3
fixture dupg.csv 'a,b,label\n1,2,0\n1,2,0\n1,2,0\n5,1,1\n6,3,1\n5,2,1\n'
expect 1 "$T/dupg.csv: class '0': component 0 has a singular covariance (duplicate rows or a feature constant within it): raise --reg-covar (now 0), e.g. to 1e-06" "$G" -- gmm "$T/dupg.csv" --out "$G" --components 1 --per-class --reg-covar 0
# The default --reg-covar makes the same data work.
"$MLQ" train gmm --data "$T/dupg.csv" --out "$G" --components 1 --per-class --quiet 2>/dev/null && [ -s "$G" ] && ok ||
    bad "gmm on duplicate rows with the default --reg-covar"
expect 2 "export: --bits 8: a gmm model offers --bits 16" "$T/g.h" -- "$MLQ" export "$G" --name g --bits 8 --out "$T/g.h"
# EM that stops at --max-iter says so (a warning; the model is written).
"$MLQ" train gmm --data "$T/tr.csv" --out "$T/g1.json" --components 3 --max-iter 1 --tol 0 2>"$T/stderr"
grep -q "^mlq: warning: .*EM did not converge for the mixture within --max-iter 1" "$T/stderr" && [ -s "$T/g1.json" ] && ok ||
    bad "gmm non-convergence warning: $(cat "$T/stderr")"
# A model file whose covariance is not positive definite, whose weights do not
# sum to 1, or whose anomaly threshold is not a number.
"$MLQ" train gmm --data "$T/tr.csv" --out "$T/gi.json" --components 2 --per-class --quiet 2>/dev/null
"$MLQ" train gmm --data "$T/tr.csv" --out "$T/ga.json" --components 2 --anomaly-percentile 5 --quiet 2>/dev/null
/usr/bin/python3 - "$T" <<'PYEOF'
import json, sys
t = sys.argv[1]
def edit(src, dst, f):
    m = json.load(open(f"{t}/{src}"))
    f(m["gmm"])
    json.dump(m, open(f"{t}/{dst}", "w"))
edit("gi.json", "gnpd.json", lambda g: g["covariances"][1].__setitem__(0, -1.0))
edit("gi.json", "gw.json", lambda g: g["weights"].__setitem__(0, 0.9))
edit("ga.json", "gnull.json", lambda g: g.__setitem__("threshold", None))
PYEOF
expect 1 "$T/gnpd.json: field 'gmm.covariances': matrix 1 is not positive definite" - -- "$MLQ" info "$T/gnpd.json"
expect 1 "$T/gw.json: field 'gmm.weights': the weights of group 0 sum to *, not 1" - -- "$MLQ" compare "$T/gw.json" "$T/te.csv"
expect 1 "$T/gnull.json: field 'gmm.threshold'*" - -- "$MLQ" info "$T/gnull.json"
# Per-class: compare reports accuracy and the log-likelihood difference; anomaly: 0/1 per row.
"$MLQ" compare "$T/gi.json" "$T/te.csv" --json >"$T/gcmp.json"
for k in '"host_accuracy": ' '"device_accuracy": ' '"max_score_diff": ' '"median_score_diff": '; do
    grep -q "$k" "$T/gcmp.json" && ok || bad "gmm compare --json lacks $k: $(cat "$T/gcmp.json")"
done
[ "$("$MLQ" predict "$T/ga.json" "$T/te.csv" --device | sort -u | tr '\n' ' ')" = "0 1 " ] && ok || bad "gmm anomaly predict prints 0 and 1"
"$MLQ" compare "$T/ga.json" "$T/te.csv" | grep -q '^false alarm host' && ok || bad "gmm anomaly compare shows false alarms"
# The exported header compiles as C99 and C++11 and runs: an anomaly model's
# scores are {ll - threshold, threshold - ll}.
"$MLQ" export "$T/ga.json" --name iris_gmm --out "$T/iris_gmm.h" 2>/dev/null
cat >"$T/use_gmm.c" <<'CEOF'
#include "iris_gmm.h"
int main(void)
{
    const float x[iris_gmm_N_FEATURES] = {5.1f, 3.5f, 1.4f, 0.2f};
    const float far[iris_gmm_N_FEATURES] = {50.0f, -3.5f, 14.0f, 9.0f};
    int32_t s[2], t[2];
    int a = iris_gmm_predict(x), b = iris_gmm_predict(far);
    return a != 0 || b != 1 || iris_gmm_scores(x, s) != 0 || iris_gmm_scores(far, t) != 1 ||
           s[0] != -s[1] || t[0] != -t[1] || !(s[0] > 0 && t[0] < 0) || iris_gmm_N_OUTPUTS != 2 ||
           iris_gmm_check() != MLQ_OK;
}
CEOF
if gcc -std=c99 -pedantic -Wall -Wextra -Wconversion -Wshadow -Werror -I"$ROOT/include" -I"$T" \
        "$T/use_gmm.c" "$ROOT"/src/*.c -o "$T/use_gmm" && "$T/use_gmm"; then ok; else bad "gmm header as C99"; fi
if g++ -std=c++11 -pedantic -Wall -Wextra -Werror -I"$ROOT/include" -I"$T" -x c++ "$T/use_gmm.c" \
        -x none -c -o "$T/use_gmm_cxx.o"; then ok; else bad "gmm header as C++11"; fi
sed 's/MLQ_FORMAT != 5/MLQ_FORMAT != 4/' "$T/iris_gmm.h" >"$T/old_gmm.h"
if printf '#include "old_gmm.h"\n' | gcc -std=c99 -I"$ROOT/include" -I"$T" -x c -fsyntax-only - 2>"$T/stderr"; then
    bad "a gmm header of another format compiled"
else
    grep -q 're-export it with this mlq' "$T/stderr" && ok || bad "gmm format #error message: $(cat "$T/stderr")"
fi
# ---- end of Gaussian mixtures ------------------------------------------------

# ---- support vector machines (svm) ------------------------------------------
fixture svm_one.csv 'a,b,label\n1,2,cat\n2,3,cat\n3,1,cat\n'
expect 1 "$T/svm_one.csv: every row has the class 'cat': an SVM needs rows of at least two classes" "$O" -- "$MLQ" train svm --data "$T/svm_one.csv" --out "$O"
expect 2 "--C: 0 is out of range: must be > 0 and <= 1e+06" "$O" -- "$MLQ" train svm --C 0 --data "$T/plain.csv" --out "$O"
expect 2 "--C: -2 is out of range: must be > 0 and <= 1e+06" "$O" -- "$MLQ" train svm --C -2 --data "$T/plain.csv" --out "$O"
expect 2 "--gamma: 0 is out of range: must be > 0 and <= 1e+06" "$O" -- "$MLQ" train svm --gamma 0 --data "$T/plain.csv" --out "$O"
expect 2 "--gamma: 'auto' is not a number or one of scale" "$O" -- "$MLQ" train svm --gamma auto --data "$T/plain.csv" --out "$O"
expect 2 "--degree: 0 is out of range: must be >= 1 and <= 10" "$O" -- "$MLQ" train svm --kernel poly --degree 0 --data "$T/plain.csv" --out "$O"
expect 2 "--kernel: 'sigmoid' is not one of linear|rbf|poly" "$O" -- "$MLQ" train svm --kernel sigmoid --data "$T/plain.csv" --out "$O"
expect 2 "--class-weight: 'auto' is not one of none|balanced" "$O" -- "$MLQ" train svm --class-weight auto --data "$T/plain.csv" --out "$O"
expect 2 "--tol: 0 is out of range: must be > 0 and <= 1" "$O" -- "$MLQ" train svm --tol 0 --data "$T/plain.csv" --out "$O"
expect 2 "--max-iter: 0 is out of range: must be >= 1 and <= 1e+12" "$O" -- "$MLQ" train svm --max-iter 0 --data "$T/plain.csv" --out "$O"
expect 1 "$T/tr.csv: the SVM solver did not reach --tol 0.001 within --max-iter 3 iterations (classes '0' vs '1'); no model written: raise --max-iter, or try a larger --tol or a smaller --C" "$O" -- "$MLQ" train svm --max-iter 3 --data "$T/tr.csv" --out "$O"
# Every kernel trains, exports a header that compiles as C99 and C++11 and
# runs; predict --device handles rows far outside the training range
# (inputs saturate: a class, never a crash or a wrapped value).
awk -F, 'NR == 1 { print; next } { printf "%s,%s,%s,%s,%s\n", ($1 > 5.5 ? 1e300 : -1e300), $2 * 1e6, -$3 * 1e30, $4, $5 }' "$T/te.csv" >"$T/svm_far.csv"
for k in rbf poly linear; do
    if "$MLQ" train svm --kernel "$k" --data "$T/tr.csv" --out "$T/svm_$k.json" --quiet &&
        "$MLQ" export "$T/svm_$k.json" --name iris_svm_$k --out "$T/iris_svm_$k.h" 2>/dev/null; then ok
    else bad "svm --kernel $k: train or export"; continue; fi
    "$MLQ" compare "$T/svm_$k.json" "$T/te.csv" --json >"$T/svm_cmp.json"
    for key in '"max_score_diff": ' '"host_accuracy": ' '"device_accuracy": '; do
        grep -q "$key" "$T/svm_cmp.json" && ok || bad "svm $k compare --json lacks $key: $(cat "$T/svm_cmp.json")"
    done
    if "$MLQ" predict "$T/svm_$k.json" "$T/svm_far.csv" --device >"$T/svm_far.pred" &&
        [ "$(grep -cvx 'Iris-setosa\|Iris-versicolor\|Iris-virginica\|[012]' "$T/svm_far.pred")" -eq 0 ] &&
        [ "$(wc -l <"$T/svm_far.pred")" -eq 45 ]; then ok
    else bad "svm $k: predict --device on far-out rows: $(head -c 300 "$T/svm_far.pred")"; fi
    sed "s/iris_km/iris_svm_$k/g; s/iris_svm_${k}_N_CLUSTERS/iris_svm_${k}_N_CLASSES/" "$T/use.c" >"$T/use_svm.c"
    if gcc -std=c99 -pedantic -Wall -Wextra -Wconversion -Wshadow -Werror -I"$ROOT/include" -I"$T" \
            "$T/use_svm.c" "$ROOT"/src/*.c -o "$T/use_svm" && "$T/use_svm"; then ok; else bad "svm $k header as C99"; fi
    if g++ -std=c++11 -pedantic -Wall -Wextra -Werror -I"$ROOT/include" -I"$T" -x c++ "$T/use_svm.c" \
            -x none -c -o "$T/use_svm_cxx.o"; then ok; else bad "svm $k header as C++11"; fi
done
"$MLQ" help train | grep -q -- '--class-weight' && ok || bad "mlq help train lists the svm options"
# ---- end of support vector machines -----------------------------------------

# ---- decision trees and random forests (tree, forest) ----------------------
F=$T/tree.json
expect 2 "--max-depth: 0 is out of range: must be >= 1 and <= 1000" "$F" -- "$MLQ" train tree --max-depth 0 --data "$T/plain.csv" --out "$F"
expect 2 "--max-depth: 'deep' is not a whole number or one of none" "$F" -- "$MLQ" train tree --max-depth deep --data "$T/plain.csv" --out "$F"
expect 2 "--criterion: 'mse' is not one of gini|entropy" "$F" -- "$MLQ" train tree --criterion mse --data "$T/plain.csv" --out "$F"
expect 2 "--min-samples-leaf: 0 is out of range: must be >= 1 and <= 1e+09" "$F" -- "$MLQ" train tree --min-samples-leaf 0 --data "$T/plain.csv" --out "$F"
expect 2 "--min-samples-split: 1 is out of range: must be >= 2 and <= 1e+09" "$F" -- "$MLQ" train tree --min-samples-split 1 --data "$T/plain.csv" --out "$F"
expect 2 "--class-weight: 'auto' is not one of none|balanced" "$F" -- "$MLQ" train tree --class-weight auto --data "$T/plain.csv" --out "$F"
expect 2 "--max-features: 'half' is not a whole number or one of sqrt|all" "$F" -- "$MLQ" train forest --max-features half --data "$T/plain.csv" --out "$F"
expect 2 "--trees: 0 is out of range: must be >= 1 and <= 65535" "$F" -- "$MLQ" train forest --trees 0 --data "$T/plain.csv" --out "$F"
expect 2 "train: unknown option '--trees' (see 'mlq help train')" "$F" -- "$MLQ" train tree --trees 3 --data "$T/plain.csv" --out "$F"
expect 1 "$T/plain.csv: --min-samples-leaf 6 is more than the 5 training rows" "$F" -- "$MLQ" train tree --min-samples-leaf 6 --data "$T/plain.csv" --out "$F"
expect 1 "$T/plain.csv: --max-features 3 is more than the 2 features" "$F" -- "$MLQ" train forest --max-features 3 --data "$T/plain.csv" --out "$F"
fixture tree_one.csv 'a,b,label\n1,2,cat\n2,3,cat\n3,1,cat\n'
expect 1 "$T/tree_one.csv: every row has the same class ('cat'): a classifier needs at least two" "$F" -- "$MLQ" train tree --data "$T/tree_one.csv" --out "$F"
fixture tree_const.csv 'a,b,label\n1,2,0\n1,2,1\n1,2,0\n'
expect 1 "$T/tree_const.csv: every feature is constant: nothing to learn from" "$F" -- "$MLQ" train forest --data "$T/tree_const.csv" --out "$F"
fixture tree_frac.csv 'a,b,label\n1,2,0\n3,4,0.5\n'
expect 1 "$T/tree_frac.csv:3: label '0.5' is not a class: labels are integers 0..K-1 or names (for a continuous target, train with --task regress)" "$F" -- "$MLQ" train tree --data "$T/tree_frac.csv" --out "$F"
# Depth 1 on data that needs two splits: a stump, trained, exported, compared.
"$MLQ" train tree --max-depth 1 --data "$T/tr.csv" --out "$T/stump.json" --quiet && ok || bad "tree --max-depth 1"
"$MLQ" info "$T/stump.json" | grep -q '^nodes  *3 (1 splits, 2 leaves), depth 1' && ok || bad "stump info: $("$MLQ" info "$T/stump.json" | grep nodes)"
# A tree, a forest: compare agrees 100% with the device; info shows nodes, depth, flash and stack.
for a in tree forest; do
    "$MLQ" train "$a" --data "$T/tr.csv" --out "$T/iris_$a.json" --quiet && ok || bad "train $a"
    "$MLQ" compare "$T/iris_$a.json" "$T/te.csv" --json | grep -q '"agreement": 1,' && ok || bad "$a compare agreement"
    for k in '^nodes ' 'depth ' '^device flash ' '^device stack '; do
        "$MLQ" info "$T/iris_$a.json" | grep -q "$k" && ok || bad "$a info lacks $k"
    done
    "$MLQ" predict "$T/iris_$a.json" "$T/te.csv" | cmp -s - <("$MLQ" predict "$T/iris_$a.json" "$T/te.csv" --device) &&
        ok || bad "$a predict: host and --device differ"
done
# Forests are deterministic for a seed.
"$MLQ" train forest --data "$T/tr.csv" --out "$T/f2.json" --quiet && cmp -s "$T/iris_forest.json" "$T/f2.json" && ok || bad "forest not deterministic"
# A model file whose child links point out of range, backwards, or twice at one node.
/usr/bin/python3 - "$T" <<'PYEOF'
import json, sys
t = sys.argv[1]
def edit(dst, f):
    m = json.load(open(f"{t}/iris_forest.json"))
    f(m["forest"]["trees"][1])
    json.dump(m, open(f"{t}/{dst}", "w"))
edit("fr_range.json", lambda tr: tr["right"].__setitem__(0, 999))
edit("fr_back.json", lambda tr: tr["left"].__setitem__(tr["feature"].index(0, 1) if 0 in tr["feature"][1:] else 1, 0))
edit("fr_value.json", lambda tr: tr["value"][tr["feature"].index(-1)].__setitem__(0, 300))
PYEOF
expect 1 "$T/fr_range.json: field 'forest.trees\[1\].right' node 0 must be an integer in \[-1, *\]" - -- "$MLQ" info "$T/fr_range.json"
expect 1 "$T/fr_back.json: field 'forest.trees\[1\]' node *: *" - -- "$MLQ" export "$T/fr_back.json" --name x --out "$T/x.h"
expect 1 "$T/fr_value.json: field 'forest.trees\[1\].value' node * entry 0 must be an integer in \[0, 255\]" - -- "$MLQ" compare "$T/fr_value.json" "$T/te.csv"
# The exported headers compile as C99 and C++11; the float entry reads only the
# features on the path (a NaN elsewhere is not read) and rejects NaN on it.
for a in tree forest; do
    "$MLQ" export "$T/iris_$a.json" --name iris_$a --out "$T/iris_$a.h" 2>/dev/null
    sed "s/NAME/iris_$a/g" >"$T/use_$a.c" <<'CEOF'
#include <math.h>
#include "NAME.h"
int main(void)
{
    float x[NAME_N_FEATURES] = {5.1f, 3.5f, 1.4f, 0.2f};
    const mlq_q15_t q[NAME_N_FEATURES] = {0, 0, 0, 0};
    int a = NAME_predict(x), b = NAME_predict_q15(q), c, i;
    for (i = 0; i < NAME_N_FEATURES; i++)
        x[i] = NAN;
    c = NAME_predict(x);
    return a != 0 || b < 0 || b >= NAME_N_CLASSES || c != MLQ_ERR_INPUT;
}
CEOF
    if gcc -std=c99 -pedantic -Wall -Wextra -Wconversion -Wshadow -Werror -I"$ROOT/include" -I"$T" \
            "$T/use_$a.c" "$ROOT"/src/*.c -o "$T/use_$a" -lm && "$T/use_$a"; then ok; else bad "$a header as C99"; fi
    if g++ -std=c++11 -pedantic -Wall -Wextra -Werror -I"$ROOT/include" -I"$T" -x c++ "$T/use_$a.c" \
            -x none -c -o "$T/use_${a}_cxx.o"; then ok; else bad "$a header as C++11"; fi
done
# ---- end of decision trees and random forests --------------------------------

# ---- multilayer perceptrons (mlp) ------------------------------------------
P=$T/mlp.json
mlp() { "$MLQ" train mlp --data "$@"; }
expect 2 "--hidden: 0 in '0' is out of range: must be >= 1 and <= 65535" "$P" -- mlp "$T/plain.csv" --out "$P" --hidden 0
expect 2 "--hidden: 0 in '32,0' is out of range: must be >= 1 and <= 65535" "$P" -- mlp "$T/plain.csv" --out "$P" --hidden 32,0
expect 2 "--hidden: '32,,16' is not a list of whole numbers separated by commas (e.g. 32 or 32,16)" "$P" -- mlp "$T/plain.csv" --out "$P" --hidden 32,,16
expect 2 "--hidden: 'wide' is not a list of whole numbers separated by commas (e.g. 32 or 32,16)" "$P" -- mlp "$T/plain.csv" --out "$P" --hidden wide
expect 2 "--hidden: '32,' is not a list of whole numbers separated by commas (e.g. 32 or 32,16)" "$P" -- mlp "$T/plain.csv" --out "$P" --hidden 32,
expect 2 "--hidden: '8.5' is not a list of whole numbers separated by commas (e.g. 32 or 32,16)" "$P" -- mlp "$T/plain.csv" --out "$P" --hidden 8.5
expect 2 "--lr: 0 is out of range: must be > 0 and <= 10" "$P" -- mlp "$T/plain.csv" --out "$P" --lr 0
expect 2 "--lr: -0.1 is out of range: must be > 0 and <= 10" "$P" -- mlp "$T/plain.csv" --out "$P" --lr -0.1
expect 2 "--lr: 'fast' is not a number" "$P" -- mlp "$T/plain.csv" --out "$P" --lr fast
expect 2 "--activation: 'sigmoid' is not one of relu|tanh" "$P" -- mlp "$T/plain.csv" --out "$P" --activation sigmoid
expect 2 "--optimizer: 'rmsprop' is not one of adam|sgd" "$P" -- mlp "$T/plain.csv" --out "$P" --optimizer rmsprop
expect 2 "--batch: 0 is out of range: must be >= 1 and <= 1e+09" "$P" -- mlp "$T/plain.csv" --out "$P" --batch 0
expect 2 "--epochs: 0 is out of range: must be >= 1 and <= 1e+07" "$P" -- mlp "$T/plain.csv" --out "$P" --epochs 0
expect 2 "--l2: -1 is out of range: must be >= 0 and <= 1e+06" "$P" -- mlp "$T/plain.csv" --out "$P" --l2 -1
expect 2 "--momentum: 1.5 is out of range: must be >= 0 and <= 1" "$P" -- mlp "$T/plain.csv" --out "$P" --momentum 1.5
expect 2 "--validation: 0.95 is out of range: must be >= 0 and <= 0.9" "$P" -- mlp "$T/plain.csv" --out "$P" --validation 0.95
expect 2 "--patience: 0 is out of range: must be >= 1 and <= 1e+07" "$P" -- mlp "$T/plain.csv" --out "$P" --patience 0
expect 2 "--bits: '4' is not one of 8|16" "$P" -- mlp "$T/plain.csv" --out "$P" --bits 4
expect 2 "train: --hidden given twice" "$P" -- mlp "$T/plain.csv" --out "$P" --hidden 8 --hidden 8
expect 1 "$T/plain.csv: --validation 0.1 of 5 rows leaves no validation row: change --validation (or 0 for none)" "$P" -- mlp "$T/plain.csv" --out "$P" --validation 0.1
fixture mlp_one.csv 'a,b,label\n1,2,cat\n2,3,cat\n3,1,cat\n'
expect 1 "$T/mlp_one.csv: every row has the same class ('cat'): a classifier needs at least two" "$P" -- mlp "$T/mlp_one.csv" --out "$P"
# An exploding loss stops training with a message, and no model is written.
expect 1 "$T/tr.csv: training diverged at epoch *: loss * before training); no model written: lower --lr (now 10)" "$P" -- mlp "$T/tr.csv" --out "$P" --optimizer sgd --lr 10
# A model trains, reports, exports at both widths, compares, and its header compiles and runs.
if mlp "$T/tr.csv" --out "$P" --hidden 16 --quiet 2>/dev/null && [ -s "$P" ]; then ok; else bad "train mlp"; fi
expect 2 "export: --bits 12: a mlp model offers --bits 8|16" "$T/x.h" -- "$MLQ" export "$P" --name x --bits 12 --out "$T/x.h"
"$MLQ" info "$P" | grep -q '^network  *4-16-3 (ReLU hidden layers, softmax output)' && ok || bad "mlp info: $("$MLQ" info "$P" | head -20)"
"$MLQ" info "$P" | grep -q '^training accuracy float .*, device .* (8-bit), .* (16-bit)' && ok || bad "mlp info lacks the training accuracies"
for b in 8 16; do
    "$MLQ" export "$P" --name iris_mlp$b --bits "$b" --out "$T/iris_mlp$b.h" 2>"$T/stderr" && ok || bad "mlp export --bits $b"
    grep -q "^mlq: note: training rows: float accuracy .*%, device accuracy .*% ($b-bit activations)" "$T/stderr" && ok ||
        bad "mlp export does not report float vs quantized accuracy: $(cat "$T/stderr")"
    "$MLQ" export "$P" --name iris_q$b --bits "$b" --out "$T/iris_q$b.h" --quiet 2>"$T/stderr" && [ ! -s "$T/stderr" ] &&
        ok || bad "mlp export --quiet printed: $(cat "$T/stderr")"
    "$MLQ" compare "$P" "$T/te.csv" --bits "$b" --json >"$T/mlp_cmp.json"
    for key in '"max_score_diff": ' '"host_accuracy": ' '"device_accuracy": '; do
        grep -q "$key" "$T/mlp_cmp.json" && ok || bad "mlp compare --json lacks $key: $(cat "$T/mlp_cmp.json")"
    done
    # Rows far outside the training range saturate: a class, never a crash or a wrapped value.
    if "$MLQ" predict "$P" "$T/svm_far.csv" --device --bits "$b" >"$T/mlp_far.pred" &&
        [ "$(grep -cvx 'Iris-setosa\|Iris-versicolor\|Iris-virginica\|[012]' "$T/mlp_far.pred")" -eq 0 ] &&
        [ "$(wc -l <"$T/mlp_far.pred")" -eq 45 ]; then ok
    else bad "mlp --bits $b: predict --device on far-out rows: $(head -c 300 "$T/mlp_far.pred")"; fi
    sed "s/iris_km/iris_mlp$b/g; s/iris_mlp${b}_N_CLUSTERS/iris_mlp${b}_N_CLASSES/" "$T/use.c" >"$T/use_mlp.c"
    if gcc -std=c99 -pedantic -Wall -Wextra -Wconversion -Wshadow -Werror -I"$ROOT/include" -I"$T" \
            "$T/use_mlp.c" "$ROOT"/src/*.c -o "$T/use_mlp" && "$T/use_mlp"; then ok; else bad "mlp --bits $b header as C99"; fi
    if g++ -std=c++11 -pedantic -Wall -Wextra -Werror -I"$ROOT/include" -I"$T" -x c++ "$T/use_mlp.c" \
            -x none -c -o "$T/use_mlp_cxx.o"; then ok; else bad "mlp --bits $b header as C++11"; fi
done
# Without --bits a model keeps the width it was trained for.
mlp "$T/tr.csv" --out "$T/mlp8.json" --hidden 16 --bits 8 --quiet 2>/dev/null
"$MLQ" export "$T/mlp8.json" --name m8 --out "$T/m8.h" 2>/dev/null && grep -q 'mlq_mlp_relu8_predict_q15' "$T/m8.h" && ok || bad "mlp --bits 8 at training is the export default"
# Deterministic for a seed; early stopping holds rows out and says so.
mlp "$T/tr.csv" --out "$T/mlp2.json" --hidden 16 --quiet 2>/dev/null && cmp -s "$P" "$T/mlp2.json" && ok || bad "mlp not deterministic"
mlp "$T/tr.csv" --out "$T/mlp_es.json" --validation 0.2 --patience 3 --epochs 5000 --quiet 2>/dev/null &&
    grep -q '"validation_rows":' "$T/mlp_es.json" && ok || bad "mlp early stopping"
"$MLQ" help train | grep -q -- '--hidden' && ok || bad "mlq help train lists the mlp options"
"$MLQ" help | grep -q 'not available' && bad "mlq help still lists algorithms as not available" || ok
# ---- end of multilayer perceptrons -------------------------------------------

finish cli
