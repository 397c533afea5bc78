/* SPDX-License-Identifier: MIT */
#include "mlq/quant.h"

#include "mlq/fixed.h"

/*
 * MLQ_QUANT_INT selects the integer path below for mlq_quant_f32_to_q15:
 * on by default on every core without a floating-point unit (Arm
 * Cortex-M0, M0+, M3, and M7 built for the soft-float ABI; RISC-V without
 * the F extension; AVR), where the C path's soft-float calls cost about
 * 330 instructions a feature and 2 KB of flash on a Cortex-M0;
 * -DMLQ_QUANT_INT=0 or =1 overrides the choice (the unit tests build it on
 * the host as well).
 */
#ifndef MLQ_QUANT_INT
#if (defined(__ARM_ARCH) && !defined(__ARM_FP)) || (defined(__riscv) && !defined(__riscv_flen)) || \
    defined(__AVR__)
#define MLQ_QUANT_INT 1
#else
#define MLQ_QUANT_INT 0
#endif
#endif

/* The bits of the model's float constant c[j] (in flash: mlq/types.h). */
#if defined(__AVR__)
#define CONST_BITS(c, j) MLQ_RD_U32((const uint32_t *)(const void *)&(c)[j])
#else
#define CONST_BITS(c, j) MLQ_F32_BITS(c, j)
#endif

/*
 * The float path, in plain C: the definition every other path must match
 * bit for bit. b = (x - o) * g in IEEE single precision (one subtraction,
 * one multiplication: no a*b+c shape a compiler could fuse into an FMA);
 * u = floor(b) saturated to [0, 65535]; q = u - 32768.
 */
#if !MLQ_QUANT_INT
#if defined(__AVR__)
#define CONST_F32(c, j) pgm_read_float(&(c)[j])
#else
#define CONST_F32(c, j) ((c)[j])
#endif

