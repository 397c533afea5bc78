#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# regression.sh -- a continuous target from CSV to firmware: disease
# progression one year on (data/diabetes.csv, 10 baseline measurements of
# 442 patients, target 25..346) predicted by ridge regression and by an
# RBF epsilon-SVR, on the host and on an emulated Cortex-M0 (micro:bit) and
# Arduino Uno (ATmega328P).
#
#   BUILD=build bash examples/regression.sh   (exit 0 when every firmware == host build)
#
# Steps, as a user types them:
#   mlq split data/diabetes.csv --train train.csv --test test.csv --test-size 0.3 --seed 1
#   mlq train linear --task regress --data train.csv --out ridge.json     (ridge, alpha 1)
#   mlq compare ridge.json test.csv        (MAE, RMSE, R^2 of host and device; |host - device|)
#   mlq export ridge.json --name ridge --out ridge.h
# and in the firmware: int32_t y; ridge_predict(x, &y) (y / 2^ridge_Y_FRAC is
# the target), or float v; ridge_value(x, &v). The firmware here prints
# NAME_predict's integer, which must equal `mlq predict --device --fixed`.
set -eu
. "$(dirname "$0")/../tests/pipeline.sh"
D=$WORK/regression
mkdir -p "$D"
"$MLQ" split "$ROOT/data/diabetes.csv" --train "$D/train.csv" --test "$D/test.csv" --test-size 0.3 --seed 1 \
    --quiet
"$RUN" rows csv "$D/test.csv" --target target --out "$D/test.rows"
status=0
echo "diabetes: $(($(wc -l <"$D/train.csv") - 1)) training rows, $(($(wc -l <"$D/test.csv") - 1)) test rows," \
    "target 'target' (disease progression, 25..346)"
for spec in "ridge:linear --alpha 1" "svr:svm --kernel rbf --C 1 --gamma scale --epsilon 0.1"; do
    name=${spec%%:*} algo=${spec#*:}
    # shellcheck disable=SC2086
    "$MLQ" train $algo --task regress --data "$D/train.csv" --out "$D/$name.json" --quiet
    "$MLQ" export "$D/$name.json" --name "$name" --out "$D/$name.h" --quiet
    "$MLQ" predict "$D/$name.json" "$D/test.csv" --device --fixed >"$D/$name.device.txt"
    echo "$name: mlq train $algo --task regress"
    "$MLQ" compare "$D/$name.json" "$D/test.csv" | sed -n 's/^\(host\|device\) /  &/p; s/^|host - device|/  &/p'
    for b in m0 uno; do
        "$RUN" predict --board "$b" --header "$D/$name.h" --name "$name" --input "$D/test.rows" >"$D/$name.$b.txt"
        if ! cmp -s "$D/$name.$b.txt" "$D/$name.device.txt"; then
            echo "  FAIL: the $b firmware differs from mlq predict --device --fixed"
            status=1
        fi
        line=$("$RUN" bench --board "$b" --header "$D/$name.h" --name "$name" --input "$D/test.rows")
        field() { printf '%s\n' "$line" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
        if [ "$b" = m0 ]; then
            echo "  Cortex-M0: $(field insn_per_inference) instructions per inference, flash $(field flash_bytes)" \
                "bytes, stack $(field stack_bytes) bytes; the firmware's $(wc -l <"$D/$name.$b.txt") predictions" \
                "== the device code's"
        else
            echo "  Arduino Uno: $(field cycles_per_inference) cycles per inference" \
                "($(awk -v c="$(field cycles_per_inference)" 'BEGIN { printf "%.2f", c / 16000 }') ms at 16 MHz)," \
                "flash $(field flash_bytes) bytes, stack $(field stack_bytes) bytes; predictions == the device code's"
        fi
    done
done
exit "$status"
