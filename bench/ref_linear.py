#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Independent float reference of the linear models for make bench
(scikit-learn, Debian's python3-sklearn): the same 70/30 split files,
features standardized on the training part (StandardScaler, as mlq does);
LogisticRegression (L2, C, lbfgs, multinomial for more than two classes) or,
with --task regress, Ridge (alpha) with the options of `mlq train linear`.

    bench/ref_linear.py TRAIN.csv TEST.csv [mlq train linear options]
        -> prints the test accuracy (--task regress: R^2)
"""
import sys
import warnings

from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.preprocessing import StandardScaler

from reflib import args, load, load_target, regress


def main(argv):
    train, test, o = args(argv, {"task": "classify", "C": "1", "alpha": "1", "class-weight": "none",
                                 "tol": "1e-6", "max-iter": "1000"})
    loader = load_target if regress(o) else load
    xtr, ytr = loader(train)
    xte, yte = loader(test)
    scaler = StandardScaler().fit(xtr)
    if regress(o):
        model = Ridge(alpha=float(o["alpha"]))
    else:
        model = LogisticRegression(C=float(o["C"]), max_iter=10000, tol=1e-8,
                                   class_weight="balanced" if o["class-weight"] == "balanced" else None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(scaler.transform(xtr), ytr)
    print(f"{model.score(scaler.transform(xte), yte):.6f}")


if __name__ == "__main__":
    main(sys.argv)
