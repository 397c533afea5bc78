/* SPDX-License-Identifier: MIT */
/*
 * Gaussian mixture device side: folds every input-independent quantity of
 * the float model into integers (see mlq/gmm.h for the formulas):
 *  - row i of P = L^-1 (the precision's Cholesky factor), in y units per
 *    Q15 input step (P R / 32768), scaled by 2^e_i with e_i the largest
 *    exponent in 9..47 that keeps the row's largest entry within int16
 *    (every row keeps 15 significant bits, whatever the data's range); a
 *    row that would need e_i < 9 (a standard deviation below about
 *    R / 2^21) is refused;
 *  - b_i = A_i . m, m the component's mean quantized exactly as the
 *    device quantizes an input (the raw mean through mlq_quant_f32_to_q15),
 *    so that A_i . q - b_i = A_i . (q - m) exactly (full rows store
 *    o_i = -floor(b_i 2^(16 - e_i)) in Q16, or -b_i when e_i <= 16; an
 *    offset beyond int32, |P_i mu| of 2^(31 - min(e_i, 16)) >= 32768
 *    standard deviations or more, is refused). A feature that is constant
 *    within a component (variance reg-covar, so P is large) then gives
 *    y_i = 0 on the device exactly when it does on the host, instead of
 *    the half input step of two different roundings times P;
 *  - the constants C_c in Q15.16 (int32: beyond 32768 nats is refused) and
 *    the anomaly threshold in Q47.16 (beyond 2^46 nats is refused).
 * Every float-to-integer conversion goes through mlq_quantize after these
 * range checks, and the model built must pass mlq_gmm_check.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "device_algo.h"
#include "gmm_params.h"
#include "mlq/fixed.h"
#include "mlq/gmm.h"

#define EXP_MIN 9
#define EXP_MAX 47

typedef struct gmm_device {
    mlq_gmm_q15 m;
    mlq_q15_t *factor;  /* [c][MLQ_GMM_FACTOR_LEN(d, full)] */
    uint8_t *exponent;  /* [c][d] */
    int32_t *offset;    /* [c][d] */
    int32_t *constant;  /* [c] */
    size_t factor_len;  /* entries of factor per component */
} gmm_device;

static void gmm_device_release(gmm_device *gd)
{
    if (gd == NULL)
        return;
    free(gd->factor);
    free(gd->exponent);
    free(gd->offset);
    free(gd->constant);
    free(gd);
}

/* Largest e in EXP_MIN..EXP_MAX with round(max * 2^e) <= 32767 (EXP_MIN
 * when none has: the caller refuses that row). */
static int row_exponent(double max)
{
    int e = EXP_MAX;

    while (e > EXP_MIN && ldexp(max, e) >= 32767.5)
        e--;
    return e;
}

/* v rounded to an integer in [lo, hi], or -1 when it is outside (or not a number). */
static int quantize_in(double v, int64_t lo, int64_t hi, int64_t *out)
{
    size_t clipped = 0;

    *out = mlq_quantize(v, lo, hi, &clipped);
    return clipped == 0 ? 0 : -1;
}

/* The model-file field that contributes most to component c's constant
 * log w + log prior - log det L - (d/2) log 2pi: the log prior or the
 * covariance's terms (|log w| <= 745 for any double weight in (0, 1]). */
static const char *constant_field(const gmm_params *gp, size_t c)
{
    double p = gp->log_prior[c / gp->n_components];
    double cov = gp->log_const[c] - log(gp->weights[c]) - p;

    return fabs(p) >= fabs(cov) ? "gmm.log_prior" : "gmm.covariances";
}

/*
 * Rows of component c into gd (factor, exponent, offset) from its
 * precision factor and its quantized mean mean_q. 0, or -1 with err.
 */
