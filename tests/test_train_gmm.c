/* SPDX-License-Identifier: MIT */
/*
 * Gaussian mixtures on the host: the trainer against a direct Gaussian
 * naive Bayes computation, on separated blobs, for the anomaly threshold,
 * and on degenerate data; the model file's validation; the float
 * reference's outputs, scores and probabilities (argmax = predict); the
 * device side against them; and every refusal of the exporter, each
 * naming its model-file field, with extreme but representable models
 * built without undefined behaviour. The kernels are in test_gmm.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "algo.h"
#include "csv.h"
#include "export.h"
#include "gmm_params.h"
#include "metrics.h"
#include "mlq/gmm.h"
#include "mlq/score.h"
#include "model.h"

#define TEST_PI 3.14159265358979323846

static int train(mlq_dataset *d, const char *hyper, unsigned long seed, mlq_model *m, mlq_err *err)
{
    return mlq_model_train(m, &mlq_algo_gmm, d, cJSON_Parse(hyper), seed, 0, NULL, err);
}

#define HYPER(extra) "{\"covariance\": \"diag\", " \
                     "\"reg-covar\": 1e-9, \"max-iter\": 100, \"tol\": 1e-3, \"n-init\": 1, " extra "}"
#define FULL_HYPER(extra) "{\"covariance\": \"full\", \"anomaly-percentile\": \"off\", " \
                          "\"reg-covar\": 1e-6, \"max-iter\": 100, \"tol\": 1e-3, \"n-init\": 1, " extra "}"

/* A small labelled dataset: 3 classes x 2 features, fixed irregular values. */
static void make_small(mlq_dataset *d)
{
    static const double x[][2] = {{1.0, 7.5}, {1.4, 6.1}, {0.7, 6.8}, {1.9, 7.7}, {1.1, 5.9},
                                  {4.2, 2.0}, {3.6, 2.9}, {5.1, 2.4}, {4.4, 1.1}, {3.9, 3.3}, {4.8, 2.6},
                                  {7.3, 6.6}, {8.1, 7.9}, {6.6, 6.2}, {7.7, 5.1}};
    static const int y[] = {0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2};
    static char *names[] = {"a", "b"}, *classes[] = {"0", "1", "2"};
    size_t n = sizeof y / sizeof y[0];

    memset(d, 0, sizeof *d);
    d->n_rows = n;
    d->n_features = 2;
    d->x = malloc(sizeof x);
    memcpy(d->x, x, sizeof x);
    d->y = malloc(sizeof y);
    memcpy(d->y, y, sizeof y);
    d->n_classes = 3;
    d->class_names = classes;
    d->feature_names = names;
    d->path = (char *)"small";
}

static void free_small(mlq_dataset *d)
{
    free(d->x);
    free(d->y);
}

/* ---- the trainer ------------------------------------------------------------ */

/* GNB computed directly: per-class mean, population variance + 1e-9 (in
 * standardized units, as scikit-learn's var_smoothing gives there), log share. */
