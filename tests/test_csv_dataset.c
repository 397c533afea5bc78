/* SPDX-License-Identifier: MIT */
/*
 * test_csv_dataset.c -- the dataset built from the cells (trainers/csv_dataset.c,
 * csv_labels.c): the label column, integer and name labels, a model's
 * classes, feature cells at the edges of a double, and every rejected
 * header, cell and label with its exact message.
 */
#include "csv_test.h"

static void test_csv_label_column_choice(void **state)
{
    static const char *const ab[] = {"a", "b"};
    static const char *const abc[] = {"a", "b", "c"};
    mlq_dataset d;

    (void)state;
    /* "label" wins over the last column, wherever it is. */
    read_plain("label,a,b\n1,10,20\n0,30,40\n", &d);
    assert_names(d.feature_names, d.n_features, ab, 2);
    assert_string_equal(d.label_name, "label");
    assert_int_equal(d.y[0], 1);
    assert_int_equal(d.y[1], 0);
    assert_double_exact(d.x[0], 10.0);
    assert_double_exact(d.x[3], 40.0);
    mlq_dataset_free(&d);

    /* No "label": the last column. */
    read_plain("a,b,target\n1,2,1\n", &d);
    assert_names(d.feature_names, d.n_features, ab, 2);
    assert_string_equal(d.label_name, "target");
    assert_int_equal(d.n_classes, 2);
    mlq_dataset_free(&d);

    /* By name, in the middle, even when a "label" column exists. */
    read_text("a,species,b,label\n1,x,2,3\n4,y,5,6\n", "species", MLQ_LABEL_REQUIRED, NULL, 0, &d);
    assert_string_equal(d.label_name, "species");
    assert_int_equal(d.n_features, 3);
    assert_string_equal(d.feature_names[2], "label");
    assert_double_exact(d.x[0], 1.0);
    assert_double_exact(d.x[1], 2.0);
    assert_double_exact(d.x[2], 3.0);
    assert_double_exact(d.x[5], 6.0);
    assert_int_equal(d.y[1], 1);
    mlq_dataset_free(&d);

    /* Optional: no "label" column means no labels. */
    read_text("a,b,c\n1,2,3\n", NULL, MLQ_LABEL_OPTIONAL, NULL, 0, &d);
    assert_int_equal(d.n_rows, 1);
    assert_names(d.feature_names, d.n_features, abc, 3);
    assert_null(d.y);
    assert_int_equal(d.n_classes, 0);
    assert_null(d.class_names);
    assert_null(d.label_name);
    assert_double_exact(d.x[2], 3.0);
    mlq_dataset_free(&d);

    /* Optional: one column is enough when it is a feature. */
    read_text("a\n1\n2\n", NULL, MLQ_LABEL_OPTIONAL, NULL, 0, &d);
    assert_int_equal(d.n_features, 1);
    assert_int_equal(d.n_rows, 2);
    assert_null(d.y);
    mlq_dataset_free(&d);

    /* Optional: "label" is used when present, or the column named. */
    read_text("a,label,b\n1,1,2\n", NULL, MLQ_LABEL_OPTIONAL, NULL, 0, &d);
    assert_names(d.feature_names, d.n_features, ab, 2);
    assert_non_null(d.y);
    assert_int_equal(d.y[0], 1);
    assert_int_equal(d.n_classes, 2);
    mlq_dataset_free(&d);
    read_text("a,b,c\n1,2,3\n", "a", MLQ_LABEL_OPTIONAL, NULL, 0, &d);
    assert_string_equal(d.label_name, "a");
    assert_int_equal(d.y[0], 1);
    assert_double_exact(d.x[0], 2.0);
    mlq_dataset_free(&d);

    /* Classes of a model are ignored when there is no label column. */
    {
        char *model[] = {"x", "y"};
        read_text("a,b\n1,2\n", NULL, MLQ_LABEL_OPTIONAL, model, 2, &d);
        assert_null(d.y);
        assert_int_equal(d.n_classes, 0);
        mlq_dataset_free(&d);
    }
}

