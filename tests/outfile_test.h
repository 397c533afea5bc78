/* SPDX-License-Identifier: MIT */
/*
 * outfile_test.h -- helpers of test_outfile.c and test_outfile_signals.c:
 * a fresh folder per test (setup, teardown), files in it, writing through
 * mlq_out_* and expecting a refusal with its exact message. Define
 * _XOPEN_SOURCE 700 before including it.
 */
#ifndef MLQ_OUTFILE_TEST_H
#define MLQ_OUTFILE_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dir_test.h"
#include "host.h"

#define PATH_BUF 600

static char dir[256];

static inline void in_dir(char path[PATH_BUF], const char *name)
{
    assert_true((size_t)snprintf(path, PATH_BUF, "%s/%s", dir, name) < PATH_BUF);
}

static inline void put_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* The whole file must be text. */
static inline void assert_file(const char *path, const char *text)
{
    char buf[256];
    FILE *f = fopen(path, "rb");
    size_t n;

    assert_non_null(f);
    n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    assert_string_equal(buf, text);
}

/* Write text to path through mlq_out_*: 0, or -1 with err set. */
static inline int write_out(const char *path, const char *text, mlq_err *err)
{
    mlq_outfile out;

    if (mlq_out_open(&out, path, err) != 0)
        return -1;
    fputs(text, out.f);
    return mlq_out_commit(&out, err);
}

/* Writing path must fail with exactly "PATH: problem" and create nothing. */
static inline void expect_refused(const char *path, const char *problem)
{
    char want[3 * PATH_BUF];
    mlq_err err;
    int before = dir_entries(dir);

    strcpy(err.msg, "no message");
    assert_int_equal(write_out(path, "new\n", &err), -1);
    snprintf(want, sizeof want, "%s: %s", path, problem);
    assert_string_equal(err.msg, want);
    assert_int_equal(dir_entries(dir), before);
}

static inline int setup(void **state)
{
    const char *tmp = getenv("TMPDIR");

    (void)state;
    snprintf(dir, sizeof dir, "%s/mlq_test_out_XXXXXX", tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
    assert_non_null(mkdtemp(dir));
    mlq_out_reset();
    return 0;
}

/* Remove the folder and what the test left in it (nothing nested). */
static inline int teardown(void **state)
{
    DIR *dp = opendir(dir);
    struct dirent *e;
    char path[PATH_BUF];

    (void)state;
    while ((e = readdir(dp)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            in_dir(path, e->d_name);
            if (unlink(path) != 0)
                rmdir(path);
        }
    closedir(dp);
    mlq_out_reset();
    return rmdir(dir);
}

#endif /* MLQ_OUTFILE_TEST_H */
