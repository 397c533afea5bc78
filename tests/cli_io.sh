#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# cli_io.sh -- output never loses data, through the mlq command line: an
# output that is one of the command's inputs (by any name: ./x, a hard
# link), two outputs that are one file, an output that is a symbolic link,
# a folder, a FIFO or a device, are refused with one line "mlq: FILE: what
# is wrong", exit 1, no file and no temporary file left, every input byte
# for byte as it was; new files get the umask, replaced ones keep their
# mode; a long output name works; a signal during a write leaves no
# temporary file; a failed write to stdout is an error. Then `mlq split` on
# a generated file against the rows it was given.
#
#   MLQ=build/mlq tests/cli_io.sh
#
# The signals: SIGXFSZ from a file size limit (ulimit -f) always; SIGTERM,
# SIGINT and SIGHUP injected at the first write(2) by strace when it is
# installed (reported as skipped otherwise).
. "$(dirname "$0")/cli_lib.sh"
skip=0

# The state of the inputs: checksums of the listed files.
sums() { (cd "$T" && sha256sum "$@" 2>&1); }

# expect CODE 'MESSAGE' 'INPUTS' OUT... -- command...
# Runs the command in $T; requires exit CODE, exactly one stderr line
# "mlq: MESSAGE" (* wildcards allowed), the INPUTS (names in $T) unchanged,
# each OUT (a name in $T) absent afterwards, and no temporary file in $T.
expect() {
    local code=$1 msg=$2 inputs=$3 rc lines before o
    shift 3
    local outs=()
    while [ "$1" != -- ]; do outs+=("$1"); shift; done
    shift
    # shellcheck disable=SC2086
    before=$(sums $inputs)
    (cd "$T" && "$@") >"$T/.stdout" 2>"$T/.stderr"
    rc=$?
    lines=$(wc -l <"$T/.stderr")
    if [ "$rc" -ne "$code" ]; then
        bad "$*: exit $rc, want $code ($(head -c 300 "$T/.stderr"))"
    elif [ "$lines" -ne 1 ]; then
        bad "$*: $lines lines on stderr, want 1: $(head -c 300 "$T/.stderr")"
    elif [[ "$(cat "$T/.stderr")" != "mlq: "$msg ]]; then
        bad "$*: message '$(cat "$T/.stderr")', want 'mlq: $msg'"
    elif [ "$(sums $inputs)" != "$before" ]; then
        bad "$*: an input changed"
    elif compgen -G "$T/*.tmp*" >/dev/null; then
        bad "$*: temporary file left: $(ls "$T" | grep tmp)"
    else
        for o in "${outs[@]}"; do
            if [ -e "$T/$o" ] || [ -L "$T/$o" ]; then bad "$*: output $o left behind"; return; fi
        done
        ok
    fi
}

# Data and a model to work on.
cp "$ROOT/data/iris.csv" "$T/d.csv"
(cd "$T" && "$MLQ" train kmeans --k 3 --seed 1 --data d.csv --out m.json --quiet) || bad "training the fixture model"
ln "$T/d.csv" "$T/hard.csv"
ln -s d.csv "$T/soft.csv"

# ---- An output that is an input -------------------------------------------
expect 1 "d.csv: would overwrite the input file d.csv" "d.csv m.json" -- \
    "$MLQ" train kmeans --k 3 --data d.csv --out d.csv
expect 1 "./d.csv: would overwrite the input file d.csv" "d.csv" -- \
    "$MLQ" train kmeans --k 3 --data d.csv --out ./d.csv
expect 1 "hard.csv: would overwrite the input file d.csv" "d.csv" -- \
    "$MLQ" train kmeans --k 3 --data d.csv --out hard.csv
expect 1 "d.csv: would overwrite the input file soft.csv" "d.csv" -- \
    "$MLQ" train kmeans --k 3 --data soft.csv --out d.csv
expect 1 "m.json: would overwrite the input file m.json" "m.json" -- \
    "$MLQ" export m.json --name iris --out m.json
expect 1 "d.csv: would overwrite the input file d.csv" "d.csv" t.csv -- \
    "$MLQ" split d.csv --train d.csv --test t.csv
expect 1 "hard.csv: would overwrite the input file d.csv" "d.csv" t.csv -- \
    "$MLQ" split d.csv --train t.csv --test hard.csv

# ---- Two outputs that are one file ----------------------------------------
expect 1 "t.csv: would overwrite t.csv, another output of this command" "d.csv" t.csv -- \
    "$MLQ" split d.csv --train t.csv --test t.csv
