/* SPDX-License-Identifier: MIT */
/*
 * Model file: save/load round trip, and full validation on load: each
 * broken field gives its own message naming the file and the field.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "algo.h"
#include "csv.h"
#include "kmeans_params.h"
#include "model.h"

static char dir[] = "/tmp/mlq_test_model_XXXXXX";
#include "tmpdir_test.h"
static char good_path[256];

/* Train a small k-means model on iris through the library and save it. */
static int setup(void **state)
{
    mlq_dataset d = {0};
    mlq_model m = {0};
    mlq_err err = {{0}};

    (void)state;
    if (tmpdir_setup(state) != 0)
        return -1;
    snprintf(good_path, sizeof good_path, "%s/good.json", dir);
    if (mlq_csv_read("data/iris.csv", NULL, MLQ_LABEL_OPTIONAL, NULL, 0, &d, &err) != 0)
        return -1;
    if (mlq_model_train(&m, &mlq_algo_kmeans, &d,
                        cJSON_Parse("{\"k\": 3, \"n-init\": 2, \"max-iter\": 100, \"tol\": 0.0001}"),
                        7, 0, NULL, &err) != 0 ||
        mlq_model_save(good_path, &m, &err) != 0)
        return -1;
    mlq_model_free(&m);
    mlq_dataset_free(&d);
    return 0;
}

static cJSON *load_json(const char *path)
{
    FILE *f = fopen(path, "rb");
    static char buf[1 << 16];
    size_t n;

    assert_non_null(f);
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return cJSON_Parse(buf);
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void write_json(const char *path, const cJSON *root)
{
    char *text = cJSON_Print(root);

    write_text(path, text);
    free(text);
}

static void test_round_trip_keeps_every_field(void **state)
{
    mlq_model a, b;
    mlq_err err = {{0}};
    char path[300];
    const kmeans_params *ka, *kb;

    (void)state;
    assert_int_equal(mlq_model_load(good_path, &a, &err), 0);
    snprintf(path, sizeof path, "%s/again.json", dir);
    assert_int_equal(mlq_model_save(path, &a, &err), 0);
    assert_int_equal(mlq_model_load(path, &b, &err), 0);
    assert_string_equal(b.algo->name, "kmeans");
    assert_int_equal(b.seed, 7);
    assert_int_equal(b.train_rows, 150);
    assert_int_equal(b.n_features, 4);
    assert_string_equal(b.feature_names[2], "petal_length_cm");
    assert_int_equal(b.n_classes, 3);
    assert_string_equal(b.class_names[2], "2");
    assert_true(b.mean[0] == a.mean[0] && b.scale[3] == a.scale[3]);
    assert_true(b.input_range == 4.0);
    ka = a.params;
    kb = b.params;
    assert_int_equal(kb->k, 3);
    assert_memory_equal(ka->centroids, kb->centroids, 12 * sizeof(double));
    mlq_model_free(&a);
    mlq_model_free(&b);
}

/* One broken copy of the good model per case: set (or delete) a field. */
typedef struct mutation {
    const char *object; /* NULL: top level; else the sub-object's name */
    const char *key;
    const char *value;  /* JSON text, or NULL to delete the field */
    const char *want;   /* the message after "FILE: " */
} mutation;

static const mutation cases[] = {
    {NULL, "format", "\"other\"", "not an mlq model file (field 'format' is not \"mlq-model\")"},
    {NULL, "format", NULL, "missing field 'format'"},
    {NULL, "version", "2", "model format version 2 is not supported (this mlq reads version 1)"},
    {NULL, "version", "\"1\"", "field 'version' must be a finite number"},
    {NULL, "algorithm", "\"boosting\"", "unknown algorithm 'boosting'"},
    {NULL, "algorithm", "\"KMeans\"", "unknown algorithm 'KMeans'"},
    {NULL, "algorithm", "\"gmm\"", "missing field 'gmm'"},
    {NULL, "algorithm", "3", "field 'algorithm' must be a string"},
    {NULL, "data", NULL, "missing field 'data'"},
    {"data", "rows", "0", "field 'data.rows' must be an integer in [1, 1099511627776], not 0"},
    {"data", "rows", "1.5", "field 'data.rows' must be an integer in [1, 1099511627776], not 1.5"},
    {NULL, "seed", "-1", "field 'seed' must be an integer in [0, 4294967295], not -1"},
    {NULL, "feature_names", "[]", "field 'feature_names' must have 1..65535 entries, not 0"},
    {NULL, "feature_names", "[\"a\", 2, \"c\", \"d\"]",
     "field 'feature_names' entry 1 must be a non-empty string"},
    {NULL, "feature_names", "\"a\"", "field 'feature_names' must be an array of strings"},
    {NULL, "label_name", "5", "field 'label_name' must be a string or null"},
    {"scaling", "mean", "[1, 2, 3]", "field 'scaling.mean' has 3 entries, expected 4"},
    {"scaling", "mean", "[1, 2, \"x\", 4]", "field 'scaling.mean' entry 2 must be a finite number"},
    {"scaling", "scale", "[1, 0, 1, 1]", "field 'scaling.scale' entry 1 must be > 0"},
    {"scaling", "input_range", "3",
     "field 'scaling.input_range' must be a power of two in [1, 65536]"},
    {"scaling", "input_range", NULL, "missing field 'scaling.input_range'"},
    {NULL, "hyperparameters", "[]", "field 'hyperparameters' must be an object"},
    {NULL, "kmeans", NULL, "missing field 'kmeans'"},
    {"kmeans", "centroids", "[]", "field 'kmeans.centroids' must be an array of 1..65535 rows"},
    {"kmeans", "centroids", "[[1, 2, 3, 4], [1, 2, 3]]",
     "field 'kmeans.centroids' row 1 has 3 entries, expected 4"},
    {"kmeans", "centroids", "[[1, 2, 3, 4], 7]", "field 'kmeans.centroids' row 1 must be an array"},
    {"kmeans", "centroids", "[[1, 2, 3, 1e999]]",
     "field 'kmeans.centroids' entry 3 must be a finite number"},
};

static void test_every_broken_field_is_named(void **state)
{
    char path[300], want[600];
    size_t i;

    (void)state;
    snprintf(path, sizeof path, "%s/broken.json", dir);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *root = load_json(good_path), *obj = root;
        mlq_model m;
        mlq_err err = {{0}};

        assert_non_null(root);
        if (cases[i].object != NULL)
            obj = cJSON_GetObjectItemCaseSensitive(root, cases[i].object);
        assert_non_null(obj);
        cJSON_DeleteItemFromObjectCaseSensitive(obj, cases[i].key);
        if (cases[i].value != NULL)
            cJSON_AddItemToObject(obj, cases[i].key, cJSON_Parse(cases[i].value));
        write_json(path, root);
        cJSON_Delete(root);
        memset(&m, 0x5a, sizeof m);
        assert_int_equal(mlq_model_load(path, &m, &err), -1);
        snprintf(want, sizeof want, "%s: %s", path, cases[i].want);
        assert_string_equal(err.msg, want);
        assert_null(m.params); /* emptied on failure */
        assert_null(m.mean);
    }
}

