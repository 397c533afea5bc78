/* SPDX-License-Identifier: MIT */
#include "mlq/gmm.h"

#include "mlq/fixed.h"

/* Largest |y| 2^16 kept: |y| < 2^15 (see "Scaling and overflow" in mlq/gmm.h). */
#define Y_Q16_MAX 0x7FFFFFFFu

/*
 * u^2 for u < 2^31, exact. Cortex-M0 has no 32x32->64 multiply: three
 * 16-bit products there instead of an __aeabi_lmul call (the same value).
 */
static uint64_t square_u32(uint32_t u)
{
#if defined(__ARM_ARCH_6M__) || defined(__ARM_ARCH_8M_BASE__)
    uint32_t h = u >> 16, l = u & 0xFFFFu;

    return ((uint64_t)(h * h) << 32) + ((uint64_t)(h * l) << 17) + (uint64_t)(l * l);
#else
    return (uint64_t)u * u;
#endif
}

/*
 * y^2 / 2 in Q16 from u = |y| 2^e (8 <= e <= 46): u is rounded to Q16
 * (half away from zero: it is a magnitude) and saturated at |y| < 2^15, or,
 * for e < 16, saturated alike in its own Q(e); then squared and halved with
 * rounding. The result is below 2^45.
 */
static uint64_t half_square_q16(uint64_t u, unsigned e)
{
    if (e >= 16u) {
        unsigned k = e - 16u;

        if (k > 48u) /* a model outside the documented 8..46 stays defined */
            k = 48u;
        if (k != 0u)
            u = ((u >> (k - 1u)) + 1u) >> 1;
        if (u > Y_Q16_MAX)
            u = Y_Q16_MAX;
        return (square_u32((uint32_t)u) + 65536u) >> 17;
    } else {
        unsigned s, lim_bits;
        uint64_t lim;

        if (e < 8u)
            e = 8u;
        s = 2u * e - 15u; /* 1..15 */
        lim_bits = 15u + e;
        lim = ((uint64_t)1 << lim_bits) - 1u;
        if (u > lim)
            u = lim;
        return (square_u32((uint32_t)u) + ((uint64_t)1 << (s - 1u))) >> s;
    }
}

/* The 32-bit version for diagonal terms, u < 2^31 (so k >= 31 gives 0 or 1). */
static uint64_t half_square_q16_u32(uint32_t u, unsigned e)
{
    if (e >= 16u) {
        unsigned k = e - 16u;

        if (k != 0u)
            u = (k <= 32u) ? ((u >> (k - 1u)) + 1u) >> 1 : 0u;
        return (square_u32(u) + 65536u) >> 17;
    }
    return half_square_q16(u, e);
}

/* Entries of the packed lower triangle of one full component (rows padded to even). */
static uint32_t full_len(uint32_t d)
{
    uint32_t i, len = 0;

    for (i = 0; i < d; i++)
        len += (i + 2u) & ~1u;
    return len;
}

/* l_c of a diagonal component, Q47.16. */
static int64_t ll_diag(const mlq_gmm_q15 *m, uint32_t c, const mlq_q15_t *x)
{
    uint32_t d = m->n_features, j;
    const mlq_q15_t *a = m->factor + c * (d + (d & 1u));
    const uint8_t *e = m->exponent + c * d;
    const int32_t *b = m->offset32 + c * d;
    uint64_t maha = 0;

    for (j = 0; j < d; j++) {
        /* |A q| <= 2^30 and |b| < 2^30: exact in int32. */
        int32_t y = (int32_t)a[j] * x[j] - b[j];
        uint32_t u = (y < 0) ? 0u - (uint32_t)y : (uint32_t)y;

        maha += half_square_q16_u32(u, e[j]);
    }
    return m->constant[c] - (int64_t)maha;
}