static void test_csv_name_labels_are_sorted(void **state)
{
    static const char *const iris[] = {"setosa", "versicolor", "virginica"};
    static const char *const bytes[] = {"B", "a", "b", "\xC3\xA9t\xC3\xA9"};
    mlq_dataset d;

    (void)state;
    read_plain("x,label\n1,virginica\n2,setosa\n3,versicolor\n4,setosa\n5,virginica\n", &d);
    assert_names(d.class_names, d.n_classes, iris, 3);
    assert_int_equal(d.y[0], 2);
    assert_int_equal(d.y[1], 0);
    assert_int_equal(d.y[2], 1);
    assert_int_equal(d.y[3], 0);
    assert_int_equal(d.y[4], 2);
    mlq_dataset_free(&d);

    /* strcmp order: bytes, so upper case first and UTF-8 last. */
    read_plain("x,label\n1,b\n2,\xC3\xA9t\xC3\xA9\n3,B\n4,a\n", &d);
    assert_names(d.class_names, d.n_classes, bytes, 4);
    assert_int_equal(d.y[0], 2);
    assert_int_equal(d.y[1], 3);
    assert_int_equal(d.y[2], 0);
    assert_int_equal(d.y[3], 1);
    mlq_dataset_free(&d);

    /* A single class is the trainer's business, not the reader's. */
    read_plain("x,label\n1,only\n2,only\n", &d);
    assert_int_equal(d.n_classes, 1);
    assert_string_equal(d.class_names[0], "only");
    mlq_dataset_free(&d);
}

static void test_csv_integer_labels(void **state)
{
    static const char *const four[] = {"0", "1", "2", "3"};
    mlq_dataset d;

    (void)state;
    /* K = largest + 1, gaps allowed; "2.0", "2e0", "+1", "-0", " 3 " are integers. */
    read_plain("x,label\n1,2.0\n2,2e0\n3,+1\n4,-0\n5,\" 3 \"\n6,0003\n", &d);
    assert_names(d.class_names, d.n_classes, four, 4);
    assert_int_equal(d.y[0], 2);
    assert_int_equal(d.y[1], 2);
    assert_int_equal(d.y[2], 1);
    assert_int_equal(d.y[3], 0);
    assert_int_equal(d.y[4], 3);
    assert_int_equal(d.y[5], 3);
    mlq_dataset_free(&d);

    read_plain("x,label\n1,1\n2,3\n", &d); /* no 0 and no 2 */
    assert_names(d.class_names, d.n_classes, four, 4);
    mlq_dataset_free(&d);

    read_plain("x,label\n1,65535\n2,0\n", &d);
    assert_int_equal(d.n_classes, 65536);
    assert_string_equal(d.class_names[65535], "65535");
    assert_string_equal(d.class_names[12345], "12345");
    assert_int_equal(d.y[0], 65535);
    mlq_dataset_free(&d);
}

static void test_csv_classes_given(void **state)
{
    char *names[] = {"virginica", "setosa", "versicolor"}; /* the model's order, not sorted */
    char *ints[] = {"0", "1", "2"};
    char *odd[] = {"10", "2", "07"};
    mlq_dataset d;

    (void)state;
    read_text("x,label\n1,setosa\n2,virginica\n3,setosa\n", NULL, MLQ_LABEL_REQUIRED, names, 3, &d);
    assert_names(d.class_names, d.n_classes, (const char *const *)names, 3);
    assert_true(d.class_names[0] != names[0]); /* a copy */
    assert_int_equal(d.y[0], 1);
    assert_int_equal(d.y[1], 0);
    assert_int_equal(d.y[2], 1);
    mlq_dataset_free(&d);

    /* The file need not use every class; integers map by their decimal name. */
    read_text("x,label\n1,2.0\n2,0\n", NULL, MLQ_LABEL_REQUIRED, ints, 3, &d);
    assert_int_equal(d.n_classes, 3);
    assert_int_equal(d.y[0], 2);
    assert_int_equal(d.y[1], 0);
    mlq_dataset_free(&d);

    /* Exact text first ("07"), then the decimal value ("2.0" -> "2"). */
    read_text("x,label\n1,07\n2,2.0\n3,10\n", NULL, MLQ_LABEL_REQUIRED, odd, 3, &d);
    assert_int_equal(d.y[0], 2);
    assert_int_equal(d.y[1], 1);
    assert_int_equal(d.y[2], 0);
    mlq_dataset_free(&d);

    /* NULL classes with a count, or a zero count, mean "build a new list". */
    read_text("x,label\n1,b\n2,a\n", NULL, MLQ_LABEL_REQUIRED, names, 0, &d);
    assert_int_equal(d.n_classes, 2);
    assert_string_equal(d.class_names[0], "a");
    mlq_dataset_free(&d);
}

static void test_csv_number_edge_values(void **state)
{
    mlq_dataset d;

    (void)state;
    read_plain("a,b,c,d,e,label\n"
               "1e-400,4.9406564584124654e-324,1.7976931348623157e308,-2.2250738585072014e-308,"
               "0.30000000000000004,0\n",
               &d);
    assert_double_exact(d.x[0], 0.0); /* underflow reads as zero */
    assert_double_exact(d.x[1], 4.9406564584124654e-324);
    assert_double_exact(d.x[2], DBL_MAX);
    assert_double_exact(d.x[3], -DBL_MIN);
    assert_double_exact(d.x[4], 0.1 + 0.2);
    mlq_dataset_free(&d);
}

