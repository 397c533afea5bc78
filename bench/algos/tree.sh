# SPDX-License-Identifier: MIT
# Decision trees (depth <= 10) in make bench: targets of issue 3 per dataset.
# Cortex-M4F: the float entry <= 1.5x the best generated if-else code with
# float inputs and <= 0.5x the array-based library form, the q15 entry
# <= 1.5x the if-else code with int16 inputs (and <= 0.5x the array form);
# Cortex-M0: both entries <= 0.5x the array-based form. Instructions.
bench_target_tree() { # DATASET BOARD K D
    local ifel_f ifel_i arr_m4 arr_m0
    case $1 in
        iris) ifel_f=41 ifel_i=38 arr_m4=279 arr_m0=1031 ;;
        wine) ifel_f=43 ifel_i=39 arr_m4=283 arr_m0=1037 ;;
        breast_cancer) ifel_f=43 ifel_i=36 arr_m4=282 arr_m0=945 ;;
        digits) ifel_f=198 ifel_i=186 arr_m4=458 arr_m0=1899 ;;
        *) echo "-"; return ;;
    esac
    bench_tree_targets "$2" "$ifel_f" "$ifel_i" "$arr_m4" "$arr_m0"
}

# bench_tree_targets BOARD IFELSE_FLOAT IFELSE_INT16 ARRAY_M4 ARRAY_M0 (shared with forest.sh)
bench_tree_targets() {
    local f q a
    if [ "$1" = m4 ]; then
        a=$(($4 / 2))
        f=$(($2 * 3 / 2)); [ "$f" -gt "$a" ] && f=$a
        q=$(($3 * 3 / 2)); [ "$q" -gt "$a" ] && q=$a
        echo "<= $f; q15 <= $q"
    elif [ "$1" = m0 ]; then
        echo "<= $(($5 / 2)); q15 <= $(($5 / 2))"
    else
        echo "-"
    fi
}

# Training draws random numbers (feature order): bench reports the mean over seeds.
bench_seeded_tree() { :; }
