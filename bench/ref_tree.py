#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Independent float reference of the decision tree for make bench
(scikit-learn, Debian's python3-sklearn): the same 70/30 split files,
DecisionTreeClassifier with the options of `mlq train tree` (--criterion,
--max-depth, --min-samples-leaf, --min-samples-split, --class-weight,
--max-features; mlq's defaults: gini, depth 10, 1, 2, none, all features).
Trees do not depend on the feature scaling. scikit-learn visits the features
in a random order and keeps the first of equally good splits, as mlq does
with its seed, so its tree depends on random_state where splits tie (digits'
pixels often do); the figure is the mean over random_state 0..9.

    bench/ref_tree.py TRAIN.csv TEST.csv [mlq train tree options]   -> prints the test accuracy
                                                                     (--task regress: R^2, a
                                                                     DecisionTreeRegressor)
"""
import sys

from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from reflib import TREE_OPTIONS, args, load, load_target, regress, seeded, tree_params


def main(argv):
    train, test, o = args(argv, TREE_OPTIONS)
    model, loader = (DecisionTreeRegressor, load_target) if regress(o) else (DecisionTreeClassifier, load)
    xtr, ytr = loader(train)
    xte, yte = loader(test)
    seeded(lambda seed: model(**tree_params(o), random_state=seed).fit(xtr, ytr).score(xte, yte))


if __name__ == "__main__":
    main(sys.argv)
