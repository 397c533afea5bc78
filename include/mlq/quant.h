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
 *    firmware with no float at all: with d = x - c (c the training mean
 *    rounded to the raw unit), q = sat(floor((d * m + a) / 2^s)), per-feature
 *    integers chosen at export. Within one step (1/32768 of R) of the float
 *    path for every int16 input, whatever the feature's offset and spread;
 *    exact integer arithmetic, no float.
 */
#ifndef MLQ_QUANT_H
#define MLQ_QUANT_H

#include "types.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The float input path's per-feature constants; exporters emit it `const` (flash). */
typedef struct mlq_quant {
    uint16_t n_features;
    const float *offset;      /* [n_features] o_j = m_j - 32768.5 / g_j, raw units */
    const float *gain;        /* [n_features] g_j = 32768 / (s_j * R), Q15 steps per raw unit */
} mlq_quant;

/** The int16 input path's per-feature constants (a separate struct, so that
 *  firmware that uses one path carries only its own arrays). */
typedef struct mlq_quant_i16 {
    uint16_t n_features;
    const int16_t *center;    /* [n_features] c_j, the mean in raw units, or NULL: no int16 path */
    const uint32_t *mul;      /* [n_features] g_j 2^s_j rounded: in [2^15, 2^16) (s_j >= 8), or
                                 in [2^21, 2^22) for a coarse feature (g_j >= 256) */
    const int32_t *add;       /* [n_features] ((c_j - o_j) g_j - 32768) 2^s_j rounded */
    const uint8_t *shift;     /* [n_features] s_j, 0..30 */
} mlq_quant_i16;

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
 * @param[in]  q           int16 path constants of the model
 * @param[in]  x           [n_features] raw values
 * @param[in]  n_features  must equal q->n_features
 * @param[out] out         [n_features] Q1.15 inputs; unspecified on error
 * @return MLQ_OK; MLQ_ERR_SIZE on a length mismatch; MLQ_ERR_MODEL when the
 *         model has no integer path (center NULL: a feature's mean is
 *         outside int16, or one raw unit is more than 2^22 Q15 steps; the
 *         exporter says so)
 *
 * The value is q = floor((x - o_j) g_j) - 32768 with the float path's own
 * offset o_j and gain g_j (mlq_quant), computed as floor((d m_j + a_j) / 2^s_j) with d = x - c_j
 * (c_j, m_j = mul[j], a_j = add[j] and s_j = shift[j] chosen at export from
 * o_j and g_j). m_j and a_j are
 * rounded to integers, so before the floor the result is within 0.51 of
 * that value for every x whose q does not saturate, and the float path's
 * two roundings move it by far less than a step: the int16 path is within
 * one Q15 step of the float path for every int16 input (tests/test_quant.c
 * checks all 65536 inputs of every feature of the bundled integer data and
 * of ADC-like features with large offsets and small spreads).
 *
 * Scaling and overflow: |d| <= 65535 in int32. A feature with m_j < 2^16
 * (then s_j >= 8) splits d = 256 h + l (h = d >> 8, l = d & 255): h m_j
 * and l m_j are below 2^24 and |a_j| < 2^30, so floor((h m_j + floor((l m_j
 * + a_j) / 2^8)) / 2^(s_j - 8)), which equals the floor above, is exact in
 * int32. A coarse feature (m_j >= 2^21, g_j >= 256, where any |d| > 128
 * saturates) clamps d to [-256, 255] first, so |d m_j| < 2^30. The
 * arithmetic right shifts floor; the result saturates to [-32768, 32767].
 */
mlq_status mlq_quant_i16_to_q15(const mlq_quant_i16 *q, const int16_t *x, uint16_t n_features,
                                mlq_q15_t *out);

#ifdef __cplusplus
}
#endif

#endif /* MLQ_QUANT_H */
