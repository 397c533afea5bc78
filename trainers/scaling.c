/* SPDX-License-Identifier: MIT */
/*
 * The input scaling of a model and the device input code it defines: the
 * standardization learned from the training rows, the input range R, and
 * the constants of the device's float input quantizer (mlq/quant.h). The
 * trainers use them to know the device's code of a training value (trees
 * split on it); the exporters build the header's quantizer from them.
 */
#include <math.h>
#include <stdlib.h>

#include "csv.h"
#include "model.h"

void mlq_model_standardize(const mlq_model *m, const double *x, double *z)
{
    size_t j;

    for (j = 0; j < m->n_features; j++)
        z[j] = (x[j] - m->mean[j]) / m->scale[j];
}

int mlq_model_fit_scaling(mlq_model *m, const mlq_dataset *d, double *z, unsigned char *is_constant,
                          mlq_err *err)
{
    size_t n = d->n_rows, p = d->n_features, i, j;
    int constant = 0;
    double zmax = 0.0;

    for (j = 0; j < p; j++) {
        double mean = 0.0, ss = 0.0;
        int same = 1;

        for (i = 0; i < n; i++) {
            mean += d->x[i * p + j];
            same &= d->x[i * p + j] == d->x[j];
        }
        mean /= (double)n;
        for (i = 0; i < n; i++) {
            double dv = d->x[i * p + j] - mean;

            ss += dv * dv;
        }
        m->mean[j] = mean;
        m->scale[j] = sqrt(ss / (double)n);
        if (same) { /* exactly constant: z = 0 on every training row */
            m->mean[j] = d->x[j];
            m->scale[j] = 1.0;
            constant++;
        }
        if (is_constant != NULL)
            is_constant[j] = (unsigned char)same;
    }
    if ((size_t)constant == p)
        return mlq_err_set(err, d->path, 0, "every feature is constant: nothing to learn from");
    for (i = 0; i < n; i++)
        for (j = 0; j < p; j++) {
            z[i * p + j] = (d->x[i * p + j] - m->mean[j]) / m->scale[j];
            if (fabs(z[i * p + j]) > zmax)
                zmax = fabs(z[i * p + j]);
        }
    /* R covers the training rows with a quarter to spare: new rows go
     * beyond the training extremes (wine: 3.74 in training, 4.54 in its
     * test rows), and a clipped input moves the device away from the host. */
    m->input_range = 1.0;
    while (m->input_range < 1.25 * zmax && m->input_range < 65536.0)
        m->input_range *= 2.0;
    return constant;
}

double *mlq_target_z(const mlq_model *m, const mlq_dataset *d)
{
    double *t = malloc(d->n_rows > 0 ? d->n_rows * sizeof *t : 1);
    size_t i;

    for (i = 0; t != NULL && i < d->n_rows; i++)
        t[i] = (d->t[i] - m->target_mean) / m->target_scale;
    return t;
}

double mlq_target_of_z(const mlq_model *m, double s)
{
    return m->target_mean + s * m->target_scale;
}

/* Regression: the target's mean, population sd and range over d's rows.
 * 0, or -1 with err for a target the model cannot learn. */
int mlq_model_fit_target(mlq_model *m, const mlq_dataset *d, mlq_err *err)
{
    size_t n = d->n_rows, i;
    double mean = 0.0, ss = 0.0, lo = d->t[0], hi = d->t[0];

    if (n < 2)
        return mlq_err_set(err, d->path, 0, "one training row: regression needs at least 2");
    for (i = 0; i < n; i++) {
        mean += d->t[i];
        lo = d->t[i] < lo ? d->t[i] : lo;
        hi = d->t[i] > hi ? d->t[i] : hi;
    }
    if (lo == hi)
        return mlq_err_set(err, d->path, 0, "target column '%s' is constant (%.17g on every row): nothing to "
                           "regress", d->label_name, lo);
    mean /= (double)n;
    for (i = 0; i < n; i++)
        ss += (d->t[i] - mean) * (d->t[i] - mean);
    m->target_mean = mean;
    m->target_scale = sqrt(ss / (double)n);
    m->target_min = lo;
    m->target_max = hi;
    if (!isfinite(m->target_scale) || !(m->target_scale > 0.0) || !isfinite(mean))
        return mlq_err_set(err, d->path, 0, "target column '%s' spans more than a double holds (%g to %g)",
                           d->label_name, lo, hi);
    return 0;
}

double mlq_input_steps(const mlq_model *m)
{
    return 32768.0 / m->input_range;
}

int mlq_input_quant(const mlq_model *m, size_t j, float *offset, float *gain)
{
    /* q = floor((x - o) * g) - 32768 = round((x - m) * g): the offset
     * carries the 32768 bias and the half step of the rounding. */
    *gain = (float)(mlq_input_steps(m) / m->scale[j]);
    *offset = (float)(m->mean[j] - 32768.5 / (double)*gain);
    return isfinite(*gain) && *gain != 0.0f && isfinite(*offset) ? 0 : -1;
}
