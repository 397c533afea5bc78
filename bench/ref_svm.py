#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Independent float reference of mlq's SVMs for make bench (scikit-learn's
SVC, which wraps libsvm; Debian's python3-sklearn), on the same 70/30 split
files with features standardized on the training part (StandardScaler). The
options are those of `mlq train svm`: --kernel, --C, --gamma (a number or
scale), --degree, --coef0, --tol, --class-weight balanced, --cache-mb, with
mlq's defaults (rbf, 1, scale, 3, 0, 1e-3, none, 200). SVC then uses the same
C and gamma, and one-vs-one voting with ties to the lowest class.

    bench/ref_svm.py TRAIN.csv TEST.csv [mlq train svm options]   -> prints the test accuracy
"""
import sys

from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC, SVR

from reflib import args, load, load_target, regress, scaled_target


def main(argv):
    train, test, o = args(argv, {"task": "classify", "kernel": "rbf", "C": "1", "gamma": "scale",
                                 "degree": "3", "coef0": "0", "tol": "1e-3", "class-weight": "none",
                                 "cache-mb": "200", "epsilon": "0.1"})
    loader = load_target if regress(o) else load
    xtr, ytr = loader(train)
    xte, yte = loader(test)
    scaler = StandardScaler().fit(xtr)
    common = dict(kernel=o["kernel"], C=float(o["C"]),
                  gamma=o["gamma"] if o["gamma"] == "scale" else float(o["gamma"]),
                  degree=int(o["degree"]), coef0=float(o["coef0"]), tol=float(o["tol"]),
                  cache_size=float(o["cache-mb"]))
    if regress(o):  # epsilon in standardized target units, as mlq's
        svc = scaled_target(SVR(epsilon=float(o["epsilon"]), **common))
    else:
        svc = SVC(class_weight="balanced" if o["class-weight"] == "balanced" else None, **common)
    svc.fit(scaler.transform(xtr), ytr)
    print(f"{svc.score(scaler.transform(xte), yte):.6f}")


if __name__ == "__main__":
    main(sys.argv)
