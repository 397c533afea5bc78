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
