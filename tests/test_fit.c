/* SPDX-License-Identifier: MIT */
/*
 * The instruction estimate (exporters/boards.c: mlq_fit_work, mlq_fit_insns,
 * mlq_fit_insns_cores) on a hand-made cost table, and the work each device
 * table reports (its hook `work`, device_algo.h): k-means (no hook: n_coef
 * and n_outputs), the SVM (RBF, linear with several classes and with two),
 * the MLP, logistic and ridge regression, and the GMM's replay of its
 * pruning.
 *
 * The table: this file defines mlq_costs and mlq_n_costs, so the linker
 * takes them from here and never pulls the generated table (bench/costs.tsv,
 * $(BUILD)/gen/costs.c, the only member of libmlqexport.a that defines
 * them).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "algo.h"
#include "boards.h"
#include "csv.h"
#include "export.h"
#include "gmm_params.h"
#include "model.h"
#include "svm_params.h"

const mlq_cost mlq_costs[] = {
    {"m0", "mlq_kmeans_predict_q15", 1000, 100, 1, {10.0, 2.0, 5.0, 100.0}},
    {"avr", "mlq_kmeans_predict_q15", 3000, 120, 1, {-500.0, 1.0, 0.0, 0.0}}, /* clamps at 0 */
    {"m4", "mlq_kmeans_predict_q15", 800, 90, 0, {0.0, 0.0, 0.0, 0.0}},      /* flash only */
    {"m0", "mlq_svm_rbf_predict_q15", 2000, 300, 1, {100.0, 3.0, 50.0, 180.0}},
};
const size_t mlq_n_costs = sizeof mlq_costs / sizeof mlq_costs[0];

/* A model trained on every row of data/NAME.csv (regress: its target). */
static void train_on(const char *path, const mlq_algo *algo, const char *hyper, mlq_model *m,
                     mlq_dataset *d)
{
    mlq_err err = {{0}};

    assert_int_equal(mlq_csv_read(path, NULL, strstr(hyper, "regress") ? MLQ_TARGET_REQUIRED : MLQ_LABEL_REQUIRED,
                                  NULL, 0, d, &err),
                     0);
    if (mlq_model_train(m, algo, d, cJSON_Parse(hyper), 1, 0, NULL, &err) != 0)
        fail_msg("%s", err.msg);
}

static void work_of(const mlq_device *dev, const mlq_dataset *d, double w[2])
{
    mlq_fit_work(dev, d->x, d->n_rows, w);
}

#define KMEANS "{\"k\": 3, \"n-init\": 2, \"max-iter\": 300, \"tol\": 1e-4}"

static void test_insns_kmeans(void **state)
{
    mlq_dataset d = {0};
    mlq_model m;
    mlq_device dev;
    mlq_err err = {{0}};
    mlq_fit fit;
    const mlq_board *uno = mlq_board_find("uno"), *mega = mlq_board_find("mega"),
                    *m0 = mlq_board_find("m0"), *m4 = mlq_board_find("m4"),
                    *rv32 = mlq_board_find("rv32"), *boards[8];
    double w[2], insns = -1, v[8];

    (void)state;
    train_on("data/iris.csv", &mlq_algo_kmeans, KMEANS, &m, &d);
    assert_int_equal(mlq_device_build(&m, 0, &dev, &err), 0);
    /* No hook: the coefficients and the outputs, whatever the rows. */
    work_of(&dev, &d, w);
    assert_true(w[0] == 12.0 && w[1] == 3.0);
    mlq_fit_work(&dev, NULL, 0, w);
    assert_true(w[0] == 12.0 && w[1] == 3.0);
    /* c0 + c1 w0 + c2 w1 + c3 D, with or without rows. */
    assert_int_equal(mlq_fit_insns(&dev, m0, d.x, d.n_rows, &insns), 0);
    assert_true(insns == 10.0 + 2.0 * 12 + 5.0 * 3 + 100.0 * 4);
    assert_int_equal(mlq_fit_insns(&dev, m0, NULL, 0, &insns), 0);
    assert_true(insns == 449.0);
    /* A negative figure is 0; the Uno and the Mega share the AVR's model, in cycles. */
    assert_int_equal(mlq_fit_insns(&dev, uno, NULL, 0, &insns), 0);
    assert_true(insns == 0.0);
    assert_int_equal(mlq_fit_insns(&dev, mega, NULL, 0, &insns), 0);
    assert_true(insns == 0.0);
    assert_string_equal(mlq_board_insn_unit(uno), "cycles");
    assert_string_equal(mlq_board_insn_unit(m0), "instructions");
    assert_string_equal(mlq_board_insn_unit(rv32), "instructions");
    /* Flash measured but no instruction model: the fit works, the estimate does not. */
    insns = 77;
    assert_int_equal(mlq_fit_insns(&dev, m4, NULL, 0, &insns), -1);
    assert_true(insns == 77);
    assert_int_equal(mlq_fit_estimate(&dev, m4, 0, 0, &fit), 0);
    assert_int_equal(fit.code, 800);
    /* No row for the kernel on that core at all. */
    assert_int_equal(mlq_fit_insns(&dev, rv32, NULL, 0, &insns), -1);
    assert_int_equal(mlq_fit_estimate(&dev, rv32, 0, 0, &fit), -1);
    /* Once per core that has a model, in the boards' order: the AVR (its first board), m0. */
    assert_int_equal(mlq_fit_insns_cores(&dev, NULL, 0, boards, v, 8), 2);
    assert_ptr_equal(boards[0], uno);
    assert_ptr_equal(boards[1], m0);
    assert_true(v[0] == 0.0 && v[1] == 449.0);
    assert_int_equal(mlq_fit_insns_cores(&dev, NULL, 0, boards, v, 1), 1);
    mlq_device_free(&dev);
    mlq_model_free(&m);
    mlq_dataset_free(&d);
}