static int build_rows(mlq_device *dev, gmm_device *gd, size_t c, const mlq_q15_t *mean_q,
                      mlq_err *err)
{
    const gmm_params *gp = dev->model->params;
    size_t d = gp->n_features, i, j;
    double steps = mlq_input_steps(dev->model);
    mlq_q15_t *a = gd->factor + c * gd->factor_len;

    for (i = 0; i < d; i++) {
        /* Row i: entries j0..i of P (full) or the one entry i (diag). */
        size_t j0 = gp->full ? 0 : i, n_row = gp->full ? i + 1 : 1;
        const double *p = gp->full ? gp->prec_chol + c * d * d + i * d : gp->prec_chol + c * d;
        mlq_q15_t *row = gp->full ? a : a + i;
        double max = 0.0;
        int64_t b = 0, o;
        int e;

        for (j = j0; j < j0 + n_row; j++) {
            if (!isfinite(p[j]))
                return mlq_device_refuse(dev, err, "gmm.covariances",
                                         "component %zu: the precision's Cholesky factor is not finite", c);
            if (fabs(p[j] / steps) > max)
                max = fabs(p[j] / steps);
        }
        e = row_exponent(max);
        if (ldexp(max, e) >= 32767.5)
            return mlq_device_refuse(dev, err, "gmm.covariances",
                                     "component %zu: row %zu of the precision's Cholesky factor reaches "
                                     "%g per standardized unit, above the device's %g (a standard "
                                     "deviation below %g): raise --reg-covar",
                                     c, i, max * steps, ldexp(32767.5, -EXP_MIN) * steps,
                                     1.0 / (ldexp(32767.5, -EXP_MIN) * steps));
        gd->exponent[c * d + i] = (uint8_t)e;
        for (j = j0; j < j0 + n_row; j++) {
            mlq_q15_t v = mlq_quantize_q15(ldexp(p[j] / steps, e), &dev->clipped); /* within int16 */

            row[j - j0] = v;
            b += (int64_t)v * mean_q[j]; /* exact: |b| <= d 2^30 */
        }
        if (!gp->full) {
            gd->offset[c * d + i] = (int32_t)b; /* |b| <= 32767 * 32768 < 2^30 */
            continue;
        }
        /* -floor(b 2^(16 - e)) in Q16 (e > 16), else -b at the row's scale:
         * beyond int32 when |P_i mu| (b 2^-e) reaches 2^(31 - min(e, 16)). */
        o = e > 16 ? -(b >= 0 ? b >> (e - 16) : -((-b - 1) >> (e - 16)) - 1) : -b;
        if (o < INT32_MIN || o > INT32_MAX)
            return mlq_device_refuse(dev, err, "gmm.means",
                                     "component %zu: the mean lies %.6g standard deviations from the "
                                     "origin along row %zu of the precision's Cholesky factor, beyond "
                                     "the device's %g", c, fabs(ldexp((double)b, -e)), i,
                                     ldexp(1.0, 31 - (e < 16 ? e : 16)));
        gd->offset[c * d + i] = (int32_t)o;
        a += MLQ_ROW_LEN(i + 1);
    }
    return 0;
}

/* Component c's mean as a raw feature vector, quantized like any input. 0, or -1 with err. */
static int quantize_mean(mlq_device *dev, size_t c, float *raw, mlq_q15_t *q, mlq_err *err)
{
    const mlq_model *m = dev->model;
    const gmm_params *gp = m->params;
    size_t d = gp->n_features, j;

    for (j = 0; j < d; j++) {
        double v = m->mean[j] + gp->means[c * d + j] * m->scale[j];

        /* Clamped to float's range before the conversion (it saturates anyway). */
        raw[j] = (float)(v > (double)FLT_MAX ? (double)FLT_MAX : v < -(double)FLT_MAX ? -(double)FLT_MAX : v);
    }
    if (mlq_quant_f32_to_q15(&dev->quant, raw, (uint16_t)d, q) != MLQ_OK)
        return mlq_device_refuse(dev, err, "gmm.means", "component %zu: the mean is not a number", c);
    return 0;
}

/* Allocate gd's arrays for gp. 0, or -1 when memory is short. */
static int gmm_device_alloc(gmm_device *gd, const gmm_params *gp)
{
    size_t d = gp->n_features, n_comp = gp->n_groups * gp->n_components;

    gd->factor_len = MLQ_GMM_FACTOR_LEN(d, gp->full);
    gd->factor = mlq_calloc(n_comp, gd->factor_len * sizeof(mlq_q15_t));
    gd->exponent = mlq_calloc(n_comp, d);
    gd->constant = mlq_calloc(n_comp, sizeof(int32_t));
    gd->offset = mlq_calloc(n_comp, d * sizeof(int32_t));
    return gd->factor == NULL || gd->exponent == NULL || gd->constant == NULL || gd->offset == NULL
               ? -1
               : 0;
}

