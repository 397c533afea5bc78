/* SPDX-License-Identifier: MIT */
/*
 * svm_impl.h -- private to src/svm.c and src/svm_model.c: what the SVM's
 * entries share, the per-call checks, the kernel values of an input
 * against every support vector (RBF through the fixed-point exp, POLY
 * through the exact power steps), the int32 x Q15 dot product, a decision
 * value in Q15.16, and the scratch layout (the rules are in mlq/svm.h).
 * Everything is static: each entry keeps its constants in registers, and
 * a firmware that calls only the classification or only the regression
 * entries links only their code.
 */
#ifndef MLQ_SVM_IMPL_H
#define MLQ_SVM_IMPL_H

#include "mlq/svm.h"

#include "mlq/fixed.h"

#include "dsp.h"

/* The low word of u >> s for s in 1..31, from the 32-bit halves (a
 * variable 64-bit shift is a library call on Cortex-M0). */
static inline uint32_t shr64_lo(uint64_t u, unsigned s)
{
    return ((uint32_t)u >> s) | ((uint32_t)(u >> 32) << (32u - s));
}

/* [128] 2^(-i/128) for i = 1..128 in Q17, minus 2^16 so that it fits 16 bits;
 * rounded to nearest (i = 0, exactly 1, is handled in code). In flash. */
static const uint16_t exp2_tab[128] MLQ_FLASH = {
    64828, 64124, 63424, 62727, 62035, 61346, 60661, 59979, 59301, 58627, 57956, 57289,
    56626, 55966, 55310, 54658, 54008, 53363, 52721, 52082, 51447, 50815, 50187, 49562,
    48940, 48322, 47707, 47095, 46487, 45882, 45280, 44682, 44087, 43495, 42906, 42320,
    41738, 41158, 40582, 40009, 39439, 38872, 38308, 37747, 37190, 36635, 36083, 35534,
    34988, 34446, 33906, 33369, 32834, 32303, 31775, 31249, 30727, 30207, 29690, 29175,
    28664, 28155, 27649, 27146, 26645, 26148, 25652, 25160, 24670, 24183, 23698, 23216,
    22737, 22260, 21786, 21315, 20846, 20379, 19915, 19454, 18995, 18538, 18084, 17633,
    17183, 16737, 16292, 15850, 15411, 14974, 14539, 14106, 13676, 13249, 12823, 12400,
    11979, 11560, 11144, 10730, 10318,  9908,  9501,  9096,  8693,  8292,  7893,  7496,
     7102,  6710,  6320,  5932,  5546,  5162,  4780,  4400,  4022,  3647,  3273,  2902,
     2532,  2164,  1799,  1435,  1073,   714,   356,     0
};

/*
 * 2^-f in Q17 by interpolation, v = t0 - ((t0 - t1) r + 256) >> 9, then
 * rounded to Q15 while shifted by e + 2, (v + 2^(e+1)) >> (e + 2). The two
 * roundings are one: with X = 512 t0 - (t0 - t1) r + 255, v = X >> 9, and
 * the result is (X + 2^(e+10)) >> (e + 11) (X < 2^27).
 */
static inline mlq_q15_t exp2_q15(uint32_t u)
{
    uint32_t e = u >> 16, i = (u >> 9) & 127u, r = u & 511u, t0, t1, v;

    if (e >= 17u)
        return 0;
    t0 = i == 0u ? 65536u : MLQ_RD_U16(&exp2_tab[i - 1u]); /* t0 - 2^16 */
    t1 = MLQ_RD_U16(&exp2_tab[i]);                          /* t1 - 2^16 */
    v = ((t0 << 9) + (((uint32_t)1 << 25) + 255u) - (t0 - t1) * r + ((uint32_t)1024 << e)) >>
        (e + 11u);
    return (mlq_q15_t)(v > 32767u ? 32767u : v);
}

