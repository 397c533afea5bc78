/* SPDX-License-Identifier: MIT */
#include "mlq/gmm.h"

#include "mlq/fixed.h"

/* A pruned component's log-likelihood: below every real l_c (> -2^62 + 1). */
#define LL_PRUNED (-((int64_t)1 << 62))

/*
 * (u^2 + 2^16) >> 17 for |u| <= 2^31: y^2 / 2 in Q16 from y in Q16, below
 * 2^45. Cortex-M0 has no 32x32->64 multiply: three 16-bit products there
 * instead of an __aeabi_lmul call (the same value).
 */
static uint64_t half_square(uint32_t mag)
{
#if defined(__ARM_ARCH_6M__) || defined(__ARM_ARCH_8M_BASE__)
    uint32_t h = mag >> 16, l = mag & 0xFFFFu;

    return ((((uint64_t)(h * h) << 32) + ((uint64_t)(h * l) << 17) + (uint64_t)(l * l)) + 65536u) >> 17;
#else
    return ((uint64_t)mag * mag + 65536u) >> 17;
#endif
}

/*
 * y^2 / 2 in Q16 of a full row (see half_square), from acc = A_i . q (y 2^e,
 * uncentered) and the row's offset o: u = floor(acc / 2^(e - 16)) + o for
 * e > 16 (o in Q16; shifts above 31 act as 31), (acc + o) 2^(16 - e)
 * otherwise (o at the row's scale), computed in int64 (|acc| < 2^46) and
 * saturated to int32 once; |u| <= 2^31. One copy, out of line: three call
 * sites, little gain from inlining.
 */
static MLQ_NOINLINE uint64_t row_term(int64_t acc, uint32_t e, int32_t o)
{
    int32_t u;
#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__)
    /* The 64-bit value as hi:lo, saturated through its high word. GCC
     * shifts signed values arithmetically. */
    uint32_t lo;
    int32_t hi;

    if (e > 16u) {
        uint32_t n = e - 16u;

        if (n > 31u)
            n = 31u;
        lo = (uint32_t)acc;
        hi = (int32_t)(acc >> 32);
        lo = (lo >> n) | ((uint32_t)hi << (32u - n)); /* 1 <= n <= 31 */
        hi >>= n;
        __asm__("adds %0, %0, %2\n\tadc %1, %1, %2, asr #31" : "+r"(lo), "+r"(hi) : "r"(o) : "cc");
    } else {
        int64_t v = (acc + o) * ((int64_t)1 << (16u - e)); /* below 2^63 */

        lo = (uint32_t)v;
        hi = (int32_t)(v >> 32);
    }
    u = (int32_t)lo;
    if (hi != (u >> 31))
        u = hi < 0 ? INT32_MIN : INT32_MAX;
#else
    int64_t v;

    if (e > 16u) {
        uint32_t n = e - 16u;

        if (n > 31u)
            n = 31u;
        /* floor(acc / 2^n) = -(((-acc - 1) >> n) + 1) */
        v = (acc < 0 ? -(int64_t)((uint64_t)(-(acc + 1)) >> n) - 1 : (int64_t)((uint64_t)acc >> n)) + o;
    } else {
        v = (acc + o) * ((int64_t)1 << (16u - e)); /* below 2^63 */
    }
    u = mlq_sat_q31(v);
#endif
    return half_square(u < 0 ? 0u - (uint32_t)u : (uint32_t)u);
}

/* Evaluation state of one call. */
typedef struct gmm_eval gmm_eval;
typedef int64_t (*gmm_ll_fn)(const gmm_eval *ev, uint32_t c, int64_t floor);

struct gmm_eval {
    const mlq_gmm_q15 *m;
    const mlq_q15_t *x;
    int64_t *work; /* full covariance: one l_c per component; NULL for diagonal */
    uint32_t len;  /* factor entries per component */
    gmm_ll_fn ll;  /* l_c, or LL_PRUNED when it is below floor */
};

/* Limit on the Mahalanobis sum of a component for floor; 0 means pruned at once. */
static int prune_limit(int64_t cst, int64_t floor, uint64_t *lim)
{
    if (cst < floor)
        return 1;
    *lim = (uint64_t)cst - (uint64_t)floor; /* below 2^63 */
    return 0;
}

