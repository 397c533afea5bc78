# SPDX-License-Identifier: MIT
# pipeline.sh -- the one train -> export -> firmware pipeline, sourced by the
# QEMU tests (tests/device.sh), `make demo` (examples/demo.sh) and `make bench`
# (bench/bench.py), so that all three measure the same thing.
#
#   . tests/pipeline.sh
#   pipeline_prepare iris kmeans      # sets P_DIR P_MODEL P_HEADER P_NAME P_TEST P_ROWS
#   "$RUN" predict --board m4 --header "$P_HEADER" --name "$P_NAME" --input "$P_ROWS"
#
# Every dataset is split 70/30, stratified by class, with seed 1; features are
# standardized on the training part (by the trainer); the model is trained
# with seed 1.

ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
export BUILD
MLQ=${MLQ:-$BUILD/mlq}
RUN=${RUN:-$ROOT/examples/firmware/run}
WORK=${WORK:-$BUILD/pipeline}

# The bundled datasets of the benchmark, and their number of classes; the
# regression data set (a continuous target) of the regression variants.
PIPELINE_DATASETS="iris wine breast_cancer digits"
PIPELINE_REGRESS_DATASETS="diabetes"

# The algorithms that tests, demo and bench run, one line each.
PIPELINE_ALGOS=""
pipeline_algo() { PIPELINE_ALGOS="$PIPELINE_ALGOS $1"; }
pipeline_algo kmeans
# A variant ALGO_VARIANT trains ALGO with the variant's options (algo_options).
pipeline_algo gmm     # per class, 2 components, full covariance
pipeline_algo gmm_nb  # per class, 1 component, diagonal, GaussianNB's smoothing: Gaussian naive Bayes
pipeline_algo tree    # CART, depth <= 10
pipeline_algo forest  # 10 bootstrap trees, depth <= 10, sqrt(D) features per split
pipeline_algo svm        # C-SVC, RBF kernel, C = 1, gamma = scale
pipeline_algo svm_poly   # C-SVC, polynomial kernel of degree 3
pipeline_algo svm_linear # C-SVC, linear kernel (one folded weight vector per class pair)
pipeline_algo mlp        # D-32-K, ReLU, Adam; int8 weights, 16-bit activations
pipeline_algo mlp_int8   # the same network with 8-bit activations
pipeline_algo mlp_tanh   # D-32-16-K, tanh, SGD with momentum; 16-bit activations
pipeline_algo linear     # logistic regression, L2, C = 1 (multinomial for K > 2)
# Regression variants (ALGO_reg, --task regress), on the regression data set.
pipeline_algo linear_reg # ridge regression, alpha = 1
pipeline_algo tree_reg   # CART regression tree (variance reduction), depth <= 10
pipeline_algo forest_reg # 10 bootstrap regression trees, depth <= 10
pipeline_algo svm_reg    # epsilon-SVR, RBF kernel, C = 1, epsilon = 0.1 (standardized target)
pipeline_algo mlp_reg    # D-32-1, ReLU, Adam, squared loss; int8 weights, 16-bit activations
# The code layout (mlq export --layout code): the same models as tree, forest
# and forest_reg, exported as C code instead of node arrays (algo_export_options).
pipeline_algo tree_code       # tree, as code
pipeline_algo forest_code     # forest, as code
pipeline_algo forest_code_reg # forest_reg, as code

# The datasets an algorithm variant runs on.
algo_datasets() {
    case $1 in
        *_reg) echo "$PIPELINE_REGRESS_DATASETS" ;;
        *) echo "$PIPELINE_DATASETS" ;;
    esac
}

dataset_classes() {
    case $1 in
        iris | wine) echo 3 ;;
        breast_cancer) echo 2 ;;
        digits) echo 10 ;;
        diabetes) echo 0 ;;
        *) echo "pipeline: unknown dataset $1" >&2; return 1 ;;
    esac
}

