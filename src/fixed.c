/* SPDX-License-Identifier: MIT */
/*
 * Elementary functions of the fixed-point core (see include/mlq/fixed.h for
 * formats, ranges and error bounds). Every intermediate is unsigned or
 * provably in range: no signed overflow, no right shift of a negative value.
 * Tables were computed with 50-digit arithmetic and rounded to nearest.
 */
#include "mlq/fixed.h"

#include "dsp.h"

/* ln 2 in UQ0.32, rounded up (true value 2977044471.82). */
#define LN2_Q32 2977044472u
/* ln 2 in Q26, rounded up (true value 46516319.87); 31 * 0.13 LSB of Q26 is
 * far below the Q15.16 result's LSB. */
#define LN2_Q26 46516320
/* floor(2^10 / ln 2): under-estimates k in mlq_exp_q31() by at most one. */
#define INV_LN2_Q10 1477u

/* [44] exp(-j/64) for j = 1..44, UQ0.32 (j = 0 is 1.0, handled in code). */
static const uint32_t exp_tab[44] MLQ_FLASH = {
    0xFC07F560u, 0xF81FAB54u, 0xF446E358u, 0xF07D5FDEu, 0xECC2E44Fu,
    0xE9173501u, 0xE57A173Au, 0xE1EB5127u, 0xDE6AA9DDu, 0xDAF7E950u,
    0xD792D853u, 0xD43B4096u, 0xD0F0EC9Fu, 0xCDB3A7C8u, 0xCA833E3Cu,
    0xC75F7CF5u, 0xC44831B7u, 0xC13D2B0Cu, 0xBE3E3844u, 0xBB4B2970u,
    0xB863CF5Du, 0xB587FB97u, 0xB2B78060u, 0xAFF230AFu, 0xAD37E031u,
    0xAA88633Eu, 0xA7E38EE1u, 0xA54938CAu, 0xA2B93754u, 0xA0336180u,
    0x9DB78EEFu, 0x9B4597E3u, 0x98DD553Fu, 0x967EA07Cu, 0x942953B0u,
    0x91DD4986u, 0x8F9A5D3Cu, 0x8D606AA5u, 0x8B2F4E1Fu, 0x8906E49Au,
    0x86E70B8Fu, 0x84CFA100u, 0x82C08376u, 0x80B991FFu
};

/* [32] ln(1 + j/32) for j = 0..31, UQ0.32. */
static const uint32_t log_tab[32] MLQ_FLASH = {
    0x00000000u, 0x07E0A6C4u, 0x0F851860u, 0x16F0D28Bu, 0x1E27076Eu,
    0x252AA5F0u, 0x2BFE60E1u, 0x32A4B53Au, 0x391FEF8Fu, 0x3F7230DBu,
    0x459D72AFu, 0x4BA38AECu, 0x51862F08u, 0x5746F6FDu, 0x5CE75FDBu,
    0x6268CE1Bu, 0x67CC8FB3u, 0x6D13DDEFu, 0x723FDF1Eu, 0x7751A813u,
    0x7C4A3D7Fu, 0x812A952Du, 0x85F39721u, 0x8AA61E98u, 0x8F42FAF4u,
    0x93CAF094u, 0x983EB99Au, 0x9C9F069Bu, 0xA0EC7F42u, 0xA527C2EEu,
    0xA9516933u, 0xAD6A0262u
};

/* [32] 1 / (1 + j/32) for j = 0..31, Q15 (at most 32768). */
static const uint16_t inv_tab[32] MLQ_FLASH = {
    32768u, 31775u, 30840u, 29959u, 29127u, 28340u, 27594u, 26887u,
    26214u, 25575u, 24966u, 24385u, 23831u, 23302u, 22795u, 22310u,
    21845u, 21400u, 20972u, 20560u, 20165u, 19784u, 19418u, 19065u,
    18725u, 18396u, 18079u, 17772u, 17476u, 17190u, 16913u, 16644u
};

/* Private helper: high 32 bits of the 64-bit product (UMULL on Cortex-M3/M4,
 * one __aeabi_lmul call on Cortex-M0). */
static uint32_t mulhi_u32(uint32_t a, uint32_t b)
{
    return (uint32_t)(((uint64_t)a * b) >> 32);
}

