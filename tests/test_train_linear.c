/* SPDX-License-Identifier: MIT */
/*
 * Linear trainer: ridge regression by hand and against the normal
 * equations solved another way; logistic regression against the exact
 * optimum (Newton's method in float64 on the same standardized rows, run
 * to a gradient below 1e-13), a zero gradient at the solution, the binary
 * convention; accuracy and R^2 on the bench's splits against
 * scikit-learn 1.2 (LogisticRegression(C, lbfgs), Ridge(alpha) after
 * StandardScaler, on the rows `mlq split --test-size 0.3 --seed 1`
 * makes); every training error; determinism; the model file and its
 * validation. The device side is in test_linear.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "algo.h"
#include "csv.h"
#include "linear_params.h"
#include "metrics.h"
#include "model.h"
#include "model_edit_test.h"
#include "test_rng.h"

static char *names[] = {"a", "b", "c", "d", "e", "f"};

#define LOGISTIC(C, cw, tol)                                                                   \
    "{\"task\": \"classify\", \"C\": " C ", \"alpha\": 1, \"class-weight\": \"" cw "\", "     \
    "\"tol\": " tol ", \"max-iter\": 100000}"
#define RIDGE(alpha) "{\"task\": \"regress\", \"C\": 1, \"alpha\": " alpha "}"

static int fit(const mlq_dataset *d, const char *hyper, mlq_model *m, mlq_err *err)
{
    cJSON *h = cJSON_Parse(hyper);

    assert_non_null(h);
    return mlq_model_train(m, &mlq_algo_linear, d, h, 1, 0, NULL, err);
}

static void fit_ok(const mlq_dataset *d, const char *hyper, mlq_model *m)
{
    mlq_err err = {{0}};

    if (fit(d, hyper, m, &err) != 0)
        fail_msg("%s", err.msg);
}

static double report(const mlq_model *m, const char *key)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(m->training, key);

    assert_true(cJSON_IsNumber(it));
    return it->valuedouble;
}

/* Rows idx[0..n) of d (labels or target too); x, y, t owned by the copy. */
static void subset(const mlq_dataset *d, const size_t *idx, size_t n, mlq_dataset *out)
{
    size_t i, p = d->n_features;

    *out = *d;
    out->n_rows = n;
    out->x = calloc(n * p, sizeof *out->x);
    out->y = d->y != NULL ? calloc(n, sizeof *out->y) : NULL;
    out->t = d->t != NULL ? calloc(n, sizeof *out->t) : NULL;
    for (i = 0; i < n; i++) {
        memcpy(out->x + i * p, d->x + idx[i] * p, p * sizeof *out->x);
        if (d->y != NULL)
            out->y[i] = d->y[idx[i]];
        if (d->t != NULL)
            out->t[i] = d->t[idx[i]];
    }
}

static void subset_free(mlq_dataset *s)
{
    free(s->x);
    free(s->y);
    free(s->t);
}

/* ---- ridge regression ---------------------------------------------------- */

/* x = 1..4, t = 2x: standardized, the target is z itself, so with sum z^2 =
 * 4 the ridge weight is 4 / (4 + alpha) and the intercept 0. */
static void test_ridge_by_hand(void **state)
{
    double x[4] = {1, 2, 3, 4}, t[4] = {2, 4, 6, 8}, five = 5, z, s;
    mlq_dataset d = {0};
    mlq_model m;
    const linear_params *lp;

    (void)state;
    d = (mlq_dataset){.n_rows = 4, .n_features = 1, .x = x, .t = t, .feature_names = names,
                      .label_name = "t", .path = "hand.csv"};
    fit_ok(&d, RIDGE("1"), &m);
    lp = m.params;
    assert_int_equal(lp->n_rows, 1);
    assert_true(fabs(lp->w[0] - 0.8) < 1e-14);
    assert_true(fabs(lp->b[0]) < 1e-15);
    /* sum (0.2 z)^2 + 1 x 0.8^2 = 0.16 + 0.64 */
    assert_true(fabs(report(&m, "objective") - 0.8) < 1e-14);
    assert_int_equal(report(&m, "iterations"), 0);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(m.training, "converged")));
    /* x = 5: z = 2.5 / sqrt(1.25), prediction 0.8 z, target 5 + 0.8 z sqrt(5) = 9. */
    mlq_model_standardize(&m, &five, &z);
    m.algo->host_scores(&m, &z, &s);
    assert_true(fabs(mlq_target_of_z(&m, s) - 9.0) < 1e-12);
    assert_int_equal(m.algo->predict(&m, &z), 0);
    assert_int_equal(m.algo->n_outputs(&m), 1);
    assert_int_equal(m.algo->host_proba(&m, &z, &s), -1);
    mlq_model_free(&m);
    fit_ok(&d, RIDGE("4"), &m);
    assert_true(fabs(((linear_params *)m.params)->w[0] - 0.5) < 1e-14);
    mlq_model_free(&m);
}

