/* SPDX-License-Identifier: MIT */
/* mlq compare: the float model and the device code on the same rows, side by side. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "json.h"
#include "metrics.h"
#include "mlq/score.h"
#include "options.h"

enum { C_JSON, C_BITS, C_N };

static const cli_opt compare_opts[C_N] = {
    [C_JSON] = {"json", NULL,
                "print one JSON object instead: model, algorithm, data, rows, agreement, "
                "host_/device_ accuracy, purity or detection (and false_alarm), scores, "
                "max/median/p99_score_diff and _proba_diff, host_/device_argmax_agreement, "
                "coefficients, clipped, flash_bytes, predict_flash_bytes, work_bytes, kernel, "
                "flash_estimate, work_steps (the work of one NAME_predict on these rows) and "
                "insn_estimate (its instructions per core; AVR: cycles), and with labels "
                "classes, confusion and per_class (precision "
                "and recall); for regression target, host_/device_ mae, rmse and r2, "
                "max/median/p99_value_diff (and _of_range) and saturated_rows in place of the "
                "classification fields",
                0, NULL},
    [C_BITS] = {"bits", "8|16", "the activation width, where the model offers a choice; default the "
                "model's own", 0, NULL},
};

/* Host vs device outputs of every row: the largest |host - device| of the
 * scores (device / 2^16) and, with pdiff, of the probabilities (device /
 * 32768), one value per row; and the rows where each side's largest score
 * (the lowest index on ties) is its prediction. */
typedef struct output_diffs {
    double *sdiff, *pdiff;          /* [rows]; pdiff NULL when the model has no probabilities */
    size_t host_argmax, dev_argmax; /* rows whose argmax of scores is the prediction */
} output_diffs;

static size_t argmax_d(const double *v, size_t n)
{
    size_t j, best = 0;

    for (j = 1; j < n; j++)
        if (v[j] > v[best])
            best = j;
    return best;
}

static int diff_outputs(const mlq_model *m, const mlq_device *dev, const mlq_dataset *d,
                        const int *host, const int *devp, output_diffs *o, mlq_err *err)
{
    size_t k = m->algo->n_outputs(m), i, j;
    double *hs = mlq_calloc(k, sizeof *hs), *z = mlq_calloc(m->n_features, sizeof *z);
    int32_t *ds = mlq_calloc(k, sizeof *ds);
    uint16_t *dp = mlq_calloc(k, sizeof *dp);
    int rc = 0;

    if (hs == NULL || z == NULL || ds == NULL || dp == NULL)
        rc = mlq_err_set(err, d->path, 0, "out of memory");
    for (i = 0; rc == 0 && i < d->n_rows; i++) {
        const double *x = d->x + i * d->n_features;
        mlq_status st = mlq_device_scores(dev, x, ds);

        if (st == MLQ_OK && o->pdiff != NULL)
            st = mlq_device_proba(dev, x, dp);
        if (st != MLQ_OK) {
            rc = mlq_err_set(err, d->path, d->line[i], "device scores failed: %s",
                             mlq_status_str(st));
            break;
        }
        mlq_model_standardize(m, x, z);
        m->algo->host_scores(m, z, hs);
        o->host_argmax += argmax_d(hs, k) == (size_t)host[i];
        o->dev_argmax += mlq_score_argmax(ds, (uint16_t)k) == devp[i];
        o->sdiff[i] = 0.0;
        for (j = 0; j < k; j++) {
            /* The device's Q15.16 saturates: compare within its range. */
            double h = hs[j] < -32768.0 ? -32768.0 : hs[j] > INT32_MAX / 65536.0 ? INT32_MAX / 65536.0 : hs[j];

            if (fabs(h - ds[j] / 65536.0) > o->sdiff[i])
                o->sdiff[i] = fabs(h - ds[j] / 65536.0);
        }
        if (o->pdiff == NULL)
            continue;
        m->algo->host_proba(m, z, hs);
        o->pdiff[i] = 0.0;
        for (j = 0; j < k; j++)
            if (fabs(hs[j] - dp[j] / 32768.0) > o->pdiff[i])
                o->pdiff[i] = fabs(hs[j] - dp[j] / 32768.0);
    }
    free(hs);
    free(z);
    free(ds);
    free(dp);
    return rc;
}

/* Share of rows whose prediction is 1 among rows whose label is (or is not) 0. */
static double flag_rate(const int *y, const int *pred, size_t n, int normal)
{
    size_t i, rows = 0, hit = 0;

    for (i = 0; i < n; i++) {
        if ((y[i] == 0) == normal) {
            rows++;
            hit += pred[i] == 1;
        }
    }
    return rows > 0 ? (double)hit / (double)rows : 0.0;
}

