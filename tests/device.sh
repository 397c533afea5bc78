#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# device.sh -- the device code on emulated MCUs. For every bundled dataset and
# algorithm: train, export, build firmware for Cortex-M0 (micro:bit),
# Cortex-M4F (MPS2-AN386), RISC-V rv32imac (QEMU virt) and AVR (ATmega328P,
# the Uno, when the firmware fits its flash and SRAM; else the ATmega2560,
# the Mega, in simavr), run it, and require its predictions, scores and
# (where the model has them) probabilities to equal
# `mlq predict --device --scores [--proba]` row for row, bit for bit. Then,
# against the same firmware built for the host: random rows laced with NaN,
# infinities and huge values (float entries), full-range int16 rows with
# INT16_MIN/MAX (Q15 entries) and, for the integer-valued datasets, raw int16
# rows. Cortex-M3 and M7 and the Mega run the test rows of one dataset
# (wine), rv32imafc (hard float: only the float entry differs from rv32imac)
# its test and special rows. A model whose constants an AVR cannot hold or
# address (the Mega's flash below 64 KiB, 32 KiB in one array, but for the
# far array of mlq/types.h) is skipped there, with the reason; one with a far
# array on the Mega runs the first AVR_FAR_ROWS (20) rows of each kind.
# Emulators run two at a time.
#
#   bash tests/device.sh                  ALGOS="kmeans tree" narrows it;
#   MLQ_JOBS=1 bash tests/device.sh       emulators one at a time (default 2)
set -u
. "$(dirname "$0")/pipeline.sh"

ALGOS=${ALGOS:-$PIPELINE_ALGOS}
JOBS=${MLQ_JOBS:-2}
AVR_FAR_ROWS=${AVR_FAR_ROWS:-20}
pass=0
fail=0
skip=0

check() { # check NAME CMP_A CMP_B: equal files, and CMP_B's firmware ended with status 0
    if cmp -s "$2" "$3" && [ "$(cat "$3.status" 2>/dev/null || echo 0)" = 0 ]; then
        pass=$((pass + 1))
        echo "ok   $1 ($(wc -l <"$2") rows)"
    else
        fail=$((fail + 1))
        echo "FAIL $1: $(diff "$2" "$3" | grep -c '^<') rows differ, status $(cat "$3.status" 2>/dev/null || echo 0) ($2 vs $3)"
    fi
}

# job CMD...: CMD in the background, at most $JOBS at once.
job() {
    while [ "$(jobs -pr | wc -l)" -ge "$JOBS" ]; do
        wait -n
    done
    "$@" &
}

# fw BOARD ROWS OUT: the predict firmware of the current model on BOARD, for
# ROWS; its lines in OUT, its stderr in OUT.err, its status in OUT.status.
fw() {
    local st=0
    # shellcheck disable=SC2086
    "$RUN" predict --board "$1" --header "$P_HEADER" --name "$P_NAME" --input "$2" $out \
        >"$3" 2>"$3.err" || st=$?
    echo "$st" >"$3.status"
}

# board_runs BOARD KIND...: the current model's rows of each KIND (test,
# special, q15, i16) on BOARD, one after the other (one firmware build).
board_runs() {
    local b=$1 kind
    shift
    for kind in "$@"; do
        fw "$b" "$(rows_of "$kind")" "$d/$algo.$kind.$b.txt"
    done
}

