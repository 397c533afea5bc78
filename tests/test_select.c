/* SPDX-License-Identifier: MIT */
/*
 * The rows of a cross-validation fold (trainers/subset.c), and mlq select's
 * ranking, Pareto fronts and nearest miss (cli/select_rank.c, compiled in
 * here: the CLI is not a library).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "subset.h"

#include "../cli/select_rank.c"

static char dir[] = "/tmp/mlq_test_select_XXXXXX";
#include "tmpdir_test.h"

/* Read text as a CSV (mode: labels or a target); the dataset. */
static void read_csv(const char *text, mlq_label_mode mode, mlq_dataset *d)
{
    mlq_err err;

    assert_int_equal(mlq_csv_read(tmpdir_file("d.csv", text), NULL, mode, NULL, 0, d, &err), 0);
}

static void test_subset_classes(void **state)
{
    const size_t idx[3] = {3, 0, 3};
    mlq_dataset d, s;
    mlq_err err;

    (void)state;
    read_csv("a,b,label\n1,2,x\n3,4,y\n5,6,z\n7,8,x\n", MLQ_LABEL_REQUIRED, &d);
    assert_int_equal(mlq_dataset_subset(&d, idx, 3, &s, &err), 0);
    assert_int_equal(s.n_rows, 3);
    assert_int_equal(s.n_features, 2);
    assert_true(s.x[0] == 7.0 && s.x[1] == 8.0 && s.x[2] == 1.0 && s.x[3] == 2.0 && s.x[4] == 7.0);
    assert_int_equal(s.y[0], 0); /* x, x, x: y and z are in no row, yet still classes 1 and 2 */
    assert_int_equal(s.y[1], 0);
    assert_int_equal(s.n_classes, 3);
    assert_string_equal(s.class_names[2], "z");
    assert_int_equal(s.line[0], 5); /* the rows' lines in the file */
    assert_int_equal(s.line[1], 2);
    assert_string_equal(s.feature_names[1], "b");
    assert_string_equal(s.label_name, "label");
    assert_string_equal(s.path, d.path);
    assert_null(s.t);
    assert_ptr_not_equal(s.class_names, d.class_names); /* copies: freed apart */
    mlq_dataset_free(&s);
    /* Too many rows to hold: out of memory, nothing to free. */
    assert_int_equal(mlq_dataset_subset(&d, idx, SIZE_MAX / 2, &s, &err), -1);
    assert_true(strstr(err.msg, ": out of memory (") != NULL);
    assert_null(s.x);
    assert_null(s.feature_names);
    mlq_dataset_free(&d);
}

static void test_subset_target(void **state)
{
    const size_t idx[2] = {2, 1};
    mlq_dataset d, s;
    mlq_err err;

    (void)state;
    read_csv("a,target\n1,0.5\n2,1.5\n3,2.5\n", MLQ_TARGET_REQUIRED, &d);
    assert_int_equal(mlq_dataset_subset(&d, idx, 2, &s, &err), 0);
    assert_null(s.y);
    assert_int_equal(s.n_classes, 0);
    assert_true(s.t[0] == 2.5 && s.t[1] == 1.5);
    assert_true(s.x[0] == 3.0 && s.x[1] == 2.0);
    assert_string_equal(s.label_name, "target");
    mlq_dataset_free(&s);
    mlq_dataset_free(&d);
}

static void test_rows_where(void **state)
{
    const size_t part[7] = {0, 2, 1, 2, 2, 0, 1};
    size_t idx[7];

    (void)state;
    assert_int_equal(mlq_rows_where(part, 7, 2, 1, idx), 3);
    assert_true(idx[0] == 1 && idx[1] == 3 && idx[2] == 4);
    assert_int_equal(mlq_rows_where(part, 7, 2, 0, idx), 4);
    assert_true(idx[0] == 0 && idx[1] == 2 && idx[2] == 5 && idx[3] == 6);
    assert_int_equal(mlq_rows_where(part, 7, 3, 1, idx), 0);
}

/* ---- ranking ------------------------------------------------------------------- */

static const mlq_board board = {"b", "test board", "X", "m4", 1000, 100, 0, 0, 0};

/* A candidate that was tried: device accuracy, flash, instructions, whether it fits. */
static sel_cand cand(double device, double flash, double insns, int fits)
{
    sel_cand c;

    memset(&c, 0, sizeof c);
    c.algo = "tree";
    c.tried = 1;
    c.mean.device = device;
    c.cost.flash = flash;
    c.cost.sram = 50;
    c.cost.insns = insns;
    c.cost.fits = fits;
    return c;
}

