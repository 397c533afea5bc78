/* SPDX-License-Identifier: MIT */
/*
 * SVM device side: the float model (standardized units) becomes an
 * mlq_svm_q15 in the Q1.15 input domain (see mlq/svm.h for the integer
 * arithmetic these formats feed).
 *
 *  - Support vectors: z * 32768 / R, rounded, saturated (and counted) like
 *    every input-domain parameter; stored once, grouped by class.
 *  - Dual coefficients: one power-of-two scale for the model, the largest
 *    that keeps max |coef| within int16 (Q(coef_frac)).
 *  - RBF: kernel values in Q1.15; the exponent gamma |z - s|^2 / ln 2 of
 *    2^-u comes from the integer squared distance through a 32-bit
 *    normalization and one 32 x 32 multiply whose constants are chosen here
 *    from gamma and R.
 *  - Poly: the base gamma z.s + coef0 gets the format that holds twice its
 *    largest magnitude on the training rows (recorded by the trainer),
 *    where the device clamps it, and each power its own int32 format
 *    with the same headroom (2^k for the k-th power); kernel values stay
 *    32-bit, since a few training rows far out can make the largest value
 *    many orders above the typical one.
 *  - Intercepts: int64 in the units of each pair's sum.
 *  - Linear: the support vectors are folded into one weight vector per
 *    pair, w = sum coef * s (in input steps), each pair with the
 *    power-of-two scale that keeps max |w| within int16.
 * Every quantization goes through mlq_quantize, so saturation is counted
 * and reported by export, compare and info.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "algo.h"
#include "export_svm.h"
#include "mlq/svm.h"
#include "svm_params.h"

#define LN2 0.69314718055994530942 /* ln 2 */

typedef struct svm_device {
    mlq_svm_q15 m;
    uint16_t *class_ids;  /* [n_used] or NULL (identity) */
    uint16_t *sv_start;   /* [n_used + 1] */
    mlq_q15_t *sv;        /* [n_sv][row] */
    int64_t *sv_norm;     /* [n_sv] */
    mlq_q15_t *coef;      /* [n_used - 1][n_sv] */
    mlq_q15_t *w;         /* [n_pairs][row] */
    int64_t *rho;         /* [n_pairs] */
    uint8_t *pow_shift;   /* [degree - 1] */
    int *frac;            /* [n_pairs] decision value = integer / 2^frac */
    int64_t *dec;         /* [n_pairs] scratch of device_scores */
    uint32_t *work;       /* scratch of the kernel */
    size_t work_bytes, n_pairs;
    int coef_frac, kernel_frac;
} svm_device;

/* Largest f (within [-60, 60]) with maxabs * 2^f <= limit. */
static int frac_for(double maxabs, double limit)
{
    int f;

    if (!(maxabs > 0))
        return 15;
    f = (int)floor(log2(limit / maxabs));
    while (f < 60 && ldexp(maxabs, f + 1) <= limit)
        f++;
    while (f > -60 && ldexp(maxabs, f) > limit)
        f--;
    return f;
}

/* Number of bits of v (0 for 0). */
static int bit_length(uint64_t v)
{
    int n = 0;

    while (v != 0) {
        n++;
        v >>= 1;
    }
    return n;
}

static void device_free(svm_device *kd)
{
    if (kd == NULL)
        return;
    free(kd->class_ids);
    free(kd->sv_start);
    free(kd->sv);
    free(kd->sv_norm);
    free(kd->coef);
    free(kd->w);
    free(kd->rho);
    free(kd->pow_shift);
    free(kd->frac);
    free(kd->dec);
    free(kd->work);
    free(kd);
}

void mlq_svm_device_free(mlq_device *dev)
{
    device_free(dev->impl);
    dev->impl = NULL;
}

/* floor(top * mul / 2^32) < 2^32: the device's u fits 32 bits (mlq/svm.h). */
static int rbf_fits(uint64_t top, uint64_t mul)
{
    return (top >> 32) * mul + (((top & 0xFFFFFFFFu) * mul) >> 32) <= 0xFFFFFFFFu;
}

/*
 * RBF argument constants: k_limit, k_pre, k_mul, k_shift (see mlq/svm.h):
 * the largest pre, then the largest shift, for which mul fits 32 bits and
 * the device's u fits 32 bits at the largest distance below the limit, so
 * that mul keeps as many bits as it can.
 */