/*
 * Random rows (a constant column among them): the normal equations of
 * [z 1] with the intercept unpenalized, (A'A + alpha diag(1..1, 0)) theta
 * = A't, solved by LU without centring, give the same w and b.
 */
static void test_ridge_solves_the_normal_equations(void **state)
{
    enum { N = 60, P = 5, Q = P + 1 };
    double x[N * P], t[N], z[P], a[Q * Q] = {0}, rhs[Q] = {0};
    mlq_dataset d = {0};
    mlq_model m;
    const linear_params *lp;
    gsl_matrix_view av = gsl_matrix_view_array(a, Q, Q);
    gsl_vector_view rv = gsl_vector_view_array(rhs, Q);
    gsl_vector *theta = gsl_vector_alloc(Q);
    gsl_permutation *perm = gsl_permutation_alloc(Q);
    size_t i, j, k;
    int sign;

    (void)state;
    for (i = 0; i < N; i++) {
        for (j = 0; j < P; j++)
            x[i * P + j] = j == 3 ? 3.0 : (double)(int32_t)(next_u32() % 2001u) / 100.0 - 10.0;
        t[i] = 40.0 + 2.0 * x[i * P] - 0.5 * x[i * P + 1] + (double)(next_u32() % 1001u) / 100.0;
    }
    d = (mlq_dataset){.n_rows = N, .n_features = P, .x = x, .t = t, .feature_names = names,
                      .label_name = "t", .path = "rand.csv"};
    fit_ok(&d, RIDGE("0.5"), &m);
    lp = m.params;
    for (i = 0; i < N; i++) {
        double row[Q], tz = (t[i] - m.target_mean) / m.target_scale;

        mlq_model_standardize(&m, x + i * P, z);
        memcpy(row, z, sizeof z);
        row[P] = 1.0;
        for (j = 0; j < Q; j++) {
            rhs[j] += row[j] * tz;
            for (k = 0; k < Q; k++)
                a[j * Q + k] += row[j] * row[k];
        }
    }
    for (j = 0; j < P; j++)
        a[j * Q + j] += 0.5;
    assert_int_equal(gsl_linalg_LU_decomp(&av.matrix, perm, &sign), 0);
    assert_int_equal(gsl_linalg_LU_solve(&av.matrix, perm, &rv.vector, theta), 0);
    for (j = 0; j < P; j++)
        assert_true(fabs(lp->w[j] - gsl_vector_get(theta, j)) < 1e-12);
    assert_true(lp->w[3] == 0.0); /* the constant column standardizes to 0 */
    assert_true(fabs(lp->b[0] - gsl_vector_get(theta, P)) < 1e-12);
    gsl_vector_free(theta);
    gsl_permutation_free(perm);
    mlq_model_free(&m);
}

/* ---- logistic regression -------------------------------------------------- */

/*
 * The objective C sum_i s_i loss_i + |W|^2 / 2 and its gradient (g[rows][p
 * + 1]) at the model's parameters, written out again here: s_i the class
 * weight, the loss of a logistic (one row) or softmax (K rows) output.
 */
