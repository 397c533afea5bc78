#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# cli_json.sh -- --json on train, info, predict, compare and split: one JSON
# document on one line of stdout, valid even for a model path with a quote,
# a backslash, a newline or bytes that are not UTF-8, and for scores that
# are not finite (null); every value agrees with the text output and with
# the files written: compare's confusion matrix and per-class precision and
# recall against the predictions, info's fields and --target estimate
# against its text, split's counts against the files.
#
#   MLQ=build/mlq bash tests/cli_json.sh
. "$(dirname "$0")/cli_lib.sh"

# check NAME PYTHON-CODE FILE [ARGS...]: FILE holds exactly one line, a JSON
# document j (strict: no NaN or Infinity); PYTHON-CODE (which sees j,
# sys.argv[2:] as args and t(path) to read a text file) must not raise.
check() {
    local name=$1 code=$2 file=$3
    shift 3
    if [ "$(wc -l <"$file")" -ne 1 ]; then
        bad "$name: $(wc -l <"$file") lines of JSON, want 1: $(head -c 300 "$file")"
        return
    fi
    if /usr/bin/python3 - "$file" "$@" 2>"$T/py.err" <<EOF; then ok; else bad "$name: $(tail -n 3 "$T/py.err")"; fi
import json, sys
def strict(c):
    raise ValueError("not JSON: " + c)
j = json.loads(open(sys.argv[1], encoding="utf-8", errors="strict").read(), parse_constant=strict)
args = sys.argv[2:]
def t(p):
    return open(p).read()
$code
EOF
}

# insn_check NAME FILE FEATURES: compare --json's work_steps and insn_estimate, the
# latter bench/costs.tsv's c0 + c1 w0 + c2 w1 + c3 D for every core with a model of the
# kernel (those without one have no entry), as info --target gives it without rows.
insn_check() {
    check "$1" '
w, d = j["work_steps"], int(args[0])
assert len(w) == 2 and w[0] > 0 and w[1] > 0, w
rows = [l.rstrip("\n").split("\t") for l in open(args[1]) if not l.startswith("#")]
want = {}
for r in rows:
    if r[1] == j["kernel"] and len(r) == 8 and r[4] != "-":
        c = list(map(float, r[4:]))
        want[r[0]] = max(0.0, c[0] + c[1] * w[0] + c[2] * w[1] + c[3] * d)
assert sorted(j["insn_estimate"]) == sorted(want), (j["insn_estimate"], want)
for core, v in want.items():
    assert abs(j["insn_estimate"][core] - v) <= 1e-5 * max(1.0, v), (core, j["insn_estimate"], v)
' "$2" "$3" "$ROOT/bench/costs.tsv"
}

"$MLQ" split "$ROOT/data/iris.csv" --train "$T/tr.csv" --test "$T/te.csv" --quiet
"$MLQ" split "$ROOT/data/wine.csv" --train "$T/wtr.csv" --test "$T/wte.csv" --quiet

# ---- split --json against the files ------------------------------------------------
"$MLQ" split "$ROOT/data/iris.csv" --train "$T/a.csv" --test "$T/b.csv" --seed 3 --test-size 0.2 --json --quiet >"$T/split.json"
check "split --json" '
assert j["rows"] == 150 and j["seed"] == 3 and j["test_size"] == 0.2 and j["label"] == "label", j
assert j["train"] == {"path": args[0], "rows": 120} and j["test"] == {"path": args[1], "rows": 30}, j
assert j["train"]["rows"] == len(t(args[0]).splitlines()) - 1 and j["test"]["rows"] == len(t(args[1]).splitlines()) - 1
assert [c["class"] for c in j["classes"]] == ["0", "1", "2"], j["classes"]
for c in j["classes"]:
    assert (c["train"], c["test"]) == (40, 10), c
' "$T/split.json" "$T/a.csv" "$T/b.csv"

