/* SPDX-License-Identifier: MIT */
/*
 * svm_data.h -- the SVM host tests' data: the bundled datasets split as
 * `mlq split --test-size 0.3 --seed 1` splits them, and training with a
 * JSON object of hyperparameters (test_train_svm.c, test_export_svm.c).
 * Include it after cmocka.h.
 */
#ifndef MLQ_TEST_SVM_DATA_H
#define MLQ_TEST_SVM_DATA_H

#include <cjson/cJSON.h>
#include <stdlib.h>

#include "algo.h"
#include "csv.h"
#include "metrics.h"
#include "model.h"

/* Fit scaling and train an SVM on every row of d, hyperparameters as JSON. */
static inline int train(const mlq_dataset *d, const char *hyper, mlq_model *m, mlq_err *err)
{
    cJSON *h = cJSON_Parse(hyper);

    assert_non_null(h);
    return mlq_model_train(m, &mlq_algo_svm, d, h, 1, 0, NULL, err);
}

#define HYPER(extra)                                                                           \
    "{\"kernel\": \"rbf\", \"C\": 1, \"gamma\": \"scale\", \"degree\": 3, \"coef0\": 0, "   \
    "\"tol\": 1e-3, \"max-iter\": 10000000, \"class-weight\": \"none\", \"cache-mb\": 200" extra "}"

/* The training part of data/NAME.csv as `mlq split --test-size 0.3 --seed 1` makes it. */
static inline void training_part(const char *path, mlq_dataset *tr, mlq_dataset *te)
{
    mlq_dataset d = {0};
    mlq_err err = {{0}};
    size_t *a, *b, na, nb, i, j;

    assert_int_equal(mlq_csv_read(path, NULL, MLQ_LABEL_REQUIRED, NULL, 0, &d, &err), 0);
    a = calloc(d.n_rows, sizeof *a);
    b = calloc(d.n_rows, sizeof *b);
    assert_int_equal(mlq_split_stratified(d.y, d.n_rows, d.n_classes, 0.3, 1, a, &na, b, &nb), 0);
    *tr = d;
    tr->x = calloc(na * d.n_features, sizeof(double));
    tr->y = calloc(na, sizeof(int));
    te->x = calloc(nb * d.n_features, sizeof(double));
    te->y = calloc(nb, sizeof(int));
    for (i = 0; i < na; i++) {
        for (j = 0; j < d.n_features; j++)
            tr->x[i * d.n_features + j] = d.x[a[i] * d.n_features + j];
        tr->y[i] = d.y[a[i]];
    }
    for (i = 0; i < nb; i++) {
        for (j = 0; j < d.n_features; j++)
            te->x[i * d.n_features + j] = d.x[b[i] * d.n_features + j];
        te->y[i] = d.y[b[i]];
    }
    tr->n_rows = na;
    te->n_rows = nb;
    te->n_features = d.n_features;
    free(d.x);
    free(d.y);
    free(a);
    free(b);
}

static inline void free_part(mlq_dataset *tr, mlq_dataset *te)
{
    free(te->x);
    free(te->y);
    mlq_dataset_free(tr);
}

#endif /* MLQ_TEST_SVM_DATA_H */
