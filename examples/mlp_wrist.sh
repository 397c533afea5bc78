#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# mlp_wrist.sh -- exercise recognition from a wrist-worn accelerometer
# (data/wrist_exercise.csv: squats, jumping jacks, lunges, other; 16
# features per 1 s window): a 16-32-4 MLP trained on the host and run on a
# Cortex-M0 with 16 KiB of RAM (the micro:bit, in QEMU).
#
#   BUILD=build bash examples/mlp_wrist.sh     (exit 0 when QEMU == host build)
#
# Windows of one recording overlap, so the split is by recording
# (data/wrist_exercise.groups.txt): every third recording, in file order,
# goes to the test part (about 30% of the rows), none of its windows is
# trained on. Then `mlq train mlp --hidden 32` (ReLU, Adam, 16-bit device
# activations) on the rest; report accuracy for the float model (host), the
# fixed-point device code on the host, and the firmware in QEMU on
# Cortex-M0 and Cortex-M4F, which must equal the device code row for row;
# then the M0's instructions per inference (executed instructions, QEMU,
# not cycles), flash, RAM and stack: everything the model needs at run time
# is the stack (the const model is in flash).
set -eu
. "$(dirname "$0")/../tests/pipeline.sh"
OPTS=${MLP_WRIST_OPTS:---hidden 32 --activation relu --epochs 200 --lr 0.001 --batch 32}
D=$WORK/wrist_exercise
mkdir -p "$D"
awk -F, 'NR == FNR { g[FNR] = $0; next }
         FNR == 1 { print > tr; print > te; next }
         { r = g[FNR - 1]; if (!(r in id)) id[r] = n++; print > (id[r] % 3 == 2 ? te : tr) }' \
    tr="$D/train.csv" te="$D/test.csv" "$ROOT/data/wrist_exercise.groups.txt" "$ROOT/data/wrist_exercise.csv"
# shellcheck disable=SC2086
"$MLQ" train mlp --data "$D/train.csv" --out "$D/mlp.json" --seed 1 --quiet $OPTS
"$MLQ" export "$D/mlp.json" --name wrist_mlp --out "$D/wrist_mlp.h" 2>"$D/export.txt"
"$RUN" rows csv "$D/test.csv" --out "$D/test.rows"
"$MLQ" predict "$D/mlp.json" "$D/test.csv" >"$D/host.txt"
"$MLQ" predict "$D/mlp.json" "$D/test.csv" --device >"$D/device.txt"
tail -n +2 "$D/test.csv" | awk -F, '{ print $NF }' >"$D/labels.txt"
names=$(awk '{ printf "%s%s", sep, $2; sep = " " }' "$ROOT/data/wrist_exercise.labels.txt")

# accuracy FILE: share of rows whose prediction (class name, or id from firmware) is the label.
accuracy() {
    awk -v names="$names" 'BEGIN { n = split(names, nm, " "); for (i = 1; i <= n; i++) id[nm[i]] = i - 1 }
        NR == FNR { y[FNR] = $1; next }
        { p = ($1 in id) ? id[$1] : $1; hit += p == y[FNR]; rows++ }
        END { printf "%6.2f%% (%d of %d windows)", 100 * hit / rows, hit, rows }' "$D/labels.txt" "$1"
}

status=0
echo "wrist_exercise: mlq train mlp $OPTS ($(($(wc -l <"$D/train.csv") - 1)) training windows, $(($(wc -l <"$D/test.csv") - 1)) test windows of other recordings)"
sed -n 's/^mlq: note: /  /p' "$D/export.txt"
printf '  %-22s %s\n' "host (float)" "$(accuracy "$D/host.txt")"
printf '  %-22s %s\n' "device code (host)" "$(accuracy "$D/device.txt")"
awk -v names="$names" 'BEGIN { n = split(names, nm, " "); for (i = 1; i <= n; i++) id[nm[i]] = i - 1 }
    { print ($1 in id) ? id[$1] : $1 }' "$D/device.txt" >"$D/device.ids"
for b in m0 m4; do
    "$RUN" predict --board "$b" --header "$D/wrist_mlp.h" --name wrist_mlp --input "$D/test.rows" >"$D/$b.txt"
    printf '  %-22s %s\n' "firmware Cortex-$b" "$(accuracy "$D/$b.txt")"
    if ! cmp -s "$D/$b.txt" "$D/device.ids"; then
        echo "  FAIL: Cortex-$b differs from mlq predict --device"
        status=1
    fi
done
"$MLQ" compare "$D/mlp.json" "$D/test.csv" | grep -E '^(agreement|scores|quantized)'
line=$("$RUN" bench --board m0 --header "$D/wrist_mlp.h" --name wrist_mlp --input "$D/test.rows")
field() { printf '%s\n' "$line" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
echo "  Cortex-M0 (micro:bit, 16 KiB RAM): $(field insn_per_inference) instructions per inference," \
    "flash $(field flash_bytes) bytes, RAM $(field ram_bytes) bytes + stack $(field stack_bytes) bytes" \
    "(scratch $(sed -n 's/^#define wrist_mlp_WORK_BYTES //p' "$D/wrist_mlp.h") bytes of it)"
[ "$(field stack_overflow)" = 0 ] || { echo "  FAIL: stack overflow"; status=1; }
exit "$status"
