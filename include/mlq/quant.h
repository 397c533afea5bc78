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
 *  - float features (mlq_quant_f32_to_q15): q = round((x - m) * g) with
 *    g = 32768 / (s * R), computed as one float subtraction and one float
 *    multiplication, then exact integer rounding (half away from zero). This
 *    is the only float arithmetic in mlq's device code; it is IEEE-754
 *    single precision with no fused multiply-add, so the result is the same
 *    bit for bit on x86-64, soft-float Cortex-M0 and hard-float Cortex-M4F.
 *  - raw int16 sensor values (mlq_quant_i16_to_q15), e.g. ADC counts, for
 *    firmware with no float at all: q = sat((x * mul + add) >> shift) with
 *    per-feature integers chosen at export. Within one step (1/32768 of R)
 *    of the float path; exact integer arithmetic, no float.
 */
#ifndef MLQ_QUANT_H
#define MLQ_QUANT_H

#include "mlq/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Per-feature input quantization constants; exporters emit it `const` (flash). */
typedef struct mlq_quant {
    uint16_t n_features;
    const float *offset;      /* [n_features] training mean m_j, raw units */
    const float *gain2;       /* [n_features] 2 * 32768 / (s_j * R), exact double of g */
    const int16_t *raw_mul;   /* [n_features] integer path multiplier, or NULL */
    const int32_t *raw_add;   /* [n_features] integer path offset incl. rounding */
    const uint8_t *raw_shift; /* [n_features] integer path right shift, 0..30 */
} mlq_quant;

/**
 * Quantize one float feature vector into the model's Q1.15 input domain.
 * @param[in]  q           quantization constants of the model
 * @param[in]  x           [n_features] raw feature values (float)
 * @param[in]  n_features  length of x and out; must equal q->n_features
 * @param[out] out         [n_features] Q1.15 inputs; unspecified on error
 * @return MLQ_OK; MLQ_ERR_SIZE if n_features != q->n_features;
 *         MLQ_ERR_INPUT if some x_j is NaN (infinities saturate)
 *
 * Scaling and overflow: v = (x_j - m_j) * 2g_j in float. When |v| < 65535,
 * t = trunc(v) (in range, so the conversion is defined) and
 * q = (t + sign(t)) / 2 rounds v / 2 half away from zero into
 * [-32767, 32767]; otherwise q saturates to 32767 or -32768 (the correctly
 * rounded value saturated), and NaN is an error.
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