static void test_csv_error_header(void **state)
{
    (void)state;
    expect_error("a,b,a,label\n1,2,3,0\n", 1, "column 3 ('a') has the same name as column 1");
    expect_error("\"a\",b,a \n1,2,0\n", 1, "column 3 ('a') has the same name as column 1");
    expect_error("a,,label\n1,2,0\n", 1, "column 2 has an empty name in the header");
    expect_error("a,\"\",label\n1,2,0\n", 1, "column 2 has an empty name in the header");
    expect_error("a,b,\n1,2,0\n", 1, "column 3 has an empty name in the header");
    expect_error("a, ,label\n1,2,0\n", 1, "column 2 has an empty name in the header");
    expect_error("\na,label\n1,0\n", 1, "blank line before the header (the first line must name the columns)");
    expect_error("  \r\na,label\n1,0\n", 1, "blank line before the header (the first line must name the columns)");
}

static void test_csv_error_label_column(void **state)
{
    static const char one[] = "only one column ('x'), and it is the label: at least one feature column is needed";

    (void)state;
    expect_error_opt("a,b,label\n1,2,0\n", "species", MLQ_LABEL_REQUIRED, NULL, 0, 1,
                      "label column 'species' is not in the header");
    expect_error_opt("a,b,label\n1,2,0\n", "species", MLQ_LABEL_OPTIONAL, NULL, 0, 1,
                      "label column 'species' is not in the header");
    expect_error_opt("a,b,label\n1,2,0\n", "Label", MLQ_LABEL_REQUIRED, NULL, 0, 1,
                      "label column 'Label' is not in the header");
    expect_error("x\n1\n2\n", 1, one);
    expect_error_opt("x\n1\n2\n", "x", MLQ_LABEL_OPTIONAL, NULL, 0, 1, one);
    expect_error_opt("label\n1\n2\n", NULL, MLQ_LABEL_OPTIONAL, NULL, 0, 1,
                      "only one column ('label'), and it is the label: at least one feature column is needed");
}

static void test_csv_error_feature_cells(void **state)
{
    static const char *const not_number[] = {"abc", "0x10", "1.2.3", "1e", "e5", ".", "+", "-", "1 2",
                                             "1,5e", "--1", "1e+", "0x1p3", "\xC2\xBD", "1_000"};
    static const char *const not_finite[] = {"nan", "NaN", "-nan", "inf", "-Inf", "+INF", "infinity",
                                             "-Infinity", "nan(123)"};
    static const char *const too_big[] = {"1e999", "-1e999", "1.8e308", "1e309"};
    char text[256], problem[256];
    size_t i;

    (void)state;
    expect_error("sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm,label\n"
                 "5.1,3.5,1.4,0.2,0\n4.9,3,1.4,0.2,0\n4.7,3.2,1.3,0.2,0\n4.6,3.1,1.5,0.2,0\n"
                 "5,3.6,1.4,0.2,0\n5.4,3.9,1.7,abc,0\n",
                 7, "column 'petal_width_cm': 'abc' is not a number");
    for (i = 0; i < sizeof not_number / sizeof not_number[0]; i++) {
        /* Quoted, so that "1,5e" stays one cell. */
        snprintf(text, sizeof text, "a,b,label\n1,2,0\n3,\"%s\",1\n", not_number[i]);
        snprintf(problem, sizeof problem, "column 'b': '%s' is not a number", not_number[i]);
        expect_error(text, 3, problem);
    }
    for (i = 0; i < sizeof not_finite / sizeof not_finite[0]; i++) {
        snprintf(text, sizeof text, "a,b,label\n%s,2,0\n", not_finite[i]);
        snprintf(problem, sizeof problem, "column 'a': '%s' is not a finite number", not_finite[i]);
        expect_error(text, 2, problem);
    }
    for (i = 0; i < sizeof too_big / sizeof too_big[0]; i++) {
        snprintf(text, sizeof text, "a,b,label\n1,%s,0\n", too_big[i]);
        snprintf(problem, sizeof problem, "column 'b': '%s' is out of the range of a double", too_big[i]);
        expect_error(text, 2, problem);
    }
    expect_error("a,b,label\n1,,0\n", 2, "column 'b': empty cell (missing values are not supported)");
    expect_error("a,b,label\n1,  ,0\n", 2, "column 'b': empty cell (missing values are not supported)");
    expect_error("a,b,label\n1,\"\",0\n", 2, "column 'b': empty cell (missing values are not supported)");
    /* The feature column is named even when the label comes first. */
    expect_error("label,a,b\n0,1,x\n", 2, "column 'b': 'x' is not a number");
    /* A long cell is cut short in the message: 48 bytes and "...". */
    memcpy(text, "a,label\n", 8);
    memset(text + 8, 'a', 96);
    memcpy(text + 8 + 96, ",0\n", 4);
    memset(problem, 0, sizeof problem);
    memcpy(problem, "column 'a': '", 13);
    memset(problem + 13, 'a', 48);
    strcat(problem, "...' is not a number");
    expect_error(text, 2, problem);
    /* ... on a UTF-8 character boundary: 47 'a' then the 2-byte "\xC3\xA9". */
    memcpy(text + 8 + 47, "\xC3\xA9xyz,0\n", 9);
    memset(problem + 13, 0, sizeof problem - 13);
    memset(problem + 13, 'a', 47);
    strcat(problem, "...' is not a number");
    expect_error(text, 2, problem);
}

