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
 *  - Scores: each pair's shift from its integer decision value to Q15.16
 *    (dec_shift), from which the device adds votes and margins.
 *  - Regression (epsilon-SVR): the same with one decision function (all
 *    support vectors, one coefficient row), whose Q15.16 value is the one
 *    score (mlq_svm_X_regress_q15): the prediction in standardized target
 *    units, which export_regress.c turns into the target.
 * What the device cannot represent is refused with the model-file field
 * that causes it (refuse_sizes, refuse_ranges, fold_linear, poly_constants), and every
 * model built passes mlq_svm_check.
 * Every quantization goes through mlq_quantize, so saturation is counted
 * and reported by export, compare and info.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "device_algo.h"
#include "export_svm.h"
#include "mlq/svm.h"
#include "svm_params.h"

#define LN2 0.69314718055994530942 /* ln 2 */

/* The coarsest and finest power-of-two scales of the exporter's integers:
 * a value scaled by 2^f, f in [-FRAC_MAX, FRAC_MAX]. */
#define FRAC_MAX 60

/* Largest f in [-FRAC_MAX, FRAC_MAX] with maxabs * 2^f <= limit (FRAC_MAX
 * for 0; -FRAC_MAX when none is, which callers refuse first). */
static int frac_for(double maxabs, double limit)
{
    double lf;
    int f;

    if (!(maxabs > 0))
        return FRAC_MAX;
    lf = floor(log2(limit) - log2(maxabs)); /* both finite: no overflow */
    f = lf > FRAC_MAX ? FRAC_MAX : lf < -FRAC_MAX ? -FRAC_MAX : (int)lf;
    while (f < FRAC_MAX && ldexp(maxabs, f + 1) <= limit)
        f++;
    while (f > -FRAC_MAX && ldexp(maxabs, f) > limit)
        f--;
    return f;
}

/* Does maxabs fit limit at the coarsest scale 2^-FRAC_MAX? */
static int fits_at_all(double maxabs, double limit)
{
    return ldexp(maxabs, -FRAC_MAX) <= limit; /* false for NaN and infinity */
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

static void device_free(mlq_svm_dev *kd)
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
    free(kd->dec_shift);
    free(kd->pow_shift);
    free(kd->frac);
    free(kd);
}

static void svm_device_free(mlq_device *dev)
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
 * that mul keeps as many bits as it can. Any gamma > 0 has them.
 */
