#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# cli_select.sh -- mlq cv and mlq select as a user meets them: every bad
# input (one line each, its exit code, no file written), a seeded
# cross-validation of iris fold by fold, grouped folds on vowel, regression,
# the model select picks on iris, its model file, its picture (well-formed
# SVG with the budget line), --time, and --measure on the emulated board.
#
#   MLQ=build/mlq bash tests/cli_select.sh
. "$(dirname "$0")/cli_lib.sh"
PY=/usr/bin/python3
D=$ROOT/data
M=$T/m.json
S=$T/p.svg

# ---- cv: bad input --------------------------------------------------------------
awk 'NR > 1 { print int((NR - 2) / 50) }' "$D/iris.csv" >"$T/g3.txt"  # one group per class
head -n 100 "$T/g3.txt" >"$T/g100.txt"
fixture few.csv 'a,b,label\n1,2,x\n2,1,x\n3,3,x\n4,1,y\n5,5,y\n6,2,y\n7,7,z\n8,1,z\n'
expect 1 "$T/g100.txt: fewer group ids for the 150 rows of $D/iris.csv (one per row, in order)" - -- \
    "$MLQ" cv tree --data "$D/iris.csv" --groups "$T/g100.txt"
expect 1 "$T/g3.txt: 3 groups cannot make 5 folds (a group stays in one fold): use --folds 3 or fewer" - -- \
    "$MLQ" cv tree --data "$D/iris.csv" --groups "$T/g3.txt"
expect 1 "$D/iris.csv: class '0' has no row in fold 2 of 3 (it is in 1 group): every fold must hold every class; use fewer folds" - -- \
    "$MLQ" cv tree --data "$D/iris.csv" --groups "$T/g3.txt" --folds 3
expect 1 "$T/few.csv: class 'z' has no row in fold 2 of 3 (it is in 2 rows): every fold must hold every class; use fewer folds" - -- \
    "$MLQ" cv tree --data "$T/few.csv" --folds 3
expect 2 "cv: --folds: '1' is not a whole number from 2 to 1000000000" - -- "$MLQ" cv tree --data "$D/iris.csv" --folds 1
expect 2 "cv: --folds: '2.5' is not a whole number from 2 to 1000000000" - -- "$MLQ" cv tree --data "$D/iris.csv" --folds 2.5
expect 1 "$D/iris.csv: 151 folds for 150 rows: --folds must be from 2 to the number of rows" - -- \
    "$MLQ" cv tree --data "$D/iris.csv" --folds 151
expect 1 "$D/iris.csv: 1000000000 folds for 150 rows: --folds must be from 2 to the number of rows" - -- \
    "$MLQ" cv tree --data "$D/iris.csv" --folds 1e9
expect 2 "cv: --target 'esp32' is not a board mlq knows (uno, mega, m0, m4, rv32)" - -- \
    "$MLQ" cv tree --data "$D/iris.csv" --target esp32
expect 2 "cv: this kmeans model clusters: cross-validation needs a classifier or a regressor (gmm classifies with --per-class)" - -- \
    "$MLQ" cv kmeans --k 3 --data "$D/iris.csv"
expect 2 "cv: this gmm model detects anomalies: cross-validation needs a classifier or a regressor (gmm classifies with --per-class)" - -- \
    "$MLQ" cv gmm --components 1 --anomaly-percentile 5 --data "$D/iris.csv"
expect 2 "cv: unknown algorithm 'bogus' (see 'mlq help train')" - -- "$MLQ" cv bogus --data "$D/iris.csv"
expect 2 "cv: which algorithm? (see 'mlq help cv')" - -- "$MLQ" cv --data "$D/iris.csv"
expect 2 "cv: --data is required" - -- "$MLQ" cv tree
expect 2 "cv svm: --epsilon is for regression (--task regress), and this is classification (add --task regress)" - -- \
    "$MLQ" cv svm --epsilon 1 --data "$D/iris.csv"
expect 1 "$T/few.csv:1: label column 'nope' is not in the header" - -- "$MLQ" cv tree --data "$T/few.csv" --label nope
# A fold whose model fails names the fold: a repeated row, no variance to keep a covariance positive.
fixture dup.csv 'a,b,label\n1,1,0\n1,1,0\n1,1,0\n1,1,0\n2,2,1\n2,2,1\n2,2,1\n2,2,1\n'
expect 1 "$T/dup.csv: field 'gmm.covariances': * --reg-covar (fold 1 of 2)" - -- "$MLQ" cv gmm --per-class --components 1 --reg-covar 0 --data "$T/dup.csv" --folds 2