mlq_q31_t mlq_exp_q31(int32_t x)
{
    uint32_t y, k, r, j, s, a, s2, inner, t, m, q;
    uint64_t v;

    if (x >= 0) {
        return INT32_MAX; /* exp(0) = 1 saturates; x > 0 is clamped to 0 */
    }
    if (x < MLQ_EXP_Q31_MIN_ARG) {
        return 0;
    }
    y = (uint32_t)-x; /* -x in Q16, 1..1453634 < 2^21 */

    /* y / 2^16 = k ln2 + r with 0 <= r < ln2. y * 1477 < 2^32; k may come
     * out one low, leaving r in [ln2, 2 ln2) < 1, which one step corrects. r is
     * formed modulo 2^32, which is exact because the true r lies in [0, 1). */
    k = (y * INV_LN2_Q10) >> 26;
    r = (y << 16) - k * LN2_Q32;
    if (r >= LN2_Q32) {
        r -= LN2_Q32;
        k += 1u;
    }

    /* exp(-r) = exp(-j/64) * exp(-s), s = r - j/64 in [0, 2^-6). */
    j = r >> 26;
    s = r & 0x03FFFFFFu; /* UQ0.32, < 2^26 */
    a = s << 6;          /* s in Q38 */
    s2 = mulhi_u32(a, a); /* s^2, Q44, < 2^32 */
    /* 1/2 - s/6 + s^2/24 in UQ0.32; only about 22 bits matter since it is
     * multiplied by s^2 < 2^-12. 43691 ~ 2^18/6, 2731 ~ 2^16/24. */
    inner = 0x80000000u - (((s >> 10) * 43691u) >> 8) + (((s2 >> 12) * 2731u) >> 16);
    t = mulhi_u32(s2, inner); /* s^2 * inner, Q44, < 2^31 */
    m = a - ((t + 32u) >> 6); /* 1 - exp(-s) = s - s^2 * inner, Q38, < 2^32 */

    /* v = exp(-j/64) * (1 - m) in UQ0.64. */
    if (j == 0u) {
        /* m == 0 only when r == 0, i.e. exp(-r) = 1: the largest UQ0.64. */
        v = (m == 0u) ? UINT64_MAX : 0u - ((uint64_t)m << 26);
    } else {
        uint32_t e = MLQ_RD_U32(&exp_tab[j - 1u]);
        v = ((uint64_t)e << 32) - (((uint64_t)e * m) >> 6);
    }

    /* exp(x) * 2^31 = v / 2^(33 + k), rounded once. q = floor(v / 2^(32 + k))
     * is taken from the high word so that no 64-bit variable shift is needed
     * (k <= 31); the rounded value is at most 2^31 - 2^15 since y >= 1. */
    q = (uint32_t)(v >> 32) >> k;
    return mlq_sat_q31((int64_t)((q >> 1) + (q & 1u)));
}

int32_t mlq_log_q16(uint32_t x, unsigned frac_bits)
{
    unsigned n;
    uint32_t u, j, d, w, w21, w2, w3, f;
    int32_t e, sum;

    MLQ_ASSERT(frac_bits <= 31u);
    if (x == 0u) {
        return INT32_MIN; /* -infinity; below every legal result */
    }
    if (frac_bits > 31u) {
        frac_bits = 31u;
    }

    /* x / 2^frac_bits = (1 + u) * 2^e with u in [0, 1) (Q31). */
    n = mlq_clz32(x);
    e = (int32_t)(31u - n) - (int32_t)frac_bits; /* -31..31 */
    u = (x << n) & 0x7FFFFFFFu;

    /* 1 + u = (1 + j/32) * (1 + w), w = d / (1 + j/32) in [0, 2^-5). */
    j = u >> 26;
    d = u & 0x03FFFFFFu;              /* Q31, < 2^26 */
    w = (d >> 9) * MLQ_RD_U16(&inv_tab[j]); /* Q22 * Q15 = Q37, < 2^32 */
    w21 = w >> 16;                    /* Q21, < 2^16 */
    w2 = w21 * w21;                   /* w^2, Q42, < 2^32 */
    w3 = (w2 >> 16) * w21;            /* w^3, Q47, < 2^32 */

    /* ln(1 + u) = ln(1 + j/32) + w - w^2/2 + w^3/3 in UQ0.32 (< ln 2); the
     * terms are added before the one subtraction so nothing wraps. 21846
     * ~ 2^16/3. */
    f = MLQ_RD_U32(&log_tab[j]) + ((w + 16u) >> 5) + (((w3 >> 15) * 21846u) >> 16);
    f -= (w2 + 1024u) >> 11;

    /* Sum in Q26: |e * ln2| <= 31 * 46516320 < 2^31 - 2^26. */
    sum = e * LN2_Q26 + (int32_t)((f + 32u) >> 6);
    return mlq_round_shift_s32(sum, 10u);
}

