/* SPDX-License-Identifier: MIT */
/* mlq train ALGO: CSV in, model file out. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "json.h"
#include "metrics.h"
#include "options.h"

enum { T_DATA, T_OUT, T_LABEL, T_SEED, T_JSON, T_QUIET, T_N };

static const cli_opt train_opts[T_N] = {
    [T_DATA] = {"data", "TRAIN.csv", "the training rows: a CSV file with a header row", 1, NULL},
    [T_OUT] = {"out", "MODEL.json", "the model file to write", 1, NULL},
    [T_LABEL] = {"label", "COL",
                 "the label column; default 'label', else (classifiers only) the last column", 0,
                 NULL},
    [T_SEED] = {"seed", "N", "random seed, a whole number from 0 to 4294967295; default 1", 0, NULL},
    [T_JSON] = {"json", NULL,
                "print what was trained on stdout as one JSON object: model, algorithm, data, rows, "
                "features, classes, seed, hyperparameters, training report, constant features",
                0, NULL},
    [T_QUIET] = {"quiet", NULL, "no progress, notes or 'wrote' line on stderr", 0, NULL},
};

/* Number of distinct output ids a prediction vector can hold: max + 1. */
static size_t n_outputs(const int *pred, size_t n)
{
    size_t i, k = 0;

    for (i = 0; i < n; i++)
        if (pred[i] >= 0 && (size_t)pred[i] + 1 > k)
            k = (size_t)pred[i] + 1;
    return k;
}

/* A regression model's report on its training rows: host R^2 and MAE. */
static int add_host_fit(mlq_model *m, const mlq_dataset *d, mlq_err *err)
{
    double *pred = mlq_calloc(d->n_rows, sizeof *pred);
    mlq_reg_metrics r;

    if (pred == NULL)
        return mlq_err_set(err, d->path, 0, "out of memory");
    if (cli_regress_host(m, d, pred, err) != 0) {
        free(pred);
        return -1;
    }
    r = mlq_regression_metrics(d->t, pred, d->n_rows);
    cJSON_AddNumberToObject(m->training, "host_r2", r.r2);
    cJSON_AddNumberToObject(m->training, "host_mae", r.mae);
    free(pred);
    return 0;
}

/* The training report's host metric on the training rows (purity or accuracy). */
static int add_host_metric(mlq_model *m, const mlq_dataset *d, mlq_err *err)
{
    int *pred;
    mlq_task task = mlq_model_task(m);
    int rc = 0;

    if (task == MLQ_TASK_REGRESS)
        return add_host_fit(m, d, err);
    if (d->y == NULL)
        return 0;
    if ((pred = mlq_calloc(d->n_rows, sizeof *pred)) == NULL)
        return mlq_err_set(err, d->path, 0, "out of memory");
    if (cli_predict_host(m, d, pred, err) != 0)
        rc = -1;
    else if (task == MLQ_TASK_CLUSTER)
        cJSON_AddNumberToObject(m->training, "host_purity",
                                mlq_purity(d->y, pred, d->n_rows, d->n_classes, n_outputs(pred, d->n_rows)));
    else if (task == MLQ_TASK_CLASSIFY)
        cJSON_AddNumberToObject(m->training, "host_accuracy", mlq_agreement(d->y, pred, d->n_rows));
    free(pred);
    return rc;
}

/* "mlq: note: DATA: 2 constant features (a, b) standardize to 0 and take no part". */
static void note_constant(const mlq_model *m, const char *data, const unsigned char *is_const)
{
    size_t j, constant = 0;

    for (j = 0; j < m->n_features; j++)
        constant += is_const[j];
    if (constant == 0)
        return;
    fprintf(stderr, "mlq: note: %s: %zu constant feature%s (", data, constant, constant > 1 ? "s" : "");
    for (j = 0; j < m->n_features; j++)
        if (is_const[j])
            fprintf(stderr, "%s%s", m->feature_names[j], --constant > 0 ? ", " : "");
    fputs(") standardize to 0 and take no part\n", stderr);
}

static const char *outputs_are(mlq_task task)
{
    return task == MLQ_TASK_CLUSTER   ? "clusters"
           : task == MLQ_TASK_ANOMALY ? "outputs (anomaly detection)"
           : task == MLQ_TASK_REGRESS ? "output (regression)"
                                      : "classes";
}

static int print_json(const mlq_model *m, const char *out, const unsigned char *is_const, mlq_err *err)
{
    cJSON *doc = cJSON_CreateObject(), *c;
    size_t j;

    cli_json_str(doc, "model", out);
    cli_json_str(doc, "algorithm", m->algo->name);
    cli_json_str(doc, "data", m->source);
    cli_json_num(doc, "rows", (double)m->train_rows);
    cli_json_num(doc, "features", (double)m->n_features);
    cli_json_strs(doc, "feature_names", m->feature_names, m->n_features);
    cli_json_str(doc, "label", m->label_name);
    cli_json_strs(doc, "classes", m->class_names, m->n_classes);
    cli_json_num(doc, "outputs", (double)m->algo->n_outputs(m));
    cli_json_num(doc, "seed", (double)m->seed);
    cli_json_add(doc, "hyperparameters", cJSON_Duplicate(m->hyper, 1));
    cli_json_add(doc, "training", cJSON_Duplicate(m->training, 1));
    cli_json_num(doc, "input_range", m->input_range);
    if (mlq_model_task(m) == MLQ_TASK_REGRESS) {
        c = cli_json_obj(doc, "target");
        cli_json_num(c, "mean", m->target_mean);
        cli_json_num(c, "scale", m->target_scale);
        cli_json_num(c, "min", m->target_min);
        cli_json_num(c, "max", m->target_max);
    }
    c = cli_json_arr(doc, "constant_features");
    for (j = 0; j < m->n_features; j++)
        if (is_const[j])
            cli_json_str(c, NULL, m->feature_names[j]);
    return cli_json_print(doc, err);
}

