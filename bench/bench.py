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
    averaged over seeds 0..9;
  - on Cortex-M0 (micro:bit) and Cortex-M4F (MPS2-AN386) in QEMU, RISC-V
    rv32imac (QEMU virt) and AVR (the ATmega328P when the firmware fits it,
    else the ATmega2560, in simavr), through examples/firmware/run bench:
    instructions (AVR: cycles) per inference of each entry, flash and RAM as
    the size difference against the same firmware without the model, stack
    by painting;
  - the flash `mlq info MODEL --target BOARD` estimates against the measured
    one, the stack frames of the device library (-fstack-usage), and whether
    the Cortex-M0 k-means kernel calls a 64-bit multiply helper.
bench/costs.tsv (compiled into mlq for `mlq info --target`) gets, per core
and kernel, the largest code and stack frame measured over the datasets;
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
import os
import subprocess
import sys

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
sys.dont_write_bytecode = True
os.environ["PYTHONDONTWRITEBYTECODE"] = "1"  # nor the references
sys.path.insert(0, BENCH)
import report  # noqa: E402
import svm_float_header  # noqa: E402
import targets  # noqa: E402

PIPELINE = os.path.join(ROOT, "tests", "pipeline.sh")
BOARDS = ("m0", "m4")  # with targets and float references; then rv32, and uno or mega
NO_FIT = 4  # the runner's status for a firmware that does not fit an AVR board


class BenchError(Exception):
    pass


class RunnerError(BenchError):
    """A failed examples/firmware/run: its exit status and the last line of its stderr."""
    def __init__(self, what, status, stderr):
        lines = [x for x in stderr.splitlines() if x]
        self.status, self.why = status, lines[-1].removeprefix("run: ") if lines else ""
        super().__init__(f"{what}: exit status {status}\n{stderr.rstrip()}")


def run(args, check=True):
    """Run a command in ROOT; its CompletedProcess (text), BenchError on failure if check."""
    r = subprocess.run(args, cwd=ROOT, capture_output=True, text=True)
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
            self.has_proba = "_proba_q15(" in f.read()
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

    def compare(self, model, test):
        return json.loads(run([self.mlq, "compare", model, test, "--json"]).stdout)

    def datasets(self, algo):
        """The datasets algo runs on (tests/pipeline.sh's algo_datasets)."""
        return pipeline('algo_datasets "$1"', algo).split()

    def reference(self, m, share=True):
        """The scikit-learn reference's metric as a percentage (as a number
        with share=False), or n/a (None)."""
        script = os.path.join(BENCH, f"ref_{m.algo.split('_')[0]}.py")
        if not self.sklearn or not os.path.isfile(script):
            return "n/a" if share else None
        out = float(run([self.python, script, m.p["P_TRAIN"], m.p["P_TEST"], *m.options]).stdout)
        return report.pct(out) if share else out

    def seed_mean(self, m):
        """Mean host metric of the model trained with seeds 0..9."""
        model, total = os.path.join(m.p["P_DIR"], "seeded.json"), 0.0
        for seed in range(10):
            pipeline('pipeline_train "$1" "$2" "$3" "$4"', m.ds, m.algo, str(seed), model)
            total += self.compare(model, m.p["P_TEST"])[f"host_{m.metric}"]
        os.remove(model)
        return total / 10

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
        self.rep.cost_rows(m.algo, m.ds, f"{m.k} x {m.d}", b, target, line, q15, i16,
                           m.i16 is not None, scores, proba, m.has_proba)
        self.rep.estimate(m.algo, m.ds, b, core, m.cmp, line)

    def model(self, algo, ds):
        m = Model(self, algo, ds)
        if m.metric == "r2":
            seeded = self.seed_mean(m) if algo in targets.SEEDED else None
            self.rep.regress_row(algo, ds, m.cmp, self.reference(m, share=False), seeded)
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
        costs = largest(self.costs)
        frames = {c: stack_frames(os.path.join(self.build, "arm", c, "obj")) for c in BOARDS}
        text = self.rep.markdown(datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d"),
                                 version, costs, frames, m0_lmul_calls(self.build))
        report.write(out, text)
        write_costs(costs_path, costs)
        sys.stdout.write(text)


def largest(costs):
    """{(core, kernel): (code, frame)}, each the largest of the (core, kernel,
    code, frame) measurements."""
    out = {}
    for core, kernel, code, frame in costs:
        c, f = out.get((core, kernel), (code, frame))
        out[(core, kernel)] = (max(c, code), max(f, frame))
    return out


def write_costs(path, costs):
    """bench/costs.tsv: costs ({(core, kernel): (code, frame)}), and the previous
    file's rows of the kernels this run did not measure, sorted."""
    bad = [f"{c} {k}: {v}" for (c, k), v in costs.items() if min(v) < 0]
    if bad:
        raise BenchError(f"{path}: negative code or frame (constants above the measured flash, "
                         "or scratch above the stack): " + "; ".join(bad))
    rows = [f"{c}\t{k}\t{code}\t{frame}" for (c, k), (code, frame) in costs.items()]
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            rows += [x.rstrip("\n") for x in f
                     if x.strip() and not x.startswith("#") and tuple(x.split("\t")[:2]) not in costs]
    head = "# core\tkernel\tcode bytes\tstack frame bytes (written by make bench: bench/bench.py)\n"
    report.write(path, head + "".join(r + "\n" for r in sorted(rows)))


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