static void test_csv_error_labels(void **state)
{
    static const char *const not_class[] = {"-1", "1.5", "-0.5", "1e-1", "nan", "NaN", "inf", "-Infinity",
                                            "1e999"};
    char text[256], problem[256];
    size_t i;

    (void)state;
    expect_error("a,label\n1,0\n2,\n", 3, "column 'label': empty label");
    expect_error("a,label\n1, \n", 2, "column 'label': empty label");
    expect_error("a,label\n1,\"\"\n", 2, "column 'label': empty label");
    expect_error_opt("a,kind,b\n1,,2\n", "kind", MLQ_LABEL_REQUIRED, NULL, 0, 2, "column 'kind': empty label");
    for (i = 0; i < sizeof not_class / sizeof not_class[0]; i++) {
        snprintf(text, sizeof text, "a,label\n1,0\n2,%s\n", not_class[i]);
        /* A finite number gets the hint of regression; NaN, infinities and overflow do not. */
        snprintf(problem, sizeof problem, "label '%s' is not a class: labels are integers 0..K-1 or names%s",
                 not_class[i], i < 4 ? " (for a continuous target, train with --task regress)" : "");
        expect_error(text, 3, problem);
    }
    expect_error("a,label\n1,65536\n", 2, "label '65536' is too large: integer labels go up to 65535");
    expect_error("a,label\n1,70000\n", 2, "label '70000' is too large: integer labels go up to 65535");
    expect_error("a,label\n1,0\n2,1\n3,setosa\n4,2\n", 4,
                 "label 'setosa' is a name, but line 2 has the integer '0': a label column holds integers "
                 "0..K-1 or names, not both");
    expect_error("a,label\n1,setosa\n2,virginica\n3,1\n", 4,
                 "label '1' is an integer, but line 2 has the name 'setosa': a label column holds integers "
                 "0..K-1 or names, not both");
}

static void test_csv_error_label_not_in_model(void **state)
{
    char *names[] = {"setosa", "versicolor", "virginica"};
    char *ints[] = {"0", "1", "2"};
    char *many[] = {"c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9", "c10", "c11"};
    static const char text[] = "a,label\n1,setosa\n2,rose\n";

    (void)state;
    expect_error_opt(text, NULL, MLQ_LABEL_REQUIRED, names, 3, 3,
                      "label 'rose' is not one of the model's 3 classes ('setosa', 'versicolor', 'virginica')");
    expect_error_opt("a,label\n1,2\n2,3\n", NULL, MLQ_LABEL_REQUIRED, ints, 3, 3,
                      "label '3' is not one of the model's 3 classes ('0', '1', '2')");
    expect_error_opt("a,label\n1,Setosa\n", NULL, MLQ_LABEL_REQUIRED, names, 3, 2,
                      "label 'Setosa' is not one of the model's 3 classes ('setosa', 'versicolor', 'virginica')");
    expect_error_opt("a,label\n1,0\n", NULL, MLQ_LABEL_REQUIRED, names, 3, 2,
                      "label '0' is not one of the model's 3 classes ('setosa', 'versicolor', 'virginica')");
    /* The label checks come first. */
    expect_error_opt("a,label\n1,1.5\n", NULL, MLQ_LABEL_REQUIRED, ints, 3, 2,
                      "label '1.5' is not a class: labels are integers 0..K-1 or names (for a continuous "
                      "target, train with --task regress)");
    expect_error_opt("a,label\n1,c0\n2,c99\n", NULL, MLQ_LABEL_REQUIRED, many, 12, 3,
                      "label 'c99' is not one of the model's 12 classes ('c0', 'c1', 'c2', 'c3', 'c4', 'c5', "
                      "'c6', 'c7', 'c8', 'c9', 'c10', 'c11')");
}