static void test_per_class_diag_is_gaussian_naive_bayes(void **state)
{
    mlq_dataset d;
    mlq_model m;
    mlq_err err = {{0}};
    const gmm_params *gp;
    double mean[3][2] = {{0}}, var[3][2] = {{0}}, cnt[3] = {0}, z[2], x[2];
    size_t i, j, c;

    (void)state;
    make_small(&d);
    assert_int_equal(train(&d, HYPER("\"per-class\": true, \"components\": 1"), 1, &m, &err), 0);
    gp = m.params;
    assert_int_equal(gp->n_groups, 3);
    for (i = 0; i < d.n_rows; i++) {
        mlq_model_standardize(&m, d.x + 2 * i, z);
        cnt[d.y[i]]++;
        for (j = 0; j < 2; j++)
            mean[d.y[i]][j] += z[j];
    }
    for (c = 0; c < 3; c++)
        for (j = 0; j < 2; j++)
            mean[c][j] /= cnt[c];
    for (i = 0; i < d.n_rows; i++) {
        mlq_model_standardize(&m, d.x + 2 * i, z);
        for (j = 0; j < 2; j++)
            var[d.y[i]][j] += (z[j] - mean[d.y[i]][j]) * (z[j] - mean[d.y[i]][j]);
    }
    for (c = 0; c < 3; c++) {
        assert_true(fabs(gp->log_prior[c] - log(cnt[c] / 15.0)) < 1e-12);
        for (j = 0; j < 2; j++) {
            var[c][j] = var[c][j] / cnt[c] + 1e-9;
            assert_true(fabs(gp->means[c * 2 + j] - mean[c][j]) < 1e-12);
            assert_true(fabs(gp->covariances[c * 2 + j] - var[c][j]) < 1e-12);
        }
    }
    /* Predictions on a grid equal the direct GNB argmax. */
    for (x[0] = 0.0; x[0] <= 9.0; x[0] += 0.37) {
        for (x[1] = 0.5; x[1] <= 8.5; x[1] += 0.41) {
            int best = 0;
            double bl = -HUGE_VAL;

            mlq_model_standardize(&m, x, z);
            for (c = 0; c < 3; c++) {
                double l = log(cnt[c] / 15.0);

                for (j = 0; j < 2; j++)
                    l -= 0.5 * log(2 * TEST_PI * var[c][j]) +
                         (z[j] - mean[c][j]) * (z[j] - mean[c][j]) / (2 * var[c][j]);
                if (l > bl) {
                    bl = l;
                    best = (int)c;
                }
            }
            assert_int_equal(m.algo->predict(&m, z), best);
        }
    }
    mlq_model_free(&m);
    free_small(&d);
}

/* Three separated blobs in 4 dimensions: clustering finds them, full and
 * diagonal, deterministically for a seed; the device agrees on every row. */
static void test_blobs_are_recovered_and_the_device_agrees(void **state)
{
    enum { N = 240, P = 4 };
    static const double centre[3][P] = {{0, 0, 0, 0}, {8, 8, 0, 0}, {0, 8, 8, -8}};
    static char *names[] = {"a", "b", "c", "d"}, *classes[] = {"0", "1", "2"};
    const char *cov[2] = {"full", "diag"};
    mlq_dataset d = {0};
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    size_t i, j, v;
    char hyper[300];

    (void)state;
    gsl_rng_set(rng, 42);
    d.n_rows = N;
    d.n_features = P;
    d.path = (char *)"blobs";
    d.feature_names = names;
    d.class_names = classes;
    d.n_classes = 3;
    d.x = calloc(N * P, sizeof(double));
    d.y = calloc(N, sizeof(int));
    for (i = 0; i < N; i++) {
        d.y[i] = (int)(i % 3);
        for (j = 0; j < P; j++)
            d.x[i * P + j] = centre[i % 3][j] + gsl_ran_gaussian(rng, 1.0 + 0.3 * (double)j);
    }
    for (v = 0; v < 2; v++) {
        mlq_model a, b;
        mlq_err err = {{0}};
        mlq_device dev;
        int pred[N], dp;
        double z[P];

        snprintf(hyper, sizeof hyper, "{\"covariance\": \"%s\", \"per-class\": false, \"anomaly-percentile\": \"off\", "
                 "\"reg-covar\": 1e-6, \"max-iter\": 100, \"tol\": 1e-3, \"n-init\": 2, \"components\": 3}", cov[v]);
        assert_int_equal(train(&d, hyper, 5, &a, &err), 0);
        assert_int_equal(train(&d, hyper, 5, &b, &err), 0);
        assert_memory_equal(((gmm_params *)a.params)->means, ((gmm_params *)b.params)->means, 3 * P * sizeof(double));
        assert_int_equal(mlq_device_build(&a, 0, &dev, &err), 0);
        assert_int_equal(dev.clipped, 0);
        for (i = 0; i < N; i++) {
            mlq_model_standardize(&a, d.x + i * P, z);
            pred[i] = a.algo->predict(&a, z);
            assert_int_equal(mlq_device_predict(&dev, d.x + i * P, &dp), MLQ_OK);
            assert_int_equal(dp, pred[i]);
        }
        assert_true(mlq_purity(d.y, pred, N, 3, 3) == 1.0);
        assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(a.training, "converged")));
        mlq_device_free(&dev);
        mlq_model_free(&a);
        mlq_model_free(&b);
    }
    free(d.x);
    free(d.y);
    gsl_rng_free(rng);
}

