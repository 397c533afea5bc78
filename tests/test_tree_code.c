/* SPDX-License-Identifier: MIT */
/*
 * The code layout (mlq export --layout code) against the array layout, on
 * the host: for trees and forests of every kind (classification with pure
 * and impure leaves, 2 to 10 classes, 300 trees whose sums need whole
 * words, root leaves, thresholds saturated at both ends; regression trees
 * and forests), both headers are written, a driver that includes both is
 * compiled with the project's warnings and sanitizers together with
 * the device sources, and run: every entry of every input form (Q15, float, int16)
 * must return the same status and write the same outputs, bit for bit, and
 * nothing on an error, on random and extreme rows, rows at and next to
 * every threshold and key threshold, and float rows laced with NaN,
 * infinities and huge values. The code header also compiles as C++11 with
 * strict warnings. Plus mlq_tree_set_layout's refusals and what it changes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "algo.h"
#include "csv.h"
#include "device_algo.h"
#include "export.h"
#include "export_tree.h"
#include "mlq/tree.h"
#include "model.h"
#include "test_tree_train.h"
#include "tree_params.h"

static char dir[] = "/tmp/mlq_test_tree_code_XXXXXX";
#include "tmpdir_test.h"

/* The driver's flags besides WARN: sanitized, like the tests. */
#define DRIVER_FLAGS "-O1 -fsanitize=address,undefined -fno-sanitize-recover=all"

/* The project's WARN flags (mk/flags.mk), for the driver's compiler. */
static const char *warn_flags(void)
{
    static char line[1024];
    FILE *f = fopen("mk/flags.mk", "r");

    assert_non_null(f);
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "WARN := ", 8) == 0) {
            line[strcspn(line, "\n")] = '\0';
            fclose(f);
            return line + 8;
        }
    }
    fclose(f);
    fail_msg("mk/flags.mk has no WARN");
    return NULL;
}

/* The driver: both headers (driver_head), the probes (write_probes: the
 * model's thresholds and key thresholds and their neighbours), then every
 * entry of each input form on the same rows, compared (driver_body). */
static const char driver_head[] =
    "#include <float.h>\n#include <math.h>\n#include <stdio.h>\n#include <string.h>\n"
    "#include \"arr.h\"\n#include \"cod.h\"\n";
