#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# gmm_anomaly.sh -- anomaly detection on the Space Shuttle's radiator sensors
# (data/shuttle.csv, Statlog Shuttle: 9 integer readings, label 0 = the
# normal state, 1..6 abnormal states): a Gaussian mixture trained on normal
# rows only flags the abnormal ones as rows of low log-likelihood.
#
#   BUILD=build bash examples/gmm_anomaly.sh     (exit 0 when QEMU == host build)
#
# Split 70/30 stratified (seed 1); train `mlq train gmm --components 4
# --covariance full --reg-covar 1e-4 --anomaly-percentile 1` on the training
# part (with a label column, the anomaly trainer uses only the rows of class
# 0; the threshold flags the 1% least likely of them); then report detection
# (abnormal rows flagged) and false alarms (normal rows flagged) on the test
# part for the float model (host), the fixed-point device code on the host,
# and the firmware in QEMU on Cortex-M0 and Cortex-M4F, which must equal the
# device code row for row. The readings are integers, so the firmware also
# runs the raw int16 entry (NAME_predict_i16: no float at all), which must
# give the same answers on both boards as the same code built for the host.
# Instructions per inference are executed instructions (QEMU), not cycles.
set -eu
. "$(dirname "$0")/../tests/pipeline.sh"
OPTS=${GMM_ANOMALY_OPTS:---components 4 --covariance full --reg-covar 1e-4 --anomaly-percentile 1}
D=$WORK/shuttle
mkdir -p "$D"
"$MLQ" split "$ROOT/data/shuttle.csv" --train "$D/train.csv" --test "$D/test.csv" --seed 1 2>/dev/null
# shellcheck disable=SC2086
"$MLQ" train gmm --data "$D/train.csv" --out "$D/gmm.json" --seed 1 --quiet $OPTS
"$MLQ" export "$D/gmm.json" --name shuttle_gmm --out "$D/shuttle_gmm.h" 2>/dev/null
"$RUN" rows csv "$D/test.csv" --out "$D/test.rows"
"$RUN" rows csv "$D/test.csv" --i16 --out "$D/test.i16"
"$MLQ" predict "$D/gmm.json" "$D/test.csv" >"$D/host.txt"
"$MLQ" predict "$D/gmm.json" "$D/test.csv" --device >"$D/device.txt"
tail -n +2 "$D/test.csv" | awk -F, '{ print $NF }' >"$D/labels.txt"

# rates FILE: "detection X% (a of b), false alarms Y% (c of d)" against the labels.
rates() {
    paste -d' ' "$D/labels.txt" "$1" | awk '{ if ($1 != 0) { p++; tp += $2 == 1 } else { n++; fp += $2 == 1 } }
        END { printf "detection %6.2f%% (%d of %d abnormal), false alarms %5.2f%% (%d of %d normal)", 100 * tp / p, tp, p, 100 * fp / n, fp, n }'
}

status=0
same() { # same WHAT A B: fail unless the two answer files are identical
    cmp -s "$2" "$3" || { echo "  FAIL: $1 differs from $3"; status=1; }
}
echo "shuttle anomaly detection: mlq train gmm $OPTS (normal rows of the training part)"
printf '  %-28s %s\n' "host (float)" "$(rates "$D/host.txt")"
printf '  %-28s %s\n' "device code (host)" "$(rates "$D/device.txt")"
for b in m0 m4; do
    "$RUN" predict --board "$b" --header "$D/shuttle_gmm.h" --name shuttle_gmm --input "$D/test.rows" >"$D/$b.txt"
    printf '  %-28s %s\n' "firmware Cortex-$b" "$(rates "$D/$b.txt")"
    same "Cortex-$b" "$D/$b.txt" "$D/device.txt"
done
"$RUN" predict --board host --header "$D/shuttle_gmm.h" --name shuttle_gmm --input "$D/test.i16" >"$D/i16.host.txt"
printf '  %-28s %s\n' "int16 entry (host build)" "$(rates "$D/i16.host.txt")"
for b in m0 m4; do
    "$RUN" predict --board "$b" --header "$D/shuttle_gmm.h" --name shuttle_gmm --input "$D/test.i16" >"$D/i16.$b.txt"
    printf '  %-28s %s\n' "int16 entry Cortex-$b" "$(rates "$D/i16.$b.txt")"
    same "int16 entry on Cortex-$b" "$D/i16.$b.txt" "$D/i16.host.txt"
done
echo "  int16 entry == float entry on $(paste -d' ' "$D/i16.host.txt" "$D/device.txt" | awk '$1 == $2' | wc -l) of $(wc -l <"$D/device.txt") rows"
"$MLQ" compare "$D/gmm.json" "$D/test.csv" | grep -E '^(agreement|scores|quantized)'
for b in m0 m4; do
    line=$("$RUN" bench --board "$b" --header "$D/shuttle_gmm.h" --name shuttle_gmm --input "$D/test.rows")
    i16=$("$RUN" bench --board "$b" --header "$D/shuttle_gmm.h" --name shuttle_gmm --input "$D/test.i16")
    field() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
    echo "  Cortex-$b: $(field "$line" insn_per_inference) instructions per inference from floats," \
        "$(field "$i16" insn_per_inference) from int16; flash $(field "$line" flash_bytes) bytes," \
        "RAM $(field "$line" ram_bytes) bytes + stack $(field "$line" stack_bytes) bytes"
done
exit "$status"