static double objective(const mlq_model *m, const mlq_dataset *d, double C, int balanced, double *g)
{
    const linear_params *lp = m->params;
    size_t p = m->n_features, n = d->n_rows, rows = lp->n_rows, i, j, r, *count;
    double f = 0.0, z[64], v[16], e[16];

    count = calloc(m->n_classes, sizeof *count);
    for (i = 0; i < n; i++)
        count[d->y[i]]++;
    memset(g, 0, rows * (p + 1) * sizeof *g);
    for (i = 0; i < n; i++) {
        double s = balanced ? (double)n / ((double)m->n_classes * (double)count[d->y[i]]) : 1.0;
        double top = -HUGE_VAL, sum = 0.0;

        mlq_model_standardize(m, d->x + i * p, z);
        for (r = 0; r < rows; r++) {
            v[r] = linear_row_value(lp, r, z, p);
            top = fmax(top, v[r]);
        }
        if (rows == 1) {
            double y = d->y[i] == 1 ? 1.0 : 0.0;

            f += s * (log(1.0 + exp(-fabs(v[0]))) + fmax(v[0], 0.0) - y * v[0]);
            e[0] = 1.0 / (1.0 + exp(-v[0])) - y;
        } else {
            for (r = 0; r < rows; r++)
                sum += exp(v[r] - top);
            f += s * (top + log(sum) - v[d->y[i]]);
            for (r = 0; r < rows; r++)
                e[r] = exp(v[r] - top) / sum - ((size_t)d->y[i] == r);
        }
        for (r = 0; r < rows; r++) {
            for (j = 0; j < p; j++)
                g[r * (p + 1) + j] += C * s * e[r] * z[j];
            g[r * (p + 1) + p] += C * s * e[r];
        }
    }
    f *= C;
    for (r = 0; r < rows; r++)
        for (j = 0; j < p; j++) {
            f += 0.5 * lp->w[r * p + j] * lp->w[r * p + j];
            g[r * (p + 1) + j] += lp->w[r * p + j];
        }
    free(count);
    return f;
}

/* At the solution: the gradient within tol (of the objective / (C n)), the
 * objective as reported, and converged. */
static void expect_optimum(const char *path, const char *hyper, double C, int balanced, double tol)
{
    mlq_dataset d = {0};
    mlq_model m;
    mlq_err err = {{0}};
    double g[11 * 65], gmax = 0.0, f;
    size_t i;

    assert_int_equal(mlq_csv_read(path, NULL, MLQ_LABEL_REQUIRED, NULL, 0, &d, &err), 0);
    fit_ok(&d, hyper, &m);
    f = objective(&m, &d, C, balanced, g);
    for (i = 0; i < ((linear_params *)m.params)->n_rows * (m.n_features + 1); i++)
        gmax = fmax(gmax, fabs(g[i]));
    assert_true(gmax / (C * (double)d.n_rows) <= tol);
    assert_true(report(&m, "gradient") <= tol);
    assert_true(fabs(report(&m, "objective") - f) <= 1e-9 * f);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(m.training, "converged")));
    mlq_model_free(&m);
    mlq_dataset_free(&d);
}

static void test_logistic_gradient_vanishes(void **state)
{
    (void)state;
    expect_optimum("data/iris.csv", LOGISTIC("1", "none", "1e-4"), 1.0, 0, 1e-4);
    expect_optimum("data/breast_cancer.csv", LOGISTIC("1", "balanced", "1e-4"), 1.0, 1, 1e-4);
    expect_optimum("data/wine.csv", LOGISTIC("30", "none", "1e-6"), 30.0, 0, 1e-6);
    expect_optimum("data/digits.csv", LOGISTIC("0.1", "balanced", "1e-4"), 0.1, 1, 1e-4);
}

/* Against the exact optimum on every row: the first four weights of row 0
 * and every intercept (a K-class model's summing to 0, as the solver keeps them). */
