/* SPDX-License-Identifier: MIT */
/*
 * test_csv.c -- the CSV reader and writer (trainers/csv.c): every accepted
 * form with exact values, every rejected form with its exact message and an
 * empty result, write round trips, atomic writes, the bundled datasets and
 * a million-row file. Run from the repository root (reads data/).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <float.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "csv.h"

#define PATH_BUF 512

/* ------------------------------------------------------------------------ */
/* Helpers                                                                    */

static const char *tmp_dir(void)
{
    const char *dir = getenv("TMPDIR");

    return dir != NULL && dir[0] != '\0' ? dir : "/tmp";
}

/* Create a fresh temporary file holding data[0..len). */
static void tmp_file(char path[PATH_BUF], const void *data, size_t len)
{
    FILE *f;
    int fd;

    assert_true((size_t)snprintf(path, PATH_BUF, "%s/mlq_test_csv_XXXXXX", tmp_dir()) < PATH_BUF);
    fd = mkstemp(path);
    assert_true(fd >= 0);
    f = fdopen(fd, "wb");
    assert_non_null(f);
    if (len > 0)
        assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* Bit-exact: "5.1" must give the double nearest 5.1, "-0" must give -0.0. */
#define assert_double_exact(got, want) check_double((got), (want), #got, __FILE__, __LINE__)

static void check_double(double got, double want, const char *expr, const char *file, int line)
{
    if (memcmp(&got, &want, sizeof got) != 0)
        fail_msg("%s:%d: %s is %.17g, expected %.17g", file, line, expr, got, want);
}

static void assert_names(char *const *got, size_t n_got, const char *const *want, size_t n_want)
{
    size_t i;

    assert_int_equal(n_got, n_want);
    assert_non_null(got);
    for (i = 0; i < n_want; i++)
        assert_string_equal(got[i], want[i]);
}

static void assert_empty(const mlq_dataset *d)
{
    assert_int_equal(d->n_rows, 0);
    assert_int_equal(d->n_features, 0);
    assert_null(d->x);
    assert_null(d->feature_names);
    assert_null(d->y);
    assert_int_equal(d->n_classes, 0);
    assert_null(d->class_names);
    assert_null(d->label_name);
    assert_null(d->path);
    assert_null(d->line);
}

/* Read text from a temporary file, which must succeed. */
static void read_text(const char *text, const char *label_col, mlq_label_mode mode, char *const *classes,
                      size_t n_classes, mlq_dataset *d)
{
    char path[PATH_BUF];
    mlq_err err;

    tmp_file(path, text, strlen(text));
    strcpy(err.msg, "no message");
    if (mlq_csv_read(path, label_col, mode, classes, n_classes, d, &err) != 0)
        fail_msg("unexpected error: %s", err.msg);
    assert_non_null(d->path);
    assert_string_equal(d->path, path);
    assert_int_equal(unlink(path), 0);
}

static void read_plain(const char *text, mlq_dataset *d)
{
    read_text(text, NULL, MLQ_LABEL_REQUIRED, NULL, 0, d);
}

/* Reading data[0..len) must fail with exactly "PATH:LINE: problem"
 * ("PATH: problem" when line is 0) and leave the dataset empty. */
static void expect_error_full(const void *data, size_t len, const char *label_col, mlq_label_mode mode,
                              char *const *classes, size_t n_classes, long line, const char *problem)
{
    char path[PATH_BUF];
    char want[PATH_BUF + sizeof(mlq_err)];
    mlq_dataset d;
    mlq_err err;

    tmp_file(path, data, len);
    memset(&d, 0x5A, sizeof d); /* canary: the reader must zero it */
    strcpy(err.msg, "no message");
    assert_int_equal(mlq_csv_read(path, label_col, mode, classes, n_classes, &d, &err), -1);
    if (line > 0)
        snprintf(want, sizeof want, "%s:%ld: %s", path, line, problem);
    else
        snprintf(want, sizeof want, "%s: %s", path, problem);
    assert_string_equal(err.msg, want);
    assert_empty(&d);
    mlq_dataset_free(&d); /* harmless on the empty result */
    assert_int_equal(unlink(path), 0);
}

static void expect_error_opt(const char *text, const char *label_col, mlq_label_mode mode, char *const *classes,
                             size_t n_classes, long line, const char *problem)
{
    expect_error_full(text, strlen(text), label_col, mode, classes, n_classes, line, problem);
}

static void expect_error(const char *text, long line, const char *problem)
{
    expect_error_full(text, strlen(text), NULL, MLQ_LABEL_REQUIRED, NULL, 0, line, problem);
}

static char *read_whole(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    assert_true(n >= 0);
    assert_int_equal(fseek(f, 0, SEEK_SET), 0);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* Number of entries in a directory besides "." and "..". */
static int dir_entries(const char *dir)
{
    DIR *dp = opendir(dir);
    struct dirent *e;
    int n = 0;

    assert_non_null(dp);
    while ((e = readdir(dp)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(dp);
    return n;
}

/* ------------------------------------------------------------------------ */
/* Accepted input                                                             */

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

/* ------------------------------------------------------------------------ */
/* Rejected input                                                             */

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
        snprintf(problem, sizeof problem, "label '%s' is not a class: labels are integers 0..K-1 or names",
                 not_class[i]);
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
                      "label '1.5' is not a class: labels are integers 0..K-1 or names");
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

/* ------------------------------------------------------------------------ */
/* Writing                                                                    */

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

    /* The final rename fails (the target is a folder): the temporary file goes. */
    snprintf(path, sizeof path, "%s/taken", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    assert_int_equal(mlq_csv_write(path, &d, idx, 2, &err), -1);
    snprintf(want, sizeof want, "%s: cannot write output file: %s", path, strerror(EISDIR));
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

/* ------------------------------------------------------------------------ */
/* Bundled datasets and scale                                                 */

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

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;

    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) * 1e-9;
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_plain),
        cmocka_unit_test(test_csv_crlf_bom_and_no_final_newline),
        cmocka_unit_test(test_csv_blank_lines_at_end_are_ignored),
        cmocka_unit_test(test_csv_quoted_fields_and_spaces),
        cmocka_unit_test(test_csv_label_column_choice),
        cmocka_unit_test(test_csv_name_labels_are_sorted),
        cmocka_unit_test(test_csv_integer_labels),
        cmocka_unit_test(test_csv_classes_given),
        cmocka_unit_test(test_csv_number_edge_values),
        cmocka_unit_test(test_csv_line_of_exactly_the_limit),
        cmocka_unit_test(test_csv_error_cannot_open),
        cmocka_unit_test(test_csv_error_empty_and_header_only),
        cmocka_unit_test(test_csv_error_header),
        cmocka_unit_test(test_csv_error_label_column),
        cmocka_unit_test(test_csv_error_ragged_and_blank_rows),
        cmocka_unit_test(test_csv_error_feature_cells),
        cmocka_unit_test(test_csv_error_quoting),
        cmocka_unit_test(test_csv_error_bytes),
        cmocka_unit_test(test_csv_error_line_too_long),
        cmocka_unit_test(test_csv_error_labels),
        cmocka_unit_test(test_csv_error_label_not_in_model),
        cmocka_unit_test(test_csv_error_too_many_classes),
        cmocka_unit_test(test_csv_write_exact_text),
        cmocka_unit_test(test_csv_write_round_trip),
        cmocka_unit_test(test_csv_write_bom_like_first_name),
        cmocka_unit_test(test_csv_write_round_trip_bundled),
        cmocka_unit_test(test_csv_write_failure_leaves_nothing),
        cmocka_unit_test(test_csv_bundled_datasets),
        cmocka_unit_test(test_csv_million_rows),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