/* l_c of a diagonal component, Q47.16, or LL_PRUNED when below floor. */
static int64_t ll_diag(const gmm_eval *ev, uint32_t c, int64_t floor)
{
    const mlq_gmm_q15 *m = ev->m;
    const mlq_q15_t *x = ev->x;
    uint32_t d = m->n_features, j;
    const mlq_q15_t *a = m->factor + c * ev->len;
    const uint8_t *e = m->exponent + c * d;
    const int32_t *b = m->offset + c * d;
    int64_t cst = m->constant[c];
    uint64_t maha = 0, lim;

    if (prune_limit(cst, floor, &lim))
        return LL_PRUNED;
    for (j = 0; j < d; j++) {
        /* |A q| <= 2^30 and |b| < 2^30: exact in int32. */
        int32_t y = (int32_t)a[j] * x[j] - b[j];
        uint32_t u = (y < 0) ? 0u - (uint32_t)y : (uint32_t)y, ej = e[j];

        if (ej > 16u) {
            uint32_t n = ej - 16u;

            if (n > 31u)
                n = 31u;
            u = (u + (1u << (n - 1u))) >> n; /* u < 2^31: no carry out */
        } else {
            uint32_t n = 16u - ej;

            u = u > (0x7FFFFFFFu >> n) ? 0x7FFFFFFFu : u << n;
        }
        maha += half_square(u);
        if (maha > lim)
            return LL_PRUNED;
    }
    return cst - (int64_t)maha;
}

#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__)
static inline uint32_t load_pair(const mlq_q15_t *p) /* any address (ARMv7E-M) */
{
    uint32_t w;

    __builtin_memcpy(&w, p, 4);
    return w;
}
#define SMLALD(acc, a, b) __asm__("smlald %Q0, %R0, %1, %2" : "+r"(acc) : "r"(a), "r"(b))
#define SMLALBB(acc, a, b) __asm__("smlalbb %Q0, %R0, %1, %2" : "+r"(acc) : "r"(a), "r"(b))
#endif

/* l_c of a full component, Q47.16, or LL_PRUNED when below floor. */
static int64_t ll_full(const gmm_eval *ev, uint32_t c, int64_t floor)
{
    const mlq_gmm_q15 *m = ev->m;
    const mlq_q15_t *x = ev->x;
    uint32_t d = m->n_features, i;
    const mlq_q15_t *a = m->factor + c * ev->len;
    const uint8_t *e = m->exponent + c * d;
    const int32_t *o = m->offset + c * d;
    int64_t cst = m->constant[c];
    uint64_t maha = 0, lim;

    if (prune_limit(cst, floor, &lim))
        return LL_PRUNED;
#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__)
    /* Rows i (even) and i + 1 both span (i + 2) / 2 words (row i ends with
     * its zero pad, which meets x[i + 1] < d): one x load serves both. */
    for (i = 0; i + 1u < d; i += 2u) {
        const mlq_q15_t *a1 = a + i + 2u, *xp = x, *end = a1;
        int64_t y0 = 0, y1 = 0;

        do {
            uint32_t xw = load_pair(xp), a0w = load_pair(a), a1w = load_pair(a1);

            SMLALD(y0, a0w, xw);
            SMLALD(y1, a1w, xw);
            a += 2;
            a1 += 2;
            xp += 2;
        } while (a != end);
        maha += row_term(y0, e[i], o[i]) + row_term(y1, e[i + 1u], o[i + 1u]);
        if (maha > lim)
            return LL_PRUNED;
        a = a1;
    }
    if (i < d) { /* the last row of an odd d: i + 1 entries (no word reads past x[d - 1]) */
        int64_t y0 = 0;
        uint32_t j;

        for (j = 0; j <= i; j++)
            y0 += (int32_t)a[j] * x[j]; /* each product within 2^30 */
        maha += row_term(y0, e[i], o[i]);
    }
#else
    for (i = 0; i < d; i++) {
        int64_t y = 0;
        uint32_t j;

        for (j = 0; j <= i; j++)
            y += (int32_t)a[j] * x[j]; /* each product within 2^30 */
        maha += row_term(y, e[i], o[i]);
        if (maha > lim)
            return LL_PRUNED;
        a += (i + 2u) & ~1u;
    }
#endif
    if (maha > lim)
        return LL_PRUNED;
    return cst - (int64_t)maha;
}

