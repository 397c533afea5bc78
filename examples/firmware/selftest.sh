#!/bin/sh
# SPDX-License-Identifier: MIT
#
# selftest.sh -- checks the firmware runner itself, with the stand-in models
# in this folder (no exported model needed):
#   1. stub predictions on every board equal the host build's, for float rows
#      (random + edge values) and Q15 rows (including INT16_MIN/MAX);
#   2. bench calibration: a predictor of exactly N nops reports N.0
#      instructions per inference on every board; two runs print the same;
#   3. a faulting firmware exits 1 at once, a hanging one is stopped by the
#      timeout (124), bad input exits 2.
#
#   examples/firmware/selftest.sh [BOARDS...]     (default: m0 m3 m4 m7 m7f)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
run=$here/run
boards=${*:-m0 m3 m4 m7 m7f}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
out=$tmp/build
fails=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fails=$((fails + 1)); }

"$run" rows random --rows 300 --features 4 --range 3 --seed 11 --out "$tmp/f.rows"
"$run" rows random --rows 300 --features 4 --q15 --seed 12 --out "$tmp/q.rows"
"$run" rows random --rows 8 --features 5 --seed 13 --out "$tmp/f5.rows"

stub="--header $here/stub_model.h --name stub --out $out"
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
    for n in 1 1000; do
        line=$(MLQ_CFLAGS=-DNOPS_COUNT=$n "$run" bench --board "$b" --header "$here/nops_model.h" \
            --name nops --out "$out/nops$n" --input "$tmp/f.rows")
        case $line in
        *" insn_per_inference=$n.0 "*) ok "bench $b: $n nops -> $n.0 instructions" ;;
        *) bad "bench $b: $n nops -> $line" ;;
        esac
    done
    # shellcheck disable=SC2086
    a=$("$run" bench --board "$b" $stub --input "$tmp/f.rows")
    # shellcheck disable=SC2086
    c=$("$run" bench --board "$b" $stub --input "$tmp/f.rows")
    if [ "$a" = "$c" ]; then ok "bench $b stub stable: $a"; else bad "bench $b unstable: $a / $c"; fi
done

for b in $boards; do
    for k in 1 2; do
        st=0
        MLQ_CFLAGS=-DCRASH_KIND=$k "$run" predict --board "$b" --header "$here/crash_model.h" \
            --name crash --out "$out/crash$k" --input "$tmp/f.rows" > /dev/null 2> "$tmp/err" || st=$?
        if [ "$st" = 1 ] && grep -q 'fault' "$tmp/err"; then
            ok "crash $b kind $k: status 1, $(cat "$tmp/err")"
        else
            bad "crash $b kind $k: status $st"
        fi
    done
    st=0
    # shellcheck disable=SC2086
    "$run" predict --board "$b" $stub --input "$tmp/f5.rows" > /dev/null 2>&1 || st=$?
    if [ "$st" = 2 ]; then ok "bad input $b: status 2"; else bad "bad input $b: status $st"; fi
done

st=0
MLQ_CFLAGS=-DCRASH_KIND=3 "$run" predict --board m3 --header "$here/crash_model.h" --name crash \
    --out "$out/crash3" --input "$tmp/f.rows" --timeout 3 > /dev/null 2>&1 || st=$?
if [ "$st" = 124 ]; then ok "hang: stopped by the timeout (124)"; else bad "hang: status $st"; fi

if [ "$fails" != 0 ]; then echo "selftest: $fails failed"; exit 1; fi
echo "selftest: all passed"
