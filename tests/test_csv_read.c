/* SPDX-License-Identifier: MIT */
/*
 * test_csv_read.c -- the CSV reader from bytes to rows (trainers/csv_read.c through mlq_csv_read):
 * every accepted form of lines, quotes and bytes with exact values, every
 * rejected one with its exact message and an empty result, the bundled
 * datasets and a million-row file. Run from the repository root (reads data/).
 */
#include "csv_test.h"

#include "csv_impl.h"

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;

    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) * 1e-9;
}

static void test_csv_plain(void **state)
{
    static const char *const features[] = {"sepal_length_cm", "sepal_width_cm", "petal_length_cm",
                                           "petal_width_cm"};
    static const char *const classes[] = {"0", "1", "2"};
    mlq_dataset d;

    (void)state;
    read_plain("sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm,label\n"
               "5.1,3.5,1.4,0.2,0\n"
               "-7.25,1e3,2.5E-2,+0.125,2\n"
               "6,.5,3.,-0,1\n",
               &d);
    assert_int_equal(d.n_rows, 3);
    assert_int_equal(d.n_features, 4);
    assert_names(d.feature_names, d.n_features, features, 4);
    assert_string_equal(d.label_name, "label");
    assert_names(d.class_names, d.n_classes, classes, 3);
    assert_double_exact(d.x[0], 5.1);
    assert_double_exact(d.x[1], 3.5);
    assert_double_exact(d.x[2], 1.4);
    assert_double_exact(d.x[3], 0.2);
    assert_double_exact(d.x[4], -7.25);
    assert_double_exact(d.x[5], 1000.0);
    assert_double_exact(d.x[6], 0.025);
    assert_double_exact(d.x[7], 0.125);
    assert_double_exact(d.x[8], 6.0);
    assert_double_exact(d.x[9], 0.5);
    assert_double_exact(d.x[10], 3.0);
    assert_double_exact(d.x[11], -0.0);
    assert_int_equal(d.y[0], 0);
    assert_int_equal(d.y[1], 2);
    assert_int_equal(d.y[2], 1);
    assert_int_equal(d.line[0], 2);
    assert_int_equal(d.line[1], 3);
    assert_int_equal(d.line[2], 4);
    mlq_dataset_free(&d);
    assert_empty(&d);
    mlq_dataset_free(&d); /* twice is fine */
}

static void test_csv_crlf_bom_and_no_final_newline(void **state)
{
    static const char *const features[] = {"a", "b"};
    mlq_dataset d;

    (void)state;
    read_plain("\xEF\xBB\xBF" "a,b,label\r\n1.5,2,0\r\n3,4.25,1", &d);
    assert_int_equal(d.n_rows, 2);
    assert_names(d.feature_names, d.n_features, features, 2);
    assert_string_equal(d.label_name, "label");
    assert_double_exact(d.x[0], 1.5);
    assert_double_exact(d.x[1], 2.0);
    assert_double_exact(d.x[2], 3.0);
    assert_double_exact(d.x[3], 4.25);
    assert_int_equal(d.y[0], 0);
    assert_int_equal(d.y[1], 1);
    assert_int_equal(d.line[1], 3);
    mlq_dataset_free(&d);

    /* CRLF alone, and the BOM alone. */
    read_plain("a,b,label\r\n1,2,0\r\n", &d);
    assert_int_equal(d.n_rows, 1);
    assert_string_equal(d.feature_names[0], "a");
    assert_string_equal(d.label_name, "label");
    assert_double_exact(d.x[1], 2.0);
    mlq_dataset_free(&d);
    read_plain("\xEF\xBB\xBF" "a,label\n7,0\n", &d);
    assert_string_equal(d.feature_names[0], "a");
    assert_double_exact(d.x[0], 7.0);
    mlq_dataset_free(&d);
}

static void test_csv_blank_lines_at_end_are_ignored(void **state)
{
    mlq_dataset d;

    (void)state;
    read_plain("a,label\n1,0\n2,1\n\n   \r\n\t\n", &d);
    assert_int_equal(d.n_rows, 2);
    assert_double_exact(d.x[1], 2.0);
    assert_int_equal(d.line[1], 3);
    mlq_dataset_free(&d);
}

