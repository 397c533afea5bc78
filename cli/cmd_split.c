/* SPDX-License-Identifier: MIT */
/* mlq split: one CSV file into a training and a test part, stratified by class. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "folds.h"
#include "json.h"
#include "metrics.h"
#include "options.h"

enum { S_TRAIN, S_TEST, S_SIZE, S_SEED, S_LABEL, S_GROUPS, S_JSON, S_QUIET, S_N };

static const cli_opt split_opts[S_N] = {
    [S_TRAIN] = {"train", "TRAIN.csv", "the training part to write", 1, NULL},
    [S_TEST] = {"test", "TEST.csv", "the test part to write", 1, NULL},
    [S_SIZE] = {"test-size", "X",
                "the share of each class's rows that goes to the test part, a number between 0 "
                "and 1 (both excluded); default 0.3",
                0, NULL},
    [S_SEED] = {"seed", "N", "random seed, a whole number from 0 to 4294967295; default 1", 0, NULL},
    [S_LABEL] = {"label", "COL",
                 "the label column to stratify by; default 'label' when the header has one, else "
                 "the rows are one group",
                 0, NULL},
    [S_GROUPS] = {"groups", "FILE",
                  "keep rows of one group together: FILE has one group id per data row (a speaker, "
                  "a session), and every group goes whole to one side; classes are stratified as "
                  "far as whole groups allow",
                  0, NULL},
    [S_JSON] = {"json", NULL,
                "print what was written as one JSON object: data, rows, seed, test_size, label, "
                "train and test (path, rows, and with --groups the group ids), and per class "
                "its name, train and test rows",
                0, NULL},
    [S_QUIET] = {"quiet", NULL, "no 'wrote' lines on stderr", 0, NULL},
};

/* The ids of the groups of rows idx[n] into a JSON array, each once, in id order. */
static void json_groups(cJSON *part, const mlq_groups *g, const size_t *idx, size_t n)
{
    unsigned char *seen = mlq_calloc(g->n_groups, 1);
    cJSON *ids = cli_json_arr(part, "groups");
    size_t i;

    for (i = 0; seen != NULL && i < n; i++)
        seen[g->of[idx[i]]] = 1;
    for (i = 0; seen != NULL && i < g->n_groups; i++)
        if (seen[i])
            cli_json_str(ids, NULL, g->names[i]);
    free(seen);
}

static int print_json(const mlq_dataset *d, const mlq_groups *g, const cli_args *a, unsigned long seed,
                      double frac, const size_t *tr, size_t n_train, const size_t *te, size_t n_test,
                      mlq_err *err)
{
    cJSON *doc = cJSON_CreateObject(), *part, *classes;
    size_t c, i;

    cli_json_str(doc, "data", d->path);
    cli_json_num(doc, "rows", (double)d->n_rows);
    cli_json_num(doc, "seed", (double)seed);
    cli_json_num(doc, "test_size", frac);
    cli_json_str(doc, "label", d->label_name);
    part = cli_json_obj(doc, "train");
    cli_json_str(part, "path", a->val[S_TRAIN]);
    cli_json_num(part, "rows", (double)n_train);
    if (g->of != NULL)
        json_groups(part, g, tr, n_train);
    part = cli_json_obj(doc, "test");
    cli_json_str(part, "path", a->val[S_TEST]);
    cli_json_num(part, "rows", (double)n_test);
    if (g->of != NULL)
        json_groups(part, g, te, n_test);
    classes = cli_json_arr(doc, "classes");
    for (c = 0; d->y != NULL && c < d->n_classes; c++) {
        cJSON *o = cli_json_obj(classes, NULL);
        size_t in_train = 0, in_test = 0;

        for (i = 0; i < n_train; i++)
            in_train += d->y[tr[i]] == (int)c;
        for (i = 0; i < n_test; i++)
            in_test += d->y[te[i]] == (int)c;
        cli_json_str(o, "class", d->class_names[c]);
        cli_json_num(o, "train", (double)in_train);
        cli_json_num(o, "test", (double)in_test);
    }
    return cli_json_print(doc, err);
}

