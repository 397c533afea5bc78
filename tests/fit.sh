#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# fit.sh -- "will it fit?" before flashing: `mlq info MODEL --target BOARD`
# and `mlq export --target BOARD`. The figures are the model's constants plus
# the code and stack frame bench/costs.tsv holds for its kernel on that core
# (the test reads the same file and recomputes them); a model the estimate
# rejects for the Uno is one the runner cannot build for it, and one it
# accepts builds and runs there; a header exported for a board it does not
# fit stops the compiler for that chip with an #error naming model and board.
# The instructions per inference: info's line and compare's insn_estimate are
# bench/costs.tsv's model on the work the device table reports, and within
# 15% of what the emulated boards count (the flash within 5%), also for
# models the bench did not fit it to.
#
#   MLQ=build/mlq bash tests/fit.sh
. "$(dirname "$0")/cli_lib.sh"
RUN=$ROOT/examples/firmware/run
COSTS=$ROOT/bench/costs.tsv

# field LABEL FILE: what follows LABEL on its line of `mlq info`.
field() { sed -n "s/^ *$1 *//p" "$2" | head -n 1; }

# cost CORE KERNEL COLUMN: bench/costs.tsv's figure (3: code, 4: stack frame).
cost() { awk -F'\t' -v c="$1" -v k="$2" -v n="$3" '$1 == c && $2 == k { print $n }' "$COSTS"; }

"$MLQ" split "$ROOT/data/iris.csv" --train "$T/iris_tr.csv" --test "$T/iris_te.csv" --seed 1 2>/dev/null
"$MLQ" train kmeans --k 3 --data "$T/iris_tr.csv" --out "$T/km.json" 2>/dev/null
"$MLQ" split "$ROOT/data/digits.csv" --train "$T/dig_tr.csv" --test "$T/dig_te.csv" --seed 1 2>/dev/null
"$MLQ" train forest --trees 30 --max-depth 12 --data "$T/dig_tr.csv" --out "$T/forest.json" 2>/dev/null
"$MLQ" train gmm --per-class --components 2 --covariance full --reg-covar 1e-2 --data "$T/dig_tr.csv" \
    --out "$T/gmm.json" 2>/dev/null

# check_estimate MODEL TEST BOARD CORE FEATURES FLASH SRAM: info's flash and
# SRAM lines are the sums of their parts, the parts from costs.tsv and the
# model (compare --json names its kernel and scratch).
check_estimate() {
    local model=$1 json consts kernel code frame work nf=$5
    "$MLQ" info "$model" --target "$3" >"$T/info" 2>&1 || { bad "info $model --target $3 failed"; return; }
    json=$("$MLQ" compare "$model" "$2" --json)
    consts=$(printf '%s\n' "$json" | sed -n 's/.*"predict_flash_bytes": \([0-9]*\).*/\1/p')
    kernel=$(printf '%s\n' "$json" | sed -n 's/.*"kernel": "\([a-z0-9_]*\)".*/\1/p')
    work=$(printf '%s\n' "$json" | sed -n 's/.*"work_bytes": \([0-9]*\).*/\1/p')
    code=$(cost "$4" "$kernel" 3)
    frame=$(cost "$4" "$kernel" 4)
    if [ -z "$code" ] || [ -z "$frame" ] || [ -z "$work" ]; then
        bad "bench/costs.tsv has no figures for '$kernel' on $4 (work '$work')"
        return
    fi
    [ "$(field flash "$T/info")" = "about $((consts + code)) of $6 bytes (constants $consts + code $code)" ] && ok ||
        bad "$model on $3: flash line '$(field flash "$T/info")', want constants $consts + code $code of $6"
    [ "$(field SRAM "$T/info")" = "about $((frame + work + 2 * nf)) of $7 bytes (stack $frame + scratch $work + input $((2 * nf))), no static RAM" ] && ok ||
        bad "$model on $3: SRAM line '$(field SRAM "$T/info")', want $frame + $work + $((2 * nf)) of $7"
}