/* What every entry checks per call, for a model of this kernel. */
MLQ_INLINE mlq_status call_ok(const mlq_svm_q15 *m, unsigned kernel, uint16_t n_features,
                              const void *work, size_t work_size)
{
    if (m->kernel != kernel)
        return MLQ_ERR_MODEL;
    if (n_features != m->n_features)
        return MLQ_ERR_SIZE;
    if (work_size < MLQ_SVM_WORK_BYTES(kernel, m->n_sv, m->n_classes) || !MLQ_WORK_ALIGNED(work))
        return MLQ_ERR_BUFFER;
    return MLQ_OK;
}

/* ---- kernel values ---------------------------------------------------------- */

/*
 * x . s for the kernel loops, s a row of the model (in flash). Rows of 3 or
 * 4 features (two words with the padding) of a word-aligned x take
 * short_dot, with x held in registers: on DSP cores two SMLALD, elsewhere
 * four products; other rows take mlq_dot_flash_q15. The same exact integer
 * on every path. The kernel loops have one loop per path, so that each
 * keeps its sums and constants in registers.
 */
static inline int short_rows(const mlq_q15_t *x, mlq_far_at sv, uint32_t n)
{
    return n - 3u < 2u && (((uintptr_t)x | (uintptr_t)sv) & 3u) == 0;
}

/* x of a short row; the fourth lane is 0 for 3 features, as is the row's padding. */
typedef struct short_x {
#if MLQ_DSP
    uint32_t w0, w1;
#else
    int32_t x0, x1, x2, x3;
#endif
} short_x;

static inline short_x short_load(const mlq_q15_t *x, uint32_t n)
{
    short_x v;
#if MLQ_DSP
    v.w0 = mlq_ld32_aligned(x);
    /* three features: x[2] in the half of the word at the lower address,
     * where the row has s[2] (the high half on a big-endian core) */
#if defined(__ARM_BIG_ENDIAN)
    v.w1 = n == 4u ? mlq_ld32_aligned(x + 2) : (uint32_t)(uint16_t)x[2] << 16;
#else
    v.w1 = n == 4u ? mlq_ld32_aligned(x + 2) : (uint32_t)(uint16_t)x[2];
#endif
#else
    v.x0 = x[0];
    v.x1 = x[1];
    v.x2 = x[2];
    v.x3 = n == 4u ? x[3] : 0;
#endif
    return v;
}

/* acc + x . s */
static inline int64_t short_dot(short_x v, mlq_far_at sv, int64_t acc)
{
#if MLQ_DSP /* Arm only, where flash is read by ordinary loads */
    return mlq_smlald(v.w1, mlq_ld32_aligned(sv + 2), mlq_smlald(v.w0, mlq_ld32_aligned(sv), acc));
#else
    return acc + (int64_t)(v.x0 * MLQ_FAR_RD_I16(sv, 0)) + v.x1 * MLQ_FAR_RD_I16(sv, 1) +
           (int64_t)(v.x2 * MLQ_FAR_RD_I16(sv, 2)) + v.x3 * MLQ_FAR_RD_I16(sv, 3);
#endif
}

/* RBF kernel value of one support vector from d2 = |x - s|^2 (Q2.30): 0 at
 * or beyond limit, else 2^-u with u = floor(d2 2^pre mul / 2^(32 + shift)),
 * the high word of (lo << pre) * mul plus hi * mul (mlq/svm.h: pre > 0
 * only when hi is 0, and the sum fits 32 bits). */
static inline mlq_q15_t rbf_k(int64_t d2, int64_t limit, unsigned pre, uint32_t mul,
                              unsigned shift)
{
    uint32_t lo = (uint32_t)d2, hi = (uint32_t)((uint64_t)d2 >> 32);

    if (d2 >= limit)
        return 0;
    return exp2_q15(((uint32_t)(((uint64_t)(lo << pre) * mul) >> 32) + hi * mul) >> shift);
}

/* RBF kernel values of x against every support vector, Q1.15, into k[n_sv]:
 * each computed once per prediction and shared by every pair. */
