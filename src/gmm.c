/* SPDX-License-Identifier: MIT */
#include "mlq/gmm.h"

#include "mlq/fixed.h"
#include "mlq/score.h"

#include "dsp.h"

/* A pruned component's log-likelihood: below every real l_c (> -2^61 - 2^31). */
#define LL_PRUNED (-((int64_t)1 << 62))
/* |threshold| of an anomaly model at most this (Q47.16), so that ll - threshold fits int64. */
#define THRESHOLD_MAX ((int64_t)1 << 62)
/* Row exponents that the overflow arguments of mlq/gmm.h allow. */
#define EXP_MIN 9u
#define EXP_MAX 47u
/* Scratch bytes per component (MLQ_GMM_WORK_BYTES). */
#define GMM_SLOT_BYTES (sizeof(int64_t) + sizeof(int32_t))
/* |diagonal offset| below this, so that A q - b is exact in int32. */
#define DIAG_OFFSET_LIMIT ((int32_t)1 << 30)

/*
 * (u^2 + 2^16) >> 17 for |u| <= 2^31: y^2 / 2 in Q16 from y in Q16, at
 * most 2^45. Cortex-M0 has no 32x32->64 multiply: three 16-bit products
 * there instead of an __aeabi_lmul call (the same value).
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
 * e > 16 (o in Q16; e <= 47, so the shift is 1..31), (acc + o) 2^(16 - e)
 * otherwise (o at the row's scale; e >= 9, so the shift is 0..7), computed
 * in int64 (|acc| <= d 2^30 < 2^46, the product below 2^54) and saturated
 * to int32 once; |u| <= 2^31. One copy, out of line: three call sites,
 * little gain from inlining.
 */
static MLQ_NOINLINE uint64_t row_term(int64_t acc, uint32_t e, int32_t o)
{
    int32_t u;
#if MLQ_DSP
    /* The 64-bit value as hi:lo, saturated through its high word. GCC
     * shifts signed values arithmetically. */
    uint32_t lo;
    int32_t hi;

    if (e > 16u) {
        uint32_t n = e - 16u;

        lo = (uint32_t)acc;
        hi = (int32_t)(acc >> 32);
        lo = (lo >> n) | ((uint32_t)hi << (32u - n)); /* 1 <= n <= 31 */
        hi >>= n;
        __asm__("adds %0, %0, %2\n\tadc %1, %1, %2, asr #31" : "+r"(lo), "+r"(hi) : "r"(o) : "cc");
    } else {
        int64_t v = (acc + o) * ((int64_t)1 << (16u - e));

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

        /* floor(acc / 2^n) = -(((-acc - 1) >> n) + 1) */
        v = (acc < 0 ? -(int64_t)((uint64_t)(-(acc + 1)) >> n) - 1 : (int64_t)((uint64_t)acc >> n)) + o;
    } else {
        v = (acc + o) * ((int64_t)1 << (16u - e));
    }
    u = mlq_sat_q31(v);
#endif
    return half_square(u < 0 ? 0u - (uint32_t)u : (uint32_t)u);
}

/* Evaluation state of one call. */
typedef struct gmm_eval gmm_eval;
typedef int64_t (*gmm_ll_fn)(const gmm_eval *ev, uint32_t c, int64_t floor);

struct gmm_eval {
    const mlq_gmm_q15 *m; /* the model struct as MLQ_MODEL_IN_RAM gives it (on AVR a copy on the
                             entry's stack); its arrays stay in flash */
    const mlq_q15_t *x;
    int64_t *w;    /* scratch, [G*K]: each l_c of a group, then the outputs' values;
                      then [G*K] int32 for gmm_proba */
    uint32_t len;  /* factor entries per component */
    gmm_ll_fn ll;  /* l_c, or LL_PRUNED when it is below floor */
    int prune;     /* abandon components that cannot matter (predict), or evaluate all */
};

