# SPDX-License-Identifier: MIT
# SVMs in make bench: the Cortex-M4F targets of the float entry (issue 5),
# from reference figures on the same emulated board, RBF kernel, C = 1,
# gamma = scale (1 KB = 1024 bytes):
#   svm, svm_poly: <= 1.0x the instructions of generated float code that
#     computes each kernel value once and shares it across pairs, and
#     <= 0.5x the flash of a float32 DSP library's binary SVM made
#     multi-class with one instance per class pair;
#   svm_linear: <= 0.5x the instructions of that library with the linear
#     kernel folded into weight vectors.
# Cortex-M0 rows have no target (fixed point against soft float).
bench_target_svm() { # DATASET BOARD K D
    [ "$2" = m4 ] || { echo "-"; return; }
    case $1 in
        iris) echo "<= 3590, flash <= 1382" ;;
        wine) echo "<= 7102, flash <= 3942" ;;
        breast_cancer) echo "<= 17616, flash <= 6553" ;;
        digits) echo "<= 161467, flash <= 797184" ;;
        *) echo "-" ;;
    esac
}
bench_target_svm_poly() { bench_target_svm "$@"; }
bench_target_svm_linear() { # DATASET BOARD K D
    [ "$2" = m4 ] || { echo "-"; return; }
    case $1 in
        iris) echo "<= 104" ;;
        wine) echo "<= 172" ;;
        breast_cancer) echo "<= 95" ;;
        digits) echo "<= 8201" ;;
        *) echo "-" ;;
    esac
}

# bench_ref_svm DATASET BOARD MLQ_INSN MLQ_FLASH: one row of the float
# reference firmware (bench/svm_float_header.py) of the model just trained.
bench_ref_svm() {
    local name=${P_NAME}_f32 hdr line ref agree
    hdr=$P_DIR/$name.h
    "$PY" "$ROOT/bench/svm_float_header.py" "$P_MODEL" "$name" >"$hdr" || return 1
    line=$("$RUN" bench --board "$2" --header "$hdr" --name "$name" --input "$P_ROWS") || return 1
    ref=$(field insn_per_inference "$line")
    "$RUN" predict --board host --header "$hdr" --name "$name" --input "$P_ROWS" >"$P_DIR/$name.txt"
    "$MLQ" predict "$P_MODEL" "$P_TEST" >"$P_DIR/$name.host.txt"
    agree=$(paste -d ' ' "$P_DIR/$name.txt" "$P_DIR/$name.host.txt" | awk '$1 == $2 { a++ } END { printf "%.2f%%", 100 * a / NR }')
    printf '| %s | %s | Cortex-%s | %s | %s | %s | %s | %s | %s |' "$algo" "$1" "$2" "$ref" "$3" \
        "$(awk -v r="$ref" -v m="$3" 'BEGIN { printf "%.1fx", r / m }')" "$(field flash_bytes "$line")" "$4" "$agree"
}
bench_ref_svm_poly() { bench_ref_svm "$@"; }
bench_ref_svm_linear() { bench_ref_svm "$@"; }
