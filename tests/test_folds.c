/* SPDX-License-Identifier: MIT */
/* Groups files, grouped splits and cross-validation folds (trainers/folds.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "folds.h"

static char dir[] = "/tmp/mlq_test_folds_XXXXXX";
#include "tmpdir_test.h"

static void expect_groups_error(const char *text, size_t rows, const char *problem)
{
    const char *path = tmpdir_file("g.txt", text);
    char want[512];
    mlq_groups g;
    mlq_err err;

    assert_int_equal(mlq_groups_read(path, rows, "d.csv", &g, &err), -1);
    snprintf(want, sizeof want, "%s%s", path, problem);
    assert_string_equal(err.msg, want);
    assert_null(g.of);
    assert_null(g.names);
}

static void test_groups_read(void **state)
{
    mlq_groups g;
    mlq_err err;

    (void)state;
    assert_int_equal(mlq_groups_read(tmpdir_file("g.txt", "bob\nann\r\nbob\n7\n"), 4, "d.csv", &g, &err), 0);
    assert_int_equal(g.n_groups, 3);
    assert_string_equal(g.names[0], "7"); /* sorted by strcmp */
    assert_string_equal(g.names[1], "ann");
    assert_string_equal(g.names[2], "bob");
    assert_int_equal(g.of[0], 2);
    assert_int_equal(g.of[1], 1);
    assert_int_equal(g.of[2], 2);
    assert_int_equal(g.of[3], 0);
    mlq_groups_free(&g);
    mlq_groups_free(&g); /* twice is harmless */
    /* The last line may lack its end. */
    assert_int_equal(mlq_groups_read(tmpdir_file("g.txt", "a\nb"), 2, "d.csv", &g, &err), 0);
    assert_int_equal(g.n_groups, 2);
    mlq_groups_free(&g);
}

static void test_groups_errors(void **state)
{
    char longer[400];
    mlq_groups g;
    mlq_err err;

    (void)state;
    expect_groups_error("a\nb\n", 3, ": fewer group ids for the 3 rows of d.csv (one per row, in order)");
    expect_groups_error("a\nb\nc\n", 2, ": more group ids for the 2 rows of d.csv (one per row, in order)");
    expect_groups_error("a\n\nb\n", 3, ":2: empty group id (one id per data row)");
    expect_groups_error("a\nspeaker 3\n", 2, ":2: group id 'speaker 3' has a space or tab");
    memset(longer, 'x', 300);
    strcpy(longer + 300, "\n");
    expect_groups_error(longer, 1, ":1: group id longer than 256 bytes");
    assert_int_equal(mlq_groups_read("/nonexistent/g.txt", 1, "d.csv", &g, &err), -1);
    assert_string_equal(err.msg, "/nonexistent/g.txt: cannot open: No such file or directory");
}

/* 6 groups of 6 rows, each with 2 rows of each of 3 classes; group of row i is i / 6. */
static void six_groups(mlq_groups *g, int *y)
{
    static size_t of[36];
    size_t i;

    for (i = 0; i < 36; i++) {
        of[i] = i / 6;
        y[i] = (int)(i % 3);
    }
    g->n_rows = 36;
    g->n_groups = 6;
    g->of = of;
    g->names = NULL;
}

static void test_split_keeps_groups_whole(void **state)
{
    mlq_groups g;
    int y[36];
    size_t tr[36], te[36], ntr, nte, tr2[36], te2[36], ntr2, nte2, i, per_group[6] = {0};
    unsigned long seed;
    int differs = 0;

    (void)state;
    six_groups(&g, y);
    assert_int_equal(mlq_split_grouped(y, 3, &g, 36, 1.0 / 3.0, 5, tr, &ntr, te, &nte), 0);
    assert_int_equal(nte, 12); /* two whole groups */
    assert_int_equal(ntr, 24);
    for (i = 0; i < nte; i++)
        per_group[te[i] / 6]++;
    for (i = 0; i < 6; i++)
        assert_true(per_group[i] == 0 || per_group[i] == 6);
    for (i = 1; i < nte; i++)
        assert_true(te[i] > te[i - 1]); /* increasing */
    /* Deterministic for a seed; another seed moves other groups. */
    assert_int_equal(mlq_split_grouped(y, 3, &g, 36, 1.0 / 3.0, 5, tr2, &ntr2, te2, &nte2), 0);
    assert_memory_equal(te, te2, nte * sizeof te[0]);
    for (seed = 6; seed < 12; seed++) {
        assert_int_equal(mlq_split_grouped(y, 3, &g, 36, 1.0 / 3.0, seed, tr2, &ntr2, te2, &nte2), 0);
        assert_int_equal(nte2, 12);
        differs |= memcmp(te, te2, nte * sizeof te[0]) != 0;
    }
    assert_true(differs);
}

static void test_split_without_groups_is_stratified(void **state)
{
    int y[30];
    size_t tr[30], te[30], ntr, nte, i, per_class[3] = {0};

    (void)state;
    for (i = 0; i < 30; i++)
        y[i] = i < 15 ? 0 : i < 24 ? 1 : 2; /* 15, 9, 6 rows */
    assert_int_equal(mlq_split_grouped(y, 3, NULL, 30, 1.0 / 3.0, 1, tr, &ntr, te, &nte), 0);
    for (i = 0; i < nte; i++)
        per_class[y[te[i]]]++;
    assert_int_equal(per_class[0], 5);
    assert_int_equal(per_class[1], 3);
    assert_int_equal(per_class[2], 2);
    assert_int_equal(ntr + nte, 30);
}

static void test_folds(void **state)
{
    mlq_groups g;
    int y[36];
    size_t fold[36], i, f, rows[4] = {0}, cls[4][3] = {{0}};

    (void)state;
    six_groups(&g, y);
    assert_int_equal(mlq_folds(y, 3, &g, 36, 3, 2, fold), 0);
    for (i = 0; i < 36; i++) {
        assert_true(fold[i] < 3);
        assert_int_equal(fold[i], fold[i / 6 * 6]); /* a group in one fold */
        rows[fold[i]]++;
    }
    for (f = 0; f < 3; f++)
        assert_int_equal(rows[f], 12);
    /* Ungrouped: stratified, each fold 1/4 of each class. */
    for (i = 0; i < 36; i++)
        y[i] = i < 24 ? 0 : 1; /* 24 and 12 rows */
    memset(rows, 0, sizeof rows);
    assert_int_equal(mlq_folds(y, 2, NULL, 36, 4, 3, fold), 0);
    for (i = 0; i < 36; i++)
        cls[fold[i]][y[i]]++;
    for (f = 0; f < 4; f++) {
        assert_int_equal(cls[f][0], 6);
        assert_int_equal(cls[f][1], 3);
    }
    /* Without classes (regression): equal fold sizes, within one row. */
    memset(rows, 0, sizeof rows);
    assert_int_equal(mlq_folds(NULL, 0, NULL, 35, 4, 3, fold), 0);
    for (i = 0; i < 35; i++)
        rows[fold[i]]++;
    for (f = 0; f < 4; f++)
        assert_true(rows[f] == 8 || rows[f] == 9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_groups_read),
        cmocka_unit_test(test_groups_errors),
        cmocka_unit_test(test_split_keeps_groups_whole),
        cmocka_unit_test(test_split_without_groups_is_stratified),
        cmocka_unit_test(test_folds),
    };

    return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}