# The boards and their budgets.
check_estimate "$T/km.json" "$T/iris_te.csv" uno avr 4 32256 2048
check_estimate "$T/km.json" "$T/iris_te.csv" mega avr 4 253952 8192
check_estimate "$T/km.json" "$T/iris_te.csv" m0 m0 4 262144 16384
check_estimate "$T/km.json" "$T/iris_te.csv" m4 m4 4 524288 98304
check_estimate "$T/km.json" "$T/iris_te.csv" rv32 rv32 4 131072 32768
check_estimate "$T/forest.json" "$T/dig_te.csv" uno avr 64 32256 2048
# --flash and --ram replace the board's budget; the core's costs stay.
"$MLQ" info "$T/km.json" --target m0 --flash 4096 --ram 1024 >"$T/info"
[ "$(field target "$T/info")" = "m0, Cortex-M0 (nRF51822: BBC micro:bit v1): fits" ] && ok || bad "target line: $(field target "$T/info")"
grep -q "of 4096 bytes (constants" "$T/info" && grep -q "of 1024 bytes (stack" "$T/info" && ok ||
    bad "--flash/--ram budgets not used: $(cat "$T/info")"

# Too large: by how much, and what would help.
"$MLQ" info "$T/km.json" --target uno --flash 500 --ram 30 >"$T/info"
flash=$(field flash "$T/info" | cut -d' ' -f2)
sram=$(field SRAM "$T/info" | cut -d' ' -f2)
[ "$(field target "$T/info")" = "uno, ATmega328P (Arduino Uno, Nano): DOES NOT FIT" ] && ok || bad "uno 500: $(field target "$T/info")"
[ "$(field "too large by" "$T/info")" = "$((flash - 500)) bytes of flash, $((sram - 30)) bytes of SRAM; to make it smaller: fewer clusters (--k)" ] && ok ||
    bad "too large line: '$(field "too large by" "$T/info")' (flash $flash, SRAM $sram)"
# info_of MODEL BOARD: mlq info for BOARD in $T/info, and from it $flash
# (the estimate), $consts (constants NAME_predict links) and $nodes (split
# nodes of a tree or forest).
info_of() {
    "$MLQ" info "$1" --target "$2" >"$T/info"
    flash=$(field flash "$T/info" | cut -d' ' -f2)
    consts=$(field "device flash" "$T/info" | sed 's/.*; \([0-9]*\) of them with NAME_predict alone/\1/')
    nodes=$(sed -n 's/^nodes *[0-9]* (\([0-9]*\) splits.*/\1/p' "$T/info")
}
# too_large WANT WHAT: info's "too large by" line is WANT.
too_large() {
    [ "$(field "too large by" "$T/info")" = "$1" ] && ok || bad "$2: $(cat "$T/info")"
}
AVR_OBJECT="over the 32767 an AVR object may have"
TREES="to make it smaller: fewer or shallower trees (--trees, --max-depth, --min-samples-leaf)"
info_of "$T/forest.json" uno
too_large "$((flash - 32256)) bytes of flash, one array of $((nodes * 8)) bytes, $AVR_OBJECT; $TREES" \
    "digits forest on the uno"
# The full-covariance digits GMM (92 KB): its factor array is a far array
# (mlq/types.h), which the Mega reads beyond 64 KiB and the Uno cannot hold.
info_of "$T/gmm.json" mega
[ "$(field target "$T/info")" = "mega, ATmega2560 (Arduino Mega 2560): fits" ] && ok ||
    bad "digits gmm on the mega: $(cat "$T/info")"
info_of "$T/gmm.json" uno
factor=$(sed -n 's/^device model *\([0-9]*\) x \([0-9]*\) Q15 factor entries.*/\1 * \2 * 2/p' "$T/info")
too_large "$((flash - 32256)) bytes of flash, one array of $((factor)) bytes, $AVR_OBJECT; to make it smaller: fewer components (--components), or --covariance diag" \
    "digits gmm on the uno"
# Other arrays stay below 64 KiB of flash and 32767 bytes each on the Mega too.
info_of "$T/forest.json" mega
too_large "one array of $((nodes * 8)) bytes, $AVR_OBJECT; $TREES" "digits forest on the mega"
"$MLQ" train forest --trees 80 --max-depth 12 --data "$T/dig_tr.csv" --out "$T/forest80.json" 2>/dev/null
info_of "$T/forest80.json" mega
too_large "$((consts - 65280)) bytes of constants beyond the 65280 that 16-bit data pointers reach, one array of $((nodes * 8)) bytes, $AVR_OBJECT; $TREES" \
    "80-tree digits forest on the mega"
"$MLQ" info "$T/gmm.json" --target m4 | grep -q '^target .*: fits$' && ok || bad "digits gmm should fit the m4"

# The estimate against the board: what info says fits the Uno builds for it
# and gives mlq predict --device's answers; what it says does not fit is
# what the runner refuses (status 4).
for m in km forest; do
    "$MLQ" export "$T/$m.json" --name "fit_$m" --out "$T/fit_$m.h" 2>/dev/null