# ---- cv: figures -------------------------------------------------------------------
# Seeded folds of iris (stratified, 30 rows each) and a depth-4 tree: these accuracies, fold by fold.
"$MLQ" cv tree --data "$D/iris.csv" --max-depth 4 --seed 1 --json >"$T/cv.json" || bad "cv tree --json"
"$MLQ" cv tree --data "$D/iris.csv" --max-depth 4 --seed 1 --json | cmp -s - "$T/cv.json" && ok ||
    bad "cv is not deterministic for a seed"
$PY - "$T/cv.json" <<'EOF' && ok || bad "cv tree on iris: $(head -c 400 "$T/cv.json")"
import json, statistics, sys
d = json.load(open(sys.argv[1]))
f = d["per_fold"]
assert [x["device_accuracy"] for x in f] == [0.933333, 0.966667, 0.866667, 1, 0.933333], f
assert [x["host_accuracy"] for x in f] == [x["device_accuracy"] for x in f]
assert [x["test_rows"] for x in f] == [30] * 5 and [x["train_rows"] for x in f] == [120] * 5
assert all(x["agreement"] == 1 and x["fits"] and x["flash"] > 300 for x in f)
acc = [x["device_accuracy"] for x in f]
assert abs(d["mean"]["device_accuracy"] - statistics.mean(acc)) < 1e-5
assert abs(d["sd"]["device_accuracy"] - statistics.stdev(acc)) < 1e-5  # n - 1
assert d["folds"] == 5 and d["seed"] == 1 and d["target"] == "m4" and d["groups"] is None
assert d["hyperparameters"]["max-depth"] == 4
EOF
"$MLQ" cv tree --data "$D/iris.csv" --max-depth 4 --seed 2 --json | cmp -s - "$T/cv.json" && bad "cv: another seed, the same folds" || ok
# The text report: a line per fold, the mean and the sd.
"$MLQ" cv tree --data "$D/iris.csv" --max-depth 4 >"$T/cv.txt" 2>"$T/err.txt" || bad "cv tree (text)"
grep -q '^3  *120  *30  *86.67%  *86.67%  *100.00%' "$T/cv.txt" && grep -q '^mean  *120  *30  *94.00%  *94.00%' "$T/cv.txt" &&
    grep -q '^sd  .*4.94  *4.94' "$T/cv.txt" && [ ! -s "$T/err.txt" ] && ok || bad "cv text: $(cat "$T/cv.txt")"
# Grouped by speaker: 15 speakers of 66 rows in 5 folds, 3 speakers a fold.
"$MLQ" cv linear --data "$D/vowel.csv" --groups "$D/vowel.groups.txt" --target uno --json >"$T/cvg.json" || bad "cv --groups"
$PY - "$T/cvg.json" <<'EOF' && ok || bad "cv --groups on vowel: $(head -c 400 "$T/cvg.json")"
import json, sys
d = json.load(open(sys.argv[1]))
assert [x["test_rows"] for x in d["per_fold"]] == [198] * 5
assert d["groups"].endswith("vowel.groups.txt") and d["n_groups"] == 15 and d["target"] == "uno"
assert 0.4 < d["mean"]["device_accuracy"] < 0.6
EOF
# Regression: plain folds, R^2 and MAE, and host against device as a share of the range.
"$MLQ" cv linear --task regress --data "$D/diabetes.csv" --folds 4 --json >"$T/cvr.json" || bad "cv --task regress"
$PY - "$T/cvr.json" <<'EOF' && ok || bad "cv regression: $(head -c 400 "$T/cvr.json")"
import json, sys
d = json.load(open(sys.argv[1]))
f = d["per_fold"]
assert d["task"] == "regress" and len(f) == 4
assert sum(x["test_rows"] for x in f) == 442 and all(110 <= x["test_rows"] <= 111 for x in f)
assert all(abs(x["host_r2"] - x["device_r2"]) < 1e-3 and x["p99_diff_of_range"] < 1e-3 for x in f)
assert 0.4 < d["mean"]["device_r2"] < 0.55 and 40 < d["mean"]["device_mae"] < 50
EOF

# ---- help --------------------------------------------------------------------------
for c in cv select; do
    "$MLQ" "$c" --help >"$T/h.txt" && "$MLQ" help "$c" | cmp -s - "$T/h.txt" && head -n 1 "$T/h.txt" | grep -q "^usage: mlq $c .*--data DATA.csv" &&
        ok || bad "help of $c: $(head -n 3 "$T/h.txt")"