static int split(const cli_args *a, unsigned long seed, double frac)
{
    const char *data = a->pos[0], *train = a->val[S_TRAIN], *test = a->val[S_TEST];
    size_t n_train, n_test, *tr = NULL, *te = NULL;
    const char *groups = a->val[S_GROUPS];
    mlq_err err = {{0}};
    mlq_dataset d = {0};
    mlq_groups g = {0, 0, NULL, NULL};
    int rc = EXIT_INPUT;

    if (mlq_csv_read(data, a->val[S_LABEL], MLQ_LABEL_OPTIONAL, NULL, 0, &d, &err) != 0)
        return cli_fail(EXIT_INPUT, &err);
    tr = mlq_calloc(d.n_rows, sizeof *tr);
    te = mlq_calloc(d.n_rows, sizeof *te);
    if (groups != NULL && mlq_groups_read(groups, d.n_rows, data, &g, &err) != 0) {
        /* err says why */
    } else if (groups != NULL && g.n_groups < 2) {
        mlq_err_set(&err, groups, 0, "one group: a grouped split needs at least 2");
    } else if (tr == NULL || te == NULL ||
               (groups != NULL
                    ? mlq_split_grouped(d.y, d.n_classes, &g, d.n_rows, frac, seed, tr, &n_train, te, &n_test)
                    : mlq_split_stratified(d.y, d.n_rows, d.n_classes, frac, seed, tr, &n_train, te,
                                           &n_test)) != 0) {
        mlq_err_set(&err, data, 0, "out of memory");
    } else if (n_train == 0 || n_test == 0) {
        mlq_err_set(&err, groups != NULL ? groups : data, 0, "%zu %s cannot be split into two non-empty parts",
                    groups != NULL ? g.n_groups : d.n_rows, groups != NULL ? "groups" : "rows");
    } else if (mlq_csv_write(train, &d, tr, n_train, &err) == 0) {
        if (mlq_csv_write(test, &d, te, n_test, &err) == 0)
            rc = EXIT_OK;
        else
            remove(train); /* both files or neither */
    }
    if (rc == EXIT_OK) {
        cli_wrote(CLI_GIVEN(a, S_QUIET), train, "%zu training rows of %s", n_train, data);
        cli_wrote(CLI_GIVEN(a, S_QUIET), test, "%zu test rows of %s", n_test, data);
        if (CLI_GIVEN(a, S_JSON))
            rc = print_json(&d, &g, a, seed, frac, tr, n_train, te, n_test, &err) == 0 ? cli_stdout_end()
                                                                                        : EXIT_INPUT;
    }
    mlq_groups_free(&g);
    free(tr);
    free(te);
    mlq_dataset_free(&d);
    return rc == EXIT_OK || err.msg[0] == '\0' ? rc : cli_fail(rc, &err);
}

static int run_split(int argc, char **argv)
{
    cli_args a;
    mlq_err err = {{0}};
    unsigned long seed = 1;
    double frac = 0.3;
    int rc = cli_parse(&cli_split, NULL, argc, argv, NULL, &a, &err);

    if (rc == CLI_HELP)
        return cli_stdout_end();
    if (rc == CLI_RUN && CLI_GIVEN(&a, S_SEED))
        rc = cli_seed(a.val[S_SEED], &seed, &err);
    if (rc == CLI_RUN && CLI_GIVEN(&a, S_SIZE) &&
        (cli_number(a.val[S_SIZE], &frac) != 0 || !(frac > 0.0 && frac < 1.0)))
        rc = mlq_err_set(&err, NULL, 0, "split: --test-size: '%s' is not a number between 0 and 1",
                         a.val[S_SIZE]);
    if (rc != CLI_RUN)
        return cli_fail(EXIT_USAGE, &err);
    if ((CLI_GIVEN(&a, S_GROUPS) && mlq_out_protect(a.val[S_GROUPS], &err) != 0) ||
        cli_files(a.pos[0], a.val[S_TRAIN], a.val[S_TEST], &err) != 0)
        return cli_fail(EXIT_INPUT, &err);
    return split(&a, seed, frac);
}

const cli_cmd cli_split = {
    "split", "DATA.csv", 1, 1, split_opts, S_N,
    "Split DATA.csv into a training and a test file, stratified by class when the\n"
    "file has labels (each class gives round(test-size x its rows) to the test\n"
    "part); deterministic for a seed. Rows keep their order. With --groups, whole\n"
    "groups go to one side: shuffled with the seed, then largest first, each to\n"
    "the side whose class counts it brings nearest their share.\n",
    run_split,
};