done
"$RUN" rows csv "$T/iris_te.csv" --out "$T/iris.rows"
"$RUN" rows csv "$T/dig_te.csv" --out "$T/dig.rows"
"$RUN" predict --board uno --header "$T/fit_km.h" --name fit_km --input "$T/iris.rows" --out "$T/fw" >"$T/fw_km.txt" 2>"$T/err" &&
    "$MLQ" predict "$T/km.json" "$T/iris_te.csv" --device | cmp -s - "$T/fw_km.txt" && ok ||
    bad "iris k-means, estimated to fit the uno, on the uno: $(head -c 300 "$T/err")"
st=0
"$RUN" predict --board uno --header "$T/fit_forest.h" --name fit_forest --input "$T/dig.rows" --out "$T/fw" >/dev/null 2>"$T/err" || st=$?
[ "$st" = 4 ] && grep -q "fit_forest does not fit uno" "$T/err" && ok ||
    bad "digits forest, estimated not to fit the uno: runner status $st, $(head -c 300 "$T/err")"

# export --target: a warning, and an #error for that chip only.
"$MLQ" export "$T/forest.json" --name big_forest --out "$T/big.h" --target uno 2>"$T/stderr"
[ $? = 0 ] && ok || bad "export --target uno of a model too large should still write the header"
grep -q "^mlq: warning: $T/forest.json: does not fit uno (ATmega328P (Arduino Uno, Nano)): too large by [0-9]* bytes of flash, one array of [0-9]* bytes, over the 32767 an AVR object may have; the header stops with #error on that chip; to make it smaller: fewer or shallower trees" "$T/stderr" &&
    ok || bad "export warning: $(cat "$T/stderr")"
printf '#include "big.h"\nint main(void) { float x[64] = {0}; return big_forest_predict(x); }\n' >"$T/big.c"
if avr-gcc -mmcu=atmega328p -Os -I"$ROOT/include" -c "$T/big.c" -o "$T/big.o" 2>"$T/err"; then
    bad "the header exported for the uno compiled for the ATmega328P"
else
    grep -q "#error \"big_forest does not fit uno (ATmega328P (Arduino Uno, Nano)): too large by [0-9]* bytes of flash, one array of [0-9]* bytes, over the 32767 an AVR object may have (mlq info MODEL --target uno)\"" "$T/err" && ok ||
        bad "avr-gcc message: $(head -c 400 "$T/err")"
fi
arm-none-eabi-gcc -mcpu=cortex-m0 -mthumb -Os -I"$ROOT/include" -c "$T/big.c" -o "$T/big.o" 2>"$T/err" && ok ||
    bad "the header exported for the uno should compile for Cortex-M0: $(head -c 300 "$T/err")"
"$MLQ" export "$T/km.json" --name small --out "$T/small.h" --target uno 2>"$T/stderr" && ok || bad "export --target uno"
! grep -q warning "$T/stderr" && ! grep -q '#error.*does not fit' "$T/small.h" && ok ||
    bad "a model that fits got a warning or an #error: $(cat "$T/stderr")"
"$MLQ" export "$T/forest80.json" --name big_forest --out "$T/f80.h" --target mega 2>/dev/null
grep -q "^#error \"big_forest does not fit mega (ATmega2560 (Arduino Mega 2560)): too large by [0-9]* bytes of constants beyond the 65280 that 16-bit data pointers reach" "$T/f80.h" &&
    grep -q "^#if defined(__AVR_ATmega2560__)" "$T/f80.h" && ok || bad "mega #error: $(grep -B1 -A1 '#error.*fit' "$T/f80.h")"
# The digits GMM fits the Mega: no warning, no #error, and its header links
# for the ATmega2560 as C and as C++ with link-time optimisation (as an
# Arduino sketch is built), the factor array reaching past 64 KiB, its
# address and the model below.
"$MLQ" export "$T/gmm.json" --name big_gmm --out "$T/gmm.h" --target mega 2>"$T/stderr"
! grep -q warning "$T/stderr" && ! grep -q '#error.*does not fit' "$T/gmm.h" && ok ||
    bad "the digits gmm for the mega: $(cat "$T/stderr")"