/* l_c of a full component, Q47.16; len = full_len(d). */
static int64_t ll_full(const mlq_gmm_q15 *m, uint32_t c, const mlq_q15_t *x, uint32_t len)
{
    uint32_t d = m->n_features, i;
    const mlq_q15_t *a = m->factor + c * len;
    const uint8_t *e = m->exponent + c * d;
    const int64_t *b = m->offset64 + c * d;
    uint64_t maha = 0;

    for (i = 0; i < d; i++) {
        int64_t y = mlq_dot_q15(x, a, i + 1u) - b[i];
        uint64_t u = (y < 0) ? 0u - (uint64_t)y : (uint64_t)y;

        maha += half_square_q16(u, e[i]);
        a += (i + 2u) & ~1u;
    }
    return m->constant[c] - (int64_t)maha;
}

/* Evaluation state of one call: the component log-likelihoods are in ll
 * (full covariance, computed once) or recomputed on demand (diagonal). */
typedef struct gmm_eval {
    const mlq_gmm_q15 *m;
    const mlq_q15_t *x;
    const int64_t *ll;
} gmm_eval;

static int64_t comp_ll(const gmm_eval *ev, uint32_t c)
{
    return ev->ll != NULL ? ev->ll[c] : ll_diag(ev->m, c, ev->x);
}

/* m + ln(sum), sum the Q1.31 sum of exp(v - m) (at least INT32_MAX). */
static int64_t add_log(int64_t max, uint64_t sum)
{
    unsigned sh = 0;

    while ((sum >> 32) != 0u) { /* sum < 65535 * 2^31: sh <= 15 */
        sum >>= 1;
        sh++;
    }
    return max + mlq_log_q16((uint32_t)sum, 31u - sh);
}

/* exp(v - max) in Q1.31, v <= max. */
static uint32_t exp_diff(int64_t v, int64_t max)
{
    int64_t diff = v - max; /* both below 2^62 in magnitude */

    return diff < MLQ_EXP_Q31_MIN_ARG ? 0u : (uint32_t)mlq_exp_q31((int32_t)diff);
}

/* Log-likelihood of group g plus its log prior: log-sum-exp of its l_c. */
static int64_t group_ll(const gmm_eval *ev, uint32_t g)
{
    uint32_t k = ev->m->n_components, c0 = g * k, c;
    int64_t max;
    uint64_t sum = 0;

    if (k == 1u)
        return comp_ll(ev, c0);
    max = comp_ll(ev, c0);
    for (c = 1; c < k; c++) {
        int64_t v = comp_ll(ev, c0 + c);

        if (v > max)
            max = v;
    }
    for (c = 0; c < k; c++)
        sum += exp_diff(comp_ll(ev, c0 + c), max);
    return add_log(max, sum);
}

/* Largest l_c of group g. */
static int64_t group_max(const gmm_eval *ev, uint32_t g)
{
    uint32_t k = ev->m->n_components, c0 = g * k, c;
    int64_t max = comp_ll(ev, c0);

    for (c = 1; c < k; c++) {
        int64_t v = comp_ll(ev, c0 + c);

        if (v > max)
            max = v;
    }
    return max;
}

/*
 * Class with the largest group log-likelihood, ties to the lowest index,
 * for stored component log-likelihoods (full covariance) and K > 1. The
 * same answer as evaluating every group in turn, with fewer exp and log:
 * a group's log-sum-exp lies in [max, max + ln K], and group_ll's value is
 * at most max + mlq_log_q16(K, 0) + 2 (each log within 0.6 LSB, and the sum
 * is below K 2^31), so a group whose maximum plus that bound is below the
 * best value found cannot win or tie and is skipped.
 */
static uint32_t best_group_pruned(const gmm_eval *ev)
{
    uint32_t n = ev->m->n_groups, g, best_g = 0;
    int64_t bound = (int64_t)mlq_log_q16(ev->m->n_components, 0) + 2, best, top;

    top = group_max(ev, 0);
    for (g = 1; g < n; g++) {
        int64_t v = group_max(ev, g);

        if (v > top) {
            top = v;
            best_g = g;
        }
    }
    best = group_ll(ev, best_g);
    for (g = 0; g < n; g++) {
        int64_t v;

        if (g == best_g || group_max(ev, g) + bound < best)
            continue;
        v = group_ll(ev, g);
        if (v > best || (v == best && g < best_g)) {
            best = v;
            best_g = g;
        }
    }
    return best_g;
}