static const char driver_body[] =
    "#define D arr_N_FEATURES\n#define K arr_N_OUTPUTS\n"
    "static unsigned long long st = 7;\n"
    "static unsigned long rnd(void)\n{\n"
    "    unsigned long long z = (st += 0x9E3779B97F4A7C15ull);\n\n"
    "    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;\n    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;\n"
    "    return (unsigned long)((z ^ (z >> 31)) >> 32);\n}\n"
    "static long rows, bad;\n"
    "static void differ(const char *what, long a, long b)\n{\n"
    "    if (++bad <= 10)\n        printf(\"row %ld %s: array %ld, code %ld\\n\", rows, what, a, b);\n}\n"
    "#define SAME(what, a, b) do { long a_ = (long)(a), b_ = (long)(b); if (a_ != b_) differ(what, a_, b_); } while (0)\n"
    "#define SAME_MEM(what, a, b) do { if (memcmp(a, b, sizeof a) != 0) differ(what, 0, 1); } while (0)\n"
    /* one input form: the entries of suffix S on input x of type T, outputs with canaries */
    "#if arr_IS_REGRESSION\n"
    "#define FORM(S, T) static void form##S(const T *x) \\\n{ \\\n"
    "    int32_t ya[2] = {7, 7}, yb[2] = {7, 7}; \\\n    float va[2] = {7, 7}, vb[2] = {7, 7}; \\\n"
    "    SAME(\"predict\" #S, arr_predict##S(x, ya), cod_predict##S(x, yb)); SAME_MEM(\"y\" #S, ya, yb); \\\n"
    "    SAME(\"value\" #S, arr_value##S(x, va), cod_value##S(x, vb)); SAME_MEM(\"v\" #S, va, vb); \\\n"
    "    SAME(\"scores\" #S, arr_scores##S(x, ya), cod_scores##S(x, yb)); SAME_MEM(\"s\" #S, ya, yb); \\\n"
    "    rows++; \\\n}\n"
    "#else\n"
    "#define FORM(S, T) static void form##S(const T *x) \\\n{ \\\n"
    "    int32_t sa[K + 1], sb[K + 1]; \\\n    uint16_t pa[K + 1], pb[K + 1]; \\\n"
    "    memset(sa, 0x5a, sizeof sa); memset(sb, 0x5a, sizeof sb); \\\n"
    "    memset(pa, 0x5a, sizeof pa); memset(pb, 0x5a, sizeof pb); \\\n"
    "    SAME(\"predict\" #S, arr_predict##S(x), cod_predict##S(x)); \\\n"
    "    SAME(\"scores\" #S, arr_scores##S(x, sa), cod_scores##S(x, sb)); SAME_MEM(\"s\" #S, sa, sb); \\\n"
    "    SAME(\"proba\" #S, arr_proba##S(x, pa), cod_proba##S(x, pb)); SAME_MEM(\"p\" #S, pa, pb); \\\n"
    "    rows++; \\\n}\n"
    "#endif\n"
    "FORM(_q15, mlq_q15_t)\nFORM(, float)\nFORM(_i16, int16_t)\n"
    "static float special(void)\n{\n"
    "    static const float v[] = {NAN, -NAN, INFINITY, -INFINITY, FLT_MAX, -FLT_MAX, 1e30f, -1e30f,\n"
    "                              0.0f, -0.0f, 1e-45f, -1e-45f, 1e-38f};\n\n"
    "    return v[rnd() % (sizeof v / sizeof v[0])];\n}\n"
    "int main(void)\n{\n"
    "    long r, j;\n\n"
    "    if (arr_check() != 0 || cod_check() != 0)\n        return 3;\n"
    "    for (r = 0; r < 3000; r++) {\n"
    "        mlq_q15_t q[D];\n        float f[D];\n        int16_t i[D];\n\n"
    "        for (j = 0; j < D; j++) {\n"
    "            unsigned long u = rnd();\n\n"
    "            q[j] = (mlq_q15_t)(u % 4 == 0 ? PROBE_Q[rnd() % (sizeof PROBE_Q / sizeof PROBE_Q[0])]\n"
    "                               : u % 4 == 1 ? (u & 8 ? 32767 : -32768) : (long)(rnd() % 65536) - 32768);\n"
    "            f[j] = u % 5 == 0 ? PROBE_F[rnd() % (sizeof PROBE_F / sizeof PROBE_F[0])]\n"
    "                   : u % 5 == 1 ? special() : (float)((long)(rnd() % 2000001) - 1000000) / 1000.0f;\n"
    "            if (r % 3 == 0 && u % 5 > 1)\n"
    "                f[j] = (float)((long)(rnd() % 201) - 100);\n"
    "            i[j] = (int16_t)((long)(rnd() % 65536) - 32768);\n"
    "            if (r % 2 == 0)\n                i[j] = (int16_t)((long)(rnd() % 41) - 20);\n"
    "        }\n"
    "        form_q15(q);\n        form(f);\n        form_i16(i);\n"
    "    }\n"
    "    printf(\"rows %ld differ %ld\\n\", rows, bad);\n"
    "    return bad != 0;\n}\n";

/* The float whose key (mlq/tree.h) is k. */
static float float_of_key(int64_t k)
{
    uint32_t b = k < 0 ? (uint32_t)(int32_t)k ^ 0x7fffffffu : (uint32_t)k;
    float x;

    memcpy(&x, &b, sizeof x);
    return x;
}