/* The anomaly threshold flags the chosen share of the (normal) training rows;
 * rows of class 1 are not trained on. */
static void test_anomaly_threshold_is_the_training_percentile(void **state)
{
    enum { N = 400, P = 3 };
    static char *names[] = {"a", "b", "c"}, *classes[] = {"0", "1"};
    mlq_dataset d = {0};
    mlq_model m;
    mlq_err err = {{0}};
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    size_t i, j, flagged = 0, flagged_anomalies = 0;
    double z[P];

    (void)state;
    gsl_rng_set(rng, 9);
    d.n_rows = N;
    d.n_features = P;
    d.path = (char *)"normal";
    d.feature_names = names;
    d.class_names = classes;
    d.n_classes = 2;
    d.x = calloc(N * P, sizeof(double));
    d.y = calloc(N, sizeof(int));
    for (i = 0; i < N; i++) {
        d.y[i] = i >= 300; /* 100 rows far away, class 1 */
        for (j = 0; j < P; j++)
            d.x[i * P + j] = gsl_ran_gaussian(rng, 1.0) + (d.y[i] ? 9.0 : 0.0);
    }
    assert_int_equal(train(&d, HYPER("\"components\": 2, \"anomaly-percentile\": 5"), 1, &m, &err), 0);
    assert_int_equal(mlq_model_task(&m), MLQ_TASK_ANOMALY);
    assert_true(cJSON_GetObjectItemCaseSensitive(m.training, "normal_rows")->valuedouble == 300);
    for (i = 0; i < N; i++) {
        mlq_model_standardize(&m, d.x + i * P, z);
        if (i < 300)
            flagged += (size_t)m.algo->predict(&m, z);
        else
            flagged_anomalies += (size_t)m.algo->predict(&m, z);
    }
    /* 5% of 300 by linear interpolation: 15 rows strictly below the threshold. */
    assert_int_equal(flagged, 15);
    assert_int_equal(flagged_anomalies, 100);
    mlq_model_free(&m);
    free(d.x);
    free(d.y);
    gsl_rng_free(rng);
}

static void test_degenerate_data_gets_clear_errors(void **state)
{
    mlq_dataset d;
    mlq_model m;
    mlq_err err = {{0}};

    (void)state;
    make_small(&d);
    /* Class 2 has 4 distinct rows. */
    assert_int_equal(train(&d, HYPER("\"per-class\": true, \"components\": 5"), 1, &m, &err), -1);
    assert_string_equal(err.msg, "small: --components 5 is more than the distinct rows of class '2' (4 rows): lower --components");
    mlq_model_free(&m);
    /* Per-class and anomaly exclude each other. */
    assert_int_equal(train(&d, HYPER("\"per-class\": true, \"components\": 1, \"anomaly-percentile\": 1"), 1, &m, &err), -1);
    assert_non_null(strstr(err.msg, "exclude each other"));
    mlq_model_free(&m);
    /* Duplicate rows and no regularisation: a singular covariance, with guidance. */
    d.x[2] = d.x[0];
    d.x[3] = d.x[1];
    d.x[4] = d.x[0];
    d.x[5] = d.x[1];
    d.x[6] = d.x[0];
    d.x[7] = d.x[1];
    assert_int_equal(train(&d, "{\"covariance\": \"full\", \"per-class\": true, \"anomaly-percentile\": \"off\", "
                               "\"reg-covar\": 0, \"max-iter\": 100, \"tol\": 1e-3, \"n-init\": 1, \"components\": 2}",
                           1, &m, &err), -1);
    assert_non_null(strstr(err.msg, "class '0': component"));
    assert_non_null(strstr(err.msg, "raise --reg-covar (now 0)"));
    mlq_model_free(&m);
    /* The default regularisation makes the same data work. */
    assert_int_equal(train(&d, "{\"covariance\": \"full\", \"per-class\": true, \"anomaly-percentile\": \"off\", "
                               "\"reg-covar\": 1e-6, \"max-iter\": 100, \"tol\": 1e-3, \"n-init\": 1, \"components\": 2}",
                           1, &m, &err), 0);
    mlq_model_free(&m);
    free_small(&d);
}

