/* SPDX-License-Identifier: MIT */
/* mlq predict: one line (or JSON row) per input row, from the float model or the device code. */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "common.h"
#include "json.h"
#include "options.h"

enum { P_DEVICE, P_BITS, P_IDS, P_FIXED, P_SCORES, P_PROBA, P_JSON, P_N };

static const cli_opt predict_opts[P_N] = {
    [P_DEVICE] = {"device", NULL,
                  "run the fixed-point device code (the firmware's quantizer and kernels) "
                  "instead of the float model, and print the integers the firmware gets: scores "
                  "in Q15.16 (value x 65536), probabilities in Q15 (x 32768)",
                  0, NULL},
    [P_BITS] = {"bits", "8|16",
                "with --device: the activation width, where the model offers a choice; default "
                "the model's own",
                0, NULL},
    [P_IDS] = {"ids", NULL, "print class ids instead of class names", 0, NULL},
    [P_FIXED] = {"fixed", NULL,
                 "regression with --device: print the integer NAME_predict writes (the target x "
                 "2^NAME_Y_FRAC) instead of the value",
                 0, NULL},
    [P_SCORES] = {"scores", NULL, "add the model's scores, one per output (the header's NAME_scores)",
                  0, NULL},
    [P_PROBA] = {"proba", NULL, "add its probabilities, where it defines them (NAME_proba)", 0, NULL},
    [P_JSON] = {"json", NULL,
                "print one JSON object instead: model, data, device, and rows, each with its "
                "line in DATA.csv, id, class (classifiers) or value (regression; with --device "
                "also fixed, the integer) and the scores and proba asked for",
                0, NULL},
};

/* One row's prediction and, as asked, its scores and probabilities (host
 * floats in hv/hp, or the device's integers in sv/pv). 0, or -1 with err. */
typedef struct row_buf {
    double *z, *hv, *hp;
    int32_t *sv;
    uint16_t *pv;
    int pred;
    double value;  /* regression: the predicted target */
    int32_t fixed; /* regression on the device: NAME_predict's integer */
} row_buf;

static int row_outputs(const mlq_model *m, const mlq_device *dev, const mlq_dataset *d, size_t i,
                       int scores, int proba, row_buf *r, mlq_err *err)
{
    const double *x = d->x + i * d->n_features;
    mlq_status st = MLQ_OK;
    const char *what = "predict";

    mlq_model_standardize(m, x, r->z);
    if (mlq_model_task(m) == MLQ_TASK_REGRESS) {
        double s;

        m->algo->host_scores(m, r->z, &s);
        r->value = mlq_target_of_z(m, s);
    }
    if (dev == NULL) {
        r->pred = m->algo->predict(m, r->z);
        if (scores)
            m->algo->host_scores(m, r->z, r->hv);
        if (proba)
            m->algo->host_proba(m, r->z, r->hp);
        return 0;
    }
    if (mlq_model_task(m) == MLQ_TASK_REGRESS) {
        r->pred = 0;
        st = mlq_device_value(dev, x, &r->fixed);
        r->value = mlq_device_target(dev, r->fixed);
    } else {
        st = mlq_device_predict(dev, x, &r->pred);
    }
    if (st == MLQ_OK && scores) {
        what = "scores";
        st = mlq_device_scores(dev, x, r->sv);
    }
    if (st == MLQ_OK && proba) {
        what = "proba";
        st = mlq_device_proba(dev, x, r->pv);
    }
    return st == MLQ_OK ? 0 : mlq_err_set(err, d->path, d->line[i], "device %s failed: %s", what,
                                          mlq_status_str(st));
}

static void print_row(const mlq_model *m, int device, int ids, int fixed, int scores, int proba,
                      const row_buf *r)
{
    size_t k = m->algo->n_outputs(m), j;

    if (mlq_model_task(m) == MLQ_TASK_REGRESS && fixed)
        printf("%ld", (long)r->fixed);
    else if (mlq_model_task(m) == MLQ_TASK_REGRESS)
        printf("%.9g", r->value);
    else if (mlq_model_task(m) == MLQ_TASK_CLASSIFY && !ids)
        fputs(m->class_names[r->pred], stdout);
    else
        printf("%d", r->pred); /* class or cluster id, or 1 = anomaly / 0 = normal */
    for (j = 0; scores && j < k; j++) {
        if (device)
            printf(" %ld", (long)r->sv[j]);
        else
            printf(" %.6g", r->hv[j]);
    }
    for (j = 0; proba && j < k; j++) {
        if (device)
            printf(" %u", (unsigned)r->pv[j]);
        else
            printf(" %.6f", r->hp[j]);
    }
    putchar('\n');
}

static void json_row(cJSON *rows, const mlq_model *m, int device, int scores, int proba, long line,
                     const row_buf *r)
{
    size_t k = m->algo->n_outputs(m), j;
    cJSON *o = cli_json_obj(rows, NULL), *s = NULL, *p = NULL;

    cli_json_num(o, "line", (double)line);
    if (mlq_model_task(m) == MLQ_TASK_REGRESS) {
        cli_json_num(o, "value", r->value);
        if (device)
            cli_json_num(o, "fixed", (double)r->fixed);
    } else {
        cli_json_num(o, "id", r->pred);
    }
    if (mlq_model_task(m) == MLQ_TASK_CLASSIFY)
        cli_json_str(o, "class", m->class_names[r->pred]);
    if (scores)
        s = cli_json_arr(o, "scores");
    if (proba)
        p = cli_json_arr(o, "proba");
    for (j = 0; j < k; j++) {
        if (scores)
            cli_json_num(s, NULL, device ? (double)r->sv[j] : r->hv[j]);
        if (proba)
            cli_json_num(p, NULL, device ? (double)r->pv[j] : r->hp[j]);
    }
}

