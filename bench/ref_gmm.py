#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Independent float reference of mlq's Gaussian mixtures for make bench
(scikit-learn, Debian's python3-sklearn), on the same 70/30 split files with
features standardized on the training part. The mlq options of the bench
row come in the environment variable MLQ_ALGO_OPTIONS (tests/pipeline.sh's
algo_options):

  --per-class --components 1 --covariance diag
      GaussianNB() (var_smoothing 1e-9 x the largest feature variance,
      which is 1e-9 after standardization);
  --per-class --components K --covariance full|diag
      one GaussianMixture(K, covariance_type, reg_covar 1e-6 or --reg-covar,
      init k-means, random_state=0) per class, predict = argmax of
      score_samples + log class share;
  otherwise (clustering) GaussianMixture over all rows; prints the purity.

    bench/ref_gmm.py TRAIN.csv TEST.csv    -> prints the test accuracy (or purity)

Check mode, `bench/ref_gmm.py --check-gnb TRAIN.csv TEST.csv MLQ_PREDICTIONS`,
prints how many of mlq's per-row predictions (one class id per line) equal
GaussianNB's on standardized features, e.g. "539 of 539".
"""
import sys

import numpy as np
from sklearn.mixture import GaussianMixture
from sklearn.naive_bayes import GaussianNB
from sklearn.preprocessing import StandardScaler

from reflib import load, options, purity


def per_class_predict(opts, xtr, ytr, xte):
    classes = np.unique(ytr)
    if opts["components"] == 1 and opts["covariance"] == "diag":
        return GaussianNB().fit(xtr, ytr).predict(xte)
    scores = []
    for c in classes:
        gm = GaussianMixture(opts["components"], covariance_type=opts["covariance"],
                             reg_covar=opts["reg-covar"], random_state=0)
        gm.fit(xtr[ytr == c])
        scores.append(gm.score_samples(xte) + np.log(np.mean(ytr == c)))
    return classes[np.argmax(np.array(scores), axis=0)]


def main(argv):
    check = len(argv) == 5 and argv[1] == "--check-gnb"
    if not check and len(argv) != 3:
        sys.exit("usage: ref_gmm.py TRAIN.csv TEST.csv | --check-gnb TRAIN.csv TEST.csv PRED.txt")
    if check:
        argv = argv[1:]
    xtr, ytr = load(argv[1])
    xte, yte = load(argv[2])
    scaler = StandardScaler().fit(xtr)
    xtr, xte = scaler.transform(xtr), scaler.transform(xte)
    if check:
        pred = GaussianNB().fit(xtr, ytr).predict(xte)
        mlq = np.loadtxt(argv[3], dtype=int, ndmin=1)
        print(f"{int(np.sum(pred == mlq))} of {len(pred)}")
        return
    opts = options({"components": "1", "covariance": "full", "reg-covar": "1e-6"}, flags=("per-class",))
    opts["components"] = int(opts["components"])
    opts["reg-covar"] = float(opts["reg-covar"])
    if opts["per-class"]:
        print(f"{np.mean(per_class_predict(opts, xtr, ytr, xte) == yte):.6f}")
    else:
        gm = GaussianMixture(opts["components"], covariance_type=opts["covariance"],
                             reg_covar=opts["reg-covar"], random_state=0).fit(xtr)
        print(f"{purity(yte, gm.predict(xte)):.6f}")


if __name__ == "__main__":
    main(sys.argv)
