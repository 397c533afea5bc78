# SPDX-License-Identifier: MIT
"""What the scikit-learn references of make bench share (bench/ref_ALGO.py):
their command line, the split files' loader, cluster purity and the tree
hyperparameters.

Every reference is run the same way, with the options `mlq train ALGO` gets
(tests/pipeline.sh's algo_options), by their mlq names:

    bench/ref_ALGO.py TRAIN.csv TEST.csv [--NAME VALUE | --NAME=VALUE | --FLAG]...

and prints one number: the reference's purity, accuracy or detection rate
on TEST.csv, in [0, 1], or with --task regress its R^2 (scikit-learn's
r2_score) on TEST.csv's target. An option the reference cannot honour is an
error. A reference whose result depends on random_state prints the mean over
random_state 0..9; with MLQ_REF_SEEDS=N in the environment it prints instead
the score of each of random_state 0..N-1, one a line (the seed spread of
make bench).
"""
import os
import sys

import numpy as np


def args(argv, defaults, flags=()):
    """(TRAIN.csv, TEST.csv, options) of a reference's command line: `defaults`
    (name -> text, mlq's defaults) updated by the options given; names in
    `flags` take no value and are False unless given."""
    prog = argv[0].rsplit("/", 1)[-1]
    usage = f"usage: {prog} TRAIN.csv TEST.csv [mlq train options]"
    opts = dict(defaults)
    opts.update({f: False for f in flags})
    files, given, i = [], set(), 1
    while i < len(argv):
        word = argv[i]
        i += 1
        if not word.startswith("--"):
            files.append(word)
            continue
        key, eq, value = word[2:].partition("=")
        if key in given:
            sys.exit(f"{prog}: option --{key} given twice")
        given.add(key)
        if key in flags and not eq:
            opts[key] = True
        elif key in defaults and (eq or i < len(argv)):
            if not eq:
                value = argv[i]
                i += 1
            opts[key] = value
        else:
            sys.exit(f"{prog}: unknown or incomplete option {word}\n{usage}")
    if len(files) != 2:
        sys.exit(usage)
    return files[0], files[1], opts


def seeded(score):
    """Print the mean of score(seed) over random_state 0..9, or with
    MLQ_REF_SEEDS=N each score of random_state 0..N-1, one a line."""
    n = os.environ.get("MLQ_REF_SEEDS")
    if n is None:
        print(f"{sum(score(s) for s in range(10)) / 10:.6f}")
        return
    if not n.isdigit() or int(n) < 1:
        sys.exit(f"MLQ_REF_SEEDS: '{n}' is not a positive number of seeds")
    for seed in range(int(n)):
        print(f"{score(seed):.6f}")


def load(path):
    """Features and integer labels of a split file (label column 'label', else the last)."""
    with open(path, encoding="utf-8-sig") as f:
        header = f.readline().strip().split(",")
    data = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    label = header.index("label") if "label" in header else len(header) - 1
    y = data[:, label].astype(int)
    x = np.delete(data, label, axis=1)
    return x, y


def load_target(path):
    """Features and the continuous target of a regression split file (column
    'label' if there is one, else the last)."""
    with open(path, encoding="utf-8-sig") as f:
        header = f.readline().strip().split(",")
    data = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    col = header.index("label") if "label" in header else len(header) - 1
    return np.delete(data, col, axis=1), data[:, col]


def regress(o):
    """Whether the options ask for regression (--task regress)."""
    return o.get("task", "classify") == "regress"


def scaled_target(model):
    """model fitted on a standardized target (mean 0, population sd 1, as mlq
    trains), its predictions mapped back to target units."""
    from sklearn.compose import TransformedTargetRegressor
    from sklearn.preprocessing import StandardScaler
    return TransformedTargetRegressor(regressor=model, transformer=StandardScaler())


def purity(y, clusters):
    """Share of rows in their cluster's most frequent class."""
    hit = 0
    for c in np.unique(clusters):
        hit += np.bincount(y[clusters == c]).max()
    return hit / len(y)


# The options of `mlq train tree` and `mlq train forest`, with mlq's defaults
# (the forest's --max-features is sqrt).
TREE_OPTIONS = {"task": "classify", "criterion": "gini", "max-depth": "10", "min-samples-leaf": "1",
                "min-samples-split": "2", "class-weight": "none", "max-features": "all"}


def tree_params(o):
    """scikit-learn's DecisionTree{Classifier,Regressor} parameters for mlq's
    tree options (a regression tree splits on the squared error)."""
    features = o["max-features"]
    return {"criterion": "squared_error" if regress(o) else o["criterion"],
            "max_depth": None if o["max-depth"] == "none" else int(o["max-depth"]),
            "min_samples_leaf": int(o["min-samples-leaf"]),
            "min_samples_split": int(o["min-samples-split"]),
            **({} if regress(o) else
               {"class_weight": "balanced" if o["class-weight"] == "balanced" else None}),
            "max_features": None if features == "all" else features if features == "sqrt"
            else int(features)}