static void test_not_json_names_the_line(void **state)
{
    char path[300], want[400];
    mlq_model m;
    mlq_err err = {{0}};

    (void)state;
    snprintf(path, sizeof path, "%s/bad.json", dir);
    write_text(path, "{\n  \"format\": \"mlq-model\",\n  \"version\": 1,,\n}\n");
    assert_int_equal(mlq_model_load(path, &m, &err), -1);
    snprintf(want, sizeof want, "%s:3: not valid JSON", path);
    assert_string_equal(err.msg, want);
    write_text(path, "");
    assert_int_equal(mlq_model_load(path, &m, &err), -1);
    snprintf(want, sizeof want, "%s: empty file, not a model", path);
    assert_string_equal(err.msg, want);
    write_text(path, "[1, 2]");
    assert_int_equal(mlq_model_load(path, &m, &err), -1);
    snprintf(want, sizeof want, "%s: not an mlq model file (top level is not an object)", path);
    assert_string_equal(err.msg, want);
    snprintf(path, sizeof path, "%s/missing.json", dir);
    assert_int_equal(mlq_model_load(path, &m, &err), -1);
    snprintf(want, sizeof want, "%s: cannot open: No such file or directory", path);
    assert_string_equal(err.msg, want);
}

static void test_nan_never_reaches_a_file(void **state)
{
    mlq_model m;
    mlq_err err = {{0}};
    char path[300];

    (void)state;
    assert_int_equal(mlq_model_load(good_path, &m, &err), 0);
    ((kmeans_params *)m.params)->centroids[5] = 0.0 / 0.0;
    snprintf(path, sizeof path, "%s/nan.json", dir);
    assert_int_equal(mlq_model_save(path, &m, &err), -1);
    assert_non_null(strstr(err.msg, "not finite"));
    assert_int_equal(access(path, F_OK), -1); /* no file, not even a partial one */
    m.scale[0] = 1.0 / 0.0;
    assert_int_equal(mlq_model_save(path, &m, &err), -1);
    assert_int_equal(access(path, F_OK), -1);
    mlq_model_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_keeps_every_field),
        cmocka_unit_test(test_every_broken_field_is_named),
        cmocka_unit_test(test_not_json_names_the_line),
        cmocka_unit_test(test_nan_never_reaches_a_file),
    };
    return cmocka_run_group_tests(tests, setup, tmpdir_teardown);
}
