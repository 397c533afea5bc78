#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# select_vowel.sh -- which model for a Cortex-M0, and which for an Arduino
# Uno? `mlq select` on the vowel data (data/vowel.csv: 9 features, 11
# vowels, 15 speakers), cross-validated by speaker: 5 folds, each speaker's
# rows in one fold (data/vowel.groups.txt), so that every accuracy is on
# speakers the model never heard. For each board: the best candidates of
# the grid, the Pareto fronts, the choice (trained on every row, written as
# a model file) and the picture of accuracy against flash with the board's
# budget; then the chosen model run on the emulated board (--measure 1:
# QEMU for the M0, simavr for the Uno), measured against the estimates.
#
#   BUILD=build bash examples/select_vowel.sh    (exit 0 when the choice fits its board)
set -eu
. "$(dirname "$0")/../tests/pipeline.sh"
D=$WORK/select_vowel
mkdir -p "$D"
cd "$ROOT" # data/vowel.csv in the reports
status=0
for b in m0 uno; do
    "$MLQ" select --data data/vowel.csv --groups data/vowel.groups.txt --folds 5 \
        --target "$b" --out "$D/$b.json" --plot "$D/$b.svg" --measure 1 --quiet >"$D/$b.txt"
    # The head and the ten best candidates, then the fronts, the choice and the measurement.
    awk -v all="$D/$b.txt" '
        /^rank  *device/ { print; table = 1; next }
        table && /^$/ { table = 0; print "  ... (every candidate: " all ")" }
        table && ++n > 10 { next }
        /^\(device: the mean/ { skip = 1 }
        skip { skip = !/^$/; next }
        { print }' "$D/$b.txt"
    if "$MLQ" info "$D/$b.json" --target "$b" | grep -q '^target .*: fits'; then
        echo "  the chosen model, $D/$b.json, fits $b (mlq info --target $b)"
    else
        echo "  FAIL: mlq info --target $b says the chosen model does not fit"
        status=1
    fi
    echo
done
echo "pictures: $D/m0.svg, $D/uno.svg (device accuracy against flash; open in a browser)"
exit "$status"
