/* SPDX-License-Identifier: MIT */
/*
 * The linear trainer (the model is linear_model.c), on standardized rows z:
 *
 *  - Ridge regression (--task regress): w minimises |t - Z w - b|^2 + alpha
 *    |w|^2 on the standardized target t (the same optimum as on the raw
 *    target, scaled), the intercept b unpenalized. Closed form: centre Z
 *    and t, solve (Zc' Zc + alpha I) w = Zc' tc by GSL's Cholesky
 *    decomposition, b = mean(t) - mean(z) . w.
 *  - Logistic regression (classification): W and b minimise C sum_i s_i
 *    loss_i + |W|^2 / 2, s_i the row's class weight (1, or rows / (classes x
 *    rows of its class) with --class-weight balanced), the intercepts
 *    unpenalized; loss_i is the log-loss of the logistic function of one
 *    logit for two classes, of the softmax of K logits (multinomial) for
 *    more. GSL's vector_bfgs2 minimises the same objective divided by C sum_i
 *    s_i, from zero, until every gradient component is within --tol (the
 *    convergence test of scikit-learn's lbfgs solver); reaching --max-iter
 *    first is an error and no model is written. A K-class model's
 *    intercepts sum to 0, as every gradient's intercept part does (the
 *    softmax does not change when one constant is added to every logit)
 *    and the solver starts from 0.
 *
 * Deterministic: no random choice is made (the seed is recorded only).
 */
#include <cjson/cJSON.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_multimin.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "algo.h"
#include "linear_params.h"

static int oom(const mlq_dataset *d, mlq_err *err)
{
    return mlq_err_set(err, d->path, 0, "out of memory for the linear model (%zu rows x %zu features)",
                       d->n_rows, d->n_features);
}

/* ---- ridge regression ------------------------------------------------------ */

static int ridge(mlq_model *m, const mlq_dataset *d, const double *z, linear_params *lp,
                 mlq_err *err)
{
    size_t n = d->n_rows, p = m->n_features, i, j;
    double alpha = mlq_hyper_num(m->hyper, "alpha"), tmean = 0.0, obj = 0.0;
    double *t = mlq_target_z(m, d), *zmean = mlq_calloc(p, sizeof *zmean);
    gsl_matrix *zc = gsl_matrix_alloc(n, p), *a = gsl_matrix_alloc(p, p);
    gsl_vector_view w = gsl_vector_view_array(lp->w, p), tv;
    int rc = -1;

    if (t == NULL || zmean == NULL || zc == NULL || a == NULL) {
        oom(d, err);
        goto done;
    }
    for (i = 0; i < n; i++) {
        tmean += t[i];
        for (j = 0; j < p; j++)
            zmean[j] += z[i * p + j];
    }
    tmean /= (double)n;
    for (j = 0; j < p; j++)
        zmean[j] /= (double)n;
    for (i = 0; i < n; i++) {
        t[i] -= tmean;
        for (j = 0; j < p; j++)
            gsl_matrix_set(zc, i, j, z[i * p + j] - zmean[j]);
    }
    /* a = Zc' Zc + alpha I (lower triangle), w = Zc' tc, then a w = Zc' tc. */
    tv = gsl_vector_view_array(t, n);
    gsl_blas_dsyrk(CblasLower, CblasTrans, 1.0, zc, 0.0, a);
    for (j = 0; j < p; j++)
        *gsl_matrix_ptr(a, j, j) += alpha;
    gsl_blas_dgemv(CblasTrans, 1.0, zc, &tv.vector, 0.0, &w.vector);
    if (gsl_linalg_cholesky_decomp1(a) != GSL_SUCCESS ||
        gsl_linalg_cholesky_svx(a, &w.vector) != GSL_SUCCESS) {
        mlq_err_set(err, d->path, 0,
                    "ridge regression: Z'Z + alpha I is not positive definite in double precision "
                    "(--alpha %g); no model written: raise --alpha",
                    alpha);
        goto done;
    }
    lp->b[0] = tmean;
    for (j = 0; j < p; j++)
        lp->b[0] -= zmean[j] * lp->w[j];
    for (i = 0; i < n; i++) {
        double r = t[i] + tmean - linear_row_value(lp, 0, z + i * p, p);

        obj += r * r;
    }
    for (j = 0; j < p; j++)
        obj += alpha * lp->w[j] * lp->w[j];
    if (cJSON_AddStringToObject(m->training, "solver", "ridge: Cholesky of Z'Z + alpha I") == NULL ||
        cJSON_AddNumberToObject(m->training, "iterations", 0) == NULL ||
        cJSON_AddNumberToObject(m->training, "objective", obj) == NULL ||
        cJSON_AddTrueToObject(m->training, "converged") == NULL) {
        oom(d, err);
        goto done;
    }
    rc = 0;
done:
    free(t);
    free(zmean);
    gsl_matrix_free(zc);
    gsl_matrix_free(a);
    return rc;
}