static void expect_exact(const char *path, const char *hyper, const double *w0, const double *b,
                         size_t rows)
{
    mlq_dataset d = {0};
    mlq_model m;
    mlq_err err = {{0}};
    const linear_params *lp;
    double sum = 0.0;
    size_t r;

    assert_int_equal(mlq_csv_read(path, NULL, MLQ_LABEL_REQUIRED, NULL, 0, &d, &err), 0);
    fit_ok(&d, hyper, &m);
    lp = m.params;
    assert_int_equal(lp->n_rows, rows);
    for (r = 0; r < 4; r++)
        if (fabs(lp->w[r] - w0[r]) > 1e-5)
            fail_msg("%s: w[0][%zu] = %.12g, not %.12g", path, r, lp->w[r], w0[r]);
    for (r = 0; r < rows; r++) {
        if (fabs(lp->b[r] - b[r]) > 1e-5)
            fail_msg("%s: b[%zu] = %.12g, not %.12g", path, r, lp->b[r], b[r]);
        sum += lp->b[r];
    }
    assert_true(rows == 1 || fabs(sum) < 1e-12);
    mlq_model_free(&m);
    mlq_dataset_free(&d);
}

static void test_logistic_reaches_the_exact_optimum(void **state)
{
    static const double iris_w[4] = {-1.074066154156826, 1.1601151162144585, -1.9306918616825635,
                                      -1.8115561242471052};
    static const double iris_b[3] = {-0.2052411330162152, 2.074839784235222, -1.8695986512190066};
    static const double bc_w[4] = {-0.36309253191793167, -0.38767544241875584, -0.35106211867967374,
                                   -0.4356098032859759};
    static const double bc_b[1] = {0.2145027174017487};
    static const double wine_w[4] = {0.6734352377371494, 0.13734690455208304, 0.383749171198343,
                                     -0.6918086609660934};
    static const double wine_b[3] = {0.30380134601243874, 0.5603340482234145, -0.8641353942358532};

    (void)state;
    expect_exact("data/iris.csv", LOGISTIC("1", "none", "1e-8"), iris_w, iris_b, 3);
    expect_exact("data/breast_cancer.csv", LOGISTIC("1", "none", "1e-8"), bc_w, bc_b, 1);
    expect_exact("data/wine.csv", LOGISTIC("0.5", "balanced", "1e-8"), wine_w, wine_b, 3);
}

/* Two classes: one logit v; the scores are [0, v], class 1 when v > 0, and
 * the probabilities the logistic function of v. */
static void test_binary_scores_and_proba(void **state)
{
    mlq_dataset d = {0};
    mlq_model m;
    mlq_err err = {{0}};
    double z[30], s[2], pr[2];
    size_t i;

    (void)state;
    assert_int_equal(mlq_csv_read("data/breast_cancer.csv", NULL, MLQ_LABEL_REQUIRED, NULL, 0, &d, &err), 0);
    fit_ok(&d, LOGISTIC("1", "none", "1e-4"), &m);
    assert_int_equal(m.algo->n_outputs(&m), 2);
    for (i = 0; i < d.n_rows; i += 7) {
        double v;

        mlq_model_standardize(&m, d.x + i * 30, z);
        v = linear_row_value(m.params, 0, z, 30);
        m.algo->host_scores(&m, z, s);
        assert_true(s[0] == 0.0 && s[1] == v);
        assert_int_equal(m.algo->predict(&m, z), v > 0 ? 1 : 0);
        assert_int_equal(m.algo->host_proba(&m, z, pr), 0);
        assert_true(fabs(pr[1] - 1.0 / (1.0 + exp(-v))) < 1e-15 && fabs(pr[0] + pr[1] - 1.0) < 1e-15);
    }
    mlq_model_free(&m);
    mlq_dataset_free(&d);
}

/* ---- the bench's splits against scikit-learn ------------------------------ */

