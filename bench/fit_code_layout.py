#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""fit_code_layout.py -- the flash model of the tree and forest code layout
(`mlq export --layout code`), behind `mlq info`'s "code layout" bytes: the
table code_cost of exporters/export_tree_code.c.

It trains trees (depth 3, 6, 10) and forests (3 trees of depth 4, 10 of 6,
10 of 10 as tests/pipeline.sh's, 25 of 8) on every bundled data set of tests/pipeline.sh (the regression
ones with --task regress), exports each with --layout code, builds the
firmware of NAME_predict_q15 and of NAME_predict on the ATmega2560,
Cortex-M0, Cortex-M4F and RISC-V rv32imac (examples/firmware/run bench:
flash_bytes, the firmware less the same firmware without the model), and
fits per core and entry

    bytes = node x comparisons + fadd x forest leaf adds + radd x regression
            leaf adds + tree x trees + fixed + far x far comparisons
            + rfixed x (1 for a regression model)

with every coefficient >= 0, making the largest relative error least (a
linear program, scipy). The counts are `mlq info`'s (comparisons, leaf adds:
a forest's leaves add class sums, a single tree's return its class); a far
comparison reads a feature beyond the core's short load offset (AVR: byte
offset 64 and on, features 32 and up for Q15, 16 and up for floats;
Cortex-M0: features 32 and up). Prints the C table and each core's largest
error. Python 3 with numpy and scipy (Debian's python3-sklearn brings them).
Run it when the code the exporter writes changes, and paste the table.

    python3 bench/fit_code_layout.py [--build DIR]
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np
from scipy.optimize import linprog

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
PIPELINE = os.path.join(ROOT, "tests", "pipeline.sh")
SHAPES = [("tree", "--max-depth 3"), ("tree", "--max-depth 6"), ("tree", "--max-depth 10"),
          ("forest", "--trees 3 --max-depth 4"), ("forest", "--trees 10 --max-depth 6"),
          ("forest", "--trees 10 --max-depth 10"), ("forest", "--trees 25 --max-depth 8")]
CORES = (("avr", "mega"), ("m0", "m0"), ("m4", "m4"), ("rv32", "rv32"))  # table order
FAR = {("avr", 0): 32, ("avr", 1): 16, ("m0", 0): 32, ("m0", 1): 32}  # (core, float entry): feature
TERMS = ("node", "fadd", "radd", "tree", "fixed", "far", "rfixed")


def run(args):
    r = subprocess.run(args, cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"{' '.join(args)}: exit status {r.returncode}\n{r.stderr.rstrip()}")
    return r.stdout


def pipeline(script, *args):
    return run(["bash", "-c", '. "$0" && ' + script, PIPELINE, *args])


def counts(mlq, model):
    """(comparisons, leaf adds, trees, split features, input features) of a model file."""
    info = json.loads(run([mlq, "info", model, "--json"]))["device"]
    words = info["code_layout"].split("--layout code: ")[1].split()
    with open(os.path.join(ROOT, model), encoding="utf-8") as f:
        m = json.load(f)
    trees = (m.get("forest") or m["tree"])["trees"]
    feats = [f for t in trees for f, left in zip(t["feature"], t["left"]) if left >= 0]
    return int(words[0]), int(words[2]), len(trees), feats, len(m["feature_names"])


def terms(c, core, fl):
    """The model's terms for one core and entry (0 q15, 1 float)."""
    n, adds, trees, feats, forest, reg = c
    lim = FAR.get((core, fl))
    far = sum(f >= lim for f in feats) if lim else 0
    return [n, adds if forest else 0, adds if reg else 0, trees, 1, far, 1 if reg else 0]


def fit(x, y):
    """c >= 0 minimising max |x c / y - 1| (a linear program in c and the bound)."""
    a = x / y[:, None]
    k = a.shape[1]
    ub = np.vstack([np.hstack([a, -np.ones((len(y), 1))]), np.hstack([-a, -np.ones((len(y), 1))])])
    b = np.concatenate([np.ones(len(y)), -np.ones(len(y))])
    r = linprog(np.r_[np.zeros(k), 1.0], A_ub=ub, b_ub=b, bounds=[(0, None)] * (k + 1))
    if not r.success:
        sys.exit(f"the fit failed: {r.message}")
    return r.x[:k]


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=os.environ.get("BUILD", "build"))
    a = ap.parse_args(argv[1:])
    mlq, runner = os.path.join(a.build, "mlq"), os.path.join("examples", "firmware", "run")
    run(["make", "-s", "all"])
    regress = pipeline('printf "%s" "$PIPELINE_REGRESS_DATASETS"').split()
    datasets = pipeline('algo_datasets tree').split() + regress
    rows = []  # (counts, {(core, fl): bytes})
    for ds in datasets:
        algo0 = "tree_reg" if ds in regress else "tree"
        pdir = pipeline('pipeline_prepare "$1" "$2" && printf "%s" "$P_DIR"', ds, algo0)
        q15 = os.path.join(pdir, "code_fit_q15.rows")
        for i, (algo, opts) in enumerate(SHAPES):
            name = f"{ds}_code_fit{i}"
            model, header = os.path.join(pdir, name + ".json"), os.path.join(pdir, name + ".h")
            run([mlq, "train", algo, "--data", os.path.join(pdir, "train.csv"), "--out", model,
                 "--seed", "1", "--quiet", *(["--task", "regress"] if ds in regress else []),
                 *opts.split()])
            run([mlq, "export", model, "--name", name, "--out", header, "--layout", "code", "--quiet"])
            n, adds, trees, feats, d = counts(mlq, model)
            if i == 0:
                run([runner, "rows", "random", "--rows", "8", "--features", str(d),
                     "--q15", "--seed", "3", "--out", q15])
            got = {}
            for core, board in CORES:
                for fl, rows_file in ((0, q15), (1, os.path.join(pdir, "test.rows"))):
                    line = run([runner, "bench", "--board", board, "--header", header, "--name", name,
                                "--input", rows_file])
                    got[(core, fl)] = int(line.split("flash_bytes=")[1].split()[0])
            rows.append(((n, adds, trees, feats, algo == "forest", ds in regress), got))
            print(f"{name}: {n} comparisons, {adds} leaf adds, {trees} trees", file=sys.stderr)
    print("    /* " + ", ".join(TERMS) + ": NAME_predict_q15, then NAME_predict */")
    worst = []
    for core, _ in CORES:
        coef = []
        for fl in (0, 1):
            x = np.array([terms(c, core, fl) for c, _ in rows], float)
            y = np.array([got[(core, fl)] for _, got in rows], float)
            c = fit(x, y)
            coef.append(c)
            worst.append(f"{core} {'float' if fl else 'q15'} {100 * np.abs(x @ c / y - 1).max():.1f}%")
        print("    {{" + ", ".join(f"{v:.1f}" for v in coef[0]) + "}, {" +
              ", ".join(f"{v:.1f}" for v in coef[1]) + f"}}}}, /* {core} */")
    print("largest relative error: " + ", ".join(worst) + f" ({len(rows)} models)")


if __name__ == "__main__":
    main(sys.argv)