static void rbf_constants(svm_device *kd, double gamma, double steps, uint16_t n_features,
                          size_t *clipped)
{
    /* u = gamma |z - s|^2 / ln 2 reaches 17 (kernel value 0) at lim. No two
     * Q15 vectors are n_features * 2^32 apart (Q2.30), so a larger limit
     * changes nothing. */
    double steps2 = steps * steps, lim = 17.0 * LN2 * steps2 / gamma, g, v = 0;
    double far = ldexp((double)n_features, 32) + 1.0;
    int64_t k_limit;
    uint64_t top;
    int pre = 0, s;

    if (lim > far)
        lim = far;
    k_limit = (int64_t)ceil(lim);
    if (k_limit < 1)
        k_limit = 1;
    top = (uint64_t)(k_limit - 1);
    while (pre < 31 && (top << (pre + 1)) >> 32 == 0)
        pre++;
    top <<= pre;
    /* u (UQ16.16) per unit of d2 (Q2.30), times 2^(32 - pre). */
    g = gamma / LN2 / steps2 * ldexp(1.0, 16 + 32 - pre);
    for (s = 31; s >= 0; s--) {
        v = floor(ldexp(g, s) + 0.5);
        if (v <= 4294967295.0 && rbf_fits(top, (uint64_t)v))
            break;
    }
    if (s < 0) { /* gamma too large for the input range: the kernel is 0 off the SVs */
        s = 0;
        v = 4294967295.0;
        while (!rbf_fits(top, (uint64_t)v))
            v = floor(v / 2);
        ++*clipped;
    }
    kd->m.k_limit = k_limit;
    kd->m.k_pre = (int8_t)pre;
    kd->m.k_mul = (uint32_t)v;
    kd->m.k_shift = (uint8_t)s;
    kd->kernel_frac = 15;
}

/*
 * Polynomial constants: k_pre, k_mul, k_shift, k_add, k_limit, pow_shift,
 * kernel_frac (the device's rules are in mlq/svm.h). t = gamma z.s + coef0
 * is bounded by tm, twice its largest value on the training rows; t is
 * kept in Q(ft) with tm * 2^ft <= 2^30, and power k in Q(30 - ceil(k
 * log2 tm)), so that every power of a clamped t is within 2^30.
 */
static int poly_constants(svm_device *kd, const svm_params *sp, double steps, uint16_t n_features,
                          size_t *clipped)
{
    double steps2 = steps * steps, tm = 2.0 * fmax(sp->t_max, fabs(sp->coef0)), lt, dot_lim, g,
           v = 0;
    int ft, fk, fprev, k, s, pre, pre_min;

    if (tm < ldexp(1.0, -20))
        tm = ldexp(1.0, -20);
    lt = log2(tm);
    ft = 30 - (int)ceil(lt);
    /* a = x.s >> pre: the training range's dots use 31 bits, and no dot of
     * any input can overflow int32 (n_features < 2^(pre + 1)). */
    dot_lim = (tm + fabs(sp->coef0)) * steps2 / sp->gamma;
    if (dot_lim > ldexp(1.0, 47)) /* beyond 65535 * 2^30, the largest |x . s| */
        dot_lim = ldexp(1.0, 47);
    pre = bit_length((uint64_t)ceil(dot_lim)) - 31;
    pre_min = bit_length(n_features); /* n < 2^pre_min, so n < 2^(pre + 1) too */
    if (pre < pre_min)
        pre = pre_min;
    /* t = a * k_mul / 2^k_shift with k_mul < 2^31 and k_shift >= 32 (t is
     * then the high word of the product): the gain a -> t must be below
     * 1/2. Where it is not, t gets fewer fraction bits: a has no more to
     * give, and the powers keep their formats. */
    for (;;) {
        g = sp->gamma / steps2 * ldexp(1.0, pre + ft);
        if (floor(ldexp(g, 32) + 0.5) <= 2147483647.0)
            break;
        ft--;
    }
    for (s = 63; s > 32; s--)
        if (floor(ldexp(g, s) + 0.5) <= 2147483647.0)
            break;
    v = floor(ldexp(g, s) + 0.5);
    if (v < 1.0) /* gamma too small for the input range: t is coef0 alone */
        ++*clipped;
    kd->m.k_pre = (int8_t)pre;
    kd->m.k_mul = (uint32_t)v;
    kd->m.k_shift = (uint8_t)s;
    kd->m.k_add = (int32_t)floor(ldexp(sp->coef0, ft) + 0.5); /* |coef0| <= tm / 2: below 2^29 */
    kd->m.k_limit = (int64_t)floor(ldexp(tm, ft));                /* 1 .. 2^30 */
    kd->m.degree = (uint8_t)sp->degree;
    if (sp->degree > 1 && (kd->pow_shift = mlq_calloc((size_t)sp->degree - 1, 1)) == NULL)
        return -1;
    fprev = ft;
    for (k = 2; k <= sp->degree; k++) {
        int sh;

        fk = 30 - (int)ceil(k * lt);
        sh = fprev + ft - fk; /* 29 or 30, less the fraction bits t gave up */
        if (sh < 1) { /* only for dots far below their format: reported */
            sh = 1;
            ++*clipped;
        }
        kd->pow_shift[k - 2] = (uint8_t)sh;
        fprev = fk;
    }
    kd->kernel_frac = fprev;
    return 0;
}