/* Train on the 70% part of `mlq split --test-size 0.3 --seed 1`, score the 30%. */
static double held_out(const char *path, const char *hyper)
{
    int regress = strstr(hyper, "regress") != NULL;
    mlq_dataset d = {0}, tr, te;
    mlq_model m;
    mlq_err err = {{0}};
    size_t *a, *b, na, nb, i, hit = 0;
    double z[64], s, *pred, score;

    assert_int_equal(mlq_csv_read(path, NULL, regress ? MLQ_TARGET_REQUIRED : MLQ_LABEL_REQUIRED, NULL,
                                  0, &d, &err),
                     0);
    a = calloc(d.n_rows, sizeof *a);
    b = calloc(d.n_rows, sizeof *b);
    assert_int_equal(mlq_split_stratified(d.y, d.n_rows, d.n_classes, 0.3, 1, a, &na, b, &nb), 0);
    subset(&d, a, na, &tr);
    subset(&d, b, nb, &te);
    fit_ok(&tr, hyper, &m);
    pred = calloc(nb, sizeof *pred);
    for (i = 0; i < nb; i++) {
        mlq_model_standardize(&m, te.x + i * d.n_features, z);
        if (regress) {
            m.algo->host_scores(&m, z, &s);
            pred[i] = mlq_target_of_z(&m, s);
        } else {
            hit += m.algo->predict(&m, z) == te.y[i];
        }
    }
    score = regress ? mlq_regression_metrics(te.t, pred, nb).r2 : (double)hit / (double)nb;
    free(pred);
    mlq_model_free(&m);
    subset_free(&tr);
    subset_free(&te);
    free(a);
    free(b);
    mlq_dataset_free(&d);
    return score;
}

static void test_bench_splits_match_scikit_learn(void **state)
{
    (void)state;
    /* Accuracy within 0.02 (issue 18's target); here every test row alike. */
    assert_true(fabs(held_out("data/iris.csv", LOGISTIC("1", "none", "1e-4")) - 0.955556) < 1e-6);
    assert_true(fabs(held_out("data/wine.csv", LOGISTIC("1", "none", "1e-4")) - 0.943396) < 1e-6);
    assert_true(fabs(held_out("data/breast_cancer.csv", LOGISTIC("1", "none", "1e-4")) - 0.970760) < 1e-6);
    assert_true(fabs(held_out("data/digits.csv", LOGISTIC("1", "none", "1e-4")) - 0.972171) < 1e-6);
    assert_true(fabs(held_out("data/digits.csv", LOGISTIC("0.1", "none", "1e-4")) - 0.970315) < 1e-6);
    /* Ridge is closed form on both sides: the same R^2. */
    assert_true(fabs(held_out("data/diabetes.csv", RIDGE("1")) - 0.475871048600) < 1e-9);
    assert_true(fabs(held_out("data/diabetes.csv", RIDGE("10")) - 0.471854722648) < 1e-9);
}

/* ---- errors, determinism, the model file ----------------------------------- */

