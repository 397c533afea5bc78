# SPDX-License-Identifier: MIT
# Random forests (10 trees, depth <= 10) in make bench: targets of issue 3,
# as for trees (bench_tree_targets in tree.sh). Instructions.
bench_target_forest() { # DATASET BOARD K D
    local ifel_f ifel_i arr_m4 arr_m0
    case $1 in
        iris) ifel_f=184 ifel_i=124 arr_m4=671 arr_m0=2110 ;;
        wine) ifel_f=242 ifel_i=171 arr_m4=741 arr_m0=2420 ;;
        breast_cancer) ifel_f=289 ifel_i=214 arr_m4=842 arr_m0=2285 ;;
        digits) ifel_f=605 ifel_i=458 arr_m4=1361 arr_m0=4130 ;;
        *) echo "-"; return ;;
    esac
    bench_tree_targets "$2" "$ifel_f" "$ifel_i" "$arr_m4" "$arr_m0"
}

# Training draws random numbers (feature order, bootstrap samples): bench reports the mean over seeds.
bench_seeded_forest() { :; }