static void rbf_constants(mlq_svm_dev *kd, double gamma, double steps, uint16_t n_features,
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

    if (!(lim <= far)) /* infinity for a tiny gamma */
        lim = far;
    k_limit = (int64_t)ceil(lim); /* in [0, 2^48] */
    if (k_limit < 1)
        k_limit = 1;
    top = (uint64_t)(k_limit - 1);
    while (pre < 31 && (top << (pre + 1)) >> 32 == 0)
        pre++;
    top <<= pre;
    /* u (UQ16.16) per unit of d2 (Q2.30), times 2^(32 - pre); infinity for
     * a huge gamma, which no shift brings below 2^32. */
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
 * 0; -1 when memory is short; 1 when gamma is too large for the range of
 * t (svm.t_max): t's format would have to give up so many fraction bits
 * for the gain x.s -> t that its bound or a power step has no bit left; 2
 * when gamma z.s is too small next to that range (a large coef0): t would
 * not depend on the input. tm must be finite (the caller refuses it
 * otherwise).
 */
static int poly_constants(mlq_svm_dev *kd, const svm_params *sp, double steps, uint16_t n_features)
{
    double steps2 = steps * steps, tm = 2.0 * fmax(sp->t_max, fabs(sp->coef0)), lt, dot_lim, g,
           v = 0;
    int ft, fk, fprev, k, s, pre, pre_min;

    if (tm < ldexp(1.0, -20))
        tm = ldexp(1.0, -20);
    lt = log2(tm); /* in [-20, 1024] */
    ft = 30 - (int)ceil(lt);
    /* a = x.s >> pre: the training range's dots use 31 bits, and no dot of
     * any input can overflow int32 (n_features < 2^(pre + 1)). */
    dot_lim = (tm + fabs(sp->coef0)) * steps2 / sp->gamma;
    if (!(dot_lim <= ldexp(1.0, 47))) /* beyond 65535 * 2^30, the largest |x . s| */
        dot_lim = ldexp(1.0, 47);
    pre = bit_length((uint64_t)ceil(dot_lim)) - 31;
    pre_min = bit_length(n_features); /* n < 2^pre_min, so n < 2^(pre + 1) too */
    if (pre < pre_min)
        pre = pre_min;
    /* t = a * k_mul / 2^k_shift with k_mul < 2^31 and k_shift >= 32 (t is
     * then the high word of the product): the gain a -> t must be below
     * 1/2. Where it is not, t gets fewer fraction bits: a has no more to
     * give, and the powers keep their formats. A gamma the training range
     * does not bound (a model file's) can take every bit: refused below. */
    for (;;) {
        g = sp->gamma / steps2 * ldexp(1.0, pre + ft);
        if (floor(ldexp(g, 32) + 0.5) <= 2147483647.0 || ft < -2100)
            break;
        ft--;
    }
    for (s = 63; s > 32; s--)
        if (floor(ldexp(g, s) + 0.5) <= 2147483647.0)
            break;
    v = floor(ldexp(g, s) + 0.5);
    if (!(v <= 2147483647.0 && ldexp(tm, ft) >= 1.0))
        return 1;
    /* The largest |gamma z.s| of any input (|x . s| <= n 2^30) in t's
     * steps: below one, the input would not change t. */
    if (!(ldexp(sp->gamma / steps2 * n_features, 30 + ft) >= 1.0))
        return 2;
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
        if (sh < 1) /* the powers would leave 32 bits */
            return 1;
        kd->pow_shift[k - 2] = (uint8_t)sh;
        fprev = fk;
    }
    kd->kernel_frac = fprev;
    return 0;
}

/*
 * What the device cannot represent in any kernel: more than 32767 classes
 * (votes in Q15.16 scores), more than 65535 support vectors, dual
 * coefficients that saturate int16 even at the coarsest scale 2^-60, and
 * (poly) kernel values whose float model overflows. Sizes first, so that a
 * model refused for them is not read further. 0, or -1 with err.
 */
static int refuse_sizes(const mlq_device *dev, mlq_err *err)
{
    const mlq_model *m = dev->model;
    const svm_params *sp = m->params;

    if (m->n_classes > 32767)
        return mlq_device_refuse(dev, err, "class_names",
                                 "%zu classes: the device's scores count votes of at most 32767",
                                 m->n_classes);
    if (sp->n_sv > 65535)
        return mlq_device_refuse(dev, err, "svm.sv_count",
                                 "%zu support vectors: the device format holds at most 65535",
                                 sp->n_sv);
    return 0;
}

static int refuse_ranges(const mlq_device *dev, double cmax, mlq_err *err)
{
    const mlq_model *m = dev->model;
    const svm_params *sp = m->params;

    if (!fits_at_all(cmax, 32767.0))
        return mlq_device_refuse(dev, err, "svm.dual_coef",
                                 "a coefficient of magnitude %g is beyond the device's int16 "
                                 "coefficients even at the coarsest scale 2^-%d (at most %g)",
                                 cmax, FRAC_MAX, ldexp(32767.0, FRAC_MAX));
    if (sp->kernel == SVM_POLY) {
        /* The largest kernel value, times every coefficient, must be a
         * double, with room for the host's sums. */
        double tm = 2.0 * fmax(sp->t_max, fabs(sp->coef0)), csum = 0.0;
        size_t s;

        for (s = 0; s < svm_n_coef_rows(sp) * sp->n_sv; s++)
            csum += fabs(sp->coef[s]);
        if (!(pow(tm, sp->degree) * fmax(csum, 1.0) < ldexp(1.0, 1000)))
            return mlq_device_refuse(
                dev, err, fabs(sp->coef0) >= sp->t_max ? "svm.coef0" : "svm.t_max",
                "the polynomial kernel reaches (2 x %g)^%d, which with the dual coefficients "
                "leaves the range of a double",
                fmax(sp->t_max, fabs(sp->coef0)), sp->degree);
    }
    return 0;
}