static void test_csv_quoted_fields_and_spaces(void **state)
{
    static const char *const features[] = {"width, cm", "say \"hi\"", " padded ", "plain"};
    static const char *const classes[] = {" c ", "a,b", "d\"e"};
    mlq_dataset d;

    (void)state;
    read_plain("\"width, cm\",\"say \"\"hi\"\"\",\" padded \", plain ,label\n"
               "\"5.1\", 2.5 ,\" 3 \" , \"-4e1\" ,\"a,b\"\n"
               "1,2,3,4,\"d\"\"e\"\n"
               "\t0.5\t,1,2,3,  \" c \"  \n",
               &d);
    assert_int_equal(d.n_rows, 3);
    assert_names(d.feature_names, d.n_features, features, 4);
    assert_names(d.class_names, d.n_classes, classes, 3);
    assert_double_exact(d.x[0], 5.1);
    assert_double_exact(d.x[1], 2.5);
    assert_double_exact(d.x[2], 3.0);
    assert_double_exact(d.x[3], -40.0);
    assert_double_exact(d.x[8], 0.5);
    assert_int_equal(d.y[0], 1);
    assert_int_equal(d.y[1], 2);
    assert_int_equal(d.y[2], 0);
    mlq_dataset_free(&d);
}

static void test_csv_line_of_exactly_the_limit(void **state)
{
    size_t n = MLQ_CSV_MAX_LINE;
    char *text = malloc(n + 64);
    char path[PATH_BUF];
    size_t len, i;
    mlq_dataset d;
    mlq_err err;

    (void)state;
    assert_non_null(text);
    /* Row of MLQ_CSV_MAX_LINE bytes: "1", spaces, ",0"; with CRLF. */
    strcpy(text, "x,label\r\n");
    len = strlen(text);
    text[len++] = '1';
    for (i = 0; i < n - 3; i++)
        text[len++] = ' ';
    memcpy(text + len, ",0\r\n2,1\n", 9);
    len += 8;
    tmp_file(path, text, len);
    if (mlq_csv_read(path, NULL, MLQ_LABEL_REQUIRED, NULL, 0, &d, &err) != 0)
        fail_msg("unexpected error: %s", err.msg);
    assert_int_equal(d.n_rows, 2);
    assert_double_exact(d.x[0], 1.0);
    assert_double_exact(d.x[1], 2.0);
    assert_int_equal(d.line[1], 3);
    mlq_dataset_free(&d);
    assert_int_equal(unlink(path), 0);
    free(text);
}

static void test_csv_error_cannot_open(void **state)
{
    char path[PATH_BUF], want[PATH_BUF + 64];
    mlq_dataset d;
    mlq_err err;

    (void)state;
    snprintf(path, sizeof path, "%s/mlq-no-such-dir-%ld/data.csv", tmp_dir(), (long)getpid());
    memset(&d, 0x5A, sizeof d);
    assert_int_equal(mlq_csv_read(path, NULL, MLQ_LABEL_REQUIRED, NULL, 0, &d, &err), -1);
    snprintf(want, sizeof want, "%s: cannot open: %s", path, strerror(ENOENT));
    assert_string_equal(err.msg, want);
    assert_empty(&d);

    /* A directory opens but cannot be read. */
    memset(&d, 0x5A, sizeof d);
    assert_int_equal(mlq_csv_read(tmp_dir(), NULL, MLQ_LABEL_REQUIRED, NULL, 0, &d, &err), -1);
    snprintf(want, sizeof want, "%s: cannot read: %s", tmp_dir(), strerror(EISDIR));
    assert_string_equal(err.msg, want);
    assert_empty(&d);
}

static void test_csv_error_empty_and_header_only(void **state)
{
    static const char empty[] = "file is empty (expected a header row and data rows)";
    static const char header_only[] = "the file has a header but no data rows";

    (void)state;
    expect_error("", 1, empty);
    expect_error("\xEF\xBB\xBF", 1, empty);
    expect_error("\n\n  \r\n", 1, empty);
    expect_error("a,b,label\n", 1, header_only);
    expect_error("a,b,label", 1, header_only);
    expect_error("a,b,label\r\n\r\n\n", 1, header_only);
    expect_error_opt("a,b\n", NULL, MLQ_LABEL_OPTIONAL, NULL, 0, 1, header_only);
}

static void test_csv_error_ragged_and_blank_rows(void **state)
{
    (void)state;
    expect_error("a,b,label\n1,2,0\n1,2\n", 3, "row has 2 cells, expected 3 (one per header column)");
    expect_error("a,b,label\n1,2,0,4\n", 2, "row has 4 cells, expected 3 (one per header column)");
    expect_error("a,b,label\n1,2,0,\n", 2, "row has 4 cells, expected 3 (one per header column)");
    expect_error("a,b,label\n1\n", 2, "row has 1 cell, expected 3 (one per header column)");
    expect_error("a,label\n1,0\n\n2,1\n", 3,
                 "blank line between data rows (expected 2 cells; blank lines are allowed only at the end of the file)");
    expect_error("a,label\r\n1,0\r\n \t\r\n\r\n2,1\r\n\r\n", 3,
                 "blank line between data rows (expected 2 cells; blank lines are allowed only at the end of the file)");
}

