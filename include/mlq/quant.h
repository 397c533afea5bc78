/* SPDX-License-Identifier: MIT */
/*
 * mlq/quant.h -- input quantization shared by every model: raw feature
 * vector -> Q1.15 vector in the model's input domain.
 *
 *   mlq_q15_t q[4];
 *   if (mlq_quant_f32_to_q15(&iris_kmeans_quant, x, 4, q) == MLQ_OK)
 *       mlq_kmeans_predict_q15(&iris_kmeans_model, q, 4, &cluster);
 *
 * The input domain. At training every feature j is standardized with the
 * mean m_j and scale s_j learned on the training rows, z_j = (x_j - m_j) / s_j,
 * and the model stores a power-of-two input range R covering the training
 * rows' |z|. Device inputs are Q1.15 numbers q_j = round(32768 * z_j / R),
 * saturated to [-32768, 32767]: a value beyond R standard deviations
 * saturates, it never wraps. Every model parameter that lives in the input
 * domain (centroids, thresholds, support vectors) is expressed in the same
 * units, so kernels never see the float standardization.
 *
 * Two ways in:
 *  - float features (mlq_quant_f32_to_q15), the only float arithmetic in
 *    mlq's device code: b = (x - o) * g in IEEE single precision, with
 *    g = 32768 / (s * R) and o = m - 32768.5 / g chosen at export, so that
 *    q = floor(b) - 32768 = floor((x - m) * g + 0.5): the standardized value
 *    rounded to nearest (ties upward), saturated to [-32768, 32767]. One
 *    subtraction and one multiplication, no fused multiply-add: the result
 *    is the same bit for bit on x86-64, on hard-float Cortex-M4F (where
 *    VCVT.U16 does the floor and saturation four features at a time) and
 *    on cores without an FPU (Cortex-M0, M3), where the same two IEEE
 *    operations, floor and saturation are done in integer arithmetic
 *    (src/quant.c), so no soft-float routine is linked.
 *  - raw int16 sensor values (mlq_quant_i16_to_q15), e.g. ADC counts, for
 *    firmware with no float at all: q = sat((x * mul + add) >> shift) with
 *    per-feature integers chosen at export. Within one step (1/32768 of R)
 *    of the float path; exact integer arithmetic, no float.
 */
#ifndef MLQ_QUANT_H
#define MLQ_QUANT_H

#include "types.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Per-feature input quantization constants; exporters emit it `const` (flash). */
typedef struct mlq_quant {
    uint16_t n_features;
    const float *offset;      /* [n_features] o_j = m_j - 32768.5 / g_j, raw units */
    const float *gain;        /* [n_features] g_j = 32768 / (s_j * R), Q15 steps per raw unit */
    const int16_t *raw_mul;   /* [n_features] integer path multiplier, or NULL */
    const int32_t *raw_add;   /* [n_features] integer path offset incl. rounding */
    const uint8_t *raw_shift; /* [n_features] integer path right shift, 0..30 */
} mlq_quant;

/**
 * Quantize one float feature vector into the model's Q1.15 input domain.
 * @param[in]  q           quantization constants of the model
 * @param[in]  x           [n_features] raw feature values (float)
 * @param[in]  n_features  length of x and out; must equal q->n_features
 * @param[out] out         [n_features] Q1.15 inputs; unspecified on error.
 *                         Word-aligned (MLQ_ALIGN4) buffers take the fast path.
 * @return MLQ_OK; MLQ_ERR_SIZE if n_features != q->n_features;
 *         MLQ_ERR_INPUT if some x_j is NaN (infinities saturate)
 *
 * Scaling and overflow: b = (x_j - o_j) * g_j in float (round to nearest;
 * on FPU targets the caller's FPSCR is saved and restored around the
 * loop). When 0 <= b < 65536, u = floor(b) (exact conversion, in range),
 * else u saturates to 0 or 65535; q = u - 32768. An infinite or huge x
 * saturates, NaN is an error. Never wraps.
 */
mlq_status mlq_quant_f32_to_q15(const mlq_quant *q, const float *x, uint16_t n_features,
                                mlq_q15_t *out);

/**
 * Quantize one vector of raw int16 sensor values (the same units as the
 * training CSV, e.g. ADC counts) into the model's Q1.15 input domain,
 * with integer arithmetic only.
 * @param[in]  q           quantization constants of the model
 * @param[in]  x           [n_features] raw values
 * @param[in]  n_features  must equal q->n_features
 * @param[out] out         [n_features] Q1.15 inputs; unspecified on error
 * @return MLQ_OK; MLQ_ERR_SIZE on a length mismatch; MLQ_ERR_MODEL when the
 *         model has no integer path (raw_mul NULL: some feature's gain is
 *         above 32767 steps per raw unit, i.e. its raw units are too coarse
 *         for int16 input, so the exporter left the path out)
 *
 * Scaling and overflow: |x * mul| <= 32768 * 32767 < 2^30 and the exporter
 * keeps |add| < 2^30, so the int32 sum is exact; the arithmetic right shift
 * floors (add carries +2^(shift-1) so the result rounds to nearest, ties
 * up), then the value saturates to [-32768, 32767].
 */
mlq_status mlq_quant_i16_to_q15(const mlq_quant *q, const int16_t *x, uint16_t n_features,
                                mlq_q15_t *out);

#ifdef __cplusplus
}
#endif

#endif /* MLQ_QUANT_H */
