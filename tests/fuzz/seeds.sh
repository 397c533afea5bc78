#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# seeds.sh -- (re)write the committed seed corpus of the fuzz targets,
# tests/fuzz/corpus/{csv,model,export}: slices of the bundled data, the bad
# CSV files of tests/cli.sh, a model file of every algorithm and variant
# trained on small slices, and the hand-broken model files of tests/cli.sh.
#
#   MLQ=build/mlq bash tests/fuzz/seeds.sh
#
# Deterministic (seeded training, fixed slices): a rerun with the same mlq
# writes the same files. Only needed when the model file format changes.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
MLQ=${MLQ:-$ROOT/build/mlq}
MLQ=$(cd "$(dirname "$MLQ")" && pwd)/$(basename "$MLQ") # the script changes folder
C=$ROOT/tests/fuzz/corpus
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
rm -rf "$C/csv" "$C/model" "$C/export"
mkdir -p "$C/csv" "$C/model" "$C/export"

# ---- CSV: slices of the bundled data (header + every Nth row, few columns) --
slice() { # DATASET EVERY MAXCOLS OUT: header and every EVERY-th row, the first MAXCOLS-1 columns and the label
    awk -F, -v every="$2" -v maxc="$3" 'BEGIN { OFS = "," }
        { n = NF < maxc ? NF : maxc; line = ""
          for (i = 1; i < n; i++) line = line $i ","
          line = line $NF
          if (NR == 1 || (NR - 2) % every == 0) print line }' "$ROOT/data/$1.csv" >"$4"
}
slice iris 10 99 "$C/csv/iris.csv"
slice wine 12 6 "$C/csv/wine.csv"
slice breast_cancer 40 5 "$C/csv/breast_cancer.csv"
slice digits 150 9 "$C/csv/digits.csv"
slice shuttle 900 99 "$C/csv/shuttle.csv"
slice vowel 70 99 "$C/csv/vowel.csv"
# Named classes, quoting, CRLF, BOM, blank tail, a label column in the middle.
printf 'a,"b c",label\n1,2,"Iris ""setosa"""\n3,4e-3,x */ y\n-5.,.5,c\\d??=\n' >"$C/csv/names.csv"
printf 'a,b,label\r\n1,2,0\r\n1.5,2.5,0\r\n9,8,1\r\n' >"$C/csv/crlf.csv"
{ printf '\xef\xbb\xbf'; printf 'a,b,label\n1,2,0\n9,8,1\n'; } >"$C/csv/bom.csv"
printf '"a","b","label"\n"1",2,0\n1.5," 2.5",0\n9,8,"1"\n\n \n' >"$C/csv/quoted.csv"
printf 'label,a,b\n1,2,0\n0,3,4\n' >"$C/csv/label_first.csv"
printf 'a,b\n1,2\n1,2\n3,4\n' >"$C/csv/nolabel.csv"
printf 'a,b,label\n1e-320,-0,65535\n1.7976931348623157e308,4.9e-324,0\n' >"$C/csv/extremes.csv"
# The bad files of tests/cli.sh (each fails with its own message).
printf 'a,b,label\n1,2,0\n3,4,1\n1,2\n' >"$C/csv/ragged.csv"
printf 'a,b,label\n1,2,0\n1,abc,1\n' >"$C/csv/text.csv"
printf 'a,b,label\n1,2,0\n1,nan,1\n' >"$C/csv/nan.csv"
printf 'a,b,label\n1,2,0\n-inf,2,1\n' >"$C/csv/inf.csv"
printf 'a,b,label\n1,2,0\n1e999,2,1\n' >"$C/csv/big.csv"
: >"$C/csv/empty.csv"
printf 'a,b,label\n' >"$C/csv/header.csv"
printf 'a,b,a,label\n1,2,3,0\n' >"$C/csv/dup.csv"
printf 'a,b,label\n1,2,0\n3,4,1.5\n' >"$C/csv/frac.csv"
printf 'a,b,label\n1,2,0\n3,4,-1\n' >"$C/csv/neg.csv"
printf 'a,b,label\n1,2,0\n3,4,cat\n' >"$C/csv/mixed.csv"
printf 'a,b,label\n1,"2,0\n' >"$C/csv/quote.csv"
printf 'a,b,label\n1,2,0\n3,\0,1\n' >"$C/csv/nul.csv"
printf '\xff\xfea\0,\0b\0\n\0' >"$C/csv/utf16.csv"
printf 'a,b,label\n1,2,0\n\n3,4,1\n' >"$C/csv/blank.csv"

