#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Independent float reference of the random forest for make bench
(scikit-learn, Debian's python3-sklearn): the same 70/30 split files,
RandomForestClassifier(n_estimators=10, criterion="gini", max_depth=10,
max_features="sqrt", bootstrap=True), the hyperparameters tests/pipeline.sh
gives `mlq train forest`. It predicts, as mlq does, the class with the
largest average leaf class distribution. A forest's accuracy depends on its
random draws, so the figure is the mean over random_state 0..9.

    bench/ref_forest.py TRAIN.csv TEST.csv    -> prints the test accuracy
"""
import sys

from sklearn.ensemble import RandomForestClassifier

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from reflib import load  # noqa: E402


def main(argv):
    if len(argv) != 3:
        sys.exit("usage: ref_forest.py TRAIN.csv TEST.csv")
    xtr, ytr = load(argv[1])
    xte, yte = load(argv[2])
    acc = []
    for seed in range(10):
        clf = RandomForestClassifier(n_estimators=10, criterion="gini", max_depth=10,
                                     max_features="sqrt", bootstrap=True, random_state=seed)
        clf.fit(xtr, ytr)
        acc.append((clf.predict(xte) == yte).mean())
    print(f"{sum(acc) / len(acc):.6f}")


if __name__ == "__main__":
    main(sys.argv)
