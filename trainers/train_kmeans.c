/* SPDX-License-Identifier: MIT */
/*
 * The k-means trainer (the model is kmeans_model.c): k-means++ initialisation (greedy, 2 + ln k
 * candidates per centre), Lloyd iterations, --n-init restarts keeping the
 * lowest inertia, all on standardized rows and deterministic for a seed
 * (GSL mt19937).
 *
 * Workspace idiom of GSL: mlq_kmeans_alloc / _init / _iterate / _converged
 * / _free, no callbacks.
 *
 * Degenerate data: k larger than the number of distinct rows is an error
 * (some cluster would have to be empty or duplicate); a cluster that empties
 * during Lloyd iterations is moved onto the row farthest from its centre.
 * Constant features standardize to 0 (see mlq_model_fit_scaling) and so
 * take no part in distances.
 */
#include <cjson/cJSON.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "algo.h"
#include "kmeans_params.h"
#include "kmeans_train.h"

typedef struct mlq_kmeans_workspace {
    size_t n, p, k;
    const double *x; /* [n][p] */
    double *c;       /* [k][p] current centres */
    double *c_new;   /* [k][p] */
    double *d2;      /* [n] squared distance to the assigned centre */
    double *cand_d2; /* [n] scratch for k-means++ candidates */
    size_t *assign;  /* [n] */
    size_t *count;   /* [k] */
    double shift;    /* sum of squared centre moves in the last iteration */
    double inertia;
    size_t iter;
} mlq_kmeans_workspace;

static void mlq_kmeans_free(mlq_kmeans_workspace *w)
{
    if (w == NULL)
        return;
    free(w->c);
    free(w->c_new);
    free(w->d2);
    free(w->cand_d2);
    free(w->assign);
    free(w->count);
    free(w);
}

static mlq_kmeans_workspace *mlq_kmeans_alloc(const double *x, size_t n, size_t p, size_t k)
{
    mlq_kmeans_workspace *w = mlq_calloc(1, sizeof *w);

    if (w == NULL)
        return NULL;
    w->n = n;
    w->p = p;
    w->k = k;
    w->x = x;
    w->c = mlq_calloc(k * p, sizeof *w->c);
    w->c_new = mlq_calloc(k * p, sizeof *w->c_new);
    w->d2 = mlq_calloc(n, sizeof *w->d2);
    w->cand_d2 = mlq_calloc(n, sizeof *w->cand_d2);
    w->assign = mlq_calloc(n, sizeof *w->assign);
    w->count = mlq_calloc(k, sizeof *w->count);
    if (w->c == NULL || w->c_new == NULL || w->d2 == NULL || w->cand_d2 == NULL ||
        w->assign == NULL || w->count == NULL) {
        mlq_kmeans_free(w);
        return NULL;
    }
    return w;
}

/* Row index drawn with probability proportional to weight[i] (sum > 0). */
static size_t draw_weighted(gsl_rng *rng, const double *weight, size_t n, double sum)
{
    double r = gsl_rng_uniform_pos(rng) * sum, acc = 0.0;
    size_t i, last = 0;

    for (i = 0; i < n; i++) {
        if (weight[i] > 0.0) {
            acc += weight[i];
            last = i;
            if (acc >= r)
                return i;
        }
    }
    return last; /* r beyond the rounded total */
}

