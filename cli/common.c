/* SPDX-License-Identifier: MIT */
#include "common.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "algo.h"
#include "json.h"
#include "metrics.h"
#include "options.h"

int cli_fail(int code, const mlq_err *err)
{
    fprintf(stderr, "mlq: %s\n", err->msg);
    return code;
}

int cli_stdout_end(void)
{
    mlq_err err;

    return mlq_stdout_close(&err) == 0 ? EXIT_OK : cli_fail(EXIT_INPUT, &err);
}

void cli_wrote(int quiet, const char *path, const char *fmt, ...)
{
    va_list ap;

    if (quiet)
        return;
    fprintf(stderr, "mlq: wrote %s: ", path);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int cli_files(const char *in, const char *out1, const char *out2, mlq_err *err)
{
    return mlq_out_protect(in, err) != 0 || mlq_out_check(out1, err) != 0 ||
                   (out2 != NULL && mlq_out_check(out2, err) != 0)
               ? -1
               : 0;
}

int cli_read_for_model(const mlq_model *m, const char *path, mlq_dataset *d, mlq_err *err)
{
    size_t j;

    int regress = mlq_model_task(m) == MLQ_TASK_REGRESS;

    if (mlq_csv_read(path, m->label_name, regress ? MLQ_TARGET_IF_PRESENT : MLQ_LABEL_IF_PRESENT,
                     regress ? NULL : m->class_names, regress ? 0 : m->n_classes, d, err) != 0)
        return -1;
    if (d->n_features != m->n_features) {
        mlq_err_set(err, path, 1, "%zu feature columns, but the model was trained on %zu",
                    d->n_features, m->n_features);
        mlq_dataset_free(d);
        return -1;
    }
    for (j = 0; j < m->n_features; j++) {
        if (strcmp(d->feature_names[j], m->feature_names[j]) != 0) {
            mlq_err_set(err, path, 1, "feature column %zu is '%s', the model expects '%s'", j + 1,
                        d->feature_names[j], m->feature_names[j]);
            mlq_dataset_free(d);
            return -1;
        }
    }
    return 0;
}

int cli_predict_host(const mlq_model *m, const mlq_dataset *d, int *out, mlq_err *err)
{
    double *z = mlq_calloc(m->n_features, sizeof *z);
    size_t i;

    if (z == NULL)
        return mlq_err_set(err, d->path, 0, "out of memory");
    for (i = 0; i < d->n_rows; i++) {
        mlq_model_standardize(m, d->x + i * d->n_features, z);
        out[i] = m->algo->predict(m, z);
    }
    free(z);
    return 0;
}

int cli_regress_host(const mlq_model *m, const mlq_dataset *d, double *out, mlq_err *err)
{
    double *z = mlq_calloc(m->n_features, sizeof *z), s;
    size_t i;

    if (z == NULL)
        return mlq_err_set(err, d->path, 0, "out of memory");
    for (i = 0; i < d->n_rows; i++) {
        mlq_model_standardize(m, d->x + i * d->n_features, z);
        m->algo->host_scores(m, z, &s);
        out[i] = mlq_target_of_z(m, s);
    }
    free(z);
    return 0;
}

int cli_device_open(const mlq_model *m, const char *bits, const char *cmd, mlq_device *dev,
                    mlq_err *err)
{
    unsigned width = 0;

    memset(dev, 0, sizeof *dev);
    if (bits != NULL) {
        if (!cli_word_in(bits, mlq_device_bits(m))) {
            mlq_err_set(err, NULL, 0, "%s: --bits %s: a %s model offers --bits %s", cmd, bits,
                        m->algo->name, mlq_device_bits(m));
            return EXIT_USAGE;
        }
        width = (unsigned)strtoul(bits, NULL, 10); /* one of the model's words: digits */
    }
    return mlq_device_build(m, width, dev, err) == 0 ? EXIT_OK : EXIT_INPUT;
}

int cli_find_target(const char *target, const char *cmd, const mlq_board **board, mlq_err *err)
{
    *board = NULL;
    if (target == NULL)
        return EXIT_OK;
    *board = mlq_board_find(target);
    if (*board != NULL)
        return EXIT_OK;
    mlq_err_set(err, NULL, 0, "%s: --target '%s' is not a board mlq knows (%s)", cmd, target,
                mlq_board_names());
    return EXIT_USAGE;
}

int cli_bytes(const char *text, const char *opt, size_t *out, mlq_err *err)
{
    double v;

    *out = 0;
    if (text == NULL)
        return 0;
    if (cli_whole(text, 1, 4294967296.0, &v) != 0)
        return mlq_err_set(err, NULL, 0, "%s: '%s' is not a number of bytes from 1 to 4294967296",
                           opt, text);
    *out = (size_t)v;
    return 0;
}

size_t cli_flash_estimates(const mlq_device *dev, mlq_fit *fits, size_t max)
{
    const char *p = mlq_board_names(); /* "uno, mega, m0, m4, rv32" */
    size_t n = 0, i;

    while (*p != '\0' && n < max) {
        size_t len = strcspn(p, ", ");
        char name[32];
        const mlq_board *b;
        int seen = 0;

        snprintf(name, sizeof name, "%.*s", (int)len, p);
        p += len + strspn(p + len, ", ");
        b = mlq_board_find(name);
        for (i = 0; b != NULL && i < n; i++)
            seen |= strcmp(fits[i].board->core, b->core) == 0;
        if (b != NULL && !seen && mlq_fit_estimate(dev, b, 0, 0, &fits[n]) == 0)
            n++;
    }
    return n;
}

enum { MAX_CORES = 8 };

char *cli_flash_text(const mlq_device *dev, char *buf, size_t n)
{
    mlq_fit fits[MAX_CORES];
    size_t k = cli_flash_estimates(dev, fits, MAX_CORES), i, len = 0;

    buf[0] = '\0';
    if (k == 0) {
        snprintf(buf, n, "no core has measured costs of %s (make bench measures them)",
                 mlq_device_kernel(dev));
        return buf;
    }
    for (i = 0; i < k && len < n; i++)
        len += (size_t)snprintf(buf + len, n - len, "%s%zu (%s)", i == 0 ? "about " : ", ",
                                fits[i].flash, fits[i].board->core);
    if (len < n)
        snprintf(buf + len, n - len, " bytes with NAME_predict (constants %zu + code)",
                 dev->predict_bytes);
    return buf;
}

/* The work of NAME_predict over the rows and the instructions it takes on each core with a
 * fitted cost model (boards.h): work_steps and insn_estimate. */
void cli_insn_json(cJSON *doc, const mlq_device *dev, const mlq_dataset *d)
{
    const mlq_board *boards[8];
    double insns[8], w[2];
    size_t n = mlq_fit_insns_cores(dev, d->x, d->n_rows, boards, insns, 8), i;
    cJSON *o = cli_json_arr(doc, "work_steps");

    mlq_fit_work(dev, d->x, d->n_rows, w);
    cli_json_round(o, NULL, w[0]);
    cli_json_round(o, NULL, w[1]);
    o = cli_json_obj(doc, "insn_estimate");
    for (i = 0; i < n; i++)
        cli_json_round(o, boards[i]->core, insns[i]);
}

void cli_diff_stats(double *v, size_t n, double out[3])
{
    out[2] = mlq_percentile(v, n, 99.0);
    out[1] = mlq_percentile(v, n, 50.0);
    out[0] = v[n - 1];
}

/* Add {"CORE": bytes, ...} as key to obj. */
static void cli_flash_json(cJSON *obj, const char *key, const mlq_device *dev)
{
    mlq_fit fits[MAX_CORES];
    size_t k = cli_flash_estimates(dev, fits, MAX_CORES), i;
    cJSON *o = cli_json_obj(obj, key);

    for (i = 0; i < k; i++)
        cli_json_num(o, fits[i].board->core, (double)fits[i].flash);
}

void cli_device_json(cJSON *doc, const mlq_device *dev)
{
    cli_json_num(doc, "coefficients", (double)dev->n_coef);
    cli_json_num(doc, "clipped", (double)dev->clipped);
    cli_json_num(doc, "flash_bytes", (double)dev->flash_bytes);
    cli_json_num(doc, "predict_flash_bytes", (double)dev->predict_bytes);
    cli_json_num(doc, "work_bytes", (double)dev->work_bytes);
    cli_json_str(doc, "kernel", mlq_device_kernel(dev));
    cli_flash_json(doc, "flash_estimate", dev);
}