/* Fill gd from the float model: rows, offsets, constants, threshold. 0, or -1 with err. */
static int gmm_device_fill(mlq_device *dev, gmm_device *gd, mlq_err *err)
{
    const mlq_model *m = dev->model;
    const gmm_params *gp = m->params;
    size_t d = gp->n_features, n_comp = gp->n_groups * gp->n_components, c;
    float *mean_raw = mlq_calloc(d, sizeof *mean_raw);
    mlq_q15_t *mean_q = mlq_calloc(d, sizeof *mean_q);
    int rc = mean_raw == NULL || mean_q == NULL ? mlq_err_set(err, mlq_model_file(m), 0, "out of memory") : 0;

    for (c = 0; rc == 0 && c < n_comp; c++) {
        int64_t cst;

        if (quantize_in(ldexp(gp->log_const[c], 16), INT32_MIN, INT32_MAX, &cst) != 0)
            rc = mlq_device_refuse(dev, err, constant_field(gp, c),
                                   "component %zu: the log-density constant log w + log prior - "
                                   "log det L - (d/2) log 2pi is %g nats, beyond the device's "
                                   "32768 in magnitude", c, gp->log_const[c]);
        else if ((rc = quantize_mean(dev, c, mean_raw, mean_q, err)) == 0)
            rc = build_rows(dev, gd, c, mean_q, err);
        gd->constant[c] = (int32_t)cst;
    }
    free(mean_raw);
    free(mean_q);
    if (rc == 0 && gp->task == MLQ_TASK_ANOMALY &&
        quantize_in(ldexp(gp->threshold, 16), -((int64_t)1 << 62), (int64_t)1 << 62,
                    &gd->m.threshold) != 0)
        rc = mlq_device_refuse(dev, err, "gmm.threshold",
                               "%g nats is beyond the device's 2^46 in magnitude", gp->threshold);
    return rc;
}

static int gmm_device_build(mlq_device *dev, mlq_err *err)
{
    const mlq_model *m = dev->model;
    const gmm_params *gp = m->params;
    size_t d = gp->n_features, n_comp = gp->n_groups * gp->n_components;
    int full = gp->full, task = gp->task;
    gmm_device *gd = mlq_calloc(1, sizeof *gd);

    if (gd == NULL || gmm_device_alloc(gd, gp) != 0) {
        gmm_device_release(gd);
        return mlq_err_set(err, mlq_model_file(m), 0, "out of memory");
    }
    if (gmm_device_fill(dev, gd, err) != 0) {
        gmm_device_release(gd);
        return -1;
    }
    gd->m.n_features = (uint16_t)d;
    gd->m.n_groups = (uint16_t)gp->n_groups;
    gd->m.n_components = (uint16_t)gp->n_components;
    gd->m.covariance = full ? MLQ_GMM_FULL : MLQ_GMM_DIAG;
    gd->m.task = task == MLQ_TASK_CLASSIFY  ? MLQ_GMM_CLASSIFY
                 : task == MLQ_TASK_ANOMALY ? MLQ_GMM_ANOMALY
                                            : MLQ_GMM_CLUSTER;
    gd->m.factor = gd->factor;
    gd->m.exponent = gd->exponent;
    gd->m.offset = gd->offset;
    gd->m.constant = gd->constant;
    dev->impl = gd;
    if (mlq_gmm_check(&gd->m) != MLQ_OK)
        return mlq_device_refuse(dev, err, "gmm", "the device model fails mlq_gmm_check");
    dev->n_outputs = task == MLQ_TASK_CLASSIFY ? gp->n_groups : task == MLQ_TASK_ANOMALY ? 2 : gp->n_components;
    /* Coefficients: factor entries, offsets, constants (+ threshold). */
    dev->n_coef = n_comp * ((full ? d * (d + 1) / 2 : d) + d + 1) + (task == MLQ_TASK_ANOMALY);
    dev->flash_bytes += n_comp * (gd->factor_len * sizeof(mlq_q15_t) + d + d * sizeof(int32_t) +
                                  sizeof(int32_t)) +
                        sizeof(mlq_gmm_q15);
    mlq_device_note_far(dev, n_comp * gd->factor_len * sizeof(mlq_q15_t));
    dev->work_bytes = mlq_gmm_work_size(&gd->m);
    snprintf(dev->kern.work, sizeof dev->kern.work, "MLQ_GMM_WORK_BYTES(%zu, %zu)", n_comp, d);
    dev->kern.header = "mlq/gmm.h";
    dev->kern.type = "mlq_gmm_q15";
    dev->kern.check = "mlq_gmm_check";
    dev->kern.predict = full ? "mlq_gmm_full_predict_q15" : "mlq_gmm_diag_predict_q15";
    dev->kern.scores = full ? "mlq_gmm_full_scores_q15" : "mlq_gmm_diag_scores_q15";
    dev->kern.proba = task == MLQ_TASK_ANOMALY ? NULL
                      : full                   ? "mlq_gmm_full_proba_q15"
                                               : "mlq_gmm_diag_proba_q15";
    snprintf(dev->kern.scores_are, sizeof dev->kern.scores_are, "%s",
             task == MLQ_TASK_CLASSIFY
                 ? "each class's log-likelihood plus its log prior, in nats of the standardized features"
             : task == MLQ_TASK_ANOMALY
                 ? "log-likelihood minus the anomaly threshold (0: normal) and its negation (1: anomaly), in nats"
                 : "each component's log-density, its weight included, in nats of the standardized features");
    return 0;
}

