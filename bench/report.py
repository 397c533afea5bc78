# SPDX-License-Identifier: MIT
"""bench/results.md: the tables of make bench (bench/bench.py) and the text
around them. Rows are added as the models are measured; markdown() writes
the document."""
import math
import os
import tempfile


def pct(v):
    """A share in [0, 1] as a percentage with two decimals."""
    return f"{100 * v:.2f}%"


def g(v):
    """A figure of `mlq compare --json` with 6 significant digits."""
    return f"{v:g}"


def mean_sd(values):
    """Mean and sample standard deviation (0 for one value) of a list of numbers."""
    n = len(values)
    mean = sum(values) / n
    return mean, math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1)) if n > 1 else 0.0


def field(fields, name):
    """Field name of the runner's bench line (insn_* is cycles_* on AVR); "-" for none."""
    if fields is None:
        return "-"
    v = fields.get(name, fields.get(name.replace("insn", "cycles")))
    return "-" if v is None else v


def agreement(pred, host):
    """Share of rows whose first words agree, as a percentage (lines of two predictions)."""
    n = max(len(pred), len(host))
    same = sum(1 for a, b in zip(pred, host) if a.split()[:1] == b.split()[:1])
    return pct(same / n) if n else "-"


# The targets of issue 19 for the estimates of `mlq info --target` (percent of the measurement).
FLASH_TARGET, INSN_TARGET = 5, 15


def insn_estimate(c, s):
    """The instruction model c (c0..c3 of bench/costs.tsv) on a bench.InsnSample s,
    as mlq_fit_insns (exporters/boards.c) computes it."""
    return max(0.0, c[0] + c[1] * s.w0 + c[2] * s.w1 + c[3] * s.d)


def board_label(b):
    return {"rv32": "RISC-V rv32imac", "uno": "AVR ATmega328P (cycles)",
            "mega": "AVR ATmega2560 (cycles)"}.get(b, f"Cortex-{b}")


def table(head, align, rows):
    """A markdown table: head (column names), align ("l" or "r" per column), rows (lists).
    A | in a name or cell (|x - y|) is escaped, so that it does not end the cell."""
    def line(cells):
        return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"
    return [line(head), "| " + " | ".join("---:" if a == "r" else "---" for a in align) + " |",
            *(line(r) for r in rows)]


def write(path, text):
    """Write text to path through a temporary file in the same folder."""
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path) or ".", prefix=os.path.basename(path) + ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


