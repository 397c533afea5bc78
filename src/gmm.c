/* SPDX-License-Identifier: MIT */
#include "mlq/gmm.h"

/* A pruned component's log-likelihood: below every real l_c (> -2^62 + 1). */
#define LL_PRUNED (-((int64_t)1 << 62))

/* s(t) = ln(1 + e^-t) is 0 (below half an LSB) from t = 12 on, Q16. */
#define SP_END ((uint32_t)12 << 16)

/*
 * s(i / 4) in Q16, i = 0..49, rounded: round(65536 ln(1 + e^(-i/4))). The
 * table is decreasing; s(0) = ln 2 is its largest value (SP_MAX).
 */
static const uint16_t sp_tab[50] = {
    45426, 37745, 31069, 25354, 20530, 16510, 13200, 10500, 8318, 6567, 5170, 4061, 3184,
    2493,  1950,  1523,  1189,  928,   724,   565,   440,   343,   267,   208,  162,  126,
    98,    77,    60,    47,    36,    28,    22,    17,    13,    10,    8,     6,    5,
    4,     3,     2,     2,     1,     1,     1,     1,     1,     0,     0};
#define SP_MAX 45426

/*
 * s(t) for t >= 0 in Q16: quadratic (Newton forward) interpolation between
 * three entries of sp_tab, theta the Q14 position within the step:
 * s = f0 - (2 theta d1 + r d2 + 2^14) >> 15, d1 = f0 - f1, d2 = f0 - 2 f1 + f2,
 * r = theta (2^14 - theta) >> 14. Within 1.03e-4 nats of ln(1 + e^-t);
 * never above SP_MAX. 2 theta d1 < 2^28 and |r d2| < 2^13: exact in int32,
 * and the shifted value is positive.
 */
static int32_t softplus_q16(uint64_t t)
{
    uint32_t i, th;
    int32_t f0, f1, f2, r;

    if (t >= SP_END)
        return 0;
    i = (uint32_t)t >> 14;
    th = (uint32_t)t & 0x3FFFu;
    f0 = sp_tab[i];
    f1 = sp_tab[i + 1u];
    f2 = sp_tab[i + 2u];
    r = (int32_t)((th * (16384u - th)) >> 14);
    return f0 - ((2 * (int32_t)th * (f0 - f1) + r * (f0 - 2 * f1 + f2) + 16384) >> 15);
}

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
 * u = y 2^16 from acc = y 2^e (full rows): floor(acc / 2^(e - 16)) for
 * e > 16 (the exporter folded 2^(e - 17) into the offset, so this rounds
 * half up; shifts above 31 act as 31), acc 2^(16 - e) otherwise; saturated
 * to int32. Returned as the magnitude |u| <= 2^31.
 */
