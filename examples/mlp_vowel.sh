#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# mlp_vowel.sh -- speaker-independent vowel recognition (data/vowel.csv,
# Deterding's vowels: 9 log-area-ratio features, 11 vowels, 15 speakers): a
# 9-64-11 MLP trained on the host and run on a Cortex-M0 with 16 KiB of RAM
# (the micro:bit, in QEMU).
#
#   BUILD=build bash examples/mlp_vowel.sh     (exit 0 when QEMU == host build)
#
# Rows of one speaker are alike, so the split is by speaker
# (data/vowel.groups.txt), as the data's original benchmark splits it:
# `mlq split --groups` puts 8 speakers in the training part (528 rows) and
# the other 7 in the test part (462 rows), none of whose utterances is
# trained on (which 7: seed 1's draw). Then `mlq train mlp
# --hidden 64` (ReLU, Adam, 16-bit device activations) on the training
# part; report accuracy for the float model (host), the fixed-point device
# code on the host, and the firmware in QEMU on Cortex-M0 and Cortex-M4F,
# which must equal the device code row for row; then the M0's instructions
# per inference (executed instructions, QEMU, not cycles), flash, RAM and
# stack: everything the model needs at run time is the stack (the const
# model is in flash).
set -eu
. "$(dirname "$0")/../tests/pipeline.sh"
OPTS=${MLP_VOWEL_OPTS:---hidden 64 --activation relu --epochs 200 --lr 0.001 --batch 32}
D=$WORK/vowel
mkdir -p "$D"
"$MLQ" split "$ROOT/data/vowel.csv" --groups "$ROOT/data/vowel.groups.txt" --test-size 0.4667 --seed 1 \
    --train "$D/train.csv" --test "$D/test.csv" --quiet
# shellcheck disable=SC2086
"$MLQ" train mlp --data "$D/train.csv" --out "$D/mlp.json" --seed 1 --quiet $OPTS
"$MLQ" export "$D/mlp.json" --name vowel_mlp --out "$D/vowel_mlp.h" 2>"$D/export.txt"
"$RUN" rows csv "$D/test.csv" --out "$D/test.rows"
"$MLQ" predict "$D/mlp.json" "$D/test.csv" >"$D/host.txt"
"$MLQ" predict "$D/mlp.json" "$D/test.csv" --device >"$D/device.txt"
tail -n +2 "$D/test.csv" | awk -F, '{ print $NF }' >"$D/labels.txt"

# accuracy FILE: share of rows whose predicted class id is the label.
accuracy() {
    paste -d' ' "$D/labels.txt" "$1" |
        awk '{ hit += $1 == $2; rows++ } END { printf "%6.2f%% (%d of %d utterances)", 100 * hit / rows, hit, rows }'
}

status=0
echo "vowel: mlq train mlp $OPTS ($(($(wc -l <"$D/train.csv") - 1)) training rows of 8 speakers," \
    "$(($(wc -l <"$D/test.csv") - 1)) test rows of 7 other speakers)"
sed -n 's/^mlq: note: /  /p' "$D/export.txt"
printf '  %-22s %s\n' "host (float)" "$(accuracy "$D/host.txt")"
printf '  %-22s %s\n' "device code (host)" "$(accuracy "$D/device.txt")"
for b in m0 m4; do
    "$RUN" predict --board "$b" --header "$D/vowel_mlp.h" --name vowel_mlp --input "$D/test.rows" >"$D/$b.txt"
    printf '  %-22s %s\n' "firmware Cortex-$b" "$(accuracy "$D/$b.txt")"
    if ! cmp -s "$D/$b.txt" "$D/device.txt"; then
        echo "  FAIL: Cortex-$b differs from mlq predict --device"
        status=1
    fi
done
"$MLQ" compare "$D/mlp.json" "$D/test.csv" | grep -E '^(agreement|scores|quantized)'
line=$("$RUN" bench --board m0 --header "$D/vowel_mlp.h" --name vowel_mlp --input "$D/test.rows")
field() { printf '%s\n' "$line" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
echo "  Cortex-M0 (micro:bit, 16 KiB RAM): $(field insn_per_inference) instructions per inference," \
    "flash $(field flash_bytes) bytes, RAM $(field ram_bytes) bytes + stack $(field stack_bytes) bytes" \
    "(scratch $(sed -n 's/^\/\* Scratch of one call.*(\([0-9]*\) bytes here).*/\1/p' "$D/vowel_mlp.h") bytes of it)"
[ "$(field stack_overflow)" = 0 ] || { echo "  FAIL: stack overflow"; status=1; }
exit "$status"