# ---- model files: every algorithm and variant, trained on small slices -------
# (in the temporary folder, so that the files name their data "iris.csv")
cd "$T"
"$MLQ" split "$ROOT/data/iris.csv" --train iris.csv --test iris_test.csv --test-size 0.8 --seed 1 2>/dev/null
slice wine 6 5 wine.csv
cp "$C/csv/names.csv" names.csv
train() { # NAME DATA ALGO OPTIONS...
    local name=$1 data=$2
    shift 2
    "$MLQ" train "$@" --data "$data" --out "$C/model/$name.json" --seed 1 --quiet
}
train kmeans iris.csv kmeans --k 3 --n-init 2
train kmeans_wine wine.csv kmeans --k 2 --n-init 1
train gmm_full iris.csv gmm --components 2 --covariance full --reg-covar 1e-2
train gmm_diag iris.csv gmm --components 2 --covariance diag
train gmm_class iris.csv gmm --per-class --components 2 --covariance full --reg-covar 1e-2
train gmm_nb iris.csv gmm --per-class --components 1 --covariance diag --reg-covar 1e-9
train gmm_anomaly iris.csv gmm --components 1 --anomaly-percentile 5
train tree iris.csv tree --max-depth 3
train tree_entropy wine.csv tree --criterion entropy --class-weight balanced
train forest iris.csv forest --trees 3 --max-depth 3
train svm_rbf iris.csv svm --kernel rbf
train svm_poly iris.csv svm --kernel poly --degree 3 --coef0 1
train svm_linear wine.csv svm --kernel linear
train mlp_relu iris.csv mlp --hidden 4 --epochs 20
train mlp_tanh iris.csv mlp --hidden 4,3 --activation tanh --optimizer sgd --epochs 20
train mlp_int8 iris.csv mlp --hidden 4 --epochs 20 --bits 8
train tree_names names.csv tree
# The hand-broken model files of tests/cli.sh.
printf '{"format": "mlq-model",\n "version": 1,,\n}' >"$C/model/broken.json"
/usr/bin/python3 - "$C/model" <<'EOF'
import json, sys
d = sys.argv[1]
def edit(src, dst, f):
    m = json.load(open(f"{d}/{src}.json"))
    f(m)
    json.dump(m, open(f"{d}/{dst}.json", "w"), indent=1)
edit("kmeans", "bad_version", lambda m: m.__setitem__("version", 9))
edit("svm_poly", "bad_gamma", lambda m: m["svm"].__setitem__("gamma", 1e12))
edit("svm_poly", "bad_coef0", lambda m: m["svm"].__setitem__("coef0", 1e300))
edit("mlp_relu", "bad_weight", lambda m: m["mlp"]["layers"][0]["weights"][0].__setitem__(0, 1e308))
edit("gmm_nb", "bad_prior", lambda m: m["gmm"]["log_prior"].__setitem__(0, -40000))
edit("gmm_anomaly", "bad_threshold", lambda m: m["gmm"].__setitem__("threshold", 1e20))
edit("gmm_class", "bad_weights", lambda m: m["gmm"]["weights"].__setitem__(0, 0.9))
edit("forest", "bad_right", lambda m: m["forest"]["trees"][1]["right"].__setitem__(0, 999))
EOF
cp "$C/model/"*.json "$C/export/"
chmod 644 "$C"/*/*
echo "seeds: $(ls "$C/csv" | wc -l) csv, $(ls "$C/model" | wc -l) model, $(ls "$C/export" | wc -l) export"
