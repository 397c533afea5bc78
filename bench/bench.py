#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""bench.py -- the device benchmark behind `make bench`: writes bench/results.md
and bench/costs.tsv. Python 3, standard library only.

For every algorithm and bundled dataset of tests/pipeline.sh (70/30 stratified
split, seed 1, features standardized on the training part), run through that
file's own pipeline_prepare:
  - host float vs device fixed point on the test rows (`mlq compare --json`):
    agreement, purity (clustering) or accuracy, score and probability
    differences, and an independent float reference (scikit-learn,
    bench/ref_ALGO.py, given the same options as `mlq train`) on the same
    split; for models that draw random numbers in training, the host accuracy
    averaged over seeds 0..9 (regression: also the spread of R^2 over seeds
    0..9 and 0..99, mlq's and scikit-learn's);
  - on Cortex-M0 (micro:bit) and Cortex-M4F (MPS2-AN386) in QEMU, RISC-V
    rv32imac (QEMU virt) and AVR (the ATmega328P when the firmware fits it,
    else the ATmega2560, in simavr), through examples/firmware/run bench:
    instructions (AVR: cycles) per inference of each entry, flash and RAM as
    the size difference against the same firmware without the model, stack
    by painting;
  - the flash and the instructions `mlq info MODEL --target BOARD` estimates
    against the measured ones, the stack frames of the device library
    (-fstack-usage), and whether the Cortex-M0 k-means kernel calls a 64-bit
    multiply helper.
Then, on runs of every algorithm, `mlq select` on vowel (grouped 5-fold
cross-validation by speaker) for the Uno and the Cortex-M0, timed: the model
chosen against the best that fits, and the time against issue 19's targets.
bench/costs.tsv (compiled into mlq for `mlq info --target`) gets, per core
and kernel, the largest code and stack frame measured over the datasets and
the instruction model fitted to this run's float entries (fit_insns);
kernels this run did not measure keep their figures.

    python3 bench/bench.py [--build DIR] [--out FILE] [--costs FILE] [--algos "A B"]
    python3 bench/bench.py --lmul-check [--build DIR]