# ---- train --json against the model file -------------------------------------------
fixture onec.csv 'a,b,c,label\n1,7,2,x\n2,7,2,y\n8,7,9,x\n9,7,9,y\n'
"$MLQ" train kmeans --k 2 --data "$T/onec.csv" --out "$T/onec.json" --json --quiet >"$T/train.json"
check "train --json" '
m = json.load(open(args[0]))
assert j["model"] == args[0] and j["algorithm"] == "kmeans" and j["data"] == args[1], j
assert j["rows"] == 4 and j["features"] == 3 and j["feature_names"] == ["a", "b", "c"], j
assert j["label"] == "label" and j["classes"] == ["x", "y"] and j["outputs"] == 2 and j["seed"] == 1, j
assert j["hyperparameters"] == m["hyperparameters"] and j["training"] == m["training"], (j, m)
assert j["constant_features"] == ["b"] and j["input_range"] == m["scaling"]["input_range"], j
' "$T/train.json" "$T/onec.json" "$T/onec.csv"

# ---- a hostile model path: quote, backslash, newline, not UTF-8 ---------------------
D="$T/q\"uo\\te
line"$'\xff'
mkdir -p "$D"
"$MLQ" train tree --data "$T/tr.csv" --out "$D/m.json" --json --quiet >"$T/t.json" 2>"$T/stderr" && ok || bad "train into $D: $(cat "$T/stderr")"
want=$(printf '%s' "$D/m.json" | /usr/bin/python3 -c 'import sys; print(sys.stdin.buffer.read().decode("utf-8", "replace"))')
check "train --json, hostile path" 'assert j["model"] == args[0], (j["model"], args[0])' "$T/t.json" "$want"
"$MLQ" compare "$D/m.json" "$T/te.csv" --json >"$T/c.json"
check "compare --json, hostile path" 'assert j["model"] == args[0] and j["rows"] == 45, j' "$T/c.json" "$want"
"$MLQ" info "$D/m.json" --json >"$T/i.json"
check "info --json, hostile path" 'assert j["model"] == args[0], j' "$T/i.json" "$want"
"$MLQ" predict "$D/m.json" "$T/te.csv" --json >"$T/p.json"
check "predict --json, hostile path" 'assert j["model"] == args[0] and len(j["rows"]) == 45, j' "$T/p.json" "$want"
# Class and feature names with quotes and backslashes come back byte for byte.
{
    printf '%s\n' '"f""1",f\2,label'
    for i in 0 1 2 3 4 5; do printf '%d,%d,%s\n' "$i" "$((i % 2))" '"a ""b"" \c"'; printf '%d,%d,%s\n' "$((i + 9))" "$((i % 3))" 'd'; done
} >"$T/names.csv"
"$MLQ" train tree --data "$T/names.csv" --out "$T/names.json" --json --quiet >"$T/n.json"
check "train --json, names" 'assert j["feature_names"] == ["f\"1", "f\\2"] and j["classes"] == ["a \"b\" \\c", "d"], j' "$T/n.json"

# ---- scores that are not finite: null ------------------------------------------------
"$MLQ" train kmeans --k 3 --data "$T/tr.csv" --out "$T/km.json" --quiet
awk -F, 'NR == 1 { print; next } NR < 5 { printf "1e300,%s,%s,%s,%s\n", $2, $3, $4, $5; next } { print }' "$T/te.csv" >"$T/far.csv"
"$MLQ" predict "$T/km.json" "$T/far.csv" --scores | head -n 1 | grep -q -- '-inf' && ok || bad "far rows: no -inf score in the text"
"$MLQ" predict "$T/km.json" "$T/far.csv" --scores --json >"$T/p.json"
check "predict --json, -inf scores" '
r = j["rows"]
assert r[0]["scores"] == [None, None, None] and r[0]["line"] == 2, r[0]
assert all(isinstance(v, float) for v in r[5]["scores"]), r[5]
' "$T/p.json"
"$MLQ" compare "$T/km.json" "$T/far.csv" --json >"$T/c.json"
check "compare --json, far rows" 'assert j["rows"] == 45, j' "$T/c.json"