class Report:
    def __init__(self):
        self.accuracy, self.seeded, self.cost, self.outputs = [], [], [], []
        self.float_ref, self.estimates, self.unfit = [], [], []
        self.regress = []
        self.spread = []  # seeded regression models over seeds 0..9 and 0..99 (spread_row)
        self.selection = []  # mlq select on vowel, per board (selection_row)
        self.trees = []  # both layouts of every tree and forest (tree_layout_row)

    def regress_row(self, algo, ds, c, ref, seeded):
        """A row of the regression table: c is `mlq compare --json` on the test rows,
        ref scikit-learn's R^2 (a number, or None), seeded the host R^2 averaged over
        seeds 0..9 for models that draw random numbers (else None)."""
        host = seeded if seeded is not None else c["host_r2"]
        dr2 = abs(c["host_r2"] - c["device_r2"])
        p99 = c["p99_value_diff_of_range"]
        vs = "-" if ref is None else f"{host - ref:+.4f}"
        met = p99 <= 0.005 and dr2 <= 0.005 and (ref is None or abs(host - ref) <= 0.02)
        self.regress.append([
            algo, ds, c["rows"], f"{c['host_r2']:.4f}", f"{c['device_r2']:.4f}", f"{dr2:.5f}",
            "-" if seeded is None else f"{seeded:.4f}", "-" if ref is None else f"{ref:.4f}", vs,
            f"{g(c['host_mae'])} / {g(c['device_mae'])}",
            f"{100 * c['median_value_diff_of_range']:.4f}% / {100 * p99:.4f}%",
            c["saturated_rows"], f"{c['clipped']} of {c['coefficients']}", "yes" if met else "NO"])

    def spread_row(self, algo, ds, ours, ref):
        """A row of the seed spread table: mlq's and scikit-learn's R^2 for the
        same number of seeds (0..n-1), their means and sample standard
        deviations, and the difference of the means against its standard error
        (what the difference of two equally good estimators spreads by)."""
        n = len(ours)
        (m1, s1), (m2, s2) = mean_sd(ours), mean_sd(ref)
        se = math.sqrt((s1 * s1 + s2 * s2) / n)
        self.spread.append([algo, ds, f"0..{n - 1}", f"{m1:.4f} ({s1:.4f})", f"{m2:.4f} ({s2:.4f})",
                            f"{m1 - m2:+.4f}", f"{se:.4f}", f"{abs(m1 - m2) / se:.2f}" if se else "-"])

    def linear_vs_svm(self):
        """Rows comparing logistic regression (linear) with the linear SVM on
        Cortex-M4F: instructions and flash of the float entry, per dataset."""
        m4 = board_label("m4")
        cost = {(r[0], r[1]): (r[4], r[9]) for r in self.cost if r[3] == m4}
        rows = []
        for (algo, ds), (insn, flash) in cost.items():
            if algo != "linear" or ("svm_linear", ds) not in cost:
                continue
            s_insn, s_flash = cost[("svm_linear", ds)]
            ok = float(insn) < float(s_insn) and float(flash) < float(s_flash)
            rows.append([ds, insn, s_insn, flash, s_flash, "yes" if ok else "NO"])
        return rows

    def accuracy_row(self, algo, ds, c, metric, ref):
        proba = "-"
        if "median_proba_diff" in c:
            proba = f"{g(c['median_proba_diff'])} / {g(c['p99_proba_diff'])}"
        self.accuracy.append([
            algo, ds, c["rows"], pct(c["agreement"]), pct(c[f"host_{metric}"]),
            pct(c[f"device_{metric}"]), ref, f"{c['clipped']} of {c['coefficients']}",
            f"{g(c['median_score_diff'])} / {g(c['p99_score_diff'])}", proba,
            f"{pct(c['host_argmax_agreement'])} / {pct(c['device_argmax_agreement'])}"])

    def seeded_row(self, algo, ds, mean, ref):
        diff = "-"
        if ref.endswith("%"):
            diff = f"{100 * mean - float(ref[:-1]):+.2f}".replace("-0.00", "+0.00")
        self.seeded.append([algo, ds, pct(mean), ref, diff])

    def cost_rows(self, algo, ds, shape, b, target, line, q15, i16, have_i16, scores, proba,
                  have_proba):
        """The rows of the cost table and of the scores table for one model on board b."""
        f = field
        pr = ["-", "-", "-"]
        if have_proba:
            pr = [f(proba, "insn_per_inference"), f(proba, "flash_bytes"), f(proba, "stack_bytes")]
        self.outputs.append([algo, ds, board_label(b), f(line, "insn_per_inference"),
                             f(scores, "insn_per_inference"), f(scores, "flash_bytes"),
                             f(scores, "stack_bytes"), *pr])
        self.cost.append([algo, ds, shape, board_label(b), f(line, "insn_per_inference"), target,
                          f(q15, "insn_per_inference"),
                          f(i16, "insn_per_inference") if have_i16 else "-",
                          f(line, "empty_insn_per_call"), f(line, "flash_bytes"),
                          f(q15, "flash_bytes"), f(line, "ram_bytes"), f(line, "stack_bytes"),
                          f(q15, "stack_bytes")])

    def float_ref_row(self, algo, ds, b, ref, mlq, agree):
        r, m = ref["insn_per_inference"], mlq["insn_per_inference"]
        self.float_ref.append([algo, ds, board_label(b), r, m, f"{float(r) / float(m):.1f}x",
                               ref["flash_bytes"], mlq["flash_bytes"], agree])

    def estimate(self, algo, ds, b, core, c, line, sample=None):
        """A row of the estimate table, finished by markdown() with the kernel's code and
        instruction model; sample is the float entry's bench.InsnSample (None: no
        instruction figures)."""
        self.estimates.append((algo, ds, b, core, c["kernel"], c["predict_flash_bytes"],
                               int(line["flash_bytes"]), sample))

    def estimate_table(self, costs, insns=None):
        """The estimate table: costs {(core, kernel): (code, frame)}, insns {(core,
        kernel): (c0, c1, c2, c3)} as bench/costs.tsv has them."""
        rows, spread = [], {}
        bad = {"flash": [], "instructions": []}
        for algo, ds, b, core, kernel, constants, measured, s in self.estimates:
            code = costs[(core, kernel)][0]
            diff = 100 * (constants + code - measured) / measured
            worst = spread.setdefault(b, [0.0, None])
            worst[0] = max(worst[0], abs(diff))
            if abs(diff) > FLASH_TARGET:
                bad["flash"].append(f"{algo} {ds} {b}")
            row = [algo, ds, b, f"{constants} + {code}", measured, f"{diff:+.1f}%"]
            c = (insns or {}).get((core, kernel))
            if s is None or c is None:
                rows.append(row + ["-"] * 4)
                continue
            est = insn_estimate(c, s)
            idiff = 100 * (est - s.y) / s.y
            worst[1] = max(worst[1] or 0.0, abs(idiff))
            if abs(idiff) > INSN_TARGET:
                bad["instructions"].append(f"{algo} {ds} {b}")
            rows.append(row + [f"{g(round(s.w0, 1))} / {g(round(s.w1, 1))}", f"{est:.0f}",
                               f"{s.y:g}", f"{idiff:+.1f}%"])
        lines = table(["model", "dataset", "board", "flash estimate bytes (constants + code)",
                       "flash measured bytes", "difference", "work w0 / w1",
                       "instructions estimate", "instructions measured", "difference"],
                      "lllrrrrrrr", rows)
        summary = ", ".join(f"{b} {f:.1f}% / " + ("-" if i is None else f"{i:.1f}%")
                            for b, (f, i) in spread.items())
        met = "; ".join(f"{what} within {t}% on every row: " +
                        ("yes" if not bad[what] else "NO (" + ", ".join(bad[what]) + ")")
                        for what, t in (("flash", FLASH_TARGET), ("instructions", INSN_TARGET)))
        return lines + ["", f"Largest |difference| per board, flash / instructions: {summary}.", "",
                        f"Targets (issue 19): {met}."]

    def tree_layout_row(self, algo, ds, b, nodes, line, estimate, target):
        """A row of the tree layouts table: nodes visited per inference, line
        {"array"|"code": (q15 entry's bench fields, float entry's, marginal
        instructions per node or None)}, estimate the code layout's flash estimate
        with NAME_predict_q15 (or None), target (code per node, code instructions,
        array marginal per node), None for none; the per-node targets apply to
        classifiers (their vote included), not to regression."""
        def insn(layout, entry):
            return float(field(line[layout][entry], "insn_per_inference"))

        def pair(f, a, c):
            return f"{f(a)} / {f(c)}"

        per = {k: insn(k, 0) / nodes for k in ("array", "code")}
        checks = []
        if target[0] is not None and not algo.endswith("_reg"):
            checks.append(("code <= %d / node" % target[0], per["code"] <= target[0]))
        if target[1] is not None:
            checks.append((f"code <= {target[1]}", insn("code", 0) <= target[1]))
        if target[2] is not None and not algo.endswith("_reg") and line["array"][2] is not None:
            checks.append(("array marginal <= %d / node" % target[2], line["array"][2] <= target[2]))
        self.trees.append([
            algo, ds, board_label(b), f"{nodes:.2f}",
            pair(lambda k: f"{insn(k, 0):g}", "array", "code"),
            pair(lambda k: f"{per[k]:.2f}", "array", "code"),
            pair(lambda k: "-" if line[k][2] is None else f"{line[k][2]:.2f}", "array", "code"),
            pair(lambda k: f"{insn(k, 1):g}", "array", "code"),
            pair(lambda k: field(line[k][0], "flash_bytes"), "array", "code") +
            ("" if estimate is None else f" ({estimate})"),
            pair(lambda k: field(line[k][0], "stack_bytes"), "array", "code"),
            "; ".join(c for c, _ in checks) or "-",
            "-" if not checks else ", ".join("yes" if ok else "NO" for _, ok in checks)])

    def selection_row(self, board, s, seconds, cores):
        """A row of the model selection table: s is `mlq select --json` on vowel for
        board, seconds its wall time on a machine of `cores` cores. The targets (the
        Uno's row): the choice within 1 point of the best cross-validated device
        accuracy of any candidate that fits, and the search under 5 minutes."""
        best = max(c["device_mean"] for c in s["candidates"] if c.get("fits"))
        chosen = s["chosen"]
        gap = 100 * (best - chosen["device_mean"])
        met = "-" if board != "uno" else "met" if gap <= 1.0 and seconds < 300 else "**not met**"
        self.selection.append([board, s["tried"], sum(1 for c in s["candidates"] if c.get("fits")),
                               f"{seconds:.1f} ({cores} cores)", f"{chosen['algorithm']} {chosen['options']}",
                               f"{pct(chosen['device_mean'])} (sd {100 * chosen['device_sd']:.2f})", pct(best),
                               f"{gap:.2f}", met])

    def markdown(self, date, version, costs, frames, lmul, insns=None):
        """results.md: version is the tools' {arm, qemu, riscv64, avr: version},
        costs {(core, kernel): (code, frame)} of this run, frames {core: {function:
        bytes}}, lmul whether the Cortex-M0 k-means path calls __aeabi_lmul, insns
        the instruction model this run fitted ({(core, kernel): (c0, c1, c2, c3)})."""
        out = [INTRO.format(date=date, **version), *table(ACCURACY_HEAD, "ll" + "r" * 9, self.accuracy)]
        if self.seeded:
            out += [SEEDED, *table(SEEDED_HEAD, "llrrr", self.seeded)]
        if self.regress:
            out += [REGRESS, *table(REGRESS_HEAD, "ll" + "r" * 12, self.regress)]
        if self.spread:
            out += [SPREAD, *table(SPREAD_HEAD, "lll" + "r" * 5, self.spread)]
        versus = self.linear_vs_svm()
        if versus:
            out += [LINEAR_VS_SVM, *table(LINEAR_VS_SVM_HEAD, "lrrrrr", versus)]
        out += [COST, *table(COST_HEAD, "llllrl" + "r" * 8, self.cost)]
        if self.unfit:
            out += [UNFIT, *(f"- {u}" for u in self.unfit)]
        out += [ESTIMATE, *self.estimate_table(costs, insns)]
        if self.selection:
            out += [SELECTION, *table(SELECTION_HEAD, "lrrrlrrrl", self.selection)]
        if self.trees:
            out += [TREES, *table(TREES_HEAD, "lll" + "r" * 7 + "ll", self.trees)]
        out += [OUTPUTS, *table(OUTPUTS_HEAD, "lll" + "r" * 7, self.outputs)]
        if self.float_ref:
            out += [FLOAT_REF, *table(FLOAT_REF_HEAD, "lll" + "r" * 6, self.float_ref)]
        m0, m4 = frames["m0"], frames["m4"]
        out += [FRAMES, *table(["function", "Cortex-M0 bytes", "Cortex-M4F bytes"], "lrr",
                               [[fn, m0[fn], m4.get(fn, "-")] for fn in sorted(m0)]), ""]
        out += [LMUL if lmul else NO_LMUL, "RAM: every model is `const` (flash); the predict path uses "
                "no RAM besides the stack."]
        return "\n".join(out) + "\n"


