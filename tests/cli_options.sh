#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# cli_options.sh -- the command line's conventions (cli/options.h): getopt_long
# forms (--opt=value, --opt value, -C 10), -h/--help on every command and
# `mlq help ALGO`, allowed values and defaults in the help, an option given
# twice, a value that looks like an option, full names only, numbers parsed
# by the function that validates them, the 'wrote' lines and --quiet, stdout
# that cannot be written (outputs over inputs: tests/cli_io.sh). Each bad
# use: its message, exit code, and no file left.
#
#   MLQ=build/mlq bash tests/cli_options.sh
. "$(dirname "$0")/cli_lib.sh"

"$MLQ" split "$ROOT/data/iris.csv" --train "$T/tr.csv" --test "$T/te.csv" --quiet
fixture plain.csv 'a,b,label\n1,2,0\n1.5,2.5,0\n9,8,1\n9.5,8.5,1\n5,5,1\n'
"$MLQ" train kmeans --k 3 --data "$T/tr.csv" --out "$T/km.json" --quiet
"$MLQ" train tree --data "$T/tr.csv" --out "$T/tree.json" --quiet
O=$T/out.json

# ---- the forms of an option ------------------------------------------------------
same_model() { # same_model WHAT ARGS... -- trains with ARGS into $T/v.json and compares with $T/ref.json
    local what=$1
    shift
    rm -f "$T/v.json"
    if "$MLQ" "$@" --quiet && cmp -s "$T/ref.json" "$T/v.json"; then ok; else bad "$what: not the model of the reference"; fi
}
"$MLQ" train svm --C 10 --data "$T/tr.csv" --out "$T/ref.json" --quiet
same_model "--C=10" train svm --C=10 --data="$T/tr.csv" --out="$T/v.json"
same_model "-C 10" train svm -C 10 --data "$T/tr.csv" --out "$T/v.json"
same_model "-C10" train svm -C10 --data "$T/tr.csv" --out "$T/v.json"
same_model "options before and after" train svm --out "$T/v.json" -C 1e1 --data "$T/tr.csv"
grep -q '"C":	10' "$T/ref.json" && ok || bad "--C 10 is not in the model file"
"$MLQ" train kmeans -k 3 --data "$T/tr.csv" --out "$T/ref.json" --quiet
same_model "--k=3" train kmeans --k=3 --data "$T/tr.csv" --out "$T/v.json"
"$MLQ" train kmeans --k 3 --seed 1000 --data "$T/tr.csv" --out "$T/ref.json" --quiet
same_model "--seed 1e3" train kmeans --k 3 --seed 1e3 --data "$T/tr.csv" --out "$T/v.json"
# Positional arguments anywhere, and after -- even when they start with '-'.
"$MLQ" predict "$T/km.json" "$T/te.csv" --device --scores >"$T/a.txt"
"$MLQ" predict --device "$T/km.json" --scores "$T/te.csv" >"$T/b.txt" && cmp -s "$T/a.txt" "$T/b.txt" && ok ||
    bad "predict with options before the files"
cp "$T/te.csv" "$T/-te.csv"
(cd "$T" && "$MLQ" predict --device --scores km.json -- -te.csv) >"$T/b.txt" && cmp -s "$T/a.txt" "$T/b.txt" && ok ||
    bad "predict -- -te.csv"
(cd "$T" && expect 2 "predict: unknown option '-t' (see 'mlq help predict')" - -- "$MLQ" predict km.json -te.csv)

# ---- help -------------------------------------------------------------------------
for c in train export predict compare info split cv select help; do
    for h in -h --help; do
        if "$MLQ" "$c" "$h" >"$T/h.txt" 2>"$T/stderr" && [ ! -s "$T/stderr" ] &&
            head -n 1 "$T/h.txt" | grep -q "^usage: mlq $c" && grep -q '^  -h, --help  ' "$T/h.txt" &&
            "$MLQ" help "$c" | cmp -s - "$T/h.txt"; then ok
        else bad "mlq $c $h: $(head -c 200 "$T/h.txt") $(cat "$T/stderr")"; fi
    done
done
# help in the middle of other options; the options' own errors before it still count
"$MLQ" predict "$T/km.json" --device --help >"$T/h.txt" && head -n 1 "$T/h.txt" | grep -q '^usage: mlq predict' && ok ||
    bad "predict ... --help"
