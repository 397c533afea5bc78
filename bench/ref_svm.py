#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Independent float reference of mlq's SVMs for make bench (scikit-learn's
SVC, which wraps libsvm; Debian's python3-sklearn), on the same 70/30 split
files with features standardized on the training part (StandardScaler). The
mlq options of the bench row come in the environment variable
MLQ_ALGO_OPTIONS (tests/pipeline.sh's algo_options): --kernel, --C, --gamma
(a number or scale), --degree, --coef0, --tol, --class-weight balanced, with
mlq's defaults (rbf, 1, scale, 3, 0, 1e-3). SVC then uses the same C and
gamma, and one-vs-one voting with ties to the lowest class.

    bench/ref_svm.py TRAIN.csv TEST.csv    -> prints the test accuracy
"""
import sys

import numpy as np
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from reflib import load, options


def main(argv):
    if len(argv) != 3:
        sys.exit("usage: ref_svm.py TRAIN.csv TEST.csv")
    o = options({"kernel": "rbf", "C": "1", "gamma": "scale", "degree": "3", "coef0": "0",
                 "tol": "1e-3", "class-weight": "none"})
    xtr, ytr = load(argv[1])
    xte, yte = load(argv[2])
    scaler = StandardScaler().fit(xtr)
    svc = SVC(kernel=o["kernel"], C=float(o["C"]),
              gamma=o["gamma"] if o["gamma"] == "scale" else float(o["gamma"]),
              degree=int(o["degree"]), coef0=float(o["coef0"]), tol=float(o["tol"]),
              class_weight="balanced" if o["class-weight"] == "balanced" else None)
    svc.fit(scaler.transform(xtr), ytr)
    print(f"{svc.score(scaler.transform(xte), yte):.6f}")


if __name__ == "__main__":
    main(sys.argv)
