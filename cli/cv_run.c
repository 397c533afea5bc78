/* SPDX-License-Identifier: MIT */
/* Cross-validation shared by mlq cv and mlq select (cv.h). */
#include "cv.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "algo.h"
#include "common.h"
#include "json.h"
#include "metrics.h"
#include "subset.h"

const char *cv_metric(int regress)
{
    return regress ? "R^2" : "accuracy";
}

char *cv_fmt(char *buf, size_t n, const char *fmt, double v)
{
    if (isnan(v))
        snprintf(buf, n, "-");
    else
        snprintf(buf, n, fmt, v);
    return buf;
}

void cv_json_eval(cJSON *obj, const cv_eval *e, int regress, int fits)
{
    cli_json_round(obj, regress ? "host_r2" : "host_accuracy", e->host);
    cli_json_round(obj, regress ? "device_r2" : "device_accuracy", e->device);
    if (regress) {
        cli_json_round(obj, "host_mae", e->host_mae);
        cli_json_round(obj, "device_mae", e->device_mae);
    }
    cli_json_round(obj, regress ? "p99_diff_of_range" : "agreement", e->agreement);
    cli_json_round(obj, "flash", e->flash);
    cli_json_round(obj, "sram", e->sram);
    cli_json_round(obj, "stack", e->stack);
    cli_json_round(obj, "insns", e->insns);
    if (fits) {
        cli_json_bool(obj, "fits", e->fits);
        cli_json_str(obj, "why", e->why[0] != '\0' ? e->why : NULL);
    }
}

/* Rows (or groups) holding class c: how many folds the class can reach. */
static size_t holders(const mlq_dataset *d, const mlq_groups *g, int c)
{
    size_t i, n = 0, units = g != NULL ? g->n_groups : d->n_rows;
    unsigned char *seen = mlq_calloc(units, 1);

    for (i = 0; i < d->n_rows; i++) {
        size_t u = g != NULL ? g->of[i] : i;

        if (d->y[i] == c && seen != NULL && !seen[u]) {
            seen[u] = 1;
            n++;
        }
    }
    free(seen);
    return n;
}

/* Every fold has rows, and with classes every class. 0, or -1 with err. */
static int check_folds(const mlq_dataset *d, const mlq_groups *g, size_t k, const size_t *fold, mlq_err *err)
{
    size_t nc = d->y != NULL ? d->n_classes : 0, i, f, c;
    size_t *rows = mlq_calloc(k, sizeof *rows), *cnt = mlq_calloc(k * (nc > 0 ? nc : 1), sizeof *cnt);
    int rc = 0;

    if (rows == NULL || cnt == NULL)
        rc = mlq_err_set(err, d->path, 0, "out of memory");
    for (i = 0; rc == 0 && i < d->n_rows; i++) {
        rows[fold[i]]++;
        if (nc > 0)
            cnt[fold[i] * nc + (size_t)d->y[i]]++;
    }
    for (f = 0; rc == 0 && f < k; f++)
        if (rows[f] == 0)
            rc = mlq_err_set(err, d->path, 0, "fold %zu of %zu has no rows: use fewer folds", f + 1, k);
    for (c = 0; rc == 0 && c < nc; c++) {
        size_t in = 0;

        for (f = 0; f < k; f++)
            in += cnt[f * nc + c];
        for (f = 0; rc == 0 && in > 0 && f < k; f++) /* a class id no row has is no class to test */
            if (cnt[f * nc + c] == 0)
                rc = mlq_err_set(err, d->path, 0,
                                 "class '%s' has no row in fold %zu of %zu (it is in %zu %s%s): every "
                                 "fold must hold every class; use fewer folds",
                                 d->class_names[c], f + 1, k, holders(d, g, (int)c),
                                 g != NULL ? "group" : "row", holders(d, g, (int)c) == 1 ? "" : "s");
    }
    free(rows);
    free(cnt);
    return rc;
}

int cv_folds(const mlq_dataset *d, const mlq_groups *g, const char *groups_path, size_t k,
             unsigned long seed, size_t *fold, mlq_err *err)
{
    if (k < 2 || k > d->n_rows)
        return mlq_err_set(err, d->path, 0, "%zu folds for %zu rows: --folds must be from 2 to the number of rows",
                           k, d->n_rows);
    if (g != NULL && g->n_groups < k)
        return mlq_err_set(err, groups_path, 0,
                           "%zu groups cannot make %zu folds (a group stays in one fold): use --folds %zu or fewer",
                           g->n_groups, k, g->n_groups);
    if (mlq_folds(d->y, d->n_classes, g, d->n_rows, k, seed, fold) != 0)
        return mlq_err_set(err, d->path, 0, "out of memory");
    return check_folds(d, g, k, fold, err);
}