expect 2 "export: unknown option '--nmae' (see 'mlq help export')" - -- "$MLQ" export --nmae x --help
# One algorithm: mlq train ALGO --help, mlq help ALGO, mlq help train ALGO.
for a in kmeans gmm tree forest svm mlp; do
    "$MLQ" train "$a" --help >"$T/a.txt" && "$MLQ" help "$a" | cmp -s - "$T/a.txt" &&
        "$MLQ" help train "$a" | cmp -s - "$T/a.txt" && head -n 1 "$T/a.txt" | grep -q "^usage: mlq train $a " &&
        grep -q "^Options of $a, " "$T/a.txt" && ! grep -q '^Options of [a-z]*, ' <(grep -v "^Options of $a, " "$T/a.txt") &&
        ok || bad "help of $a: $(head -n 3 "$T/a.txt")"
done
# The allowed values and the defaults of every choice, and numbers' ranges.
helpline() { # helpline ALGO 'OPTION SPEC' 'TEXT': the option's entry (spec line and text) has TEXT
    "$MLQ" help "$1" | awk -v s="  $2" 'index($0, s) == 1 { on = 1; print; next } on && /^   / { print; next } { on = 0 }' |
        tr '\n' ' ' | tr -s ' ' | grep -qF -- "$3" && ok || bad "mlq help $1: '$2' lacks '$3'"
}
helpline tree '--criterion gini|entropy' 'split quality; default gini'
helpline tree '--class-weight none|balanced' 'default none'
helpline tree '--max-depth N|none' 'N a whole number from 1 to 1000; default 10'
helpline tree '--max-features N|sqrt|all' 'default all'
helpline forest '--max-features N|sqrt|all' 'default sqrt'
helpline gmm '--covariance full|diag' 'default full'
helpline gmm '--components N' 'required'
helpline gmm '--anomaly-percentile X|off' 'X a number in (0, 50]; default off'
helpline gmm '--per-class ' 'one mixture per class'
helpline mlp '--activation relu|tanh' 'default relu'
helpline mlp '--optimizer adam|sgd' 'default adam'
helpline mlp '--bits 8|16' 'default 16'
helpline mlp '--hidden N[,N...]' 'each N a whole number from 1 to 65535; default 32'
helpline svm '--kernel linear|rbf|poly' 'default rbf'
helpline svm '-C, --C X' 'X a number in (0, 1e+06]; default 1'
helpline svm '--gamma X|scale' 'default scale'
helpline kmeans '-k, --k N' 'N a whole number from 1 to 65535'
"$MLQ" help export | tr '\n' ' ' | tr -s ' ' | grep -qF 'BOARD is one of (uno, mega, m0, m4, rv32)' && ok ||
    bad "export's help lists the boards"
"$MLQ" help split | tr '\n' ' ' | tr -s ' ' | grep -qF 'both excluded); default 0.3' && ok || bad "split's help: --test-size"
expect 2 "help: 'fly' is neither a command nor an algorithm (try 'mlq help')" - -- "$MLQ" help fly
expect 2 "help: unknown algorithm 'boost' (see 'mlq help train')" - -- "$MLQ" help train boost
expect 2 "help: unexpected argument 'kmeans' (only 'mlq help train ALGO' takes two)" - -- "$MLQ" help info kmeans
expect 2 "help: unexpected argument 'c' (see 'mlq help help')" - -- "$MLQ" help a b c

# ---- an option given twice is an error everywhere --------------------------------
twice() { # twice CMD OPTION VALUE OUT ARGS...: CMD ARGS with --OPTION VALUE added twice
    local cmd=$1 opt=$2 val=$3 out=$4
    shift 4
    if [ -n "$val" ]; then
        expect 2 "$cmd: --$opt given twice" "$out" -- "$MLQ" $cmd "$@" "--$opt" "$val" "--$opt=$val"
    else
        expect 2 "$cmd: --$opt given twice" "$out" -- "$MLQ" $cmd "$@" "--$opt" "--$opt"
    fi
}
TR=(kmeans --k 2 --data "$T/plain.csv" --out "$O")
twice train out "$O" "$O" "${TR[@]}"
twice train data "$T/plain.csv" "$O" "${TR[@]}"
twice train seed 1 "$O" "${TR[@]}"
twice train label label "$O" "${TR[@]}"
twice train quiet "" "$O" "${TR[@]}"
twice train json "" "$O" "${TR[@]}"
expect 2 "train: --k given twice" "$O" -- "$MLQ" train kmeans --k 2 -k 2 --data "$T/plain.csv" --out "$O"
H=$T/x.h
twice export name x "$H" "$T/km.json" --out "$H"
twice export out "$H" "$H" "$T/km.json" --name x
twice export bits 16 "$H" "$T/km.json" --name x --out "$H"
twice export target m4 "$H" "$T/km.json" --name x --out "$H"
twice predict device "" - "$T/km.json" "$T/te.csv"
twice predict bits 16 - "$T/km.json" "$T/te.csv" --device
for f in ids scores json; do twice predict "$f" "" - "$T/km.json" "$T/te.csv"; done
twice compare json "" - "$T/km.json" "$T/te.csv"
twice compare bits 16 - "$T/km.json" "$T/te.csv"
twice info target m4 - "$T/km.json"
twice info flash 4096 - "$T/km.json" --target m4
twice info json "" - "$T/km.json"
S=(split "$T/plain.csv" --train "$T/s1.csv" --test "$T/s2.csv")
for o in "train $T/s1.csv" "test $T/s2.csv" "test-size 0.5" "seed 2" "label label"; do
    # shellcheck disable=SC2086
    twice ${S[0]} ${o% *} "${o#* }" "$T/s1.csv" "${S[@]:1}"
