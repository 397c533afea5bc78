/* SPDX-License-Identifier: MIT */
/*
 * The SVM trainer (the model is svm_model.c): C-SVC, one binary problem per
 * pair of classes (one-vs-one) solved by SMO (smo.c), support vectors
 * gathered once, grouped by class, with one coefficient per other class
 * (the layout of mlq/svm.h); or, with --task regress, epsilon-SVR, one
 * problem of 2n variables on the standardized target (smo.h), the rows
 * whose coefficient alpha - alpha* is not 0 its support vectors.
 *
 * Kernels on standardized rows: linear z.s, rbf exp(-gamma |z - s|^2),
 * poly (gamma z.s + coef0)^degree. --gamma scale is 1 / (features x the
 * variance of all standardized training values), the common convention.
 * --class-weight balanced multiplies C of class c by n / (classes x n_c).
 *
 * --epsilon is in standardized target units (the target divided by its
 * training standard deviation), as scikit-learn's SVR on a standardized
 * target; on the raw target it is epsilon x that deviation.
 *
 * Deterministic: SMO makes no random choice (the seed is recorded only).
 * A problem whose solver does not reach --tol within --max-iter iterations
 * is an error and no model is written.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "algo.h"
#include "smo.h"
#include "svm_params.h"

/* ---- training -------------------------------------------------------------- */

/* gamma from the hyperparameters: a number, or scale = 1 / (p var(z)). */
static double resolve_gamma(const mlq_model *m, const double *z, size_t n)
{
    const char *g = mlq_hyper_str(m->hyper, "gamma");
    size_t p = m->n_features, i, total = n * p;
    double mean = 0.0, var = 0.0;

    if (g == NULL)
        return mlq_hyper_num(m->hyper, "gamma");
    for (i = 0; i < total; i++)
        mean += z[i];
    mean /= (double)total;
    for (i = 0; i < total; i++)
        var += (z[i] - mean) * (z[i] - mean);
    var /= (double)total;
    return var > 0 ? 1.0 / ((double)p * var) : 1.0;
}

typedef struct train_state {
    size_t *count;   /* [n_classes] rows per class id */
    size_t *used_of; /* [n_classes] index into classes, or SIZE_MAX */
    size_t **rows;   /* [n_used] row indices of each used class */
    double *full;    /* [n][n_used - 1] coefficient of each row per other class */
    size_t *pair_rows;
    signed char *y;
    double *C, *alpha, *cw;
} train_state;

static void state_free(train_state *t, size_t n_used)
{
    size_t c;

    if (t->rows != NULL)
        for (c = 0; c < n_used; c++)
            free(t->rows[c]);
    free(t->rows);
    free(t->count);
    free(t->used_of);
    free(t->full);
    free(t->pair_rows);
    free(t->y);
    free(t->C);
    free(t->alpha);
    free(t->cw);
}

static int oom(const mlq_dataset *d, mlq_err *err)
{
    return mlq_err_set(err, d->path, 0, "out of memory for the SVM (%zu rows x %zu features)",
                       d->n_rows, d->n_features);
}


/* The solver's common settings, from the hyperparameters. */
typedef struct solve_opts {
    double C, tol;
    size_t max_iter, cache;
} solve_opts;

static solve_opts opts_of(const mlq_model *m)
{
    solve_opts o;

    o.C = mlq_hyper_num(m->hyper, "C");
    o.tol = mlq_hyper_num(m->hyper, "tol");
    o.max_iter = (size_t)mlq_hyper_num(m->hyper, "max-iter");
    o.cache = (size_t)mlq_hyper_num(m->hyper, "cache-mb") * 1024 * 1024;
    return o;
}

