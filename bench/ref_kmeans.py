#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Independent float reference of k-means for make bench (scikit-learn,
Debian's python3-sklearn): the same 70/30 split files, features standardized
on the training part, KMeans(n_clusters=K, n_init, max_iter, tol,
random_state=0), i.e. k-means++ initialisation and n_init restarts keeping
the lowest inertia. The options are those of `mlq train kmeans`: --k (by
default the number of classes of the training part), --n-init, --max-iter,
--tol (mlq's defaults 10, 300, 1e-4, which are also scikit-learn's).

    bench/ref_kmeans.py TRAIN.csv TEST.csv [mlq train kmeans options]   -> prints the test purity
"""
import sys

import numpy as np
from sklearn.cluster import KMeans
from sklearn.preprocessing import StandardScaler

from reflib import args, load, purity


def main(argv):
    train, test, o = args(argv, {"k": "", "n-init": "10", "max-iter": "300", "tol": "1e-4"})
    xtr, ytr = load(train)
    xte, yte = load(test)
    scaler = StandardScaler().fit(xtr)
    km = KMeans(n_clusters=int(o["k"]) if o["k"] else len(np.unique(ytr)), n_init=int(o["n-init"]),
                max_iter=int(o["max-iter"]), tol=float(o["tol"]), random_state=0)
    km.fit(scaler.transform(xtr))
    print(f"{purity(yte, km.predict(scaler.transform(xte))):.6f}")


if __name__ == "__main__":
    main(sys.argv)