done
"$MLQ" cv svm --help >"$T/h.txt" && head -n 1 "$T/h.txt" | grep -q '^usage: mlq cv svm --data DATA.csv .* \[options of svm\]$' &&
    grep -q '^Options of svm' "$T/h.txt" && grep -q '^Options of cv:' "$T/h.txt" && ok || bad "mlq cv svm --help: $(head -n 3 "$T/h.txt")"
"$MLQ" help select | tr '\n' ' ' | tr -s ' ' | grep -qF 'mlp --hidden 16|32|64|128 --bits 8|16' && ok || bad "select's help lacks its grid"

# ---- select: bad input --------------------------------------------------------------
expect 1 "select: no candidate fits uno (300 bytes of flash, 2048 of SRAM): the closest is tree --max-depth 3 --min-samples-leaf 1, over by * bytes of flash" "$M" -- \
    "$MLQ" select --data "$D/iris.csv" --target uno --max-flash 300 --algos tree,linear --out "$M" --plot "$S"
[ -e "$S" ] && bad "select wrote a picture when nothing fits" || ok
expect 1 "select: no candidate fits m0 (262144 bytes of flash, 16384 of SRAM, 1 instructions): the closest is tree --max-depth 3 --min-samples-leaf 1, *" - -- \
    "$MLQ" select --data "$D/iris.csv" --target m0 --max-insns 1 --algos tree
expect 2 "select: --target is required" - -- "$MLQ" select --data "$D/iris.csv"
expect 2 "select: --target 'esp' is not a board mlq knows (uno, mega, m0, m4, rv32)" - -- \
    "$MLQ" select --data "$D/iris.csv" --target esp
expect 2 "select: --algos: 'kmeans' is not one of the algorithms select tries (linear, tree, forest, gmm, svm, mlp; separated by commas)" - -- \
    "$MLQ" select --data "$D/iris.csv" --target m0 --algos tree,kmeans
expect 2 "select: --algos gmm: none of them regresses (gmm does not)" - -- \
    "$MLQ" select --data "$D/diabetes.csv" --task regress --target m0 --algos gmm
expect 2 "select: --task: 'bogus' is not one of classify|regress" - -- "$MLQ" select --data "$D/iris.csv" --target m0 --task bogus
expect 2 "select: --measure: '0' is not a whole number from 1 to 100" - -- "$MLQ" select --data "$D/iris.csv" --target m0 --measure 0
expect 2 "select: --time: '0' is not a number of seconds above 0" - -- "$MLQ" select --data "$D/iris.csv" --target m0 --time 0
expect 2 "select: --max-flash: '0' is not a number of bytes from 1 to 4294967296" - -- \
    "$MLQ" select --data "$D/iris.csv" --target m0 --max-flash 0
expect 2 "select: --max-insns: '-5' is not a whole number from 1 to 1e15" - -- \
    "$MLQ" select --data "$D/iris.csv" --target m0 --max-insns=-5
expect 2 "select: --folds: '1' is not a whole number from 2 to 1000000000" - -- "$MLQ" select --data "$D/iris.csv" --target m0 --folds 1
expect 1 "select: --measure: MLQ_RUNNER=$T/none: no such file" - -- env MLQ_RUNNER="$T/none" "$MLQ" select --data "$D/iris.csv" --target m0 --measure 1
# The runner: not beside a copied mlq, failing, or printing no bench line; nothing written.
mkdir -p "$T/bin" && cp "$MLQ" "$T/bin/mlq"
expect 1 "select: --measure: cannot find the firmware runner examples/firmware/run next to this mlq (../ or ../../ from its folder): set MLQ_RUNNER to its path" - -- \
    env -u MLQ_RUNNER "$T/bin/mlq" select --data "$D/iris.csv" --target m0 --measure 1
printf '#!/bin/sh\necho "run: no toolchain here" >&2\nexit 3\n' >"$T/fail.sh"
printf '#!/bin/sh\n[ "$1" = rows ] || echo "no bench line"\n' >"$T/quiet.sh"
chmod +x "$T/fail.sh" "$T/quiet.sh"
expect 1 "select: --measure: rows of the data: the firmware runner failed (exit status 3): run: no toolchain here" "$M" -- \
    env MLQ_RUNNER="$T/fail.sh" "$MLQ" select --data "$D/iris.csv" --target m0 --algos tree --measure 1 --out "$M"
expect 1 "select: --measure: tree --max-depth 3 --min-samples-leaf 1: no bench line from the firmware runner" "$S" -- \
    env MLQ_RUNNER="$T/quiet.sh" "$MLQ" select --data "$D/iris.csv" --target m0 --algos tree --measure 1 --plot "$S"