/* C-SVC: one problem per pair of classes. 0, or -1 with err. */
static int svc_train(mlq_model *m, const mlq_dataset *d, const double *z, svm_params *sp,
                     bool progress, size_t *iterations, mlq_err *err)
{
    size_t n = d->n_rows, p = d->n_features, c, i, j, k, q, n_used = 0, l_max = 0, n_sv = 0, o;
    solve_opts so = opts_of(m);
    const char *cwname = mlq_hyper_str(m->hyper, "class-weight");
    train_state t;
    smo_workspace *w = NULL;
    int rc = -1;

    memset(&t, 0, sizeof t);
    t.count = mlq_calloc(d->n_classes, sizeof *t.count);
    t.used_of = mlq_calloc(d->n_classes, sizeof *t.used_of);
    if (t.count == NULL || t.used_of == NULL) {
        state_free(&t, 0);
        return oom(d, err);
    }
    for (i = 0; i < n; i++)
        t.count[d->y[i]]++;
    for (c = 0; c < d->n_classes; c++) {
        t.used_of[c] = t.count[c] > 0 ? n_used++ : SIZE_MAX;
    }
    if (n_used < 2) {
        for (c = 0; c < d->n_classes && t.count[c] == 0; c++)
            ;
        mlq_err_set(err, d->path, 0,
                    "every row has the class '%s': an SVM needs rows of at least two classes",
                    d->class_names[c]);
        goto done;
    }
    sp->n_used = n_used;
    sp->classes = mlq_calloc(n_used, sizeof *sp->classes);
    sp->sv_count = mlq_calloc(n_used, sizeof *sp->sv_count);
    sp->rho = mlq_calloc(svm_n_pairs(n_used), sizeof *sp->rho);
    t.rows = mlq_calloc(n_used, sizeof *t.rows);
    t.cw = mlq_calloc(n_used, sizeof *t.cw);
    t.full = mlq_calloc(n * (n_used - 1), sizeof *t.full);
    if (sp->classes == NULL || sp->sv_count == NULL || sp->rho == NULL || t.rows == NULL ||
        t.cw == NULL || t.full == NULL) {
        oom(d, err);
        goto done;
    }
    for (c = 0; c < d->n_classes; c++) {
        size_t u = t.used_of[c];

        if (u == SIZE_MAX)
            continue;
        sp->classes[u] = (int)c;
        t.cw[u] = 1.0;
        if (cwname != NULL && strcmp(cwname, "balanced") == 0)
            t.cw[u] = (double)n / ((double)n_used * (double)t.count[c]);
        if ((t.rows[u] = mlq_calloc(t.count[c], sizeof **t.rows)) == NULL) {
            oom(d, err);
            goto done;
        }
        t.count[c] = 0; /* refilled below as a cursor */
    }
    for (i = 0; i < n; i++) {
        c = (size_t)d->y[i];
        t.rows[t.used_of[c]][t.count[c]++] = i;
    }
    /* The largest pair decides the workspace. */
    for (i = 0; i < n_used; i++)
        for (j = i + 1; j < n_used; j++) {
            size_t l = t.count[sp->classes[i]] + t.count[sp->classes[j]];

            if (l > l_max)
                l_max = l;
        }
    t.pair_rows = mlq_calloc(l_max, sizeof *t.pair_rows);
    t.y = mlq_calloc(l_max, 1);
    t.C = mlq_calloc(l_max, sizeof *t.C);
    t.alpha = mlq_calloc(l_max, sizeof *t.alpha);
    w = smo_alloc(z, l_max, p, sp, so.cache);
    if (t.pair_rows == NULL || t.y == NULL || t.C == NULL || t.alpha == NULL || w == NULL) {
        oom(d, err);
        goto done;
    }

    q = 0;
    for (i = 0; i < n_used; i++) {
        for (j = i + 1; j < n_used; j++, q++) {
            size_t ni = t.count[sp->classes[i]], nj = t.count[sp->classes[j]], l = ni + nj;
            smo_problem pb = {t.pair_rows, l, l, t.y, t.C, NULL};
            smo_result res;

            for (k = 0; k < ni; k++) {
                t.pair_rows[k] = t.rows[i][k];
                t.y[k] = 1;
                t.C[k] = so.C * t.cw[i];
            }
            for (k = 0; k < nj; k++) {
                t.pair_rows[ni + k] = t.rows[j][k];
                t.y[ni + k] = -1;
                t.C[ni + k] = so.C * t.cw[j];
            }
            if (smo_solve(w, &pb, so.tol, so.max_iter, t.alpha, &res) != 0) {
                oom(d, err);
                goto done;
            }
            *iterations += res.iterations;
            if (!res.converged) {
                mlq_err_set(err, d->path, 0,
                            "the SVM solver did not reach --tol %g within --max-iter %zu iterations "
                            "(classes '%s' vs '%s'); no model written: raise --max-iter, or try a "
                            "larger --tol or a smaller --C",
                            so.tol, so.max_iter, d->class_names[sp->classes[i]],
                            d->class_names[sp->classes[j]]);
                goto done;
            }
            sp->rho[q] = res.rho;
            /* Row r of class i keeps its coefficient for class j in slot
             * j - 1, a row of class j its coefficient for class i in slot i. */
            for (k = 0; k < l; k++) {
                size_t slot = k < ni ? j - 1 : i;

                t.full[t.pair_rows[k] * (n_used - 1) + slot] = t.y[k] * t.alpha[k];
            }
            if (progress)
                fprintf(stderr, "svm: pair %zu/%zu ('%s' vs '%s'): %zu iterations\n", q + 1,
                        svm_n_pairs(n_used), d->class_names[sp->classes[i]],
                        d->class_names[sp->classes[j]], res.iterations);
        }
    }

    /* Support vectors: rows with a non-zero coefficient in some pair,
     * grouped by class in row order. */
    for (c = 0; c < n_used; c++) {
        size_t cnt = t.count[sp->classes[c]];

        for (k = 0; k < cnt; k++) {
            size_t r = t.rows[c][k];

            for (o = 0; o < n_used - 1; o++)
                if (t.full[r * (n_used - 1) + o] != 0.0)
                    break;
            if (o < n_used - 1) {
                sp->sv_count[c]++;
                n_sv++;
            }
        }
    }
    sp->n_sv = n_sv;
    sp->sv = mlq_calloc(n_sv * p, sizeof *sp->sv);
    sp->coef = mlq_calloc((n_used - 1) * n_sv, sizeof *sp->coef);
    if (sp->sv == NULL || sp->coef == NULL || svm_set_first(sp) != 0) {
        oom(d, err);
        goto done;
    }
    for (c = 0, q = 0; c < n_used; c++) {
        size_t cnt = t.count[sp->classes[c]];

        for (k = 0; k < cnt; k++) {
            size_t r = t.rows[c][k];

            for (o = 0; o < n_used - 1; o++)
                if (t.full[r * (n_used - 1) + o] != 0.0)
                    break;
            if (o == n_used - 1)
                continue;
            memcpy(sp->sv + q * p, z + r * p, p * sizeof *sp->sv);
            for (o = 0; o < n_used - 1; o++)
                sp->coef[o * n_sv + q] = t.full[r * (n_used - 1) + o];
            q++;
        }
    }
    rc = 0;
done:
    smo_free(w);
    state_free(&t, n_used);
    return rc;
}