/* What compare found. */
typedef struct comparison {
    const mlq_model *m;
    const mlq_device *dev;
    const mlq_dataset *d;
    int *host, *devp;
    size_t *host_cm, *dev_cm; /* confusion matrices [classes][n_out], with labels */
    size_t n_out;
    output_diffs od;
    double agree, h, dv; /* agreement, host and device metric */
} comparison;

static void json_stats(cJSON *doc, const char *what, double *v, size_t n)
{
    static const char *const names[] = {"max", "median", "p99"};
    double s[3];
    char key[32];
    size_t i;

    cli_diff_stats(v, n, s);
    for (i = 0; i < 3; i++) {
        snprintf(key, sizeof key, "%s_%s_diff", names[i], what);
        cli_json_round(doc, key, s[i]);
    }
}

/* Precision and recall of class c from confusion matrix cm [k][n_out]: null when undefined. */
static void json_precision_recall(cJSON *o, const char *side, const size_t *cm, size_t k,
                                  size_t n_out, size_t c)
{
    size_t t, p, predicted = 0, actual = 0;
    char key[32];

    for (t = 0; t < k; t++)
        predicted += c < n_out ? cm[t * n_out + c] : 0;
    for (p = 0; p < n_out; p++)
        actual += cm[c * n_out + p];
    snprintf(key, sizeof key, "%s_precision", side);
    cli_json_round(o, key, predicted > 0 ? (double)cm[c * n_out + c] / (double)predicted : (double)NAN);
    snprintf(key, sizeof key, "%s_recall", side);
    cli_json_round(o, key, actual > 0 ? (double)cm[c * n_out + c] / (double)actual : (double)NAN);
}

static void json_confusion(cJSON *doc, const comparison *c)
{
    const mlq_dataset *d = c->d;
    cJSON *cm = cli_json_arr(doc, "confusion"), *pc;
    size_t t, p;

    cli_json_strs(doc, "classes", d->class_names, d->n_classes);
    for (t = 0; t < d->n_classes; t++) {
        cJSON *row = cli_json_arr(cm, NULL);

        for (p = 0; p < c->n_out; p++)
            cli_json_num(row, NULL, (double)c->dev_cm[t * c->n_out + p]);
    }
    if (mlq_model_task(c->m) != MLQ_TASK_CLASSIFY)
        return;
    pc = cli_json_arr(doc, "per_class");
    for (t = 0; t < d->n_classes; t++) {
        cJSON *o = cli_json_obj(pc, NULL);
        size_t support = 0;

        for (p = 0; p < c->n_out; p++)
            support += c->dev_cm[t * c->n_out + p];
        cli_json_str(o, "class", d->class_names[t]);
        cli_json_num(o, "support", (double)support);
        json_precision_recall(o, "host", c->host_cm, d->n_classes, c->n_out, t);
        json_precision_recall(o, "device", c->dev_cm, d->n_classes, c->n_out, t);
    }
}

static const char *metric_name(mlq_task task)
{
    return task == MLQ_TASK_CLUSTER ? "purity" : task == MLQ_TASK_ANOMALY ? "detection" : "accuracy";
}

static int print_json(const comparison *c, mlq_err *err)
{
    const mlq_dataset *d = c->d;
    const mlq_device *dev = c->dev;
    mlq_task task = mlq_model_task(c->m);
    cJSON *doc = cJSON_CreateObject();
    char key[32];
    double n = (double)d->n_rows;

    cli_json_str(doc, "model", c->m->path);
    cli_json_str(doc, "algorithm", c->m->algo->name);
    cli_json_str(doc, "data", d->path);
    cli_json_num(doc, "rows", n);
    cli_json_round(doc, "agreement", c->agree);
    if (d->y != NULL) {
        snprintf(key, sizeof key, "host_%s", metric_name(task));
        cli_json_round(doc, key, c->h);
        snprintf(key, sizeof key, "device_%s", metric_name(task));
        cli_json_round(doc, key, c->dv);
    }
    if (d->y != NULL && task == MLQ_TASK_ANOMALY) {
        cli_json_round(doc, "host_false_alarm", flag_rate(d->y, c->host, d->n_rows, 1));
        cli_json_round(doc, "device_false_alarm", flag_rate(d->y, c->devp, d->n_rows, 1));
    }
    cli_json_str(doc, "scores", dev->kern.scores_are);
    json_stats(doc, "score", c->od.sdiff, d->n_rows);
    if (c->od.pdiff != NULL)
        json_stats(doc, "proba", c->od.pdiff, d->n_rows);
    cli_json_round(doc, "host_argmax_agreement", (double)c->od.host_argmax / n);
    cli_json_round(doc, "device_argmax_agreement", (double)c->od.dev_argmax / n);
    cli_device_json(doc, dev);
    cli_insn_json(doc, dev, d);
    if (d->y != NULL)
        json_confusion(doc, c);
    return cli_json_print(doc, err);
}