done
[ ! -e "$T/s2.csv" ] && ok || bad "split with an option given twice wrote the test part"

# ---- a value that looks like an option ------------------------------------------
(cd "$T" && expect 2 "train: --out needs a value, and '--quiet' looks like an option (if it is the value, write --out=--quiet)" \
    "$T/--quiet" -- "$MLQ" train kmeans --k 2 --data plain.csv --out --quiet)
(cd "$T" && "$MLQ" train kmeans --k 2 --data plain.csv --out=--quiet --quiet) && [ -s "$T/--quiet" ] && ok ||
    bad "--out=--quiet writes a file named --quiet"
expect 2 "train: --data needs a value, and '-x' looks like an option (if it is the value, write --data=-x)" "$O" -- \
    "$MLQ" train kmeans --k 2 --out "$O" --data -x
expect 2 "export: --name needs a value, and '--quiet' looks like an option (if it is the value, write --name=--quiet)" "$H" -- \
    "$MLQ" export "$T/km.json" --out "$H" --name --quiet
expect 2 "train: -C needs a value, and '--quiet' looks like an option (if it is the value, write --C=--quiet)" "$O" -- \
    "$MLQ" train svm --data "$T/plain.csv" --out "$O" -C --quiet
# Negative numbers are values.
expect 2 "--tol: -1 is out of range: must be >= 0 and <= 1" "$O" -- "$MLQ" train kmeans --k 2 --tol -1 --data "$T/plain.csv" --out "$O"
expect 2 "--coef0: -.5e7 is out of range: must be >= -1e+06 and <= 1e+06" "$O" -- "$MLQ" train svm --coef0 -.5e7 --data "$T/plain.csv" --out "$O"
"$MLQ" train svm --kernel poly --coef0 -0.5 --data "$T/tr.csv" --out "$T/neg.json" --quiet && grep -q '"coef0":	-0.5' "$T/neg.json" &&
    ok || bad "--coef0 -0.5"

# ---- names in full; unknown options, missing values, values given to a flag ---------
expect 2 "train: unknown option '--dat' (see 'mlq help train')" "$O" -- "$MLQ" train kmeans --k 2 --dat "$T/plain.csv" --out "$O"
expect 2 "train: unknown option '--c' (see 'mlq help train')" "$O" -- "$MLQ" train svm --c 2 --data "$T/plain.csv" --out "$O"
expect 2 "info: unknown option '--he' (see 'mlq help info')" - -- "$MLQ" info "$T/km.json" --he
expect 2 "train: unknown option '-x' (see 'mlq help train')" "$O" -- "$MLQ" train kmeans --k 2 -x --data "$T/plain.csv" --out "$O"
expect 2 "train: unknown option '-C' (see 'mlq help train')" "$O" -- "$MLQ" train kmeans --k 2 -C 1 --data "$T/plain.csv" --out "$O"
expect 2 "train: unknown option '--depth' (see 'mlq help train')" "$O" -- "$MLQ" train kmeans --k 2 --depth=3 --data "$T/plain.csv" --out "$O"
expect 2 "train: --out needs a value" - -- "$MLQ" train kmeans --k 2 --data "$T/plain.csv" --out
expect 2 "train: -C needs a value" - -- "$MLQ" train svm --data "$T/plain.csv" --out "$O" -C
expect 2 "train: --quiet takes no value" "$O" -- "$MLQ" train kmeans --k 2 --data "$T/plain.csv" --out "$O" --quiet=yes
expect 2 "train: --per-class takes no value" "$O" -- "$MLQ" train gmm --components 1 --data "$T/plain.csv" --out "$O" --per-class=1
expect 2 "predict: --help takes no value" - -- "$MLQ" predict --help=1
expect 2 "predict: unexpected argument 'extra' (see 'mlq help predict')" - -- "$MLQ" predict "$T/km.json" "$T/te.csv" extra
expect 2 "predict: needs MODEL.json DATA.csv (see 'mlq help predict')" - -- "$MLQ" predict "$T/km.json"
expect 2 "export: --name and --out are required" - -- "$MLQ" export "$T/km.json"
expect 2 "export: --out is required" - -- "$MLQ" export "$T/km.json" --name x
expect 2 "export: needs MODEL.json (see 'mlq help export')" "$H" -- "$MLQ" export --name x --out "$H"
expect 2 "split: --train and --test are required" - -- "$MLQ" split "$T/plain.csv"