static mlq_status gmm_device_predict(const mlq_device *dev, const mlq_q15_t *q, uint16_t *out)
{
    const gmm_device *gd = dev->impl;

    return mlq_gmm_predict_q15(&gd->m, q, gd->m.n_features, dev->work, dev->work_bytes, out);
}

static mlq_status gmm_device_scores(const mlq_device *dev, const mlq_q15_t *q, int32_t *scores)
{
    const gmm_device *gd = dev->impl;

    return mlq_gmm_scores_q15(&gd->m, q, gd->m.n_features, dev->work, dev->work_bytes, scores);
}

static mlq_status gmm_device_proba(const mlq_device *dev, const mlq_q15_t *q, uint16_t *proba)
{
    const gmm_device *gd = dev->impl;

    return mlq_gmm_proba_q15(&gd->m, q, gd->m.n_features, dev->work, dev->work_bytes, proba);
}

static void gmm_device_free(mlq_device *dev)
{
    gmm_device_release(dev->impl);
    dev->impl = NULL;
}

/* mlq_emit_ints of n values of an integer array of `size`-byte signed (or, size 1, unsigned)
 * entries; a ctype of NULL: mlq_emit_far_q15 of int16 values. */
static int emit(FILE *f, const char *ctype, const char *name, const char *suffix,
                const char *shape, const void *src, size_t size, size_t n, size_t cols)
{
    int64_t *tmp = mlq_calloc(n ? n : 1, sizeof *tmp);
    size_t i;

    if (tmp == NULL)
        return -1;
    for (i = 0; i < n; i++)
        tmp[i] = size == 1   ? ((const uint8_t *)src)[i]
                 : size == 2 ? ((const int16_t *)src)[i]
                             : ((const int32_t *)src)[i];
    if (ctype == NULL)
        mlq_emit_far_q15(f, name, suffix, shape, tmp, n, cols);
    else
        mlq_emit_ints(f, ctype, name, suffix, shape, tmp, n, cols);
    free(tmp);
    return 0;
}

