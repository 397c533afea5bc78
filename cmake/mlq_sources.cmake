# SPDX-License-Identifier: MIT
# The device library's sources, relative to mlq's top folder, for
# CMakeLists.txt and zephyr/CMakeLists.txt. tests/libraries.sh checks that
# the list is src/*.c, no more and no less: add a new kernel here.
set(MLQ_SOURCES
    src/fixed.c
    src/gmm.c
    src/kmeans.c
    src/linear.c
    src/mlp.c
    src/quant.c
    src/score.c
    src/svm.c
    src/svm_model.c
    src/tree.c
    src/types.c
)
