/* SPDX-License-Identifier: MIT */
/*
 * The fuzz targets (tests/fuzz) without libFuzzer: every committed seed and
 * regression input goes through its target again (each target aborts when a
 * property fails, ASan and UBSan watch the rest), and what the fuzzers found
 * is pinned down with its exact outcome.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <dirent.h>
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "algo.h" /* mlq_algo_find */
#include "csv.h"
#include "export.h"
#include "fuzz.h"
#include "model.h"

/* Run target on every file of dir; returns how many there were (0 when there is no dir). */
static size_t replay(const char *dir, int (*target)(const uint8_t *, size_t))
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t n = 0;

    if (d == NULL)
        return 0;
    while ((e = readdir(d)) != NULL) {
        char path[1024];
        static uint8_t buf[1 << 20];
        FILE *f;
        size_t len;

        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        f = fopen(path, "rb");
        assert_non_null(f);
        len = fread(buf, 1, sizeof buf, f);
        assert_true(len < sizeof buf);
        fclose(f);
        assert_int_equal(target(buf, len), 0);
        n++;
    }
    closedir(d);
    return n;
}

static void test_seeds_and_regressions(void **state)
{
    (void)state;
    assert_true(replay("tests/fuzz/corpus/csv", mlq_fuzz_csv) >= 28);
    assert_true(replay("tests/fuzz/corpus/model", mlq_fuzz_model) >= 26);
    assert_true(replay("tests/fuzz/corpus/export", mlq_fuzz_export) >= 26);
    replay("tests/fuzz/regress/csv", mlq_fuzz_csv); /* none found yet */
    assert_true(replay("tests/fuzz/regress/model", mlq_fuzz_model) >= 1);
    assert_true(replay("tests/fuzz/regress/export", mlq_fuzz_export) >= 3);
}

/* ---- GSL's error handler: a library call never aborts in it ---------------- */

static int gsl_calls;

static void count_gsl_error(const char *reason, const char *file, int line, int gsl_errno)
{
    (void)reason;
    (void)file;
    (void)line;
    (void)gsl_errno;
    gsl_calls++;
}

/* A covariance that is not positive definite, loaded with the caller's own
 * handler installed (GSL's default would abort): an error naming the
 * matrix, the handler never called, and still installed afterwards. */
static void test_load_not_positive_definite(void **state)
{
    static const char path[] = "tests/fuzz/regress/model/gmm_not_positive_definite.json";
    gsl_error_handler_t *before = gsl_set_error_handler(count_gsl_error);
    mlq_model m;
    mlq_err err = {{0}};

    (void)state;
    gsl_calls = 0;
    assert_int_equal(mlq_model_load(path, &m, &err), -1);
    assert_string_equal(err.msg, "tests/fuzz/regress/model/gmm_not_positive_definite.json: "
                                 "field 'gmm.covariances': matrix 1 is not positive definite");
    assert_int_equal(gsl_calls, 0);
    assert_ptr_equal(gsl_set_error_handler(before), count_gsl_error);
    /* and with GSL's default handler (abort) in place */
    assert_int_equal(mlq_model_load(path, &m, &err), -1);
    assert_null(m.params);
    assert_null(gsl_set_error_handler(before));
}

/* ---- the device build names the model file and the field at fault --------- */

/* A scale or a mean that the float input quantizer cannot hold: the message
 * named the training CSV of the model (data.path) and blamed the scale for a
 * mean out of range. */