/* ---- logistic regression ---------------------------------------------------- */

/* The objective's data: parameters x = [rows][p + 1], row r's weights then its intercept. */
typedef struct logit_problem {
    const double *z; /* [n][p] */
    const int *y;    /* [n] class ids */
    const double *s; /* [n] row weights / their sum */
    size_t n, p, rows;
    double l2;       /* 1 / (C x the sum of the row weights) */
    double *logit;   /* [rows] scratch */
} logit_problem;

/* log(1 + e^v), without overflow. */
static double log1pexp(double v)
{
    return v > 0 ? v + log1p(exp(-v)) : log1p(exp(v));
}

/*
 * The objective at x (the mean weighted log-loss + l2 |W|^2 / 2) and, with
 * g != NULL, its gradient. Two classes: one logit v, class 1 against class
 * 0, loss log(1 + e^-v) for class 1 and log(1 + e^v) for class 0. More: K
 * logits, loss logsumexp - the row's class's logit.
 */
static double logit_eval(const logit_problem *lp, const double *x, double *g)
{
    size_t p = lp->p, q = p + 1, i, j, r;
    double f = 0.0;

    if (g != NULL)
        memset(g, 0, lp->rows * q * sizeof *g);
    for (i = 0; i < lp->n; i++) {
        const double *zi = lp->z + i * p;
        double top = -HUGE_VAL, sum = 0.0;

        for (r = 0; r < lp->rows; r++) {
            const double *w = x + r * q;
            double v = w[p];

            for (j = 0; j < p; j++)
                v += w[j] * zi[j];
            lp->logit[r] = v;
            top = fmax(top, v);
        }
        if (lp->rows == 1) { /* dloss/dv = sigmoid(v) - [class 1] */
            double v = lp->logit[0];

            f += lp->s[i] * log1pexp(lp->y[i] == 1 ? -v : v);
            lp->logit[0] = (v > 0 ? 1.0 / (1.0 + exp(-v)) : exp(v) / (1.0 + exp(v))) - (lp->y[i] == 1);
        } else { /* dloss/dv_k = softmax_k - [class k] */
            for (r = 0; r < lp->rows; r++)
                sum += exp(lp->logit[r] - top);
            f += lp->s[i] * (top + log(sum) - lp->logit[lp->y[i]]);
            for (r = 0; r < lp->rows; r++)
                lp->logit[r] = exp(lp->logit[r] - top) / sum - ((size_t)lp->y[i] == r);
        }
        for (r = 0; g != NULL && r < lp->rows; r++) {
            double c = lp->s[i] * lp->logit[r];

            for (j = 0; j < p; j++)
                g[r * q + j] += c * zi[j];
            g[r * q + p] += c;
        }
    }
    for (r = 0; r < lp->rows; r++) {
        for (j = 0; j < p; j++) {
            f += 0.5 * lp->l2 * x[r * q + j] * x[r * q + j];
            if (g != NULL)
                g[r * q + j] += lp->l2 * x[r * q + j];
        }
    }
    return f;
}

static double gsl_f(const gsl_vector *x, void *params)
{
    return logit_eval(params, x->data, NULL);
}

static void gsl_df(const gsl_vector *x, void *params, gsl_vector *g)
{
    (void)logit_eval(params, x->data, g->data);
}

static void gsl_fdf(const gsl_vector *x, void *params, double *f, gsl_vector *g)
{
    *f = logit_eval(params, x->data, g->data);
}

static double max_abs(const gsl_vector *v)
{
    double m = 0.0;
    size_t i;

    for (i = 0; i < v->size; i++)
        m = fmax(m, fabs(gsl_vector_get(v, i)));
    return m;
}

/* The row weights (class weights, normalised to sum 1) into s[n]; -1 with err
 * for classes the model cannot be fitted to. */
static int row_weights(const mlq_model *m, const mlq_dataset *d, double *s, mlq_err *err)
{
    size_t k = m->n_classes, n = d->n_rows, c, i;
    size_t *count = mlq_calloc(k, sizeof *count);
    const char *cw = mlq_hyper_str(m->hyper, "class-weight");
    double total = 0.0;

    if (count == NULL)
        return oom(d, err);
    for (i = 0; i < n; i++)
        count[d->y[i]]++;
    for (c = 0; c < k && count[c] > 0; c++)
        ;
    if (k < 2 || c < k) {
        mlq_err_set(err, d->path, 0,
                    k < 2 ? "every row has the class '%s': logistic regression needs rows of at "
                            "least two classes"
                          : "class '%s' has no training rows: logistic regression needs rows of "
                            "every class of the label column (a numeric target? add --task regress)",
                    d->class_names[k < 2 ? 0 : c]);
        free(count);
        return -1;
    }
    for (i = 0; i < n; i++) {
        s[i] = cw != NULL && strcmp(cw, "balanced") == 0
                   ? (double)n / ((double)k * (double)count[d->y[i]])
                   : 1.0;
        total += s[i];
    }
    for (i = 0; i < n; i++)
        s[i] /= total;
    free(count);
    return 0;
}