/* The driver's probes: every threshold and key threshold of the code model, and their neighbours. */
static void write_probes(FILE *f, const mlq_device *dev)
{
    const mlq_tree_dev *td = dev->impl;
    size_t i;
    int d;

    fputs("static const mlq_q15_t PROBE_Q[] = {0", f);
    for (i = 0; i < td->n_nodes; i++)
        for (d = -1; d <= 1; d++)
            fprintf(f, ", %ld", (long)(td->sp[i].threshold + d < -32768 ? -32768
                                       : td->sp[i].threshold + d > 32767 ? 32767 : td->sp[i].threshold + d));
    fputs("};\nstatic const float PROBE_F[] = {0.0f", f);
    for (i = 0; i < td->n_nodes; i++) {
        for (d = -1; d <= 1; d++) {
            float x = float_of_key((int64_t)td->keys[i] + d);

            if (isfinite(x) && td->keys[i] != INT32_MIN)
                fprintf(f, ", %.9ef", (double)x);
        }
    }
    fputs("};\n", f);
}

/* Build m's device model in the given layout and write its header as NAME into dir. */
static void write_header(const mlq_model *m, const char *layout, const char *name, mlq_device *dev)
{
    mlq_err err = {{0}};
    char path[256];

    assert_int_equal(mlq_device_build(m, 0, dev, &err), 0);
    if (mlq_tree_set_layout(dev, layout, &err) != 0)
        fail_msg("%s", err.msg);
    snprintf(path, sizeof path, "%s/%s.h", dir, name);
    if (mlq_export_header(dev, name, path, NULL, &err) != 0)
        fail_msg("%s", err.msg);
}

/* Both layouts of m, the driver compiled and run (and the code header as C++11):
 * every output equal. */