# The text of results.md around the tables ({placeholders}: markdown()).
TREES = """
### Trees and forests: the array and the code layout (`mlq export --layout array|code`)

Every tree and forest above, exported in both layouts and timed on the same 8 test rows,
spread over the test set: through `NAME_predict_q15` (the integer entry) on the rows quantized
as the device quantizes them (checked against `mlq predict --device`), and through
`NAME_predict` (float). Nodes per inference: the split nodes those rows visit, summed over
the trees (`mlq compare --json`, work_steps: the trees' work hook). Per node: the integer
entry's instructions over those nodes, entry, per-tree work, vote and outputs included.
Marginal per node: the integer entry on the 4 rows that visit the most nodes less on the 4
that visit the fewest, over the difference of their nodes: what one more visited node costs
(the array layout's descent loop and the leaf's vote). Flash and stack: the integer entry's
firmware; in parentheses the code layout's estimate of `mlq info`. Targets (issue 20), on the
classifiers (a regression model's output conversion, some 80 instructions, is no vote): the
code layout at most 5 instructions per node on Cortex-M4F and 8 on Cortex-M0, forests at
most emlearn's inline int16 code on the same data (iris, wine, breast_cancer, digits: 107,
175, 198, 481 on Cortex-M4F, 173, 276, 344, 654 on Cortex-M0); the array layout at most 7
per visited node on Cortex-M4F (its descent loop: 8 instructions, read in the disassembly,
10 before).
"""
TREES_HEAD = ["model", "dataset", "board", "nodes / inference", "instructions q15, array / code",
              "per node, array / code", "marginal per node, array / code",
              "instructions float, array / code",
              "flash bytes q15, array / code (estimate)", "stack bytes q15, array / code", "targets",
              "met"]

