# SPDX-License-Identifier: MIT
"""bench/results.md: the tables of make bench (bench/bench.py) and the text
around them. Rows are added as the models are measured; markdown() writes
the document."""
import os
import tempfile


def pct(v):
    """A share in [0, 1] as a percentage with two decimals."""
    return f"{100 * v:.2f}%"


def g(v):
    """A figure of `mlq compare --json` with 6 significant digits."""
    return f"{v:g}"


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


def board_label(b):
    return {"rv32": "RISC-V rv32imac", "uno": "AVR ATmega328P (cycles)",
            "mega": "AVR ATmega2560 (cycles)"}.get(b, f"Cortex-{b}")


def table(head, align, rows):
    """A markdown table: head (column names), align ("l" or "r" per column), rows (lists)."""
    lines = ["| " + " | ".join(head) + " |",
             "| " + " | ".join("---:" if a == "r" else "---" for a in align) + " |"]
    return lines + ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]


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

    def estimate(self, algo, ds, b, core, c, line):
        """A row of the flash estimate table, finished by markdown() with the kernel's code."""
        self.estimates.append((algo, ds, b, core, c["kernel"], c["predict_flash_bytes"],
                               int(line["flash_bytes"])))

    def estimate_table(self, costs):
        rows, spread = [], {}
        for algo, ds, b, core, kernel, constants, measured in self.estimates:
            code = costs[(core, kernel)][0]
            diff = 100 * (constants + code - measured) / measured
            spread[b] = max(spread.get(b, 0.0), abs(diff))
            rows.append([algo, ds, b, constants, code, constants + code, measured, f"{diff:+.1f}%"])
        lines = table(["model", "dataset", "board", "constants bytes", "kernel code bytes",
                       "estimate bytes", "measured bytes, float entry", "difference"], "lllrrrrr", rows)
        summary = ", ".join(f"{b} {s:.1f}%" for b, s in spread.items())
        return lines + ["", f"Spread, the largest |difference| per board: {summary}."]

    def markdown(self, date, version, costs, frames, lmul):
        """results.md: version is the tools' {arm, qemu, riscv64, avr: version},
        costs {(core, kernel): (code, frame)} of this run, frames {core: {function:
        bytes}}, lmul whether the Cortex-M0 k-means path calls __aeabi_lmul."""
        out = [INTRO.format(date=date, **version), *table(ACCURACY_HEAD, "ll" + "r" * 9, self.accuracy)]
        if self.seeded:
            out += [SEEDED, *table(SEEDED_HEAD, "llrrr", self.seeded)]
        if self.regress:
            out += [REGRESS, *table(REGRESS_HEAD, "ll" + "r" * 12, self.regress)]
        versus = self.linear_vs_svm()
        if versus:
            out += [LINEAR_VS_SVM, *table(LINEAR_VS_SVM_HEAD, "lrrrrr", versus)]
        out += [COST, *table(COST_HEAD, "llllrl" + "r" * 8, self.cost)]
        if self.unfit:
            out += [UNFIT, *(f"- {u}" for u in self.unfit)]
        out += [ESTIMATE, *self.estimate_table(costs)]
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
Not run on AVR (the firmware fits neither the Uno nor the Mega, or its constants are
more than the 64 KiB of flash a 16-bit pointer reaches, or than 32 KiB in one array):
"""

ESTIMATE = """
### Flash: the estimate of `mlq info --target` against the measurement

`mlq info MODEL --target BOARD` (and `mlq export --target`) estimates the flash of the
float entry as the model's constants (`predict_flash_bytes` of `mlq compare --json`) plus
the kernel's code on that core from bench/costs.tsv. This run writes that file: per core and
kernel, the largest of the float entry's flash less the constants over the datasets. The
estimate is therefore exact by construction for the dataset that set that largest code, and
at or above the measurement for the others. Difference: (estimate - measured) / measured.
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