static mlq_status quant_c(const float *o, const float *g, const float *x, uint16_t n,
                          mlq_q15_t *out)
{
    uint16_t j;

    for (j = 0; j < n; j++) {
        float b = (x[j] - CONST_F32(o, j)) * CONST_F32(g, j);
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
#endif

#if MLQ_QUANT_INT
/*
 * The C path's b = (x - o) * g, floor and saturation in integer arithmetic,
 * bit for bit. Each float unpacks to a sign, a significand m in
 * [2^23, 2^24) and an exponent e (value m 2^e); d = x - o is rounded to
 * nearest even on 24 bits as IEEE single precision does (a difference that
 * lands below 2^-126 is exact, so subnormal results need no other
 * rounding, and they stay unpacked); the product of the significands is
 * exact in 48 bits and rounded the same way. Only floor(b) for b in
 * [0, 65536) needs b's value; elsewhere its class decides: NaN, <= 0
 * (u = 0) or >= 65536, infinity included (u = 65535). On Cortex-M0 about
 * 180 instructions a feature (the soft-float calls: about 330) in 0.7 KB
 * of code, with no float routine linked.
 */

/* quant_int's u for a NaN b. */
#define U_NAN 0x10000u

/* A finite nonzero float unpacked: sm = sign << 31 | m with the significand
 * m in [2^23, 2^24), and e, so that the value is (-1)^sign m 2^e. */
#define SIGN 0x80000000u
#define SIG(sm) ((sm) & 0xFFFFFFu)

/* The biased exponent field of float bits u. */
#define EXP_FIELD(u) (((u) << 1) >> 24)

enum { F_ZERO, F_FINITE, F_INF, F_NAN };

/* q + (r > half, or r == half and q odd): round to nearest even. */
MLQ_INLINE uint32_t round_even(uint32_t q, uint32_t r, uint32_t half)
{
    return q + (r > half || (r == half && (q & 1u) != 0));
}

/*
 * d = x + y rounded to nearest even, x and y finite and nonzero: returns
 * d's sm, with m = 0 when d is zero, and d's e in the high word (above 104
 * when d overflows to infinity). The significands get 7 guard bits, the
 * smaller one is shifted with the bits it loses folded into its lowest bit
 * (inexact differences then stay odd, on the same side of every rounding
 * boundary as the exact one), and a cancellation that needs more than one
 * bit of normalization only happens when nothing was lost. A d below
 * 2^-126 is exact (both operands are multiples of 2^-149), so it needs no
 * other rounding; it stays unpacked.
 */
static MLQ_NOINLINE uint64_t add_rn(uint32_t xsm, int32_t xe, uint32_t ysm, int32_t ye)
{
    uint32_t a, b, s, shift;

    if (xe < ye || (xe == ye && SIG(xsm) < SIG(ysm))) {
        uint32_t t = xsm;
        int32_t te = xe;

        xsm = ysm;
        xe = ye;
        ysm = t;
        ye = te;
    }
    a = SIG(xsm) << 7;
    b = SIG(ysm) << 7;
    shift = (uint32_t)(xe - ye);
    if (shift >= 31u)
        b = 1;
    else if (shift > 0)
        b = (b >> shift) | ((b << (32u - shift)) != 0);
    if (((xsm ^ ysm) & SIGN) == 0) {
        s = a + b; /* < 2^32 */
        if (s >= 0x80000000u) {
            s = (s >> 1) | (s & 1u);
            xe++;
        }
    } else {
        s = a - b;
        if (s == 0)
            return 0;
        while (s < 0x40000000u) {
            s <<= 1;
            xe--;
        }
    }
    s = round_even(s >> 7, s & 127u, 64u);
    if (s == 0x1000000u) {
        s >>= 1;
        xe++;
    }
    return (uint64_t)(uint32_t)xe << 32 | (xsm & SIGN) | s;
}

/* u for b = RN(d g), d and g finite and nonzero: 0 when b < 0, else
 * floor(b) saturated to 65535. */
static MLQ_NOINLINE uint32_t product_u(uint32_t dsm, int32_t de, uint32_t gsm, int32_t ge)
{
    uint32_t a1 = SIG(dsm) >> 16, a0 = dsm & 0xFFFFu, b1 = SIG(gsm) >> 16, b0 = gsm & 0xFFFFu;
    uint32_t lo, mid, hi, t, q;

    if (((dsm ^ gsm) & SIGN) != 0)
        return 0;
    lo = a0 * b0;
    mid = a0 * b1 + a1 * b0; /* each product < 2^24 */
    hi = a1 * b1 + (mid >> 16);
    t = lo + (mid << 16);
    hi += t < lo; /* the significands' product = hi 2^32 + lo, in [2^46, 2^48) */
    lo = t;
    de += ge;
    if (hi >= 0x8000u) {
        q = round_even((hi << 8) | (lo >> 24), lo & 0xFFFFFFu, 0x800000u);
        de += 24;
    } else {
        q = round_even((hi << 9) | (lo >> 23), lo & 0x7FFFFFu, 0x400000u);
        de += 23;
    }
    if (q == 0x1000000u) {
        q >>= 1;
        de++;
    }
    if (de >= -7) /* q 2^de >= 2^16 */
        return 65535u;
    return de <= -24 ? 0 : q >> (uint32_t)-de;
}

/* Class of x + y, x and y finite and nonzero, and its sm and e (add_rn):
 * infinite when e > 104, since 2^24 2^104 = 2^128 overflows. */
MLQ_INLINE unsigned sum(uint32_t x, int32_t xe, uint32_t y, int32_t ye, uint32_t *d, int32_t *de)
{
    uint64_t r = add_rn(x, xe, y, ye);

    *d = (uint32_t)r;
    *de = (int32_t)(uint32_t)(r >> 32);
    return SIG(*d) == 0 ? F_ZERO : *de > 104 ? F_INF : F_FINITE;
}

/* u (or U_NAN) for b = d g from the classes and values of d and g. */
MLQ_INLINE uint32_t times_u(unsigned cd, uint32_t d, int32_t de, unsigned cg, uint32_t g,
                            int32_t ge)
{
    if (cd == F_INF || cg == F_INF) {
        if (cd == F_ZERO || cg == F_ZERO)
            return U_NAN; /* 0 * inf */
        return ((d ^ g) & SIGN) != 0 ? 0 : 65535u;
    }
    if (cd == F_ZERO || cg == F_ZERO)
        return 0;
    return product_u(d, de, g, ge);
}

/* Class of the float bits u, and its sm and e when finite and nonzero
 * (subnormals normalized). */
static unsigned unpack(uint32_t u, uint32_t *sm, int32_t *e)
{
    uint32_t ex = EXP_FIELD(u), f = u & 0x7FFFFFu;

    *sm = u & SIGN;
    *e = 0;
    if (ex == 255u)
        return f != 0 ? F_NAN : F_INF;
    if (ex == 0) {
        if (f == 0)
            return F_ZERO;
        ex = 1; /* subnormal: 0.f 2^-126 */
        while (f < 0x800000u) {
            f <<= 1;
            ex--;
        }
    }
    *sm |= f | 0x800000u;
    *e = (int32_t)ex - 150;
    return F_FINITE;
}

/* u (or U_NAN) for x + y and g when one of them is zero, subnormal,
 * infinite or NaN: out of line, off the common path. */
static MLQ_NOINLINE uint32_t special_u(uint32_t xb, uint32_t yb, uint32_t gb)
{
    uint32_t x, y, g, d;
    int32_t xe, ye, ge, de = 0;
    unsigned cx = unpack(xb, &x, &xe), cy = unpack(yb, &y, &ye), cg = unpack(gb, &g, &ge), cd;

    if (cx == F_NAN || cy == F_NAN || cg == F_NAN)
        return U_NAN;
    if (cx == F_INF || cy == F_INF) {
        if (cx == F_INF && cy == F_INF && ((x ^ y) & SIGN) != 0)
            return U_NAN; /* inf - inf */
        d = cx == F_INF ? x : y;
        cd = F_INF;
    } else if (cx == F_ZERO || cy == F_ZERO) {
        d = cx == F_ZERO ? y : x; /* exact; 0 - 0 is a zero of either sign */
        de = cx == F_ZERO ? ye : xe;
        cd = cx == F_ZERO ? cy : cx;
    } else {
        cd = sum(x, xe, y, ye, &d, &de);
    }
    return times_u(cd, d, de, cg, g, ge);
}

/* The fields of float bits u: sm, and e (normal floats). */
#define NORMAL_SM(u) (((u) & 0x807FFFFFu) | 0x800000u)
#define NORMAL_E(u) ((int32_t)EXP_FIELD(u) - 150)

/* Exponent field in 1..254: a normal float. */
#define IS_NORMAL(u) (EXP_FIELD(u) - 1u < 254u)

static mlq_status quant_int(const float *o, const float *g, const float *x, uint16_t n,
                            mlq_q15_t *out)
{
    uint16_t j;

    for (j = 0; j < n; j++) {
        uint32_t xb = MLQ_F32_BITS(x, j), yb = CONST_BITS(o, j) ^ SIGN; /* x + (-o) */
        uint32_t gb = CONST_BITS(g, j), u;

        if (IS_NORMAL(xb) && IS_NORMAL(yb) && IS_NORMAL(gb)) {
            uint32_t d;
            int32_t de;
            unsigned cd = sum(NORMAL_SM(xb), NORMAL_E(xb), NORMAL_SM(yb), NORMAL_E(yb), &d, &de);

            u = times_u(cd, d, de, F_FINITE, NORMAL_SM(gb), NORMAL_E(gb));
        } else if ((u = special_u(xb, yb, gb)) == U_NAN) {
            return MLQ_ERR_INPUT;
        }
        out[j] = (mlq_q15_t)((int32_t)u - 32768);
    }
    return MLQ_OK;
}
#endif

#if !MLQ_QUANT_INT && defined(__GNUC__) && defined(__ARM_FP) && (__ARM_FP & 4) &&                  \
    defined(__ARM_FEATURE_DSP)
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
/* Two lanes per word, the first lane at the lower address: its low half on
 * a little-endian core, its high half on a big-endian one. */
#if defined(__ARM_BIG_ENDIAN)
#define PACK_PAIRS "pkhbt r4, r5, r4, lsl #16\n\tpkhbt r6, r8, r6, lsl #16\n\t"
#else
#define PACK_PAIRS "pkhbt r4, r4, r5, lsl #16\n\tpkhbt r6, r6, r8, lsl #16\n\t"
#endif

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
                     PACK_PAIRS
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

mlq_status mlq_quant_f32_to_q15(const mlq_quant *quant, const float *x, uint16_t n_features,
                                mlq_q15_t *out)
{
    MLQ_MODEL_IN_RAM(mlq_quant, q, quant);

    MLQ_ASSERT(quant != NULL && x != NULL && out != NULL);
    if (n_features != q->n_features)
        return MLQ_ERR_SIZE;
#ifdef HAVE_QUANT_VFP
    if (((uintptr_t)out & 3u) == 0 && quant_vfp(q->offset, q->gain, x, n_features, out))
        return MLQ_OK;
#endif
#if MLQ_QUANT_INT
    return quant_int(q->offset, q->gain, x, n_features, out);
#else
    return quant_c(q->offset, q->gain, x, n_features, out);
#endif
}

mlq_status mlq_quant_i16_to_q15(const mlq_quant_i16 *quant, const int16_t *x, uint16_t n_features,
                                mlq_q15_t *out)
{
    MLQ_MODEL_IN_RAM(mlq_quant_i16, q, quant);
    uint16_t j;

    MLQ_ASSERT(quant != NULL && x != NULL && out != NULL);
    if (n_features != q->n_features)
        return MLQ_ERR_SIZE;
    if (q->center == NULL)
        return MLQ_ERR_MODEL;
    for (j = 0; j < n_features; j++) {
        int32_t d = (int32_t)x[j] - MLQ_RD_I16(&q->center[j]); /* |d| <= 65535 */
        int32_t m = (int32_t)MLQ_RD_U32(&q->mul[j]);
        int32_t a = MLQ_RD_I32(&q->add[j]);
        uint8_t s = MLQ_RD_U8(&q->shift[j]);
        int32_t v;

        if (m <= 0xFFFF) {
            /* d = 256 h + l: d m + a in two products of at most 2^24 */
            int32_t l = (int32_t)((uint32_t)d & 0xFFu);

            v = (d >> 8) * m + ((l * m + a) >> 8);
            v >>= s - 8u;
        } else {
            /* a coarse feature: beyond |d| = 128 every value saturates */
            d = d < -256 ? -256 : d > 255 ? 255 : d;
            v = (d * m + a) >> s;
        }
        out[j] = mlq_sat_q15(v);
    }
    return MLQ_OK;
}