# Training options of each algorithm on a dataset.
algo_options() {
    case $1 in
        kmeans) echo "--k $(dataset_classes "$2")" ;;
        gmm) echo "--per-class --components 2 --covariance full --reg-covar 1e-2" ;;
        gmm_nb) echo "--per-class --components 1 --covariance diag --reg-covar 1e-9" ;;
        tree | tree_code) echo "--max-depth 10" ;;
        forest | forest_code) echo "--trees 10 --max-depth 10 --max-features sqrt" ;;
        svm) echo "--kernel rbf --C 1 --gamma scale" ;;
        svm_poly) echo "--kernel poly --C 1 --gamma scale --degree 3 --coef0 0" ;;
        svm_linear) echo "--kernel linear --C 1" ;;
        mlp) echo "--hidden 32 --activation relu --epochs 200 --lr 0.001 --batch 32" ;;
        mlp_int8) echo "--hidden 32 --activation relu --epochs 200 --lr 0.001 --batch 32 --bits 8" ;;
        mlp_tanh) echo "--hidden 32,16 --activation tanh --optimizer sgd --lr 0.01 --momentum 0.9 --epochs 200 --batch 32" ;;
        linear) echo "--C 1" ;;
        linear_reg) echo "--task regress --alpha 1" ;;
        tree_reg) echo "--task regress --max-depth 10" ;;
        forest_reg | forest_code_reg) echo "--task regress --trees 10 --max-depth 10 --max-features all" ;;
        svm_reg) echo "--task regress --kernel rbf --C 1 --gamma scale --epsilon 0.1" ;;
        mlp_reg) echo "--task regress --hidden 32 --activation relu --epochs 200 --lr 0.001 --batch 32" ;;
        *) echo "pipeline: no options for algorithm $1" >&2; return 1 ;;
    esac
}

# Export options of each algorithm variant (none for most).
algo_export_options() {
    case $1 in
        *_code | *_code_*) echo "--layout code" ;;
        *) echo "" ;;
    esac
}

# pipeline_train DATASET ALGO SEED OUT: train ALGO (a variant ALGO_X trains
# ALGO with the variant's options) on the dataset's training part.
pipeline_train() {
    local opts
    opts=$(algo_options "$2" "$1") || return 1
    # shellcheck disable=SC2086
    "$MLQ" train "${2%%_*}" --data "$WORK/$1/train.csv" --out "$4" --seed "$3" --quiet $opts
}

# pipeline_prepare DATASET ALGO: split (once per dataset), train, export, and
# write the float rows file of the test part. Quiet unless something fails.
pipeline_prepare() {
    local ds=$1 algo=$2
    P_DIR=$WORK/$ds
    P_NAME=${ds}_${algo}
    P_TRAIN=$P_DIR/train.csv
    P_TEST=$P_DIR/test.csv
    P_MODEL=$P_DIR/$algo.json
    P_HEADER=$P_DIR/$P_NAME.h
    P_ROWS=$P_DIR/test.rows
    # The rows tool leaves out the target column of a regression data set.
    P_ROWS_OPTS=""
    case " $PIPELINE_REGRESS_DATASETS " in *" $ds "*) P_ROWS_OPTS="--target target" ;; esac
    mkdir -p "$P_DIR"
    if [ ! -f "$P_TEST" ] || [ "$ROOT/data/$ds.csv" -nt "$P_TEST" ]; then
        "$MLQ" split "$ROOT/data/$ds.csv" --train "$P_TRAIN" --test "$P_TEST" --test-size 0.3 \
            --seed 1 2>/dev/null || return 1
    fi
    pipeline_train "$ds" "$algo" 1 "$P_MODEL" || return 1
    # shellcheck disable=SC2046
    "$MLQ" export "$P_MODEL" --name "$P_NAME" --out "$P_HEADER" $(algo_export_options "$algo") \
        2>/dev/null || return 1
    # shellcheck disable=SC2086
    "$RUN" rows csv "$P_TEST" $P_ROWS_OPTS --out "$P_ROWS" || return 1
}
