# SPDX-License-Identifier: MIT
# Gaussian mixtures in make bench: the Cortex-M4F targets of the float entry,
# half of a reference float implementation on the same emulated board
# (instructions; and flash for the full-covariance mixture, 1 KB = 1024 bytes).
#   gmm:    per class, 2 components, full covariance (reference: a float GMM library)
#   gmm_nb: per class, 1 component, diagonal = Gaussian naive Bayes (reference: float GNB)
bench_target_gmm() { # DATASET BOARD K D
    [ "$2" = m4 ] || { echo "-"; return; }
    case $1 in
        iris) echo "<= 1864, flash <= 2150" ;;
        wine) echo "<= 5823, flash <= 4147" ;;
        breast_cancer) echo "<= 16002, flash <= 9472" ;;
        digits) echo "<= 338915, flash <= 172544" ;;
        *) echo "-" ;;
    esac
}
bench_target_gmm_nb() { # DATASET BOARD K D
    [ "$2" = m4 ] || { echo "-"; return; }
    case $1 in
        iris) echo "<= 721" ;;
        wine) echo "<= 1924" ;;
        breast_cancer) echo "<= 2793" ;;
        digits) echo "<= 29008" ;;
        *) echo "-" ;;
    esac
}