static void test_training_errors(void **state)
{
    double x[6] = {1, 2, 3, 4, 5, 6}, t[6] = {1, 2, 3, 4, 5, 7}, x2[12];
    int y[6] = {0, 0, 2, 2, 0, 2};
    char *cls3[] = {"0", "1", "2"}, *one[] = {"dog"};
    mlq_dataset d = {0};
    mlq_model m;
    mlq_err err = {{0}};
    size_t i;

    (void)state;
    d = (mlq_dataset){.n_rows = 6, .n_features = 1, .x = x, .y = y, .n_classes = 3, .class_names = cls3,
                      .feature_names = names, .label_name = "label", .path = "gap.csv"};
    assert_int_equal(fit(&d, LOGISTIC("1", "none", "1e-4"), &m, &err), -1);
    assert_string_equal(err.msg, "gap.csv: class '1' has no training rows: logistic regression needs "
                                 "rows of every class of the label column (a numeric target? add "
                                 "--task regress)");
    mlq_model_free(&m);
    memset(y, 0, sizeof y);
    d.n_classes = 1;
    d.class_names = one;
    d.path = "one.csv";
    assert_int_equal(fit(&d, LOGISTIC("1", "none", "1e-4"), &m, &err), -1);
    assert_string_equal(err.msg, "one.csv: every row has the class 'dog': logistic regression needs rows "
                                 "of at least two classes");
    mlq_model_free(&m);

    assert_int_equal(mlq_csv_read("data/iris.csv", NULL, MLQ_LABEL_REQUIRED, NULL, 0, &d, &err), 0);
    assert_int_equal(fit(&d,
                         "{\"C\": 1, \"class-weight\": \"none\", \"tol\": 1e-4, \"max-iter\": 3}",
                         &m, &err),
                     -1);
    assert_non_null(strstr(err.msg, "data/iris.csv: logistic regression did not reach --tol 0.0001 "
                                    "within --max-iter 3 iterations (largest gradient component "));
    assert_non_null(strstr(err.msg, "); no model written: raise --max-iter, or try a larger --tol or a "
                                    "smaller --C"));
    mlq_model_free(&m);
    /* Below what double precision resolves the line search stops first. */
    assert_int_equal(fit(&d, LOGISTIC("1", "none", "1e-13"), &m, &err), -1);
    assert_non_null(strstr(err.msg, "data/iris.csv: logistic regression: the solver stopped making "
                                    "progress after "));
    assert_non_null(strstr(err.msg, "above --tol 1e-13; no model written"));
    mlq_model_free(&m);
    mlq_dataset_free(&d);

    /* Two equal columns and no penalty: Z'Z is singular. */
    for (i = 0; i < 6; i++)
        x2[2 * i] = x2[2 * i + 1] = x[i];
    d = (mlq_dataset){.n_rows = 6, .n_features = 2, .x = x2, .t = t, .feature_names = names,
                      .label_name = "t", .path = "twins.csv"};
    assert_int_equal(fit(&d, RIDGE("0"), &m, &err), -1);
    assert_string_equal(err.msg, "twins.csv: ridge regression: Z'Z + alpha I is not positive definite in "
                                 "double precision (--alpha 0); no model written: raise --alpha");
    mlq_model_free(&m);
    fit_ok(&d, RIDGE("1e-6"), &m);
    mlq_model_free(&m);
}

/* The same data and options give the same model, bit for bit. */
static void test_deterministic(void **state)
{
    mlq_dataset d = {0};
    mlq_model a, b;
    mlq_err err = {{0}};
    const linear_params *pa, *pb;

    (void)state;
    assert_int_equal(mlq_csv_read("data/wine.csv", NULL, MLQ_LABEL_REQUIRED, NULL, 0, &d, &err), 0);
    fit_ok(&d, LOGISTIC("1", "balanced", "1e-4"), &a);
    fit_ok(&d, LOGISTIC("1", "balanced", "1e-4"), &b);
    pa = a.params;
    pb = b.params;
    assert_memory_equal(pa->w, pb->w, 3 * 13 * sizeof *pa->w);
    assert_memory_equal(pa->b, pb->b, 3 * sizeof *pa->b);
    mlq_model_free(&a);
    mlq_model_free(&b);
    mlq_dataset_free(&d);
}

typedef void (*mutation)(cJSON *linear);

static void drop_weights(cJSON *o) { cJSON_DeleteItemFromObject(o, "weights"); }
static void drop_intercepts(cJSON *o) { cJSON_DeleteItemFromObject(o, "intercepts"); }
static void short_weights(cJSON *o) { cJSON_DeleteItemFromArray(cJSON_GetObjectItem(o, "weights"), 2); }
static void short_row(cJSON *o)
{
    cJSON_DeleteItemFromArray(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "weights"), 1), 0);
}
static void text_entry(cJSON *o)
{
    cJSON_ReplaceItemInArray(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "weights"), 0), 2,
                             cJSON_CreateString("x"));
}
static void flat_weights(cJSON *o) { cJSON_ReplaceItemInObject(o, "weights", cJSON_CreateNumber(1)); }
static void long_intercepts(cJSON *o)
{
    cJSON_AddItemToArray(cJSON_GetObjectItem(o, "intercepts"), cJSON_CreateNumber(0.5));
}