# ---- predict --json against the text ---------------------------------------------------
"$MLQ" train forest --data "$T/tr.csv" --out "$T/f.json" --quiet
for dev in "" --device; do
    # shellcheck disable=SC2086
    "$MLQ" predict "$T/f.json" "$T/te.csv" --scores --proba $dev >"$T/p.txt"
    # shellcheck disable=SC2086
    "$MLQ" predict "$T/f.json" "$T/te.csv" --scores --proba --ids $dev >"$T/pi.txt"
    # shellcheck disable=SC2086
    "$MLQ" predict "$T/f.json" "$T/te.csv" --scores --proba --json $dev >"$T/p.json"
    check "predict --json $dev" '
text, ids = t(args[0]).splitlines(), t(args[1]).splitlines()
device = args[2] == "--device"
assert j["device"] == device and j["data"] == args[3] and len(j["rows"]) == len(text) == 45, j["device"]
for k, (r, a, b) in enumerate(zip(j["rows"], text, ids)):
    a, b = a.split(), b.split()
    assert r["line"] == k + 2 and r["class"] == a[0] and str(r["id"]) == b[0], (r, a, b)
    if device:
        assert [int(v) for v in a[1:]] == r["scores"] + r["proba"], (r, a)
        assert sum(r["proba"]) == 32768, r
    else:
        assert all(abs(float(v) - w) <= 1e-5 * max(1, abs(w)) for v, w in zip(a[1:], r["scores"] + r["proba"])), (r, a)
' "$T/p.json" "$T/p.txt" "$T/pi.txt" "${dev:--}" "$T/te.csv"
done

# ---- compare --json: the keys scripts read, the confusion matrix, precision and recall -----
keys='model algorithm rows agreement scores max_score_diff median_score_diff p99_score_diff host_argmax_agreement
device_argmax_agreement coefficients clipped flash_bytes predict_flash_bytes work_bytes kernel flash_estimate
work_steps insn_estimate'
"$MLQ" train svm --data "$T/wtr.csv" --out "$T/svm.json" --quiet
"$MLQ" train mlp --hidden 8 --bits 8 --data "$T/wtr.csv" --out "$T/mlp.json" --quiet
for m in svm mlp; do
    "$MLQ" compare "$T/$m.json" "$T/wte.csv" --json >"$T/c.json"
    "$MLQ" compare "$T/$m.json" "$T/wte.csv" >"$T/c.txt"
    "$MLQ" predict "$T/$m.json" "$T/wte.csv" --ids >"$T/host.txt"
    "$MLQ" predict "$T/$m.json" "$T/wte.csv" --ids --device >"$T/dev.txt"
    check "compare --json $m" '
keys, text = args[0].split(), t(args[1])
for k in keys + ["host_accuracy", "device_accuracy", "classes", "confusion", "per_class"]:
    assert k in j, k
assert j["algorithm"] == args[5] and j["rows"] == 53 and j["classes"] == ["0", "1", "2"], j
if args[5] == "mlp":
    for k in ("max_proba_diff", "median_proba_diff", "p99_proba_diff"):
        assert k in j, k
y = [l.split(",")[-1] for l in t(args[4]).splitlines()[1:]]
y = [j["classes"].index(v) for v in y]
host = [int(v) for v in t(args[2]).split()]
dev = [int(v) for v in t(args[3]).split()]
cm = [[sum(1 for a, b in zip(y, dev) if a == r and b == c) for c in range(3)] for r in range(3)]
assert j["confusion"] == cm, (j["confusion"], cm)
assert "%.2f%%" % (100 * j["device_accuracy"]) in text and "%.2f%%" % (100 * j["agreement"]) in text
assert abs(j["agreement"] - sum(a == b for a, b in zip(host, dev)) / 53) < 1e-6
for c, pc in enumerate(j["per_class"]):
    assert pc["class"] == j["classes"][c] and pc["support"] == y.count(c), pc
    for side, p in (("host", host), ("device", dev)):
        tp = sum(1 for a, b in zip(y, p) if a == b == c)
        pred, act = sum(1 for b in p if b == c), y.count(c)
        want = round(tp / pred, 6) if pred else None
        assert pc[side + "_precision"] == (None if want is None else float("%.6g" % (tp / pred))), (pc, tp, pred)
        assert pc[side + "_recall"] == float("%.6g" % (tp / act)), (pc, tp, act)
