/* SPDX-License-Identifier: MIT */
/*
 * Gaussian mixture device side: folds every input-independent quantity of
 * the float model into integers (see mlq/gmm.h for the formulas):
 *  - row i of P = L^-1 (the precision's Cholesky factor), in y units per
 *    Q15 input step (P R / 32768), scaled by 2^e_i with e_i the largest
 *    exponent in 9..47 that keeps the row's largest entry within int16
 *    (every row keeps 15 significant bits, whatever the data's range);
 *    rounded half away from zero, saturating (counted) only when a row
 *    needs e_i < 9, i.e. a standard deviation below R / 2^24;
 *  - b_i = A_i . m, m the component's mean quantized exactly as the
 *    device quantizes an input (the raw mean through mlq_quant_f32_to_q15),
 *    so that A_i . q - b_i = A_i . (q - m) exactly (full rows store
 *    o_i = -floor(b_i 2^(16 - e_i)) in Q16, saturating (counted) when
 *    |P_i mu| reaches 32768). A feature that is
 *    constant within a component (variance reg-covar, so P is large) then
 *    gives y_i = 0 on the device exactly when it does on the host, instead
 *    of the half input step of two different roundings times P;
 *  - the constants C_c in Q15.16 (int32, saturating: counted) and the
 *    anomaly threshold in Q47.16.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "algo.h"
#include "export.h"
#include "export_gmm.h"
#include "gmm_params.h"
#include "mlq/gmm.h"

#define EXP_MIN 9
#define EXP_MAX 47

typedef struct gmm_device {
    mlq_gmm_q15 m;
    mlq_q15_t *factor;  /* diag [c][d + (d & 1)], full [c][len] */
    uint8_t *exponent;  /* [c][d] */
    int32_t *offset;    /* [c][d] */
    int32_t *constant;  /* [c] */
    size_t factor_len;  /* entries of factor per component */
    int64_t *work;      /* host scratch for the kernel, [c] */
} gmm_device;

static void gmm_device_release(gmm_device *gd)
{
    if (gd == NULL)
        return;
    free(gd->factor);
    free(gd->exponent);
    free(gd->offset);
    free(gd->constant);
    free(gd->work);
    free(gd);
}

/* Largest e in EXP_MIN..EXP_MAX with round(max * 2^e) <= 32767. */
static unsigned row_exponent(double max)
{
    int e = EXP_MAX;

    while (e > EXP_MIN && ldexp(max, e) >= 32767.5)
        e--;
    return (unsigned)e;
}