/* Does model m define probabilities? */
static int has_proba(const mlq_model *m)
{
    double *z = mlq_calloc(m->n_features, sizeof *z), *p = mlq_calloc(m->algo->n_outputs(m), sizeof *p);
    int ok = z != NULL && p != NULL && m->algo->host_proba != NULL && m->algo->host_proba(m, z, p) == 0;

    free(z);
    free(p);
    return ok;
}

static int predict_rows(const mlq_model *m, const mlq_device *dev, const mlq_dataset *d,
                        const cli_args *a, mlq_err *err)
{
    size_t k = m->algo->n_outputs(m), i;
    int scores = CLI_GIVEN(a, P_SCORES), proba = CLI_GIVEN(a, P_PROBA), rc = 0;
    row_buf r = {mlq_calloc(m->n_features, sizeof(double)), mlq_calloc(k, sizeof(double)),
                 mlq_calloc(k, sizeof(double)), mlq_calloc(k, sizeof(int32_t)),
                 mlq_calloc(k, sizeof(uint16_t)), 0, 0.0, 0};
    cJSON *doc = NULL, *rows = NULL;

    if (CLI_GIVEN(a, P_JSON)) {
        doc = cJSON_CreateObject();
        cli_json_str(doc, "model", m->path);
        cli_json_str(doc, "data", d->path);
        cli_json_bool(doc, "device", dev != NULL);
        rows = cli_json_arr(doc, "rows");
    }
    if (r.z == NULL || r.hv == NULL || r.hp == NULL || r.sv == NULL || r.pv == NULL)
        rc = mlq_err_set(err, d->path, 0, "out of memory");
    for (i = 0; rc == 0 && i < d->n_rows; i++) {
        if ((rc = row_outputs(m, dev, d, i, scores, proba, &r, err)) != 0)
            break;
        if (doc != NULL)
            json_row(rows, m, dev != NULL, scores, proba, d->line[i], &r);
        else
            print_row(m, dev != NULL, CLI_GIVEN(a, P_IDS), CLI_GIVEN(a, P_FIXED), scores, proba, &r);
    }
    if (doc != NULL && rc == 0)
        rc = cli_json_print(doc, err);
    else
        cJSON_Delete(doc);
    free(r.z);
    free(r.hv);
    free(r.hp);
    free(r.sv);
    free(r.pv);
    return rc;
}

static int run_predict(int argc, char **argv)
{
    cli_args a;
    mlq_err err = {{0}};
    mlq_model m = {0};
    mlq_device dev = {0};
    mlq_dataset d = {0};
    int rc = cli_parse(&cli_predict, NULL, argc, argv, NULL, &a, &err), device;

    if (rc != CLI_RUN)
        return rc == CLI_HELP ? cli_stdout_end() : cli_fail(EXIT_USAGE, &err);
    device = CLI_GIVEN(&a, P_DEVICE);
    if (mlq_model_load(a.pos[0], &m, &err) != 0)
        return cli_fail(EXIT_INPUT, &err);
    rc = EXIT_USAGE;
    if (CLI_GIVEN(&a, P_PROBA) && !has_proba(&m))
        mlq_err_set(&err, a.pos[0], 0, "--proba: this %s model defines no probabilities", m.algo->name);
    else if (CLI_GIVEN(&a, P_IDS) && mlq_model_task(&m) == MLQ_TASK_REGRESS)
        mlq_err_set(&err, a.pos[0], 0, "--ids: a regression model has no classes");
    else if (CLI_GIVEN(&a, P_FIXED) && (mlq_model_task(&m) != MLQ_TASK_REGRESS || !device))
        mlq_err_set(&err, a.pos[0], 0, "--fixed: only for a regression model with --device");
    else if (!device || (rc = cli_device_open(&m, a.val[P_BITS], "predict", &dev, &err)) == EXIT_OK)
        rc = cli_read_for_model(&m, a.pos[1], &d, &err) != 0 ||
                     predict_rows(&m, device ? &dev : NULL, &d, &a, &err) != 0
                 ? EXIT_INPUT
                 : cli_stdout_end();
    mlq_device_free(&dev);
    mlq_dataset_free(&d);
    mlq_model_free(&m);
    return rc == EXIT_OK || err.msg[0] == '\0' ? rc : cli_fail(rc, &err);
}

const cli_cmd cli_predict = {
    "predict", "MODEL.json DATA.csv", 2, 2, predict_opts, P_N,
    "Print one line per row of DATA.csv: the predicted class name for classifiers\n"
    "(its id with --ids), the cluster id for clustering, 1 (anomaly) or 0 for\n"
    "anomaly detection, the predicted value for regression (9 significant digits);\n"
    "then the scores and probabilities asked for. DATA.csv needs no label or target\n"
    "column. Everything goes to stdout.\n",
    run_predict,
};