printf '#include "gmm.h"
int main(void) { float x[64] = {0}; return big_gmm_predict(x); }
' >"$T/gmm.c"
cp "$T/gmm.c" "$T/gmm.cpp"
# addr SYMBOL-REGEX: the address of the symbol of gmm.elf whose name (less
# C++'s prefix of a static one) matches.
addr() {
    local a
    a=$(avr-nm "$T/gmm.elf" | awk -v s="$1" '$3 ~ "^(_ZL[0-9]+)?" s "$" { print $1 }')
    [ -n "$a" ] && printf '%d' "0x$a"
}
FAR_ID="_0[0-9a-f]+" # the far array's symbol: its name and a digest of its values
# placed: the far array reaches past 64 KiB, its address and the model lie below.
placed() {
    local far at model
    far=$(addr "big_gmm_factor$FAR_ID") && at=$(addr "big_gmm_factor${FAR_ID}_at") &&
        model=$(addr big_gmm_model) && [ $((far + factor)) -gt 65536 ] && [ "$at" -lt 65536 ] &&
        [ "$model" -lt 65536 ]
}
for src in c cpp; do
    case $src in
    c) cc="avr-gcc -std=c99" lto="" ;;
    cpp) cc="avr-g++ -std=gnu++11 -flto" lto="-flto" ;; # as the Arduino builder compiles
    esac
    # shellcheck disable=SC2086
    if $cc -mmcu=atmega2560 -Os -Wall -Werror -I"$ROOT/include" -c "$T/gmm.$src" -o "$T/gmm.o" 2>"$T/err" &&
        avr-gcc -mmcu=atmega2560 -Os $lto -I"$ROOT/include" "$T/gmm.o" "$ROOT"/src/*.c -o "$T/gmm.elf" 2>>"$T/err" &&
        placed; then ok
    else bad "$cc: the digits gmm for the ATmega2560: $(head -c 400 "$T/err")"; fi
done
# Three translation units: two include that header, one another model of the
# same name (all an exported header defines is static): one copy of the
# first far array, and the second model keeps its own.
"$MLQ" train gmm --per-class --components 1 --covariance full --reg-covar 1e-2 --data "$T/dig_tr.csv" \
    --out "$T/gmm1.json" 2>/dev/null
"$MLQ" export "$T/gmm1.json" --name big_gmm --out "$T/gmm1.h" 2>/dev/null
for i in 1 2 3; do
    h=gmm.h
    [ "$i" != 3 ] || h=gmm1.h
    printf '#include "%s"\nint tu%s(const float *x) { return big_gmm_predict(x); }\n' "$h" "$i" >"$T/tu$i.c"
done
printf 'int tu1(const float *), tu2(const float *), tu3(const float *);\nint main(void) { float x[64] = {0}; return tu1(x) + tu2(x) + tu3(x); }\n' >"$T/tus.c"
printf 'int tu2(const float *x) { return x == 0; }\n' >"$T/tu2_none.c"
# text_of ELF: the bytes of its .text.
text_of() { avr-size -A "$1" | awk '$1 == ".text" { print $2 }'; }
if (cd "$T" && for two in tu2 tu2_none; do
    avr-gcc -std=c99 -mmcu=atmega2560 -Os -Wall -Werror -I"$ROOT/include" tus.c tu1.c "$two.c" tu3.c \
        "$ROOT"/src/*.c -o "tus_$two.elf" || exit 1
done 2>"$T/err"); then
    avr-nm "$T/tus_tu2.elf" | grep -E " big_gmm_factor$FAR_ID\$" | sort -u >"$T/far"
    [ "$(wc -l <"$T/far")" = 2 ] && ok || bad "two far arrays of big_gmm expected: $(cat "$T/far")"
    # the second include adds its near constants and code, not the far array
    more=$(($(text_of "$T/tus_tu2.elf") - $(text_of "$T/tus_tu2_none.elf")))
    [ "$more" -gt 0 ] && [ "$more" -lt $((factor)) ] && ok ||
        bad "the header included twice added $more bytes (its far array: $((factor)))"
else
    bad "three translation units for the ATmega2560: $(head -c 400 "$T/err")"
fi

# export --layout code --target: the code is the model's own, estimated (mlq info's code
# layout line, NAME_predict on that core); a warning when the estimate does not fit, an
# #error only when even 70% of it would not (the estimate is within about 30%), else the
# linker has the last word: the runner's build for the Uno fails (status 4).
"$MLQ" train forest --trees 4 --max-depth 8 --data "$T/dig_tr.csv" --out "$T/f4.json" 2>/dev/null
for m in forest f4; do
    est=$("$MLQ" info "$T/$m.json" | sed -n 's/^code layout .* with NAME_predict_q15, about \([0-9]*\) (avr).*/\1/p')
    "$MLQ" export "$T/$m.json" --name "code_$m" --out "$T/code_$m.h" --layout code --target uno 2>"$T/stderr" ||
        bad "export --layout code --target uno of $m"
    if [ $((est * 7 / 10)) -gt 32256 ]; then
        want="the header stops with #error on that chip"
        grep -q "^#error \"code_$m does not fit uno (ATmega328P (Arduino Uno, Nano)): too large by $((est - 32256)) bytes of flash (mlq info MODEL --target uno)\"" "$T/code_$m.h" &&
            ok || bad "$m: no #error for the uno: $(grep '#error' "$T/code_$m.h")"
    else
        want="the linker will tell"
        ! grep -q '#error.*does not fit' "$T/code_$m.h" && ok || bad "$m: an #error on an estimate within 30%"
        st=0
        "$RUN" build --board uno --header "$T/code_$m.h" --name "code_$m" --out "$T/fw" >/dev/null 2>"$T/err" || st=$?
        [ "$st" = 4 ] && grep -q "code_$m does not fit uno" "$T/err" && ok ||
            bad "$m as code on the uno: runner status $st, $(head -c 300 "$T/err")"
    fi
    [ "$est" -gt 32256 ] && grep -q "^mlq: warning: $T/$m.json: does not fit uno (ATmega328P (Arduino Uno, Nano)): too large by $((est - 32256)) bytes of flash (with the code layout's code as estimated, within about 30%); $want; to make it smaller: fewer or shallower trees" "$T/stderr" &&
        ok || bad "$m: estimate $est, warning: $(cat "$T/stderr")"
