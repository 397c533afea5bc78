/* SPDX-License-Identifier: MIT */
#include "mlq/quant.h"

#include "mlq/fixed.h"

/* The integer path floors with >>; every supported compiler shifts signed
 * values arithmetically, and this guard refuses one that does not. */
#if (-1 >> 1) != -1
#error "mlq needs an arithmetic right shift of negative integers"
#endif

/* |v|; the builtin is one instruction on an FPU, the fallback two compares. */
#if defined(__GNUC__)
#define ABS_F32(v) __builtin_fabsf(v)
#else
#define ABS_F32(v) ((v) < 0.0f ? -(v) : (v))
#endif

mlq_status mlq_quant_f32_to_q15(const mlq_quant *q, const float *x, uint16_t n_features,
                                mlq_q15_t *out)
{
    uint16_t j;

    MLQ_ASSERT(q != NULL && x != NULL && out != NULL);
    if (n_features != q->n_features)
        return MLQ_ERR_SIZE;
    for (j = 0; j < n_features; j++) {
        /* One subtraction and one multiplication: no a*b+c shape, so no
         * compiler can fuse them into an FMA and change the rounding. */
        float v = (x[j] - q->offset[j]) * q->gain2[j];
        int32_t t;

        if (!(ABS_F32(v) < 65535.0f)) { /* rare: saturation, or NaN */
            if (v != v)
                return MLQ_ERR_INPUT;
            out[j] = v > 0.0f ? INT16_MAX : INT16_MIN;
            continue;
        }
        /* t = trunc(2 * value), |t| <= 65534; (t + sign(t)) / 2 truncates
         * toward zero, which rounds the value half away from zero, and lies
         * in [-32767, 32767]: no saturation needed on this path. Values with
         * |2 * value| in [65535, 65536) round to +-32768 and so take the
         * saturating path above, which gives the same result. */
        t = (int32_t)v;
        out[j] = (mlq_q15_t)((t + ((t >> 31) | 1)) / 2);
    }
    return MLQ_OK;
}

mlq_status mlq_quant_i16_to_q15(const mlq_quant *q, const int16_t *x, uint16_t n_features,
                                mlq_q15_t *out)
{
    uint16_t j;

    MLQ_ASSERT(q != NULL && x != NULL && out != NULL);
    if (n_features != q->n_features)
        return MLQ_ERR_SIZE;
    if (q->raw_mul == NULL)
        return MLQ_ERR_MODEL;
    for (j = 0; j < n_features; j++) {
        int32_t s = (int32_t)x[j] * q->raw_mul[j] + q->raw_add[j];

        out[j] = mlq_sat_q15(s >> q->raw_shift[j]);
    }
    return MLQ_OK;
}