size_t mlq_gmm_work_size(const mlq_gmm_q15 *model)
{
    MLQ_ASSERT(model != NULL);
    if (model->covariance != MLQ_GMM_FULL)
        return 0;
    return MLQ_GMM_WORK_BYTES((uint32_t)model->n_groups * model->n_components, model->n_features);
}

/* Checks shared by both entry points; fills ev (and the scratch). */
static mlq_status gmm_begin(const mlq_gmm_q15 *m, const mlq_q15_t *x, uint16_t n_features,
                            void *work, size_t work_size, gmm_eval *ev)
{
    uint32_t total;

    if (n_features != m->n_features)
        return MLQ_ERR_SIZE;
    total = (uint32_t)m->n_groups * m->n_components;
    if (total == 0u || m->n_features == 0u || m->task > MLQ_GMM_ANOMALY ||
        m->covariance > MLQ_GMM_FULL || (m->task != MLQ_GMM_CLASSIFY && m->n_groups != 1u))
        return MLQ_ERR_MODEL;
    ev->m = m;
    ev->x = x;
    ev->ll = NULL;
    if (m->covariance == MLQ_GMM_FULL) {
        int64_t *ll = (int64_t *)work;
        uint32_t len = full_len(m->n_features), c;

        if (work == NULL || work_size < mlq_gmm_work_size(m) || ((uintptr_t)work & 7u) != 0)
            return MLQ_ERR_BUFFER;
        for (c = 0; c < total; c++)
            ll[c] = ll_full(m, c, x, len);
        ev->ll = ll;
    }
    return MLQ_OK;
}

mlq_status mlq_gmm_predict_q15(const mlq_gmm_q15 *model, const mlq_q15_t *x,
                               uint16_t n_features, void *work, size_t work_size,
                               uint16_t *out)
{
    gmm_eval ev;
    mlq_status s;
    uint32_t i, n, best_i = 0;
    int64_t best;

    MLQ_ASSERT(model != NULL && x != NULL && out != NULL);
    s = gmm_begin(model, x, n_features, work, work_size, &ev);
    if (s != MLQ_OK)
        return s;
    if (model->task == MLQ_GMM_ANOMALY) {
        *out = group_ll(&ev, 0) < model->threshold ? 1u : 0u;
        return MLQ_OK;
    }
    if (model->task == MLQ_GMM_CLASSIFY && ev.ll != NULL && model->n_components > 1u) {
        *out = (uint16_t)best_group_pruned(&ev);
        return MLQ_OK;
    }
    n = model->task == MLQ_GMM_CLUSTER ? model->n_components : model->n_groups;
    best = model->task == MLQ_GMM_CLUSTER ? comp_ll(&ev, 0) : group_ll(&ev, 0);
    for (i = 1; i < n; i++) {
        int64_t v = model->task == MLQ_GMM_CLUSTER ? comp_ll(&ev, i) : group_ll(&ev, i);

        if (v > best) { /* strict: ties keep the lower index */
            best = v;
            best_i = i;
        }
    }
    *out = (uint16_t)best_i;
    return MLQ_OK;
}

mlq_status mlq_gmm_score_q15(const mlq_gmm_q15 *model, const mlq_q15_t *x, uint16_t n_features,
                             void *work, size_t work_size, int64_t *ll)
{
    gmm_eval ev;
    mlq_status s;
    uint32_t g, n_groups;
    int64_t max;
    uint64_t sum = 0;

    MLQ_ASSERT(model != NULL && x != NULL && ll != NULL);
    s = gmm_begin(model, x, n_features, work, work_size, &ev);
    if (s != MLQ_OK)
        return s;
    n_groups = model->n_groups;
    max = group_ll(&ev, 0);
    if (n_groups == 1u) {
        *ll = max;
        return MLQ_OK;
    }
    for (g = 1; g < n_groups; g++) {
        int64_t v = group_ll(&ev, g);

        if (v > max)
            max = v;
    }
    for (g = 0; g < n_groups; g++)
        sum += exp_diff(group_ll(&ev, g), max);
    *ll = add_log(max, sum);
    return MLQ_OK;
}
