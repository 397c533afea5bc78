/* SPDX-License-Identifier: MIT */
#include "mlq/score.h"

#include "mlq/fixed.h"

void mlq_score_keep_winner(int32_t *scores, uint16_t n, uint16_t winner)
{
    uint16_t c;
    int32_t top;

    MLQ_ASSERT(scores != NULL && winner < n);
    if (winner > 0 && scores[winner] == INT32_MIN)
        scores[winner] = INT32_MIN + 1;
    top = scores[winner];
    for (c = 0; c < winner; c++)
        if (scores[c] >= top)
            scores[c] = top - 1;
    for (c = (uint16_t)(winner + 1u); c < n; c++)
        if (scores[c] > top)
            scores[c] = top;
}

uint16_t mlq_score_argmax(const int32_t *scores, uint16_t n)
{
    uint16_t c, best = 0;

    MLQ_ASSERT(scores != NULL && n > 0);
    for (c = 1; c < n; c++)
        if (scores[c] > scores[best]) /* strict: ties keep the lower index */
            best = c;
    return best;
}

uint16_t mlq_proba_argmax(const uint16_t *proba, uint16_t n)
{
    uint16_t c, best = 0;

    MLQ_ASSERT(proba != NULL && n > 0);
    for (c = 1; c < n; c++)
        if (proba[c] > proba[best])
            best = c;
    return best;
}

/* proba[c] holds weights summing to sum (< 2^32): rewrite them in place as
 * Q15 probabilities that sum to MLQ_PROBA_ONE. */
static void normalize(uint16_t *proba, uint16_t n, uint16_t winner, uint32_t sum)
{
    uint32_t inv, total = 0;
    uint16_t c;

    if (sum > 0xFFFFu) {
        uint32_t s = 0;

        while ((sum >> s) > 0xFFFFu)
            s++;
        sum = 0;
        for (c = 0; c < n; c++) {
            proba[c] = (uint16_t)(proba[c] >> s);
            sum += proba[c];
        }
    }
    if (sum == 0) { /* no weight at all (outside the contract): all to the winner */
        proba[winner] = 1;
        sum = 1;
    }
    /* inv = ceil(2^31 / sum): proba[c] <= sum, so proba[c] * inv < 2^31 +
     * 2^16, and the floors below sum to at most 32768 (their exact values
     * sum to less than 32769); an even split comes out even. */
    inv = (0x80000000u - 1u) / sum + 1u;
    for (c = 0; c < n; c++) {
        proba[c] = (uint16_t)(((uint32_t)proba[c] * inv) >> 16);
        total += proba[c];
    }
    proba[winner] = (uint16_t)(proba[winner] + (MLQ_PROBA_ONE - total));
    /* Weights never exceed the winner's, and the steps above keep that
     * order; a lower index that still ties the winner gives it one unit. */
    for (c = 0; c < winner; c++) {
        if (proba[c] >= proba[winner]) {
            proba[c]--;
            proba[winner]++;
        }
    }
}

void mlq_proba_from_weights(const uint32_t *w, uint16_t n, uint16_t winner, uint16_t *proba)
{
    uint32_t sum = 0, s = 0;
    uint16_t c;

    MLQ_ASSERT(w != NULL && proba != NULL && winner < n);
    for (c = 0; c < n; c++)
        sum += w[c];
    while ((sum >> s) > 0xFFFFu)
        s++;
    sum = 0;
    for (c = 0; c < n; c++) {
        proba[c] = (uint16_t)(w[c] >> s);
        sum += proba[c];
    }
    normalize(proba, n, winner, sum);
}

void mlq_proba_softmax(const int32_t *scores, uint16_t n, uint16_t winner, uint16_t *proba)
{
    int32_t top;
    uint32_t sum = 0;
    uint16_t c;

    MLQ_ASSERT(scores != NULL && proba != NULL && winner < n);
    top = scores[winner];
    for (c = 0; c < n; c++) {
        int64_t d = (int64_t)scores[c] - top;
        int32_t arg = d < MLQ_EXP_Q31_MIN_ARG ? MLQ_EXP_Q31_MIN_ARG - 1 : (int32_t)d;

        proba[c] = (uint16_t)((uint32_t)mlq_exp_q31(arg) >> 16);
        sum += proba[c];
    }
    normalize(proba, n, winner, sum);
}

mlq_status mlq_regress_value(const mlq_regress *r, int32_t score, int32_t *y)
{
    int32_t lo = MLQ_RD_I32(&r->lo), hi = MLQ_RD_I32(&r->hi), gain = MLQ_RD_I32(&r->gain);
    uint8_t shift = MLQ_RD_U8(&r->shift);

    if (lo > hi || gain <= 0 || shift > 62u)
        return MLQ_ERR_MODEL;
    score = score < lo ? lo : score > hi ? hi : score;
    *y = mlq_sat_q31((int64_t)MLQ_RD_I32(&r->offset) +
                     mlq_round_shift_s64((int64_t)score * gain, shift));
    return MLQ_OK;
}
