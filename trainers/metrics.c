/* SPDX-License-Identifier: MIT */
#include "metrics.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>

#include "host.h"

double mlq_agreement(const int *a, const int *b, size_t n)
{
    size_t i, same = 0;

    if (n == 0)
        return 1.0;
    for (i = 0; i < n; i++)
        same += a[i] == b[i];
    return (double)same / (double)n;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

double mlq_percentile(double *v, size_t n, double pct)
{
    double pos = pct / 100.0 * (double)(n - 1), frac;
    size_t lo;

    qsort(v, n, sizeof *v, cmp_double);
    lo = (size_t)floor(pos);
    frac = pos - (double)lo;
    return lo + 1 < n ? v[lo] + frac * (v[lo + 1] - v[lo]) : v[n - 1];
}

size_t mlq_confusion(const int *truth, const int *pred, size_t n, size_t n_true, size_t n_pred,
                     size_t *counts)
{
    size_t i, skipped = 0;

    for (i = 0; i < n; i++) {
        if (truth[i] < 0 || pred[i] < 0 || (size_t)truth[i] >= n_true || (size_t)pred[i] >= n_pred)
            skipped++;
        else
            counts[(size_t)truth[i] * n_pred + (size_t)pred[i]]++;
    }
    return skipped;
}

double mlq_purity(const int *truth, const int *cluster, size_t n, size_t n_classes,
                  size_t n_clusters)
{
    size_t *counts = mlq_calloc(n_classes * n_clusters, sizeof *counts);
    size_t c, t, hit = 0;

    if (counts == NULL)
        return -1.0;
    if (n == 0) {
        free(counts);
        return 1.0;
    }
    mlq_confusion(truth, cluster, n, n_classes, n_clusters, counts);
    for (c = 0; c < n_clusters; c++) {
        size_t best = 0;

        for (t = 0; t < n_classes; t++)
            if (counts[t * n_clusters + c] > best)
                best = counts[t * n_clusters + c];
        hit += best;
    }
    free(counts);
    return (double)hit / (double)n;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;

    return (x > y) - (x < y);
}

int mlq_split_stratified(const int *y, size_t n, size_t n_classes, double test_frac,
                         unsigned long seed, size_t *train, size_t *n_train, size_t *test,
                         size_t *n_test)
{
    size_t n_groups = y != NULL && n_classes > 0 ? n_classes : 1;
    size_t *members = mlq_calloc(n, sizeof *members);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    size_t g, i;

    if (members == NULL || rng == NULL) {
        free(members);
        if (rng != NULL)
            gsl_rng_free(rng);
        return -1;
    }
    gsl_rng_set(rng, seed);
    *n_train = *n_test = 0;
    for (g = 0; g < n_groups; g++) {
        size_t m = 0, k;

        for (i = 0; i < n; i++)
            if (y == NULL || n_groups == 1 || (size_t)y[i] == g)
                members[m++] = i;
        if (m == 0)
            continue;
        gsl_ran_shuffle(rng, members, m, sizeof *members);
        k = (size_t)floor(test_frac * (double)m + 0.5);
        for (i = 0; i < m; i++) {
            if (i < k)
                test[(*n_test)++] = members[i];
            else
                train[(*n_train)++] = members[i];
        }
    }
    qsort(train, *n_train, sizeof *train, cmp_size);
    qsort(test, *n_test, sizeof *test, cmp_size);
    free(members);
    gsl_rng_free(rng);
    return 0;
}

mlq_reg_metrics mlq_regression_metrics(const double *truth, const double *pred, size_t n)
{
    mlq_reg_metrics r = {0.0, 0.0, 1.0};
    double mean = 0.0, ss_tot = 0.0, ss_res = 0.0;
    size_t i;

    if (n == 0)
        return r;
    for (i = 0; i < n; i++)
        mean += truth[i];
    mean /= (double)n;
    for (i = 0; i < n; i++) {
        double e = truth[i] - pred[i];

        r.mae += fabs(e);
        ss_res += e * e;
        ss_tot += (truth[i] - mean) * (truth[i] - mean);
    }
    r.mae /= (double)n;
    r.rmse = sqrt(ss_res / (double)n);
    r.r2 = ss_tot > 0.0 ? 1.0 - ss_res / ss_tot : ss_res == 0.0 ? 1.0 : 0.0;
    return r;
}
