/* SPDX-License-Identifier: MIT */
#include "mlq/quant.h"

#include "mlq/fixed.h"

/*
 * The float path, in plain C: the definition every other path must match
 * bit for bit. b = (x - o) * g in IEEE single precision (one subtraction,
 * one multiplication: no a*b+c shape a compiler could fuse into an FMA);
 * u = floor(b) saturated to [0, 65535]; q = u - 32768.
 */
static mlq_status quant_c(const float *o, const float *g, const float *x, uint16_t n,
                          mlq_q15_t *out)
{
    uint16_t j;

    for (j = 0; j < n; j++) {
        float b = (x[j] - o[j]) * g[j];
        int32_t u;

        if (b >= 0.0f && b < 65536.0f)
            u = (int32_t)b; /* in range: truncation is floor */
        else if (b != b)
            return MLQ_ERR_INPUT;
        else
            u = b < 0.0f ? 0 : 65535;
        out[j] = (mlq_q15_t)(u - 32768);
    }
    return MLQ_OK;
}

#if defined(__GNUC__) && defined(__ARM_FP) && (__ARM_FP & 4) && defined(__ARM_FEATURE_DSP)
/*
 * Cortex-M4F/M7F: four features per step with load-multiples, and
 * VCVT.U16.F32, which is exactly the floor-and-saturate to [0, 65535]
 * above for every non-NaN b. Two lanes are packed per word and moved to
 * signed Q15 by flipping bit 15 of each half (u ^ 0x8000 == u - 32768).
 * The conversion raises the cumulative Invalid Operation flag for NaN and
 * for out-of-range b; the caller's FPSCR is saved, the flags are cleared
 * (and round-to-nearest without flush-to-zero is set) for the loop, and
 * when the flag comes up the C path recomputes the vector, so NaN is
 * reported and saturation is decided by the definition, never by the
 * hardware. out must be word-aligned (STM); the last n % 4 features go
 * one at a time. Returns 1 when the vector is done, 0 when the C path
 * must run.
 */
static int quant_vfp(const float *o, const float *g, const float *x, uint32_t n, mlq_q15_t *out)
{
    uint32_t saved, flags, blocks = n >> 2, rest = n & 3u;

    __asm__ volatile("vmrs %[saved], fpscr\n\t"
                     "bic %[flags], %[saved], #0x01c00000\n\t" /* FZ off, RMode nearest */
                     "bic %[flags], %[flags], #0x9f\n\t"       /* clear cumulative flags */
                     "vmsr fpscr, %[flags]\n\t"
                     "cbz %[n], 2f\n"
                     "1:\n\t"
                     "vldmia %[x]!, {s0-s3}\n\t"
                     "vldmia %[o]!, {s4-s7}\n\t"
                     "vldmia %[g]!, {s8-s11}\n\t"
                     "vsub.f32 s0, s0, s4\n\t"
                     "vsub.f32 s1, s1, s5\n\t"
                     "vsub.f32 s2, s2, s6\n\t"
                     "vsub.f32 s3, s3, s7\n\t"
                     "vmul.f32 s0, s0, s8\n\t"
                     "vmul.f32 s1, s1, s9\n\t"
                     "vmul.f32 s2, s2, s10\n\t"
                     "vmul.f32 s3, s3, s11\n\t"
                     "vcvt.u16.f32 s0, s0, #0\n\t"
                     "vcvt.u16.f32 s1, s1, #0\n\t"
                     "vcvt.u16.f32 s2, s2, #0\n\t"
                     "vcvt.u16.f32 s3, s3, #0\n\t"
                     "vmov r4, r5, s0, s1\n\t"
                     "vmov r6, r8, s2, s3\n\t"
                     "pkhbt r4, r4, r5, lsl #16\n\t"
                     "pkhbt r6, r6, r8, lsl #16\n\t"
                     "eor r4, r4, #0x80008000\n\t"
                     "eor r6, r6, #0x80008000\n\t"
                     "stmia %[out]!, {r4, r6}\n\t"
                     "subs %[n], %[n], #1\n\t"
                     "bne 1b\n"
                     "2:\n\t"
                     "cbz %[r], 4f\n"
                     "3:\n\t" /* the last n % 4 features, one at a time */
                     "vldmia %[x]!, {s0}\n\t"
                     "vldmia %[o]!, {s4}\n\t"
                     "vldmia %[g]!, {s8}\n\t"
                     "vsub.f32 s0, s0, s4\n\t"
                     "vmul.f32 s0, s0, s8\n\t"
                     "vcvt.u16.f32 s0, s0, #0\n\t"
                     "vmov r4, s0\n\t"
                     "eor r4, r4, #0x8000\n\t"
                     "strh r4, [%[out]], #2\n\t"
                     "subs %[r], %[r], #1\n\t"
                     "bne 3b\n"
                     "4:\n\t"
                     "vmrs %[flags], fpscr\n\t"
                     "vmsr fpscr, %[saved]"
                     : [saved] "=&r"(saved), [flags] "=&r"(flags), [x] "+r"(x), [o] "+r"(o),
                       [g] "+r"(g), [out] "+r"(out), [n] "+l"(blocks), [r] "+l"(rest)
                     :
                     : "r4", "r5", "r6", "r8", "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7",
                       "s8", "s9", "s10", "s11", "cc", "memory");
    return (flags & 1u) == 0;
}
#define HAVE_QUANT_VFP 1
#endif

mlq_status mlq_quant_f32_to_q15(const mlq_quant *q, const float *x, uint16_t n_features,
                                mlq_q15_t *out)
{
    MLQ_ASSERT(q != NULL && x != NULL && out != NULL);
    if (n_features != q->n_features)
        return MLQ_ERR_SIZE;
#ifdef HAVE_QUANT_VFP
    if (((uintptr_t)out & 3u) == 0 && quant_vfp(q->offset, q->gain, x, n_features, out))
        return MLQ_OK;
#endif
    return quant_c(q->offset, q->gain, x, n_features, out);
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
