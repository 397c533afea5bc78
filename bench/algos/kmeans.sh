# SPDX-License-Identifier: MIT
# k-means in make bench: the Cortex-M4F target of the float entry, 4KD + 200
# instructions per inference (K clusters, D features).
bench_target_kmeans() { # DATASET BOARD K D
    [ "$2" = m4 ] && echo "<= $((4 * $3 * $4 + 200))" || echo "-"
}