/* ---- one model on held-out rows ---------------------------------------------- */

/* Classification: accuracy of each side, and how often they agree. */
static int measure_classes(const mlq_model *m, const mlq_device *dev, const mlq_dataset *te, cv_eval *e,
                           mlq_err *err)
{
    size_t i, n = te->n_rows;
    int *host = mlq_calloc(n, sizeof *host), *devp = mlq_calloc(n, sizeof *devp), rc = 0;

    if (host == NULL || devp == NULL)
        rc = mlq_err_set(err, te->path, 0, "out of memory");
    else
        rc = cli_predict_host(m, te, host, err);
    for (i = 0; rc == 0 && i < n; i++) {
        mlq_status st = mlq_device_predict(dev, te->x + i * te->n_features, &devp[i]);

        if (st != MLQ_OK)
            rc = mlq_err_set(err, te->path, te->line[i], "device predict failed: %s", mlq_status_str(st));
    }
    if (rc == 0) {
        e->host = mlq_agreement(te->y, host, n);
        e->device = mlq_agreement(te->y, devp, n);
        e->agreement = mlq_agreement(host, devp, n);
    }
    free(host);
    free(devp);
    return rc;
}

/* Regression: R^2 and MAE of each side, and the 99th percentile of |host - device|. */
static int measure_target(const mlq_model *m, const mlq_device *dev, const mlq_dataset *te, cv_eval *e,
                          mlq_err *err)
{
    size_t i, n = te->n_rows;
    double *h = mlq_calloc(n, sizeof *h), *dv = mlq_calloc(n, sizeof *dv), *diff = mlq_calloc(n, sizeof *diff);
    int rc = 0;

    if (h == NULL || dv == NULL || diff == NULL)
        rc = mlq_err_set(err, te->path, 0, "out of memory");
    else
        rc = cli_regress_host(m, te, h, err);
    for (i = 0; rc == 0 && i < n; i++) {
        int32_t y;
        mlq_status st = mlq_device_value(dev, te->x + i * te->n_features, &y);

        if (st != MLQ_OK) {
            rc = mlq_err_set(err, te->path, te->line[i], "device predict failed: %s", mlq_status_str(st));
            break;
        }
        dv[i] = mlq_device_target(dev, y);
        diff[i] = fabs(h[i] - dv[i]);
    }
    if (rc == 0) {
        mlq_reg_metrics hr = mlq_regression_metrics(te->t, h, n), dr = mlq_regression_metrics(te->t, dv, n);

        e->host = hr.r2;
        e->device = dr.r2;
        e->host_mae = hr.mae;
        e->device_mae = dr.mae;
        e->agreement = mlq_percentile(diff, n, 99.0) / (m->target_max - m->target_min);
    }
    free(h);
    free(dv);
    free(diff);
    return rc;
}

int cv_measure(const mlq_model *m, const mlq_device *dev, const mlq_dataset *d, cv_eval *e, mlq_err *err)
{
    return d->t != NULL ? measure_target(m, dev, d, e, err) : measure_classes(m, dev, d, e, err);
}

void cv_costs(const cv_setup *s, const mlq_device *dev, const double *x, size_t rows, cv_eval *e)
{
    mlq_fit fit;
    size_t len;

    e->flash = e->sram = e->stack = e->insns = (double)NAN;
    e->fits = 0;
    if (mlq_fit_estimate(dev, s->board, s->flash_budget, s->sram_budget, &fit) != 0) {
        snprintf(e->why, sizeof e->why, "no cost figures of %s on %s (make bench measures them)",
                 mlq_device_kernel(dev), s->board->core);
        return;
    }
    e->flash = (double)fit.flash;
    e->sram = (double)fit.sram;
    e->stack = (double)(fit.frame + dev->work_bytes);
    {
        double insns;

        if (mlq_fit_insns(dev, s->board, x, rows, &insns) == 0)
            e->insns = insns;
    }
    e->fits = fit.fits;
    e->why[0] = '\0';
    if (!fit.fits) {
        strcpy(e->why, "over by ");
        mlq_fit_excess(&fit, dev, e->why + 8, sizeof e->why - 8);
    }
    len = strlen(e->why);
    if (s->insns_budget > 0 && isnan(e->insns)) {
        snprintf(e->why + len, sizeof e->why - len, "%sno instruction estimate", len > 0 ? "; " : "");
        e->fits = 0;
    } else if (s->insns_budget > 0 && e->insns > s->insns_budget) {
        snprintf(e->why + len, sizeof e->why - len, "%s%.0f instructions", len > 0 ? ", " : "over by ",
                 ceil(e->insns - s->insns_budget));
        e->fits = 0;
    }
}

