#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Independent float reference of k-means for make bench (scikit-learn,
Debian's python3-sklearn): the same 70/30 split files, features standardized
on the training part, KMeans(n_clusters=K, n_init=10, random_state=0), i.e.
k-means++ initialisation and 10 restarts keeping the lowest inertia, with K
the number of classes of the training part.

    bench/ref_kmeans.py TRAIN.csv TEST.csv    -> prints the test purity

Every bench/ref_ALGO.py takes the same two arguments and prints one number
in [0, 1]: the reference's purity, accuracy or detection rate on TEST.csv.
"""
import sys

import numpy as np
from sklearn.cluster import KMeans
from sklearn.preprocessing import StandardScaler

from reflib import load, purity


def main(argv):
    if len(argv) != 3:
        sys.exit("usage: ref_kmeans.py TRAIN.csv TEST.csv")
    xtr, ytr = load(argv[1])
    xte, yte = load(argv[2])
    scaler = StandardScaler().fit(xtr)
    km = KMeans(n_clusters=len(np.unique(ytr)), n_init=10, random_state=0)
    km.fit(scaler.transform(xtr))
    print(f"{purity(yte, km.predict(scaler.transform(xte))):.6f}")


if __name__ == "__main__":
    main(sys.argv)
