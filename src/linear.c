/* SPDX-License-Identifier: MIT */
#include "mlq/linear.h"

#include "mlq/fixed.h"
#include "mlq/score.h"

#include "dsp.h"

/* u as int32, without an out-of-range conversion. */
static inline int32_t as_s32(uint32_t u)
{
    return u <= (uint32_t)INT32_MAX ? (int32_t)u : -(int32_t)~u - 1;
}

mlq_status mlq_linear_check(const mlq_linear_q15 *linear)
{
    MLQ_MODEL_IN_RAM(mlq_linear_q15, model, linear);
    uint32_t n, row, rows, r, j;

    MLQ_ASSERT(linear != NULL);
    if (model->n_outputs == 0 || model->n_outputs > 32767u || model->n_features == 0 ||
        model->w == NULL || model->bias == NULL || model->shift < MLQ_LINEAR_SHIFT_MIN ||
        model->shift > MLQ_LINEAR_SHIFT_MAX)
        return MLQ_ERR_MODEL;
    n = model->n_features;
    row = MLQ_ROW_LEN(n);
    rows = MLQ_LINEAR_ROWS(model->n_outputs);
    for (r = 0; r < rows; r++) {
        const mlq_q15_t *w = model->w + r * row;
        int32_t b = MLQ_RD_I32(&model->bias[r]);
        int64_t bound = b < 0 ? -(int64_t)b : (int64_t)b;

        for (j = 0; j < n; j++) {
            int32_t v = MLQ_RD_I16(&w[j]);

            bound += (int64_t)32768 * (v < 0 ? -v : v);
        }
        if (bound > INT32_MAX || (row != n && MLQ_RD_I16(&w[row - 1u]) != 0))
            return MLQ_ERR_MODEL;
    }
    return MLQ_OK;
}

size_t mlq_linear_work_size(const mlq_linear_q15 *linear)
{
    MLQ_MODEL_IN_RAM(mlq_linear_q15, model, linear);

    MLQ_ASSERT(linear != NULL);
    return MLQ_LINEAR_WORK_BYTES(model->n_outputs);
}

/*
 * bias + w . x for one row w of the model (in flash): exact in int32 by
 * mlq_linear_check's bound. On DSP cores mlq_dot_flash_q15 (two products
 * per SMLALD, four words of each vector per load-multiple when they are
 * aligned alike), whose int64 sum is the same exact value; elsewhere one
 * 32-bit product a step, the sum in 32 bits (no 64-bit arithmetic on
 * Cortex-M0, RISC-V or AVR), modulo 2^32 so that no step can be a signed
 * overflow.
 */
MLQ_INLINE int32_t row_sum(const mlq_q15_t *x, const mlq_q15_t *w, uint32_t n, int32_t bias)
{
    uint32_t acc = (uint32_t)bias;
#if MLQ_DSP
    acc += (uint32_t)mlq_dot_flash_q15(x, w, n);
#else
    uint32_t j = n;

    while (j > 0) { /* from the last entry down: on Cortex-M0 7 instructions a product */
        j--;
        acc += (uint32_t)((int32_t)x[j] * MLQ_RD_I16(&w[j]));
    }
#endif
    return as_s32(acc);
}

/* An exact row sum s in Q15.16: s / 2^shift rounded half up (t = s >>
 * (shift - 1) is the half-unit count, its last bit the rounding), or s
 * 2^-shift saturated. */
static int32_t score_q16(int32_t s, int shift)
{
    int64_t v;

    if (shift > 0) {
        int32_t t = s >> (shift - 1);

        return (t >> 1) + (int32_t)((uint32_t)t & 1u);
    }
    v = (int64_t)s * ((int64_t)1 << -shift);
    return v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : (int32_t)v;
}

/*
 * Every row's exact sum; the output of the largest (the lowest on ties).
 * A binary model's class 0 has the sum 0 and its one row is class 1. With
 * scores != NULL (a constant where this is inlined) every output's score
 * too, written as it comes.
 */
