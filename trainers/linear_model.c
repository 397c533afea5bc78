/* SPDX-License-Identifier: MIT */
/*
 * The linear model on the host: ridge regression (--task regress) or
 * logistic regression (binary, or multinomial for more than two classes),
 * one weight vector and intercept per row on standardized inputs (see
 * linear_params.h). Its options, model-file parameters and host table; the
 * trainer is train_linear.c, the device side exporters/export_linear.c.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>

#include "algo.h"
#include "linear_params.h"

size_t linear_rows(const mlq_model *m)
{
    return mlq_model_task(m) == MLQ_TASK_REGRESS || m->n_classes == 2 ? 1 : m->n_classes;
}

static void linear_params_free(void *params)
{
    linear_params *lp = params;

    if (lp == NULL)
        return;
    free(lp->w);
    free(lp->b);
    free(lp);
}

linear_params *linear_params_alloc(size_t n_rows, size_t p)
{
    linear_params *lp = mlq_calloc(1, sizeof *lp);

    if (lp == NULL)
        return NULL;
    lp->n_rows = n_rows;
    lp->w = mlq_calloc(n_rows * p, sizeof *lp->w);
    lp->b = mlq_calloc(n_rows, sizeof *lp->b);
    if (lp->w == NULL || lp->b == NULL) {
        linear_params_free(lp);
        return NULL;
    }
    return lp;
}

double linear_row_value(const linear_params *lp, size_t r, const double *z, size_t p)
{
    const double *w = lp->w + r * p;
    double s = lp->b[r];
    size_t j;

    for (j = 0; j < p; j++)
        s += w[j] * z[j];
    return s;
}

static size_t linear_n_outputs(const mlq_model *m)
{
    return mlq_model_task(m) == MLQ_TASK_REGRESS ? 1 : m->n_classes;
}

/*
 * The scores, the quantity whose Q15.16 the device's scores are: the
 * prediction in standardized target units (regression), or every class's
 * logit (a binary model's class 0 has 0, class 1 the row's logit).
 */
static void linear_host_scores(const mlq_model *m, const double *z, double *scores)
{
    const linear_params *lp = m->params;
    size_t first = linear_n_outputs(m) - lp->n_rows, r;

    if (first == 1)
        scores[0] = 0.0;
    for (r = 0; r < lp->n_rows; r++)
        scores[first + r] = linear_row_value(lp, r, z, m->n_features);
}

/* The largest score's output (the lowest on ties, as on the device); 0 for regression. */
static int linear_predict(const mlq_model *m, const double *z)
{
    size_t n = linear_n_outputs(m), k, best = 0;
    double *s = mlq_calloc(n, sizeof *s);

    if (s == NULL)
        return -1;
    linear_host_scores(m, z, s);
    for (k = 1; k < n; k++)
        if (s[k] > s[best])
            best = k;
    free(s);
    return (int)best;
}

/* The softmax of the logits (a binary model: the logistic function of its one logit). */
static int linear_host_proba(const mlq_model *m, const double *z, double *proba)
{
    size_t n = linear_n_outputs(m);

    if (mlq_model_task(m) == MLQ_TASK_REGRESS)
        return -1;
    linear_host_scores(m, z, proba);
    mlq_softmax(proba, n);
    return 0;
}

/* ---- the model file ----------------------------------------------------- */

static int linear_params_save(const mlq_model *m, cJSON *obj)
{
    const linear_params *lp = m->params;

    return mlq_json_add(obj, "weights", mlq_json_matrix(lp->w, lp->n_rows, m->n_features)) != 0 ||
                   mlq_json_add(obj, "intercepts", mlq_json_array(lp->b, lp->n_rows)) != 0
               ? -1
               : 0;
}

static int linear_params_load(mlq_model *m, const cJSON *obj, const char *path, mlq_err *err)
{
    size_t rows = linear_rows(m);
    linear_params *lp = linear_params_alloc(rows, m->n_features);

    if (lp == NULL)
        return mlq_err_set(err, path, 0, "out of memory");
    m->params = lp;
    return mlq_json_get_matrix(obj, "weights", "linear", rows, m->n_features, lp->w, path, err) != 0 ||
                   mlq_json_get_array(obj, "intercepts", "linear", rows, lp->b, path, err) != 0
               ? -1
               : 0;
}

static const mlq_opt linear_opts[] = {
    MLQ_OPT_TASK,
    {"C", MLQ_OPT_NUM, "1", 0, 1e6, true, NULL,
     "logistic regression: inverse L2 strength (> 0), minimising C x the summed log-loss + "
     "|W|^2 / 2",
     MLQ_FOR_CLASSIFY},
    {"alpha", MLQ_OPT_NUM, "1", 0, 1e12, true, NULL,
     "ridge regression: L2 strength (> 0), minimising the summed squared error + alpha |w|^2 "
     "(standardized target)",
     MLQ_FOR_REGRESS},
    {"class-weight", MLQ_OPT_CHOICE, "none", 0, 0, false, "none|balanced",
     "balanced: the loss of a row of class c times rows / (classes x rows of c)", MLQ_FOR_CLASSIFY},
    {"tol", MLQ_OPT_NUM, "1e-4", 0, 1, true, NULL,
     "logistic regression: stop when every gradient component of the mean log-loss + "
     "|W|^2 / (2 C rows) is within tol",
     MLQ_FOR_CLASSIFY},
    {"max-iter", MLQ_OPT_INT, "1000", 1, 1e9, false, NULL,
     "logistic regression: BFGS iterations at most; beyond them training fails", MLQ_FOR_CLASSIFY},
};

static mlq_task linear_task(const cJSON *hyper)
{
    return mlq_hyper_regress(hyper) ? MLQ_TASK_REGRESS : MLQ_TASK_CLASSIFY;
}

const mlq_algo mlq_algo_linear = {
    .name = "linear",
    .summary = "linear models: logistic regression (L2; binary, or multinomial for K > 2 classes) "
               "or, with --task regress, ridge regression",
    .task = linear_task,
    .opts = linear_opts,
    .n_opts = sizeof linear_opts / sizeof linear_opts[0],
    .train = linear_train,
    .params_save = linear_params_save,
    .params_load = linear_params_load,
    .params_free = linear_params_free,
    .predict = linear_predict,
    .n_outputs = linear_n_outputs,
    .host_scores = linear_host_scores,
    .host_proba = linear_host_proba,
};
