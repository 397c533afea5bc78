#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Independent float reference of the decision tree for make bench
(scikit-learn, Debian's python3-sklearn): the same 70/30 split files,
DecisionTreeClassifier(criterion="gini", max_depth=10, min_samples_leaf=1,
min_samples_split=2), the hyperparameters tests/pipeline.sh gives
`mlq train tree`. Trees do not depend on the feature scaling. scikit-learn
visits the features in a random order and keeps the first of equally good
splits, so its tree depends on random_state where splits tie (digits' pixels
often do); the figure is the mean over random_state 0..9.

    bench/ref_tree.py TRAIN.csv TEST.csv    -> prints the test accuracy
"""
import sys

from sklearn.tree import DecisionTreeClassifier

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from reflib import load  # noqa: E402


def main(argv):
    if len(argv) != 3:
        sys.exit("usage: ref_tree.py TRAIN.csv TEST.csv")
    xtr, ytr = load(argv[1])
    xte, yte = load(argv[2])
    acc = []
    for seed in range(10):
        clf = DecisionTreeClassifier(criterion="gini", max_depth=10, min_samples_leaf=1,
                                     min_samples_split=2, random_state=seed)
        clf.fit(xtr, ytr)
        acc.append((clf.predict(xte) == yte).mean())
    print(f"{sum(acc) / len(acc):.6f}")


if __name__ == "__main__":
    main(sys.argv)