static void test_unconverged_em_says_so(void **state)
{
    mlq_dataset d;
    mlq_model m;
    mlq_err err = {{0}};

    (void)state;
    make_small(&d);
    assert_int_equal(train(&d, "{\"covariance\": \"full\", \"per-class\": false, \"anomaly-percentile\": \"off\", "
                               "\"reg-covar\": 1e-6, \"max-iter\": 1, \"tol\": 0, \"n-init\": 1, \"components\": 3}",
                           1, &m, &err), 0);
    assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(m.training, "converged")));
    mlq_model_free(&m);
    free_small(&d);
}

/* Save, load, and every validation of the parameters on load. */
static void test_model_file_round_trip_and_validation(void **state)
{
    static const struct {
        const char *from, *to, *msg;
    } edits[] = {
        {"\"weights\":\t[", "\"weights\":\t[0.5, ", "field 'gmm.weights'"},
        {"\"groups\":\t3", "\"groups\":\t2", "field 'gmm.groups' is 2"},
        {"\"log_prior\":\t[", "\"log_prior\":\t[0.5, ", "field 'gmm.log_prior'"},
        {"\"covariances\":\t[[", "\"covariances\":\t[[-", "not positive definite"},
        {"\"covariance\":\t\"full\"", "\"covariance\":\t\"round\"", "must be \"full\" or \"diag\""},
    };
    mlq_dataset d;
    mlq_model m, l;
    mlq_err err = {{0}};
    char *text;
    size_t i, n;
    FILE *f;
    char path[64];

    (void)state;
    snprintf(path, sizeof path, "/tmp/mlq_test_gmm_%ld.json", (long)getpid());
    make_small(&d);
    assert_int_equal(train(&d, "{\"covariance\": \"full\", \"per-class\": true, \"anomaly-percentile\": \"off\", "
                               "\"reg-covar\": 1e-6, \"max-iter\": 100, \"tol\": 1e-3, \"n-init\": 1, \"components\": 1}",
                           1, &m, &err), 0);
    assert_int_equal(mlq_model_save(path, &m, &err), 0);
    if (mlq_model_load(path, &l, &err) != 0)
        fail_msg("%s", err.msg);
    assert_memory_equal(((gmm_params *)l.params)->covariances, ((gmm_params *)m.params)->covariances, 3 * 4 * sizeof(double));
    mlq_model_free(&l);
    f = fopen(path, "rb");
    fseek(f, 0, SEEK_END);
    n = (size_t)ftell(f);
    rewind(f);
    text = calloc(n + 64, 1);
    assert_int_equal(fread(text, 1, n, f), n);
    fclose(f);
    for (i = 0; i < sizeof edits / sizeof edits[0]; i++) {
        char *at = strstr(text, edits[i].from), *edited;

        assert_non_null(at);
        edited = calloc(n + 64, 1);
        memcpy(edited, text, (size_t)(at - text));
        strcat(edited, edits[i].to);
        strcat(edited, at + strlen(edits[i].from));
        f = fopen(path, "wb");
        fputs(edited, f);
        fclose(f);
        assert_int_equal(mlq_model_load(path, &l, &err), -1);
        if (strstr(err.msg, edits[i].msg) == NULL)
            fail_msg("edit %zu: '%s' lacks '%s'", i, err.msg, edits[i].msg);
        free(edited);
    }
    /* A non-finite parameter never reaches a file. */
    ((gmm_params *)m.params)->means[0] = (double)NAN;
    assert_int_equal(mlq_model_save(path, &m, &err), -1);
    remove(path);
    free(text);
    mlq_model_free(&m);
    free_small(&d);
}

/* ---- outputs, scores and probabilities on the host and the device -------- */

/* On a grid over the small dataset's range: the host's scores have predict
 * as their argmax, its probabilities are their softmax, and the device's
 * scores and probabilities agree with the host's (argmax = its predict). */