int mlq_svm_device_build(mlq_device *dev, mlq_err *err)
{
    const mlq_model *m = dev->model;
    const svm_params *sp = m->params;
    size_t p = m->n_features, row = (p + 1) & ~(size_t)1, nu = sp->n_used, nsv = sp->n_sv;
    size_t np = nu * (nu - 1) / 2, c, s, j, i, q;
    double steps = mlq_input_steps(m), cmax = 0.0;
    int identity = 1, linear = sp->kernel == SVM_LINEAR;
    svm_device *kd;

    if (nsv > 65535)
        return mlq_err_set(err, m->source, 0,
                           "%zu support vectors: the device format holds at most 65535", nsv);
    kd = mlq_calloc(1, sizeof *kd);
    if (kd == NULL)
        return mlq_err_set(err, m->source, 0, "out of memory");
    kd->n_pairs = np;
    kd->rho = mlq_calloc(np, sizeof *kd->rho);
    kd->frac = mlq_calloc(np, sizeof *kd->frac);
    kd->dec = mlq_calloc(np, sizeof *kd->dec);
    kd->class_ids = mlq_calloc(nu, sizeof *kd->class_ids);
    if (kd->rho == NULL || kd->frac == NULL || kd->dec == NULL || kd->class_ids == NULL)
        goto oom;
    for (c = 0; c < nu; c++) {
        kd->class_ids[c] = (uint16_t)sp->classes[c];
        identity &= sp->classes[c] == (int)c;
    }
    if (identity) {
        free(kd->class_ids);
        kd->class_ids = NULL;
    }
    kd->m.n_classes = (uint16_t)nu;
    kd->m.n_features = (uint16_t)p;
    kd->m.kernel = (uint8_t)(linear ? MLQ_SVM_LINEAR : sp->kernel == SVM_RBF ? MLQ_SVM_RBF : MLQ_SVM_POLY);
    kd->m.class_ids = kd->class_ids;
    kd->m.rho = kd->rho;
    dev->flash_bytes += sizeof(mlq_svm_q15) + np * sizeof(int64_t) +
                        (identity ? 0 : nu * sizeof(uint16_t));
    dev->n_coef = np;

    if (linear) {
        /* Fold: w_p = sum of coef * s over the SVs of the pair's two classes. */
        double *wz = mlq_calloc(p, sizeof *wz);

        kd->w = mlq_calloc(np * row, sizeof *kd->w);
        if (wz == NULL || kd->w == NULL) {
            free(wz);
            goto oom;
        }
        q = 0;
        for (i = 0; i < nu; i++) {
            for (c = i + 1; c < nu; c++, q++) {
                double wmax = 0.0, lim;
                int f;

                memset(wz, 0, p * sizeof *wz);
                for (s = sp->sv_first[i]; s < sp->sv_first[i + 1]; s++)
                    for (j = 0; j < p; j++)
                        wz[j] += sp->coef[(c - 1) * nsv + s] * sp->sv[s * p + j];
                for (s = sp->sv_first[c]; s < sp->sv_first[c + 1]; s++)
                    for (j = 0; j < p; j++)
                        wz[j] += sp->coef[i * nsv + s] * sp->sv[s * p + j];
                for (j = 0; j < p; j++)
                    wmax = fmax(wmax, fabs(wz[j] / steps));
                f = frac_for(wmax, 32767.0);
                lim = frac_for(fabs(sp->rho[q]), ldexp(1.0, 62));
                if (lim < f)
                    f = (int)lim;
                kd->frac[q] = f;
                for (j = 0; j < p; j++)
                    kd->w[q * row + j] =
                        (mlq_q15_t)mlq_quantize(ldexp(wz[j] / steps, f), INT16_MIN, INT16_MAX,
                                                &dev->clipped);
                kd->rho[q] = mlq_quantize(ldexp(sp->rho[q], f), -((int64_t)1 << 62),
                                          (int64_t)1 << 62, &dev->clipped);
            }
        }
        free(wz);
        kd->m.w = kd->w;
        dev->n_coef += np * p;
        dev->flash_bytes += np * row * sizeof(mlq_q15_t);
    } else {
        kd->sv_start = mlq_calloc(nu + 1, sizeof *kd->sv_start);
        kd->sv = mlq_calloc(nsv * row, sizeof *kd->sv);
        kd->coef = mlq_calloc((nu - 1) * nsv, sizeof *kd->coef);
        if (kd->sv_start == NULL || kd->sv == NULL || kd->coef == NULL)
            goto oom;
        for (c = 0; c <= nu; c++)
            kd->sv_start[c] = (uint16_t)sp->sv_first[c];
        for (s = 0; s < nsv; s++)
            for (j = 0; j < p; j++)
                kd->sv[s * row + j] = mlq_quantize_q15(sp->sv[s * p + j] * steps, &dev->clipped);
        for (s = 0; s < (nu - 1) * nsv; s++)
            cmax = fmax(cmax, fabs(sp->coef[s]));
        kd->coef_frac = frac_for(cmax, 32767.0);
        for (s = 0; s < (nu - 1) * nsv; s++)
            kd->coef[s] = (mlq_q15_t)mlq_quantize(ldexp(sp->coef[s], kd->coef_frac), INT16_MIN,
                                                  INT16_MAX, &dev->clipped);
        if (sp->kernel == SVM_RBF) {
            kd->sv_norm = mlq_calloc(nsv, sizeof *kd->sv_norm);
            if (kd->sv_norm == NULL)
                goto oom;
            for (s = 0; s < nsv; s++) {
                int64_t norm = 0;

                for (j = 0; j < p; j++)
                    norm += (int64_t)kd->sv[s * row + j] * kd->sv[s * row + j];
                kd->sv_norm[s] = norm;
            }
            rbf_constants(kd, sp->gamma, steps, (uint16_t)p, &dev->clipped);
            dev->flash_bytes += nsv * sizeof(int64_t);
        } else if (poly_constants(kd, sp, steps, (uint16_t)p, &dev->clipped) != 0) {
            goto oom;
        }
        for (q = 0; q < np; q++) {
            kd->frac[q] = kd->kernel_frac + kd->coef_frac;
            kd->rho[q] = mlq_quantize(ldexp(sp->rho[q], kd->frac[q]), -((int64_t)1 << 62),
                                      (int64_t)1 << 62, &dev->clipped);
        }
        kd->m.n_sv = (uint16_t)nsv;
        kd->m.sv_start = kd->sv_start;
        kd->m.sv = kd->sv;
        kd->m.sv_norm = kd->sv_norm;
        kd->m.coef = kd->coef;
        kd->m.pow_shift = kd->pow_shift;
        dev->n_coef += nsv * p + (nu - 1) * nsv;
        dev->flash_bytes += nsv * row * sizeof(mlq_q15_t) + (nu - 1) * nsv * sizeof(mlq_q15_t) +
                            (nu + 1) * sizeof(uint16_t) +
                            (sp->kernel == SVM_POLY ? (size_t)sp->degree - 1 : 0);
    }
    kd->work_bytes = mlq_svm_work_size(&kd->m);
    kd->work = mlq_calloc(kd->work_bytes / 4 + 1, sizeof *kd->work);
    if (kd->work == NULL)
        goto oom;
    dev->impl = kd;
    dev->n_outputs = m->n_classes;
    return 0;
oom:
    device_free(kd);
    return mlq_err_set(err, m->source, 0, "out of memory");
}

