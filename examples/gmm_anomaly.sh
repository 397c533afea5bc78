#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# gmm_anomaly.sh -- anomaly detection on heartbeats (data/ecg_pvc.csv, MIT-BIH):
# a Gaussian mixture trained on normal beats only flags premature ventricular
# contractions (PVC) as beats of low log-likelihood.
#
#   BUILD=build bash examples/gmm_anomaly.sh     (exit 0 when QEMU == host build)
#
# Split 70/30 stratified (seed 1); train `mlq train gmm --components 8
# --covariance full --anomaly-percentile 2` on the training part (with a label
# column, the anomaly trainer uses only the rows of class 0, the normal beats;
# the threshold flags the 2% least likely of them); then report detection
# (PVC flagged) and false alarms (normal beats flagged) on the test part for
# the float model (host), the fixed-point device code on the host, and the
# firmware in QEMU on Cortex-M0 and Cortex-M4F, which must equal the device
# code row for row. Instructions per inference on the M4F are executed
# instructions (QEMU), not cycles.
set -eu
. "$(dirname "$0")/../tests/pipeline.sh"
OPTS=${GMM_ANOMALY_OPTS:---components 8 --covariance full --anomaly-percentile 2}
D=$WORK/ecg_pvc
mkdir -p "$D"
"$MLQ" split "$ROOT/data/ecg_pvc.csv" --train "$D/train.csv" --test "$D/test.csv" --seed 1 2>/dev/null
# shellcheck disable=SC2086
"$MLQ" train gmm --data "$D/train.csv" --out "$D/gmm.json" --seed 1 --quiet $OPTS
"$MLQ" export "$D/gmm.json" --name ecg_gmm --out "$D/ecg_gmm.h" 2>/dev/null
"$RUN" rows csv "$D/test.csv" --out "$D/test.rows"
"$MLQ" predict "$D/gmm.json" "$D/test.csv" >"$D/host.txt"
"$MLQ" predict "$D/gmm.json" "$D/test.csv" --device >"$D/device.txt"
tail -n +2 "$D/test.csv" | awk -F, '{ print $NF }' >"$D/labels.txt"

# rates FILE: "detection X% (a of b), false alarms Y% (c of d)" against the labels.
rates() {
    paste -d' ' "$D/labels.txt" "$1" | awk '{ if ($1 != 0) { p++; tp += $2 == 1 } else { n++; fp += $2 == 1 } }
        END { printf "detection %6.2f%% (%d of %d PVC), false alarms %5.2f%% (%d of %d normal)", 100 * tp / p, tp, p, 100 * fp / n, fp, n }'
}

status=0
echo "ecg_pvc anomaly detection: mlq train gmm $OPTS (normal beats of the training part)"
printf '  %-22s %s\n' "host (float)" "$(rates "$D/host.txt")"
printf '  %-22s %s\n' "device code (host)" "$(rates "$D/device.txt")"
for b in m0 m4; do
    "$RUN" predict --board "$b" --header "$D/ecg_gmm.h" --name ecg_gmm --input "$D/test.rows" >"$D/$b.txt"
    printf '  %-22s %s\n' "firmware Cortex-$b" "$(rates "$D/$b.txt")"
    if ! cmp -s "$D/$b.txt" "$D/device.txt"; then
        echo "  FAIL: Cortex-$b differs from mlq predict --device"
        status=1
    fi
done
"$MLQ" compare "$D/gmm.json" "$D/test.csv" | grep -E '^(agreement|scores|quantized)'
line=$("$RUN" bench --board m4 --header "$D/ecg_gmm.h" --name ecg_gmm --input "$D/test.rows")
echo "  Cortex-M4F: $(printf '%s\n' "$line" | tr ' ' '\n' | grep -E '^(insn_per_inference|flash_bytes|stack_bytes)=' | tr '\n' ' ')"
exit "$status"