#define SVM(kernel)                                                                             \
    "{\"kernel\": \"" kernel "\", \"C\": 1, \"gamma\": \"scale\", \"degree\": 3, \"coef0\": 0, " \
    "\"tol\": 1e-3, \"max-iter\": 10000000, \"class-weight\": \"none\", \"cache-mb\": 200}"

static void test_work_svm(void **state)
{
    mlq_dataset d = {0}, d2 = {0}, b = {0};
    mlq_model m, lin, bin;
    mlq_device dev, dl, db;
    mlq_err err = {{0}};
    double w[2], insns;
    size_t n_sv;

    (void)state;
    train_on("data/iris.csv", &mlq_algo_svm, SVM("rbf"), &m, &d);
    assert_int_equal(mlq_device_build(&m, 0, &dev, &err), 0);
    n_sv = ((const svm_params *)m.params)->n_sv;
    assert_true(n_sv > 10 && n_sv < 100);
    /* Per support vector: its dot product with x (4) and the 2 coefficient rows. */
    work_of(&dev, &d, w);
    assert_true(w[0] == (double)(n_sv * 6) && w[1] == (double)n_sv);
    assert_int_equal(mlq_fit_insns(&dev, mlq_board_find("m0"), NULL, 0, &insns), 0);
    assert_true(insns == 100.0 + 3.0 * (double)(n_sv * 6) + 50.0 * (double)n_sv + 180.0 * 4);
    /* Linear: one dot product per class pair (3 pairs of 4), or one for two classes (30). */
    train_on("data/iris.csv", &mlq_algo_svm, SVM("linear"), &lin, &d2);
    assert_int_equal(mlq_device_build(&lin, 0, &dl, &err), 0);
    mlq_fit_work(&dl, NULL, 0, w);
    assert_true(w[0] == 12.0 && w[1] == 3.0);
    train_on("data/breast_cancer.csv", &mlq_algo_svm, SVM("linear"), &bin, &b);
    assert_int_equal(mlq_device_build(&bin, 0, &db, &err), 0);
    mlq_fit_work(&db, NULL, 0, w);
    assert_true(w[0] == 30.0 && w[1] == 1.0);
    /* Kernels of another name have no figures in the table. */
    assert_int_equal(mlq_fit_insns(&dl, mlq_board_find("m0"), NULL, 0, &insns), -1);
    mlq_device_free(&dev);
    mlq_device_free(&dl);
    mlq_device_free(&db);
    mlq_model_free(&m);
    mlq_model_free(&lin);
    mlq_model_free(&bin);
    mlq_dataset_free(&d);
    mlq_dataset_free(&d2);
    mlq_dataset_free(&b);
}

#define MLP(bits)                                                                              \
    "{\"hidden\": \"16\", \"activation\": \"relu\", \"optimizer\": \"adam\", \"lr\": 0.01, "     \
    "\"momentum\": 0.9, \"batch\": 16, \"epochs\": 20, \"l2\": 0.0001, \"validation\": 0, "     \
    "\"patience\": 10, \"bits\": \"" bits "\"}"
#define LOGISTIC "{\"task\": \"classify\", \"C\": 1, \"class-weight\": \"none\", \"tol\": 1e-4, \"max-iter\": 1000}"