/* Private helper: digit-by-digit square root of a 64-bit value; the
 * remainder x - root^2 is left in *rem for rounding decisions. */
static uint32_t isqrt64_rem(uint64_t x, uint64_t *rem)
{
    uint64_t res = 0u;
    uint64_t one;
    uint32_t hi = (uint32_t)(x >> 32);
    unsigned top; /* index of the highest set bit of x, rounded down to even */

    if (x == 0u) {
        *rem = 0u;
        return 0u;
    }
    top = ((hi != 0u) ? 63u - mlq_clz32(hi) : 31u - mlq_clz32((uint32_t)x)) & ~1u;
    /* one = 4^(top/2), the highest power of four not above x, built from
     * 32-bit shifts (a variable 64-bit shift is a library call on M0). */
    one = (top >= 32u) ? (uint64_t)((uint32_t)1 << (top - 32u)) << 32
                       : (uint64_t)((uint32_t)1 << top);
    while (one != 0u) {
        if (x >= res + one) {
            x -= res + one;
            res = (res >> 1) + one;
        } else {
            res >>= 1;
        }
        one >>= 2;
    }
    *rem = x;
    return (uint32_t)res;
}

/* Private helper: the 32-bit version of isqrt64_rem(). */
static uint16_t isqrt32_rem(uint32_t x, uint32_t *rem)
{
    uint32_t res = 0u;
    uint32_t one;

    if (x == 0u) {
        *rem = 0u;
        return 0u;
    }
    one = (uint32_t)1 << ((31u - mlq_clz32(x)) & ~1u);
    while (one != 0u) {
        if (x >= res + one) {
            x -= res + one;
            res = (res >> 1) + one;
        } else {
            res >>= 1;
        }
        one >>= 2;
    }
    *rem = x;
    return (uint16_t)res;
}

uint16_t mlq_isqrt_u32(uint32_t x)
{
    uint32_t rem;
    return isqrt32_rem(x, &rem);
}

uint32_t mlq_isqrt_u64(uint64_t x)
{
    uint64_t rem;
    if (x <= UINT32_MAX) {
        return mlq_isqrt_u32((uint32_t)x);
    }
    return isqrt64_rem(x, &rem);
}

mlq_q15_t mlq_sqrt_q15(mlq_q15_t x)
{
    uint32_t rem;
    uint16_t root;

    if (x <= 0) {
        return 0;
    }
    /* sqrt(x / 2^15) * 2^15 = sqrt(x * 2^15); round up when
     * x * 2^15 - root^2 > root, i.e. sqrt >= root + 1/2. */
    root = isqrt32_rem((uint32_t)x << 15, &rem);
    if (rem > root) {
        root = (uint16_t)(root + 1u);
    }
    return mlq_sat_q15((int32_t)root);
}

mlq_q31_t mlq_sqrt_q31(mlq_q31_t x)
{
    uint64_t rem;
    uint32_t root;

    if (x <= 0) {
        return 0;
    }
    root = isqrt64_rem((uint64_t)x << 31, &rem);
    if (rem > root) {
        root += 1u;
    }
    return mlq_sat_q31((int64_t)root);
}

/*
 * a . b over n entries, exact in int64.
 *
 * The DSP path (Cortex-M4/M7, src/dsp.h) accumulates two products per
 * SMLALD. When a and b are at the same offset from a word boundary
 * (exporters align every array and pad rows to even lengths) one product
 * aligns them and the rest is read four words of each per load-multiple;
 * otherwise words are read at any address (legal on ARMv7E-M). Cortex-M0
 * takes a short Thumb-1 loop (below); the portable path does one product
 * a step. All paths compute the same exact integer.
 */