int mlq_gmm_device_build(mlq_device *dev, mlq_err *err)
{
    const mlq_model *m = dev->model;
    const gmm_params *gp = m->params;
    size_t d = gp->n_features, n_comp = gp->n_groups * gp->n_components, c, i, j, len;
    size_t row_d = d + (d & 1);
    double steps = mlq_input_steps(m);
    gmm_device *gd = mlq_calloc(1, sizeof *gd);
    float *mean_raw = NULL;
    mlq_q15_t *mean_q = NULL;

    len = 0;
    for (i = 0; i < d; i++)
        len += gp->full ? (i + 2) & ~(size_t)1 : 0;
    if (!gp->full)
        len = row_d;
    if (gd == NULL || (gd->factor = mlq_calloc(n_comp, len * sizeof(mlq_q15_t))) == NULL ||
        (gd->exponent = mlq_calloc(n_comp, d)) == NULL ||
        (gd->constant = mlq_calloc(n_comp, sizeof(int32_t))) == NULL ||
        (gd->work = mlq_calloc(n_comp, sizeof(int64_t))) == NULL ||
        (gd->offset = mlq_calloc(n_comp, d * sizeof(int32_t))) == NULL) {
        gmm_device_release(gd);
        return mlq_err_set(err, m->source, 0, "out of memory");
    }
    gd->factor_len = len;
    if ((mean_raw = mlq_calloc(d, sizeof *mean_raw)) == NULL ||
        (mean_q = mlq_calloc(d, sizeof *mean_q)) == NULL) {
        free(mean_raw);
        gmm_device_release(gd);
        return mlq_err_set(err, m->source, 0, "out of memory");
    }
    for (c = 0; c < n_comp; c++) {
        const double *mu = gp->means + c * d;
        mlq_q15_t *a = gd->factor + c * len;

        /* The mean as a raw feature vector, quantized like any input. */
        for (j = 0; j < d; j++)
            mean_raw[j] = (float)(m->mean[j] + mu[j] * m->scale[j]);
        if (mlq_quant_f32_to_q15(&dev->quant, mean_raw, (uint16_t)d, mean_q) != MLQ_OK) {
            free(mean_raw);
            free(mean_q);
            gmm_device_release(gd);
            return mlq_err_set(err, m->source, 0, "component %zu: mean out of range", c);
        }

        for (i = 0; i < d; i++) {
            /* Row i: entries j0..i of P (full) or the one entry i (diag). */
            size_t j0 = gp->full ? 0 : i, n_row = gp->full ? i + 1 : 1;
            const double *p = gp->full ? gp->prec_chol + c * d * d + i * d : gp->prec_chol + c * d;
            mlq_q15_t *row = gp->full ? a : a + i;
            double max = 0.0;
            int64_t b = 0;
            unsigned e;

            for (j = j0; j < j0 + n_row; j++)
                if (fabs(p[j] / steps) > max)
                    max = fabs(p[j] / steps);
            e = row_exponent(max);
            gd->exponent[c * d + i] = (uint8_t)e;
            for (j = j0; j < j0 + n_row; j++) {
                mlq_q15_t v = mlq_quantize_q15(ldexp(p[j] / steps, (int)e), &dev->clipped);

                row[j - j0] = v;
                b += (int64_t)v * mean_q[j]; /* exact: |b| <= d 2^30 */
            }
            if (gp->full) {
                /* -floor(b 2^(16 - e)) in Q16 (e > 16), else -b at the row's
                 * scale; saturating (counted) beyond int32. */
                int64_t o = e > 16 ? -(b >= 0 ? b >> (e - 16) : -((-b - 1) >> (e - 16)) - 1) : -b;

                gd->offset[c * d + i] = (int32_t)mlq_quantize((double)o, INT32_MIN, INT32_MAX, &dev->clipped);
                a += (i + 2) & ~(size_t)1;
            } else {
                gd->offset[c * d + i] = (int32_t)b; /* |A m| <= 32768^2 - 32768 < 2^30 */
            }
        }
        gd->constant[c] = (int32_t)mlq_quantize(ldexp(gp->log_const[c], 16), INT32_MIN, INT32_MAX,
                                                &dev->clipped);
    }
    free(mean_raw);
    free(mean_q);
    gd->m.n_features = (uint16_t)d;
    gd->m.n_groups = (uint16_t)gp->n_groups;
    gd->m.n_components = (uint16_t)gp->n_components;
    gd->m.covariance = gp->full ? MLQ_GMM_FULL : MLQ_GMM_DIAG;
    gd->m.task = gp->task == MLQ_TASK_CLASSIFY  ? MLQ_GMM_CLASSIFY
                 : gp->task == MLQ_TASK_ANOMALY ? MLQ_GMM_ANOMALY
                                                : MLQ_GMM_CLUSTER;
    gd->m.factor = gd->factor;
    gd->m.exponent = gd->exponent;
    gd->m.offset = gd->offset;
    gd->m.constant = gd->constant;
    gd->m.threshold = gp->task == MLQ_TASK_ANOMALY
                          ? mlq_quantize(ldexp(gp->threshold, 16), -((int64_t)1 << 61),
                                         (int64_t)1 << 61, &dev->clipped)
                          : 0;
    dev->impl = gd;
    dev->n_outputs = gp->task == MLQ_TASK_CLASSIFY  ? gp->n_groups
                     : gp->task == MLQ_TASK_ANOMALY ? 2
                                                    : gp->n_components;
    /* Coefficients: factor entries, offsets, constants (+ threshold). */
    dev->n_coef = n_comp * ((gp->full ? d * (d + 1) / 2 : d) + d + 1) +
                  (gp->task == MLQ_TASK_ANOMALY);
    dev->flash_bytes += n_comp * (len * sizeof(mlq_q15_t) + d + d * sizeof(int32_t) +
                                  sizeof(int32_t)) +
                        sizeof(mlq_gmm_q15);
    return 0;
}

mlq_status mlq_gmm_device_predict(const mlq_device *dev, const mlq_q15_t *q, int *out)
{
    const gmm_device *gd = dev->impl;
    uint16_t id;
    mlq_status s = mlq_gmm_predict_q15(&gd->m, q, gd->m.n_features, gd->work,
                                       mlq_gmm_work_size(&gd->m), &id);

    if (s == MLQ_OK)
        *out = id;
    return s;
}

