#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bigendian.sh -- the Cortex-M4F code paths on a big-endian core. The DSP
# paths (packed input quantization, the MLP's 16-bit input loop, the SVM's
# short rows, the SMLALD dot products) read and write halfwords in pairs;
# their order within a word depends on the byte order. tests/be_main.c, a
# Linux user-mode program without libc, runs exported models on their test
# rows; it is built for -mcpu=cortex-m4 -mfloat-abi=hard in little- and
# big-endian order and run under qemu-arm and qemu-armeb, and both must print
# what `mlq predict --device --ids --scores [--proba]` prints.
#
#   MLQ=build/mlq bash tests/bigendian.sh
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MLQ=${MLQ:-$ROOT/build/mlq}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
CFLAGS="-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -std=c99 -O2 -ffreestanding
 -ffp-contract=off -nostdlib -static -Wall -Wextra -Werror -I$ROOT/include"

"$MLQ" split "$ROOT/data/iris.csv" --train "$T/iris_tr.csv" --test "$T/iris_te.csv" --seed 1 2>/dev/null
"$MLQ" split "$ROOT/data/wine.csv" --train "$T/wine_tr.csv" --test "$T/wine_te.csv" --seed 1 2>/dev/null
# Three features: the SVM's short-row path.
for p in tr te; do cut -d, -f1,2,3,5 "$T/iris_$p.csv" >"$T/iris3_$p.csv"; done

# check NAME DATA ALGO OPTIONS...: train, export, build both byte orders, compare.
check() {
    local name=$1 ds=$2 algo=$3 out="--scores" proba=""
    shift 3
    # shellcheck disable=SC2068
    if ! "$MLQ" train "$algo" --data "$T/${ds}_tr.csv" --out "$T/$name.json" --seed 1 --quiet $@ ||
        ! "$MLQ" export "$T/$name.json" --name "$name" --out "$T/$name.h" 2>/dev/null; then
        fail=$((fail + 1))
        echo "FAIL $name: train or export"
        return
    fi
    if grep -q "_proba_q15(" "$T/$name.h"; then out="$out --proba"; proba=-DMODEL_PROBA; fi
    # shellcheck disable=SC2086
    "$MLQ" predict "$T/$name.json" "$T/${ds}_te.csv" --device --ids $out >"$T/$name.want"
    tail -n +2 "$T/${ds}_te.csv" | awk -F, 'BEGIN { print "static const float rows[][" ENVIRON["D"] "] = {" }
        { printf "    {"; for (i = 1; i < NF; i++) printf "%s%sf", (i > 1 ? ", " : ""), ($i ~ /[.eE]/ ? $i : $i ".0"); print "}," }
        END { print "};" }' >"$T/$name.rows.h"
    for order in little big; do
        # shellcheck disable=SC2086,SC2046
        if ! arm-none-eabi-gcc $CFLAGS -m$order-endian $( [ $order = big ] && echo -Wl,--be8 ) \
                -DMODEL="$name" -DMODEL_HEADER="\"$T/$name.h\"" -DMODEL_ROWS="\"$T/$name.rows.h\"" $proba \
                "$ROOT/tests/be_main.c" "$ROOT"/src/*.c -o "$T/$name.$order" 2>"$T/$name.$order.err"; then
            fail=$((fail + 1))
            echo "FAIL $name $order-endian: build ($(head -c 300 "$T/$name.$order.err"))"
            continue
        fi
        emu=qemu-arm
        [ $order = big ] && emu=qemu-armeb
        timeout 60 "$emu" "$T/$name.$order" >"$T/$name.$order.out" 2>&1
        if cmp -s "$T/$name.$order.out" "$T/$name.want"; then
            pass=$((pass + 1))
            echo "ok   $name $order-endian ($(wc -l <"$T/$name.want") rows)"
        else
            fail=$((fail + 1))
            echo "FAIL $name $order-endian: $(diff "$T/$name.$order.out" "$T/$name.want" | grep -c '^<') rows differ"
        fi
    done
}

export D=4
check iris_km iris kmeans --k 3
check iris_gmm iris gmm --per-class --components 2 --covariance full --reg-covar 1e-2
check iris_rbf iris svm --kernel rbf
check iris_poly iris svm --kernel poly --degree 3
check iris_lin iris svm --kernel linear
check iris_mlp iris mlp --hidden 8 --epochs 30
check iris_mlp8 iris mlp --hidden 8 --epochs 30 --bits 8
check iris_forest iris forest --trees 5
export D=3
check iris3_rbf iris3 svm --kernel rbf
check iris3_poly iris3 svm --kernel poly
export D=13
check wine_mlp wine mlp --hidden 16 --epochs 30
check wine_tanh wine mlp --hidden 16 --activation tanh --optimizer sgd --lr 0.01 --epochs 30
check wine_gmm wine gmm --per-class --components 1 --covariance diag --reg-covar 1e-9

echo "bigendian: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