/* Limit on the Mahalanobis sum of a component for floor; 1 means pruned at once. */
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
    mlq_far_at a = MLQ_FAR_ADD(MLQ_FAR_AT(m->factor), c * ev->len);
    const uint8_t *e = m->exponent + c * d;
    const int32_t *b = m->offset + c * d;
    int64_t cst = MLQ_RD_I32(&m->constant[c]);
    uint64_t maha = 0, lim;

    if (prune_limit(cst, floor, &lim))
        return LL_PRUNED;
    for (j = 0; j < d; j++) {
        /* |A q| <= 2^30 and |b| < 2^30: exact in int32. */
        int32_t y = (int32_t)MLQ_FAR_RD_I16(a, j) * x[j] - MLQ_RD_I32(&b[j]);
        uint32_t u = (y < 0) ? 0u - (uint32_t)y : (uint32_t)y, ej = MLQ_RD_U8(&e[j]);

        if (ej > 16u) {
            uint32_t n = ej - 16u; /* 1..31 */

            u = (u + ((uint32_t)1 << (n - 1u))) >> n; /* u < 2^31: no carry out */
        } else {
            uint32_t n = 16u - ej; /* 0..7 */

            u = u > (0x7FFFFFFFu >> n) ? 0x7FFFFFFFu : u << n;
        }
        maha += half_square(u);
        if (maha > lim)
            return LL_PRUNED;
    }
    return cst - (int64_t)maha;
}

/* l_c of a full component, Q47.16, or LL_PRUNED when below floor. */
static int64_t ll_full(const gmm_eval *ev, uint32_t c, int64_t floor)
{
    const mlq_gmm_q15 *m = ev->m;
    const mlq_q15_t *x = ev->x;
    uint32_t d = m->n_features, i;
    mlq_far_at a = MLQ_FAR_ADD(MLQ_FAR_AT(m->factor), c * ev->len);
    const uint8_t *e = m->exponent + c * d;
    const int32_t *o = m->offset + c * d;
    int64_t cst = MLQ_RD_I32(&m->constant[c]);
    uint64_t maha = 0, lim;

    if (prune_limit(cst, floor, &lim))
        return LL_PRUNED;
#if MLQ_DSP
    /* Rows i (even) and i + 1 both span (i + 2) / 2 words (row i ends with
     * its zero pad, which meets x[i + 1] < d; mlq_gmm_check checks the
     * pad): one x load serves both. */
    for (i = 0; i + 1u < d; i += 2u) {
        const mlq_q15_t *a1 = a + i + 2u, *xp = x, *end = a1;
        int64_t y0 = 0, y1 = 0;

        do {
            uint32_t xw = mlq_ld32(xp); /* ARMv7E-M reads words at any address, also in flash */

            y0 = mlq_smlald(mlq_ld32(a), xw, y0);
            y1 = mlq_smlald(mlq_ld32(a1), xw, y1);
            a += 2;
            a1 += 2;
            xp += 2;
        } while (a != end);
        maha += row_term(y0, MLQ_RD_U8(&e[i]), MLQ_RD_I32(&o[i])) +
                row_term(y1, MLQ_RD_U8(&e[i + 1u]), MLQ_RD_I32(&o[i + 1u]));
        if (maha > lim)
            return LL_PRUNED;
        a = a1;
    }
    if (i < d) { /* the last row of an odd d: i + 1 entries (no word reads past x[d - 1]) */
        int64_t y0 = 0;
        uint32_t j;

        for (j = 0; j <= i; j++)
            y0 += (int32_t)MLQ_FAR_RD_I16(a, j) * x[j]; /* each product within 2^30 */
        maha += row_term(y0, MLQ_RD_U8(&e[i]), MLQ_RD_I32(&o[i]));
    }
#else
    for (i = 0; i < d; i++) {
        int64_t y = 0;
        uint32_t j;

        for (j = 0; j <= i; j++)
            y += (int32_t)MLQ_FAR_RD_I16(a, j) * x[j]; /* each product within 2^30 */
        maha += row_term(y, MLQ_RD_U8(&e[i]), MLQ_RD_I32(&o[i]));
        if (maha > lim)
            return LL_PRUNED;
        a = MLQ_FAR_ADD(a, MLQ_ROW_LEN(i + 1u));
    }
#endif
    if (maha > lim)
        return LL_PRUNED;
    return cst - (int64_t)maha;
}