mlq_status mlq_gmm_device_scores(const mlq_device *dev, const mlq_q15_t *q, double *scores)
{
    const gmm_device *gd = dev->impl;
    int64_t ll;
    mlq_status s = mlq_gmm_score_q15(&gd->m, q, gd->m.n_features, gd->work,
                                     mlq_gmm_work_size(&gd->m), &ll);

    if (s == MLQ_OK)
        scores[0] = ldexp((double)ll, -16);
    return s;
}

void mlq_gmm_device_free(mlq_device *dev)
{
    gmm_device_release(dev->impl);
    dev->impl = NULL;
}

static int emit(FILE *f, const char *ctype, const char *name, const char *suffix,
                const char *shape, size_t n, size_t cols, const void *src, int kind)
{
    int64_t *tmp = mlq_calloc(n ? n : 1, sizeof *tmp);
    size_t i;

    if (tmp == NULL)
        return -1;
    for (i = 0; i < n; i++) {
        switch (kind) {
        case 0: tmp[i] = ((const mlq_q15_t *)src)[i]; break;
        case 1: tmp[i] = ((const uint8_t *)src)[i]; break;
        case 2: tmp[i] = ((const int32_t *)src)[i]; break;
        default: tmp[i] = ((const int64_t *)src)[i]; break;
        }
    }
    mlq_emit_ints(f, ctype, name, suffix, shape, tmp, n, cols);
    free(tmp);
    return 0;
}

static const char *task_name(int task)
{
    return task == MLQ_GMM_CLASSIFY ? "classes" : task == MLQ_GMM_ANOMALY ? "anomaly flag" : "clusters";
}