mlq_status mlq_svm_device_predict(const mlq_device *dev, const mlq_q15_t *q, int *out)
{
    const svm_device *kd = dev->impl;
    uint16_t cls;
    mlq_status s = mlq_svm_predict_q15(&kd->m, q, kd->m.n_features, kd->work, kd->work_bytes, &cls);

    if (s == MLQ_OK)
        *out = cls;
    return s;
}

mlq_status mlq_svm_device_scores(const mlq_device *dev, const mlq_q15_t *q, double *scores)
{
    const svm_device *kd = dev->impl;
    mlq_status s = mlq_svm_decision_q15(&kd->m, q, kd->m.n_features, kd->work, kd->work_bytes,
                                        kd->dec);
    size_t i;

    if (s == MLQ_OK)
        for (i = 0; i < kd->n_pairs; i++)
            scores[i] = ldexp((double)kd->dec[i], -kd->frac[i]);
    return s;
}

static const char *kernel_macro(unsigned k)
{
    return k == MLQ_SVM_LINEAR ? "MLQ_SVM_LINEAR" : k == MLQ_SVM_RBF ? "MLQ_SVM_RBF" : "MLQ_SVM_POLY";
}

int mlq_svm_export_body(FILE *f, const mlq_device *dev, const char *name)
{
    const svm_device *kd = dev->impl;
    const mlq_svm_q15 *m = &kd->m;
    size_t nu = m->n_classes, p = m->n_features, row = (p + 1) & ~(size_t)1, nsv = m->n_sv;
    size_t np = kd->n_pairs, n_max, i, cols = row < 12 ? row : 12;
    int linear = m->kernel == MLQ_SVM_LINEAR;
    char shape[160];
    int64_t *tmp;

    n_max = linear ? np * row : nsv * row;
    if (n_max < (nu - 1) * nsv)
        n_max = (nu - 1) * nsv;
    if (n_max < nu + 1)
        n_max = nu + 1;
    if ((tmp = mlq_calloc(n_max + 16, sizeof *tmp)) == NULL)
        return -1;
    fprintf(f, "#include \"mlq/svm.h\"\n\n"
               "#if MLQ_SVM_FORMAT != %d\n"
               "#error \"%s was exported for mlq SVM format %d: re-export it with this mlq\"\n"
               "#endif\n\n"
               "#define %s_N_CLASSES %zu\n"
               "#define %s_N_SV %zu\n\n",
            MLQ_SVM_FORMAT, name, MLQ_SVM_FORMAT, name, dev->n_outputs, name, nsv);
    if (kd->class_ids != NULL) {
        for (i = 0; i < nu; i++)
            tmp[i] = kd->class_ids[i];
        snprintf(shape, sizeof shape, "[%zu] class id of each voted class", nu);
        mlq_emit_ints(f, "uint16_t", name, "class_ids", shape, tmp, nu, 12);
    }
    if (linear) {
        for (i = 0; i < np * row; i++)
            tmp[i] = kd->w[i];
        snprintf(shape, sizeof shape,
                 "[%zu][%zu%s] folded weights per class pair, Q15 input steps x 2^frac%s", np, p,
                 row == p ? "" : " + 1", row == p ? "" : ", each row zero-padded");
        mlq_emit_ints(f, "mlq_q15_t", name, "w", shape, tmp, np * row, cols);
    } else {
        for (i = 0; i <= nu; i++)
            tmp[i] = kd->sv_start[i];
        snprintf(shape, sizeof shape, "[%zu] first support vector of each class", nu + 1);
        mlq_emit_ints(f, "uint16_t", name, "sv_start", shape, tmp, nu + 1, 12);
        for (i = 0; i < nsv * row; i++)
            tmp[i] = kd->sv[i];
        snprintf(shape, sizeof shape, "[%zu][%zu%s] support vectors, Q1.15, input domain%s", nsv,
                 p, row == p ? "" : " + 1", row == p ? "" : ", each row zero-padded");
        mlq_emit_ints(f, "mlq_q15_t", name, "sv", shape, tmp, nsv * row, cols);
        if (kd->sv_norm != NULL) {
            snprintf(shape, sizeof shape, "[%zu] exact sum of squared support vector entries, Q2.30", nsv);
            mlq_emit_ints(f, "int64_t", name, "sv_norm", shape, kd->sv_norm, nsv, 4);
        }
        for (i = 0; i < (nu - 1) * nsv; i++)
            tmp[i] = kd->coef[i];
        snprintf(shape, sizeof shape, "[%zu][%zu] dual coefficients y * alpha, Q%d", nu - 1, nsv,
                 kd->coef_frac);
        mlq_emit_ints(f, "mlq_q15_t", name, "coef", shape, tmp, (nu - 1) * nsv, 12);
        if (kd->pow_shift != NULL) {
            for (i = 0; i + 1 < m->degree; i++)
                tmp[i] = kd->pow_shift[i];
            snprintf(shape, sizeof shape, "[%u] rounding shift after each power step", m->degree - 1u);
            mlq_emit_ints(f, "uint8_t", name, "pow_shift", shape, tmp, (size_t)m->degree - 1, 12);
        }
    }
    if (linear)
        snprintf(shape, sizeof shape, "[%zu] intercepts, in each pair's w . x units", np);
    else
        snprintf(shape, sizeof shape, "[%zu] intercepts, Q%d (kernel Q%d x coefficient Q%d)", np,
                 kd->kernel_frac + kd->coef_frac, kd->kernel_frac, kd->coef_frac);
    mlq_emit_ints(f, "int64_t", name, "rho", shape, kd->rho, np, 4);
    fprintf(f, "MLQ_MAYBE_UNUSED static const mlq_svm_q15 %s_model = {\n"
               "    %zu, %zu, %zu, %s, %u,\n",
            name, nu, p, nsv, kernel_macro(m->kernel), (unsigned)m->degree);
#define ARR(cond, suffix) fprintf(f, (cond) ? "%s_" suffix ", " : "%.0sNULL, ", name)
    fputs("    ", f);
    ARR(kd->class_ids != NULL, "class_ids");
    ARR(!linear, "sv_start");
    ARR(!linear, "sv");
    ARR(kd->sv_norm != NULL, "sv_norm");
    ARR(!linear, "coef");
    ARR(linear, "w");
    fprintf(f, "%s_rho,\n", name);
#undef ARR
    fprintf(f, "    INT64_C(%lld), UINT32_C(%lu), %ld, %d, %u, ", (long long)m->k_limit,
            (unsigned long)m->k_mul, (long)m->k_add, (int)m->k_pre, (unsigned)m->k_shift);
    if (kd->pow_shift != NULL)
        fprintf(f, "%s_pow_shift};\n\n", name);
    else
        fputs("NULL};\n\n", f);
    fprintf(f, "/** Class of a Q1.15 input (see mlq/quant.h), by one-vs-one voting.\n"
               " *  Scratch: %zu bytes of stack (kernel values and votes).\n"
               " *  @return class id >= 0, or a negative mlq_status. */\n"
               "static inline int %s_predict_q15(const mlq_q15_t *x)\n"
               "{\n"
               "    uint32_t work[MLQ_SVM_WORK_WORDS(%s, %zu, %zu)];\n"
               "    uint16_t cls;\n"
               "    mlq_status s = mlq_svm_%s_predict_q15(&%s_model, x, %zu, work, sizeof work, &cls);\n"
               "    return s == MLQ_OK ? (int)cls : (int)s;\n"
               "}\n",
            kd->work_bytes, name, kernel_macro(m->kernel), nsv, nu,
            linear ? "linear" : m->kernel == MLQ_SVM_RBF ? "rbf" : "poly", name, p);
    free(tmp);
    return 0;
}