static void test_work_mlp_linear(void **state)
{
    mlq_dataset d = {0}, w13 = {0}, w13b = {0}, b = {0}, r = {0};
    mlq_model m, m8, lw, lb, lr;
    mlq_device dev, d8, dw, dbin, dr;
    mlq_err err = {{0}};
    double w[2];

    (void)state;
    /* 4-16-3: 16 x 4 weights, then the 3 outputs computed in pairs (4 rows of 16); 19 units. */
    train_on("data/iris.csv", &mlq_algo_mlp, MLP("16"), &m, &d);
    assert_int_equal(mlq_device_build(&m, 0, &dev, &err), 0);
    work_of(&dev, &d, w);
    assert_true(w[0] == 64.0 + 64.0 && w[1] == 19.0);
    /* 13-16-3 with 8-bit activations: the first layer reads 16-bit inputs (13), the second
     * 8-bit ones over its padded row (16). */
    train_on("data/wine.csv", &mlq_algo_mlp, MLP("8"), &m8, &w13);
    assert_int_equal(mlq_device_build(&m8, 0, &d8, &err), 0);
    mlq_fit_work(&d8, NULL, 0, w);
    assert_true(w[0] == 16.0 * 13 + 4.0 * 16 && w[1] == 19.0);
    /* Logistic regression: a weight row per class, one row for two classes; ridge: one row. */
    train_on("data/wine.csv", &mlq_algo_linear, LOGISTIC, &lw, &w13b);
    assert_int_equal(mlq_device_build(&lw, 0, &dw, &err), 0);
    mlq_fit_work(&dw, NULL, 0, w);
    assert_true(w[0] == 39.0 && w[1] == 3.0);
    train_on("data/breast_cancer.csv", &mlq_algo_linear, LOGISTIC, &lb, &b);
    assert_int_equal(mlq_device_build(&lb, 0, &dbin, &err), 0);
    mlq_fit_work(&dbin, NULL, 0, w);
    assert_true(w[0] == 30.0 && w[1] == 1.0);
    train_on("data/diabetes.csv", &mlq_algo_linear, "{\"task\": \"regress\", \"alpha\": 1}", &lr, &r);
    assert_int_equal(mlq_device_build(&lr, 0, &dr, &err), 0);
    mlq_fit_work(&dr, r.x, r.n_rows, w);
    assert_true(w[0] == 10.0 && w[1] == 1.0);
    mlq_device_free(&dev);
    mlq_device_free(&d8);
    mlq_device_free(&dw);
    mlq_device_free(&dbin);
    mlq_device_free(&dr);
    mlq_model_free(&m);
    mlq_model_free(&m8);
    mlq_model_free(&lw);
    mlq_model_free(&lb);
    mlq_model_free(&lr);
    mlq_dataset_free(&d);
    mlq_dataset_free(&w13);
    mlq_dataset_free(&w13b);
    mlq_dataset_free(&b);
    mlq_dataset_free(&r);
}

#define GMM(cov, per_class, k)                                                                 \
    "{\"covariance\": \"" cov "\", \"per-class\": " per_class ", \"anomaly-percentile\": \"off\", " \
    "\"reg-covar\": 1e-2, \"max-iter\": 100, \"tol\": 1e-3, \"n-init\": 1, \"components\": " k "}"

/* The components' means as raw rows (the rows mlq_fit_work takes without rows). */
static double *mean_rows(const mlq_model *m)
{
    const gmm_params *gp = m->params;
    size_t n = gp->n_groups * gp->n_components, d = gp->n_features, c, j;
    double *x = calloc(n * d, sizeof *x);

    assert_non_null(x);
    for (c = 0; c < n; c++)
        for (j = 0; j < d; j++)
            x[c * d + j] = m->mean[j] + gp->means[c * d + j] * m->scale[j];
    return x;
}

static void test_work_gmm(void **state)
{
    static const struct {
        const char *hyper;
        double entries; /* factor entries of one component of iris (4 features) */
    } cases[] = {{GMM("full", "true", "1"), 10}, {GMM("diag", "true", "1"), 4},
                 {GMM("full", "true", "2"), 10}, {GMM("full", "false", "1"), 10}};
    size_t t;

    (void)state;
    for (t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        mlq_dataset d = {0};
        mlq_model m;
        mlq_device dev;
        mlq_err err = {{0}};
        const gmm_params *gp;
        double w[2], wm[2], *x;
        size_t i, n;

        train_on("data/iris.csv", &mlq_algo_gmm, cases[t].hyper, &m, &d);
        assert_int_equal(mlq_device_build(&m, 0, &dev, &err), 0);
        gp = m.params;
        n = gp->n_groups * gp->n_components;
        if (n == 1) { /* one component: nothing to prune, every row in full */
            work_of(&dev, &d, w);
            assert_true(w[0] == cases[t].entries && w[1] == 4.0);
        }
        /* Each row: the first component in full, the others at most in full. */
        for (i = 0; i < d.n_rows; i++) {
            mlq_fit_work(&dev, d.x + i * 4, 1, w);
            assert_true(w[0] >= cases[t].entries && w[0] <= cases[t].entries * (double)n);
            assert_true(w[1] >= 4.0 && w[1] <= 4.0 * (double)n);
        }
        /* Classes that far apart are pruned on most rows; the mean is over the rows. */
        work_of(&dev, &d, w);
        if (n > 1)
            assert_true(w[0] < 0.8 * cases[t].entries * (double)n);
        /* Without rows: the same replay over the components' means. */
        x = mean_rows(&m);
        mlq_fit_work(&dev, NULL, 0, w);
        mlq_fit_work(&dev, x, n, wm);
        assert_true(fabs(w[0] - wm[0]) < 1e-9 && fabs(w[1] - wm[1]) < 1e-9);
        free(x);
        mlq_device_free(&dev);
        mlq_model_free(&m);
        mlq_dataset_free(&d);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_insns_kmeans),
        cmocka_unit_test(test_work_svm),
        cmocka_unit_test(test_work_mlp_linear),
        cmocka_unit_test(test_work_gmm),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
