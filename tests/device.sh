#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# device.sh -- the device code on emulated MCUs. For every bundled dataset and
# algorithm: train, export, build firmware for Cortex-M0 (micro:bit) and
# Cortex-M4F (MPS2-AN386), run it in QEMU, and require its predictions,
# scores and (where the model has them) probabilities to equal
# `mlq predict --device --scores [--proba]` row for row, bit for bit. Then,
# against the same firmware built for the host: random rows laced with NaN,
# infinities and huge values (float entries) and full-range int16 rows with
# INT16_MIN/MAX (Q15 entries). Cortex-M3 and M7 run the float rows of one
# dataset.
set -u
. "$(dirname "$0")/pipeline.sh"

ALGOS=${ALGOS:-$PIPELINE_ALGOS}
pass=0
fail=0

check() { # check NAME CMP_A CMP_B
    if cmp -s "$2" "$3"; then
        pass=$((pass + 1))
        echo "ok   $1 ($(wc -l <"$2") rows)"
    else
        fail=$((fail + 1))
        echo "FAIL $1: $(diff "$2" "$3" | grep -c '^<') rows differ ($2 vs $3)"
    fi
}

for algo in $ALGOS; do
    for ds in $PIPELINE_DATASETS; do
        if ! pipeline_prepare "$ds" "$algo"; then
            fail=$((fail + 1))
            echo "FAIL $ds $algo: pipeline"
            continue
        fi
        d=$P_DIR
        n_features=$(head -n 1 "$P_TEST" | tr , "\n" | grep -cvx label)
        # Every entry: the prediction, the scores, and the probabilities where the model has them.
        out="--scores"
        ! grep -q "_proba_q15(" "$P_HEADER" || out="$out --proba"
        # shellcheck disable=SC2086
        "$MLQ" predict "$P_MODEL" "$P_TEST" --device $out >"$d/$algo.cli.txt"
        boards="m0 m4"
        [ "$ds" = wine ] && boards="m0 m3 m4 m7"
        for b in $boards; do
            # shellcheck disable=SC2086
            "$RUN" predict --board "$b" --header "$P_HEADER" --name "$P_NAME" --input "$P_ROWS" $out \
                >"$d/$algo.$b.txt" 2>"$d/$algo.$b.err"
            check "$P_NAME test rows: Cortex-$b == mlq predict --device" "$d/$algo.cli.txt" "$d/$algo.$b.txt"
        done
        "$RUN" rows random --rows 400 --features "$n_features" --range 50 --special --seed 7 \
            --out "$d/special.rows"
        "$RUN" rows random --rows 400 --features "$n_features" --q15 --seed 8 --out "$d/q15.rows"
        for kind in special q15; do
            # shellcheck disable=SC2086
            "$RUN" predict --board host --header "$P_HEADER" --name "$P_NAME" \
                --input "$d/$kind.rows" $out >"$d/$algo.$kind.host.txt"
            for b in m0 m4; do
                # shellcheck disable=SC2086
                "$RUN" predict --board "$b" --header "$P_HEADER" --name "$P_NAME" \
                    --input "$d/$kind.rows" $out >"$d/$algo.$kind.$b.txt" 2>"$d/$algo.$kind.$b.err"
                check "$P_NAME $kind rows: Cortex-$b == host build" "$d/$algo.$kind.host.txt" "$d/$algo.$kind.$b.txt"
            done
        done
        # Raw int16 sensor values (NAME_predict_i16), for the integer-valued
        # datasets: the same on every target, and (an approximation of the
        # float path by at most one Q15 step per feature) nearly always the
        # same cluster as the float entry.
        if "$RUN" rows csv "$P_TEST" --i16 --out "$d/i16.rows" 2>/dev/null; then
            for b in host m0 m4; do
                # shellcheck disable=SC2086
                "$RUN" predict --board "$b" --header "$P_HEADER" --name "$P_NAME" \
                    --input "$d/i16.rows" $out >"$d/$algo.i16.$b.txt" 2>"$d/$algo.i16.$b.err"
            done
            check "$P_NAME int16 rows: Cortex-m0 == host build" "$d/$algo.i16.host.txt" "$d/$algo.i16.m0.txt"
            check "$P_NAME int16 rows: Cortex-m4 == host build" "$d/$algo.i16.host.txt" "$d/$algo.i16.m4.txt"
            same=$(paste -d' ' <(cut -d' ' -f1 "$d/$algo.i16.host.txt") <(cut -d' ' -f1 "$d/$algo.cli.txt") |
                awk '$1 == $2' | wc -l)
            if [ "$((same * 1000))" -ge "$(($(wc -l <"$d/$algo.cli.txt") * 995))" ]; then
                pass=$((pass + 1))
                echo "ok   $P_NAME int16 entry agrees with the float entry on $same rows"
            else
                fail=$((fail + 1))
                echo "FAIL $P_NAME int16 entry agrees with the float entry on only $same rows"
            fi
        fi
        # The special rows must really reach the error path (NaN) and the
        # saturating path: some rows are rejected, the rest classified.
        if grep -q -- '^-2$' "$d/$algo.special.host.txt" && grep -qv -- '^-' "$d/$algo.special.host.txt"; then
            pass=$((pass + 1))
        else
            fail=$((fail + 1))
            echo "FAIL $P_NAME special rows did not exercise both NaN rejection and saturation"
        fi
    done
done

echo "device: $pass passed, $fail failed"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