static void rbf_values(const mlq_svm_q15 *m, const mlq_q15_t *x, mlq_q15_t *k)
{
    uint32_t n = m->n_features, row = MLQ_ROW_LEN(n), s, n_sv = m->n_sv, mul = m->k_mul;
    mlq_far_at sv = MLQ_FAR_AT(m->sv);
    const int64_t *norm = m->sv_norm;
    int64_t xx = mlq_dot_q15(x, x, n), limit = m->k_limit;
    unsigned pre = (unsigned)m->k_pre, shift = m->k_shift;

    /* |x - s|^2 = |x|^2 + |s|^2 - 2 x.s, exact; |x|^2 once. Rows are even
     * and the exporter aligns them, so x decides the path. */
    if (short_rows(x, sv, n)) {
        short_x v = short_load(x, n);

        for (s = 0; s < n_sv; s++, sv = MLQ_FAR_ADD(sv, 4))
            k[s] = rbf_k(xx + MLQ_RD_I64(&norm[s]) - 2 * short_dot(v, sv, 0), limit, pre, mul,
                         shift);
    } else {
        for (s = 0; s < n_sv; s++, sv = MLQ_FAR_ADD(sv, row))
            k[s] = rbf_k(xx + MLQ_RD_I64(&norm[s]) - 2 * mlq_dot_far_q15(x, sv, n), limit, pre,
                         mul, shift);
    }
}

/* u as int32, without an out-of-range conversion. */
static inline int32_t as_s32(uint32_t u)
{
    return u <= (uint32_t)INT32_MAX ? (int32_t)u : -(int32_t)~u - 1;
}

/* t of one support vector from x . s, clamped to [-lim, lim]. */
static inline int32_t poly_t(int64_t dot, unsigned pre, int32_t mul, unsigned hs, int32_t add,
                             int32_t lim)
{
    int32_t a = as_s32(shr64_lo((uint64_t)dot, pre));
    int32_t t = (as_s32((uint32_t)((uint64_t)((int64_t)a * mul) >> 32)) >> hs) + add;

    return t > lim ? lim : t < -lim ? -lim : t;
}

/* round(p * t / 2^s), ties up, s in 1..31: the exporter's formats keep it
 * within 2^30 + 15, so the low word of the shifted sum is the value. */
static inline int32_t pow_step(int32_t p, int32_t t, unsigned s)
{
    return as_s32(shr64_lo((uint64_t)((int64_t)p * t) + ((uint32_t)1 << (s - 1u)), s));
}

/*
 * Polynomial kernel values into k[n_sv], int32 in Q(kernel_frac), each
 * computed once per prediction and shared by every pair (see "Scaling
 * and overflow" in mlq/svm.h). Two passes, t of every support vector and
 * then its powers, so that each loop keeps its constants in registers.
 */
static void poly_values(const mlq_svm_q15 *m, const mlq_q15_t *x, int32_t *k)
{
    uint32_t n = m->n_features, row = MLQ_ROW_LEN(n), s, n_sv = m->n_sv, d = m->degree;
    mlq_far_at sv = MLQ_FAR_AT(m->sv);
    const uint8_t *sh = m->pow_shift;
    unsigned pre = (unsigned)m->k_pre, hs = m->k_shift - 32u;
    int32_t mul = (int32_t)m->k_mul, add = m->k_add, lim = (int32_t)m->k_limit;

    if (short_rows(x, sv, n)) {
        short_x v = short_load(x, n);

        for (s = 0; s < n_sv; s++, sv = MLQ_FAR_ADD(sv, 4))
            k[s] = poly_t(short_dot(v, sv, 0), pre, mul, hs, add, lim);
    } else {
        for (s = 0; s < n_sv; s++, sv = MLQ_FAR_ADD(sv, row))
            k[s] = poly_t(mlq_dot_far_q15(x, sv, n), pre, mul, hs, add, lim);
    }
    if (d == 3u) { /* the common degree, unrolled, its shifts in registers */
        unsigned s0 = MLQ_RD_U8(&sh[0]), s1 = MLQ_RD_U8(&sh[1]);

        for (s = 0; s < n_sv; s++)
            k[s] = pow_step(pow_step(k[s], k[s], s0), k[s], s1);
    } else if (d > 1u) {
        for (s = 0; s < n_sv; s++) {
            int32_t t = k[s], p = t;
            uint32_t i;

            for (i = 0; i + 1u < d; i++)
                p = pow_step(p, t, MLQ_RD_U8(&sh[i]));
            k[s] = p;
        }
    }
}

