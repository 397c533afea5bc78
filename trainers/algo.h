/* SPDX-License-Identifier: MIT */
/*
 * algo.h -- the host model table: what one learning algorithm plugs into
 * the trainer side. Its options, its trainer (the optimiser, train_ALGO.c),
 * and its model (ALGO_model.c): task, model-file parameters, float
 * reference predict, scores and probabilities. The CLI, the model file,
 * `predict` and `compare` are written once against this table; the device
 * side of each algorithm is a second table in exporters/ (device_algo.h),
 * bound to this one by the algorithm's name; trainers/ never refer to it.
 */
#ifndef MLQ_ALGO_H
#define MLQ_ALGO_H

#include <stdbool.h>
#include <stddef.h>

#include "csv.h"
#include "model.h"

struct cJSON;

/** What a model predicts (a GMM, for one, can do all three). */
typedef enum mlq_task {
    MLQ_TASK_CLASSIFY, /* class ids; trains on labels; compare reports accuracy */
    MLQ_TASK_CLUSTER,  /* cluster ids; labels optional, used for purity */
    MLQ_TASK_ANOMALY,  /* 1 = anomaly, 0 = normal; labels optional */
    MLQ_TASK_REGRESS   /* a continuous target (--task regress): one output, the prediction in
                          standardized target units (model.h, mlq_target_z); compare reports
                          MAE, RMSE and R^2 */
} mlq_task;

/** Which task an option is for; given for the other task, it is an error. */
typedef enum mlq_opt_for {
    MLQ_FOR_ANY = 0,
    MLQ_FOR_CLASSIFY, /* classification only, e.g. --class-weight */
    MLQ_FOR_REGRESS   /* regression only, e.g. --epsilon */
} mlq_opt_for;

typedef enum mlq_opt_kind {
    MLQ_OPT_INT,    /* integer in [min, max] */
    MLQ_OPT_NUM,    /* finite number in [min, max] (or (min, max] with min_open), or one of `words` */
    MLQ_OPT_CHOICE, /* one of `words` ("a|b|c") */
    MLQ_OPT_FLAG,   /* no value: true when given, else false (stored as a JSON bool) */
    MLQ_OPT_INT_LIST /* comma-separated integers, each in [min, max] (stored as the JSON string) */
} mlq_opt_kind;

/** One `--name VALUE` option of `mlq train ALGO`. */
typedef struct mlq_opt {
    const char *name;  /* without the leading "--" */
    mlq_opt_kind kind;
    const char *def;   /* default, as it would be typed */
    double min, max;
    bool min_open;     /* the bound min itself is not allowed */
    const char *words; /* allowed words, '|'-separated, or NULL */
    const char *help;
    mlq_opt_for only;  /* MLQ_FOR_ANY unless the option belongs to one task */
} mlq_opt;

/** An option whose default differs with --task regress (mlq_algo.regress_defaults). */
typedef struct mlq_opt_default {
    const char *name; /* the option's name in the algorithm's table */
    const char *def;  /* its default with --task regress */
} mlq_opt_default;

/*
 * The `--task classify|regress` option of the algorithms that can regress
 * (put it in their option table; mlq_hyper_regress reads it). kmeans and
 * gmm have no such option, and the CLI says so when it is given to them.
 */
#define MLQ_OPT_TASK                                                                       \
    {"task", MLQ_OPT_CHOICE, "classify", 0, 0, false, "classify|regress",                 \
     "classify: the label column holds classes; regress: it holds a continuous target, "  \
     "a finite number per row",                                                          \
     MLQ_FOR_ANY}

typedef struct mlq_algo {
    const char *name;
    const char *summary;
    /* The task of a model with these hyperparameters (as parsed from the
     * command line or read from the model file). */
    mlq_task (*task)(const struct cJSON *hyper);
    const mlq_opt *opts;
    size_t n_opts;
    /* Fill m->params and m->training from the standardized rows z[n_rows][n_features]
     * (m's common fields and m->hyper are already set). 0 or -1 with err. */
    int (*train)(mlq_model *m, const mlq_dataset *d, const double *z, bool progress, mlq_err *err);
    /* Model-file parameters: write into obj / read and validate from obj. */
    int (*params_save)(const mlq_model *m, struct cJSON *obj);
    int (*params_load)(mlq_model *m, const struct cJSON *obj, const char *path, mlq_err *err);
    void (*params_free)(void *params);
    /* Float reference: class or cluster id of one standardized row. */
    int (*predict)(const mlq_model *m, const double *z);
    /* Outputs of a model: classes, clusters, or 2 (anomaly: 0 normal, 1 anomaly). */
    size_t (*n_outputs)(const mlq_model *m);
    /* Float reference scores of one standardized row: n_outputs values of
     * the quantity whose Q15.16 the device's scores are (mlq/score.h), so
     * that compare reports |host - device| in its units; the lowest index
     * of the largest is predict's id. */
    void (*host_scores)(const mlq_model *m, const double *z, double *scores);
    /* Float reference probabilities (n_outputs, sum 1): 0, or -1 when the
     * model defines none (NULL: the algorithm never does). */
    int (*host_proba)(const mlq_model *m, const double *z, double *proba);
    /* Optional: the defaults that differ with --task regress, ended by a NULL
     * name (the forest's max-features: all, as scikit-learn's regressor), or NULL. */
    const mlq_opt_default *regress_defaults;
} mlq_algo;

/** The task of model m. */
mlq_task mlq_model_task(const mlq_model *m);

/** Whether hyper asks for regression (--task regress). */
bool mlq_hyper_regress(const struct cJSON *hyper);

/**
 * Hyperparameter `key` of `hyper` (m->hyper as the CLI parsed it or the
 * model file holds it, every option of the table filled in): NULL when
 * absent. The one getter of every algorithm; mlq_hyper_num gives its
 * number (NaN when absent or not a number, e.g. a word such as "scale"),
 * mlq_hyper_str its text (NULL when absent or not a string).
 */
const struct cJSON *mlq_hyper(const struct cJSON *hyper, const char *key);
double mlq_hyper_num(const struct cJSON *hyper, const char *key);
const char *mlq_hyper_str(const struct cJSON *hyper, const char *key);

/** In place, v[n] (n >= 1) into its softmax exp(v_k) / sum exp(v_j): the float
 *  reference probabilities of a model whose scores are logits. */
void mlq_softmax(double *v, size_t n);

/** The algorithm called `name`, or NULL. */
const mlq_algo *mlq_algo_find(const char *name);
/** NULL-terminated list of all algorithms, in `mlq help` order. */
extern const mlq_algo *const mlq_algos[];

extern const mlq_algo mlq_algo_kmeans;
extern const mlq_algo mlq_algo_svm;
extern const mlq_algo mlq_algo_gmm;
extern const mlq_algo mlq_algo_tree;
extern const mlq_algo mlq_algo_forest;
extern const mlq_algo mlq_algo_mlp;
extern const mlq_algo mlq_algo_linear;

#endif /* MLQ_ALGO_H */