expect 1 "$D/iris.csv: would overwrite the input file $D/iris.csv" - -- "$MLQ" select --data "$D/iris.csv" --target m0 --out "$D/iris.csv"
expect 1 "$S: would overwrite $S, another output of this command" "$S" -- "$MLQ" select --data "$D/iris.csv" --target m0 --out "$S" --plot "$S"
expect 1 "$T/g100.txt: fewer group ids for the 150 rows of $D/iris.csv (one per row, in order)" "$M" -- \
    "$MLQ" select --data "$D/iris.csv" --target m0 --groups "$T/g100.txt" --out "$M"
expect 1 "$T/g3.txt: 3 groups cannot make 5 folds (a group stays in one fold): use --folds 3 or fewer" "$M" -- \
    "$MLQ" select --data "$D/iris.csv" --target m0 --groups "$T/g3.txt" --out "$M"
# Without --task regress, diabetes' target is a label of 214 classes, most of one row.
expect 1 "$D/diabetes.csv: class '25' has no row in fold * of 5 (it is in 1 row): every fold must hold every class; use fewer folds" "$M" -- \
    "$MLQ" select --data "$D/diabetes.csv" --target m0 --out "$M"

# ---- select: the choice on iris ------------------------------------------------------
"$MLQ" select --data "$D/iris.csv" --target uno --algos tree,linear --out "$M" --plot "$S" --json >"$T/sel.json" \
    2>"$T/err.txt" || bad "select on iris: $(cat "$T/err.txt")"
$PY - "$T/sel.json" <<'EOF' && ok || bad "select on iris: $(head -c 600 "$T/sel.json")"
import json, sys
d = json.load(open(sys.argv[1]))
c = d["candidates"]
assert d["chosen"]["algorithm"] == "linear" and d["chosen"]["options"] == "--C 10", d["chosen"]
assert d["chosen"]["device_mean"] == 0.966667 and d["chosen"]["device_sd"] == 0.0333333
assert len(c) == 11 and d["tried"] == 11 and not d["stopped"]  # 3 linear, 8 tree
assert [x["rank"] for x in c] == list(range(1, 12)) and all(x["fits"] for x in c)
assert [(x["algorithm"], x["options"], x["device_mean"]) for x in c[:3]] == [
    ("linear", "--C 10", 0.966667), ("linear", "--C 1", 0.953333), ("tree", "--max-depth 3 --min-samples-leaf 1", 0.946667)]
acc = [x["device_mean"] for x in c]
assert acc == sorted(acc, reverse=True)
# Ties on accuracy: the smaller flash first.
assert all(a["flash"] <= b["flash"] for a, b in zip(c, c[1:]) if a["device_mean"] == b["device_mean"])
assert d["pareto_flash"][-1] == "linear --C 10" and d["pareto_flash"][0].startswith("tree --max-depth 3")
assert d["budget"] == {"flash": 32256, "sram": 2048, "insns": None} and d["target"] == "uno"
EOF
grep -q "^mlq: wrote $M: linear --C 10, trained on the 150 rows of $D/iris.csv" "$T/err.txt" &&
    grep -q "^mlq: select: 11 candidates, 5-fold cross-validation, .* 11 fit uno; chose linear --C 10: device accuracy 96.67% (sd 3.33), [0-9]* bytes of flash" \
        "$T/err.txt" && [ "$(wc -l <"$T/err.txt")" -eq 3 ] && ok || bad "select's stderr: $(cat "$T/err.txt")"
# The model file: what mlq train makes of the same options on every row, and mlq info reads it.
"$MLQ" info "$M" --target uno >"$T/info.txt" && grep -q '^target .*uno.*: fits' "$T/info.txt" && ok || bad "mlq info of select's model"
"$MLQ" train linear --C 10 --data "$D/iris.csv" --out "$T/same.json" --quiet
"$MLQ" predict "$M" "$D/iris.csv" --scores >"$T/a.txt" && "$MLQ" predict "$T/same.json" "$D/iris.csv" --scores >"$T/b.txt" &&
    cmp -s "$T/a.txt" "$T/b.txt" && ok || bad "select's model differs from mlq train's"
$PY -c 'import json, sys; s = json.load(open(sys.argv[1]))["training"]["select"]; sys.exit(not (s["folds"] == 5 and s["target"] == "uno" and abs(s["cv_device_accuracy"] - 0.966667) < 1e-5))' "$M" &&
    ok || bad "the model file's report of the selection"