static uint32_t row_mag(int64_t acc, uint32_t e)
{
    int32_t u;

#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__)
    if (e > 16u) {
        uint32_t n = e - 16u, lo = (uint32_t)acc;
        int32_t hi = (int32_t)(uint32_t)((uint64_t)acc >> 32);

        if (n > 31u)
            n = 31u;
        /* GCC shifts signed values arithmetically; 1 <= n <= 31. */
        u = (int32_t)((lo >> n) | ((uint32_t)hi << (32u - n)));
        if ((hi >> n) != (u >> 31))
            u = hi < 0 ? INT32_MIN : INT32_MAX;
        return u < 0 ? 0u - (uint32_t)u : (uint32_t)u;
    }
#else
    if (e > 16u) {
        uint32_t n = e - 16u;
        uint64_t v;

        if (n > 31u)
            n = 31u;
        if (acc >= 0) {
            v = (uint64_t)acc >> n;
            return v > INT32_MAX ? (uint32_t)INT32_MAX : (uint32_t)v;
        }
        /* floor(acc / 2^n) = -(((-acc - 1) >> n) + 1): magnitude v + 1 */
        v = ((0u - (uint64_t)acc) - 1u) >> n;
        return v > INT32_MAX ? 0x80000000u : (uint32_t)v + 1u;
    }
#endif
    {
        uint32_t n = 16u - e; /* 0..16 */
        int64_t lim = (int64_t)1 << (31u - n);

        if (acc >= lim)
            u = INT32_MAX;
        else if (acc < -lim)
            u = INT32_MIN;
        else
            u = (int32_t)(acc * ((int64_t)1 << n));
    }
    return u < 0 ? 0u - (uint32_t)u : (uint32_t)u;
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
    const int32_t *b = m->offset32 + c * d;
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
    const int64_t *o = m->offset64 + c * d;
    int64_t cst = m->constant[c];
    uint64_t maha = 0, lim;

    if (prune_limit(cst, floor, &lim))
        return LL_PRUNED;
#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__)
    /* Rows i (even) and i + 1 both span (i + 2) / 2 words (row i ends with
     * its zero pad, which meets x[i + 1] < d): one x load serves both. */
    for (i = 0; i + 1u < d; i += 2u) {
        const mlq_q15_t *a1 = a + i + 2u, *xp = x, *end = a1;
        int64_t y0 = o[i], y1 = o[i + 1u];

        do {
            uint32_t xw = load_pair(xp), a0w = load_pair(a), a1w = load_pair(a1);

            SMLALD(y0, a0w, xw);
            SMLALD(y1, a1w, xw);
            a += 2;
            a1 += 2;
            xp += 2;
        } while (a != end);
        maha += half_square(row_mag(y0, e[i])) + half_square(row_mag(y1, e[i + 1u]));
        if (maha > lim)
            return LL_PRUNED;
        a = a1;
    }
    if (i < d) { /* the last row of an odd d: i + 1 entries */
        int64_t y0 = o[i];
        const mlq_q15_t *xp = x, *end = a + i;

        while (a != end) {
            SMLALD(y0, load_pair(a), load_pair(xp));
            a += 2;
            xp += 2;
        }
        SMLALBB(y0, (uint32_t)(uint16_t)a[0], (uint32_t)(uint16_t)xp[0]);
        maha += half_square(row_mag(y0, e[i]));
    }
#else
    for (i = 0; i < d; i++) {
        int64_t y = o[i];
        uint32_t j;

        for (j = 0; j <= i; j++)
            y += (int32_t)a[j] * x[j]; /* each product within 2^30 */
        maha += half_square(row_mag(y, e[i]));
        if (maha > lim)
            return LL_PRUNED;
        a += (i + 2u) & ~1u;
    }
#endif
    if (maha > lim)
        return LL_PRUNED;
    return cst - (int64_t)maha;
}

/* Entries of the packed lower triangle of one full component (rows padded to even). */
static uint32_t full_len(uint32_t d)
{
    return 2u * (d / 2u) * (d / 2u + 1u) + (d & 1u) * (d + 1u);
}

/*
 * Log-likelihood of group g (plus its log prior) for K > 1, or LL_PRUNED-ish
 * (below floor) when its components are: the maximum M of its l_c, then
 * acc = M and acc += s(acc - l_c) for every other component in order.
 * Components below max(floor, M so far - 12) are pruned: they add exactly
 * 0 (s(t) = 0 from t = 12), or the whole group stays below floor + T.
 */
static int64_t group_lse(const gmm_eval *ev, uint32_t g, int64_t floor)
{
    uint32_t k = ev->m->n_components, c0 = g * k, c, arg = 0;
    int64_t max = LL_PRUNED, acc;

    for (c = 0; c < k; c++) {
        int64_t fl = max - (int64_t)SP_END > floor ? max - (int64_t)SP_END : floor;
        int64_t v = ev->ll(ev, c0 + c, fl);

        if (ev->work != NULL)
            ev->work[c0 + c] = v;
        if (v > max) {
            max = v;
            arg = c;
        }
    }
    floor = max - (int64_t)SP_END > floor ? max - (int64_t)SP_END : floor;
    acc = max;
    for (c = 0; c < k; c++) {
        int64_t v;

        if (c == arg)
            continue;
        v = ev->work != NULL ? ev->work[c0 + c] : ev->ll(ev, c0 + c, floor);
        acc += softplus_q16((uint64_t)(acc - v)); /* acc >= max >= v */
    }
    return acc;
}

