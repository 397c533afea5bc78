/* SPDX-License-Identifier: MIT */
/*
 * stub_model.h -- a stand-in for an exported model header (NAME = stub),
 * used to test the firmware runner before real exporters exist.
 *
 *   stub_predict(x): quantize x (4 floats) to Q2.13 with rounding half away
 *   from zero and saturation, then return the index of the nearest of three
 *   fixed points (squared distance, ties -> lowest index); -1 on NaN input.
 *   stub_predict_q15(x): the same on already-quantized Q2.13 input.
 *
 * Host reference: examples/firmware/selftest.sh recomputes it in Python.
 */
#ifndef STUB_MODEL_H
#define STUB_MODEL_H

#include <mlq/types.h>

#define stub_N_FEATURES 4

static const int16_t stub_points[3 * stub_N_FEATURES] = { /* [3][4], Q2.13 */
    -8192, 4096, 0, 12288,   /* (-1, 0.5, 0, 1.5) */
    16384, -2048, 8192, 0,   /* (2, -0.25, 1, 0) */
    0, 0, -12288, -4096,     /* (0, 0, -1.5, -0.5) */
};

/* Scaling and overflow: |x - p| <= 65535, its square < 2^32 fits uint32_t
 * (computed unsigned: the signed product would overflow), the sum of four
 * fits uint64_t; exact. */
static inline int stub_predict_q15(const int16_t *x)
{
    uint64_t best = UINT64_MAX;
    int best_k = 0, k, j;
    for (k = 0; k < 3; k++) {
        uint64_t d = 0;
        for (j = 0; j < stub_N_FEATURES; j++) {
            int32_t t = (int32_t)x[j] - (int32_t)stub_points[k * stub_N_FEATURES + j];
            uint32_t a = (uint32_t)(t < 0 ? -t : t);
            d += (uint64_t)(a * a);
        }
        if (d < best) {
            best = d;
            best_k = k;
        }
    }
    return best_k;
}

static inline int stub_predict(const float *x)
{
    int16_t q[stub_N_FEATURES];
    int j;
    for (j = 0; j < stub_N_FEATURES; j++) {
        float v = x[j] * 8192.0f; /* exact: power-of-two scale */
        if (v != v)
            return -1;
        if (v >= 32767.0f)
            q[j] = INT16_MAX;
        else if (v <= -32768.0f)
            q[j] = INT16_MIN;
        else
            q[j] = (int16_t)(v >= 0.0f ? v + 0.5f : v - 0.5f);
    }
    return stub_predict_q15(q);
}

/* The raw int16 entry of exported headers; here the same as the Q15 one. */
static inline int stub_predict_i16(const int16_t *x)
{
    return stub_predict_q15(x);
}

#endif /* STUB_MODEL_H */