static int gmm_export_body(FILE *f, const mlq_device *dev, const char *name)
{
    const gmm_device *gd = dev->impl;
    const mlq_gmm_q15 *m = &gd->m;
    size_t d = m->n_features, n_comp = (size_t)m->n_groups * m->n_components, len = gd->factor_len;
    int full = m->covariance == MLQ_GMM_FULL;
    char shape[160];

    fprintf(f, "/* %zu group(s) x %zu component(s), %s covariance. */\n", (size_t)m->n_groups,
            (size_t)m->n_components, full ? "full" : "diagonal");
    if (full)
        snprintf(shape, sizeof shape,
                 "[%zu][%zu] Q15 rows of the precision's Cholesky factor times 2^exponent, "
                 "lower triangle, rows padded to even", n_comp, len);
    else
        snprintf(shape, sizeof shape, "[%zu][%zu] 1/sd in Q15 steps times 2^exponent%s", n_comp,
                 len, len != d ? ", rows zero-padded to even" : "");
    if (emit(f, NULL, name, "factor", shape, gd->factor, 2, n_comp * len, len < 12 ? len : 12) != 0)
        return -1;
    snprintf(shape, sizeof shape, "[%zu][%zu] row exponents e", n_comp, d);
    if (emit(f, "uint8_t", name, "exponent", shape, gd->exponent, 1, n_comp * d, d < 16 ? d : 16) != 0)
        return -1;
    if (full)
        snprintf(shape, sizeof shape, "[%zu][%zu] -floor(2^(16 - e) A_i . m) (Q16) for e > 16, "
                 "else -A_i . m (m: the quantized mean)", n_comp, d);
    else
        snprintf(shape, sizeof shape, "[%zu][%zu] A_i . m (m: the quantized mean), same scale as the rows",
                 n_comp, d);
    if (emit(f, "int32_t", name, "bias", shape, gd->offset, 4, n_comp * d, d < 8 ? d : 8) != 0)
        return -1;
    snprintf(shape, sizeof shape, "[%zu] log weight + log prior - log det L - (d/2) log 2pi, Q15.16",
             n_comp);
    if (emit(f, "int32_t", name, "constant", shape, gd->constant, 4, n_comp, n_comp < 8 ? n_comp : 8) != 0)
        return -1;
    fprintf(f,
            "MLQ_MAYBE_UNUSED static const mlq_gmm_q15 %s_model MLQ_FLASH = {%zu, %u, %u, %s, %s, MLQ_FAR_REF(%s_factor), "
            "%s_exponent, %s_bias, %s_constant, INT64_C(%lld)};\n",
            name, d, (unsigned)m->n_groups, (unsigned)m->n_components,
            full ? "MLQ_GMM_FULL" : "MLQ_GMM_DIAG",
            m->task == MLQ_GMM_CLASSIFY  ? "MLQ_GMM_CLASSIFY"
            : m->task == MLQ_GMM_ANOMALY ? "MLQ_GMM_ANOMALY"
                                         : "MLQ_GMM_CLUSTER",
            name, name, name, name, (long long)m->threshold);
    return 0;
}

static void gmm_info(FILE *f, const mlq_device *dev)
{
    const gmm_device *gd = dev->impl;
    const mlq_gmm_q15 *m = &gd->m;
    size_t d = m->n_features, n_comp = (size_t)m->n_groups * m->n_components;

    fprintf(f, "task              %s\n", m->task == MLQ_GMM_CLASSIFY ? "per-class classification"
                                         : m->task == MLQ_GMM_ANOMALY ? "anomaly detection"
                                                                      : "clustering");
    fprintf(f, "components        %u group(s) x %u, %s covariance\n", (unsigned)m->n_groups,
            (unsigned)m->n_components, m->covariance == MLQ_GMM_FULL ? "full" : "diagonal");
    if (m->task == MLQ_GMM_ANOMALY)
        fprintf(f, "threshold         %.6g (log-likelihood, standardized features)\n",
                ldexp((double)m->threshold, -16));
    fprintf(f, "device model      %zu x %zu Q15 factor entries, %zu exponents, %zu int32 offsets, "
               "%zu int32 constants\n", n_comp, gd->factor_len, n_comp * d, n_comp * d, n_comp);
    fprintf(f, "device RAM        0 bytes (model is const, in flash)\n");
    fprintf(f, "device scratch    %zu bytes (mlq_gmm_work_size; the entries keep it on the stack)\n",
            mlq_gmm_work_size(m));
    fprintf(f, "device stack      %zu bytes input buffer in NAME_predict + scratch + the kernel's "
               "frame (measured by make bench)\n", d * sizeof(mlq_q15_t));
}

/* ---- the instruction estimate's work (device_algo.h) ---------------------- */

/*
 * NAME_predict abandons a component as soon as its Mahalanobis sum passes
 * what could still change the answer (src/gmm.c: prune_limit, group_lse,
 * gmm_predict), so its work depends on the input. The replay follows that
 * order in float on the host model, summing into w the factor entries read
 * (w[0]) and the rows evaluated (w[1]): an estimate of the work, not the
 * device's arithmetic.
 */
typedef struct gmm_replay {
    const gmm_params *gp;
    const double *z; /* the standardized row */
    double w[2];
} gmm_replay;

