/* SPDX-License-Identifier: MIT */
/*
 * csv_test.h -- helpers of the CSV tests (test_csv_read.c, test_csv_dataset.c,
 * test_csv_write.c, test_csv_number.c): temporary files, bit-exact doubles,
 * reading text that must succeed or fail with an exact message.
 */
#ifndef MLQ_CSV_TEST_H
#define MLQ_CSV_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

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
#include "dir_test.h"

#define PATH_BUF 512

/* ------------------------------------------------------------------------ */
/* Helpers                                                                    */

static inline const char *tmp_dir(void)
{
    const char *dir = getenv("TMPDIR");

    return dir != NULL && dir[0] != '\0' ? dir : "/tmp";
}

/* Create a fresh temporary file holding data[0..len). */
static inline void tmp_file(char path[PATH_BUF], const void *data, size_t len)
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

static inline void check_double(double got, double want, const char *expr, const char *file, int line)
{
    if (memcmp(&got, &want, sizeof got) != 0)
        fail_msg("%s:%d: %s is %.17g, expected %.17g", file, line, expr, got, want);
}

static inline void assert_names(char *const *got, size_t n_got, const char *const *want, size_t n_want)
{
    size_t i;

    assert_int_equal(n_got, n_want);
    assert_non_null(got);
    for (i = 0; i < n_want; i++)
        assert_string_equal(got[i], want[i]);
}

static inline void assert_empty(const mlq_dataset *d)
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
    assert_null(d->t);
}

/* Read text from a temporary file, which must succeed. */
static inline void read_text(const char *text, const char *label_col, mlq_label_mode mode, char *const *classes,
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

static inline void read_plain(const char *text, mlq_dataset *d)
{
    read_text(text, NULL, MLQ_LABEL_REQUIRED, NULL, 0, d);
}

/* Reading data[0..len) must fail with exactly "PATH:LINE: problem"
 * ("PATH: problem" when line is 0) and leave the dataset empty. */
static inline void expect_error_full(const void *data, size_t len, const char *label_col, mlq_label_mode mode,
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

static inline void expect_error_opt(const char *text, const char *label_col, mlq_label_mode mode, char *const *classes,
                             size_t n_classes, long line, const char *problem)
{
    expect_error_full(text, strlen(text), label_col, mode, classes, n_classes, line, problem);
}

static inline void expect_error(const char *text, long line, const char *problem)
{
    expect_error_full(text, strlen(text), NULL, MLQ_LABEL_REQUIRED, NULL, 0, line, problem);
}

static inline char *read_whole(const char *path)
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

#endif /* MLQ_CSV_TEST_H */