/* Train on d (a copy of hyper), then build the device model. 0, or -1 with err. */
static int train(const cv_setup *s, const mlq_dataset *d, const struct mlq_algo *algo, const cJSON *hyper,
                 mlq_model *m, mlq_device *dev, mlq_err *err)
{
    cJSON *h = cJSON_Duplicate(hyper, 1);

    memset(dev, 0, sizeof *dev);
    if (h == NULL) {
        memset(m, 0, sizeof *m);
        return mlq_err_set(err, d->path, 0, "out of memory");
    }
    if (mlq_model_train(m, algo, d, h, s->seed, 0, NULL, err) != 0)
        return -1;
    return mlq_device_build(m, 0, dev, err);
}

/* The rows outside fold f (in == 0) or in it (in == 1) as a dataset. 0, or -1 with err. */
static int fold_part(const cv_setup *s, size_t f, int in, size_t *idx, mlq_dataset *part, mlq_err *err)
{
    size_t n = mlq_rows_where(s->fold, s->d->n_rows, f, in, idx);

    return mlq_dataset_subset(s->d, idx, n, part, err);
}

int cv_fold(const cv_setup *s, size_t f, const struct mlq_algo *algo, const cJSON *hyper, cv_eval *e,
            mlq_err *err)
{
    const mlq_dataset *d = s->d;
    size_t *idx = mlq_calloc(d->n_rows, sizeof *idx);
    mlq_dataset tr = {0}, te = {0};
    mlq_model m = {0};
    mlq_device dev = {0};
    int rc = -1;

    memset(e, 0, sizeof *e);
    if (idx == NULL)
        mlq_err_set(err, d->path, 0, "out of memory");
    else if (fold_part(s, f, 0, idx, &tr, err) == 0 && fold_part(s, f, 1, idx, &te, err) == 0)
        rc = train(s, &tr, algo, hyper, &m, &dev, err);
    if (rc == 0) {
        e->train_rows = (double)tr.n_rows;
        e->test_rows = (double)te.n_rows;
        e->host_mae = e->device_mae = (double)NAN;
        rc = cv_measure(&m, &dev, &te, e, err);
    }
    if (rc == 0) {
        cv_costs(s, &dev, te.x, te.n_rows, e);
    } else if (idx != NULL) {
        size_t len = strlen(err->msg);

        snprintf(err->msg + len, sizeof err->msg - len, " (fold %zu of %zu)", f + 1, s->k);
    }
    mlq_device_free(&dev);
    mlq_model_free(&m);
    mlq_dataset_free(&tr);
    mlq_dataset_free(&te);
    free(idx);
    return rc;
}

int cv_train_all(const cv_setup *s, const struct mlq_algo *algo, const cJSON *hyper, mlq_model *m,
                 mlq_device *dev, mlq_err *err)
{
    mlq_device tmp;
    int rc = train(s, s->d, algo, hyper, m, dev != NULL ? dev : &tmp, err);

    if (dev == NULL)
        mlq_device_free(&tmp);
    return rc;
}

/* The fields of cv_eval that are averaged, by offset. */
#define FIELD(name) offsetof(cv_eval, name)
static const size_t fields[] = {FIELD(train_rows), FIELD(test_rows), FIELD(host),  FIELD(device),
                                FIELD(host_mae),   FIELD(device_mae), FIELD(agreement), FIELD(flash),
                                FIELD(sram),       FIELD(stack),     FIELD(insns)};

static double get(const cv_eval *e, size_t off)
{
    double v;

    memcpy(&v, (const char *)e + off, sizeof v);
    return v;
}

static void put(cv_eval *e, size_t off, double v)
{
    memcpy((char *)e + off, &v, sizeof v);
}

void cv_summary(const cv_eval *e, size_t k, cv_eval *mean, cv_eval *sd)
{
    size_t i, j;

    memset(mean, 0, sizeof *mean);
    memset(sd, 0, sizeof *sd);
    mean->fits = 1;
    for (i = 0; i < k; i++) {
        mean->fits &= e[i].fits;
        if (mean->why[0] == '\0')
            memcpy(mean->why, e[i].why, sizeof mean->why);
    }
    for (j = 0; j < sizeof fields / sizeof fields[0]; j++) {
        double sum = 0.0, ss = 0.0, mu;

        for (i = 0; i < k; i++)
            sum += get(&e[i], fields[j]);
        mu = sum / (double)k;
        for (i = 0; i < k; i++) {
            double v = get(&e[i], fields[j]) - mu;

            ss += v * v;
        }
        put(mean, fields[j], mu);
        put(sd, fields[j], k > 1 ? sqrt(ss / (double)(k - 1)) : 0.0);
    }
}
