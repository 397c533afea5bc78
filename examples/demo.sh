#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# demo.sh -- `make demo`: for each bundled dataset, train k-means on the
# training part, export a header, build Cortex-M4F firmware with it, run the
# firmware in QEMU (MPS2-AN386) on the test rows, and print host float vs
# device results, flash, RAM, stack and instructions per inference.
set -eu
. "$(dirname "$0")/../tests/pipeline.sh"
ALGOS=${ALGOS:-$PIPELINE_ALGOS}

printf '%-12s %-14s %5s %10s %10s %10s %7s %5s %6s %14s\n' model dataset rows "host" "device" agreement flash RAM stack "instr/predict"
printf '%-12s %-14s %5s %10s %10s %10s %7s %5s %6s %14s\n' "" "" "" "(float)" "(QEMU)" "" bytes bytes bytes "(M4F, float in)"
for algo in $ALGOS; do
    # Regression variants: examples/regression.sh, which make demo runs next.
    case $algo in *_reg) continue ;; esac
    for ds in $PIPELINE_DATASETS; do
        pipeline_prepare "$ds" "$algo"
        # Predictions of the firmware itself, and of the float model on the host.
        "$RUN" predict --board m4 --header "$P_HEADER" --name "$P_NAME" --input "$P_ROWS" >"$P_DIR/demo.qemu.txt"
        "$MLQ" predict "$P_MODEL" "$P_TEST" >"$P_DIR/demo.host.txt"
        "$MLQ" predict "$P_MODEL" "$P_TEST" --device >"$P_DIR/demo.device.txt"
        cmp -s "$P_DIR/demo.qemu.txt" "$P_DIR/demo.device.txt" ||
            echo "warning: $P_NAME: QEMU output differs from mlq predict --device" >&2
        rows=$(wc -l <"$P_DIR/demo.host.txt")
        same=$(paste -d' ' "$P_DIR/demo.host.txt" "$P_DIR/demo.qemu.txt" | awk '$1 == $2' | wc -l)
        json=$("$MLQ" compare "$P_MODEL" "$P_TEST" --json)
        # The model's own metric: purity (clustering), accuracy (classifiers), detection.
        metric=accuracy
        for m in purity accuracy detection; do
            case $json in *"\"host_$m\""*) metric=$m; break ;; esac
        done
        host=$(printf '%s' "$json" | sed -n "s/.*\"host_$metric\": \([0-9.]*\).*/\1/p")
        dev=$(printf '%s' "$json" | sed -n "s/.*\"device_$metric\": \([0-9.]*\).*/\1/p")
        b=$("$RUN" bench --board m4 --header "$P_HEADER" --name "$P_NAME" --input "$P_ROWS")
        get() { printf '%s\n' "$b" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
        awk -v a="$algo" -v d="$ds" -v r="$rows" -v h="$host" -v v="$dev" -v s="$same" \
            -v f="$(get flash_bytes)" -v m="$(get ram_bytes)" -v st="$(get stack_bytes)" \
            -v i="$(get insn_per_inference)" -v met="$metric" 'BEGIN {
                printf "%-12s %-14s %5d %9.2f%% %9.2f%% %9.2f%% %7d %5d %6d %14.1f\n",
                       a, d, r, 100 * h, 100 * v, 100 * s / r, f, m, st, i }'
    done
done
echo
echo "host/device: purity of the clusters against the labels (k-means), accuracy (classifiers,"
echo "e.g. gmm per class) on the 30% test rows."
echo "agreement: rows where the firmware in QEMU predicts what the float model predicts."
echo "instr/predict: executed instructions per NAME_predict(const float *x) call, not cycles."
echo "Headers, models and firmware are in build/pipeline/ and build/firmware/."