/* k-means++ seeding; w->d2 ends as the distance of each row to its nearest seed. */
static void mlq_kmeans_init(mlq_kmeans_workspace *w, gsl_rng *rng)
{
    size_t n = w->n, p = w->p, c, i, t;
    size_t trials = 2 + (size_t)log((double)w->k);
    double pot = 0.0;

    i = (size_t)gsl_rng_uniform_int(rng, (unsigned long)n);
    memcpy(w->c, w->x + i * p, p * sizeof *w->c);
    for (i = 0; i < n; i++) {
        w->d2[i] = kmeans_dist2(w->x + i * p, w->c, p);
        pot += w->d2[i];
    }
    for (c = 1; c < w->k; c++) {
        size_t best = 0;
        double best_pot = HUGE_VAL;

        for (t = 0; t < trials; t++) {
            size_t cand = draw_weighted(rng, w->d2, n, pot);
            double cpot = 0.0;

            for (i = 0; i < n; i++) {
                double d = kmeans_dist2(w->x + i * p, w->x + cand * p, p);

                cpot += d < w->d2[i] ? d : w->d2[i];
            }
            if (cpot < best_pot) {
                best_pot = cpot;
                best = cand;
            }
        }
        memcpy(w->c + c * p, w->x + best * p, p * sizeof *w->c);
        pot = 0.0;
        for (i = 0; i < n; i++) {
            double d = kmeans_dist2(w->x + i * p, w->c + c * p, p);

            if (d < w->d2[i])
                w->d2[i] = d;
            pot += w->d2[i];
        }
    }
    w->iter = 0;
    w->shift = HUGE_VAL;
}

/* Assign every row to its nearest centre; returns the inertia. */
static double assign_all(mlq_kmeans_workspace *w)
{
    double inertia = 0.0;
    size_t i;

    for (i = 0; i < w->n; i++) {
        w->assign[i] = kmeans_nearest(w->c, w->k, w->p, w->x + i * w->p, &w->d2[i]);
        inertia += w->d2[i];
    }
    return inertia;
}

/* One Lloyd step: assign, then move every centre to the mean of its rows. */
static void mlq_kmeans_iterate(mlq_kmeans_workspace *w)
{
    size_t n = w->n, p = w->p, k = w->k, i, j, c;

    w->inertia = assign_all(w);
    memset(w->c_new, 0, k * p * sizeof *w->c_new);
    memset(w->count, 0, k * sizeof *w->count);
    for (i = 0; i < n; i++) {
        double *dst = w->c_new + w->assign[i] * p;

        w->count[w->assign[i]]++;
        for (j = 0; j < p; j++)
            dst[j] += w->x[i * p + j];
    }
    for (c = 0; c < k; c++) {
        if (w->count[c] == 0) {
            /* Empty cluster: take the row farthest from its own centre. */
            size_t far = 0;

            for (i = 1; i < n; i++)
                if (w->d2[i] > w->d2[far])
                    far = i;
            memcpy(w->c_new + c * p, w->x + far * p, p * sizeof *w->c_new);
            w->d2[far] = 0.0;
            continue;
        }
        for (j = 0; j < p; j++)
            w->c_new[c * p + j] /= (double)w->count[c];
    }
    w->shift = 0.0;
    for (c = 0; c < k; c++)
        w->shift += kmeans_dist2(w->c + c * p, w->c_new + c * p, p);
    memcpy(w->c, w->c_new, k * p * sizeof *w->c);
    w->iter++;
}

static int mlq_kmeans_converged(const mlq_kmeans_workspace *w, double tol_abs)
{
    return w->shift <= tol_abs;
}

/* One run from a fresh k-means++ seeding; the inertia of its final labels. */
static double run_once(mlq_kmeans_workspace *w, gsl_rng *rng, size_t max_iter, double tol_abs)
{
    mlq_kmeans_init(w, rng);
    while (w->iter < max_iter) {
        mlq_kmeans_iterate(w);
        if (mlq_kmeans_converged(w, tol_abs))
            break;
    }
    return assign_all(w); /* final labels match the final centres */
}

static size_t count_distinct_rows(const double *z, size_t n, size_t p, size_t stop_at)
{
    size_t distinct = 0, i, r;

    /* Quadratic only until `stop_at` distinct rows are found: enough to
     * decide whether k rows are distinct, with no sort and no allocation. */
    for (i = 0; i < n && distinct < stop_at; i++) {
        for (r = 0; r < i; r++)
            if (memcmp(z + i * p, z + r * p, p * sizeof *z) == 0)
                break;
        distinct += r == i;
    }
    return distinct;
}