/*
 * epsilon-SVR on the standardized target t: 2n variables (smo.h), the
 * coefficient of row i beta_i = alpha_i - alpha*_i, the rows with beta_i
 * != 0 the support vectors, in row order. 0, or -1 with err.
 */
static int svr_train(mlq_model *m, const mlq_dataset *d, const double *z, svm_params *sp,
                     bool progress, size_t *iterations, mlq_err *err)
{
    size_t n = d->n_rows, p = d->n_features, l = 2 * n, i, q = 0;
    solve_opts so = opts_of(m);
    double eps = mlq_hyper_num(m->hyper, "epsilon");
    double *t = mlq_target_z(m, d), *C = mlq_calloc(l, sizeof *C), *lin = mlq_calloc(l, sizeof *lin);
    double *alpha = mlq_calloc(l, sizeof *alpha);
    size_t *rows = mlq_calloc(n, sizeof *rows);
    signed char *y = mlq_calloc(l, 1);
    smo_workspace *w = smo_alloc(z, l, p, sp, so.cache);
    smo_problem pb = {rows, n, l, y, C, lin};
    smo_result res;
    int rc = -1;

    sp->regress = true;
    sp->epsilon = eps;
    sp->n_used = 1;
    sp->sv_count = mlq_calloc(1, sizeof *sp->sv_count);
    sp->rho = mlq_calloc(1, sizeof *sp->rho);
    if (t == NULL || C == NULL || lin == NULL || alpha == NULL || rows == NULL || y == NULL ||
        w == NULL || sp->sv_count == NULL || sp->rho == NULL) {
        oom(d, err);
        goto done;
    }
    for (i = 0; i < n; i++) {
        rows[i] = i;
        y[i] = 1;
        y[n + i] = -1;
        C[i] = C[n + i] = so.C;
        lin[i] = eps - t[i];
        lin[n + i] = eps + t[i];
    }
    if (smo_solve(w, &pb, so.tol, so.max_iter, alpha, &res) != 0) {
        oom(d, err);
        goto done;
    }
    *iterations = res.iterations;
    if (!res.converged) {
        mlq_err_set(err, d->path, 0,
                    "the SVM solver did not reach --tol %g within --max-iter %zu iterations "
                    "(regression); no model written: raise --max-iter, or try a larger --tol, a "
                    "smaller --C or a larger --epsilon",
                    so.tol, so.max_iter);
        goto done;
    }
    if (progress)
        fprintf(stderr, "svm: regression: %zu iterations\n", res.iterations);
    for (i = 0; i < n; i++)
        sp->n_sv += alpha[i] - alpha[n + i] != 0.0;
    if (sp->n_sv == 0) {
        mlq_err_set(err, d->path, 0,
                    "every training target is within --epsilon %g of the SVR's constant (standardized "
                    "target units): no support vector; use a smaller --epsilon",
                    eps);
        goto done;
    }
    sp->sv_count[0] = sp->n_sv;
    sp->rho[0] = res.rho;
    sp->sv = mlq_calloc(sp->n_sv * p, sizeof *sp->sv);
    sp->coef = mlq_calloc(sp->n_sv, sizeof *sp->coef);
    if (sp->sv == NULL || sp->coef == NULL || svm_set_first(sp) != 0) {
        oom(d, err);
        goto done;
    }
    for (i = 0; i < n; i++) {
        if (alpha[i] - alpha[n + i] == 0.0)
            continue;
        memcpy(sp->sv + q * p, z + i * p, p * sizeof *sp->sv);
        sp->coef[q++] = alpha[i] - alpha[n + i];
    }
    rc = 0;
done:
    smo_free(w);
    free(t);
    free(C);
    free(lin);
    free(alpha);
    free(rows);
    free(y);
    return rc;
}