The options default to the environment: BUILD (default build), OUT (default
bench/results.md), COSTS (default bench/costs.tsv), ALGOS (default every
algorithm of tests/pipeline.sh); PYTHON is the interpreter of the references
(default /usr/bin/python3, Debian's python3-sklearn). --lmul-check only checks
the Cortex-M0 objects of BUILD for __aeabi_lmul (exit status 1 if called).
"""
import argparse
import datetime
import glob
import json
import math
import os
import re
import struct
import subprocess
import sys
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
sys.dont_write_bytecode = True
os.environ["PYTHONDONTWRITEBYTECODE"] = "1"  # nor the references
sys.path.insert(0, BENCH)
import report  # noqa: E402
from insnfit import InsnSample, fit_insns  # noqa: E402
import svm_float_header  # noqa: E402
import targets  # noqa: E402

PIPELINE = os.path.join(ROOT, "tests", "pipeline.sh")
BOARDS = ("m0", "m4")  # with targets and float references; then rv32, and uno or mega
SPREAD_SEEDS = 100  # seeds of the seed spread table (seeded regression models)
NO_FIT = 4  # the runner's status for a firmware that does not fit an AVR board
SELECT_BOARDS = ("uno", "m0")  # mlq select on vowel for these; the targets are the Uno's


class BenchError(Exception):
    pass


class RunnerError(BenchError):
    """A failed examples/firmware/run: its exit status and the last line of its stderr."""
    def __init__(self, what, status, stderr):
        lines = [x for x in stderr.splitlines() if x]
        self.status, self.why = status, lines[-1].removeprefix("run: ") if lines else ""
        super().__init__(f"{what}: exit status {status}\n{stderr.rstrip()}")


def run(args, check=True, env=None):
    """Run a command in ROOT (env: more environment variables); its CompletedProcess
    (text), BenchError on failure if check."""
    r = subprocess.run(args, cwd=ROOT, capture_output=True, text=True,
                       env=None if env is None else {**os.environ, **env})
    if check and r.returncode != 0:
        raise BenchError(f"{' '.join(args)}: exit status {r.returncode}\n{r.stderr.rstrip()}")
    return r


def pipeline(script, *args):
    """stdout of a bash script run after sourcing tests/pipeline.sh (args in $1...)."""
    return run(["bash", "-c", '. "$0" && ' + script, PIPELINE, *args]).stdout


class Model:
    """One algorithm on one dataset, through tests/pipeline.sh's pipeline_prepare
    (split, train, export, rows file): its paths (P_DIR, P_NAME, P_TRAIN,
    P_TEST, P_MODEL, P_HEADER, P_ROWS) and what every board's rows share."""
    KEYS = ("P_DIR", "P_NAME", "P_TRAIN", "P_TEST", "P_MODEL", "P_HEADER", "P_ROWS")

    def __init__(self, bench, algo, ds):
        self.algo, self.ds, self.k = algo, ds, bench.classes[ds]
        out = pipeline('pipeline_prepare "$1" "$2" >&2 && printf "%s\\n" '
                       + " ".join(f'"${k}"' for k in self.KEYS), ds, algo)
        self.p = dict(zip(self.KEYS, out.splitlines()))
        self.name, self.rows = self.p["P_NAME"], self.p["P_ROWS"]
        self.options = pipeline('algo_options "$2" "$1"', ds, algo).split()
        self.cmp = bench.compare(self.p["P_MODEL"], self.p["P_TEST"])
        self.metric = next(m for m in ("purity", "accuracy", "detection", "r2") if f"host_{m}" in self.cmp)
        self.target = ["--target", "target"] if self.metric == "r2" else []
        with open(self.p["P_TEST"], encoding="utf-8") as f:
            self.d = sum(1 for c in f.readline().rstrip("\r\n").split(",") if c not in ("label", "target"))
        with open(self.p["P_HEADER"], encoding="utf-8") as f:
            text = f.read()
        self.has_proba = "_proba_q15(" in text
        # The generic float entry quantizes every feature; a model's own (trees) only those it reads.
        self.quantizes_all = "mlq_quant_f32_to_q15(" in text
        self.q15 = os.path.join(self.p["P_DIR"], "bench_q15.rows")
        run([bench.runner, "rows", "random", "--rows", "8", "--features", str(self.d), "--q15",
             "--seed", "1", "--out", self.q15])
        # Raw int16 entry, for datasets whose features are integers.
        self.i16 = os.path.join(self.p["P_DIR"], "bench_i16.rows")
        if run([bench.runner, "rows", "csv", self.p["P_TEST"], *self.target, "--i16", "--out", self.i16],
               check=False).returncode != 0:
            self.i16 = None


class Bench:
    def __init__(self, build, algos):
        os.environ["BUILD"] = build
        lines = pipeline('printf "%s\\n" "$BUILD" "$MLQ" "$RUN" "$PIPELINE_DATASETS $PIPELINE_REGRESS_DATASETS" '
                         '"$PIPELINE_ALGOS"; for d in $PIPELINE_DATASETS $PIPELINE_REGRESS_DATASETS; do '
                         'dataset_classes "$d"; done').splitlines()
        self.build, self.mlq, self.runner = lines[:3]
        os.environ["BUILD"] = self.build
        datasets, known = lines[3].split(), lines[4].split()
        self.classes = dict(zip(datasets, map(int, lines[5:])))
        self.algos = algos.split() if algos else known
        unknown = [a for a in self.algos if a not in known]
        if unknown:
            raise BenchError(f"unknown algorithm {' '.join(unknown)} (tests/pipeline.sh has {' '.join(known)})")
        self.python = os.environ.get("PYTHON", "/usr/bin/python3")
        self.sklearn = run([self.python, "-c", "import sklearn"], check=False).returncode == 0
        self.rep = report.Report()
        self.costs = []  # (core, kernel, code, frame) of every float entry measured
        self.insn_samples = []  # InsnSample of every float entry measured
        self.work_cache = {}

    def compare(self, model, test):
        return json.loads(run([self.mlq, "compare", model, test, "--json"]).stdout)

    def datasets(self, algo):
        """The datasets algo runs on (tests/pipeline.sh's algo_datasets)."""
        return pipeline('algo_datasets "$1"', algo).split()

    def reference(self, m, share=True):
        """The scikit-learn reference's metric as a percentage (as a number
        with share=False), or n/a (None)."""
        cmd = self.ref_command(m)
        if not self.sklearn or not os.path.isfile(cmd[1]):
            return "n/a" if share else None
        out = float(run(cmd).stdout)
        return report.pct(out) if share else out

    def seed_scores(self, m, n=10):
        """Host metric of the model trained with each of seeds 0..n-1."""
        model, scores = os.path.join(m.p["P_DIR"], "seeded.json"), []
        for seed in range(n):
            pipeline('pipeline_train "$1" "$2" "$3" "$4"', m.ds, m.algo, str(seed), model)
            scores.append(self.compare(model, m.p["P_TEST"])[f"host_{m.metric}"])
        os.remove(model)
        return scores

    def seed_mean(self, m):
        """Mean host metric of the model trained with seeds 0..9."""
        return sum(self.seed_scores(m)) / 10

    def ref_command(self, m):
        """The command line of m's scikit-learn reference (bench/ref_ALGO.py)."""
        script = os.path.join(BENCH, f"ref_{m.algo.split('_')[0]}.py")
        return [self.python, script, m.p["P_TRAIN"], m.p["P_TEST"], *m.options]

    def reference_seeds(self, m, n):
        """scikit-learn's score for each of random_state 0..n-1 (MLQ_REF_SEEDS)."""
        out = run(self.ref_command(m), env={"MLQ_REF_SEEDS": str(n)}).stdout
        return [float(x) for x in out.split()]

    def seed_spread(self, m):
        """The seed spread table's rows of a seeded regression model: mlq's and
        scikit-learn's R^2 over seeds 0..9 and 0..99."""
        if not self.sklearn:
            return
        ours, ref = self.seed_scores(m, SPREAD_SEEDS), self.reference_seeds(m, SPREAD_SEEDS)
        for n in (10, SPREAD_SEEDS):
            self.rep.spread_row(m.algo, m.ds, ours[:n], ref[:n])

    def bench(self, m, board, rows, entry=None, header=None, name=None):
        """The fields of the runner's bench line for one entry on board; RunnerError."""
        args = [self.runner, "bench", "--board", board, "--header", header or m.p["P_HEADER"],
                "--name", name or m.name, "--input", rows] + (["--entry", entry] if entry else [])
        r = run(args, check=False)
        line = next((x for x in r.stdout.splitlines() if x.startswith("mlq-bench ")), None)
        if r.returncode != 0 or line is None:
            raise RunnerError(f"{name or m.name} {entry or 'predict'} on {board}", r.returncode or 1,
                              r.stderr)
        return dict(w.split("=", 1) for w in line.split()[1:])

    def avr_predict(self, m):
        """(board, fields) of the predict entry on the Uno, else on the Mega; None
        (noted as not run) when it fits neither."""
        for b in ("uno", "mega"):
            try:
                return b, self.bench(m, b, m.rows)
            except RunnerError as e:
                if e.status != NO_FIT or b == "mega":
                    self.rep.unfit.append(f"{m.name}: {e.why}")
                    return None

    def float_reference(self, m, board, line, host_pred):
        """A row of the float reference firmware table (bench/svm_float_header.py)."""
        name = m.name + "_f32"
        hdr = os.path.join(m.p["P_DIR"], name + ".h")
        with open(m.p["P_MODEL"], encoding="utf-8") as f:
            text = svm_float_header.header(json.load(f), name, m.p["P_MODEL"])
        with open(hdr, "w", encoding="utf-8") as f:
            f.write(text)
        ref = self.bench(m, board, m.rows, header=hdr, name=name)
        pred = run([self.runner, "predict", "--board", "host", "--header", hdr, "--name", name,
                    "--input", m.rows]).stdout.splitlines()
        self.rep.float_ref_row(m.algo, m.ds, board, ref, line, report.agreement(pred, host_pred))

    def note_cost(self, m, core, line):
        """The kernel's code (the float entry's flash less its constants) and frame
        (its stack less the scratch and the Q15 input) on core."""
        c = m.cmp
        self.costs.append((core, c["kernel"], int(line["flash_bytes"]) - c["predict_flash_bytes"],
                           int(line["stack_bytes"]) - c["work_bytes"] - 2 * m.d))

    def work(self, m, rows):
        """work_steps of `mlq compare --json` on the first rows test rows of m
        (those the board's bench line averaged over)."""
        key = (m.p["P_MODEL"], rows)
        if key not in self.work_cache:
            head = os.path.join(m.p["P_DIR"], f"bench_head{rows}.csv")
            with open(m.p["P_TEST"], encoding="utf-8") as f:
                lines = f.readlines()[:rows + 1]
            with open(head, "w", encoding="utf-8") as f:
                f.writelines(lines)
            self.work_cache[key] = tuple(self.compare(m.p["P_MODEL"], head)["work_steps"])
        return self.work_cache[key]

    def note_insns(self, m, core, line, q15):
        """The instruction model's sample of the float entry of m on core (q15: the
        q15 entry's bench line, or None)."""
        w = self.work(m, int(line["rows"]))
        y = float(report.field(line, "insn_per_inference"))
        q = report.field(q15, "insn_per_inference")
        s = InsnSample(core, m.cmp["kernel"], m.d, w[0], w[1], y, None if q == "-" else float(q),
                       m.quantizes_all)
        self.insn_samples.append(s)
        return s

    def board(self, m, b, line, tolerate):
        """Every entry of model m on board b, whose predict entry's line is given.
        On AVR an entry may not fit the board the predict entry fits ("-")."""
        def entry(rows, e=None):
            try:
                return self.bench(m, b, rows, e)
            except RunnerError:
                if tolerate:
                    return None
                raise

        q15 = entry(m.q15)
        i16 = entry(m.i16) if m.i16 else None
        scores = entry(m.rows, "scores")
        proba = entry(m.rows, "proba") if m.has_proba else None
        target = targets.target(m.algo, m.ds, b, m.k, m.d) if b in BOARDS else "-"
        core = "avr" if b in ("uno", "mega") else b
        self.note_cost(m, core, line)
        sample = self.note_insns(m, core, line, q15)
        self.rep.cost_rows(m.algo, m.ds, f"{m.k} x {m.d}", b, target, line, q15, i16,
                           m.i16 is not None, scores, proba, m.has_proba)
        self.rep.estimate(m.algo, m.ds, b, core, m.cmp, line, sample)

    def model(self, algo, ds):
        if algo in targets.CODE_LAYOUT_VARIANTS:
            return  # the tree layouts table times them with the array rows
        m = Model(self, algo, ds)
        if m.metric == "r2":
            seeded = self.seed_mean(m) if algo in targets.SEEDED else None
            self.rep.regress_row(algo, ds, m.cmp, self.reference(m, share=False), seeded)
            if algo in targets.SEEDED:
                self.seed_spread(m)
        else:
            ref = self.reference(m)
            if algo in targets.SEEDED:
                self.rep.seeded_row(algo, ds, self.seed_mean(m), ref)
            self.rep.accuracy_row(algo, ds, m.cmp, m.metric, ref)
        host_pred = None
        if algo in targets.FLOAT_REFERENCE:
            host_pred = run([self.mlq, "predict", m.p["P_MODEL"], m.p["P_TEST"]]).stdout.splitlines()
        for b in BOARDS:
            line = self.bench(m, b, m.rows)
            if host_pred is not None:
                self.float_reference(m, b, line, host_pred)
            self.board(m, b, line, tolerate=False)
        self.board(m, "rv32", self.bench(m, "rv32", m.rows), tolerate=False)
        avr = self.avr_predict(m)
        if avr is not None:
            self.board(m, *avr, tolerate=True)
        if algo in targets.TREE_LAYOUTS:
            self.tree_layouts(m)

    # -- trees and forests: both layouts (issue 20) --------------------------
    def tree_layouts(self, m):
        """The tree layouts table's rows of m (a tree or forest exported in the
        array layout): the same model exported with --layout code, both timed on
        TREE_BOARDS through NAME_predict_q15 on 8 test rows spread over the test
        set, quantized as the device quantizes them (checked against `mlq
        predict --device`), and through NAME_predict on the same rows; the nodes
        each row visits from `mlq compare --json` (work_steps: the trees' work
        hook). The marginal instructions per node: the difference of the q15
        entry between the 4 rows that visit the most nodes and the 4 that visit
        the fewest, over the difference of their nodes."""
        name, pdir = m.name + "_code", m.p["P_DIR"]
        code_h = os.path.join(pdir, name + ".h")
        run([self.mlq, "export", m.p["P_MODEL"], "--name", name, "--out", code_h, "--layout", "code",
             "--quiet"])
        with open(m.p["P_TEST"], encoding="utf-8") as f:
            head, *lines = f.readlines()
        picked = [lines[round(i * (len(lines) - 1) / 7)] for i in range(8)] if len(lines) >= 8 else lines
        nodes = [self.tree_nodes(m, head, [x], f"bench_tree_row{i}.csv") for i, x in enumerate(picked)]
        order = sorted(range(len(picked)), key=lambda i: nodes[i])
        half = len(order) // 2
        sets = {"all": list(range(len(picked))), "lo": order[:half], "hi": order[half:]}
        q15 = {}
        for k, idx in sets.items():
            csv = os.path.join(pdir, f"bench_tree_{k}.csv")
            with open(csv, "w", encoding="utf-8") as f:
                f.writelines([head] + [picked[i] for i in idx])
            q15[k] = tree_q15_rows(m.p["P_HEADER"], m.name, csv, os.path.join(pdir, f"bench_tree_{k}.rows"))
        all_csv = os.path.join(pdir, "bench_tree_all.csv")
        fixed = ["--fixed"] if m.metric == "r2" else []
        want = run([self.mlq, "predict", m.p["P_MODEL"], all_csv, "--device", "--scores", *fixed]).stdout
        got = run([self.runner, "predict", "--board", "host", "--header", m.p["P_HEADER"], "--name", m.name,
                   "--input", q15["all"], "--scores"]).stdout
        if got != want:
            raise BenchError(f"{m.name}: the tree table's Q15 rows are not the device's quantized rows")
        floats = os.path.join(pdir, "bench_tree_all_f32.rows")
        run([self.runner, "rows", "csv", all_csv, *m.target, "--out", floats])
        mean = {k: sum(nodes[i] for i in idx) / len(idx) for k, idx in sets.items()}
        info = json.loads(run([self.mlq, "info", m.p["P_MODEL"], "--json"]).stdout)["device"]
        estimate = code_estimate(info["code_layout"])
        for b in TREE_BOARDS:
            line = {}
            for layout, hdr, nm in (("array", m.p["P_HEADER"], m.name), ("code", code_h, name)):
                q = {k: self.bench(m, b, q15[k], header=hdr, name=nm) for k in sets}
                line[layout] = (q["all"], self.bench(m, b, floats, header=hdr, name=nm),
                                marginal(q["lo"], q["hi"], mean["lo"], mean["hi"]))
            self.rep.tree_layout_row(m.algo, m.ds, b, mean["all"], line, estimate.get(b),
                                     targets.tree_layout_target(m.algo, m.ds, b))

    def tree_nodes(self, m, head, lines, csv):
        """The split nodes one inference of m visits, averaged over the CSV lines
        (`mlq compare --json`: work_steps)."""
        path = os.path.join(m.p["P_DIR"], csv)
        with open(path, "w", encoding="utf-8") as f:
            f.writelines([head] + lines)
        return float(self.compare(m.p["P_MODEL"], path)["work_steps"][0])

    def selection(self):
        """`mlq select` on vowel, grouped 5-fold cross-validation by speaker, for
        each of SELECT_BOARDS, timed; on runs of every algorithm only (a minute)."""
        if set(pipeline('printf "%s" "$PIPELINE_ALGOS"').split()) - set(self.algos):
            return
        for b in SELECT_BOARDS:
            print(f"bench: select vowel {b}", file=sys.stderr)
            start = time.monotonic()
            out = run([self.mlq, "select", "--data", "data/vowel.csv", "--groups", "data/vowel.groups.txt",
                       "--folds", "5", "--target", b, "--json", "--quiet"]).stdout
            self.rep.selection_row(b, json.loads(out), time.monotonic() - start, os.cpu_count())

    # -- the whole run -----------------------------------------------------
    def main(self, out, costs_path):
        run(["make", "-s", "-C", ROOT, "all", f"{self.build}/arm/m0/libmlq.a",
             f"{self.build}/arm/m4/libmlq.a"])
        tools = {"arm": "arm-none-eabi-gcc", "qemu": "qemu-system-arm",
                 "riscv64": "riscv64-unknown-elf-gcc", "avr": "avr-gcc"}
        version = {k: run([t, "--version"]).stdout.splitlines()[0] for k, t in tools.items()}
        version["qemu"] = version["qemu"].split(" (")[0]
        for algo in self.algos:
            for ds in self.datasets(algo):
                print(f"bench: {algo} {ds}", file=sys.stderr)
                self.model(algo, ds)
        self.selection()
        costs = largest(self.costs)
        insns = fit_insns(self.insn_samples)
        frames = {c: stack_frames(os.path.join(self.build, "arm", c, "obj")) for c in BOARDS}
        text = self.rep.markdown(datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d"),
                                 version, costs, frames, m0_lmul_calls(self.build), insns)
        report.write(out, text)
        write_costs(costs_path, costs, insns)
        sys.stdout.write(text)


def largest(costs):
    """{(core, kernel): (code, frame)}, each the largest of the (core, kernel,
    code, frame) measurements."""
    out = {}
    for core, kernel, code, frame in costs:
        c, f = out.get((core, kernel), (code, frame))
        out[(core, kernel)] = (max(c, code), max(f, frame))
    return out


COSTS_HEAD = """\
# core\tkernel\tcode bytes\tstack frame bytes\tc0\tc1\tc2\tc3 (written by make bench: bench/bench.py)
# code: the float entry's flash less the model's constants, frame: its stack less the
# scratch and the input, each the largest over the datasets. c0..c3: the instructions of
# one NAME_predict call (float entry; AVR: clock cycles) are c0 + c1 w0 + c2 w1 + c3 D, w
# the call's work (`mlq compare --json`: work_steps; device_algo.h's hook `work`) and D
# the features; c3 is the core's cost of quantizing a feature (0 for kernels whose float
# entry quantizes only the features it reads), c0..c2 fitted to the models measured
# ("-": none fitted). mlq_fit_insns (exporters/boards.c) evaluates it.
"""


def write_costs(path, costs, insns=None):
    """bench/costs.tsv: costs ({(core, kernel): (code, frame)}) with the
    instruction model insns ({(core, kernel): (c0, c1, c2, c3)}, "-" where it
    has none), and the previous file's rows of the kernels this run did not
    measure, sorted."""
    insns = insns or {}
    bad = [f"{c} {k}: {v}" for (c, k), v in costs.items() if min(v) < 0]
    if bad:
        raise BenchError(f"{path}: negative code or frame (constants above the measured flash, "
                         "or scratch above the stack): " + "; ".join(bad))
    rows = ["\t".join([c, k, str(code), str(frame)] +
                      ([f"{v:.6g}" for v in insns[(c, k)]] if (c, k) in insns else ["-"] * 4))
            for (c, k), (code, frame) in costs.items()]
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            rows += [x.rstrip("\n") for x in f
                     if x.strip() and not x.startswith("#") and tuple(x.split("\t")[:2]) not in costs]
    report.write(path, COSTS_HEAD + "".join(r + "\n" for r in sorted(rows)))


# -- trees and forests: both layouts (issue 20) --------------------------------

TREE_BOARDS = ("m4", "m0")  # the boards of the tree layouts table


def tree_q15_rows(header, name, csv, out):
    """out: the rows of csv (its feature columns) written as a Q15 rows file
    (examples/firmware/rowsfile.h), each value quantized as the device quantizes
    float input (mlq/quant.h): b = (x - offset) * gain in IEEE single precision,
    floor(b) saturated to [0, 65535], minus 32768, with the header's NAME_offset
    and NAME_gain."""
    with open(header, encoding="utf-8") as f:
        text = f.read()

    def floats(array):
        m = re.search(rf"\b{name}_{array}\[\d+\] MLQ_FLASH = {{ /\*.*?\*/\n(.*?)}};", text, re.S)
        if m is None:
            raise BenchError(f"{header}: no {name}_{array}")
        return [f32(float(v.rstrip("f"))) for v in m.group(1).replace(",", " ").split()]

    offset, gain = floats("offset"), floats("gain")
    with open(csv, encoding="utf-8") as f:
        head = f.readline().rstrip("\r\n").split(",")
        keep = [i for i, c in enumerate(head) if c not in ("label", "target")]
        rows = [line.rstrip("\r\n").split(",") for line in f if line.strip()]
    data = []
    for r in rows:
        for j, i in enumerate(keep):
            b = f32(f32(f32(float(r[i])) - offset[j]) * gain[j])
            u = 0 if not b >= 0 else 65535 if b >= 65536 else int(math.floor(b))
            data.append(u - 32768)
    with open(out, "wb") as f:
        f.write(struct.pack("<3I", 0x3531514D, len(rows), len(keep)) + struct.pack(f"<{len(data)}h", *data))
    return out


def marginal(lo, hi, nodes_lo, nodes_hi):
    """Instructions per additional visited node between two bench lines (None
    when the rows visit as many nodes)."""
    if nodes_hi - nodes_lo < 0.5:
        return None
    return (float(report.field(hi, "insn_per_inference")) -
            float(report.field(lo, "insn_per_inference"))) / (nodes_hi - nodes_lo)


def f32(x):
    """x rounded to IEEE single precision."""
    return struct.unpack("<f", struct.pack("<f", x))[0]


def code_estimate(text):
    """{board: bytes} of the code layout's flash estimate with NAME_predict_q15, from
    `mlq info`'s "code layout" line ("about 812 (avr), 400 (m0), ... bytes of code with
    NAME_predict_q15, ...")."""
    first = text.split(" with NAME_predict_q15")[0]
    return {core: int(v) for v, core in re.findall(r"(\d+) \((\w+)\)", first)}


def stack_frames(obj):
    """{function: bytes} of the -fstack-usage files in obj, the first of a name
    kept, names without the compiler's clone suffixes (.constprop.0, .isra.0)."""
    frames = {}
    for su in sorted(glob.glob(os.path.join(obj, "*.su"))):
        with open(su, encoding="utf-8") as f:
            for x in f:
                loc, size = x.split("\t")[:2]
                frames.setdefault(loc.rsplit(":", 1)[-1].split(".")[0], size)
    return frames


def m0_lmul_calls(build):
    """Whether the Cortex-M0 k-means kernel (any function of kmeans.o) or its
    inner loop mlq_dot_q15 (wherever it is a function) calls __aeabi_lmul."""
    objs = sorted(glob.glob(os.path.join(build, "arm", "m0", "obj", "*.o")))
    if not any(o.endswith("/kmeans.o") for o in objs):
        raise BenchError(f"{build}/arm/m0/obj: no kmeans.o to check for __aeabi_lmul")
    obj = func = None
    for x in run(["arm-none-eabi-objdump", "-d", *objs]).stdout.splitlines():
        if "file format" in x:
            obj = os.path.basename(x.split(":")[0])
        elif x.endswith(">:"):
            func = x[x.index("<") + 1:-2].split(".")[0]
        elif "__aeabi_lmul" in x and (obj == "kmeans.o" or func == "mlq_dot_q15"):
            return True
    return False


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=os.environ.get("BUILD", "build"))
    ap.add_argument("--out", default=os.environ.get("OUT", os.path.join(BENCH, "results.md")))
    ap.add_argument("--costs", default=os.environ.get("COSTS", os.path.join(BENCH, "costs.tsv")))
    ap.add_argument("--algos", default=os.environ.get("ALGOS", ""))
    ap.add_argument("--lmul-check", action="store_true")
    a = ap.parse_args(argv[1:])
    os.environ.pop("MLQ_REF_SEEDS", None)  # the references print one mean, but for seed_spread
    try:
        if a.lmul_check:
            build = os.path.join(ROOT, a.build)
            if m0_lmul_calls(build):
                print("k-means kernel or mlq_dot_q15 calls __aeabi_lmul on Cortex-M0", file=sys.stderr)
                return 1
            return 0
        out, costs = os.path.abspath(a.out), os.path.abspath(a.costs)
        for path in (out, costs):  # before the run, not after it
            if not os.path.isdir(os.path.dirname(path)):
                raise BenchError(f"{path}: its folder does not exist")
        Bench(a.build, a.algos).main(out, costs)
    except (BenchError, OSError, ValueError, KeyError) as e:
        print(f"bench: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
