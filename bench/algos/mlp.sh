# SPDX-License-Identifier: MIT
# MLPs in make bench: the Cortex-M4F targets of the float entry for a D-32-K
# network (issue 6), from an int8 dense-layer kernel library with the DSP
# extension on the same emulated board (instructions, float input vector to
# class, input quantization included) and its plain-C build's flash
# (1 KB = 1024 bytes): instructions <= 1.0x, flash <= 1.0x.
#   mlp:      16-bit activations (the default)
#   mlp_int8: 8-bit activations, the reference library's own width
# mlp_tanh (two tanh layers) has no reference figure.
bench_target_mlp() { # DATASET BOARD K D
    [ "$2" = m4 ] || { echo "-"; return; }
    case $1 in
        iris) echo "<= 2528, flash <= 2764" ;;
        wine) echo "<= 3427, flash <= 3072" ;;
        breast_cancer) echo "<= 4642, flash <= 3481" ;;
        digits) echo "<= 8162, flash <= 5017" ;;
        *) echo "-" ;;
    esac
}
bench_target_mlp_int8() { bench_target_mlp "$@"; }