static int64_t group_ll(const gmm_eval *ev, uint32_t g, int64_t floor)
{
    return ev->m->n_components == 1u ? ev->ll(ev, g, floor) : group_lse(ev, g, floor);
}

/*
 * Margin of the pruned group evaluation: a group whose components all lie
 * below floor = B - T has a log-likelihood below B, since the fold adds at
 * most K - 1 times SP_MAX to its maximum.
 */
static int64_t prune_margin(const mlq_gmm_q15 *m)
{
    return (int64_t)SP_END + (int64_t)(m->n_components - 1u) * SP_MAX + 1;
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
                            int full, gmm_ll_fn ll, void *work, size_t work_size, gmm_eval *ev)
{
    if (n_features != m->n_features)
        return MLQ_ERR_SIZE;
    if (m->n_groups == 0u || m->n_components == 0u || m->n_features == 0u ||
        m->task > MLQ_GMM_ANOMALY || m->covariance != (full ? MLQ_GMM_FULL : MLQ_GMM_DIAG) ||
        (m->task != MLQ_GMM_CLASSIFY && m->n_groups != 1u))
        return MLQ_ERR_MODEL;
    ev->m = m;
    ev->x = x;
    ev->work = NULL;
    if (full) {
        if (work == NULL || work_size < mlq_gmm_work_size(m) || ((uintptr_t)work & 7u) != 0)
            return MLQ_ERR_BUFFER;
        ev->work = (int64_t *)work;
        ev->len = full_len(m->n_features);
    } else {
        ev->len = (uint32_t)m->n_features + (m->n_features & 1u);
    }
    ev->ll = ll;
    return MLQ_OK;
}

static uint16_t gmm_predict(const gmm_eval *ev)
{
    const mlq_gmm_q15 *m = ev->m;
    uint32_t n = m->n_groups, i, best_i = 0;
    int64_t best, margin = prune_margin(m);

    if (m->task == MLQ_GMM_ANOMALY)
        return group_ll(ev, 0, m->threshold - margin) < m->threshold ? 1u : 0u;
    if (m->task == MLQ_GMM_CLUSTER || m->n_components == 1u) {
        /* Clustering ranks the components, one component per class its
         * classes: below the best so far is pruned. */
        n = m->task == MLQ_GMM_CLUSTER ? m->n_components : n;
        margin = 0;
    }
    best = margin == 0 ? ev->ll(ev, 0, LL_PRUNED) : group_lse(ev, 0, LL_PRUNED);
    for (i = 1; i < n; i++) {
        /* Mixtures per class: classes more than the margin below the best
         * so far are pruned. */
        int64_t v = margin == 0 ? ev->ll(ev, i, best) : group_lse(ev, i, best - margin);

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
    int64_t acc = group_ll(ev, 0, LL_PRUNED);

    for (g = 1; g < ev->m->n_groups; g++) {
        int64_t v = group_ll(ev, g, LL_PRUNED);

        acc = v > acc ? v + softplus_q16((uint64_t)(v - acc)) : acc + softplus_q16((uint64_t)(acc - v));
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
    s = gmm_begin(model, x, n_features, 1, ll_full, work, work_size, &ev);
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
    s = gmm_begin(model, x, n_features, 0, ll_diag, NULL, 0, &ev);
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
    s = gmm_begin(model, x, n_features, 1, ll_full, work, work_size, &ev);
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
    s = gmm_begin(model, x, n_features, 0, ll_diag, NULL, 0, &ev);
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