SELECTION = """
## Model selection: `mlq select` on vowel, grouped by speaker

`mlq select --data data/vowel.csv --groups data/vowel.groups.txt --folds 5 --target BOARD`:
every candidate of select's grid (`mlq help select`) cross-validated over 5 folds that keep
each of the 15 speakers' rows in one fold, costed on the board, and the most accurate that
fits chosen. Targets (the Uno): the choice within 1 point of the best cross-validated device
accuracy of any candidate that fits, and the whole search in under 5 minutes on 2 cores (wall
time of this run, on this machine's cores). The choice is the best by construction (ranked by
that accuracy); the row shows it is so.
"""
SELECTION_HEAD = ["board", "candidates", "fit", "seconds", "chosen", "device accuracy (cv)",
                  "best that fits", "gap (points)", "targets"]

INTRO = """\
# mlq device benchmark

Generated by `make bench` ({date}, {arm}, {qemu}).
Each bundled dataset is split 70/30, stratified, seed 1; features are standardized
on the training part; models are trained with seed 1. **Instructions are executed
instructions** counted by QEMU (`-icount shift=0`, SysTick), per call of
`NAME_predict(const float *x)` (input quantization included), minus the same loop
calling an empty predictor. They are not cycles. Flash and RAM are the model build
minus the same firmware without the model (the input conversion's code included; on
cores without an FPU it is integer code, with no soft-float routine). Stack is measured
by painting: the deepest use of one predict call, the call site's frame included.
RISC-V rows: rv32imac (no FPU) in QEMU virt ({riscv64}, picolibc),
executed instructions counted by `instret`, over one pass of the rows. AVR rows: the
ATmega328P (Uno: 32 KiB flash, 2 KiB SRAM) when the firmware fits it, else the ATmega2560
(Mega), {avr} -Os, model constants in flash (PROGMEM), run in
simavr (libsimavr): their figures are **exact clock cycles**, not instructions; the Uno
holds 512 bytes of rows, so its wide datasets average fewer than 8 rows.

## Accuracy: host float model vs device fixed point (test rows)

Score differences are the largest |host - device| of a row's scores (`NAME_scores`, in the
unit each model's header states: log-likelihoods in nats, logits, negative squared distances,
votes, average leaf probabilities), probability differences the same for `NAME_proba` where
the model defines probabilities; median and 99th percentile over the test rows. The last
column is the share of rows whose largest score is the model's prediction, host and device.
"""
ACCURACY_HEAD = ["model", "dataset", "rows", "agreement", "host purity/acc.", "device purity/acc.",
                 "reference (scikit-learn)", "coefficients saturated", "score diff median / p99",
                 "proba diff median / p99", "argmax of scores = prediction (host / device)"]

