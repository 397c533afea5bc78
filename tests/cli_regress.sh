#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# cli_regress.sh -- regression through the CLI as a user meets it: every bad
# input of issue 18 (one line each), then each regressor on the bundled
# diabetes data: train, predict (host, device, --fixed, --json), compare
# (text and --json), export, the header's entries built for the host
# against `mlq predict --device --fixed`, NAME_value against NAME_predict,
# and a row far outside the training range saturating at NAME_Y_MIN/MAX.
#
#   MLQ=build/mlq bash tests/cli_regress.sh     (ALGOS="linear tree" narrows it)
. "$(dirname "$0")/cli_lib.sh"
BUILD=${BUILD:-$ROOT/build}
RUN=${RUN:-$ROOT/examples/firmware/run}
ALGOS=${ALGOS:-linear tree forest svm mlp}
M=$T/m.json

"$MLQ" split "$ROOT/data/diabetes.csv" --train "$T/tr.csv" --test "$T/te.csv" --test-size 0.3 --seed 1 --quiet
fixture iris.csv 'a,b,label\n1,2,0\n2,1,1\n3,3,0\n4,1,1\n'

# ---- bad input ---------------------------------------------------------------
fixture frac.csv 'a,b,label\n1,2,0\n3,4,0.5\n'
expect 1 "$T/frac.csv:3: label '0.5' is not a class: labels are integers 0..K-1 or names (for a continuous target, train with --task regress)" "$M" -- "$MLQ" train tree --data "$T/frac.csv" --out "$M"
expect 2 "train kmeans: --task: kmeans has no regression (tree, forest, svm, mlp and linear can regress)" "$M" -- "$MLQ" train kmeans --task regress --k 2 --data "$T/tr.csv" --out "$M"
expect 2 "train gmm: --task: gmm has no regression (tree, forest, svm, mlp and linear can regress)" "$M" -- "$MLQ" train gmm --task=regress --data "$T/tr.csv" --out "$M"
expect 2 "--task: 'classes' is not one of classify|regress" "$M" -- "$MLQ" train tree --task classes --data "$T/tr.csv" --out "$M"
expect 2 "train svm: --epsilon is for regression (--task regress), and this is classification (add --task regress)" "$M" -- "$MLQ" train svm --epsilon 0.2 --data "$T/iris.csv" --out "$M"
expect 2 "train tree: --class-weight is for classification, and this is regression (--task regress)" "$M" -- "$MLQ" train tree --task regress --class-weight balanced --data "$T/tr.csv" --out "$M"
expect 2 "train linear: --alpha is for regression (--task regress), and this is classification (add --task regress)" "$M" -- "$MLQ" train linear --alpha 2 --data "$T/iris.csv" --out "$M"
expect 2 "train linear: --C is for classification, and this is regression (--task regress)" "$M" -- "$MLQ" train linear --task regress --C 2 --data "$T/tr.csv" --out "$M"
fixture const.csv 'a,y\n1,5\n2,5.0\n3,5\n'
expect 1 "$T/const.csv: target column 'y' is constant (5 on every row): nothing to regress" "$M" -- "$MLQ" train tree --task regress --data "$T/const.csv" --out "$M"
fixture nan.csv 'a,y\n1,2\n2,NaN\n'
expect 1 "$T/nan.csv:3: target column 'y': 'NaN' is not a finite number" "$M" -- "$MLQ" train linear --task regress --data "$T/nan.csv" --out "$M"
fixture inf.csv 'a,y\n1,inf\n2,3\n'
expect 1 "$T/inf.csv:2: target column 'y': 'inf' is not a finite number" "$M" -- "$MLQ" train mlp --task regress --data "$T/inf.csv" --out "$M"
fixture empty.csv 'a,y\n1,2\n2,\n'
expect 1 "$T/empty.csv:3: target column 'y': empty cell (missing values are not supported)" "$M" -- "$MLQ" train svm --task regress --data "$T/empty.csv" --out "$M"
fixture one.csv 'a,y\n1,2\n'
expect 1 "$T/one.csv: one training row: regression needs at least 2" "$M" -- "$MLQ" train forest --task regress --data "$T/one.csv" --out "$M"
fixture huge.csv 'a,y\n1,-1e308\n2,1e308\n'
expect 1 "$T/huge.csv: target column 'y' spans more than a double holds (-1e+308 to 1e+308)" "$M" -- "$MLQ" train linear --task regress --data "$T/huge.csv" --out "$M"