double mlq_kmeans_tol_abs(const double *x, size_t n, size_t p, double tol)
{
    double sum = 0.0;
    size_t i, j;

    for (j = 0; j < p; j++) {
        double mean = 0.0, var = 0.0;

        for (i = 0; i < n; i++)
            mean += x[i * p + j];
        mean /= (double)n;
        for (i = 0; i < n; i++)
            var += (x[i * p + j] - mean) * (x[i * p + j] - mean);
        sum += var / (double)n;
    }
    return tol * sum / (double)p;
}

int mlq_kmeans_labels(const double *x, size_t n, size_t p, size_t k, size_t max_iter,
                      double tol_abs, gsl_rng *rng, size_t *labels, double *centroids)
{
    mlq_kmeans_workspace *w;

    if (k > count_distinct_rows(x, n, p, k))
        return -2;
    w = mlq_kmeans_alloc(x, n, p, k);
    if (w == NULL)
        return -1;
    run_once(w, rng, max_iter, tol_abs);
    memcpy(labels, w->assign, n * sizeof *labels);
    if (centroids != NULL)
        memcpy(centroids, w->c, k * p * sizeof *centroids);
    mlq_kmeans_free(w);
    return 0;
}

int kmeans_train(mlq_model *m, const mlq_dataset *d, const double *z, bool progress, mlq_err *err)
{
    size_t n = d->n_rows, p = d->n_features, run;
    size_t k = (size_t)mlq_hyper_num(m->hyper, "k");
    size_t n_init = (size_t)mlq_hyper_num(m->hyper, "n-init");
    size_t max_iter = (size_t)mlq_hyper_num(m->hyper, "max-iter");
    double tol_abs, best_inertia = HUGE_VAL;
    size_t best_iter = 0, best_run = 0, distinct;
    int best_converged = 0;
    kmeans_params *kp;
    mlq_kmeans_workspace *w;
    gsl_rng *rng;

    distinct = count_distinct_rows(z, n, p, k);
    if (k > distinct)
        return mlq_err_set(err, d->path, 0,
                           "--k %zu is more than the %zu distinct rows: every cluster needs a row of its own",
                           k, distinct);
    tol_abs = mlq_kmeans_tol_abs(z, n, p, mlq_hyper_num(m->hyper, "tol"));

    kp = mlq_calloc(1, sizeof *kp);
    w = mlq_kmeans_alloc(z, n, p, k);
    rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (kp == NULL || w == NULL || rng == NULL || (kp->centroids = mlq_calloc(k * p, sizeof(double))) == NULL) {
        if (kp != NULL)
            free(kp->centroids);
        free(kp);
        mlq_kmeans_free(w);
        if (rng != NULL)
            gsl_rng_free(rng);
        return mlq_err_set(err, d->path, 0, "out of memory for k-means (%zu rows x %zu features)", n, p);
    }
    kp->k = k;
    gsl_rng_set(rng, m->seed);
    for (run = 0; run < n_init; run++) {
        double inertia = run_once(w, rng, max_iter, tol_abs);

        if (progress)
            fprintf(stderr, "kmeans: init %zu/%zu: %zu iterations, inertia %.6g\n", run + 1,
                    n_init, w->iter, inertia);
        if (inertia < best_inertia) {
            best_inertia = inertia;
            best_iter = w->iter;
            best_run = run;
            best_converged = mlq_kmeans_converged(w, tol_abs);
            memcpy(kp->centroids, w->c, k * p * sizeof(double));
        }
    }
    mlq_kmeans_free(w);
    gsl_rng_free(rng);
    m->params = kp;
    if (!best_converged)
        fprintf(stderr, "mlq: warning: %s: k-means did not converge within --max-iter %zu (kept the best of %zu runs)\n",
                d->path, max_iter, n_init);
    if (cJSON_AddNumberToObject(m->training, "inertia", best_inertia) == NULL ||
        cJSON_AddNumberToObject(m->training, "iterations", (double)best_iter) == NULL ||
        cJSON_AddNumberToObject(m->training, "best_init", (double)best_run) == NULL ||
        cJSON_AddBoolToObject(m->training, "converged", best_converged) == NULL)
        return mlq_err_set(err, d->path, 0, "out of memory");
    return 0;
}