/*
 * k . c for int32 kernel values and the model's Q15 coefficients (in
 * flash), exact in int64. The portable path splits k = hi * 2^16 + lo (hi =
 * k >> 16, arithmetic; lo in [0, 65535]) so that every product is a 32-bit
 * one (Cortex-M0 has no 64-bit multiply); the DSP path uses SMLAL. The same
 * exact integer either way.
 */
static MLQ_NOINLINE int64_t dot_q31_q15(const int32_t *k, const mlq_q15_t *c, uint32_t n)
{
#if MLQ_DSP
    int64_t acc = 0;
    uint32_t s;

    for (s = 0; s < n; s++)
        acc += (int64_t)k[s] * MLQ_RD_I16(&c[s]);
    return acc;
#else
    /* The sum as a high and a low word, so that Cortex-M0 keeps it in its
     * eight low registers: each product enters as two 32-bit pieces and
     * their carries. A partial sum, like the total, is below 2^63, so the
     * high word never overflows. */
    uint32_t lo_sum = 0, s;
    int32_t hi_sum = 0;

    for (s = 0; s < n; s++) {
        int32_t h = (k[s] >> 16) * (int32_t)MLQ_RD_I16(&c[s]); /* |h| <= 2^30 */
        int32_t l = (int32_t)((uint32_t)k[s] & 0xFFFFu) * MLQ_RD_I16(&c[s]); /* |l| < 2^31 */
        uint32_t t = lo_sum + ((uint32_t)h << 16);

        hi_sum += (h >> 16) + (int32_t)(t < ((uint32_t)h << 16));
        lo_sum = t + (uint32_t)l;
        hi_sum += (l >> 31) + (int32_t)(lo_sum < (uint32_t)l);
    }
    return (int64_t)hi_sum * 4294967296 + lo_sum;
#endif
}

/* ---- decision values ------------------------------------------------------- */

/*
 * Pair p's decision value d = sum - rho (exact int64, |d| < 2^63) in
 * Q15.16: d / 2^s rounded half up (d 2^-s for s < 0), saturated to int32.
 * For s >= 64 it is 0, and s below -31 saturates every d but 0 as -31 does.
 */
static int32_t dec_q16(int64_t d, int s)
{
    if (s >= 64)
        return 0;
    if (s > 0) {
        d = ((d >> (s - 1)) + 1) >> 1;
    } else if (s < 0) {
        int64_t lim;

        if (s < -31)
            s = -31;
        lim = (int64_t)1 << (31 + s); /* |d| 2^-s >= 2^31 from here */
        if (d >= lim)
            return INT32_MAX;
        if (d < -lim)
            return INT32_MIN;
        d *= (int64_t)1 << -s;
    }
    return d > INT32_MAX ? INT32_MAX : d < INT32_MIN ? INT32_MIN : (int32_t)d;
}

/*
 * Scratch (MLQ_SVM_WORK_BYTES): [n_classes] int64 margins, the kernel
 * values ([n_sv] int16 for RBF, int32 for POLY, none for LINEAR), then
 * [n_classes] uint16 votes. mlq_work_t alignment makes every part aligned.
 * A regression model (n_classes 1) uses only its kernel values.
 */
static inline int64_t *margins_of(void *work)
{
    return (int64_t *)work;
}

static inline void *values_of(const mlq_svm_q15 *m, void *work)
{
    return margins_of(work) + m->n_classes;
}

#endif /* MLQ_SVM_IMPL_H */