# A model to read back: predict and compare options, and the model file's target.
"$MLQ" train linear --task regress --data "$T/tr.csv" --out "$T/lin.json" --quiet || bad "train linear --task regress"
expect 2 "$T/lin.json: --ids: a regression model has no classes" - -- "$MLQ" predict "$T/lin.json" "$T/te.csv" --ids
expect 2 "$T/lin.json: --fixed: only for a regression model with --device" - -- "$MLQ" predict "$T/lin.json" "$T/te.csv" --fixed
expect 2 "$T/lin.json: --proba: this linear model defines no probabilities" - -- "$MLQ" predict "$T/lin.json" "$T/te.csv" --proba
"$MLQ" train linear --data "$T/iris.csv" --out "$T/logit.json" --quiet || bad "train linear (logistic)"
expect 2 "$T/logit.json: --fixed: only for a regression model with --device" - -- "$MLQ" predict "$T/logit.json" "$T/iris.csv" --device --fixed
edit() { # edit OUT PYTHON: the model with one change
    /usr/bin/python3 -c "import json,sys; m=json.load(open(sys.argv[1])); $2; json.dump(m, open(sys.argv[2], 'w'))" "$T/lin.json" "$1"
}
edit "$T/no_target.json" "del m['target']"
expect 1 "$T/no_target.json: missing field 'target'" - -- "$MLQ" info "$T/no_target.json"
edit "$T/bad_scale.json" "m['target']['scale'] = 0"
expect 1 "$T/bad_scale.json: field 'target': needs scale > 0 and min <= mean <= max, min < max" - -- "$MLQ" info "$T/bad_scale.json"
edit "$T/bad_range.json" "m['target']['min'] = m['target']['max']"
expect 1 "$T/bad_range.json: field 'target': needs scale > 0 and min <= mean <= max, min < max" - -- "$MLQ" info "$T/bad_range.json"
edit "$T/no_mean.json" "del m['target']['mean']"
expect 1 "$T/no_mean.json: missing field 'target.mean'" - -- "$MLQ" info "$T/no_mean.json"
edit "$T/classes.json" "m['class_names'] = ['a', 'b']"
expect 1 "$T/classes.json: a regression model names its target in 'label_name' and has no 'class_names'" - -- "$MLQ" info "$T/classes.json"
# A narrow range far from zero cannot be a 32-bit fixed-point output.
awk -F, 'NR == 1 { print; next } { $NF = sprintf("%.17g", 1e9 + $NF * 1e-6); print }' OFS=, "$T/tr.csv" >"$T/narrow.csv"
"$MLQ" train linear --task regress --data "$T/narrow.csv" --out "$T/narrow.json" --quiet || bad "train narrow"
expect 1 "$T/narrow.json: field 'target': the target's training range (1e+09 to 1e+09) is too narrow for its size to be a 32-bit fixed-point output: subtract an offset from the target column" "$T/narrow.h" -- "$MLQ" export "$T/narrow.json" --name narrow --out "$T/narrow.h"

# A regression forest examines every feature by default (scikit-learn's regressor); a
# classifier sqrt(features).
"$MLQ" train forest --task regress --trees 2 --data "$T/tr.csv" --out "$T/rf.json" --quiet
"$MLQ" train forest --trees 2 --data "$T/iris.csv" --out "$T/cf.json" --quiet
if grep -q '"max-features":[[:space:]]*"all"' "$T/rf.json" && grep -q '"max-features":[[:space:]]*"sqrt"' "$T/cf.json" &&
    ! grep -q '"class-weight"' "$T/rf.json" && ! grep -q '"epsilon"' "$T/cf.json"; then ok; else
    bad "forest defaults by task"; fi

# ---- each regressor end to end ------------------------------------------------
rows=$(($(wc -l <"$T/te.csv") - 1))
"$RUN" rows csv "$T/te.csv" --target target --out "$T/te.rows"
# A row far outside the training range: every feature 1e6 (or -1e6) standard units away.
printf 'age,sex,bmi,bp,s1_tc,s2_ldl,s3_hdl,s4_tch,s5_ltg,s6_glu\n1e9,1e9,1e9,1e9,1e9,1e9,1e9,1e9,1e9,1e9\n-1e9,-1e9,-1e9,-1e9,-1e9,-1e9,-1e9,-1e9,-1e9,-1e9\n' >"$T/far.csv"
"$RUN" rows csv "$T/far.csv" --out "$T/far.rows"
for algo in $ALGOS; do
    m=$T/$algo.json h=$T/reg_$algo.h
    if ! "$MLQ" train "$algo" --task regress --data "$T/tr.csv" --out "$m" --quiet; then
        bad "$algo: train --task regress"
        continue
    fi
    # One value per line, host and device; the device's --fixed integers scale to its values.
    "$MLQ" predict "$m" "$T/te.csv" >"$T/host.txt"
    "$MLQ" predict "$m" "$T/te.csv" --device >"$T/dev.txt"
    "$MLQ" predict "$m" "$T/te.csv" --device --fixed --scores >"$T/fixed.txt"
    if [ "$(grep -cE '^-?[0-9.]+(e[-+][0-9]+)?$' "$T/host.txt")" = "$rows" ] &&
        [ "$(grep -cE '^-?[0-9.]+(e[-+][0-9]+)?$' "$T/dev.txt")" = "$rows" ] &&
        [ "$(grep -cE '^-?[0-9]+ -?[0-9]+$' "$T/fixed.txt")" = "$rows" ]; then ok; else bad "$algo: predict lines"; fi
    "$MLQ" export "$m" --name "reg_$algo" --out "$h" --quiet || bad "$algo: export"
    frac=$(sed -n "s/^#define reg_${algo}_Y_FRAC \(-\?[0-9]*\)$/\1/p" "$h")
    if paste -d' ' "$T/dev.txt" "$T/fixed.txt" |
        awk -v f="$frac" '{ v = $2 / 2 ^ f; if ((v - $1) ^ 2 > (1e-8 * (1 + v ^ 2))) bad = 1 } END { exit bad }'; then ok; else
        bad "$algo: --device values are not --fixed x 2^-$frac"; fi
    # Host and device agree to the issue's bound (0.5% of the training range) on every test row.
    "$MLQ" compare "$m" "$T/te.csv" --json >"$T/cmp.json"
    if /usr/bin/python3 - "$T/cmp.json" "$rows" <<'EOF'; then ok; else bad "$algo: compare --json $(cat "$T/cmp.json")"; fi