/* Confusion matrix of the device predictions: one row per true class, one
 * column per predicted class (or cluster). */
static void print_confusion(const comparison *c)
{
    size_t t, p;

    printf("\ndevice predictions (columns: %s) by true class (rows):\n%-14s",
           mlq_model_task(c->m) == MLQ_TASK_CLUSTER ? "cluster" : "class", "");
    for (p = 0; p < c->n_out; p++)
        printf(" %6zu", p);
    putchar('\n');
    for (t = 0; t < c->d->n_classes; t++) {
        printf("%-14.14s", c->d->class_names[t]);
        for (p = 0; p < c->n_out; p++)
            printf(" %6zu", c->dev_cm[t * c->n_out + p]);
        putchar('\n');
    }
}

static void print_text(const comparison *c, const char *model, const char *data)
{
    const mlq_dataset *d = c->d;
    const mlq_device *dev = c->dev;
    mlq_task task = mlq_model_task(c->m);
    double s[3];
    char flash[256];

    printf("model       %s (%s, %zu features, %zu %s)\n", model, c->m->algo->name, c->m->n_features,
           c->n_out, task == MLQ_TASK_CLUSTER ? "clusters" : task == MLQ_TASK_ANOMALY ? "outputs" : "classes");
    printf("data        %s (%zu rows)\n", data, d->n_rows);
    printf("agreement   %.2f%% (%zu of %zu rows: host float == device fixed point)\n",
           100.0 * c->agree, (size_t)floor(c->agree * (double)d->n_rows + 0.5), d->n_rows);
    if (d->y != NULL && task == MLQ_TASK_ANOMALY)
        printf("detection   host %.2f%%, device %.2f%% of rows with label != 0 flagged\n"
               "false alarm host %.2f%%, device %.2f%% of rows with label 0 flagged\n",
               100.0 * c->h, 100.0 * c->dv, 100.0 * flag_rate(d->y, c->host, d->n_rows, 1),
               100.0 * flag_rate(d->y, c->devp, d->n_rows, 1));
    else if (d->y != NULL)
        printf("%-11s host %.2f%%, device %.2f%%\n", metric_name(task), 100.0 * c->h, 100.0 * c->dv);
    cli_diff_stats(c->od.sdiff, d->n_rows, s);
    printf("scores      |host - device| max %.4g, median %.4g, 99th percentile %.4g\n", s[0], s[1], s[2]);
    if (c->od.pdiff != NULL) {
        cli_diff_stats(c->od.pdiff, d->n_rows, s);
        printf("proba       |host - device| max %.4g, median %.4g, 99th percentile %.4g\n", s[0], s[1], s[2]);
    }
    printf("argmax      of the scores == the prediction on %zu (host) and %zu (device) of %zu rows\n",
           c->od.host_argmax, c->od.dev_argmax, d->n_rows);
    printf("quantized   %zu coefficients, %zu saturated; %zu bytes of constants\n", dev->n_coef,
           dev->clipped, dev->flash_bytes);
    printf("flash       %s\n", cli_flash_text(dev, flash, sizeof flash));
    if (d->y != NULL && task != MLQ_TASK_ANOMALY)
        print_confusion(c);
}