/*
 * Log-likelihood of group g (plus its log prior), or a value below floor
 * when its components are: each l_c into w[gK + c], the maximum M of them,
 * then acc = M and acc += s(acc - l_c) for every other component in order
 * (K = 1: l_c). With ev->prune, components below max(floor, M so far - 9)
 * are abandoned: they add exactly 0 (s(t) = 0 from t = 9), or the whole
 * group stays below floor + margin (gmm_predict). Without, floor must be
 * LL_PRUNED, and every component is evaluated in full.
 */
static int64_t group_lse(const gmm_eval *ev, uint32_t g, int64_t floor)
{
    uint32_t k = ev->m->n_components, c0 = g * k, c, arg = 0;
    int64_t max = LL_PRUNED, acc, *w = ev->w + c0;

    for (c = 0; c < k; c++) {
        int64_t v = ev->ll(ev, c0 + c, floor);

        w[c] = v;
        if (v > max) {
            max = v;
            arg = c;
            if (ev->prune && max - (int64_t)MLQ_SOFTPLUS_END_Q16 > floor)
                floor = max - (int64_t)MLQ_SOFTPLUS_END_Q16;
        }
    }
    acc = max;
    for (c = 0; c < k; c++)
        if (c != arg)
            acc += mlq_softplus_neg_q16((uint64_t)(acc - w[c])); /* acc >= max >= w[c] */
    return acc;
}

mlq_status mlq_gmm_check(const mlq_gmm_q15 *gmm)
{
    MLQ_MODEL_IN_RAM(mlq_gmm_q15, model, gmm);
    uint32_t d, n, c, i, len;
    int full;

    MLQ_ASSERT(gmm != NULL);
    d = model->n_features;
    n = (uint32_t)model->n_groups * model->n_components;
    full = model->covariance == MLQ_GMM_FULL;
    if (d == 0u || n == 0u || model->factor == NULL || model->exponent == NULL ||
        model->offset == NULL || model->constant == NULL || model->covariance > MLQ_GMM_FULL ||
        model->task > MLQ_GMM_ANOMALY ||
        (model->task != MLQ_GMM_CLASSIFY && model->n_groups != 1u) ||
        (model->task == MLQ_GMM_ANOMALY &&
         (model->threshold > THRESHOLD_MAX || model->threshold < -THRESHOLD_MAX)))
        return MLQ_ERR_MODEL;
#if SIZE_MAX / 12u < 0xFFFFFFFFu
    if (n > SIZE_MAX / GMM_SLOT_BYTES) /* the scratch size must fit size_t (16-bit targets) */
        return MLQ_ERR_MODEL;
#endif
    len = MLQ_GMM_FACTOR_LEN(d, full);
    for (c = 0; c < n; c++) {
        mlq_far_at a = MLQ_FAR_ADD(MLQ_FAR_AT(model->factor), c * len);
        const uint8_t *e = model->exponent + c * d;
        const int32_t *b = model->offset + c * d;

        for (i = 0; i < d; i++) {
            uint32_t ei = MLQ_RD_U8(&e[i]);

            if (ei < EXP_MIN || ei > EXP_MAX)
                return MLQ_ERR_MODEL;
            if (full) {
                if ((i & 1u) == 0u && MLQ_FAR_RD_I16(a, i + 1u) != 0) /* row i's zero pad */
                    return MLQ_ERR_MODEL;
                a = MLQ_FAR_ADD(a, MLQ_ROW_LEN(i + 1u));
            } else {
                int32_t bi = MLQ_RD_I32(&b[i]);

                if (bi >= DIAG_OFFSET_LIMIT || bi <= -DIAG_OFFSET_LIMIT)
                    return MLQ_ERR_MODEL;
            }
        }
    }
    return MLQ_OK;
}

