/* SPDX-License-Identifier: MIT */
/* mlq compare on a regression model: host and device against the truth, and against each other. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "algo.h"
#include "common.h"
#include "json.h"
#include "metrics.h"

/* What compare found on a regression model. */
typedef struct reg_comparison {
    double *host, *dev, *diff;   /* [rows] predicted targets and |host - device| */
    size_t saturated;            /* rows whose device output is at NAME_Y_MIN or NAME_Y_MAX */
    mlq_reg_metrics h, dv;       /* against the truth, when the data has the target */
    double stats[3];             /* max, median, p99 of diff */
} reg_comparison;

static int measure(const mlq_model *m, const mlq_device *dev, const mlq_dataset *d, reg_comparison *c,
                   mlq_err *err)
{
    int32_t ylo, yhi;
    size_t i, n = d->n_rows;

    c->host = mlq_calloc(n, sizeof *c->host);
    c->dev = mlq_calloc(n, sizeof *c->dev);
    c->diff = mlq_calloc(n, sizeof *c->diff);
    if (c->host == NULL || c->dev == NULL || c->diff == NULL)
        return mlq_err_set(err, d->path, 0, "out of memory");
    if (cli_regress_host(m, d, c->host, err) != 0)
        return -1;
    (void)mlq_regress_value(&dev->regress, dev->regress.lo, &ylo);
    (void)mlq_regress_value(&dev->regress, dev->regress.hi, &yhi);
    for (i = 0; i < n; i++) {
        int32_t y;
        mlq_status s = mlq_device_value(dev, d->x + i * d->n_features, &y);

        if (s != MLQ_OK)
            return mlq_err_set(err, d->path, d->line[i], "device predict failed: %s", mlq_status_str(s));
        c->saturated += y == ylo || y == yhi;
        c->dev[i] = mlq_device_target(dev, y);
        c->diff[i] = fabs(c->host[i] - c->dev[i]);
    }
    if (d->t != NULL) {
        c->h = mlq_regression_metrics(d->t, c->host, n);
        c->dv = mlq_regression_metrics(d->t, c->dev, n);
    }
    cli_diff_stats(c->diff, n, c->stats); /* sorted in place: the per-row order is no longer needed */
    return 0;
}

static void print_text(const mlq_model *m, const mlq_device *dev, const mlq_dataset *d,
                       const reg_comparison *c, const char *model)
{
    double range = m->target_max - m->target_min;
    char flash[256];

    printf("model       %s (%s, %zu features, regression of '%s')\n", model, m->algo->name, m->n_features,
           m->label_name);
    printf("data        %s (%zu rows)\n", d->path, d->n_rows);
    if (d->t != NULL) {
        printf("host        MAE %.6g, RMSE %.6g, R^2 %.4f\n", c->h.mae, c->h.rmse, c->h.r2);
        printf("device      MAE %.6g, RMSE %.6g, R^2 %.4f\n", c->dv.mae, c->dv.rmse, c->dv.r2);
    }
    printf("|host - device| max %.4g, median %.4g, 99th percentile %.4g (target units)\n", c->stats[0],
           c->stats[1], c->stats[2]);
    printf("            max %.4f%%, median %.4f%%, 99th percentile %.4f%% of the training range (%.6g to %.6g)\n",
           100.0 * c->stats[0] / range, 100.0 * c->stats[1] / range, 100.0 * c->stats[2] / range,
           m->target_min, m->target_max);
    printf("output      int32 in units of 2^%d; %zu rows at its saturation bounds\n", -dev->y_frac,
           c->saturated);
    printf("quantized   %zu coefficients, %zu saturated; %zu bytes of constants\n", dev->n_coef, dev->clipped,
           dev->flash_bytes);
    printf("flash       %s\n", cli_flash_text(dev, flash, sizeof flash));
}

static void json_metrics(cJSON *doc, const char *side, const mlq_reg_metrics *r)
{
    char key[32];

    snprintf(key, sizeof key, "%s_mae", side);
    cli_json_num(doc, key, r->mae);
    snprintf(key, sizeof key, "%s_rmse", side);
    cli_json_num(doc, key, r->rmse);
    snprintf(key, sizeof key, "%s_r2", side);
    cli_json_num(doc, key, r->r2);
}

static int print_json(const mlq_model *m, const mlq_device *dev, const mlq_dataset *d,
                      const reg_comparison *c, mlq_err *err)
{
    static const char *const names[3] = {"max", "median", "p99"};
    double range = m->target_max - m->target_min;
    cJSON *doc = cJSON_CreateObject(), *t;
    char key[48];
    size_t i;

    cli_json_str(doc, "model", m->path);
    cli_json_str(doc, "algorithm", m->algo->name);
    cli_json_str(doc, "task", "regress");
    cli_json_str(doc, "data", d->path);
    cli_json_num(doc, "rows", (double)d->n_rows);
    t = cli_json_obj(doc, "target");
    cli_json_str(t, "name", m->label_name);
    cli_json_num(t, "min", m->target_min);
    cli_json_num(t, "max", m->target_max);
    cli_json_num(t, "y_frac", dev->y_frac);
    if (d->t != NULL) {
        json_metrics(doc, "host", &c->h);
        json_metrics(doc, "device", &c->dv);
    }
    for (i = 0; i < 3; i++) {
        snprintf(key, sizeof key, "%s_value_diff", names[i]);
        cli_json_num(doc, key, c->stats[i]);
        snprintf(key, sizeof key, "%s_value_diff_of_range", names[i]);
        cli_json_num(doc, key, c->stats[i] / range);
    }
    cli_json_num(doc, "saturated_rows", (double)c->saturated);
    cli_device_json(doc, dev);
    cli_insn_json(doc, dev, d);
    return cli_json_print(doc, err);
}

int cli_compare_regress(const mlq_model *m, const mlq_device *dev, const mlq_dataset *d, int json,
                        const char *model, mlq_err *err)
{
    reg_comparison c = {NULL, NULL, NULL, 0, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}};
    int rc = measure(m, dev, d, &c, err);

    if (rc == 0 && !json)
        print_text(m, dev, d, &c, model);
    else if (rc == 0)
        rc = print_json(m, dev, d, &c, err);
    free(c.host);
    free(c.dev);
    free(c.diff);
    return rc;
}