static void test_quantizer_refuses_naming_the_model(void **state)
{
    static const struct {
        const char *path, *want;
    } cases[] = {
        {"tests/fuzz/regress/export/scale_beyond_float.json",
         "tests/fuzz/regress/export/scale_beyond_float.json: field 'scaling.scale': feature 3: 1e-300 "
         "cannot be represented in float"},
        {"tests/fuzz/regress/export/mean_beyond_float.json",
         "tests/fuzz/regress/export/mean_beyond_float.json: field 'scaling.mean': feature 0: 1e+300 "
         "cannot be represented in float"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mlq_model m;
        mlq_device dev;
        mlq_err err = {{0}};

        assert_int_equal(mlq_model_load(cases[i].path, &m, &err), 0);
        assert_int_equal(mlq_device_build(&m, 0, &dev, &err), -1);
        assert_string_equal(err.msg, cases[i].want);
        assert_null(dev.impl);
        mlq_model_free(&m);
    }
}

/* A covariance that turns singular during EM, trained through the library
 * with GSL's default handler in place: an error, not an abort. */
static void test_train_singular_covariance(void **state)
{
    static const char rows[] = "a,b\n1,2\n1,2\n1,2\n2,4\n2,4\n3,6\n3,6\n5,1\n";
    static const char hyper[] = "{\"components\": 2, \"covariance\": \"full\", \"reg-covar\": 0, "
                                "\"per-class\": false, \"anomaly-percentile\": \"off\", "
                                "\"max-iter\": 100, \"tol\": 0.001, \"n-init\": 1}";
    char path[MLQ_FUZZ_PATH], want[MLQ_FUZZ_PATH + 200];
    mlq_dataset d;
    mlq_model m;
    mlq_err err = {{0}};

    (void)state;
    mlq_fuzz_put(mlq_fuzz_path(path, "singular.csv"), (const uint8_t *)rows, sizeof rows - 1);
    assert_int_equal(mlq_csv_read(path, NULL, MLQ_LABEL_OPTIONAL, NULL, 0, &d, &err), 0);
    gsl_set_error_handler(NULL);
    assert_int_equal(mlq_model_train(&m, mlq_algo_find("gmm"), &d, cJSON_Parse(hyper), 1, 0, NULL, &err), -1);
    snprintf(want, sizeof want, "%s: the mixture: component 0 has a singular covariance (duplicate rows "
             "or a feature constant within it): raise --reg-covar (now 0), e.g. to 1e-06", path);
    assert_string_equal(err.msg, want);
    assert_null(gsl_set_error_handler(NULL));
    mlq_model_free(&m);
    mlq_dataset_free(&d);
}

/* ---- cJSON running out of memory at each of its allocations in turn ---------- */

static long cjson_left = -1; /* allocations cJSON may still make; -1: no limit */

static void *cjson_malloc(size_t n)
{
    if (cjson_left == 0)
        return NULL;
    if (cjson_left > 0)
        cjson_left--;
    return malloc(n);
}

/* Load and save fail cleanly wherever cJSON's memory runs out: -1 with one
 * message, nothing half made (the model empty, no output file), nothing
 * leaked (LeakSanitizer); and with memory enough, the same file as always. */
static void test_model_file_out_of_memory(void **state)
{
    static const char *const seeds[] = {"kmeans", "gmm_full", "gmm_class", "gmm_anomaly", "tree",
                                        "forest", "svm_rbf", "svm_linear", "mlp_tanh", "mlp_int8"};
    cJSON_Hooks hooks = {cjson_malloc, free};
    char in[256], out[MLQ_FUZZ_PATH], ref[MLQ_FUZZ_PATH], want[MLQ_FUZZ_PATH + 100];
    size_t s;

    (void)state;
    mlq_fuzz_path(out, "oom.json");
    mlq_fuzz_path(ref, "ref.json");
    snprintf(want, sizeof want, "%s: cannot write model: a parameter is not finite (NaN or inf) or "
             "memory is short", out);
    cJSON_InitHooks(&hooks);
    for (s = 0; s < sizeof seeds / sizeof seeds[0]; s++) {
        mlq_model m;
        mlq_err err = {{0}};
        long n, fails = 0;
        int rc;

        snprintf(in, sizeof in, "tests/fuzz/corpus/model/%s.json", seeds[s]);
        for (n = 0;; n++, fails++) {
            cjson_left = n;
            rc = mlq_model_load(in, &m, &err);
            cjson_left = -1;
            if (rc == 0)
                break;
            assert_int_equal(rc, -1);
            assert_true(strncmp(err.msg, in, strlen(in)) == 0);
            assert_true(strstr(err.msg, ": out of memory") != NULL || strstr(err.msg, ": not valid JSON") != NULL);
            assert_null(m.params);
            assert_null(m.hyper);
        }
        assert_true(fails > 10);
        assert_int_equal(mlq_model_save(ref, &m, &err), 0);
        remove(out);
        for (n = 0, fails = 0;; n++, fails++) {
            cjson_left = n;
            rc = mlq_model_save(out, &m, &err);
            cjson_left = -1;
            if (rc == 0)
                break;
            assert_int_equal(rc, -1);
            assert_string_equal(err.msg, want);
            assert_null(fopen(out, "rb"));
        }
        assert_true(fails > 10);
        assert_true(mlq_fuzz_same_file(out, ref));
        mlq_model_free(&m);
    }
    cJSON_InitHooks(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seeds_and_regressions),
        cmocka_unit_test(test_load_not_positive_definite),
        cmocka_unit_test(test_train_singular_covariance),
        cmocka_unit_test(test_quantizer_refuses_naming_the_model),
        cmocka_unit_test(test_model_file_out_of_memory),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