/* Component c's log-likelihood in nats, or -HUGE_VAL once it is below floor. */
static double replay_ll(gmm_replay *r, size_t c, double floor)
{
    const gmm_params *gp = r->gp;
    size_t d = gp->n_features, i, j;
    const double *mu = gp->means + c * d, *p = gp->prec_chol + c * (gp->full ? d * d : d);
    double cst = gp->log_const[c], maha = 0.0;

    if (cst < floor)
        return -HUGE_VAL;
    for (i = 0; i < d; i++) {
        double y = 0.0;

        for (j = gp->full ? 0 : i; j <= i; j++)
            y += p[gp->full ? i * d + j : j] * (r->z[j] - mu[j]);
        r->w[0] += gp->full ? (double)(i + 1) : 1.0;
        r->w[1] += 1.0;
        maha += 0.5 * y * y;
        if (cst - maha < floor)
            return -HUGE_VAL;
    }
    return cst - maha;
}

/* Group g's log-sum-exp of its components, -HUGE_VAL when all fall below floor. */
static double replay_group(gmm_replay *r, size_t g, double floor)
{
    size_t k = r->gp->n_components, c;
    double max = -HUGE_VAL, sum = 0.0;

    for (c = g * k; c < (g + 1) * k; c++) {
        double v = replay_ll(r, c, floor);

        if (v > max) {
            sum = sum * exp(max - v) + 1.0;
            max = v;
            if (max - MLQ_SOFTPLUS_END_Q16 / 65536.0 > floor)
                floor = max - MLQ_SOFTPLUS_END_Q16 / 65536.0;
        } else if (v > -HUGE_VAL) {
            sum += exp(v - max);
        }
    }
    return max > -HUGE_VAL ? max + log(sum) : max;
}

static void replay_row(gmm_replay *r)
{
    const gmm_params *gp = r->gp;
    size_t k = gp->n_components, i;
    double margin = (double)(k - 1) * (MLQ_SOFTPLUS_END_Q16 + MLQ_SOFTPLUS_MAX_Q16 + 1) / 65536.0;
    double best, v;

    if (gp->task == MLQ_TASK_ANOMALY) {
        replay_group(r, 0, gp->threshold - margin);
        return;
    }
    if (gp->task == MLQ_TASK_CLUSTER) {
        for (best = replay_ll(r, 0, -HUGE_VAL), i = 1; i < k; i++)
            if ((v = replay_ll(r, i, best)) > best)
                best = v;
        return;
    }
    for (best = replay_group(r, 0, -HUGE_VAL), i = 1; i < gp->n_groups; i++)
        if ((v = replay_group(r, i, best - margin)) > best)
            best = v;
}

/* The replay over the rows x, or with no rows over the components' means. */
static void gmm_work(const mlq_device *dev, const double *x, size_t rows, double w[2])
{
    const mlq_model *m = dev->model;
    const gmm_params *gp = m->params;
    size_t d = gp->n_features, n_comp = gp->n_groups * gp->n_components;
    size_t n = rows > 0 ? rows : n_comp, i, j;
    double *z = mlq_calloc(d, sizeof *z);
    gmm_replay r = {gp, z, {0.0, 0.0}};

    if (z == NULL) { /* out of memory: every component in full */
        w[0] = (double)(n_comp * (gp->full ? d * (d + 1) / 2 : d));
        w[1] = (double)(n_comp * d);
        return;
    }
    for (i = 0; i < n; i++) {
        if (rows == 0) {
            memcpy(z, gp->means + i * d, d * sizeof *z);
        } else {
            mlq_model_standardize(m, x + i * d, z);
            for (j = 0; j < d; j++) /* the device's input saturates at the range */
                z[j] = fmax(-m->input_range, fmin(m->input_range, z[j]));
        }
        replay_row(&r);
    }
    free(z);
    w[0] = r.w[0] / (double)n;
    w[1] = r.w[1] / (double)n;
}

static const char *gmm_smaller(const mlq_device *dev)
{
    (void)dev;
    return "fewer components (--components), or --covariance diag";
}

const mlq_device_algo mlq_device_gmm = {
    .bits = "16",
    .build = gmm_device_build,
    .predict = gmm_device_predict,
    .scores = gmm_device_scores,
    .proba = gmm_device_proba,
    .free = gmm_device_free,
    .export_body = gmm_export_body,
    .info = gmm_info,
    .smaller = gmm_smaller,
    .work = gmm_work,
};