# ---- numbers: decimal, parsed by the function that validates them ----------------
P=$T/mlp.json
expect 2 "--hidden: '0x8' is not a list of whole numbers separated by commas (e.g. 32 or 32,16)" "$P" -- \
    "$MLQ" train mlp --hidden 0x8 --data "$T/tr.csv" --out "$P"
expect 2 "--hidden: '8,0x8' is not a list of whole numbers separated by commas (e.g. 32 or 32,16)" "$P" -- \
    "$MLQ" train mlp --hidden 8,0x8 --data "$T/tr.csv" --out "$P"
expect 2 "--hidden: ' 8' is not a list of whole numbers separated by commas (e.g. 32 or 32,16)" "$P" -- \
    "$MLQ" train mlp --hidden ' 8' --data "$T/tr.csv" --out "$P"
# 1e1 is ten: the model has a layer of 10, and the model file says so.
"$MLQ" train mlp --hidden 1e1,2E0 --epochs 5 --data "$T/tr.csv" --out "$P" --quiet &&
    "$MLQ" info "$P" | grep -q '^network  *4-10-2-3 ' && grep -q '"hidden":	"10,2"' "$P" && ok ||
    bad "--hidden 1e1,2E0: $("$MLQ" info "$P" | grep -e ^network -e ^hyper)"
expect 2 "--k: '0x8' is not a whole number" "$O" -- "$MLQ" train kmeans --k 0x8 --data "$T/plain.csv" --out "$O"
expect 2 "--k: ' 2' is not a whole number" "$O" -- "$MLQ" train kmeans --k ' 2' --data "$T/plain.csv" --out "$O"
expect 2 "--tol: '0x1p-4' is not a number" "$O" -- "$MLQ" train kmeans --k 2 --tol 0x1p-4 --data "$T/plain.csv" --out "$O"
expect 2 "--lr: 'inf' is not a number" "$T/lr.json" -- "$MLQ" train mlp --lr inf --data "$T/plain.csv" --out "$T/lr.json"
expect 2 "--seed: '0x10' is not a whole number in \\[0, 4294967295\\]" "$O" -- "$MLQ" train kmeans --k 2 --seed 0x10 --data "$T/plain.csv" --out "$O"
expect 2 "--seed: '4294967296' is not a whole number in \\[0, 4294967295\\]" "$O" -- "$MLQ" train kmeans --k 2 --seed 4294967296 --data "$T/plain.csv" --out "$O"
expect 2 "split: --test-size: '0x0.8p0' is not a number between 0 and 1" "$T/s1.csv" -- "$MLQ" "${S[@]}" --test-size 0x0.8p0
expect 2 "split: --test-size: '1' is not a number between 0 and 1" "$T/s1.csv" -- "$MLQ" "${S[@]}" --test-size 1
expect 2 "info: --ram: '0x400' is not a number of bytes from 1 to 4294967296" - -- "$MLQ" info "$T/km.json" --target m0 --ram 0x400
"$MLQ" info "$T/km.json" --target m0 --ram 1e3 | grep -q 'of 1000 bytes (stack' && ok || bad "info --ram 1e3"