static void test_csv_error_quoting(void **state)
{
    (void)state;
    expect_error("a,b,label\n\"1,2,0\n", 2,
                 "column 'a': quoted cell has no closing quote (a quoted cell must end on its line)");
    expect_error("a,b,label\n1,2,\"x\n", 2,
                 "column 'label': quoted cell has no closing quote (a quoted cell must end on its line)");
    expect_error("a,b,label\n1,2,0,\"x\n", 2,
                 "column 4: quoted cell has no closing quote (a quoted cell must end on its line)");
    expect_error("a,\"b,label\n1,2,0\n", 1,
                 "column 2: quoted cell has no closing quote (a quoted cell must end on its line)");
    expect_error("a,b,label\n\"1\"x,2,0\n", 2,
                 "column 'a': text after the closing quote (write \"\" for a quote inside a quoted cell)");
    expect_error("a,b,label\n1,\"2\" \"3\",0\n", 2,
                 "column 'b': text after the closing quote (write \"\" for a quote inside a quoted cell)");
    expect_error("a,b,label\n1,2\"3,0\n", 2,
                 "column 'b': quote inside an unquoted cell (quote the whole cell and write \"\" for a quote)");
    expect_error("a,b\"c\",label\n1,2,0\n", 1,
                 "column 2: quote inside an unquoted cell (quote the whole cell and write \"\" for a quote)");
}

static void test_csv_error_bytes(void **state)
{
    static const char nul[] = "a,label\n1,\0\n";
    static const char utf16le[] = "\xFF\xFE" "a\0,\0l\0\n\0";
    static const char utf16be[] = "\xFE\xFF" "\0a\0,\0l\0\n";

    (void)state;
    expect_error_full(nul, sizeof nul - 1, NULL, MLQ_LABEL_REQUIRED, NULL, 0, 2,
                      "NUL byte at byte 3 of the line: this is a binary file, not CSV text");
    expect_error_full(utf16le, sizeof utf16le - 1, NULL, MLQ_LABEL_REQUIRED, NULL, 0, 1,
                      "file is UTF-16 text (byte-order mark FF FE): save it as UTF-8");
    expect_error_full(utf16be, sizeof utf16be - 1, NULL, MLQ_LABEL_REQUIRED, NULL, 0, 1,
                      "file is UTF-16 text (byte-order mark FE FF): save it as UTF-8");
    /* Old Mac line ends: the whole file is one line with CRs inside. */
    expect_error("a,label\r1,0\r2,1\r", 1,
                 "carriage return (CR) at byte 8 of the line: line ends must be LF or CRLF");
}

static void test_csv_error_line_too_long(void **state)
{
    static const char problem[] = "line is longer than 1048576 bytes, the limit (MLQ_CSV_MAX_LINE)";
    size_t n = MLQ_CSV_MAX_LINE, len, i;
    size_t big = 8 * MLQ_CSV_MAX_LINE;
    char *text = malloc(big + 64);

    (void)state;
    assert_int_equal(MLQ_CSV_MAX_LINE, 1048576);
    assert_non_null(text);
    /* One byte over the limit, with and without CR. */
    strcpy(text, "x,label\n");
    len = strlen(text);
    text[len++] = '1';
    for (i = 0; i < n - 2; i++)
        text[len++] = ' ';
    memcpy(text + len, ",0\n2,1\n", 7);
    expect_error_full(text, len + 7, NULL, MLQ_LABEL_REQUIRED, NULL, 0, 2, problem);
    memcpy(text + len, ",0\r\n2,1\n", 8);
    expect_error_full(text, len + 8, NULL, MLQ_LABEL_REQUIRED, NULL, 0, 2, problem);
    /* The same at the end of the file, without a line end. */
    expect_error_full(text, len + 2, NULL, MLQ_LABEL_REQUIRED, NULL, 0, 2, problem);
    /* A header eight times the limit, no newline anywhere. */
    memset(text, 'a', big);
    expect_error_full(text, big, NULL, MLQ_LABEL_REQUIRED, NULL, 0, 1, problem);
    free(text);
}