/*
 * Log-likelihood of group g (plus its log prior), or a value below floor
 * when its components are: the maximum M of its l_c, then acc = M and
 * acc += s(acc - l_c) for every other component in order (K = 1: l_c).
 * Components below max(floor, M so far - 9) are pruned: they add exactly
 * 0 (s(t) = 0 from t = 9), or the whole group stays below floor + margin.
 */
static int64_t group_lse(const gmm_eval *ev, uint32_t g, int64_t floor)
{
    uint32_t k = ev->m->n_components, c0 = g * k, c, arg = 0;
    int64_t max = LL_PRUNED, acc, *w = ev->work;

    for (c = 0; c < k; c++) {
        int64_t v = ev->ll(ev, c0 + c, floor);

        if (w != NULL)
            w[c0 + c] = v;
        if (v > max) {
            max = v;
            arg = c;
            if (max - (int64_t)MLQ_SOFTPLUS_END_Q16 > floor)
                floor = max - (int64_t)MLQ_SOFTPLUS_END_Q16;
        }
    }
    acc = max;
    for (c = 0; c < k; c++) {
        if (c != arg) {
            int64_t v = w != NULL ? w[c0 + c] : ev->ll(ev, c0 + c, floor);

            acc += mlq_softplus_neg_q16((uint64_t)(acc - v)); /* acc >= max >= v */
        }
    }
    return acc;
}

size_t mlq_gmm_work_size(const mlq_gmm_q15 *model)
{
    MLQ_ASSERT(model != NULL);
    if (model->covariance != MLQ_GMM_FULL)
        return 0;
    return MLQ_GMM_WORK_BYTES((uint32_t)model->n_groups * model->n_components, model->n_features);
}

/* Checks shared by every entry point; fills ev. */
static mlq_status gmm_begin(const mlq_gmm_q15 *m, const mlq_q15_t *x, uint16_t n_features,
                            uint32_t full, gmm_ll_fn ll, void *work, size_t work_size,
                            gmm_eval *ev)
{
    uint32_t d = m->n_features, n = (uint32_t)m->n_groups * m->n_components;

    if (n_features != d)
        return MLQ_ERR_SIZE;
    if (n == 0u || m->covariance != full ||
        (m->task != MLQ_GMM_CLASSIFY && (m->task > MLQ_GMM_ANOMALY || m->n_groups != 1u)))
        return MLQ_ERR_MODEL;
    ev->m = m;
    ev->x = x;
    ev->work = (int64_t *)work;
    ev->len = d + (d & 1u);
    ev->ll = ll;
    if (full) {
        if (work == NULL || work_size < n * sizeof(int64_t) || ((uintptr_t)work & 7u) != 0)
            return MLQ_ERR_BUFFER;
        ev->len = (d + 1u) / 2u * ((d + 2u) & ~1u); /* sum of (i + 2) & ~1 over rows i < d */
    }
    return MLQ_OK;
}

/*
 * Clustering ranks the components: below the best so far is pruned. Per
 * class (and anomaly): a class whose components all lie below B - margin
 * has a log-likelihood below B, since the fold adds at most K - 1 times
 * MLQ_SOFTPLUS_MAX_Q16 to its maximum; with one component per class, margin = 0.
 */
static uint16_t gmm_predict(const gmm_eval *ev)
{
    const mlq_gmm_q15 *m = ev->m;
    uint32_t k = m->n_components, n = m->n_groups, i, best_i = 0;
    gmm_ll_fn f = group_lse;
    int64_t best, margin = (int64_t)(k - 1u) * ((int64_t)MLQ_SOFTPLUS_END_Q16 + MLQ_SOFTPLUS_MAX_Q16 + 1);

    if (m->task == MLQ_GMM_CLUSTER) {
        n = k;
        f = ev->ll;
        margin = 0;
    }
    if (m->task == MLQ_GMM_ANOMALY)
        return f(ev, 0, m->threshold - margin) < m->threshold ? 1u : 0u;
    best = f(ev, 0, LL_PRUNED);
    for (i = 1; i < n; i++) {
        int64_t v = f(ev, i, best - margin);

        if (v > best) { /* strict: ties keep the lower index */
            best = v;
            best_i = i;
        }
    }
    return (uint16_t)best_i;
}