int64_t mlq_dot_q15(const mlq_q15_t *a, const mlq_q15_t *b, uint32_t n)
{
    int64_t acc = 0;

#if MLQ_DSP
    if (n == 0)
        return 0;
    if ((((uintptr_t)a ^ (uintptr_t)b) & 3u) == 0) {
        if (((uintptr_t)a & 2u) != 0) { /* same phase: one product aligns both */
            acc = (int32_t)a[0] * b[0];
            a++;
            b++;
            n--;
        }
        acc = mlq_dsp_dot_words(a, b, n, acc);
    } else {
        acc = mlq_dsp_dot_pairs(a, b, n >> 1, acc);
    }
    if (n & 1u)
        acc += (int32_t)a[n - 1] * b[n - 1];
#elif defined(__ARM_ARCH_6M__) && defined(__GNUC__)
    /* Cortex-M0: from the last product down, both halfwords at one register
     * offset and the sum in two low registers: 8 instructions a product.
     * GCC's loop keeps the pointers in high registers and copies them back
     * each step (12). */
    uint32_t lo = 0, i = 2u * n, t, u;
    int32_t hi = 0;

    if (n == 0)
        return 0;
    __asm__ volatile(".syntax unified\n\t" /* GCC passes Thumb-1 asm in divided syntax */
                     "subs %[i], %[i], #2\n"
                     "1:\n\t"
                     "ldrsh %[t], [%[a], %[i]]\n\t"
                     "ldrsh %[u], [%[b], %[i]]\n\t"
                     "muls %[t], %[u], %[t]\n\t"
                     "asrs %[u], %[t], #31\n\t"
                     "adds %[lo], %[lo], %[t]\n\t"
                     "adcs %[hi], %[hi], %[u]\n\t"
                     "subs %[i], %[i], #2\n\t"
                     "bpl 1b"
                     : [lo] "+l"(lo), [hi] "+l"(hi), [i] "+l"(i), [t] "=&l"(t), [u] "=&l"(u)
                     : [a] "l"(a), [b] "l"(b)
                     : "cc", "memory");
    acc = (int64_t)hi * 4294967296 + lo;
#else
    const mlq_q15_t *end = a + n;

    while (a < end)
        acc += (int32_t)*a++ * *b++;
#endif
    return acc;
}

#if defined(__AVR__)
int64_t mlq_dot_flash_q15(const mlq_q15_t *a, const mlq_q15_t *b, uint32_t n)
{
    int64_t acc = 0;

    for (; n > 0; n--)
        acc += (int32_t)*a++ * MLQ_RD_I16(b++);
    return acc;
}
#endif

#if MLQ_FAR_FLASH
int64_t mlq_dot_far_q15(const mlq_q15_t *a, mlq_far_at b, uint32_t n)
{
    int64_t acc = 0;

    for (; n > 0; n--, b = MLQ_FAR_ADD(b, 1))
        acc += (int32_t)*a++ * MLQ_FAR_RD_I16(b, 0);
    return acc;
}
#endif

/*
 * s(i / 4) in Q16, i = 0..37, rounded: round(65536 ln(1 + e^(-i/4))). The
 * table is decreasing; s(0) = ln 2 is its largest value (MLQ_SOFTPLUS_MAX_Q16).
 */
static const uint16_t sp_tab[38] MLQ_FLASH = {
    45426, 37745, 31069, 25354, 20530, 16510, 13200, 10500, 8318, 6567, 5170, 4061, 3184, 2493,
    1950, 1523, 1189, 928, 724, 565, 440, 343, 267, 208, 162, 126, 98, 77, 60, 47, 36, 28, 22,
    17, 13, 10, 8, 6};

/*
 * s(t) for t >= 0 in Q16: quadratic (Newton forward) interpolation between
 * three entries of sp_tab, theta the Q14 position within the step:
 * s = f0 - (2 theta d1 + r d2 + 2^14) >> 15, d1 = f0 - f1, d2 = f0 - 2 f1 + f2,
 * r = theta (2^14 - theta) >> 14, for t < 9. Within 1.23e-4 nats of ln(1 + e^-t);
 * never above MLQ_SOFTPLUS_MAX_Q16. 2 theta d1 < 2^28 and |r d2| < 2^13: exact in int32,
 * and the shifted value is positive.
 */
int32_t mlq_softplus_neg_q16(uint64_t t)
{
    uint32_t i, th;
    int32_t f0, f1, f2, r;

    if (t >= MLQ_SOFTPLUS_END_Q16)
        return 0;
    i = (uint32_t)t >> 14;
    th = (uint32_t)t & 0x3FFFu;
    f0 = MLQ_RD_U16(&sp_tab[i]);
    f1 = MLQ_RD_U16(&sp_tab[i + 1u]);
    f2 = MLQ_RD_U16(&sp_tab[i + 2u]);
    r = (int32_t)((th * (16384u - th)) >> 14);
    return f0 - ((2 * (int32_t)th * (f0 - f1) + r * (f0 - 2 * f1 + f2) + 16384) >> 15);
}