static int logistic(mlq_model *m, const mlq_dataset *d, const double *z, linear_params *lp,
                    bool progress, mlq_err *err)
{
    size_t n = d->n_rows, p = m->n_features, q = p + 1, rows = lp->n_rows, dim = rows * q, r, j;
    size_t max_iter = (size_t)mlq_hyper_num(m->hyper, "max-iter"), iter = 0;
    double C = mlq_hyper_num(m->hyper, "C"), tol = mlq_hyper_num(m->hyper, "tol"), gmax;
    double *s = mlq_calloc(n, sizeof *s), *logit = mlq_calloc(rows, sizeof *logit);
    gsl_multimin_fdfminimizer *mini =
        gsl_multimin_fdfminimizer_alloc(gsl_multimin_fdfminimizer_vector_bfgs2, dim);
    gsl_vector *x0 = gsl_vector_calloc(dim);
    logit_problem prob;
    gsl_multimin_function_fdf fdf;
    int status = GSL_SUCCESS, rc = -1;

    if (s == NULL || logit == NULL || mini == NULL || x0 == NULL) {
        oom(d, err);
        goto done;
    }
    if (row_weights(m, d, s, err) != 0)
        goto done;
    /* Row weights summing to 1: the objective is C sum s_i loss_i + |W|^2 / 2
     * divided by C sum s_i, which is C n (the class weights sum to n,
     * balanced or not). */
    prob = (logit_problem){.z = z, .y = d->y, .s = s, .n = n, .p = p, .rows = rows, .logit = logit,
                           .l2 = 1.0 / (C * (double)n)};
    fdf = (gsl_multimin_function_fdf){.f = gsl_f, .df = gsl_df, .fdf = gsl_fdf, .n = dim, .params = &prob};
    if (gsl_multimin_fdfminimizer_set(mini, &fdf, x0, 1.0, 0.1) != GSL_SUCCESS) {
        oom(d, err);
        goto done;
    }
    gmax = max_abs(gsl_multimin_fdfminimizer_gradient(mini));
    while (gmax > tol && iter < max_iter && status == GSL_SUCCESS) {
        status = gsl_multimin_fdfminimizer_iterate(mini);
        iter++;
        gmax = max_abs(gsl_multimin_fdfminimizer_gradient(mini));
        if (progress && iter % 100 == 0)
            fprintf(stderr, "linear: iteration %zu, largest gradient component %g (--tol %g)\n",
                    iter, gmax, tol);
    }
    if (gmax > tol) {
        if (status != GSL_SUCCESS)
            mlq_err_set(err, d->path, 0,
                        "logistic regression: the solver stopped making progress after %zu "
                        "iterations with a gradient component of %g, above --tol %g; no model "
                        "written: try a larger --tol or a smaller --C",
                        iter, gmax, tol);
        else
            mlq_err_set(err, d->path, 0,
                        "logistic regression did not reach --tol %g within --max-iter %zu "
                        "iterations (largest gradient component %g); no model written: raise "
                        "--max-iter, or try a larger --tol or a smaller --C",
                        tol, max_iter, gmax);
        goto done;
    }
    for (r = 0; r < rows; r++) {
        const double *xr = gsl_multimin_fdfminimizer_x(mini)->data + r * q;

        for (j = 0; j < p; j++)
            lp->w[r * p + j] = xr[j];
        lp->b[r] = xr[p];
    }
    if (cJSON_AddStringToObject(m->training, "solver", "logistic: BFGS (GSL vector_bfgs2)") == NULL ||
        cJSON_AddNumberToObject(m->training, "iterations", (double)iter) == NULL ||
        cJSON_AddNumberToObject(m->training, "objective",
                                gsl_multimin_fdfminimizer_minimum(mini) * C * (double)n) == NULL ||
        cJSON_AddNumberToObject(m->training, "gradient", gmax) == NULL ||
        cJSON_AddTrueToObject(m->training, "converged") == NULL) {
        oom(d, err);
        goto done;
    }
    rc = 0;
done:
    free(s);
    free(logit);
    gsl_multimin_fdfminimizer_free(mini);
    gsl_vector_free(x0);
    return rc;
}

int linear_train(mlq_model *m, const mlq_dataset *d, const double *z, bool progress, mlq_err *err)
{
    linear_params *lp = linear_params_alloc(linear_rows(m), m->n_features);

    if (lp == NULL)
        return oom(d, err);
    m->params = lp;
    if (mlq_model_task(m) == MLQ_TASK_REGRESS)
        return ridge(m, d, z, lp, err);
    return logistic(m, d, z, lp, progress, err);
}