/* Log-likelihood under the whole model: groups folded in order,
 * acc = max(acc, G) + s(|acc - G|). */
static int64_t gmm_score(const gmm_eval *ev)
{
    uint32_t g;
    int64_t acc = group_lse(ev, 0, LL_PRUNED);

    for (g = 1; g < ev->m->n_groups; g++) {
        int64_t v = group_lse(ev, g, LL_PRUNED);

        acc = v > acc ? v + mlq_softplus_neg_q16((uint64_t)(v - acc)) : acc + mlq_softplus_neg_q16((uint64_t)(acc - v));
    }
    return acc;
}

mlq_status mlq_gmm_full_predict_q15(const mlq_gmm_q15 *model, const mlq_q15_t *x,
                                    uint16_t n_features, void *work, size_t work_size,
                                    uint16_t *out)
{
    gmm_eval ev;
    mlq_status s;

    MLQ_ASSERT(model != NULL && x != NULL && out != NULL);
    s = gmm_begin(model, x, n_features, MLQ_GMM_FULL, ll_full, work, work_size, &ev);
    if (s == MLQ_OK)
        *out = gmm_predict(&ev);
    return s;
}

mlq_status mlq_gmm_diag_predict_q15(const mlq_gmm_q15 *model, const mlq_q15_t *x,
                                    uint16_t n_features, uint16_t *out)
{
    gmm_eval ev;
    mlq_status s;

    MLQ_ASSERT(model != NULL && x != NULL && out != NULL);
    s = gmm_begin(model, x, n_features, MLQ_GMM_DIAG, ll_diag, NULL, 0, &ev);
    if (s == MLQ_OK)
        *out = gmm_predict(&ev);
    return s;
}

mlq_status mlq_gmm_full_score_q15(const mlq_gmm_q15 *model, const mlq_q15_t *x,
                                  uint16_t n_features, void *work, size_t work_size, int64_t *ll)
{
    gmm_eval ev;
    mlq_status s;

    MLQ_ASSERT(model != NULL && x != NULL && ll != NULL);
    s = gmm_begin(model, x, n_features, MLQ_GMM_FULL, ll_full, work, work_size, &ev);
    if (s == MLQ_OK)
        *ll = gmm_score(&ev);
    return s;
}

mlq_status mlq_gmm_diag_score_q15(const mlq_gmm_q15 *model, const mlq_q15_t *x,
                                  uint16_t n_features, int64_t *ll)
{
    gmm_eval ev;
    mlq_status s;

    MLQ_ASSERT(model != NULL && x != NULL && ll != NULL);
    s = gmm_begin(model, x, n_features, MLQ_GMM_DIAG, ll_diag, NULL, 0, &ev);
    if (s == MLQ_OK)
        *ll = gmm_score(&ev);
    return s;
}

mlq_status mlq_gmm_predict_q15(const mlq_gmm_q15 *model, const mlq_q15_t *x,
                               uint16_t n_features, void *work, size_t work_size,
                               uint16_t *out)
{
    MLQ_ASSERT(model != NULL);
    return model->covariance == MLQ_GMM_DIAG
               ? mlq_gmm_diag_predict_q15(model, x, n_features, out)
               : mlq_gmm_full_predict_q15(model, x, n_features, work, work_size, out);
}

mlq_status mlq_gmm_score_q15(const mlq_gmm_q15 *model, const mlq_q15_t *x, uint16_t n_features,
                             void *work, size_t work_size, int64_t *ll)
{
    MLQ_ASSERT(model != NULL);
    return model->covariance == MLQ_GMM_DIAG
               ? mlq_gmm_diag_score_q15(model, x, n_features, ll)
               : mlq_gmm_full_score_q15(model, x, n_features, work, work_size, ll);
}