import json, sys
c = json.load(open(sys.argv[1]))
assert c["task"] == "regress" and c["rows"] == int(sys.argv[2]) and c["target"]["name"] == "target"
assert c["target"]["min"] == 25 and c["target"]["max"] == 346, c["target"]
assert -1.0 < c["host_r2"] < 1.0 and abs(c["host_r2"] - c["device_r2"]) <= 0.005
assert c["max_value_diff"] >= c["p99_value_diff"] >= c["median_value_diff"] >= 0
assert c["p99_value_diff_of_range"] <= 0.005 and c["saturated_rows"] == 0
assert abs(c["p99_value_diff"] / 321 - c["p99_value_diff_of_range"]) < 1e-12
for k in ("host_mae", "host_rmse", "device_mae", "device_rmse", "flash_bytes", "kernel"):
    assert k in c, k
EOF
    "$MLQ" compare "$m" "$T/te.csv" >"$T/cmp.txt"
    if grep -q "^host        MAE .*, RMSE .*, R^2 -\?[0-9]\.[0-9]*$" "$T/cmp.txt" &&
        grep -q "^|host - device| max .* (target units)$" "$T/cmp.txt" &&
        grep -q "of the training range (25 to 346)$" "$T/cmp.txt"; then ok; else bad "$algo: compare text: $(cat "$T/cmp.txt")"; fi
    # The header's entries, built for the host, print what mlq predict --device --fixed prints.
    if "$RUN" predict --board host --header "$h" --name "reg_$algo" --input "$T/te.rows" --scores >"$T/fw.txt" &&
        cmp -s "$T/fw.txt" "$T/fixed.txt"; then ok; else bad "$algo: host firmware differs from predict --device --fixed"; fi
    # Far outside the training range: the output saturates at the header's bounds, never wraps.
    "$RUN" predict --board host --header "$h" --name "reg_$algo" --input "$T/far.rows" >"$T/far.txt"
    lo=$(sed -n "s/^#define reg_${algo}_Y_MIN INT32_C(\(-\?[0-9]*\))$/\1/p" "$h")
    hi=$(sed -n "s/^#define reg_${algo}_Y_MAX INT32_C(\(-\?[0-9]*\))$/\1/p" "$h")
    if [ -n "$lo" ] && [ -n "$hi" ] && [ "$lo" -lt "$hi" ] &&
        awk -v lo="$lo" -v hi="$hi" '$1 < lo || $1 > hi { exit 1 }' "$T/far.txt"; then ok; else
        bad "$algo: far rows $(tr '\n' ' ' <"$T/far.txt") outside [$lo, $hi]"; fi
done

# NAME_value is NAME_predict's integer x NAME_Y_LSB, on every input form.
cat >"$T/value.c" <<'EOF'
#include <math.h>
#include <stdio.h>
#include "reg.h"
/* Both entries give the same status, and on success v == y x LSB. */
#define SAME(pred, val, x) (st = pred(x, &y), st != val(x, &v) || (st == MLQ_OK && v != (float)y * reg_Y_LSB))
int main(void)
{
    float x[reg_N_FEATURES] = {50, 1, 26, 90, 190, 110, 50, 4, 4.6f, 90}, v = 0;
    int16_t raw[reg_N_FEATURES] = {50, 1, 26, 90, 190, 110, 50, 4, 5, 90};
    mlq_q15_t q[reg_N_FEATURES] = {0};
    int32_t y;
    int bad = 0, st;

    bad |= SAME(reg_predict, reg_value, x) || st != MLQ_OK;
    bad |= SAME(reg_predict_q15, reg_value_q15, q) || st != MLQ_OK;
    bad |= SAME(reg_predict_i16, reg_value_i16, raw);
    x[3] = NAN; /* an error, y untouched */
    y = 12345;
    bad |= reg_predict(x, &y) != MLQ_ERR_INPUT || y != 12345;
    printf("%.3f\n", (double)v);
    return bad;
}
EOF
"$MLQ" export "$T/lin.json" --name reg --out "$T/reg.h" --quiet
if cc -std=c99 -Wall -Wextra -Werror -I"$ROOT/include" -I"$T" "$T/value.c" "$ROOT"/src/*.c -lm -o "$T/value" &&
    "$T/value" >"$T/value.txt"; then ok; else bad "NAME_value: $(cat "$T/value.txt" 2>/dev/null)"; fi

finish cli_regress