done
# info --target --layout code: the same estimate, no constants, the array kernel's stack.
"$MLQ" info "$T/f4.json" --target uno --layout code >"$T/info"
est=$("$MLQ" info "$T/f4.json" | sed -n 's/^code layout .* with NAME_predict_q15, about \([0-9]*\) (avr).*/\1/p')
grep -q "^target  *uno, ATmega328P (Arduino Uno, Nano): DOES NOT FIT$" "$T/info" &&
    [ "$(field flash "$T/info")" = "about $est of 32256 bytes (constants 0 + code $est, the code layout's, estimated within about 30%)" ] &&
    [ "$(field SRAM "$T/info")" = "about $(($(cost avr mlq_forest_predict_q15 4) + 40 + 128)) of 2048 bytes (stack $(cost avr mlq_forest_predict_q15 4) + scratch 40 + input 128), no static RAM" ] &&
    grep -q "^  too large by    $((est - 32256)) bytes of flash; to make it smaller: fewer or shallower trees" "$T/info" && ok ||
    bad "info --layout code --target uno: $(cat "$T/info")"
"$MLQ" info "$T/f4.json" --target m0 --layout code | grep -q "^target .*: fits$" && ok || bad "f4 as code should fit the m0"
"$MLQ" train tree --data "$T/iris_tr.csv" --out "$T/tree.json" 2>/dev/null
"$MLQ" export "$T/tree.json" --name code_tree --out "$T/code_tree.h" --layout code --target uno 2>"$T/stderr" &&
    ! grep -q warning "$T/stderr" && ! grep -q '#error.*does not fit' "$T/code_tree.h" && ok ||
    bad "a tree as code that fits the uno: $(cat "$T/stderr")"