int mlq_gmm_export_body(FILE *f, const mlq_device *dev, const char *name)
{
    const gmm_device *gd = dev->impl;
    const mlq_gmm_q15 *m = &gd->m;
    size_t d = m->n_features, n_comp = (size_t)m->n_groups * m->n_components;
    int full = m->covariance == MLQ_GMM_FULL;
    char shape[160];

    fprintf(f, "#include \"mlq/gmm.h\"\n\n"
               "#if MLQ_GMM_FORMAT != %d\n"
               "#error \"%s was exported for mlq gmm format %d: re-export it with this mlq\"\n"
               "#endif\n\n"
               "/* %zu group(s) x %zu component(s), %s covariance; predict gives %s.\n"
               " * Log-likelihoods (NAME_score) are Q47.16 int64_t: natural log of the\n"
               " * density of the standardized features, times 65536. */\n"
               "#define %s_N_OUTPUTS %zu\n"
               "#define %s_WORK_BYTES %zu /* scratch of the kernel, MLQ_GMM_WORK_BYTES(%zu, %zu)%s */\n\n",
            MLQ_GMM_FORMAT, name, MLQ_GMM_FORMAT, (size_t)m->n_groups, (size_t)m->n_components,
            full ? "full" : "diagonal", task_name(m->task), name, dev->n_outputs, name,
            mlq_gmm_work_size(m), n_comp, d, full ? "" : "; diagonal: none");
    if (full)
        snprintf(shape, sizeof shape,
                 "[%zu][%zu] Q15 rows of the precision's Cholesky factor times 2^exponent, "
                 "lower triangle, rows padded to even", n_comp, gd->factor_len);
    else
        snprintf(shape, sizeof shape,
                 "[%zu][%zu] 1/sd in Q15 steps times 2^exponent%s", n_comp, gd->factor_len,
                 gd->factor_len != d ? ", rows zero-padded to even" : "");
    if (emit(f, "mlq_q15_t", name, "factor", shape, n_comp * gd->factor_len,
             gd->factor_len < 12 ? gd->factor_len : 12, gd->factor, 0) != 0)
        return -1;
    snprintf(shape, sizeof shape, "[%zu][%zu] row exponents e", n_comp, d);
    if (emit(f, "uint8_t", name, "exponent", shape, n_comp * d, d < 16 ? d : 16, gd->exponent, 1) != 0)
        return -1;
    if (full)
        snprintf(shape, sizeof shape, "[%zu][%zu] -floor(2^(16 - e) A_i . m) (Q16) for e > 16, else -A_i . m "
                 "(m: the quantized mean)", n_comp, d);
    else
        snprintf(shape, sizeof shape, "[%zu][%zu] A_i . m (m: the quantized mean), same scale as the rows", n_comp, d);
    if (emit(f, "int32_t", name, "bias", shape, n_comp * d, d < 8 ? d : 8, gd->offset, 2))
        return -1;
    snprintf(shape, sizeof shape,
             "[%zu] log weight + log prior - log det L - (d/2) log 2pi, Q15.16", n_comp);
    if (emit(f, "int32_t", name, "constant", shape, n_comp, n_comp < 8 ? n_comp : 8, gd->constant, 2) != 0)
        return -1;
    fprintf(f,
            "MLQ_MAYBE_UNUSED static const mlq_gmm_q15 %s_model = {%zu, %u, %u, %s, %s, %s_factor, "
            "%s_exponent, %s_bias, %s_constant, INT64_C(%lld)};\n\n",
            name, d, (unsigned)m->n_groups, (unsigned)m->n_components,
            full ? "MLQ_GMM_FULL" : "MLQ_GMM_DIAG",
            m->task == MLQ_GMM_CLASSIFY  ? "MLQ_GMM_CLASSIFY"
            : m->task == MLQ_GMM_ANOMALY ? "MLQ_GMM_ANOMALY"
                                         : "MLQ_GMM_CLUSTER",
            name, name, name, name, (long long)m->threshold);
    if (full)
        fprintf(f,
                "/** %s of a Q1.15 input (see mlq/quant.h); %s_WORK_BYTES of scratch on the stack.\n"
                " *  @return id >= 0, or a negative mlq_status. */\n"
                "static inline int %s_predict_q15(const mlq_q15_t *x)\n"
                "{\n"
                "    int64_t work[%zu];\n"
                "    uint16_t id;\n"
                "    mlq_status s = mlq_gmm_full_predict_q15(&%s_model, x, %zu, work, sizeof work, &id);\n"
                "    return s == MLQ_OK ? (int)id : (int)s;\n"
                "}\n\n"
                "/** Log-likelihood of a Q1.15 input, Q47.16, into *ll. @return MLQ_OK or an error. */\n"
                "static inline int %s_score_q15(const mlq_q15_t *x, int64_t *ll)\n"
                "{\n"
                "    int64_t work[%zu];\n"
                "    return (int)mlq_gmm_full_score_q15(&%s_model, x, %zu, work, sizeof work, ll);\n"
                "}\n",
                m->task == MLQ_GMM_CLASSIFY ? "Class" : m->task == MLQ_GMM_ANOMALY ? "Anomaly flag (1/0)" : "Cluster",
                name, name, n_comp, name, d, name, n_comp, name, d);
    else
        fprintf(f,
                "/** %s of a Q1.15 input (see mlq/quant.h); no scratch.\n"
                " *  @return id >= 0, or a negative mlq_status. */\n"
                "static inline int %s_predict_q15(const mlq_q15_t *x)\n"
                "{\n"
                "    uint16_t id;\n"
                "    mlq_status s = mlq_gmm_diag_predict_q15(&%s_model, x, %zu, &id);\n"
                "    return s == MLQ_OK ? (int)id : (int)s;\n"
                "}\n\n"
                "/** Log-likelihood of a Q1.15 input, Q47.16, into *ll. @return MLQ_OK or an error. */\n"
                "static inline int %s_score_q15(const mlq_q15_t *x, int64_t *ll)\n"
                "{\n"
                "    return (int)mlq_gmm_diag_score_q15(&%s_model, x, %zu, ll);\n"
                "}\n",
                m->task == MLQ_GMM_CLASSIFY ? "Class" : m->task == MLQ_GMM_ANOMALY ? "Anomaly flag (1/0)" : "Cluster",
                name, name, d, name, name, d);
    return 0;
}

int mlq_gmm_export_tail(FILE *f, const mlq_device *dev, const char *name)
{
    size_t d = dev->model->n_features;

    fprintf(f,
            "\n/** Log-likelihood of float features (training CSV units and column order),\n"
            " *  Q47.16 (natural log of the standardized features' density, times 65536), into\n"
            " *  *ll. @return MLQ_OK, or a negative mlq_status (NaN input). */\n"
            "static inline int %s_score(const float *x, int64_t *ll)\n"
            "{\n"
            "    mlq_q15_t q[%zu] MLQ_ALIGN4;\n"
            "    mlq_status s = mlq_quant_f32_to_q15(&%s_quant, x, %zu, q);\n"
            "    return s == MLQ_OK ? %s_score_q15(q, ll) : (int)s;\n"
            "}\n",
            name, d, name, d, name);
    return 0;
}

void mlq_gmm_info(FILE *f, const mlq_device *dev)
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
    fprintf(f, "device scratch    %zu bytes (mlq_gmm_work_size; NAME_predict keeps it on the stack)\n",
            mlq_gmm_work_size(m));
    fprintf(f, "device stack      %zu bytes input buffer in NAME_predict + scratch + the kernel's "
               "frame (measured by make bench)\n", d * sizeof(mlq_q15_t));
}