static void layouts_agree(const mlq_model *m, const char *what)
{
    mlq_device arr, cod;
    char path[256], cmd[2048], line[256];
    const char *cc = getenv("CC");
    FILE *f;
    long rows = -1, differ = -1;

    write_header(m, "array", "arr", &arr);
    write_header(m, "code", "cod", &cod);
    snprintf(path, sizeof path, "%s/driver.c", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(driver_head, f);
    write_probes(f, &cod);
    fputs(driver_body, f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "%s/out.txt", dir);
    remove(cmd);
    snprintf(cmd, sizeof cmd,
             "%s %s " DRIVER_FLAGS " -Iinclude -I%s -o %s/driver %s %s/libdev.a -lm && %s/driver > %s/out.txt",
             cc != NULL ? cc : "cc", warn_flags(), dir, dir, path, dir, dir, dir);
    if (system(cmd) != 0) {
        snprintf(cmd, sizeof cmd, "cat %s/out.txt", dir);
        (void)system(cmd);
        fail_msg("%s: the driver failed (compile, run or a difference)", what);
    }
    snprintf(path, sizeof path, "%s/out.txt", dir);
    f = fopen(path, "r");
    assert_non_null(f);
    assert_non_null(fgets(line, sizeof line, f));
    fclose(f);
    assert_int_equal(sscanf(line, "rows %ld differ %ld", &rows, &differ), 2);
    assert_int_equal(rows, 9000);
    assert_int_equal(differ, 0);
    /* the code header alone as C++11, every entry called */
    snprintf(path, sizeof path, "%s/use.cc", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "#include \"cod.h\"\n"
               "int use(const float *x, const mlq_q15_t *q, const int16_t *i, int32_t *s, uint16_t *p);\n"
               "int use(const float *x, const mlq_q15_t *q, const int16_t *i, int32_t *s, uint16_t *p)\n{\n"
               "    (void)p;\n"
               "    return cod_check() + cod_scores(x, s) + cod_scores_q15(q, s) + cod_scores_i16(i, s)%s;\n}\n",
               mlq_model_task(m) == MLQ_TASK_REGRESS
                   ? " + cod_predict(x, s) + cod_predict_q15(q, s) + cod_predict_i16(i, s)"
                   : " + cod_predict(x) + cod_predict_q15(q) + cod_predict_i16(i) + cod_proba(x, p) + "
                     "cod_proba_q15(q, p) + cod_proba_i16(i, p)");
    fclose(f);
    snprintf(cmd, sizeof cmd, "g++ -std=c++11 -pedantic -Wall -Wextra -Wconversion -Wshadow -Werror "
                              "-Iinclude -I%s -c -o %s/use.o %s", dir, dir, path);
    if (system(cmd) != 0)
        fail_msg("%s: the code header does not compile as C++11", what);
    mlq_device_free(&arr);
    mlq_device_free(&cod);
}

/* Train algo on a bundled dataset with the given options (JSON). */
static void trained(const char *csv, const mlq_algo *algo, const char *hyper, mlq_model *m, mlq_dataset *d)
{
    mlq_err err = {{0}};
    int regress = strstr(hyper, "regress") != NULL;

    assert_int_equal(mlq_csv_read(csv, NULL, regress ? MLQ_TARGET_REQUIRED : MLQ_LABEL_REQUIRED, NULL,
                                  0, d, &err), 0);
    if (train(algo, d, hyper, 1, m, &err) != 0)
        fail_msg("%s", err.msg);
}

static void test_classifiers(void **state)
{
    static const struct {
        const char *csv, *hyper;
        int forest;
    } cases[] = {
        {"data/iris.csv", NULL, 1},
        {"data/wine.csv", NULL, 0},
        {"data/digits.csv", NULL, 1},
        /* impure leaves in a single tree and a forest */
        {"data/breast_cancer.csv",
         "{\"criterion\": \"entropy\", \"max-depth\": 6, \"min-samples-leaf\": 9, \"min-samples-split\": 2,"
         " \"class-weight\": \"balanced\", \"max-features\": \"all\"}", 0},
        {"data/wine.csv",
         "{\"trees\": 7, \"criterion\": \"gini\", \"max-depth\": 5, \"min-samples-leaf\": 6,"
         " \"min-samples-split\": 2, \"class-weight\": \"none\", \"max-features\": \"sqrt\"}", 1},
        /* 300 trees: class sums of 255 x 300 need a word each (MLQ_TREE_CODE_LANES) */
        {"data/iris.csv",
         "{\"trees\": 300, \"criterion\": \"gini\", \"max-depth\": 3, \"min-samples-leaf\": 4,"
         " \"min-samples-split\": 2, \"class-weight\": \"none\", \"max-features\": \"sqrt\"}", 1},
        /* every tree a root leaf: no node may split */
        {"data/iris.csv",
         "{\"trees\": 3, \"criterion\": \"gini\", \"max-depth\": 4, \"min-samples-leaf\": 1,"
         " \"min-samples-split\": 1000, \"class-weight\": \"none\", \"max-features\": \"sqrt\"}", 1},
    };
    size_t c;

    (void)state;
    for (c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        mlq_model m;
        mlq_dataset d = {0};
        char what[64];

        trained(cases[c].csv, cases[c].forest ? &mlq_algo_forest : &mlq_algo_tree,
                cases[c].hyper != NULL ? cases[c].hyper : cases[c].forest ? forest_hyper : tree_hyper,
                &m, &d);
        snprintf(what, sizeof what, "classifier %zu (%s)", c, cases[c].csv);
        layouts_agree(&m, what);
        mlq_model_free(&m);
        mlq_dataset_free(&d);
    }
}

/* Thresholds beyond the input range saturate to the Q15 extremes: the code
 * layout drops the comparison that every input passes (32767) and keeps the
 * one only -32768 passes, as the array layout decides them. */
static void test_saturated_thresholds(void **state)
{
    mlq_model m;
    mlq_dataset d = {0};
    tree_params *tp;
    size_t i, n = 0;

    (void)state;
    trained("data/wine.csv", &mlq_algo_forest, forest_hyper, &m, &d);
    tp = m.params;
    for (i = 0; i < tp->trees[0].n_nodes; i++) {
        if (tp->trees[0].feature[i] >= 0) {
            tp->trees[0].threshold[i] = n % 2 == 0 ? 1e6 : -1e6;
            n++;
        }
    }
    assert_true(n >= 2);
    layouts_agree(&m, "saturated thresholds");
    mlq_model_free(&m);
    mlq_dataset_free(&d);
}

static void test_regression(void **state)
{
    size_t c;

    (void)state;
    for (c = 0; c < 2; c++) {
        mlq_model m;
        mlq_dataset d = {0};

        trained("data/diabetes.csv", c == 0 ? &mlq_algo_tree : &mlq_algo_forest,
                c == 0 ? tree_reg_hyper : forest_reg_hyper, &m, &d);
        layouts_agree(&m, c == 0 ? "regression tree" : "regression forest");
        mlq_model_free(&m);
        mlq_dataset_free(&d);
    }
}

/* What --layout changes in the device model, and what it refuses. */
static void test_set_layout(void **state)
{
    mlq_model m, km;
    mlq_dataset d = {0};
    mlq_device dev, kdev;
    mlq_err err = {{0}};
    size_t flash, predict;
    double w[2];

    (void)state;
    trained("data/iris.csv", &mlq_algo_forest, forest_hyper, &m, &d);
    assert_int_equal(mlq_device_build(&m, 0, &dev, &err), 0);
    flash = dev.flash_bytes;
    predict = dev.predict_bytes;
    assert_string_equal(dev.kern.predict, "mlq_forest_predict_q15");
    assert_int_equal(mlq_tree_set_layout(&dev, "code", &err), 0);
    assert_string_equal(dev.kern.predict, "mlq_tree_code_predict_q15");
    assert_string_equal(dev.kern.scores, "mlq_tree_code_scores_q15");
    assert_string_equal(dev.kern.proba, "mlq_tree_code_proba_q15");
    assert_string_equal(dev.kern.check, "mlq_tree_code_check");
    assert_int_equal(dev.predict_bytes, 0);
    assert_true(dev.flash_bytes < flash);
    assert_int_equal(mlq_tree_set_layout(&dev, "code", &err), 0); /* again: no change */
    assert_true(dev.flash_bytes < flash);
    assert_int_equal(mlq_tree_set_layout(&dev, "array", &err), 0);
    assert_int_equal(dev.flash_bytes, flash);
    assert_int_equal(dev.predict_bytes, predict);
    assert_string_equal(dev.kern.predict, "mlq_forest_predict_q15");
    assert_int_equal(mlq_tree_set_layout(&dev, "tables", &err), -1);
    assert_string_equal(err.msg, "--layout must be array or code, not 'tables'");
    /* the work hook: trees, and nodes visited (at least one a tree) */
    dev.side->work(&dev, d.x, d.n_rows, w);
    assert_true(w[1] == 10.0);
    assert_true(w[0] >= 10.0 && w[0] <= 10.0 * 6);
    dev.side->work(&dev, NULL, 0, w);
    assert_true(w[0] >= 10.0 && w[0] <= 10.0 * 6);
    mlq_device_free(&dev);
    /* a model of another algorithm has one layout */
    assert_int_equal(train(&mlq_algo_kmeans, &d, "{\"k\": 3, \"n-init\": 1, \"max-iter\": 50, \"tol\": 1e-4}",
                           1, &km, &err), 0);
    assert_int_equal(mlq_device_build(&km, 0, &kdev, &err), 0);
    assert_int_equal(mlq_tree_set_layout(&kdev, "code", &err), -1);
    assert_string_equal(err.msg, "--layout code: a kmeans model has only its arrays (--layout code is "
                                 "for tree and forest models)");
    assert_int_equal(mlq_tree_set_layout(&kdev, "array", &err), 0);
    assert_string_equal(kdev.kern.predict, "mlq_kmeans_predict_q15");
    mlq_device_free(&kdev);
    mlq_model_free(&km);
    mlq_model_free(&m);
    mlq_dataset_free(&d);
}

/* A temporary folder, and in it the device library for the drivers (src/, sanitized). */
static int setup(void **state)
{
    char cmd[2048];
    const char *cc = getenv("CC");

    (void)state;
    if (tmpdir_setup(state) != 0)
        return -1;
    snprintf(cmd, sizeof cmd, "cd %s && for c in \"$OLDPWD\"/src/*.c; do %s %s " DRIVER_FLAGS
             " -I\"$OLDPWD\"/include -c \"$c\" || exit 1; done && ar rcs libdev.a *.o",
             dir, cc != NULL ? cc : "cc", warn_flags());
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_set_layout),
        cmocka_unit_test(test_classifiers),
        cmocka_unit_test(test_saturated_thresholds),
        cmocka_unit_test(test_regression),
    };
    return cmocka_run_group_tests(tests, setup, tmpdir_teardown);
}