void mlq_svm_info(FILE *f, const mlq_device *dev)
{
    const svm_device *kd = dev->impl;
    const svm_params *sp = dev->model->params;
    size_t c, p = kd->m.n_features;

    static const char *const names[] = {"linear", "rbf", "poly"};

    fprintf(f, "kernel            %s", names[sp->kernel]);
    if (sp->kernel != SVM_LINEAR)
        fprintf(f, ", gamma %g", sp->gamma);
    if (sp->kernel == SVM_POLY)
        fprintf(f, ", degree %d, coef0 %g", sp->degree, sp->coef0);
    fputc('\n', f);
    fprintf(f, "support vectors   %zu (", sp->n_sv);
    for (c = 0; c < sp->n_used; c++)
        fprintf(f, "%s%s: %zu", c ? ", " : "", dev->model->class_names[sp->classes[c]],
                sp->sv_count[c]);
    fprintf(f, "), %zu class pairs\n", kd->n_pairs);
    if (kd->m.kernel == MLQ_SVM_LINEAR)
        fprintf(f, "device model      %zu folded weight vectors x %zu Q15 + %zu int64 intercepts\n",
                kd->n_pairs, p, kd->n_pairs);
    else
        fprintf(f, "device model      %zu x %zu Q1.15 support vectors (shared by all pairs), "
                   "%zu x %zu Q%d coefficients, %zu int64 intercepts (Q%d)\n",
                (size_t)kd->m.n_sv, p, (size_t)kd->m.n_classes - 1, (size_t)kd->m.n_sv,
                kd->coef_frac, kd->n_pairs, kd->kernel_frac + kd->coef_frac);
    fprintf(f, "device RAM        0 bytes (model is const, in flash)\n");
    fprintf(f, "device stack      %zu bytes input buffer + %zu bytes scratch in NAME_predict + the "
               "kernel's frame (measured by make bench)\n",
            p * sizeof(mlq_q15_t), kd->work_bytes);
}