/* Run both sides on every row and measure; 0, or -1 with err. */
static int compare(comparison *c, mlq_err *err)
{
    const mlq_dataset *d = c->d;
    mlq_task task = mlq_model_task(c->m);
    size_t i, n = d->n_rows;

    c->n_out = c->dev->n_outputs;
    c->host = mlq_calloc(n, sizeof *c->host);
    c->devp = mlq_calloc(n, sizeof *c->devp);
    c->od.sdiff = mlq_calloc(n, sizeof *c->od.sdiff);
    if (c->dev->kern.proba != NULL)
        c->od.pdiff = mlq_calloc(n, sizeof *c->od.pdiff);
    if (d->y != NULL) {
        c->host_cm = mlq_calloc(d->n_classes * c->n_out, sizeof *c->host_cm);
        c->dev_cm = mlq_calloc(d->n_classes * c->n_out, sizeof *c->dev_cm);
    }
    if (c->host == NULL || c->devp == NULL || c->od.sdiff == NULL ||
        (c->dev->kern.proba != NULL && c->od.pdiff == NULL) ||
        (d->y != NULL && (c->host_cm == NULL || c->dev_cm == NULL)))
        return mlq_err_set(err, d->path, 0, "out of memory");
    if (cli_predict_host(c->m, d, c->host, err) != 0)
        return -1;
    for (i = 0; i < n; i++) {
        mlq_status s = mlq_device_predict(c->dev, d->x + i * d->n_features, &c->devp[i]);

        if (s != MLQ_OK)
            return mlq_err_set(err, d->path, d->line[i], "device predict failed: %s", mlq_status_str(s));
    }
    if (diff_outputs(c->m, c->dev, d, c->host, c->devp, &c->od, err) != 0)
        return -1;
    c->agree = mlq_agreement(c->host, c->devp, n);
    if (d->y == NULL)
        return 0;
    mlq_confusion(d->y, c->host, n, d->n_classes, c->n_out, c->host_cm);
    mlq_confusion(d->y, c->devp, n, d->n_classes, c->n_out, c->dev_cm);
    if (task == MLQ_TASK_CLUSTER) {
        c->h = mlq_purity(d->y, c->host, n, d->n_classes, c->n_out);
        c->dv = mlq_purity(d->y, c->devp, n, d->n_classes, c->n_out);
    } else if (task == MLQ_TASK_ANOMALY) {
        c->h = flag_rate(d->y, c->host, n, 0);
        c->dv = flag_rate(d->y, c->devp, n, 0);
    } else {
        c->h = mlq_agreement(d->y, c->host, n);
        c->dv = mlq_agreement(d->y, c->devp, n);
    }
    return 0;
}

static int run_compare(int argc, char **argv)
{
    cli_args a;
    mlq_err err = {{0}};
    mlq_model m = {0};
    mlq_device dev = {0};
    mlq_dataset d = {0};
    comparison c;
    int rc = cli_parse(&cli_compare, NULL, argc, argv, NULL, &a, &err);

    if (rc != CLI_RUN)
        return rc == CLI_HELP ? cli_stdout_end() : cli_fail(EXIT_USAGE, &err);
    if (mlq_model_load(a.pos[0], &m, &err) != 0)
        return cli_fail(EXIT_INPUT, &err);
    memset(&c, 0, sizeof c);
    c.m = &m;
    c.dev = &dev;
    c.d = &d;
    if ((rc = cli_device_open(&m, a.val[C_BITS], "compare", &dev, &err)) == EXIT_OK) {
        rc = EXIT_INPUT;
        if (cli_read_for_model(&m, a.pos[1], &d, &err) == 0 && mlq_model_task(&m) == MLQ_TASK_REGRESS) {
            if (cli_compare_regress(&m, &dev, &d, CLI_GIVEN(&a, C_JSON), a.pos[0], &err) == 0)
                rc = cli_stdout_end();
        } else if (err.msg[0] == '\0' && compare(&c, &err) == 0) {
            if (!CLI_GIVEN(&a, C_JSON))
                print_text(&c, a.pos[0], a.pos[1]);
            if (!CLI_GIVEN(&a, C_JSON) || print_json(&c, &err) == 0)
                rc = cli_stdout_end();
        }
    }
    free(c.host);
    free(c.devp);
    free(c.host_cm);
    free(c.dev_cm);
    free(c.od.sdiff);
    free(c.od.pdiff);
    mlq_device_free(&dev);
    mlq_dataset_free(&d);
    mlq_model_free(&m);
    return rc == EXIT_OK || err.msg[0] == '\0' ? rc : cli_fail(rc, &err);
}

const cli_cmd cli_compare = {
    "compare", "MODEL.json TEST.csv", 2, 2, compare_opts, C_N,
    "Run the float model and the fixed-point device code on the same rows; report\n"
    "agreement (share of rows with the same prediction), host vs device accuracy\n"
    "(classifiers), purity (clustering) or detection and false alarm rates (anomaly\n"
    "detection; label 0 is normal) when TEST.csv has labels, the largest, median and\n"
    "99th-percentile host vs device difference of the scores and probabilities, the\n"
    "flash a firmware calling NAME_predict needs on each measured core, and the\n"
    "confusion matrix of the device predictions. For a regression model: MAE, RMSE\n"
    "and R^2 of host and device against TEST.csv's target, and |host - device| in\n"
    "target units and as a share of the target's training range.\n",
    run_compare,
};