static void check_outputs(const mlq_model *m, size_t want_outputs, int has_proba)
{
    mlq_device dev;
    mlq_err err = {{0}};
    double x[2], z[2], hs[3], hp[3];
    size_t n = m->algo->n_outputs(m), j, rows = 0, same = 0;

    assert_int_equal(n, want_outputs);
    assert_int_equal(mlq_device_build(m, 0, &dev, &err), 0);
    assert_int_equal(dev.n_outputs, n);
    assert_int_equal(dev.kern.proba != NULL, has_proba);
    for (x[0] = 0.0; x[0] <= 9.0; x[0] += 0.53) {
        for (x[1] = 0.5; x[1] <= 8.5; x[1] += 0.61) {
            int32_t ds[3];
            uint16_t dp[3];
            int pred, dpred;
            double sum = 0.0, lse;

            mlq_model_standardize(m, x, z);
            pred = m->algo->predict(m, z);
            m->algo->host_scores(m, z, hs);
            for (j = 1, lse = hs[0]; j < n; j++)
                lse = fmax(lse, hs[j]);
            for (j = 0; j < n; j++)
                sum += exp(hs[j] - lse);
            for (j = 0; j < n; j++)
                assert_false(hs[j] > hs[pred] || (j < (size_t)pred && hs[j] == hs[pred]));
            assert_int_equal(mlq_device_predict(&dev, x, &dpred), MLQ_OK);
            assert_int_equal(mlq_device_scores(&dev, x, ds), MLQ_OK);
            assert_int_equal(mlq_score_argmax(ds, (uint16_t)n), dpred);
            rows++;
            same += dpred == pred;
            /* The device sees z in steps of R/32768: its scores may differ by
             * what one step per feature moves the host's (their gradient,
             * by central differences), plus its own rounding. The device
             * saturates at -32768 nats. */
            {
                double step = m->input_range / 32768.0, zp[2], hu[3], hd[3], moved[3] = {0, 0, 0};
                size_t f;

                for (f = 0; f < 2; f++) {
                    memcpy(zp, z, sizeof zp);
                    zp[f] = z[f] + step;
                    m->algo->host_scores(m, zp, hu);
                    zp[f] = z[f] - step;
                    m->algo->host_scores(m, zp, hd);
                    for (j = 0; j < n; j++)
                        moved[j] += fabs(hu[j] - hd[j]) / 2.0;
                }
                for (j = 0; j < n; j++)
                    if (hs[j] > -30000.0)
                        assert_true(fabs(ds[j] / 65536.0 - hs[j]) < 0.02 + 1e-3 * fabs(hs[j]) + moved[j]);
            }
            if (!has_proba) {
                assert_int_equal(m->algo->host_proba(m, z, hp), -1);
                assert_int_equal(mlq_device_proba(&dev, x, dp), MLQ_ERR_MODEL);
                continue;
            }
            assert_int_equal(m->algo->host_proba(m, z, hp), 0);
            assert_int_equal(mlq_device_proba(&dev, x, dp), MLQ_OK);
            assert_int_equal(mlq_proba_argmax(dp, (uint16_t)n), dpred);
            assert_int_equal(dp[0] + dp[1] + (n > 2 ? dp[2] : 0), 32768);
            for (j = 0; j < n; j++) {
                assert_true(fabs(hp[j] - exp(hs[j] - lse) / sum) < 1e-12);
                assert_true(fabs(hp[j] - dp[j] / 32768.0) < 0.01);
            }
        }
    }
    assert_int_equal(rows, 17 * 14);
    assert_true(same + 2 >= rows); /* host and device: a boundary case or two apart at most */
    mlq_device_free(&dev);
}

static void test_outputs_scores_and_probabilities(void **state)
{
    mlq_dataset d;
    mlq_model m;
    mlq_err err = {{0}};

    (void)state;
    make_small(&d);
    assert_int_equal(train(&d, HYPER("\"per-class\": true, \"components\": 1"), 1, &m, &err), 0);
    check_outputs(&m, 3, 1);
    mlq_model_free(&m);
    assert_int_equal(train(&d, FULL_HYPER("\"per-class\": false, \"components\": 3"), 1, &m, &err), 0);
    check_outputs(&m, 3, 1);
    mlq_model_free(&m);
    assert_int_equal(train(&d, FULL_HYPER("\"per-class\": true, \"components\": 2"), 1, &m, &err), 0);
    check_outputs(&m, 3, 1);
    mlq_model_free(&m);
    assert_int_equal(train(&d, HYPER("\"components\": 2, \"anomaly-percentile\": 20"), 1, &m, &err), 0);
    check_outputs(&m, 2, 0);
    mlq_model_free(&m);
    free_small(&d);
}

/* ---- the exporter's refusals ------------------------------------------------ */

