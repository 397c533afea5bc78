/* SPDX-License-Identifier: MIT */
/*
 * test_csv_write.c -- mlq_csv_write (trainers/csv_write.c): exact text, round trips
 * through mlq_csv_read (bundled datasets included), and no file left when
 * writing fails. Run from the repository root (reads data/).
 */
#include "csv_test.h"

static void assert_same_dataset(const mlq_dataset *a, const size_t *idx, size_t n, const mlq_dataset *b)
{
    size_t i, j;

    assert_int_equal(b->n_rows, n);
    assert_names(b->feature_names, b->n_features, (const char *const *)a->feature_names, a->n_features);
    assert_string_equal(b->label_name, a->label_name);
    assert_names(b->class_names, b->n_classes, (const char *const *)a->class_names, a->n_classes);
    for (i = 0; i < n; i++) {
        for (j = 0; j < a->n_features; j++)
            assert_double_exact(b->x[i * b->n_features + j], a->x[idx[i] * a->n_features + j]);
        assert_int_equal(b->y[i], a->y[idx[i]]);
        assert_int_equal(b->line[i], (long)i + 2);
    }
}

static void test_csv_write_exact_text(void **state)
{
    char out_path[PATH_BUF];
    size_t idx[] = {1, 0, 1};
    mlq_dataset d;
    mlq_err err;
    char *text;

    (void)state;
    read_plain("a,\"b,c\",\" d\",label\n"
               "0.10,1E2,1e20,\"x \"\"y\"\"\"\n"
               "0.30000000000000004,-0,1e-5,z\n",
               &d);
    snprintf(out_path, sizeof out_path, "%s/mlq_test_csv_out_%ld.csv", tmp_dir(), (long)getpid());
    assert_int_equal(mlq_csv_write(out_path, &d, idx, 3, &err), 0);
    text = read_whole(out_path);
    assert_string_equal(text, "a,\"b,c\",\" d\",label\n"
                              "0.30000000000000004,-0,1e-05,z\n"
                              "0.1,100,1e+20,\"x \"\"y\"\"\"\n"
                              "0.30000000000000004,-0,1e-05,z\n");
    free(text);

    /* No rows: a header-only file. */
    assert_int_equal(mlq_csv_write(out_path, &d, idx, 0, &err), 0);
    text = read_whole(out_path);
    assert_string_equal(text, "a,\"b,c\",\" d\",label\n");
    free(text);
    assert_int_equal(unlink(out_path), 0);
    mlq_dataset_free(&d);

    /* Without labels there is no label column. */
    read_text("p,q\n1.5,2\n", NULL, MLQ_LABEL_OPTIONAL, NULL, 0, &d);
    assert_int_equal(mlq_csv_write(out_path, &d, idx + 1, 1, &err), 0);
    text = read_whole(out_path);
    assert_string_equal(text, "p,q\n1.5,2\n");
    free(text);
    assert_int_equal(unlink(out_path), 0);
    mlq_dataset_free(&d);
}

static void test_csv_write_round_trip(void **state)
{
    char out_path[PATH_BUF];
    size_t idx[9], i;
    mlq_dataset a, b;
    mlq_err err;

    (void)state;
    read_plain("\"f,1\",\" sp \",\"q\"\"t\",kind\n"
               "0.1,0.30000000000000004,1e-300,\"a,b\"\n"
               "4.9406564584124654e-324,1.7976931348623157e308,-0,\" c \"\n"
               "123456789.12345679,3.141592653589793,2.5e-8,\"d\"\"e\"\n"
               "-7,100,1e21,plain\n"
               "0.1,-2.2250738585072014e-308,1234567890123456789,plain\n"
               "5e-324,9007199254740993,0.000123456789,\"a,b\"\n"
               "1.0000000000000002,0.9999999999999999,-1e-7,\" c \"\n"
               "6.02214076e23,1.602176634e-19,299792458,\"d\"\"e\"\n"
               "2,3,4,plain\n",
               &a);
    assert_int_equal(a.n_rows, 9);
    assert_int_equal(a.n_classes, 4);
    for (i = 0; i < 9; i++)
        idx[i] = 8 - i;
    snprintf(out_path, sizeof out_path, "%s/mlq_test_csv_rt_%ld.csv", tmp_dir(), (long)getpid());
    assert_int_equal(mlq_csv_write(out_path, &a, idx, 9, &err), 0);
    assert_int_equal(mlq_csv_read(out_path, "kind", MLQ_LABEL_REQUIRED, NULL, 0, &b, &err), 0);
    assert_same_dataset(&a, idx, 9, &b);
    mlq_dataset_free(&b);
    assert_int_equal(unlink(out_path), 0);
    mlq_dataset_free(&a);
}

/* A first name that starts with byte-order-mark bytes must not turn into a
 * byte-order mark when it is written at the start of a file. */
