/* SPDX-License-Identifier: MIT */
/*
 * Load-export-predict: a model file that loads is built for the device with
 * no --bits and with each --bits it offers; what builds writes its header
 * and `info`, and runs fixed rows through predict, scores and proba with
 * the device contract checked on each (mlq/score.h, export.h).
 */
#include "fuzz.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "mlq/score.h"

enum { N_ROWS = 8 };

/* Row r of the fixed rows for model m (x has m->n_features entries). */
static void fixed_row(const mlq_model *m, int r, double *x)
{
    static const double level[] = {0.0, 1e6, -1e6, 1e30};
    size_t j;

    for (j = 0; j < m->n_features; j++) {
        double sign = (j % 2 == 0) ? 1.0 : -1.0;

        switch (r) {
        case 0: x[j] = m->mean[j]; break;
        case 1: x[j] = m->mean[j] + 2.0 * sign * m->scale[j]; break;
        case 2: x[j] = m->mean[j] - 3.0 * sign * m->scale[j]; break;
        case 3: x[j] = m->mean[j] + (double)(j % 5) * m->scale[j]; break;
        default: x[j] = level[r - 4]; break;
        }
    }
}

static void check_row(const mlq_device *dev, const double *x, int r, int32_t *scores, uint16_t *proba)
{
    size_t n = dev->n_outputs, j;
    uint32_t sum = 0;
    int id = -1;
    mlq_status sp = mlq_device_predict(dev, x, &id), ss = mlq_device_scores(dev, x, scores);
    mlq_status sq = mlq_device_proba(dev, x, proba);

    if (ss != sp || (dev->kern.proba != NULL ? sq != sp : sq != MLQ_ERR_MODEL))
        mlq_fuzz_fail("row %d: predict %d, scores %d, proba %d (kernel %s)", r, (int)sp, (int)ss,
                      (int)sq, dev->kern.proba != NULL ? dev->kern.proba : "none");
    if (sp != MLQ_OK)
        return;
    if (id < 0 || (size_t)id >= n)
        mlq_fuzz_fail("row %d: predicted %d of %zu outputs", r, id, n);
    if (mlq_score_argmax(scores, (uint16_t)n) != id)
        mlq_fuzz_fail("row %d: the largest score is output %u, the prediction %d", r,
                      (unsigned)mlq_score_argmax(scores, (uint16_t)n), id);
    if (dev->kern.proba == NULL)
        return;
    for (j = 0; j < n; j++)
        sum += proba[j];
    if (sum != MLQ_PROBA_ONE || mlq_proba_argmax(proba, (uint16_t)n) != id)
        mlq_fuzz_fail("row %d: probabilities sum to %u with the largest at %u, the prediction %d", r,
                      (unsigned)sum, (unsigned)mlq_proba_argmax(proba, (uint16_t)n), id);
}

static void run(const mlq_model *m, unsigned bits, const char *in, FILE *null)
{
    char header[MLQ_FUZZ_PATH];
    mlq_device dev;
    mlq_err err = {{0}};
    double *x;
    int32_t *scores;
    uint16_t *proba;
    int r, id;

    if (mlq_device_build(m, bits, &dev, &err) != 0) {
        mlq_fuzz_check_err(&err, in, "mlq_device_build");
        return;
    }
    if (dev.n_outputs < 1 || dev.n_outputs > 65535)
        mlq_fuzz_fail("a device model of %zu outputs", dev.n_outputs);
    mlq_fuzz_path(header, "fuzz_model.h");
    if (mlq_export_header(&dev, "fuzz_model", header, NULL, &err) != 0)
        mlq_fuzz_check_err(&err, NULL, "mlq_export_header");
    mlq_device_info(null, &dev);
    x = malloc(m->n_features * sizeof *x + 1);
    scores = malloc(dev.n_outputs * sizeof *scores);
    proba = malloc(dev.n_outputs * sizeof *proba);
    if (x == NULL || scores == NULL || proba == NULL)
        mlq_fuzz_fail("out of memory");
    for (r = 0; r < N_ROWS; r++) {
        fixed_row(m, r, x);
        check_row(&dev, x, r, scores, proba);
    }
    /* A NaN feature is refused, with the outputs left as they were. */
    x[0] = nan("");
    id = -7;
    scores[0] = 12345;
    if (mlq_device_predict(&dev, x, &id) != MLQ_ERR_INPUT || id != -7 ||
        mlq_device_scores(&dev, x, scores) != MLQ_ERR_INPUT || scores[0] != 12345)
        mlq_fuzz_fail("a NaN feature: not MLQ_ERR_INPUT, or an output written");
    free(x);
    free(scores);
    free(proba);
    mlq_device_free(&dev);
}

int mlq_fuzz_export(const uint8_t *data, size_t size)
{
    static FILE *null;
    char in[MLQ_FUZZ_PATH];
    mlq_model m;
    mlq_err err = {{0}};
    const char *bits;

    if (null == NULL && (null = fopen("/dev/null", "w")) == NULL)
        mlq_fuzz_fail("cannot open /dev/null");
    mlq_fuzz_put(mlq_fuzz_path(in, "in.json"), data, size);
    if (mlq_model_load(in, &m, &err) != 0) {
        mlq_fuzz_check_err(&err, in, "mlq_model_load");
        return 0;
    }
    run(&m, 0, in, null);
    for (bits = mlq_device_bits(&m); *bits != '\0'; bits += strcspn(bits, "|"), bits += *bits == '|')
        run(&m, (unsigned)strtoul(bits, NULL, 10), in, null);
    mlq_model_free(&m);
    return 0;
}
