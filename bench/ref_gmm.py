#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Independent float reference of mlq's Gaussian mixtures for make bench
(scikit-learn, Debian's python3-sklearn), on the same 70/30 split files with
features standardized on the training part. The options are those of
`mlq train gmm` (--components, --covariance, --per-class, --reg-covar,
--max-iter, --tol, --n-init; mlq's defaults, which are also scikit-learn's):

  --per-class --components 1 --covariance diag
      GaussianNB() (var_smoothing 1e-9 x the largest feature variance,
      which is 1e-9 after standardization);
  --per-class --components K --covariance full|diag
      one GaussianMixture(K, covariance_type, reg_covar, max_iter, tol,
      n_init, init k-means, random_state=0) per class, predict = argmax of
      score_samples + log class share;
  otherwise (clustering) GaussianMixture over all rows; prints the purity.

    bench/ref_gmm.py TRAIN.csv TEST.csv [mlq train gmm options]   -> prints the accuracy (or purity)

Check mode, `bench/ref_gmm.py --check-gnb TRAIN.csv TEST.csv MLQ_PREDICTIONS`,
prints how many of mlq's per-row predictions (one class id per line) equal
GaussianNB's on standardized features, e.g. "539 of 539".
"""
import sys

import numpy as np
from sklearn.mixture import GaussianMixture
from sklearn.naive_bayes import GaussianNB
from sklearn.preprocessing import StandardScaler

from reflib import args, load, purity


def mixture(o):
    return GaussianMixture(int(o["components"]), covariance_type=o["covariance"],
                           reg_covar=float(o["reg-covar"]), max_iter=int(o["max-iter"]),
                           tol=float(o["tol"]), n_init=int(o["n-init"]), random_state=0)


def per_class_predict(opts, xtr, ytr, xte):
    classes = np.unique(ytr)
    if int(opts["components"]) == 1 and opts["covariance"] == "diag":
        return GaussianNB().fit(xtr, ytr).predict(xte)
    scores = []
    for c in classes:
        gm = mixture(opts).fit(xtr[ytr == c])
        scores.append(gm.score_samples(xte) + np.log(np.mean(ytr == c)))
    return classes[np.argmax(np.array(scores), axis=0)]


def main(argv):
    check = len(argv) == 5 and argv[1] == "--check-gnb"
    if check:
        train, test = argv[2:4]
    else:
        train, test, opts = args(argv, {"components": "1", "covariance": "full", "reg-covar": "1e-6",
                                        "max-iter": "100", "tol": "1e-3", "n-init": "1"},
                                 flags=("per-class",))
    xtr, ytr = load(train)
    xte, yte = load(test)
    scaler = StandardScaler().fit(xtr)
    xtr, xte = scaler.transform(xtr), scaler.transform(xte)
    if check:
        pred = GaussianNB().fit(xtr, ytr).predict(xte)
        mlq = np.loadtxt(argv[4], dtype=int, ndmin=1)
        print(f"{int(np.sum(pred == mlq))} of {len(pred)}")
    elif opts["per-class"]:
        print(f"{np.mean(per_class_predict(opts, xtr, ytr, xte) == yte):.6f}")
    else:
        print(f"{purity(yte, mixture(opts).fit(xtr).predict(xte)):.6f}")


if __name__ == "__main__":
    main(sys.argv)
