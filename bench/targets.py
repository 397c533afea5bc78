# SPDX-License-Identifier: MIT
"""Per-algorithm data of make bench (bench/bench.py): the "target" column of
the cost table, which models draw random numbers in training, and which have
a float reference firmware. A variant ALGO_X (tests/pipeline.sh) has its own
entries; an algorithm without one has no target ("-").

Targets are instructions of the float entry NAME_predict(const float *x) on a
board, from reference implementations timed on the same emulated boards
(1 KB = 1024 bytes where a flash figure is given):

- kmeans: Cortex-M4F, 4KD + 200 instructions per inference (K clusters, D
  features).
- gmm (per class, 2 components, full covariance) and gmm_nb (per class, 1
  component, diagonal: Gaussian naive Bayes): Cortex-M4F, half the
  instructions of a float GMM library and of a float GNB (and for gmm half
  the library's flash).
- tree, forest (issue 3): Cortex-M4F, the float entry <= 1.5x the best
  generated if-else code on float inputs and <= 0.5x the array-based library
  form, NAME_predict_q15 <= 1.5x the if-else code on int16 inputs and <= 0.5x
  the array form; Cortex-M0, both entries <= 0.5x the array form.
- svm, svm_poly (issue 5): Cortex-M4F, <= 1.0x the instructions of generated
  float code that computes each kernel value once and shares it across
  pairs, and <= 0.5x the flash of a float32 DSP library's binary SVM made
  multi-class with one instance per class pair (RBF kernel, C = 1, gamma =
  scale); svm_linear: <= 0.5x the instructions of that library with the
  linear kernel folded into weight vectors. Cortex-M0 rows have no target
  (fixed point against soft float).
- tree, forest, tree_reg, forest_reg (issue 20): both layouts in a table of
  their own, tree_layout_target below.
- mlp, mlp_int8 (issue 6): Cortex-M4F, a D-32-K network against an int8
  dense-layer kernel library with the DSP extension (float input vector to
  class, input quantization included) and its plain-C build's flash:
  instructions <= 1.0x, flash <= 1.0x. mlp_tanh has no reference figure.
"""

# Cortex-M4F targets, as printed, per algorithm and dataset.
_M4 = {
    "gmm": {"iris": "<= 1864, flash <= 2150", "wine": "<= 5823, flash <= 4147",
            "breast_cancer": "<= 16002, flash <= 9472", "digits": "<= 338915, flash <= 172544"},
    "gmm_nb": {"iris": "<= 721", "wine": "<= 1924", "breast_cancer": "<= 2793",
               "digits": "<= 29008"},
    "svm": {"iris": "<= 3590, flash <= 1382", "wine": "<= 7102, flash <= 3942",
            "breast_cancer": "<= 17616, flash <= 6553", "digits": "<= 161467, flash <= 797184"},
    "svm_linear": {"iris": "<= 104", "wine": "<= 172", "breast_cancer": "<= 95",
                   "digits": "<= 8201"},
    "mlp": {"iris": "<= 2528, flash <= 2764", "wine": "<= 3427, flash <= 3072",
            "breast_cancer": "<= 4642, flash <= 3481", "digits": "<= 8162, flash <= 5017"},
}
_M4["svm_poly"] = _M4["svm"]
_M4["mlp_int8"] = _M4["mlp"]

# Trees and forests: instructions of the best generated if-else code on float
# and on int16 inputs (Cortex-M4F), and of the array-based form on
# Cortex-M4F and Cortex-M0.
_TREES = {
    "tree": {"iris": (41, 38, 279, 1031), "wine": (43, 39, 283, 1037),
             "breast_cancer": (43, 36, 282, 945), "digits": (198, 186, 458, 1899)},
    "forest": {"iris": (184, 124, 671, 2110), "wine": (242, 171, 741, 2420),
               "breast_cancer": (289, 214, 842, 2285), "digits": (605, 458, 1361, 4130)},
}

# The tree layouts table (bench.py's tree_layouts, issue 20): every tree and
# forest, both layouts. Targets on the integer entry NAME_predict_q15, per
# visited node (the model's instructions over the nodes its rows visit, the
# vote included): the code layout at most 5 on Cortex-M4F and 8 on Cortex-M0,
# and for forests at most emlearn's inline int16 code on the same datasets
# (measured in the same harness); the array layout at most 7 on Cortex-M4F.
TREE_LAYOUTS = {"tree", "forest", "tree_reg", "forest_reg"}
# tests/pipeline.sh's variants exported with --layout code (for tests/device.sh):
# the table above measures the same models, so the bench skips them.
CODE_LAYOUT_VARIANTS = {"tree_code", "forest_code", "forest_code_reg"}
_CODE_PER_NODE = {"m4": 5, "m0": 8}
_ARRAY_PER_NODE = {"m4": 7}
_EMLEARN_INLINE = {"iris": (107, 173), "wine": (175, 276), "breast_cancer": (198, 344),
                   "digits": (481, 654)}  # forest, integer entry, Cortex-M4F / M0


def tree_layout_target(algo, dataset, board):
    """(code per node, code instructions, array per node) that a row of the tree
    layouts table must stay at or below on board, None where there is no target."""
    inline = None
    if algo == "forest" and dataset in _EMLEARN_INLINE and board in ("m4", "m0"):
        inline = _EMLEARN_INLINE[dataset][0 if board == "m4" else 1]
    return _CODE_PER_NODE.get(board), inline, _ARRAY_PER_NODE.get(board)


# Models whose training draws random numbers (feature order, bootstrap
# samples): the bench reports their host accuracy averaged over seeds 0..9.
SEEDED = {"tree", "forest", "tree_reg", "forest_reg", "mlp_reg"}

# Models with a float32 reference firmware (bench/svm_float_header.py).
FLOAT_REFERENCE = {"svm", "svm_poly", "svm_linear"}


def target(algo, dataset, board, k, d):
    """The target column of a cost row: algo on dataset (k classes, d
    features) on board (m0, m4, ...), "-" when there is none."""
    if algo == "kmeans":
        return f"<= {4 * k * d + 200}" if board == "m4" else "-"
    if algo in _TREES and dataset in _TREES[algo]:
        ifelse_f, ifelse_i, array_m4, array_m0 = _TREES[algo][dataset]
        if board == "m4":
            half = array_m4 // 2
            return f"<= {min(ifelse_f * 3 // 2, half)}; q15 <= {min(ifelse_i * 3 // 2, half)}"
        if board == "m0":
            return f"<= {array_m0 // 2}; q15 <= {array_m0 // 2}"
        return "-"
    if board == "m4":
        return _M4.get(algo, {}).get(dataset, "-")
    return "-"
