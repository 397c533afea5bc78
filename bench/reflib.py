# SPDX-License-Identifier: MIT
"""What the scikit-learn references of make bench share (bench/ref_ALGO.py):
the split files' loader, cluster purity, and the mlq options of a bench row
(tests/pipeline.sh's algo_options, passed in MLQ_ALGO_OPTIONS)."""
import os

import numpy as np


def load(path):
    """Features and integer labels of a split file (label column 'label', else the last)."""
    with open(path, encoding="utf-8-sig") as f:
        header = f.readline().strip().split(",")
    data = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    label = header.index("label") if "label" in header else len(header) - 1
    y = data[:, label].astype(int)
    x = np.delete(data, label, axis=1)
    return x, y


def purity(y, clusters):
    """Share of rows in their cluster's most frequent class."""
    hit = 0
    for c in np.unique(clusters):
        hit += np.bincount(y[clusters == c]).max()
    return hit / len(y)


def options(defaults, flags=()):
    """The row's mlq options over `defaults` (name -> text); names in `flags` take no value."""
    opts = dict(defaults)
    opts.update({f: False for f in flags})
    words = os.environ.get("MLQ_ALGO_OPTIONS", "").split()
    i = 0
    while i < len(words):
        key = words[i].lstrip("-")
        if key in flags:
            opts[key] = True
            i += 1
        elif key in opts and i + 1 < len(words):
            opts[key] = words[i + 1]
            i += 2
        else:
            raise SystemExit(f"reference: unknown or incomplete option {words[i]}")
    return opts