/* wz += the sum of coef[row][s] * sv[s] over the support vectors first..last - 1. */
static void add_svs(const svm_params *sp, size_t p, size_t first, size_t last, size_t row,
                    double *wz)
{
    size_t s, j;

    for (s = first; s < last; s++)
        for (j = 0; j < p; j++)
            wz[j] += sp->coef[row * sp->n_sv + s] * sp->sv[s * p + j];
}

/*
 * Decision function q of a linear model from its folded weights wz
 * (standardized units): w in Q15 input steps and rho, with the power-of-two
 * scale that keeps max |w| within int16 and rho within int64. `what` names
 * the function in a refusal. 0, -1 with err.
 */
static int fold_one(mlq_device *dev, mlq_svm_dev *kd, size_t q, const double *wz,
                    const char *what, mlq_err *err)
{
    const mlq_model *m = dev->model;
    const svm_params *sp = m->params;
    size_t p = m->n_features, row = MLQ_ROW_LEN(p), j;
    double steps = mlq_input_steps(m), wmax = 0.0, rho = fabs(sp->rho[q]);
    int f;

    for (j = 0; j < p; j++)
        wmax = fmax(wmax, fabs(wz[j] / steps)); /* fmax drops a NaN: checked below */
    for (j = 0; j < p && isfinite(wz[j]); j++)
        ;
    if (j < p || !fits_at_all(wmax, 32767.0))
        return mlq_device_refuse(dev, err, "svm.support_vectors",
                                 "folded with svm.dual_coef, the weights of %s reach %g Q15 input "
                                 "steps, beyond the device's int16 weights even at the coarsest "
                                 "scale 2^-%d",
                                 what, j < p ? (double)INFINITY : wmax, FRAC_MAX);
    if (!fits_at_all(rho, ldexp(1.0, 62)))
        return sp->regress ? mlq_device_refuse(dev, err, "svm.intercept",
                                               "%g is beyond the device's int64 intercept even at "
                                               "the coarsest scale 2^-%d",
                                               -sp->rho[q], FRAC_MAX)
                           : mlq_device_refuse(dev, err, "svm.rho",
                                               "entry %zu (%g) is beyond the device's int64 "
                                               "intercepts even at the coarsest scale 2^-%d",
                                               q, sp->rho[q], FRAC_MAX);
    f = frac_for(wmax, 32767.0);
    if (frac_for(rho, ldexp(1.0, 62)) < f)
        f = frac_for(rho, ldexp(1.0, 62));
    kd->frac[q] = f;
    for (j = 0; j < p; j++)
        kd->w[q * row + j] = (mlq_q15_t)mlq_quantize(ldexp(wz[j] / steps, f), INT16_MIN, INT16_MAX,
                                                     &dev->clipped);
    kd->rho[q] = mlq_quantize(ldexp(sp->rho[q], f), -((int64_t)1 << 62), (int64_t)1 << 62,
                              &dev->clipped);
    return 0;
}

/*
 * Fold a linear model: w_p = sum of coef * s over the SVs of the pair's two
 * classes (a regression: over every SV), each decision function by
 * fold_one. 0, -1 with err.
 */
static int fold_linear(mlq_device *dev, mlq_svm_dev *kd, mlq_err *err)
{
    const mlq_model *m = dev->model;
    const svm_params *sp = m->params;
    size_t p = m->n_features, row = MLQ_ROW_LEN(p), nu = sp->n_used, i, c, q = 0;
    double *wz = mlq_calloc(p, sizeof *wz);
    char what[80];
    int rc = 0;

    kd->w = mlq_calloc(kd->n_pairs * row, sizeof *kd->w);
    if (wz == NULL || kd->w == NULL) {
        free(wz);
        return mlq_err_set(err, mlq_model_file(m), 0, "out of memory");
    }
    if (sp->regress) {
        add_svs(sp, p, 0, sp->n_sv, 0, wz);
        rc = fold_one(dev, kd, 0, wz, "the regression", err);
    }
    for (i = 0; i < nu && rc == 0; i++) {
        for (c = i + 1; c < nu && rc == 0; c++, q++) {
            memset(wz, 0, p * sizeof *wz);
            add_svs(sp, p, sp->sv_first[i], sp->sv_first[i + 1], c - 1, wz);
            add_svs(sp, p, sp->sv_first[c], sp->sv_first[c + 1], i, wz);
            snprintf(what, sizeof what, "the pair of classes %d and %d", sp->classes[i],
                     sp->classes[c]);
            rc = fold_one(dev, kd, q, wz, what, err);
        }
    }
    free(wz);
    if (rc != 0)
        return rc;
    kd->m.w = kd->w;
    dev->n_coef += kd->n_pairs * p;
    dev->flash_bytes += kd->n_pairs * row * sizeof(mlq_q15_t);
    mlq_device_note_array(dev, kd->n_pairs * row * sizeof(mlq_q15_t));
    return 0;
}