static void test_csv_bundled_datasets(void **state)
{
    static const char *const iris_features[] = {"sepal_length_cm", "sepal_width_cm", "petal_length_cm",
                                                "petal_width_cm"};
    static const char *const digits_classes[] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
    mlq_dataset d;
    mlq_err err;

    (void)state;
    assert_int_equal(mlq_csv_read("data/iris.csv", NULL, MLQ_LABEL_REQUIRED, NULL, 0, &d, &err), 0);
    assert_int_equal(d.n_rows, 150);
    assert_int_equal(d.n_features, 4);
    assert_int_equal(d.n_classes, 3);
    assert_names(d.feature_names, d.n_features, iris_features, 4);
    assert_string_equal(d.label_name, "label");
    assert_double_exact(d.x[0], 5.1);
    assert_double_exact(d.x[3], 0.2);
    assert_double_exact(d.x[149 * 4 + 0], 5.9);
    assert_double_exact(d.x[149 * 4 + 3], 1.8);
    assert_int_equal(d.y[0], 0);
    assert_int_equal(d.y[149], 2);
    assert_int_equal(d.line[0], 2);
    assert_int_equal(d.line[149], 151);
    mlq_dataset_free(&d);

    assert_int_equal(mlq_csv_read("data/wine.csv", NULL, MLQ_LABEL_REQUIRED, NULL, 0, &d, &err), 0);
    assert_int_equal(d.n_rows, 178);
    assert_int_equal(d.n_features, 13);
    assert_int_equal(d.n_classes, 3);
    assert_string_equal(d.feature_names[0], "alcohol");
    assert_string_equal(d.feature_names[12], "proline");
    assert_double_exact(d.x[0], 14.23);
    assert_double_exact(d.x[12], 1065.0);
    assert_double_exact(d.x[177 * 13 + 9], 9.2);
    assert_int_equal(d.y[177], 2);
    mlq_dataset_free(&d);

    /* Clustering reads the same file with its labels for evaluation. */
    assert_int_equal(mlq_csv_read("data/breast_cancer.csv", NULL, MLQ_LABEL_OPTIONAL, NULL, 0, &d, &err), 0);
    assert_int_equal(d.n_rows, 569);
    assert_int_equal(d.n_features, 30);
    assert_int_equal(d.n_classes, 2);
    assert_string_equal(d.feature_names[0], "mean_radius");
    assert_double_exact(d.x[0], 17.99);
    assert_double_exact(d.x[29], 0.1189);
    assert_double_exact(d.x[568 * 30 + 0], 7.76);
    assert_double_exact(d.x[568 * 30 + 29], 0.07039);
    assert_int_equal(d.y[0], 0);
    assert_int_equal(d.y[568], 1);
    mlq_dataset_free(&d);

    assert_int_equal(mlq_csv_read("data/digits.csv", NULL, MLQ_LABEL_REQUIRED, NULL, 0, &d, &err), 0);
    assert_int_equal(d.n_rows, 1797);
    assert_int_equal(d.n_features, 64);
    assert_names(d.class_names, d.n_classes, digits_classes, 10);
    assert_string_equal(d.feature_names[0], "pixel_0_0");
    assert_string_equal(d.feature_names[63], "pixel_7_7");
    assert_double_exact(d.x[2], 5.0);
    assert_double_exact(d.x[3], 13.0);
    assert_double_exact(d.x[1796 * 64 + 2], 10.0);
    assert_int_equal(d.y[0], 0);
    assert_int_equal(d.y[1796], 8);
    assert_int_equal(d.line[1796], 1798);
    mlq_dataset_free(&d);
}

static void test_csv_million_rows(void **state)
{
    const size_t n = 1000000;
    char path[PATH_BUF];
    struct timespec t0;
    double secs;
    mlq_dataset d;
    mlq_err err;
    size_t i;
    FILE *f;

    (void)state;
    tmp_file(path, "", 0);
    f = fopen(path, "wb");
    assert_non_null(f);
    fputs("a,b,label\n", f);
    for (i = 0; i < n; i++)
        fprintf(f, "%zu.5,%zu,%c\n", i % 1000, i, "xyz"[i % 3]);
    assert_int_equal(fclose(f), 0);

    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (mlq_csv_read(path, NULL, MLQ_LABEL_REQUIRED, NULL, 0, &d, &err) != 0)
        fail_msg("%s", err.msg);
    secs = seconds_since(&t0);
    print_message("     1,000,000 rows read in %.3f s\n", secs);
    assert_int_equal(d.n_rows, n);
    assert_int_equal(d.n_classes, 3);
    assert_double_exact(d.x[2 * 999999], 999.5);
    assert_double_exact(d.x[2 * 999999 + 1], 999999.0);
    assert_int_equal(d.y[999999], 999999 % 3);
    assert_int_equal(d.line[999999], 1000001);
    /* Generous, so that sanitizer builds pass; an optimized build takes a fraction of a second. */
    assert_true(secs < 20.0);
    mlq_dataset_free(&d);
    assert_int_equal(unlink(path), 0);
}