# ---- what a command wrote, on stderr; --quiet ---------------------------------------
wrote() { # wrote 'EXPECTED STDERR' command...: succeeds with exactly that on stderr
    local want=$1
    shift
    if "$@" >"$T/stdout" 2>"$T/stderr" && [ "$(cat "$T/stderr")" = "$want" ]; then ok
    else bad "$*: stderr '$(cat "$T/stderr")', want '$want'"; fi
}
wrote "mlq: wrote $T/w.json: kmeans, 4 features, 3 clusters, 105 training rows" "$MLQ" train kmeans --k 3 --data "$T/tr.csv" --out "$T/w.json"
wrote "mlq: wrote $T/w.json: tree, 4 features, 3 classes, 105 training rows" "$MLQ" train tree --data "$T/tr.csv" --out "$T/w.json"
wrote "mlq: wrote $T/w.json: gmm, 4 features, 2 outputs (anomaly detection), 105 training rows" "$MLQ" train gmm --components 1 --anomaly-percentile 5 --data "$T/tr.csv" --out "$T/w.json"
wrote "mlq: wrote $T/w.h: 12 coefficients, 0 saturated, 128 bytes of constants" "$MLQ" export "$T/km.json" --name w --out "$T/w.h"
read -r coef consts alone < <("$MLQ" info "$T/tree.json" --json 2>/dev/null |
    python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["coefficients"], j["flash_bytes"], j["predict_flash_bytes"])' 2>/dev/null)
wrote "mlq: wrote $T/w.h: ${coef:-?} coefficients, 0 saturated, ${consts:-?} bytes of constants (${alone:-?} with NAME_predict alone)" \
    "$MLQ" export "$T/tree.json" --name w --out "$T/w.h"
wrote "mlq: wrote $T/a.csv: 105 training rows of $ROOT/data/iris.csv
mlq: wrote $T/b.csv: 45 test rows of $ROOT/data/iris.csv" "$MLQ" split "$ROOT/data/iris.csv" --train "$T/a.csv" --test "$T/b.csv"
wrote "" "$MLQ" train kmeans --k 3 --data "$T/tr.csv" --out "$T/w.json" --quiet
wrote "" "$MLQ" export "$T/km.json" --name w --out "$T/w.h" --quiet
wrote "" "$MLQ" split "$ROOT/data/iris.csv" --train "$T/a.csv" --test "$T/b.csv" --quiet
wrote "" "$MLQ" predict "$T/km.json" "$T/te.csv"
wrote "" "$MLQ" compare "$T/km.json" "$T/te.csv"
wrote "" "$MLQ" info "$T/km.json"

# ---- stdout that cannot be written: exit 1 and a message -----------------------------
if [ -w /dev/full ]; then
    full() { # full command...: its stdout to /dev/full
        "$@" >/dev/full 2>"$T/stderr"
        local rc=$?
        [ "$rc" = 1 ] && [ "$(cat "$T/stderr")" = "mlq: <stdout>: write failed: No space left on device" ] && ok ||
            bad "$* >/dev/full: exit $rc, $(cat "$T/stderr")"
    }
    full "$MLQ" help
    full "$MLQ" help train
    full "$MLQ" info --help
    full "$MLQ" --version
    full "$MLQ" info "$T/km.json"
    full "$MLQ" info "$T/km.json" --json
    full "$MLQ" compare "$T/km.json" "$T/te.csv"
    full "$MLQ" compare "$T/km.json" "$T/te.csv" --json
    full "$MLQ" predict "$T/km.json" "$T/te.csv"
    full "$MLQ" predict "$T/km.json" "$T/te.csv" --json
    full "$MLQ" train kmeans --k 3 --data "$T/tr.csv" --out "$T/w.json" --json --quiet
    full "$MLQ" split "$T/tr.csv" --train "$T/a.csv" --test "$T/b.csv" --json --quiet
else
    bad "/dev/full is not writable: the stdout checks did not run"
fi

# ---- a label column of 65536 classes: refused before training (no command could load the model)
awk 'BEGIN { print "a,label"; for (i = 0; i < 65536; i++) printf "%d,%d\n", i % 7, i }' >"$T/c65536.csv"
"$MLQ" train kmeans --k 2 --data "$T/c65536.csv" --out "$O" >/dev/null 2>"$T/stderr"
rc=$?
if [ "$rc" = 1 ] && [ "$(cat "$T/stderr")" = "mlq: $T/c65536.csv: label column 'label' has 65536 classes: a model holds at most 65535" ] &&
    [ ! -e "$O" ]; then
    ok
else
    bad "65536 classes: exit $rc, $(cat "$T/stderr"), model left: $([ -e "$O" ] && echo yes || echo no)"
fi
rm -f "$O"

finish cli_options