/* device_build of m fails, naming `field`, with `what` in the message, and
 * leaves dev empty. */
static void refused(const mlq_model *m, const char *field, const char *what)
{
    mlq_device dev;
    mlq_err err = {{0}};
    char want[96];

    if (mlq_device_build(m, 0, &dev, &err) != -1)
        fail_msg("not refused: %s", field);
    snprintf(want, sizeof want, "small: field '%s': ", field);
    if (strstr(err.msg, want) != err.msg || strstr(err.msg, what) == NULL)
        fail_msg("'%s' lacks '%s' ... '%s'", err.msg, want, what);
    assert_null(dev.impl);
    assert_null(dev.work);
}

static gmm_params *params(mlq_model *m)
{
    return m->params;
}

static void test_exporter_refuses_what_the_device_cannot_hold(void **state)
{
    mlq_dataset d;
    mlq_model m;
    mlq_err err = {{0}};
    mlq_device dev;
    gmm_params *gp;
    double saved;

    (void)state;
    make_small(&d);
    assert_int_equal(train(&d, HYPER("\"per-class\": true, \"components\": 1"), 1, &m, &err), 0);
    gp = params(&m);
    /* A log prior that takes the constant beyond 32768 nats. */
    gp->log_prior[0] = -40000.0;
    assert_int_equal(gmm_params_prepare(gp, NULL), 0);
    refused(&m, "gmm.log_prior", "component 0: the log-density constant");
    gp->log_prior[0] = log(5.0 / 15.0);
    /* A constant beyond 32768 nats from the covariance's terms. */
    assert_int_equal(gmm_params_prepare(gp, NULL), 0);
    saved = gp->log_const[1];
    gp->log_const[1] = 50000.0;
    refused(&m, "gmm.covariances", "component 1: the log-density constant log w + log prior - log det L - (d/2) log 2pi is 50000 nats, beyond the device's 32768 in magnitude");
    gp->log_const[1] = saved;
    /* A standard deviation too small for the factor's exponents. */
    saved = gp->covariances[5];
    gp->covariances[5] = 1e-14;
    assert_int_equal(gmm_params_prepare(gp, NULL), 0);
    refused(&m, "gmm.covariances", "component 2: row 1 of the precision's Cholesky factor");
    gp->covariances[5] = saved;
    assert_int_equal(gmm_params_prepare(gp, NULL), 0);
    /* Derived values that are not finite, a mean that is not a number. */
    gp->prec_chol[0] = (double)INFINITY;
    refused(&m, "gmm.covariances", "not finite");
    assert_int_equal(gmm_params_prepare(gp, NULL), 0);
    gp->means[2] = (double)NAN;
    refused(&m, "gmm.means", "component 1: the mean is not a number");
    gp->means[2] = 0.0;
    /* The unchanged model builds. */
    assert_int_equal(mlq_device_build(&m, 0, &dev, &err), 0);
    assert_int_equal(mlq_gmm_check(dev.impl), MLQ_OK);
    mlq_device_free(&dev);
    mlq_model_free(&m);

    /* An anomaly threshold beyond 2^46 nats. */
    assert_int_equal(train(&d, HYPER("\"components\": 2, \"anomaly-percentile\": 5"), 1, &m, &err), 0);
    params(&m)->threshold = 1e20;
    refused(&m, "gmm.threshold", "1e+20 nats is beyond");
    params(&m)->threshold = -1e300;
    refused(&m, "gmm.threshold", "beyond the device's 2^46");
    params(&m)->threshold = -7e13; /* about -2^46: representable */
    assert_int_equal(mlq_device_build(&m, 0, &dev, &err), 0);
    mlq_device_free(&dev);
    mlq_model_free(&m);
    free_small(&d);
}

/* A full row whose entries all lie near the int16 limit at exponent 16, and
 * a mean near the input range in every feature: A_i . m >= 2^31 cannot be
 * an offset. P is chosen, S = (P^T P)^-1 written as the covariance. */