expect 1 "./t.csv: would overwrite t.csv, another output of this command" "d.csv" t.csv -- \
    "$MLQ" split d.csv --train t.csv --test ./t.csv
printf 'old\n' >"$T/old.csv"
ln "$T/old.csv" "$T/old2.csv"
expect 1 "old2.csv: would overwrite old.csv, another output of this command" "d.csv old.csv" -- \
    "$MLQ" split d.csv --train old.csv --test old2.csv
rm -f "$T/old.csv" "$T/old2.csv"

# ---- Outputs that are not regular files -----------------------------------
not_regular="not a regular file (mlq writes regular files, or '-' for standard output)"
printf 'precious\n' >"$T/target.h"
ln -s target.h "$T/link.h"
expect 1 "link.h: is a symbolic link: mlq does not write through links (name the file itself)" \
    "m.json target.h" -- "$MLQ" export m.json --name iris --out link.h
[ -L "$T/link.h" ] && [ "$(readlink "$T/link.h")" = target.h ] && ok || bad "the symbolic link changed"
rm "$T/link.h"
ln -s nowhere.h "$T/dangling.h"
expect 1 "dangling.h: is a symbolic link: mlq does not write through links (name the file itself)" \
    "m.json" nowhere.h -- "$MLQ" export m.json --name iris --out dangling.h
rm "$T/dangling.h" "$T/target.h"
mkdir "$T/folder.json"
expect 1 "folder.json: is a directory" "d.csv" -- "$MLQ" train kmeans --k 3 --data d.csv --out folder.json
rmdir "$T/folder.json"
mkfifo "$T/fifo.csv"
expect 1 "fifo.csv: is a FIFO, $not_regular" "d.csv" t.csv -- "$MLQ" split d.csv --train fifo.csv --test t.csv
[ -p "$T/fifo.csv" ] && ok || bad "the FIFO was replaced"
rm "$T/fifo.csv"
expect 1 "/dev/null: is a character device, $not_regular" "d.csv" -- \
    "$MLQ" train kmeans --k 3 --data d.csv --out /dev/null
[ -c /dev/null ] && ok || bad "/dev/null is no longer a device"

# ---- Permissions and names -------------------------------------------------
mode() { stat -c %a "$T/$1"; }
(cd "$T" && umask 022 && "$MLQ" export m.json --name iris --out u022.h --quiet)
[ "$(mode u022.h)" = 644 ] && ok || bad "umask 022: mode $(mode u022.h), want 644"
(cd "$T" && umask 077 && "$MLQ" split d.csv --train u077a.csv --test u077b.csv --quiet)
[ "$(mode u077a.csv)" = 600 ] && [ "$(mode u077b.csv)" = 600 ] && ok || bad "umask 077: mode $(mode u077a.csv), want 600"
chmod 640 "$T/u022.h"
(cd "$T" && umask 077 && "$MLQ" export m.json --name iris --out u022.h --quiet)
[ "$(mode u022.h)" = 640 ] && ok || bad "a replaced file: mode $(mode u022.h), want 640 (kept)"
long=$(printf 'x%.0s' $(seq 1 245)).json
(cd "$T" && "$MLQ" train kmeans --k 3 --data d.csv --out "$long" --quiet) && [ -s "$T/$long" ] && ok ||
    bad "a 250-character output name"
rm -f "$T"/u0* "$T/$long"

# ---- Signals during a write -------------------------------------------------
# 5,000 rows: a few hundred kB of output, beyond a 4 kB file size limit.
awk 'BEGIN { print "a,b,label"; for (i = 0; i < 5000; i++) printf "%d.25,%d,%d\n", i, i * 7, i % 3 }' >"$T/big.csv"
# (The command is not the subshell's last, so that the subshell, whose
# stderr is silenced, is the one to report the signal.)
(cd "$T" && ulimit -f 8 && "$MLQ" split big.csv --train a.csv --test b.csv; exit $?) >/dev/null 2>&1
rc=$?
if [ "$rc" -eq $((128 + 25)) ] && ! compgen -G "$T/*.tmp*" >/dev/null && [ ! -e "$T/a.csv" ]; then ok; else
    bad "SIGXFSZ (ulimit -f): exit $rc, want 153, left: $(ls "$T" | grep -e tmp -e '^a.csv' | tr '\n' ' ')"; fi