/* The range of the polynomial kernel's base on the training rows, from
 * which the exporter chooses its fixed-point formats (0 for the others). */
static double poly_range(const svm_params *sp, const double *z, size_t n, size_t p)
{
    double t_max = 0.0;
    size_t i, k;

    if (sp->kernel != SVM_POLY)
        return 0.0;
    for (i = 0; i < n; i++)
        for (k = 0; k < sp->n_sv; k++) {
            double v = sp->gamma * svm_kernel_eval(&(svm_params){.kernel = SVM_LINEAR}, z + i * p,
                                                   sp->sv + k * p, p) + sp->coef0;

            if (fabs(v) > t_max)
                t_max = fabs(v);
        }
    return t_max;
}

int svm_train(mlq_model *m, const mlq_dataset *d, const double *z, bool progress, mlq_err *err)
{
    svm_params *sp = mlq_calloc(1, sizeof *sp);
    bool regress = mlq_model_task(m) == MLQ_TASK_REGRESS;
    size_t iterations = 0;

    if (sp == NULL)
        return oom(d, err);
    m->params = sp;
    sp->kernel = (svm_kernel)svm_kernel_of(mlq_hyper_str(m->hyper, "kernel"));
    sp->degree = (int)mlq_hyper_num(m->hyper, "degree");
    sp->coef0 = mlq_hyper_num(m->hyper, "coef0");
    sp->gamma = resolve_gamma(m, z, d->n_rows);
    if ((regress ? svr_train : svc_train)(m, d, z, sp, progress, &iterations, err) != 0)
        return -1;
    sp->t_max = poly_range(sp, z, d->n_rows, d->n_features);
    if (cJSON_AddNumberToObject(m->training, "iterations", (double)iterations) == NULL ||
        cJSON_AddNumberToObject(m->training, "support_vectors", (double)sp->n_sv) == NULL ||
        (!regress &&
         cJSON_AddNumberToObject(m->training, "pairs", (double)svm_n_pairs(sp->n_used)) == NULL) ||
        cJSON_AddNumberToObject(m->training, "gamma", sp->gamma) == NULL)
        return oom(d, err);
    return 0;
}
