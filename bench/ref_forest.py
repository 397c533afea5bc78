#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Independent float reference of the random forest for make bench
(scikit-learn, Debian's python3-sklearn): the same 70/30 split files,
RandomForestClassifier(bootstrap=True) with the options of `mlq train
forest` (--trees, and the tree options of bench/ref_tree.py; mlq's defaults:
10 trees, gini, depth 10, sqrt(D) features per split). It predicts, as mlq
does, the class with the largest average leaf class distribution. A forest's
accuracy depends on its random draws, so the figure is the mean over
random_state 0..9.

    bench/ref_forest.py TRAIN.csv TEST.csv [mlq train forest options]   -> prints the test accuracy
"""
import sys

from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor

from reflib import TREE_OPTIONS, args, load, load_target, regress, seeded, tree_params


def main(argv):
    train, test, o = args(argv, {**TREE_OPTIONS, "max-features": "sqrt", "trees": "10"})
    model, loader = (RandomForestRegressor, load_target) if regress(o) else (RandomForestClassifier, load)
    xtr, ytr = loader(train)
    xte, yte = loader(test)
    trees = int(o["trees"])
    seeded(lambda seed: model(n_estimators=trees, bootstrap=True, **tree_params(o), random_state=seed)
           .fit(xtr, ytr).score(xte, yte))


if __name__ == "__main__":
    main(sys.argv)
