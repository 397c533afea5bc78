/* SPDX-License-Identifier: MIT */
/*
 * mlq/score.h -- scores and probabilities, the same way for every model.
 *
 *   int32_t s[3];
 *   uint16_t p[3];
 *   mlq_gmm_scores_q15(&model, q, 4, work, sizeof work, s);   // Q15.16, argmax = predict
 *   mlq_gmm_proba_q15(&model, q, 4, work, sizeof work, p);    // Q15, sums to 32768
 *
 * Every model's mlq_X_scores_q15 writes one int32_t per output in Q15.16
 * (MLQ_SCORE_FRAC in mlq/types.h) and mlq_X_proba_q15, where the model
 * defines probabilities, one uint16_t per output in Q15 that sum to exactly
 * MLQ_PROBA_ONE (32768). The helpers below are the one place where a
 * kernel's exact internal values become those outputs, so that every model
 * keeps the same two promises:
 *  - the index of the largest score (the lowest index on ties) is the
 *    prediction, the very id mlq_X_predict_q15 returns for the input;
 *  - probabilities sum to 32768, the predicted output taking the rounding
 *    remainder, and their largest (the lowest index on ties) is the
 *    prediction too.
 */
#ifndef MLQ_SCORE_H
#define MLQ_SCORE_H

#include "types.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Keep the predicted output on top after a kernel has rounded or saturated
 * its exact values into scores.
 * @param[in,out] scores  [n] Q15.16 scores
 * @param[in]     n       number of outputs, >= 1
 * @param[in]     winner  the prediction (< n), computed from the exact values
 *
 * A score of a lower index that is not below scores[winner] becomes
 * scores[winner] - 1, a score of a higher index above it becomes
 * scores[winner] (raised to INT32_MIN + 1 first when it is INT32_MIN and a
 * lower index exists). Scores that rounding kept in the exact order are
 * untouched, so the fix acts only where two outputs are within one unit of
 * the score or saturated.
 *
 * Scaling and overflow: comparisons and a decrement of a value above
 * INT32_MIN only.
 */
void mlq_score_keep_winner(int32_t *scores, uint16_t n, uint16_t winner);

/** Index of the largest of n >= 1 scores, the lowest index on ties. */
uint16_t mlq_score_argmax(const int32_t *scores, uint16_t n);

/** Index of the largest of n >= 1 probabilities, the lowest index on ties. */
uint16_t mlq_proba_argmax(const uint16_t *proba, uint16_t n);

/**
 * Probabilities from non-negative weights: proba_c = w_c / sum(w), in Q15.
 * @param[in]  w       [n] weights; their sum must be below 2^32 and above 0,
 *                     and w[winner] the largest
 * @param[in]  n       number of outputs, 1..32767
 * @param[in]  winner  the prediction (< n): it takes the rounding remainder,
 *                     and one unit from any lower index that would tie it
 * @param[out] proba   [n] Q15, sum exactly MLQ_PROBA_ONE; mlq_proba_argmax
 *                     of it is winner
 *
 * Scaling and overflow: the weights are shifted right until their sum fits
 * 16 bits (each losing less than one unit of a sum of at least 2^15), then
 * each is multiplied by ceil(2^31 / sum) (below 2^31 + 2^16: fits
 * uint32_t) and shifted right by 16, which rounds down and keeps the total
 * at most 32768: each probability but the winner's is within 2 / 32768 of
 * w_c / sum(w), below it, and the winner's within 2n / 32768. One 32-bit
 * division per call.
 */
void mlq_proba_from_weights(const uint32_t *w, uint16_t n, uint16_t winner, uint16_t *proba);

/**
 * Softmax of Q15.16 scores: proba_c = exp(s_c) / sum exp(s_k), in Q15.
 * @param[in]  scores  [n] Q15.16; scores[winner] must be the largest
 * @param[in]  n       number of outputs, 1..32767
 * @param[in]  winner  the prediction (< n), as for mlq_proba_from_weights
 * @param[out] proba   [n] Q15, sum exactly MLQ_PROBA_ONE; mlq_proba_argmax
 *                     of it is winner
 *
 * Scaling and overflow: e_c = mlq_exp_q31(s_c - s_winner) (the difference
 * in int64, clamped to the exp's domain) is within 2^-31 of exp(s_c -
 * s_winner) (mlq/fixed.h); its top 15 bits are the weights of
 * mlq_proba_from_weights, so an output below 2^-15 of the winner's weight
 * gets 0, every probability but the winner's is within 2 / 32768 of the
 * exact softmax of the scores, and the winner's within 2n / 32768.
 */
void mlq_proba_softmax(const int32_t *scores, uint16_t n, uint16_t winner, uint16_t *proba);

/**
 * The output of a regression model (trained with --task regress): its one
 * score, the prediction in standardized target units (Q15.16), turned into
 * the target in the header's fixed-point unit, y / 2^NAME_Y_FRAC in the
 * training CSV's units. Exporters fill it; it lives in flash with the model.
 */
typedef struct mlq_regress {
    int32_t lo, hi;  /* the score saturates to [lo, hi] (Q15.16), so y does to NAME_Y_MIN..MAX */
    int32_t gain;    /* output units per score unit, times 2^shift; > 0 */
    int32_t offset;  /* the target's training mean in output units */
    uint8_t shift;   /* 0..62 */
} mlq_regress;

/**
 * The regression output of a score.
 * @param[in]  r      the model's mlq_regress (in flash: MLQ_FLASH)
 * @param[in]  score  the model's score (mlq_X_scores_q15's one output)
 * @param[out] y      offset + round((clamp(score, lo, hi) x gain) / 2^shift),
 *                    rounding halves away from zero; written only on MLQ_OK
 * @return MLQ_OK, or MLQ_ERR_MODEL when r is inconsistent (lo > hi, gain
 *         <= 0, shift > 62).
 *
 * Scaling and overflow: the product is exact in int64 (|score| < 2^31,
 * gain < 2^31); the exporter chooses lo, hi, gain and offset so that y fits
 * int32_t, and the sum saturates to it should a hand-made r not.
 */
mlq_status mlq_regress_value(const mlq_regress *r, int32_t score, int32_t *y);

#ifdef __cplusplus
}
#endif

#endif /* MLQ_SCORE_H */