/* Save, load back (the same predictions), then each broken field named. */
static void test_model_file(void **state)
{
    static const struct {
        mutation f;
        const char *msg;
    } cases[] = {
        {drop_weights, "missing field 'linear.weights'"},
        {drop_intercepts, "missing field 'linear.intercepts'"},
        {short_weights, "field 'linear.weights' has 2 rows, expected 3"},
        {short_row, "field 'linear.weights' row 1 has 3 entries, expected 4"},
        {text_entry, "field 'linear.weights' entry 2 must be a finite number"},
        {flat_weights, "field 'linear.weights' must be an array of arrays"},
        {long_intercepts, "field 'linear.intercepts' has 4 entries, expected 3"},
    };
    mlq_dataset d = {0};
    mlq_model m, back;
    mlq_err err = {{0}};
    char path[] = "/tmp/mlq_test_linear_XXXXXX", bad[64], msg[160], *text, *saved;
    double z[4], s1[3], s2[3];
    size_t c, i, k;
    FILE *f;
    int fd = mkstemp(path);

    (void)state;
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(mlq_csv_read("data/iris.csv", NULL, MLQ_LABEL_REQUIRED, NULL, 0, &d, &err), 0);
    fit_ok(&d, LOGISTIC("1", "none", "1e-4"), &m);
    saved = saved_model_text(&m, path);
    assert_int_equal(mlq_model_load(path, &back, &err), 0);
    for (i = 0; i < d.n_rows; i++) {
        mlq_model_standardize(&m, d.x + 4 * i, z);
        m.algo->host_scores(&m, z, s1);
        back.algo->host_scores(&back, z, s2);
        for (k = 0; k < 3; k++) /* numbers are written with 15 digits where they read back within an ulp */
            assert_true(fabs(s1[k] - s2[k]) <= 1e-12 * (1.0 + fabs(s1[k])));
    }
    mlq_model_free(&back);
    snprintf(bad, sizeof bad, "%s.bad", path);
    for (c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        cJSON *root = cJSON_Parse(saved);

        cases[c].f(cJSON_GetObjectItem(root, "linear"));
        text = cJSON_Print(root);
        f = fopen(bad, "wb");
        fputs(text, f);
        fclose(f);
        free(text);
        cJSON_Delete(root);
        assert_int_equal(mlq_model_load(bad, &back, &err), -1);
        snprintf(msg, sizeof msg, "%s: %s", bad, cases[c].msg);
        assert_string_equal(err.msg, msg);
    }
    remove(bad);
    remove(path);
    free(saved);
    mlq_model_free(&m);
    mlq_dataset_free(&d);
}

/* Options of one task carry it, so that the CLI refuses them for the other. */
static void test_options_belong_to_their_task(void **state)
{
    static const struct {
        const char *name;
        mlq_opt_for only;
    } want[] = {{"task", MLQ_FOR_ANY},          {"C", MLQ_FOR_CLASSIFY},
                {"alpha", MLQ_FOR_REGRESS},     {"class-weight", MLQ_FOR_CLASSIFY},
                {"tol", MLQ_FOR_CLASSIFY},      {"max-iter", MLQ_FOR_CLASSIFY}};
    const mlq_algo *a = mlq_algo_find("linear");
    cJSON *reg = cJSON_Parse("{\"task\": \"regress\"}");
    size_t i;

    (void)state;
    assert_ptr_equal(a, &mlq_algo_linear);
    assert_int_equal(a->n_opts, 6);
    for (i = 0; i < 6; i++) {
        assert_string_equal(a->opts[i].name, want[i].name);
        assert_int_equal(a->opts[i].only, want[i].only);
    }
    assert_int_equal(a->task(reg), MLQ_TASK_REGRESS);
    assert_int_equal(a->task(NULL), MLQ_TASK_CLASSIFY);
    cJSON_Delete(reg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ridge_by_hand),
        cmocka_unit_test(test_ridge_solves_the_normal_equations),
        cmocka_unit_test(test_logistic_gradient_vanishes),
        cmocka_unit_test(test_logistic_reaches_the_exact_optimum),
        cmocka_unit_test(test_binary_scores_and_proba),
        cmocka_unit_test(test_bench_splits_match_scikit_learn),
        cmocka_unit_test(test_training_errors),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_model_file),
        cmocka_unit_test(test_options_belong_to_their_task),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