# The instruction estimate. insns MODEL CORE: costs.tsv's c0 + c1 w0 + c2 w1 + c3 D on the
# work `mlq info` uses (no rows; compare's work_steps on the component means is the same
# for these data-independent kernels), rounded as info prints it.
insns() {
    "$MLQ" compare "$1" "$T/iris_te.csv" --json | /usr/bin/python3 -c '
import json, sys
j, core, costs = json.load(sys.stdin), sys.argv[1], sys.argv[2]
c = [l.split("\t") for l in open(costs) if not l.startswith("#")]
c = [list(map(float, r[4:8])) for r in c if r[0] == core and r[1] == j["kernel"]][0]
w, d = j["work_steps"], int(sys.argv[3])
print("%.0f" % max(0, c[0] + c[1] * w[0] + c[2] * w[1] + c[3] * d))' "$2" "$COSTS" 4
}
for b in uno:avr m0:m0 m4:m4 rv32:rv32; do
    "$MLQ" info "$T/km.json" --target "${b%%:*}" >"$T/info"
    unit=instructions
    [ "${b#*:}" = avr ] && unit=cycles
    [ "$(field "per inference" "$T/info")" = "about $(insns "$T/km.json" "${b#*:}") $unit (NAME_predict, from the cost model make bench fitted)" ] &&
        ok || bad "info --target ${b%%:*}: per inference '$(field "per inference" "$T/info")'"
done

# Against the boards: the first rows the runner averages over (8; the Uno holds 128
# values), the estimate of compare on those rows and the runner's count. The pipeline's
# models, and models of other shapes.
"$MLQ" train svm --kernel rbf --data "$T/iris_tr.csv" --out "$T/svm.json" 2>/dev/null
"$MLQ" train kmeans --k 6 --data "$T/dig_tr.csv" --out "$T/km6.json" 2>/dev/null
"$MLQ" train mlp --hidden 12 --data "$T/iris_tr.csv" --out "$T/mlp12.json" 2>/dev/null
head -n 9 "$T/iris_te.csv" >"$T/iris8.csv"
head -n 9 "$T/dig_te.csv" >"$T/dig8.csv"
head -n 3 "$T/dig_te.csv" >"$T/dig2.csv"
# against MODEL ROWS_CSV BOARD CORE: flash within 5%, instructions within 15%.
against() {
    local model=$1 csv=$2 board=$3 core=$4 name json line
    name=est_$(basename "$model" .json)
    json=$("$MLQ" compare "$model" "$csv" --json)
    "$MLQ" export "$model" --name "$name" --out "$T/$name.h" 2>/dev/null
    "$RUN" rows csv "$csv" --out "$T/$name.rows"
    line=$("$RUN" bench --board "$board" --header "$T/$name.h" --name "$name" --input "$T/$name.rows" 2>"$T/err") ||
        { bad "bench $name on $board: $(tail -n 1 "$T/err")"; return; }
    printf '%s\n%s\n' "$json" "$line" | /usr/bin/python3 -c '
import json, sys
j = json.loads(sys.stdin.readline())
b = dict(w.split("=", 1) for w in sys.stdin.readline().split()[1:])
core, name = sys.argv[1], sys.argv[2]
measured = float(b.get("insn_per_inference", b.get("cycles_per_inference")))
est, flash = j["insn_estimate"][core], j["flash_estimate"][core]
d_insn, d_flash = (est - measured) / measured, (flash - int(b["flash_bytes"])) / int(b["flash_bytes"])
assert abs(d_insn) <= 0.15 and abs(d_flash) <= 0.05, (name, core, est, measured, flash, b["flash_bytes"])
' "$core" "$name" 2>"$T/err" && ok || bad "$model on $board: $(tail -n 1 "$T/err")"
}
against "$T/km.json" "$T/iris8.csv" m4 m4
against "$T/km.json" "$T/iris8.csv" uno avr
against "$T/svm.json" "$T/iris8.csv" m0 m0
against "$T/mlp12.json" "$T/iris8.csv" rv32 rv32
against "$T/gmm.json" "$T/dig8.csv" m4 m4
against "$T/km6.json" "$T/dig2.csv" uno avr

# Bad input: unknown boards (the list of known ones), budgets that are not byte counts.
known="uno, mega, m0, m4, rv32"
expect 2 "info: --target 'uno3' is not a board mlq knows ($known)" - -- "$MLQ" info "$T/km.json" --target uno3
expect 2 "export: --target 'esp32' is not a board mlq knows ($known)" "$T/n.h" -- "$MLQ" export "$T/km.json" --name n --out "$T/n.h" --target esp32
expect 2 "info: --flash and --ram need --target, the core whose measured costs apply ($known)" - -- "$MLQ" info "$T/km.json" --flash 4096
expect 2 "info: --layout needs --target (without it, info shows both layouts' flash)" - -- "$MLQ" info "$T/f4.json" --layout code
expect 2 "info: --layout must be array or code, not 'tables'" - -- "$MLQ" info "$T/f4.json" --target m0 --layout tables
expect 2 "info: --layout code: a kmeans model has only its arrays (--layout code is for tree and forest models)" - -- "$MLQ" info "$T/km.json" --target m0 --layout code
for v in 0 -1 12k 4294967297 ' 5' ''; do
    expect 2 "info: --ram: '$v' is not a number of bytes from 1 to 4294967296" - -- "$MLQ" info "$T/km.json" --target m0 --ram "$v"
done

finish fit