static void test_csv_write_bom_like_first_name(void **state)
{
    static const char *const inputs[] = {"\xEF\xBB\xBF\xEF\xBB\xBF" "a,label\n1,0\n",
                                         "\xEF\xBB\xBF\xFE\xFF" "b,label\n1,0\n",
                                         "\xEF\xBB\xBF\xFF\xFE" "c,label\n1,0\n"};
    static const char *const names[] = {"\xEF\xBB\xBF" "a", "\xFE\xFF" "b", "\xFF\xFE" "c"};
    char out_path[PATH_BUF];
    size_t idx[] = {0}, i;
    mlq_dataset a, b;
    mlq_err err;

    (void)state;
    snprintf(out_path, sizeof out_path, "%s/mlq_test_csv_bom_%ld.csv", tmp_dir(), (long)getpid());
    for (i = 0; i < 3; i++) {
        read_plain(inputs[i], &a);
        assert_string_equal(a.feature_names[0], names[i]);
        assert_int_equal(mlq_csv_write(out_path, &a, idx, 1, &err), 0);
        if (mlq_csv_read(out_path, NULL, MLQ_LABEL_REQUIRED, NULL, 0, &b, &err) != 0)
            fail_msg("%s", err.msg);
        assert_same_dataset(&a, idx, 1, &b);
        mlq_dataset_free(&b);
        mlq_dataset_free(&a);
    }
    assert_int_equal(unlink(out_path), 0);
}

static void test_csv_write_round_trip_bundled(void **state)
{
    static const char *const files[] = {"data/iris.csv", "data/wine.csv", "data/breast_cancer.csv",
                                        "data/digits.csv"};
    char out_path[PATH_BUF];
    size_t f, i, *idx;
    mlq_dataset a, b;
    mlq_err err;

    (void)state;
    snprintf(out_path, sizeof out_path, "%s/mlq_test_csv_rtb_%ld.csv", tmp_dir(), (long)getpid());
    for (f = 0; f < sizeof files / sizeof files[0]; f++) {
        if (mlq_csv_read(files[f], NULL, MLQ_LABEL_REQUIRED, NULL, 0, &a, &err) != 0)
            fail_msg("%s", err.msg);
        idx = malloc(a.n_rows * sizeof *idx);
        assert_non_null(idx);
        /* A scrambled order: 7 is coprime with every row count here. */
        for (i = 0; i < a.n_rows; i++)
            idx[i] = (i * 7 + 3) % a.n_rows;
        assert_int_equal(mlq_csv_write(out_path, &a, idx, a.n_rows, &err), 0);
        assert_int_equal(mlq_csv_read(out_path, NULL, MLQ_LABEL_REQUIRED, a.class_names, a.n_classes, &b, &err), 0);
        assert_same_dataset(&a, idx, a.n_rows, &b);
        mlq_dataset_free(&b);
        free(idx);
        mlq_dataset_free(&a);
    }
    assert_int_equal(unlink(out_path), 0);
}

static void test_csv_write_failure_leaves_nothing(void **state)
{
    char dir[PATH_BUF], path[PATH_BUF + 32], want[2 * PATH_BUF];
    size_t idx[] = {0, 1};
    size_t bad[] = {0, 5};
    mlq_dataset d;
    mlq_err err;
    struct stat st;

    (void)state;
    read_plain("a,label\n1,x\n2,y\n3,z\n", &d);
    snprintf(dir, sizeof dir, "%s/mlq_test_csv_dir_XXXXXX", tmp_dir());
    assert_non_null(mkdtemp(dir));

    /* The folder does not exist. */
    snprintf(path, sizeof path, "%s/missing/out.csv", dir);
    assert_int_equal(mlq_csv_write(path, &d, idx, 2, &err), -1);
    snprintf(want, sizeof want, "%s: cannot create output file: %s", path, strerror(ENOENT));
    assert_string_equal(err.msg, want);
    assert_int_equal(stat(path, &st), -1);
    assert_int_equal(dir_entries(dir), 0);

    /* The target is a folder: refused before anything is created (a failed
     * rename is tested in test_outfile.c). */
    snprintf(path, sizeof path, "%s/taken", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    assert_int_equal(mlq_csv_write(path, &d, idx, 2, &err), -1);
    snprintf(want, sizeof want, "%s: is a directory", path);
    assert_string_equal(err.msg, want);
    assert_int_equal(dir_entries(dir), 1);
    assert_int_equal(rmdir(path), 0);

    /* A row index out of range is caught before anything is created. */
    snprintf(path, sizeof path, "%s/out.csv", dir);
    assert_int_equal(mlq_csv_write(path, &d, bad, 2, &err), -1);
    snprintf(want, sizeof want, "%s: row index 5 is out of range (the dataset has 3 rows)", path);
    assert_string_equal(err.msg, want);
    assert_int_equal(dir_entries(dir), 0);

    assert_int_equal(rmdir(dir), 0);
    mlq_dataset_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_write_exact_text),
        cmocka_unit_test(test_csv_write_round_trip),
        cmocka_unit_test(test_csv_write_bom_like_first_name),
        cmocka_unit_test(test_csv_write_round_trip_bundled),
        cmocka_unit_test(test_csv_write_failure_leaves_nothing),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