/* Read, train, report, save; takes hyper. An exit code. */
static int train(const mlq_algo *algo, const cli_args *a, cJSON *hyper, unsigned long seed)
{
    const char *data = a->val[T_DATA], *out = a->val[T_OUT];
    int quiet = CLI_GIVEN(a, T_QUIET), rc = EXIT_INPUT;
    mlq_dataset d = {0};
    mlq_model m = {0};
    mlq_err err = {{0}};
    unsigned char *is_const = NULL;

    mlq_task task = algo->task(hyper);

    if (mlq_csv_read(data, a->val[T_LABEL],
                     task == MLQ_TASK_CLASSIFY   ? MLQ_LABEL_REQUIRED
                     : task == MLQ_TASK_REGRESS ? MLQ_TARGET_REQUIRED
                                                : MLQ_LABEL_OPTIONAL,
                     NULL, 0, &d, &err) != 0) {
        cJSON_Delete(hyper);
        return cli_fail(EXIT_INPUT, &err);
    }
    is_const = mlq_calloc(d.n_features, 1);
    if (is_const == NULL) {
        cJSON_Delete(hyper);
        mlq_err_set(&err, data, 0, "out of memory (%zu rows x %zu features)", d.n_rows, d.n_features);
    } else if (mlq_model_train(&m, algo, &d, hyper, seed, !quiet && isatty(STDERR_FILENO), is_const,
                               &err) == 0 &&
               mlq_device_after_train(&m, &d, &err) == 0 &&
               add_host_metric(&m, &d, &err) == 0) {
        if (!quiet)
            note_constant(&m, data, is_const);
        if (mlq_model_save(out, &m, &err) == 0) {
            rc = EXIT_OK;
            cli_wrote(quiet, out, "%s, %zu features, %zu %s, %zu training rows", algo->name,
                      m.n_features, algo->n_outputs(&m), outputs_are(mlq_model_task(&m)), m.train_rows);
            if (CLI_GIVEN(a, T_JSON) && print_json(&m, out, is_const, &err) != 0)
                rc = EXIT_INPUT;
            else if (CLI_GIVEN(a, T_JSON))
                rc = cli_stdout_end();
        }
    }
    free(is_const);
    mlq_dataset_free(&d);
    mlq_model_free(&m);
    return rc == EXIT_OK || err.msg[0] == '\0' ? rc : cli_fail(rc, &err);
}

static int run_train(int argc, char **argv)
{
    const mlq_algo *algo = NULL;
    mlq_err err = {{0}};
    unsigned long seed = 1;
    cli_args a;
    cJSON *hyper;
    int rc;

    if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        cli_help_command(stdout, &cli_train, NULL);
        return cli_stdout_end();
    }
    if (argc < 2 || argv[1][0] == '-')
        mlq_err_set(&err, NULL, 0, "train: which algorithm? (see 'mlq help train')");
    else if ((algo = mlq_algo_find(argv[1])) == NULL)
        mlq_err_set(&err, NULL, 0, "train: unknown algorithm '%s' (see 'mlq help train')", argv[1]);
    else if (algo->train == NULL)
        mlq_err_set(&err, NULL, 0, "train: algorithm '%s' is not available in this version of mlq",
                    argv[1]);
    if (err.msg[0] != '\0')
        return cli_fail(EXIT_USAGE, &err);
    if ((hyper = cJSON_CreateObject()) == NULL) {
        mlq_err_set(&err, NULL, 0, "out of memory");
        return cli_fail(EXIT_INPUT, &err);
    }
    rc = cli_parse(&cli_train, algo, argc - 1, argv + 1, hyper, &a, &err);
    if (rc == CLI_RUN && CLI_GIVEN(&a, T_SEED))
        rc = cli_seed(a.val[T_SEED], &seed, &err);
    if (rc != CLI_RUN) {
        cJSON_Delete(hyper);
        return rc == CLI_HELP ? cli_stdout_end() : cli_fail(EXIT_USAGE, &err);
    }
    if (cli_files(a.val[T_DATA], a.val[T_OUT], NULL, &err) != 0) {
        cJSON_Delete(hyper);
        return cli_fail(EXIT_INPUT, &err);
    }
    return train(algo, &a, hyper, seed);
}

const cli_cmd cli_train = {
    "train", "ALGO", 0, 0, train_opts, T_N,
    "Train ALGO on TRAIN.csv and write the model file. Features are standardized\n"
    "on the training rows (mean, population sd; a constant feature gets scale 1 and\n"
    "takes no part, and a note says which). Clustering uses labels only to report\n"
    "purity. Training is deterministic for a seed. Progress goes to stderr when it\n"
    "is a terminal.\n",
    run_train,
};