/* Lines that cross the reader's 64 KiB chunks, a CRLF cut between two
 * chunks included. */
static void test_csv_lines_across_chunks(void **state)
{
    size_t chunk = MLQ_CSV_CHUNK, len = 0, rows = 0;
    char *text = malloc(3 * chunk);
    mlq_dataset d;

    (void)state;
    assert_non_null(text);
    len += (size_t)sprintf(text, "a,label\r\n");
    /* Rows "1,0\r\n" (5 bytes) up to the chunk's end, the last CR as its
     * last byte: pad one row with spaces to land there. */
    while (len + 5 < chunk - 8) {
        memcpy(text + len, "1,0\r\n", 5);
        len += 5;
        rows++;
    }
    memcpy(text + len, "2", 1);
    len += 1;
    while (len < chunk - 3)
        text[len++] = ' ';
    memcpy(text + len, ",1\r\n3,0\n", 9); /* the CR is byte chunk - 1, its LF the next chunk's first */
    assert_int_equal(text[chunk - 1], '\r');
    assert_int_equal(text[chunk], '\n');
    len += 8;
    rows += 2;
    read_plain(text, &d);
    assert_int_equal(d.n_rows, rows);
    assert_double_exact(d.x[rows - 2], 2.0);
    assert_int_equal(d.y[rows - 2], 1);
    assert_double_exact(d.x[rows - 1], 3.0);
    assert_int_equal(d.line[rows - 1], (long)rows + 1);
    mlq_dataset_free(&d);
    free(text);
}

/* The splitter alone: cells, lengths and quotes removed in place. */
static void test_csv_split_cells(void **state)
{
    static const char line[] = " a ,\"b,\"\"c\"\"\" ,,\t\"\"\t, d e ";
    static const char *const want[] = {"a", "b,\"c\"", "", "", "d e"};
    mlq_csv_in in;
    mlq_csv_row row = {NULL, 0, 0};
    mlq_err err;
    size_t k;

    (void)state;
    memset(&in, 0, sizeof in);
    in.path = "mem.csv";
    in.lineno = 7;
    in.line = malloc(sizeof line);
    assert_non_null(in.line);
    memcpy(in.line, line, sizeof line);
    in.line_len = sizeof line - 1;
    assert_int_equal(mlq_csv_split(&in, &row, NULL, 0, &err), 0);
    assert_int_equal(row.n, 5);
    for (k = 0; k < 5; k++) {
        assert_string_equal(row.cell[k].s, want[k]);
        assert_int_equal(row.cell[k].len, strlen(want[k]));
    }
    /* Errors name the line and, with names, the column. */
    {
        char *names[] = {"first", "second"};
        memcpy(in.line, "1,\"2", 5);
        in.line_len = 4;
        assert_int_equal(mlq_csv_split(&in, &row, names, 2, &err), -1);
        assert_string_equal(err.msg, "mem.csv:7: column 'second': quoted cell has no closing quote "
                                     "(a quoted cell must end on its line)");
    }
    free(row.cell);
    free(in.line);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_plain),
        cmocka_unit_test(test_csv_crlf_bom_and_no_final_newline),
        cmocka_unit_test(test_csv_blank_lines_at_end_are_ignored),
        cmocka_unit_test(test_csv_quoted_fields_and_spaces),
        cmocka_unit_test(test_csv_line_of_exactly_the_limit),
        cmocka_unit_test(test_csv_error_cannot_open),
        cmocka_unit_test(test_csv_error_empty_and_header_only),
        cmocka_unit_test(test_csv_error_ragged_and_blank_rows),
        cmocka_unit_test(test_csv_error_quoting),
        cmocka_unit_test(test_csv_error_bytes),
        cmocka_unit_test(test_csv_error_line_too_long),
        cmocka_unit_test(test_csv_bundled_datasets),
        cmocka_unit_test(test_csv_million_rows),
        cmocka_unit_test(test_csv_lines_across_chunks),
        cmocka_unit_test(test_csv_split_cells),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