/*
 * A kernel model: support vectors in the input domain, coefficients with
 * one scale, the kernel's constants, intercepts in the units of the pairs'
 * sums (saturated to 2^62 and counted: a larger one decides every vote
 * alike). 0, -1 with err.
 */
static int kernel_model(mlq_device *dev, mlq_svm_dev *kd, double cmax, mlq_err *err)
{
    const mlq_model *m = dev->model;
    const svm_params *sp = m->params;
    size_t p = m->n_features, row = MLQ_ROW_LEN(p), nu = sp->n_used, nsv = sp->n_sv;
    size_t c, s, j, q, n_coef = svm_n_coef_rows(sp) * nsv;
    double steps = mlq_input_steps(m);
    int rc;

    kd->sv_start = mlq_calloc(nu + 1, sizeof *kd->sv_start);
    kd->sv = mlq_calloc(nsv * row, sizeof *kd->sv);
    kd->coef = mlq_calloc(n_coef, sizeof *kd->coef);
    if (sp->kernel == SVM_RBF)
        kd->sv_norm = mlq_calloc(nsv, sizeof *kd->sv_norm);
    if (kd->sv_start == NULL || kd->sv == NULL || kd->coef == NULL ||
        (sp->kernel == SVM_RBF && kd->sv_norm == NULL))
        return mlq_err_set(err, mlq_model_file(m), 0, "out of memory");
    for (c = 0; c <= nu; c++)
        kd->sv_start[c] = (uint16_t)sp->sv_first[c];
    for (s = 0; s < nsv; s++) {
        int64_t norm = 0;

        for (j = 0; j < p; j++) {
            mlq_q15_t v = mlq_quantize_q15(sp->sv[s * p + j] * steps, &dev->clipped);

            kd->sv[s * row + j] = v;
            norm += (int64_t)v * v;
        }
        if (kd->sv_norm != NULL)
            kd->sv_norm[s] = norm;
    }
    kd->coef_frac = frac_for(cmax, 32767.0);
    for (s = 0; s < n_coef; s++)
        kd->coef[s] = (mlq_q15_t)mlq_quantize(ldexp(sp->coef[s], kd->coef_frac), INT16_MIN,
                                              INT16_MAX, &dev->clipped);
    if (sp->kernel == SVM_RBF) {
        rbf_constants(kd, sp->gamma, steps, (uint16_t)p, &dev->clipped);
        dev->flash_bytes += nsv * sizeof(int64_t);
    } else if ((rc = poly_constants(kd, sp, steps, (uint16_t)p)) < 0) {
        return mlq_err_set(err, mlq_model_file(m), 0, "out of memory");
    } else if (rc == 1) {
        return mlq_device_refuse(dev, err, "svm.gamma",
                                 "%g is too large for the polynomial kernel's base range "
                                 "(|gamma z.s + coef0| <= 2 x %g, svm.t_max): the device's 32-bit "
                                 "format of it would keep no bit",
                                 sp->gamma, fmax(sp->t_max, fabs(sp->coef0)));
    } else if (rc == 2) {
        return mlq_device_refuse(dev, err, 2.0 * fabs(sp->coef0) >= sp->t_max ? "svm.coef0" : "svm.gamma",
                                 "gamma %g times any z.s is below one step of the device's 32-bit "
                                 "format of gamma z.s + coef0 (coef0 %g, bound 2 x %g): the kernel "
                                 "would not depend on the input",
                                 sp->gamma, sp->coef0, fmax(sp->t_max, fabs(sp->coef0)));
    }
    for (q = 0; q < kd->n_pairs; q++) {
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
    dev->n_coef += nsv * p + n_coef;
    dev->flash_bytes += nsv * row * sizeof(mlq_q15_t) + n_coef * sizeof(mlq_q15_t) +
                        (nu + 1) * sizeof(uint16_t) +
                        (sp->kernel == SVM_POLY ? (size_t)sp->degree - 1 : 0);
    mlq_device_note_far(dev, nsv * row * sizeof(mlq_q15_t));
    mlq_device_note_array(dev, n_coef * sizeof(mlq_q15_t));
    return 0;
}

const char *mlq_svm_kernel_macro(unsigned kernel)
{
    return kernel == MLQ_SVM_LINEAR ? "MLQ_SVM_LINEAR" : kernel == MLQ_SVM_RBF ? "MLQ_SVM_RBF" : "MLQ_SVM_POLY";
}

/* The kernel-specific entries the header calls, by mlq_svm_kernel. */
static const char *const predict_names[3] = {"mlq_svm_linear_predict_q15", "mlq_svm_rbf_predict_q15",
                                             "mlq_svm_poly_predict_q15"};
static const char *const scores_names[3] = {"mlq_svm_linear_scores_q15", "mlq_svm_rbf_scores_q15",
                                            "mlq_svm_poly_scores_q15"};
/* A regression model's one score; its predict kernel is the classifier's, which reports 0. */
static const char *const regress_names[3] = {"mlq_svm_linear_regress_q15", "mlq_svm_rbf_regress_q15",
                                             "mlq_svm_poly_regress_q15"};

static int svm_device_build(mlq_device *dev, mlq_err *err)
{
    const mlq_model *m = dev->model;
    const svm_params *sp = m->params;
    size_t nu = sp->n_used, np = svm_n_dec(sp), c, q;
    double cmax = 0.0;
    int identity = 1, linear = sp->kernel == SVM_LINEAR;
    mlq_svm_dev *kd;

    if (refuse_sizes(dev, err) != 0)
        return -1;
    for (c = 0; c < svm_n_coef_rows(sp) * sp->n_sv; c++)
        cmax = fmax(cmax, fabs(sp->coef[c])); /* fmax drops a NaN; the loader refuses them */
    if (refuse_ranges(dev, cmax, err) != 0)
        return -1;
    kd = mlq_calloc(1, sizeof *kd);
    if (kd == NULL)
        return mlq_err_set(err, mlq_model_file(m), 0, "out of memory");
    dev->impl = kd; /* freed by mlq_device_free on any error below */
    kd->n_pairs = np;
    kd->rho = mlq_calloc(np, sizeof *kd->rho);
    kd->frac = mlq_calloc(np, sizeof *kd->frac);
    kd->dec_shift = mlq_calloc(np, sizeof *kd->dec_shift);
    kd->class_ids = mlq_calloc(nu, sizeof *kd->class_ids);
    if (kd->rho == NULL || kd->frac == NULL || kd->dec_shift == NULL || kd->class_ids == NULL)
        return mlq_err_set(err, mlq_model_file(m), 0, "out of memory");
    for (c = 0; c < nu && !sp->regress; c++) {
        kd->class_ids[c] = (uint16_t)sp->classes[c];
        identity &= sp->classes[c] == (int)c;
    }
    if (identity) {
        free(kd->class_ids);
        kd->class_ids = NULL;
    }
    kd->m.n_classes = (uint16_t)nu;
    kd->m.n_features = (uint16_t)m->n_features;
    kd->m.n_outputs = (uint16_t)(sp->regress ? 1 : m->n_classes);
    kd->m.kernel = (uint8_t)(linear ? MLQ_SVM_LINEAR : sp->kernel == SVM_RBF ? MLQ_SVM_RBF : MLQ_SVM_POLY);
    kd->m.class_ids = kd->class_ids;
    kd->m.rho = kd->rho;
    kd->m.dec_shift = kd->dec_shift;
    dev->flash_bytes += sizeof(mlq_svm_q15) + np * (sizeof(int64_t) + sizeof(int8_t)) +
                        (identity ? 0 : nu * sizeof(uint16_t));
    dev->n_coef = np;
    if ((linear ? fold_linear(dev, kd, err) : kernel_model(dev, kd, cmax, err)) != 0)
        return -1;
    /* Q15.16 decision values are the pairs' integers shifted by frac - 16;
     * beyond int8 the clamped shift gives the same (0, or saturation). */
    for (q = 0; q < np; q++)
        kd->dec_shift[q] = (int8_t)(kd->frac[q] - 16 > 127    ? 127
                                    : kd->frac[q] - 16 < -128 ? -128
                                                              : kd->frac[q] - 16);
    if (mlq_svm_check(&kd->m) != MLQ_OK)
        return mlq_device_refuse(dev, err, "svm", "the device model fails mlq_svm_check");
    dev->n_outputs = kd->m.n_outputs;
    dev->work_bytes = mlq_svm_work_size(&kd->m);
    dev->kern.header = "mlq/svm.h";
    dev->kern.type = "mlq_svm_q15";
    dev->kern.check = "mlq_svm_check";
    dev->kern.predict = predict_names[kd->m.kernel];
    dev->kern.scores = (sp->regress ? regress_names : scores_names)[kd->m.kernel];
    dev->kern.proba = NULL; /* no Platt scaling is trained: no probabilities */
    snprintf(dev->kern.work, sizeof dev->kern.work, "MLQ_SVM_WORK_BYTES(%s, %zu, %zu)",
             mlq_svm_kernel_macro(kd->m.kernel), (size_t)kd->m.n_sv, nu);
    snprintf(dev->kern.scores_are, sizeof dev->kern.scores_are, "%s",
             sp->regress ? "the prediction in standardized target units (sum of coefficient x "
                           "kernel value - rho)"
                         : "one-vs-one votes plus the class's summed pairwise decision values, "
                           "within half a vote (-0.5: not voted among)");
    return 0;
}

static mlq_status svm_device_predict(const mlq_device *dev, const mlq_q15_t *q, uint16_t *out)
{
    const mlq_svm_dev *kd = dev->impl;

    return mlq_svm_predict_q15(&kd->m, q, kd->m.n_features, dev->work, dev->work_bytes, out);
}

static mlq_status svm_device_scores(const mlq_device *dev, const mlq_q15_t *q, int32_t *scores)
{
    const mlq_svm_dev *kd = dev->impl;

    return (kd->m.n_classes == 1 ? mlq_svm_regress_q15 : mlq_svm_scores_q15)(
        &kd->m, q, kd->m.n_features, dev->work, dev->work_bytes, scores);
}

/* The instruction estimate's work (device_algo.h): linear, a dot product per
 * pair; otherwise a dot product and a kernel value per support vector, then
 * the coefficient rows against the kernel values. */
static void svm_work(const mlq_device *dev, const double *x, size_t rows, double w[2])
{
    const svm_params *sp = dev->model->params;
    const mlq_svm_dev *kd = dev->impl;
    double p = (double)dev->model->n_features, n_sv = (double)sp->n_sv;

    (void)x;
    (void)rows;
    if (sp->kernel == SVM_LINEAR) {
        w[0] = (double)kd->n_pairs * p;
        w[1] = (double)kd->n_pairs;
        return;
    }
    w[0] = n_sv * (p + (double)svm_n_coef_rows(sp));
    w[1] = n_sv;
}

static const char *svm_smaller(const mlq_device *dev)
{
    if (((const svm_params *)dev->model->params)->regress)
        return "--kernel linear (one weight vector instead of the support vectors), a larger "
               "--epsilon (fewer support vectors), or fewer training rows";
    return "--kernel linear (one weight vector per class pair instead of the support vectors), "
           "or fewer training rows";
}

const mlq_device_algo mlq_device_svm = {
    .bits = "16",
    .build = svm_device_build,
    .predict = svm_device_predict,
    .scores = svm_device_scores,
    .proba = NULL, /* no Platt scaling is trained: no probabilities */
    .free = svm_device_free,
    .export_body = mlq_svm_export_body,
    .info = mlq_svm_info,
    .smaller = svm_smaller,
    .work = svm_work,
};
