#!/bin/sh
# SPDX-License-Identifier: MIT
#
# selftest.sh -- checks the firmware runner itself, with the stand-in models
# in this folder (no exported model needed):
#   1. stub predictions on every board equal the host build's, for float rows
#      (random + edge values) and Q15 rows (including INT16_MIN/MAX);
#   2. bench calibration: a predictor of exactly N nops reports N.0
#      instructions (AVR: cycles) per inference on every board; two runs
#      print the same;
#   3. a faulting firmware exits 1 at once, a hanging one is stopped by the
#      timeout (124), bad input exits 2; on AVR also: a run past
#      MLQ_AVR_MAX_CYCLES exits 1, a stack that reaches the static data and
#      a firmware larger than the Uno's SRAM exit 4 (does not fit).
#
#   examples/firmware/selftest.sh [BOARDS...]
#       (default: m0 m3 m4 m7 m7f rv32 rv32f uno mega)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
run=$here/run
boards=${*:-m0 m3 m4 m7 m7f rv32 rv32f uno mega}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
out=$tmp/build
fails=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fails=$((fails + 1)); }
has() { case " $boards " in *" $1 "*) return 0 ;; esac; return 1; }

"$run" rows random --rows 300 --features 4 --range 3 --seed 11 --out "$tmp/f.rows"
"$run" rows random --rows 300 --features 4 --q15 --seed 12 --out "$tmp/q.rows"
"$run" rows random --rows 8 --features 5 --seed 13 --out "$tmp/f5.rows"

# The stand-in models use no file of src/: firmware without the library
# builds faster (--src of an empty folder).
mkdir -p "$tmp/nosrc"
nosrc="--src $tmp/nosrc"
stub="--header $here/stub_model.h --name stub --out $out $nosrc"
# shellcheck disable=SC2086
for rows in f q; do
    "$run" predict --board host $stub --input "$tmp/$rows.rows" > "$tmp/host.$rows"
    for b in $boards; do
        if "$run" predict --board "$b" $stub --input "$tmp/$rows.rows" > "$tmp/$b.$rows" &&
            cmp -s "$tmp/host.$rows" "$tmp/$b.$rows"; then
            ok "predict $b $rows rows: $(wc -l < "$tmp/$b.$rows") lines equal to host"
        else
            bad "predict $b $rows rows differ from host"
        fi
    done
done

for b in $boards; do
    unit=insn
    case $b in uno|mega) unit=cycles ;; esac
    for n in 1 1000; do
        # shellcheck disable=SC2086
        line=$(MLQ_CFLAGS=-DNOPS_COUNT=$n "$run" bench --board "$b" --header "$here/nops_model.h" \
            --name nops --out "$out/nops$n" $nosrc --input "$tmp/f.rows")
        case $line in
        *" ${unit}_per_inference=$n.0 "*) ok "bench $b: $n nops -> $n.0 $unit" ;;
        *) bad "bench $b: $n nops -> $line" ;;
        esac
    done
    # shellcheck disable=SC2086
    a=$("$run" bench --board "$b" $stub --input "$tmp/f.rows")
    # shellcheck disable=SC2086
    c=$("$run" bench --board "$b" $stub --input "$tmp/f.rows")
    if [ "$a" = "$c" ]; then ok "bench $b stub stable: $a"; else bad "bench $b unstable: $a / $c"; fi
done

# crash KIND BOARD EXPECTED-STATUS WORD [ENV]: the crash model's firmware ends
# with that status and WORD on stderr.
crash() {
    st=0
    # shellcheck disable=SC2086
    env MLQ_CFLAGS=-DCRASH_KIND=$1 ${5:-} "$run" predict --board "$2" --header "$here/crash_model.h" \
        --name crash --out "$out/crash$1" $nosrc --input "$tmp/f.rows" --timeout 3 > /dev/null 2> "$tmp/err" ||
        st=$?
    if [ "$st" = "$3" ] && grep -q "$4" "$tmp/err"; then
        ok "crash $2 kind $1: status $st, $(grep "$4" "$tmp/err" | head -n 1)"
    else
        bad "crash $2 kind $1: status $st (expected $3), $(head -c 300 "$tmp/err")"
    fi
}

for b in $boards; do
    crash 1 "$b" 1 fault
    crash 2 "$b" 1 fault
    st=0
    # shellcheck disable=SC2086
    "$run" predict --board "$b" $stub --input "$tmp/f5.rows" > /dev/null 2>&1 || st=$?
    if [ "$st" = 2 ]; then ok "bad input $b: status 2"; else bad "bad input $b: status $st"; fi
done

# An endless loop: stopped by the timeout on each family of boards.
for b in m3 rv32 uno; do
    has "$b" || continue
    crash 3 "$b" 124 "no answer after 3s"
done
for b in uno mega; do
    has "$b" || continue
    crash 3 "$b" 1 "no end after 2000000 cycles" MLQ_AVR_MAX_CYCLES=2000000
    crash 4 "$b" 4 "stack overflow"
done
if has uno; then crash 5 uno 4 "does not fit uno"; fi
if has mega; then
    st=0
    # shellcheck disable=SC2086
    MLQ_CFLAGS=-DCRASH_KIND=5 "$run" predict --board mega --header "$here/crash_model.h" --name crash \
        --out "$out/crash5" $nosrc --input "$tmp/f.rows" > /dev/null 2>&1 || st=$?
    if [ "$st" = 0 ]; then ok "3000 bytes of RAM fit the mega"; else bad "crash mega kind 5: status $st"; fi
fi

if [ "$fails" != 0 ]; then echo "selftest: $fails failed"; exit 1; fi
echo "selftest: all passed"