# the text table is the same matrix
rows = text.split("by true class (rows):")[1].splitlines()[2:5]
assert [[int(v) for v in r.split()[1:]] for r in rows] == cm, rows
assert "%d (m4)" % j["flash_estimate"]["m4"] in text and "%d (m0)" % j["flash_estimate"]["m0"] in text
' "$T/c.json" "$keys" "$T/c.txt" "$T/host.txt" "$T/dev.txt" "$T/wte.csv" "$m"
    insn_check "compare --json $m, instructions" "$T/c.json" 13
done
# Clustering: a confusion matrix of classes x clusters and no per-class precision.
"$MLQ" compare "$T/km.json" "$T/te.csv" --json >"$T/c.json"
check "compare --json kmeans" '
assert "per_class" not in j and "host_purity" in j and len(j["confusion"]) == 3, j
assert sum(map(sum, j["confusion"])) == 45 and all(len(r) == 3 for r in j["confusion"]), j["confusion"]
assert j["work_steps"] == [12, 3], j["work_steps"]
' "$T/c.json"
insn_check "compare --json kmeans, instructions" "$T/c.json" 4
# Regression: the same fields (ridge regression: one weight row of the 10 features).
"$MLQ" split "$ROOT/data/diabetes.csv" --train "$T/dtr.csv" --test "$T/dte.csv" --quiet
"$MLQ" train linear --task regress --data "$T/dtr.csv" --out "$T/ridge.json" --quiet
"$MLQ" compare "$T/ridge.json" "$T/dte.csv" --json >"$T/c.json"
check "compare --json regression" 'assert j["task"] == "regress" and j["work_steps"] == [10, 1], j' "$T/c.json"
insn_check "compare --json regression, instructions" "$T/c.json" 10
# Anomaly detection: false alarms; no labels: no metric and no matrix.
"$MLQ" train gmm --components 1 --anomaly-percentile 5 --data "$T/tr.csv" --out "$T/ga.json" --quiet
"$MLQ" compare "$T/ga.json" "$T/te.csv" --json >"$T/c.json"
check "compare --json anomaly" '
for k in ("host_detection", "device_detection", "host_false_alarm", "device_false_alarm"):
    assert 0 <= j[k] <= 1, k
assert [len(r) for r in j["confusion"]] == [2, 2, 2], j["confusion"]
' "$T/c.json"
cut -d, -f1-4 "$T/te.csv" >"$T/nolabel.csv"
"$MLQ" compare "$T/km.json" "$T/nolabel.csv" --json >"$T/c.json"
check "compare --json without labels" '
assert "confusion" not in j and "host_purity" not in j and j["rows"] == 45, j
' "$T/c.json"

# ---- info --json carries everything info prints --------------------------------------
"$MLQ" train forest --trees 30 --max-depth 12 --data "$T/wtr.csv" --out "$T/big.json" --quiet
for m in f big km ga; do
    for target in "" "--target uno" "--target m0 --flash 2000 --ram 100"; do
        # shellcheck disable=SC2086
        "$MLQ" info "$T/$m.json" $target >"$T/i.txt"
        # shellcheck disable=SC2086
        "$MLQ" info "$T/$m.json" $target --json >"$T/i.json"
        check "info --json $m $target" '
lines = t(args[0]).splitlines()
def field(label):
    hit = [l[18:] for l in lines if l[:18].rstrip() == label]
    assert len(hit) == 1, (label, lines)
    return hit[0]