size_t mlq_gmm_work_size(const mlq_gmm_q15 *gmm)
{
    MLQ_MODEL_IN_RAM(mlq_gmm_q15, model, gmm);

    MLQ_ASSERT(gmm != NULL);
    return MLQ_GMM_WORK_BYTES((uint32_t)model->n_groups * model->n_components, model->n_features);
}

/* The per-call checks of every entry (n_features, covariance type,
 * scratch); fills ev. m is the entry's MLQ_MODEL_IN_RAM view of the model,
 * which lives as long as the entry's call. */
static mlq_status gmm_begin(const mlq_gmm_q15 *m, const mlq_q15_t *x, uint16_t n_features,
                            uint32_t covariance, gmm_ll_fn ll, void *work, size_t work_size,
                            gmm_eval *ev)
{
    uint32_t d;

    MLQ_ASSERT(m != NULL && x != NULL);
    d = m->n_features;
    if (n_features != d)
        return MLQ_ERR_SIZE;
    if (m->covariance != covariance)
        return MLQ_ERR_MODEL;
    if (work == NULL || !MLQ_WORK_ALIGNED(work) ||
        work_size < (size_t)((uint32_t)m->n_groups * m->n_components) * GMM_SLOT_BYTES)
        return MLQ_ERR_BUFFER;
    ev->m = m;
    ev->x = x;
    ev->w = (int64_t *)work;
    ev->ll = ll;
    ev->prune = 1;
    ev->len = MLQ_GMM_FACTOR_LEN(d, covariance == MLQ_GMM_FULL);
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

/*
 * The exact value of each of the n outputs of a clustering (n = K: l_c) or
 * per-class model (n = G: group log-likelihoods) into w[0 .. n - 1], every
 * component evaluated in full; returns the index of the largest (the
 * lowest on ties), which is gmm_predict's answer. Group g's value goes to
 * w[g] once the group is folded: g <= g K, so that slot holds a component
 * already used.
 */
static uint16_t output_values(gmm_eval *ev, uint32_t n)
{
    int64_t *w = ev->w;
    uint32_t i, best_i = 0;
    int cluster = ev->m->task == MLQ_GMM_CLUSTER;

    ev->prune = 0;
    for (i = 0; i < n; i++) {
        int64_t v = cluster ? ev->ll(ev, i, LL_PRUNED) : group_lse(ev, i, LL_PRUNED);

        w[i] = v;
        if (v > w[best_i]) /* strict: ties keep the lower index */
            best_i = i;
    }
    return (uint16_t)best_i;
}

/* Outputs of a clustering or per-class model. */
static uint32_t n_outputs(const mlq_gmm_q15 *m)
{
    return m->task == MLQ_GMM_CLUSTER ? m->n_components : m->n_groups;
}

static void gmm_scores(gmm_eval *ev, int32_t *scores)
{
    const mlq_gmm_q15 *m = ev->m;
    uint32_t n, i;
    uint16_t win;

    if (m->task == MLQ_GMM_ANOMALY) {
        int64_t v;

        ev->prune = 0;
        v = group_lse(ev, 0, LL_PRUNED) - m->threshold; /* |.| < 2^63 */
        /* v and -v saturate apart unless v = 0, a tie that is normal (0):
         * the order is always predict's, no mlq_score_keep_winner needed. */
        scores[0] = mlq_sat_q31(v);
        scores[1] = mlq_sat_q31(-v);
        return;
    }
    n = n_outputs(m);
    win = output_values(ev, n);
    for (i = 0; i < n; i++)
        scores[i] = mlq_sat_q31(ev->w[i]);
    mlq_score_keep_winner(scores, (uint16_t)n, win);
}

/* Softmax of the exact values minus the winner's, clamped to the exp's
 * domain; the int32 differences go to the scratch's second part, after
 * the G K int64 slots. */
static void gmm_proba(gmm_eval *ev, uint16_t *proba)
{
    uint32_t n = n_outputs(ev->m), i;
    uint16_t win = output_values(ev, n);
    const int64_t *w = ev->w;
    int64_t top = w[win];
    int32_t *r = (int32_t *)(ev->w + (uint32_t)ev->m->n_groups * ev->m->n_components);

    for (i = 0; i < n; i++) {
        int64_t t = w[i] - top; /* <= 0, above -2^63 */

        r[i] = t < MLQ_EXP_Q31_MIN_ARG ? MLQ_EXP_Q31_MIN_ARG - 1 : (int32_t)t;
    }
    mlq_proba_softmax(r, (uint16_t)n, win, proba);
}

/* Log-likelihood under the whole model: groups folded in order,
 * acc = max(acc, G) + s(|acc - G|). */
static int64_t gmm_loglik(const gmm_eval *ev)
{
    uint32_t g;
    int64_t acc = group_lse(ev, 0, LL_PRUNED);

    for (g = 1; g < ev->m->n_groups; g++) {
        int64_t v = group_lse(ev, g, LL_PRUNED);

        acc = v > acc ? v + mlq_softplus_neg_q16((uint64_t)(v - acc))
                      : acc + mlq_softplus_neg_q16((uint64_t)(acc - v));
    }
    return acc;
}

mlq_status mlq_gmm_full_predict_q15(const mlq_gmm_q15 *gmm, const mlq_q15_t *x,
                                    uint16_t n_features, void *work, size_t work_size,
                                    uint16_t *out)
{
    MLQ_MODEL_IN_RAM(mlq_gmm_q15, model, gmm);
    gmm_eval ev;
    mlq_status s = gmm_begin(model, x, n_features, MLQ_GMM_FULL, ll_full, work, work_size, &ev);

    MLQ_ASSERT(out != NULL);
    if (s == MLQ_OK)
        *out = gmm_predict(&ev);
    return s;
}

mlq_status mlq_gmm_diag_predict_q15(const mlq_gmm_q15 *gmm, const mlq_q15_t *x,
                                    uint16_t n_features, void *work, size_t work_size,
                                    uint16_t *out)
{
    MLQ_MODEL_IN_RAM(mlq_gmm_q15, model, gmm);
    gmm_eval ev;
    mlq_status s = gmm_begin(model, x, n_features, MLQ_GMM_DIAG, ll_diag, work, work_size, &ev);

    MLQ_ASSERT(out != NULL);
    if (s == MLQ_OK)
        *out = gmm_predict(&ev);
    return s;
}

mlq_status mlq_gmm_full_scores_q15(const mlq_gmm_q15 *gmm, const mlq_q15_t *x,
                                   uint16_t n_features, void *work, size_t work_size,
                                   int32_t *scores)
{
    MLQ_MODEL_IN_RAM(mlq_gmm_q15, model, gmm);
    gmm_eval ev;
    mlq_status s = gmm_begin(model, x, n_features, MLQ_GMM_FULL, ll_full, work, work_size, &ev);

    MLQ_ASSERT(scores != NULL);
    if (s == MLQ_OK)
        gmm_scores(&ev, scores);
    return s;
}

mlq_status mlq_gmm_diag_scores_q15(const mlq_gmm_q15 *gmm, const mlq_q15_t *x,
                                   uint16_t n_features, void *work, size_t work_size,
                                   int32_t *scores)
{
    MLQ_MODEL_IN_RAM(mlq_gmm_q15, model, gmm);
    gmm_eval ev;
    mlq_status s = gmm_begin(model, x, n_features, MLQ_GMM_DIAG, ll_diag, work, work_size, &ev);

    MLQ_ASSERT(scores != NULL);
    if (s == MLQ_OK)
        gmm_scores(&ev, scores);
    return s;
}

mlq_status mlq_gmm_full_proba_q15(const mlq_gmm_q15 *gmm, const mlq_q15_t *x,
                                  uint16_t n_features, void *work, size_t work_size,
                                  uint16_t *proba)
{
    MLQ_MODEL_IN_RAM(mlq_gmm_q15, model, gmm);
    gmm_eval ev;
    mlq_status s = gmm_begin(model, x, n_features, MLQ_GMM_FULL, ll_full, work, work_size, &ev);

    MLQ_ASSERT(proba != NULL);
    if (s == MLQ_OK && model->task == MLQ_GMM_ANOMALY)
        s = MLQ_ERR_MODEL;
    if (s == MLQ_OK)
        gmm_proba(&ev, proba);
    return s;
}

mlq_status mlq_gmm_diag_proba_q15(const mlq_gmm_q15 *gmm, const mlq_q15_t *x,
                                  uint16_t n_features, void *work, size_t work_size,
                                  uint16_t *proba)
{
    MLQ_MODEL_IN_RAM(mlq_gmm_q15, model, gmm);
    gmm_eval ev;
    mlq_status s = gmm_begin(model, x, n_features, MLQ_GMM_DIAG, ll_diag, work, work_size, &ev);

    MLQ_ASSERT(proba != NULL);
    if (s == MLQ_OK && model->task == MLQ_GMM_ANOMALY)
        s = MLQ_ERR_MODEL;
    if (s == MLQ_OK)
        gmm_proba(&ev, proba);
    return s;
}

mlq_status mlq_gmm_predict_q15(const mlq_gmm_q15 *model, const mlq_q15_t *x,
                               uint16_t n_features, void *work, size_t work_size,
                               uint16_t *out)
{
    MLQ_ASSERT(model != NULL);
    return MLQ_RD_U8(&model->covariance) == MLQ_GMM_DIAG
               ? mlq_gmm_diag_predict_q15(model, x, n_features, work, work_size, out)
               : mlq_gmm_full_predict_q15(model, x, n_features, work, work_size, out);
}

mlq_status mlq_gmm_scores_q15(const mlq_gmm_q15 *model, const mlq_q15_t *x,
                              uint16_t n_features, void *work, size_t work_size,
                              int32_t *scores)
{
    MLQ_ASSERT(model != NULL);
    return MLQ_RD_U8(&model->covariance) == MLQ_GMM_DIAG
               ? mlq_gmm_diag_scores_q15(model, x, n_features, work, work_size, scores)
               : mlq_gmm_full_scores_q15(model, x, n_features, work, work_size, scores);
}

mlq_status mlq_gmm_proba_q15(const mlq_gmm_q15 *model, const mlq_q15_t *x,
                             uint16_t n_features, void *work, size_t work_size,
                             uint16_t *proba)
{
    MLQ_ASSERT(model != NULL);
    return MLQ_RD_U8(&model->covariance) == MLQ_GMM_DIAG
               ? mlq_gmm_diag_proba_q15(model, x, n_features, work, work_size, proba)
               : mlq_gmm_full_proba_q15(model, x, n_features, work, work_size, proba);
}

mlq_status mlq_gmm_loglik_q15(const mlq_gmm_q15 *gmm, const mlq_q15_t *x,
                              uint16_t n_features, void *work, size_t work_size, int64_t *ll)
{
    MLQ_MODEL_IN_RAM(mlq_gmm_q15, model, gmm);
    gmm_eval ev;
    mlq_status s;

    MLQ_ASSERT(gmm != NULL && ll != NULL);
    s = gmm_begin(model, x, n_features, model->covariance,
                  model->covariance == MLQ_GMM_DIAG ? ll_diag : ll_full, work, work_size, &ev);
    if (s == MLQ_OK)
        *ll = gmm_loglik(&ev);
    return s;
}