static void test_csv_error_too_many_classes(void **state)
{
    size_t n = MLQ_CSV_MAX_CLASSES + 1, len = 0, i;
    char *text = malloc(16 + n * 16);

    (void)state;
    assert_non_null(text);
    len += (size_t)sprintf(text, "a,label\n");
    for (i = 0; i < n; i++)
        len += (size_t)sprintf(text + len, "1,n%zu\n", i);
    /* The 65537th distinct name is on line 65538 (header on line 1). */
    expect_error_full(text, len, NULL, MLQ_LABEL_REQUIRED, NULL, 0, 65538,
                      "column 'label': more than 65536 distinct labels");
    free(text);
}

/* A regression target: numbers read like features into t, no classes. */
static void test_csv_target(void **state)
{
    mlq_dataset d;

    (void)state;
    read_text("a,b,y\n1,2,3.5\n4,5,-1e3\n6,7,\" 8 \"\n", NULL, MLQ_TARGET_REQUIRED, NULL, 0, &d);
    assert_int_equal(d.n_rows, 3);
    assert_int_equal(d.n_features, 2);
    assert_string_equal(d.label_name, "y"); /* the last column, as for labels */
    assert_null(d.y);
    assert_int_equal(d.n_classes, 0);
    assert_non_null(d.t);
    assert_true(d.t[0] == 3.5 && d.t[1] == -1000.0 && d.t[2] == 8.0);
    assert_true(d.x[2] == 4.0 && d.x[5] == 7.0);
    mlq_dataset_free(&d);
    assert_null(d.t);
    /* Named, in the middle. */
    read_text("a,dose,b\n1,0.25,2\n", "dose", MLQ_TARGET_REQUIRED, NULL, 0, &d);
    assert_true(d.n_features == 2 && d.t[0] == 0.25 && d.x[1] == 2.0);
    mlq_dataset_free(&d);
    /* Data for an existing model: the target column when present, else none. */
    read_text("a,b\n1,2\n", "dose", MLQ_TARGET_IF_PRESENT, NULL, 0, &d);
    assert_true(d.n_features == 2 && d.t == NULL && d.y == NULL && d.label_name == NULL);
    mlq_dataset_free(&d);
    read_text("a,dose\n1,-7\n", "dose", MLQ_TARGET_IF_PRESENT, NULL, 0, &d);
    assert_true(d.n_features == 1 && d.t[0] == -7.0);
    mlq_dataset_free(&d);
}

static void test_csv_error_target(void **state)
{
    (void)state;
    expect_error_opt("a,y\n1,2\n2,nan\n", NULL, MLQ_TARGET_REQUIRED, NULL, 0, 3,
                     "target column 'y': 'nan' is not a finite number");
    expect_error_opt("a,y\n1,-inf\n", NULL, MLQ_TARGET_REQUIRED, NULL, 0, 2,
                     "target column 'y': '-inf' is not a finite number");
    expect_error_opt("a,y\n1,\n", NULL, MLQ_TARGET_REQUIRED, NULL, 0, 2,
                     "target column 'y': empty cell (missing values are not supported)");
    expect_error_opt("a,y\n1,high\n", NULL, MLQ_TARGET_REQUIRED, NULL, 0, 2,
                     "target column 'y': 'high' is not a number");
    expect_error_opt("a,y\n1,1e999\n", NULL, MLQ_TARGET_REQUIRED, NULL, 0, 2,
                     "target column 'y': '1e999' is out of the range of a double");
    expect_error_opt("a,y\n1,2\n", "dose", MLQ_TARGET_REQUIRED, NULL, 0, 1,
                     "label column 'dose' is not in the header");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_label_column_choice),
        cmocka_unit_test(test_csv_name_labels_are_sorted),
        cmocka_unit_test(test_csv_integer_labels),
        cmocka_unit_test(test_csv_classes_given),
        cmocka_unit_test(test_csv_number_edge_values),
        cmocka_unit_test(test_csv_error_header),
        cmocka_unit_test(test_csv_error_label_column),
        cmocka_unit_test(test_csv_error_feature_cells),
        cmocka_unit_test(test_csv_error_labels),
        cmocka_unit_test(test_csv_error_label_not_in_model),
        cmocka_unit_test(test_csv_error_too_many_classes),
        cmocka_unit_test(test_csv_target),
        cmocka_unit_test(test_csv_error_target),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