m = json.load(open(args[1]))
assert field("model") == j["model"] == args[1] and field("algorithm") == j["algorithm"]
assert field("trained on") == "%s (%d rows), seed %d" % (j["data"], j["rows"], j["seed"])
assert field("features") == str(j["features"]) and j["feature_names"] == m["feature_names"]
if j["classes"]:
    assert field("classes").endswith(" ".join("%d=%s" % c for c in enumerate(j["classes"])))
assert json.loads(field("hyperparameters")) == j["hyperparameters"] == m["hyperparameters"]
assert json.loads(field("training")) == j["training"] == m["training"]
assert field("input range").startswith("%g " % j["input_range"])
for label, text in j["device"].items():
    assert field(label.replace("_", " ")) == text, (label, text)
assert field("device flash").startswith("%d bytes of constants" % j["flash_bytes"])
assert ("%d of them" % j["predict_flash_bytes"] in field("device flash")) == (j["flash_bytes"] != j["predict_flash_bytes"])
est = field("firmware flash")
for core, v in j["flash_estimate"].items():
    assert "%d (%s)" % (v, core) in est, (core, v, est)
assert "constants %d " % j["predict_flash_bytes"] in est
assert field("quantized") == "%d coefficients, %d saturated" % (j["coefficients"], j["clipped"])
n_device = sum(1 for l in lines if l[:18].rstrip().replace(" ", "_") in j["device"])
assert n_device == len(j["device"]) and len(j["device"]) >= 3, j["device"]
if len(args) < 3:
    assert "target" not in j
else:
    g = j["target"]
    assert g["board"] == args[2] and g["measured"], g
    assert field("target") == "%s, %s: %s" % (g["board"], g["description"], "fits" if g["fits"] else "DOES NOT FIT")
    assert field("  flash") == "about %d of %d bytes (constants %d + code %d)" % (g["flash"], g["flash_budget"], g["constants"], g["code"])
    assert g["flash"] == g["constants"] + g["code"] and g["sram"] == g["stack"] + g["scratch"] + g["input"], g
    assert field("  SRAM") == "about %d of %d bytes (stack %d + scratch %d + input %d), no static RAM" % (g["sram"], g["sram_budget"], g["stack"], g["scratch"], g["input"])
    unit = "cycles" if args[2] in ("uno", "mega") else "instructions"
    assert g["insn_unit"] == unit, g
    if g["insns"] is None:
        assert field("  per inference") == "no cost model of %s on this core (make bench fits it)" % j["kernel"]
    else:
        n, rest = field("  per inference").split(" ", 2)[1:]
        assert rest == unit + " (NAME_predict, from the cost model make bench fitted)", rest
        assert abs(int(n) - g["insns"]) <= max(0.5, 1e-5 * g["insns"]), (n, g["insns"])
    if g["fits"]:
        assert g["too_large_by"] is None and g["advice"] is None and not [l for l in lines if "too large" in l]
    else:
        assert field("  too large by") == "%s; to make it smaller: %s" % (g["too_large_by"], g["advice"])
' "$T/i.json" "$T/i.txt" "$T/$m.json" $(printf '%s' "$target" | awk '{ print $2 }')
    done
done
# The Uno and the 30-tree forest: does not fit, and says why in both forms.
"$MLQ" info "$T/big.json" --target uno --flash 1000 --json >"$T/i.json"
check "info --json, too large" '
g = j["target"]
assert g["fits"] is False and g["flash_budget"] == 1000 and g["too_large_by"].startswith("%d bytes of flash" % (g["flash"] - 1000)), g
assert g["advice"].startswith("fewer or shallower trees"), g
assert g["code_estimated"] is False, g
' "$T/i.json"
# The code layout: its own code, estimated, and no constants.
"$MLQ" info "$T/big.json" --target m0 --layout code --json >"$T/i.json"
check "info --json --layout code" '
g = j["target"]
assert g["code_estimated"] is True and g["constants"] == 0 and g["flash"] == g["code"] > 0, g
' "$T/i.json"

finish cli_json