static void test_exporter_refuses_a_mean_beyond_the_offsets(void **state)
{
    enum { N = 90, P = 3 };
    static char *names[] = {"a", "b", "c"};
    mlq_dataset d = {0};
    mlq_model m;
    mlq_err err = {{0}};
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gmm_params *gp;
    double p[P][P] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 0}}, l[P][P] = {{0}}, steps;
    size_t i, j, k;

    (void)state;
    gsl_rng_set(rng, 11);
    d.n_rows = N;
    d.n_features = P;
    d.path = (char *)"small";
    d.feature_names = names;
    d.x = calloc(N * P, sizeof(double));
    for (i = 0; i < N * P; i++)
        d.x[i] = gsl_ran_gaussian(rng, 1.0);
    assert_int_equal(train(&d, FULL_HYPER("\"per-class\": false, \"components\": 1"), 1, &m, &err), 0);
    gp = params(&m);
    steps = 32768.0 / m.input_range;
    p[2][0] = p[2][1] = p[2][2] = 0.49 * steps; /* A = 0.49 * 2^16 at e = 16 */
    /* L = P^-1 (lower triangular), S = L L^T. */
    l[0][0] = l[1][1] = 1.0;
    l[2][2] = 1.0 / p[2][2];
    l[2][0] = l[2][1] = -p[2][0] / p[2][2];
    for (i = 0; i < P; i++)
        for (j = 0; j < P; j++)
            for (k = 0, gp->covariances[i * P + j] = 0.0; k < P; k++)
                gp->covariances[i * P + j] += l[i][k] * l[j][k];
    for (j = 0; j < P; j++)
        gp->means[j] = 0.99 * m.input_range;
    assert_int_equal(gmm_params_prepare(gp, NULL), 0);
    assert_true(fabs(gp->prec_chol[2 * P + 1] - p[2][1]) < 1e-6 * steps);
    refused(&m, "gmm.means", "component 0: the mean lies 4");
    refused(&m, "gmm.means", "standard deviations from the origin along row 2 of the precision's "
                             "Cholesky factor, beyond the device's 32768");
    for (j = 0; j < P; j++) /* half as far: representable */
        gp->means[j] = 0.45 * m.input_range;
    {
        mlq_device dev;

        assert_int_equal(mlq_device_build(&m, 0, &dev, &err), 0);
        mlq_device_free(&dev);
    }
    mlq_model_free(&m);
    free(d.x);
    gsl_rng_free(rng);
}

/* Extreme but representable parameters build without undefined behaviour
 * (the sanitizer builds run this) and pass mlq_gmm_check. */
static void test_extreme_models_build_cleanly(void **state)
{
    mlq_dataset d;
    mlq_model m;
    mlq_err err = {{0}};
    mlq_device dev;
    gmm_params *gp;
    int pred;

    (void)state;
    make_small(&d);
    assert_int_equal(train(&d, HYPER("\"per-class\": true, \"components\": 1"), 1, &m, &err), 0);
    gp = params(&m);
    gp->covariances[0] = 1e300; /* a factor row of zeros */
    gp->means[1] = 1e300;       /* a mean far beyond float */
    gp->means[2] = -1e300;
    gp->weights[0] = 1e-300;
    assert_int_equal(gmm_params_prepare(gp, NULL), 0);
    assert_int_equal(mlq_device_build(&m, 0, &dev, &err), 0);
    assert_int_equal(mlq_gmm_check(dev.impl), MLQ_OK);
    assert_int_equal(mlq_device_predict(&dev, d.x, &pred), MLQ_OK);
    assert_true(pred >= 0 && pred < 3);
    mlq_device_free(&dev);
    mlq_model_free(&m);
    free_small(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_per_class_diag_is_gaussian_naive_bayes),
        cmocka_unit_test(test_blobs_are_recovered_and_the_device_agrees),
        cmocka_unit_test(test_anomaly_threshold_is_the_training_percentile),
        cmocka_unit_test(test_degenerate_data_gets_clear_errors),
        cmocka_unit_test(test_unconverged_em_says_so),
        cmocka_unit_test(test_model_file_round_trip_and_validation),
        cmocka_unit_test(test_outputs_scores_and_probabilities),
        cmocka_unit_test(test_exporter_refuses_what_the_device_cannot_hold),
        cmocka_unit_test(test_exporter_refuses_a_mean_beyond_the_offsets),
        cmocka_unit_test(test_extreme_models_build_cleanly),
    };
    gsl_set_error_handler_off(); /* as the CLI does: every status is checked */
    return cmocka_run_group_tests(tests, NULL, NULL);
}