SEEDED = """
Models that draw random numbers in training (feature order, bootstrap samples) depend on
the seed; their host accuracy averaged over seeds 0..9 against scikit-learn's over
random_state 0..9, same split, same hyperparameters:
"""
SEEDED_HEAD = ["model", "dataset", "mlq host, mean of 10 seeds", "scikit-learn, mean of 10 seeds",
               "difference (points)"]

REGRESS = """
## Regression: host float model vs device fixed point (test rows)

The regression variants of tests/pipeline.sh (`--task regress`) on each regression data set,
70/30 split (random: a continuous target has no classes), seed 1. R^2 is scikit-learn's
r2_score on the test rows; |host - device| is the difference of the predicted targets
(`mlq predict` against `mlq predict --device`, the latter NAME_predict's integer x
2^-NAME_Y_FRAC), as a share of the target's training range. Models that draw random numbers
in training give their host R^2 as the mean over seeds 0..9, against scikit-learn's over
random_state 0..9; the others against one fit. Targets (issue 18): p99 |host - device| <=
0.5% of the range, |host R^2 - device R^2| <= 0.005, host R^2 within 0.02 of scikit-learn's.
"""
REGRESS_HEAD = ["model", "dataset", "rows", "host R^2", "device R^2", "|difference|",
                "host R^2, mean of 10 seeds", "scikit-learn R^2", "mlq - scikit-learn",
                "MAE host / device", "|host - device| median / p99 of range", "saturated rows",
                "coefficients saturated", "targets met"]

SPREAD = """
### How far a seeded model's R^2 moves with the seed

The seeded rows above, mlq's R^2 over seeds 0..9 and 0..99 against scikit-learn's over
random_state 0..9 and 0..99, mean (sample standard deviation). The standard error is that of
the difference of the two means, sqrt((sd_mlq^2 + sd_sklearn^2) / seeds): two estimators of
equal quality differ by more than 1.96 of it one time in twenty. Where it is near the 0.02 of
issue 18's target, the 10-seed comparison cannot tell a gap of 0.02 from seed noise; the
100-seed one can.
"""
SPREAD_HEAD = ["model", "dataset", "seeds", "mlq R^2 mean (sd)", "scikit-learn R^2 mean (sd)",
               "difference", "standard error of the difference", "|difference| / standard error"]