if command -v strace >/dev/null && strace -o /dev/null true 2>/dev/null; then
    for sig in TERM:143 INT:130 HUP:129; do
        (cd "$T" && strace -f -qq -o /dev/null -e trace=write -e inject=write:signal="${sig%:*}":when=1 \
            "$MLQ" split big.csv --train a.csv --test b.csv; exit $?) >/dev/null 2>&1
        rc=$?
        if [ "$rc" -eq "${sig#*:}" ] && ! compgen -G "$T/*.tmp*" >/dev/null && [ ! -e "$T/a.csv" ]; then ok; else
            bad "SIG${sig%:*} at the first write: exit $rc, want ${sig#*:}, left: $(ls "$T" | grep tmp)"; fi
    done
else
    skip=$((skip + 3))
    echo "skipped: SIGTERM, SIGINT, SIGHUP during a write (strace is not available)"
fi
rm -f "$T/big.csv"

# ---- Standard output that cannot be written --------------------------------
stdout_fails() { # WHAT REASON command...: exit 1, one line "mlq: <stdout>: write failed: REASON"
    local what=$1 reason=$2 rc
    shift 2
    "$@" 2>"$T/.stderr"
    rc=$?
    if [ "$rc" -eq 1 ] && [ "$(cat "$T/.stderr")" = "mlq: <stdout>: write failed: $reason" ]; then ok; else
        bad "$what: exit $rc, stderr '$(head -c 300 "$T/.stderr")'"; fi
}
full() { (cd "$T" && "$MLQ" "$@" >/dev/full); }
stdout_fails "help >/dev/full" "No space left on device" full help
stdout_fails "info >/dev/full" "No space left on device" full info m.json
stdout_fails "compare >/dev/full" "No space left on device" full compare m.json d.csv
stdout_fails "predict >/dev/full" "No space left on device" full predict m.json d.csv
stdout_fails "split --json >/dev/full" "No space left on device" full split d.csv --train a.csv --test b.csv --json --quiet
rm -f "$T/a.csv" "$T/b.csv"
# More than a pipe holds (64 KiB), so the write fails whenever the reader goes.
{ head -1 "$T/d.csv"; for i in $(seq 1 100); do tail -n +2 "$T/d.csv"; done; } >"$T/many.csv"
closed_pipe() { (trap '' PIPE; cd "$T" && "$MLQ" "$@" | true; exit "${PIPESTATUS[0]}"); }
stdout_fails "predict | (closed pipe, SIGPIPE ignored)" "Broken pipe" closed_pipe predict m.json many.csv --scores
(cd "$T" && "$MLQ" predict m.json many.csv --scores | true; exit "${PIPESTATUS[0]}")
rc=$?
[ "$rc" -eq 141 ] && ok || bad "predict | (closed pipe, SIGPIPE default): exit $rc, want 141 (SIGPIPE)"
rm "$T/many.csv"
closed() { (cd "$T" && "$MLQ" "$@" >&-); }
stdout_fails "help >&-" "Bad file descriptor" closed help
(cd "$T" && "$MLQ" train kmeans --k 3 --data d.csv --out c.json --quiet >&-) && [ -s "$T/c.json" ] && ok ||
    bad "a command that prints nothing runs with stdout closed"

# ---- split: the test and training parts hold exactly the input's rows ------
awk 'BEGIN { srand(7); print "x,y,z,label";
             for (i = 0; i < 20000; i++) printf "%.17g,%.6f,%d,%s\n", rand() * 1e6 - 5e5, rand(), i, substr("abc", i % 3 + 1, 1) }' \
    >"$T/rows.csv"
if (cd "$T" && "$MLQ" split rows.csv --train tr.csv --test te.csv --seed 5 --quiet); then
    # Each output row must read back as an input row: compare as numbers
    # printed at full precision (awk), sorted.
    norm() { awk -F, 'FNR > 1 { printf "%.17g,%.17g,%.17g,%s\n", $1, $2, $3, $4 }' "$@" | sort; }
    if [ "$(norm "$T/tr.csv" "$T/te.csv")" = "$(norm "$T/rows.csv")" ] &&
        [ "$(head -1 "$T/tr.csv")" = x,y,z,label ] && [ "$(wc -l <"$T/te.csv")" -eq 6001 ]; then ok; else
        bad "split: the two parts do not hold exactly the input's rows"; fi
else
    bad "split of rows.csv failed"
fi

echo "cli_io: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