static void test_rank(void **state)
{
    sel_cand c[8];
    size_t order[8], want[8] = {2, 6, 1, 0, 5, 3, 4, 7};

    (void)state;
    c[0] = cand(0.80, 500, 100, 1);
    c[1] = cand(0.90, 700, 100, 1);
    c[2] = cand(0.90, 600, 100, 1);  /* as accurate as 1, smaller: first */
    c[3] = cand(0.95, 2000, 100, 0); /* more accurate, does not fit: after every one that does */
    c[4] = cand(0.99, 500, 100, 1);
    snprintf(c[4].error, sizeof c[4].error, "singular"); /* failed: after those that do not fit */
    c[5] = cand(0.70, 300, 100, 1);
    c[6] = cand(0.90, 600, 100, 1);  /* the same as 2: the grid's order */
    c[7] = cand(0.99, 100, 100, 1);
    c[7].tried = 0;                  /* not tried: last */
    assert_int_equal(sel_rank(c, 8, order), 5);
    assert_memory_equal(order, want, sizeof want);
    assert_true(sel_fits(&c[0]) && !sel_fits(&c[3]) && !sel_fits(&c[4]) && !sel_fits(&c[7]));
    /* Nothing fits: ranked all the same, and none counted. */
    c[0].cost.fits = c[1].cost.fits = c[2].cost.fits = c[5].cost.fits = c[6].cost.fits = 0;
    assert_int_equal(sel_rank(c, 8, order), 0);
    assert_int_equal(order[0], 3);
}

static void test_pareto(void **state)
{
    sel_cand c[7];
    size_t front[7];

    (void)state;
    c[0] = cand(0.80, 500, 900, 1);
    c[1] = cand(0.90, 700, 300, 1);
    c[2] = cand(0.85, 800, 200, 1);  /* beaten on flash by 1, not on instructions */
    c[3] = cand(0.95, 5000, 100, 0); /* does not fit: never on a front */
    c[4] = cand(0.90, 700, 300, 1);  /* the same as 1: the first of them only */
    c[5] = cand(0.70, 400, (double)NAN, 1);  /* no instruction estimate: only on the flash front */
    c[6] = cand(0.80, 600, 900, 1);  /* as accurate as 0, larger */
    assert_int_equal(sel_pareto(c, 7, 0, front), 3);
    assert_true(front[0] == 5 && front[1] == 0 && front[2] == 1);
    assert_int_equal(sel_pareto(c, 7, 1, front), 2);
    assert_true(front[0] == 2 && front[1] == 1);
    assert_int_equal(sel_pareto(c, 0, 0, front), 0);
}

static void test_closest(void **state)
{
    cv_setup s;
    sel_cand c[4];

    (void)state;
    memset(&s, 0, sizeof s);
    s.board = &board;
    s.flash_budget = 800; /* below the board's 1000 */
    assert_int_equal(sel_flash_budget(&s), 800);
    assert_int_equal(sel_sram_budget(&s), 100);
    c[0] = cand(0.9, 1600, 100, 0); /* twice the flash */
    c[1] = cand(0.5, 1000, 100, 0); /* 1.25 times */
    c[2] = cand(0.6, 900, 100, 0);
    c[2].cost.sram = 150;           /* 1.5 times the SRAM */
    c[3] = cand(0.99, 100, 100, 0);
    snprintf(c[3].error, sizeof c[3].error, "failed");
    assert_int_equal(sel_closest(c, 4, &s), 1);
    c[0].cost.flash = 1000; /* as near as 1, more accurate */
    assert_int_equal(sel_closest(c, 4, &s), 0);
    s.insns_budget = 50; /* 1 and 2 need twice the instructions now: tied, the more accurate */
    c[0].cost.insns = (double)NAN; /* no estimate: as far as can be */
    assert_int_equal(sel_closest(c, 4, &s), 2);
    assert_int_equal(sel_closest(c + 3, 1, &s), 1); /* none but a failed one: n */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_subset_classes), cmocka_unit_test(test_subset_target),
        cmocka_unit_test(test_rows_where),     cmocka_unit_test(test_rank),
        cmocka_unit_test(test_pareto),         cmocka_unit_test(test_closest),
    };

    return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}
