#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# dsp.sh -- the Cortex-M helpers of src/dsp.h tested directly on emulated
# cores: tests/dsp_main.c, linked with the device sources and the firmware
# runner's startup code, runs in qemu-system-arm on Cortex-M0 (micro:bit)
# and M3 (the portable paths), M4F and M7 (the DSP paths against their
# portable twins, every alignment and tail length). Compiler, warning and
# CPU flags are the Makefile's (WARN, DEVFLAGS, ARM_OPT, CPU_<core>).
#
#   bash tests/dsp.sh            BUILD (default build) holds the ELF files
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
ARM_CC=${ARM_CC:-arm-none-eabi-gcc}
QEMU=${QEMU:-qemu-system-arm}
FW=$ROOT/examples/firmware
OUT=$BUILD/dsp
mkdir -p "$OUT"

# make_var NAME: the value of a Makefile variable, so that no flag is copied here.
make_var() {
    make --no-print-directory -s -C "$ROOT" -f Makefile --eval='dsp-print-%: ; @echo $($*)' "dsp-print-$1"
}
WARN=$(make_var WARN)
DEVFLAGS=$(make_var DEVFLAGS)
ARM_OPT=$(make_var ARM_OPT)

pass=0
fail=0
# core MACHINE LDSCRIPT
for spec in "m0 microbit microbit.ld" "m3 mps2-an385 mps2.ld" "m4 mps2-an386 mps2.ld" \
            "m7 mps2-an500 mps2.ld"; do
    # shellcheck disable=SC2086
    set -- $spec
    core=$1 machine=$2 ld=$3 elf=$OUT/dsp-$1.elf
    cpu=$(make_var "CPU_$core")
    # shellcheck disable=SC2086
    if ! "$ARM_CC" $cpu $WARN $DEVFLAGS $ARM_OPT -g -ffunction-sections -fdata-sections \
            -DMLQ_SYSTICK_HZ=25000000 -I"$ROOT/include" -I"$ROOT/src" -I"$FW" \
            --specs=nano.specs --specs=rdimon.specs -nostartfiles -Wl,--gc-sections \
            -L"$FW/ld" -T"$FW/ld/$ld" "$FW/startup.c" "$ROOT/tests/dsp_main.c" "$ROOT"/src/*.c \
            -o "$elf" 2>"$elf.err"; then
        fail=$((fail + 1))
        echo "FAIL $core: build"
        head -n 20 "$elf.err"
        continue
    fi
    out=$(timeout -k 5 120 "$QEMU" -M "$machine" -nographic -monitor none -serial none \
        -semihosting-config enable=on,target=native -kernel "$elf" </dev/null 2>&1)
    status=$?
    if [ "$status" = 0 ]; then
        pass=$((pass + 1))
        echo "ok   $core: ${out##*$'\n'}"
    else
        fail=$((fail + 1))
        echo "FAIL $core (exit $status):"
        printf '%s\n' "$out"
    fi
done
echo "dsp: $pass cores passed, $fail failed"
[ "$fail" -eq 0 ]