# The picture: well-formed SVG, a point per candidate, the chosen one ringed, the budget line.
$PY - "$S" <<'EOF' && ok || bad "select's picture: $(head -c 300 "$S")"
import sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == ns + "svg"
points = [c for c in root.iter(ns + "circle") if c.get("class") in ("fits", "too-large")]
assert len(points) == 11 and all(c.get("class") == "fits" for c in points)
assert any(c.find(ns + "title").text.startswith("linear --C 10: 96.67") for c in points)
budget = [l for l in root.iter(ns + "line") if l.get("id") == "budget"]
assert len(budget) == 1 and budget[0].get("x1") == budget[0].get("x2")
assert "32256" in budget[0].find(ns + "title").text
assert len([c for c in root.iter(ns + "circle") if c.get("id") == "chosen"]) == 1
texts = " ".join(t.text or "" for t in root.iter(ns + "text"))
assert "flash (bytes" in texts and "device accuracy" in texts
EOF
# The text report: the table in rank order, the fronts, the choice.
"$MLQ" select --data "$D/iris.csv" --target uno --algos tree,linear >"$T/sel.txt" 2>/dev/null || bad "select (text)"
grep -q '^   1   96.67%    3.33   96.67% ' "$T/sel.txt" && grep -q '^Pareto front, device accuracy against flash' "$T/sel.txt" &&
    grep -q '^chosen      linear --C 10: device accuracy 96.67% (sd 3.33) over 5 folds' "$T/sel.txt" && ok ||
    bad "select text: $(cat "$T/sel.txt")"
# A budget that leaves some out: those listed as not fitting, with what is over.
"$MLQ" select --data "$D/iris.csv" --target uno --max-flash 1000 --algos tree,linear --json >"$T/sel2.json" 2>/dev/null ||
    bad "select --max-flash 1000"
$PY - "$T/sel2.json" <<'EOF' && ok || bad "select --max-flash: $(head -c 600 "$T/sel2.json")"
import json, sys
d = json.load(open(sys.argv[1]))
fit = [c for c in d["candidates"] if c["fits"]]
assert fit and all(c["algorithm"] == "tree" and c["flash"] <= 1000 for c in fit)
out = [c for c in d["candidates"] if not c["fits"]]
assert [c["rank"] for c in out] == [None] * len(out) and all(c["why"].startswith("over by ") for c in out)
assert d["chosen"]["algorithm"] == "tree" and d["budget"]["flash"] == 1000
EOF
# --time: stops after the first candidate, says so, and lists the others as not tried.
"$MLQ" select --data "$D/iris.csv" --target m4 --algos tree,linear --time 1e-9 --json >"$T/sel3.json" 2>"$T/err.txt" ||
    bad "select --time"
$PY -c 'import json, sys; d = json.load(open(sys.argv[1])); sys.exit(not (d["stopped"] and d["tried"] == 1 and sum(c["tried"] for c in d["candidates"]) == 1))' \
    "$T/sel3.json" && grep -q '^mlq: select: --time 1e-09: stopped after 1 of 11 candidates$' "$T/err.txt" && ok ||
    bad "select --time: $(cat "$T/err.txt")"
# Regression: ranked by device R^2.
"$MLQ" select --task regress --data "$D/diabetes.csv" --target m4 --algos linear,tree --json >"$T/selr.json" 2>/dev/null ||
    bad "select --task regress"
$PY - "$T/selr.json" <<'EOF' && ok || bad "select --task regress: $(head -c 600 "$T/selr.json")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["metric"] == "r2" and len(d["candidates"]) == 9
assert d["chosen"]["options"] == "--task regress --alpha 0.1" and d["chosen"]["device_mean"] == 0.493554
EOF

# ---- select --measure: the chosen tree on the emulated Cortex-M0 -----------------------------
# The plain build (MLQ_PLAIN): the runner builds its host tools beside the mlq it is called
# from, with that folder's flags, which a sanitized folder's libraries do not link with.
if command -v qemu-system-arm >/dev/null && command -v arm-none-eabi-gcc >/dev/null; then
    "$MLQ_PLAIN" select --data "$D/iris.csv" --target m0 --algos tree --measure 1 --json >"$T/selm.json" 2>"$T/err.txt" ||
        bad "select --measure: $(cat "$T/err.txt")"
    $PY - "$T/selm.json" <<'EOF' && ok || bad "select --measure: $(head -c 600 "$T/selm.json")"
import json, sys
d = json.load(open(sys.argv[1]))
m = d["measured"]
assert len(m) == 1 and m[0]["options"] == d["chosen"]["options"]
assert abs(m[0]["flash"] - m[0]["flash_estimate"]) <= 0.05 * m[0]["flash"]
assert 20 < m[0]["insns"] < 2000 and m[0]["stack"] > 0
EOF
else
    echo "cli_select: no QEMU for Cortex-M: --measure not run"
fi

finish cli_select