MLQ_INLINE uint16_t run(const mlq_linear_q15 *m, const mlq_q15_t *x, int32_t *scores)
{
    uint32_t n = m->n_features, row = MLQ_ROW_LEN(n), n_out = m->n_outputs;
    uint32_t k = n_out == 2u ? 1u : 0u, best = 0;
    const mlq_q15_t *w = m->w;
    const int32_t *bias = m->bias;
    /* Every row sum is above INT32_MIN (mlq_linear_check): row 0 of a
     * K-class or regression model always takes the lead. */
    int32_t top = n_out == 2u ? 0 : INT32_MIN;
    int shift = m->shift;

    if (scores == NULL && k == 1u) /* a binary prediction: the sign of one sum */
        return (uint16_t)(row_sum(x, w, n, MLQ_RD_I32(bias)) > 0);
    if (scores != NULL && k == 1u)
        scores[0] = 0;
    for (; k < n_out; k++, w += row, bias++) {
        int32_t s = row_sum(x, w, n, MLQ_RD_I32(bias));

        if (scores != NULL)
            scores[k] = score_q16(s, shift);
        if (s > top) { /* strict: ties keep the lower output */
            top = s;
            best = k;
        }
    }
    return (uint16_t)best;
}

/* What every entry checks per call. */
MLQ_INLINE mlq_status call_ok(const mlq_linear_q15 *m, uint16_t n_features, const void *work,
                              size_t work_size)
{
    if (n_features != m->n_features)
        return MLQ_ERR_SIZE;
    if (work_size < MLQ_LINEAR_WORK_BYTES(m->n_outputs) || !MLQ_WORK_ALIGNED(work))
        return MLQ_ERR_BUFFER;
    return MLQ_OK;
}

mlq_status mlq_linear_predict_q15(const mlq_linear_q15 *linear, const mlq_q15_t *x,
                                  uint16_t n_features, void *work, size_t work_size, uint16_t *out)
{
    MLQ_MODEL_IN_RAM(mlq_linear_q15, model, linear);
    mlq_status s;

    MLQ_ASSERT(linear != NULL && x != NULL && out != NULL);
    if ((s = call_ok(model, n_features, work, work_size)) != MLQ_OK)
        return s;
    *out = run(model, x, NULL);
    return MLQ_OK;
}

/* The scores, the winner on top (mlq_linear_scores_q15). */
static uint16_t scores_of(const mlq_linear_q15 *m, const mlq_q15_t *x, int32_t *scores)
{
    uint16_t winner = run(m, x, scores);

    mlq_score_keep_winner(scores, m->n_outputs, winner);
    return winner;
}

mlq_status mlq_linear_scores_q15(const mlq_linear_q15 *linear, const mlq_q15_t *x,
                                 uint16_t n_features, void *work, size_t work_size, int32_t *scores)
{
    MLQ_MODEL_IN_RAM(mlq_linear_q15, model, linear);
    mlq_status s;

    MLQ_ASSERT(linear != NULL && x != NULL && scores != NULL);
    if ((s = call_ok(model, n_features, work, work_size)) != MLQ_OK)
        return s;
    (void)scores_of(model, x, scores);
    return MLQ_OK;
}

mlq_status mlq_linear_proba_q15(const mlq_linear_q15 *linear, const mlq_q15_t *x,
                                uint16_t n_features, void *work, size_t work_size, uint16_t *proba)
{
    MLQ_MODEL_IN_RAM(mlq_linear_q15, model, linear);
    int32_t *scores = (int32_t *)work;
    mlq_status s;

    MLQ_ASSERT(linear != NULL && x != NULL && proba != NULL);
    if (model->n_outputs < 2u)
        return MLQ_ERR_MODEL;
    if ((s = call_ok(model, n_features, work, work_size)) != MLQ_OK)
        return s;
    mlq_proba_softmax(scores, model->n_outputs, scores_of(model, x, scores), proba);
    return MLQ_OK;
}