LINEAR_VS_SVM = """
### Logistic regression against the linear SVM (Cortex-M4F)

Both are one dot product per class (the SVM one per class pair, with voting). Target (issue 18):
logistic regression takes fewer instructions and less flash than the linear SVM on the same
data (float entry).
"""
LINEAR_VS_SVM_HEAD = ["dataset", "instructions, logistic", "instructions, linear SVM",
                      "flash bytes, logistic", "flash bytes, linear SVM", "fewer and smaller"]

COST = """
## Cost on the device (QEMU; AVR in simavr)

Three entries: `NAME_predict(const float *x)` (float features, quantized on the device),
`NAME_predict_q15(const mlq_q15_t *x)` (input already in Q15: the kernel alone) and
`NAME_predict_i16(const int16_t *raw)` (raw integer features, no float; measured where the
dataset's features are integers). Each is timed in its own firmware, so each flash figure
holds the model's constants and only that entry's code. The float entry's stack includes
its D-element Q15 input buffer (2D bytes).
"""
COST_HEAD = ["model", "dataset", "K x D", "board", "instructions, float entry", "target",
             "instructions, q15 entry", "instructions, int16 entry", "empty loop / call",
             "flash bytes, float entry", "flash bytes, q15 entry", "RAM bytes",
             "stack bytes, float entry", "stack bytes, q15 entry"]

UNFIT = """
Not run on AVR (the firmware fits neither the Uno nor the Mega, or its constants but a
far array are more than the 64 KiB of flash a 16-bit pointer reaches, or than 32 KiB in
one array):
"""

ESTIMATE = """
### Estimates of `mlq info --target` against the measurement

Flash: `mlq info MODEL --target BOARD` (and `mlq export --target`, `mlq cv`, `mlq select`)
estimates the flash of the float entry as the model's constants (`predict_flash_bytes` of
`mlq compare --json`) plus the kernel's code on that core from bench/costs.tsv. This run
writes that file: per core and kernel, the largest of the float entry's flash less the
constants over the datasets, so the estimate is exact for the dataset that set that largest
code, and at or above the measurement for the others.

Instructions (AVR: cycles) of one `NAME_predict` call: c0 + c1 w0 + c2 w1 + c3 D from
bench/costs.tsv, with w the work of the call on the rows the board averaged over
(`work_steps` of `mlq compare --json`: multiply-accumulates or nodes visited, and outputs,
support vectors or rows; the GMM's replays its pruning on those rows) and D the features.
c3 is the core's cost of quantizing a feature (the slope over D of the float entry less the
q15 entry), c0..c2 >= 0 are fitted per core and kernel to minimise the largest relative
difference; a kernel with fewer than three models takes its classifier sibling's
coefficients, scaled. **The fit is in-sample**: this run fits the coefficients to these very
measurements and the table shows them against the same measurements, so the differences
are the model's fitting error, not its error on a model it has not seen. Difference:
(estimate - measured) / measured.
"""
OUTPUTS = """
### Scores and probabilities

`NAME_scores(const float *x, int32_t *out)` and `NAME_proba(const float *x, uint16_t *out)`
(where the model defines probabilities), each timed in its own firmware like the predict entry
(instructions per call, flash of the model and that entry, stack).
"""
OUTPUTS_HEAD = ["model", "dataset", "board", "instructions, predict", "instructions, scores",
                "flash bytes, scores", "stack bytes, scores", "instructions, proba",
                "flash bytes, proba", "stack bytes, proba"]

FLOAT_REF = """
### Float reference firmware

The same trained models predicted in single-precision float by plain C loops (each kernel
value computed once and shared by the pairs; newlib's expf; on Cortex-M0 the compiler's
soft-float library), timed the same way, float entry against float entry. Agreement is with
`mlq predict` (host, double) on the test rows.
"""
FLOAT_REF_HEAD = ["model", "dataset", "board", "instructions, float reference", "instructions, mlq",
                  "reference / mlq", "flash bytes, float reference", "flash bytes, mlq", "agreement"]

FRAMES = """
## Stack frames of the device library (arm-none-eabi-gcc -O2 -fstack-usage)
"""

LMUL = "Cortex-M0: the k-means kernel CALLS `__aeabi_lmul`."
NO_LMUL = ("Cortex-M0: the k-means kernel and its inner loop (`mlq_dot_q15`) call no 64-bit "
           "multiply helper (`__aeabi_lmul`).")