# avr_runs KIND...: as board_runs, on the Uno if the firmware fits it (the
# runner's status 4: flash or SRAM at build, the stack at run time), else on
# the Mega; the board used, or "none", in $d/$algo.avr. A model with a far
# array (mlq/types.h) on the Mega, read with ELPM (digits' full GMM and
# kernel SVMs: 0.2 s a row in simavr), runs the first $AVR_FAR_ROWS rows of
# each kind, their number in $d/$algo.avr.rows.
avr_runs() {
    local b=uno kind test=$1
    fw uno "$(rows_of "$1")" "$d/$algo.$1.avr.txt"
    if [ "$(cat "$d/$algo.$1.avr.txt.status")" = 4 ]; then
        b=mega
    else
        shift
    fi
    if [ "$b" = mega ] && grep -q '^MLQ_FAR_ARRAY(' "$P_HEADER"; then
        echo "$AVR_FAR_ROWS" >"$d/$algo.avr.rows"
        for kind in "$@"; do
            some_rows "$kind" "$AVR_FAR_ROWS" "$d/$kind.avr.rows"
            fw mega "$d/$kind.avr.rows" "$d/$algo.$kind.avr.txt"
        done
    else
        for kind in "$@"; do
            fw "$b" "$(rows_of "$kind")" "$d/$algo.$kind.avr.txt"
        done
    fi
    [ "$(cat "$d/$algo.$test.avr.txt.status")" = 4 ] && b=none
    echo "$b" >"$d/$algo.avr"
}

# some_rows KIND N OUT: the rows file of KIND's first N rows.
some_rows() {
    case $1 in
    test | i16)
        head -n "$(($2 + 1))" "$P_TEST" >"$3.csv"
        # shellcheck disable=SC2046,SC2086
        "$RUN" rows csv "$3.csv" $P_ROWS_OPTS $([ "$1" = test ] || echo --i16) --out "$3" ;;
    *) random_rows "$1" "$2" "$3" ;;
    esac
}

# random_rows KIND N OUT: N random rows of KIND (special or q15); those of
# fewer rows are the first rows of more.
random_rows() {
    case $1 in
    special) "$RUN" rows random --rows "$2" --features "$n_features" --range 50 --special --seed 7 --out "$3" ;;
    q15) "$RUN" rows random --rows "$2" --features "$n_features" --q15 --seed 8 --out "$3" ;;
    esac
}

# ref_of FILE BOARD: the expected lines of BOARD's run: FILE, or its first
# lines when the board ran fewer rows (avr_runs).
ref_of() {
    if [ "$2" = avr ] && [ -f "$d/$algo.avr.rows" ]; then
        head -n "$(cat "$d/$algo.avr.rows")" "$1" >"$1.avr"
        echo "$1.avr"
    else
        echo "$1"
    fi
}

rows_of() {
    case $1 in
    test) echo "$P_ROWS" ;;
    *) echo "$d/$1.rows" ;;
    esac
}

kind_name() {
    case $1 in
    i16) echo int16 ;;
    *) echo "$1" ;;
    esac
}

board_name() {
    case $1 in
    m[0-9]*) echo "Cortex-$1" ;;
    rv32) echo "RISC-V rv32imac" ;;
    rv32f) echo "RISC-V rv32imafc" ;;
    uno) echo "AVR ATmega328P (uno)" ;;
    mega) echo "AVR ATmega2560 (mega)" ;;
    none) echo "AVR" ;;
    *) echo "$1" ;;
    esac
}

for algo in $ALGOS; do
    for ds in $(algo_datasets "$algo"); do
        if ! pipeline_prepare "$ds" "$algo"; then
            fail=$((fail + 1))
            echo "FAIL $ds $algo: pipeline"
            continue
        fi
        d=$P_DIR
        n_features=$(head -n 1 "$P_TEST" | tr , "\n" | grep -cvx "label\|target")
        rm -f "$d/$algo".*.txt "$d/$algo".*.status "$d/$algo".*.err "$d/$algo.avr" "$d/$algo.avr.rows"
        # Every entry: the prediction, the scores, and the probabilities where the model has them.
        out="--scores"
        ! grep -q "_proba_q15(" "$P_HEADER" || out="$out --proba"
        # A regression model's firmware prints NAME_predict's integer: --fixed.
        fixed=""
        ! grep -q "_IS_REGRESSION 1$" "$P_HEADER" || fixed="--fixed"
        # shellcheck disable=SC2086
        "$MLQ" predict "$P_MODEL" "$P_TEST" --device $fixed $out >"$d/$algo.cli.txt"
        random_rows special 400 "$d/special.rows"
        random_rows q15 400 "$d/q15.rows"
        kinds="test special q15"
        # Raw int16 sensor values (NAME_predict_i16), for the integer-valued datasets.
        # shellcheck disable=SC2086
        if "$RUN" rows csv "$P_TEST" $P_ROWS_OPTS --i16 --out "$d/i16.rows" 2>/dev/null; then
            kinds="$kinds i16"
        else
            rm -f "$d/i16.rows"
        fi
        host_kinds=${kinds#test }

        # The emulators, $JOBS at a time; the host reference meanwhile.
        # shellcheck disable=SC2086
        {
            job board_runs m0 $kinds
            job board_runs m4 $kinds
            job board_runs rv32 $kinds
            job avr_runs $kinds
            if [ "$ds" = wine ]; then
                job board_runs m3 test
                job board_runs m7 test
                job board_runs rv32f test special
                job board_runs mega test
            fi
            for kind in $host_kinds; do
                fw host "$(rows_of "$kind")" "$d/$algo.$kind.host.txt"
            done
            wait
        }

        boards="m0 m4 rv32"
        [ "$ds" = wine ] && boards="m0 m3 m4 m7 rv32 rv32f mega"
        avr=$(cat "$d/$algo.avr" 2>/dev/null || echo none)
        for b in $boards avr; do
            name=$(board_name "$b")
            [ "$b" != avr ] || name=$(board_name "$avr")
            if [ "$(cat "$d/$algo.test.$b.txt.status" 2>/dev/null)" = 4 ]; then
                skip=$((skip + 1))
                echo "skip $P_NAME on $name: $(grep -v '^$' "$d/$algo.test.$b.txt.err" | tail -n 1)"
                continue
            fi
            check "$P_NAME test rows: $name == mlq predict --device" "$(ref_of "$d/$algo.cli.txt" "$b")" \
                "$d/$algo.test.$b.txt"
        done
        for kind in $host_kinds; do
            for b in m0 m4 rv32 rv32f avr; do
                [ -f "$d/$algo.$kind.$b.txt.status" ] || continue
                name=$(board_name "$b")
                [ "$b" != avr ] || name=$(board_name "$avr")
                check "$P_NAME $(kind_name "$kind") rows: $name == host build" \
                    "$(ref_of "$d/$algo.$kind.host.txt" "$b")" "$d/$algo.$kind.$b.txt"
            done
        done
        # The int16 entry (an approximation of the float path by at most one
        # Q15 step per feature) gives nearly always the float entry's class.
        if [ -f "$d/i16.rows" ]; then
            same=$(paste -d' ' <(cut -d' ' -f1 "$d/$algo.i16.host.txt") <(cut -d' ' -f1 "$d/$algo.cli.txt") |
                awk '$1 == $2' | wc -l)
            if [ "$((same * 1000))" -ge "$(($(wc -l <"$d/$algo.cli.txt") * 995))" ]; then
                pass=$((pass + 1))
                echo "ok   $P_NAME int16 entry agrees with the float entry on $same rows"
            else
                fail=$((fail + 1))
                echo "FAIL $P_NAME int16 entry agrees with the float entry on only $same rows"
            fi
        fi
        # The special rows must really reach the error path (NaN) and the
        # saturating path: some rows are rejected, the rest classified.
        if grep -q -- '^-2$' "$d/$algo.special.host.txt" && grep -qv -- '^-' "$d/$algo.special.host.txt"; then
            pass=$((pass + 1))
        else
            fail=$((fail + 1))
            echo "FAIL $P_NAME special rows did not exercise both NaN rejection and saturation"
        fi
    done
done

echo "device: $pass passed, $fail failed, $skip skipped"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
