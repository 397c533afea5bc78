/* SPDX-License-Identifier: MIT */
/*
 * mlq/fixed.h -- fixed-point arithmetic: saturation, rounding shifts,
 * saturating Q1.15/Q1.31 arithmetic, exp, log and square roots in integer
 * arithmetic, the exact Q1.15 dot product and the softplus table.
 *
 *   #include <mlq/fixed.h>
 *   mlq_q15_t p = mlq_mul_q15(16384, -8192);   // 0.5 * -0.25 -> -4096 (-0.125)
 *   mlq_q31_t e = mlq_exp_q31(-65536);         // exp(-1) in Q1.31 -> 790015084
 *   int32_t   l = mlq_log_q16(3u << 16, 16);   // ln(3) in Q15.16  -> 71999
 *   mlq_q15_t r = mlq_sqrt_q15(8192);          // sqrt(0.25) -> 16384 (0.5)
 *
 * Two kinds of users. The kernels use mlq_sat_q15 and mlq_sat_q31,
 * mlq_dot_q15 (k-means, SVM), mlq_softplus_neg_q16 (the Gaussian mixture's
 * log-sum-exp) and mlq_exp_q31 (mlq_proba_softmax: the probabilities of
 * Gaussian mixtures and MLPs). The rest -- the conversions, the saturating
 * Q1.15/Q1.31 arithmetic, mlq_round_shift_s64, mlq_log_q16 and the square
 * roots -- is public API for firmware that computes its own features or
 * reads the scores in fixed point. No kernel calls it: the static inline
 * helpers cost nothing unless used, and the functions of src/fixed.c no
 * flash when the library is built with -ffunction-sections and linked with
 * --gc-sections (as the Makefile and the firmware runner do). For example,
 * the RMS of a window of n > 0 Q1.15 samples w as an input feature,
 *
 *   mlq_q31_t ms = mlq_sat_q31(mlq_dot_q15(w, w, n) * 2 / n);  // mean square, Q1.31
 *   mlq_q15_t rms = mlq_q31_to_q15(mlq_sqrt_q31(ms));           // within 1 LSB of Q1.15
 *
 * or the distance to the nearest k-means centroid, in Q8 standardized
 * units, from its score s = -d^2 in Q15.16 (mlq/kmeans.h):
 *
 *   uint16_t d_q8 = mlq_isqrt_u32(0u - (uint32_t)s);  // sqrt(d^2 2^16) = d 2^8
 *
 * tests/test_fixed.c checks every function against an independent
 * reference over its whole input range and asserts the error bounds below.
 *
 * Formats: Q1.15 is mlq_q15_t (raw / 2^15), Q1.31 is mlq_q31_t (raw / 2^31)
 * and Q15.16 is an int32_t holding raw / 2^16 (range [-32768, 32768)), the
 * format of log results and exp arguments.
 *
 * Rules that hold for every function here: rounding is to nearest with ties
 * away from zero; every saturating result goes through mlq_sat_q15() or
 * mlq_sat_q31(); there is no signed overflow, no right shift of a negative
 * value and no out-of-range conversion to a signed type, so results are
 * bit-identical on every conforming C99 compiler and target (x86-64,
 * Cortex-M0, Cortex-M4). The small helpers are static inline below; the
 * elementary functions are in src/fixed.c and use no float, no division
 * and no recursion.
 */
#ifndef MLQ_FIXED_H
#define MLQ_FIXED_H

#include "types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Saturation                                                               */
/* ------------------------------------------------------------------------ */

/**
 * Saturate a 32-bit value to the Q1.15 range.
 *
 * @param[in] x  any int32_t, read in the caller's Q format with 15
 *               fractional bits (typically a Q17.15 sum)
 * @return x clamped to [INT16_MIN, INT16_MAX], Q1.15
 *
 * Scaling and overflow: no scaling; this is the one Q1.15 saturation
 * primitive, through which every other function here saturates.
 */
static inline mlq_q15_t mlq_sat_q15(int32_t x)
{
    if (x > INT16_MAX) {
        return INT16_MAX;
    }
    if (x < INT16_MIN) {
        return INT16_MIN;
    }
    return (mlq_q15_t)x;
}

/**
 * Saturate a 64-bit value to the Q1.31 range.
 *
 * @param[in] x  any int64_t with 31 fractional bits (typically a Q33.31 sum)
 * @return x clamped to [INT32_MIN, INT32_MAX], Q1.31
 *
 * Scaling and overflow: no scaling; this is the one Q1.31 (and int32)
 * saturation primitive, through which every other function here saturates.
 */
static inline mlq_q31_t mlq_sat_q31(int64_t x)
{
    if (x > INT32_MAX) {
        return INT32_MAX;
    }
    if (x < INT32_MIN) {
        return INT32_MIN;
    }
    return (mlq_q31_t)x;
}

/* ------------------------------------------------------------------------ */
/* Rounding shifts and conversions                                          */
/* ------------------------------------------------------------------------ */

/**
 * x / 2^shift, rounded to nearest with ties away from zero.
 *
 * @param[in] x      any int32_t
 * @param[in] shift  any value; 0 returns x unchanged
 * @return round(x / 2^shift), exact
 *
 * Scaling and overflow: the result is exact for every input and never
 * saturates: for shift >= 1 its magnitude is at most 2^30. Shifts of 33 and
 * above give 0; 32 gives -1 for INT32_MIN (-0.5 rounds away) and 0 otherwise.
 * The rounding works on the magnitude, so it is symmetric in sign and no
 * negative value is ever shifted.
 */
static inline int32_t mlq_round_shift_s32(int32_t x, unsigned shift)
{
    /* |x| <= 2^31 fits uint32_t; the conversion of x is modular and exact. */
    uint32_t mag = (x < 0) ? 0u - (uint32_t)x : (uint32_t)x;

    if (shift == 0u) {
        return x;
    }
    /* round(m / 2^s) == (floor(m / 2^(s-1)) + 1) / 2, and the + 1 cannot carry out. */
    mag = (shift <= 32u) ? ((mag >> (shift - 1u)) + 1u) >> 1 : 0u;
    return (x < 0) ? -(int32_t)mag : (int32_t)mag;
}

/**
 * x / 2^shift, rounded to nearest with ties away from zero, saturated to
 * the int32_t range.
 *
 * @param[in] x      any int64_t, e.g. a Q33.31 or Q34.30 accumulator
 * @param[in] shift  any value (0..62 in typical use)
 * @return round(x / 2^shift) clamped to [INT32_MIN, INT32_MAX]
 *
 * Scaling and overflow: the rounding is exact for every input; the rounded
 * value saturates to int32_t through mlq_sat_q31(). Shifts of 65 and above
 * give 0; 64 gives -1 for INT64_MIN and 0 otherwise. On Cortex-M0 a
 * non-constant shift costs one libgcc 64-bit shift call.
 */
static inline int32_t mlq_round_shift_s64(int64_t x, unsigned shift)
{
    uint64_t mag = (x < 0) ? 0u - (uint64_t)x : (uint64_t)x;

    if (shift != 0u) {
        mag = (shift <= 64u) ? ((mag >> (shift - 1u)) + 1u) >> 1 : 0u;
    }
    /* Any magnitude above 2^32 saturates alike; clamping keeps the negation
     * below in range even for INT64_MIN. */
    if (mag > UINT32_MAX) {
        mag = UINT32_MAX;
    }
    return mlq_sat_q31((x < 0) ? -(int64_t)mag : (int64_t)mag);
}

/**
 * Convert Q1.31 to Q1.15, rounding to nearest and saturating.
 *
 * @param[in] x  Q1.31
 * @return round(x / 2^16), Q1.15
 *
 * Scaling and overflow: drops 16 fractional bits with rounding; values at or
 * above 1 - 2^-16 (raw >= 0x7FFF8000) would round to +1 and saturate to
 * INT16_MAX.
 */
static inline mlq_q15_t mlq_q31_to_q15(mlq_q31_t x)
{
    return mlq_sat_q15(mlq_round_shift_s32(x, 16u));
}

/**
 * Convert Q1.15 to Q1.31 exactly.
 *
 * @param[in] x  Q1.15
 * @return x * 2^16, Q1.31
 *
 * Scaling and overflow: exact; |x| * 2^16 <= 2^31 always fits. A multiply
 * is used because left-shifting a negative value is undefined in C99.
 */
static inline mlq_q31_t mlq_q15_to_q31(mlq_q15_t x)
{
    return (mlq_q31_t)x * 65536;
}

/* ------------------------------------------------------------------------ */
/* Saturating arithmetic                                                    */
/* ------------------------------------------------------------------------ */

/**
 * Saturating Q1.15 addition.
 *
 * @param[in] a  Q1.15
 * @param[in] b  Q1.15
 * @return a + b, Q1.15
 *
 * Scaling and overflow: the sum is formed exactly in int32_t (Q17.15) and
 * saturated to Q1.15; no rounding.
 */
static inline mlq_q15_t mlq_add_q15(mlq_q15_t a, mlq_q15_t b)
{
    return mlq_sat_q15((int32_t)a + (int32_t)b);
}

/**
 * Saturating Q1.15 subtraction.
 *
 * @param[in] a  Q1.15
 * @param[in] b  Q1.15
 * @return a - b, Q1.15
 *
 * Scaling and overflow: the difference is formed exactly in int32_t (Q17.15)
 * and saturated to Q1.15; no rounding.
 */
static inline mlq_q15_t mlq_sub_q15(mlq_q15_t a, mlq_q15_t b)
{
    return mlq_sat_q15((int32_t)a - (int32_t)b);
}

/**
 * Rounded, saturating Q1.15 multiplication.
 *
 * @param[in] a  Q1.15
 * @param[in] b  Q1.15
 * @return round(a * b / 2^15), Q1.15
 *
 * Scaling and overflow: the product is exact in int32_t (Q2.30, magnitude at
 * most 2^30), rounded to Q1.15 with ties away from zero; only
 * (-1) * (-1) = +1 overflows, and it saturates to INT16_MAX.
 */
static inline mlq_q15_t mlq_mul_q15(mlq_q15_t a, mlq_q15_t b)
{
    return mlq_sat_q15(mlq_round_shift_s32((int32_t)a * (int32_t)b, 15u));
}

/**
 * Saturating Q1.31 addition.
 *
 * @param[in] a  Q1.31
 * @param[in] b  Q1.31
 * @return a + b, Q1.31
 *
 * Scaling and overflow: the sum is formed exactly in int64_t (Q33.31) and
 * saturated to Q1.31; no rounding.
 */
static inline mlq_q31_t mlq_add_q31(mlq_q31_t a, mlq_q31_t b)
{
    return mlq_sat_q31((int64_t)a + (int64_t)b);
}

/**
 * Saturating Q1.31 subtraction.
 *
 * @param[in] a  Q1.31
 * @param[in] b  Q1.31
 * @return a - b, Q1.31
 *
 * Scaling and overflow: the difference is formed exactly in int64_t
 * (Q33.31) and saturated to Q1.31; no rounding.
 */
static inline mlq_q31_t mlq_sub_q31(mlq_q31_t a, mlq_q31_t b)
{
    return mlq_sat_q31((int64_t)a - (int64_t)b);
}

/**
 * Rounded, saturating Q1.31 multiplication.
 *
 * @param[in] a  Q1.31
 * @param[in] b  Q1.31
 * @return round(a * b / 2^31), Q1.31
 *
 * Scaling and overflow: the product is exact in int64_t (Q2.62, magnitude
 * at most 2^62), rounded to Q1.31 with ties away from zero; only
 * (-1) * (-1) = +1 overflows, and it saturates to INT32_MAX. On Cortex-M0
 * the 64-bit product is one __aeabi_lmul call.
 */
static inline mlq_q31_t mlq_mul_q31(mlq_q31_t a, mlq_q31_t b)
{
    return mlq_round_shift_s64((int64_t)a * (int64_t)b, 31u);
}

/* ------------------------------------------------------------------------ */
/* Bit helpers                                                              */
/* ------------------------------------------------------------------------ */

/**
 * Count leading zero bits.
 *
 * @param[in] x  any uint32_t
 * @return number of leading zero bits, 0..31, or 32 for x == 0
 *
 * Scaling and overflow: none; portable C (a binary search, five steps), so
 * it needs no CLZ instruction (Cortex-M0 has none) and no compiler builtin.
 */
static inline unsigned mlq_clz32(uint32_t x)
{
    unsigned n = 0u;

    if (x == 0u) {
        return 32u;
    }
    if ((x & 0xFFFF0000u) == 0u) {
        n += 16u;
        x <<= 16;
    }
    if ((x & 0xFF000000u) == 0u) {
        n += 8u;
        x <<= 8;
    }
    if ((x & 0xF0000000u) == 0u) {
        n += 4u;
        x <<= 4;
    }
    if ((x & 0xC0000000u) == 0u) {
        n += 2u;
        x <<= 2;
    }
    if ((x & 0x80000000u) == 0u) {
        n += 1u;
    }
    return n;
}

/* ------------------------------------------------------------------------ */
/* Elementary functions (src/fixed.c)                                       */
/* ------------------------------------------------------------------------ */

/** Q15.16 arguments of mlq_exp_q31() below this give 0: exp(x) < 2^-32. */
#define MLQ_EXP_Q31_MIN_ARG (-1453634)

/**
 * exp(x) of a non-positive argument.
 *
 * @param[in] x  Q15.16 (value x / 2^16), x <= 0; positive x is clamped to 0
 * @return exp(x), Q1.31 (non-negative)
 *
 * Input range: x in [INT32_MIN, 0]. exp(0) = 1 saturates to INT32_MAX
 * (0x7FFFFFFF); x < MLQ_EXP_Q31_MIN_ARG (about -22.18, where exp(x) drops
 * below half an LSB, 2^-32) returns 0; x > 0 is treated as 0 and returns
 * INT32_MAX, so callers need not guard the log-sum-exp maximum.
 *
 * Maximum error: 1 LSB of Q1.31 (2^-31) against the exact exp(x / 2^16),
 * reached only at x = 0 by the saturation of 1.0; below 0.75 LSB for every
 * x < 0 (measured 0.746 LSB: tests/test_fixed.c checks every input in
 * [MLQ_EXP_Q31_MIN_ARG - 1, 0]). The result is non-decreasing in x.
 *
 * Scaling and overflow: -x = k ln2 + r with 0 <= r < ln2 (r in UQ0.32,
 * ln2 in Q32, k <= 31); exp(-r) = exp(-j/64) * exp(-s) with a 44-entry
 * UQ0.32 table and a degree-4 polynomial in s < 2^-6 (Q38, truncation error
 * below 2^-36); the product is formed in UQ0.64 and rounded once, ties away
 * from zero, when it is shifted to Q1.31 by k + 1. All arithmetic is
 * unsigned and cannot wrap. Cost: three 32x32->64 multiplies (UMULL on
 * Cortex-M3/M4, an __aeabi_lmul call each on Cortex-M0), no division and no
 * variable 64-bit shift: about 200 instructions per call on Cortex-M0
 * (QEMU instruction count, calls included).
 */
mlq_q31_t mlq_exp_q31(int32_t x);

/**
 * Natural logarithm of x / 2^frac_bits.
 *
 * @param[in] x          unsigned fixed-point value with frac_bits fractional
 *                       bits; must be > 0
 * @param[in] frac_bits  0..31 (checked by MLQ_ASSERT; larger values are
 *                       treated as 31)
 * @return ln(x / 2^frac_bits), Q15.16; INT32_MIN for x == 0
 *
 * Input range: x in [1, 2^32 - 1], so the value is in [2^-31, 2^32) and the
 * result in [-1408209, 1453635] (about -21.49 to 22.18). x == 0 is
 * -infinity and returns INT32_MIN, which is not a legal result:
 * ln(2^-31) * 2^16 ~= -1408209 > INT32_MIN. Callers must not pass 0; the
 * value is only there so that a mistaken 0 is unmistakable, not as a
 * status.
 *
 * Maximum error: 0.6 LSB of Q15.16 (0.6 * 2^-16) against the exact
 * logarithm: 0.5 from the final rounding plus below 0.07 from the tables
 * and the series. Measured 0.534 LSB by tests/test_fixed.c over a dense
 * sweep of x (3M points, every power of two and its neighbours, every
 * x < 2^16) and every frac_bits.
 *
 * Scaling and overflow: x = m * 2^e with m in [1, 2) (Q31, via
 * mlq_clz32()); ln m = ln(1 + j/32) + ln(1 + w) with 32-entry tables (ln in
 * Q32, reciprocals in Q15) and w < 2^-5 (Q37) through a degree-3 series
 * (truncation below 2^-22). e * ln2 (Q26, |e| <= 31) and ln m are summed in
 * Q26 int32_t (magnitude below 2^31) and rounded once to Q15.16, ties away
 * from zero. 32-bit multiplies only: under 100 instructions per call on
 * Cortex-M0 (QEMU instruction count).
 */
int32_t mlq_log_q16(uint32_t x, unsigned frac_bits);

/**
 * Integer square root of a 32-bit value.
 *
 * @param[in] x  any uint32_t
 * @return floor(sqrt(x)), exact, 0..65535
 *
 * Input range: all of uint32_t. Maximum error: 0 (exact floor).
 *
 * Scaling and overflow: digit-by-digit (two bits per step, at most 16
 * steps), 32-bit shifts and adds only.
 */
uint16_t mlq_isqrt_u32(uint32_t x);

/**
 * Integer square root of a 64-bit value.
 *
 * @param[in] x  any uint64_t
 * @return floor(sqrt(x)), exact, 0..2^32 - 1
 *
 * Input range: all of uint64_t. Maximum error: 0 (exact floor).
 *
 * Scaling and overflow: digit-by-digit (at most 32 steps) in uint64_t, with
 * no multiply; inputs below 2^32 take the 32-bit path.
 */
uint32_t mlq_isqrt_u64(uint64_t x);

/**
 * Square root in Q1.15.
 *
 * @param[in] x  Q1.15, x >= 0; negative x returns 0
 * @return sqrt(x), Q1.15, rounded to nearest
 *
 * Input range: [0, 1 - 2^-15]. Maximum error: 0.5 LSB of Q1.15 (correctly
 * rounded; an exact tie cannot occur).
 *
 * Scaling and overflow: sqrt(x / 2^15) * 2^15 = sqrt(x * 2^15); x * 2^15 <
 * 2^30 is exact in uint32_t and the remainder of the integer root decides
 * the rounding. The largest result, for x = INT16_MAX, is INT16_MAX, so
 * nothing saturates.
 */
mlq_q15_t mlq_sqrt_q15(mlq_q15_t x);

/**
 * Square root in Q1.31.
 *
 * @param[in] x  Q1.31, x >= 0; negative x returns 0
 * @return sqrt(x), Q1.31, rounded to nearest
 *
 * Input range: [0, 1 - 2^-31]. Maximum error: 0.5 LSB of Q1.31 (correctly
 * rounded; an exact tie cannot occur).
 *
 * Scaling and overflow: sqrt(x * 2^31) with x * 2^31 < 2^62 exact in
 * uint64_t; the remainder of the integer root decides the rounding. The
 * largest result, for x = INT32_MAX, is INT32_MAX, so nothing saturates.
 * Digit-by-digit, up to 31 steps of 64-bit shifts and adds, no multiply:
 * about 1050 instructions per call on Cortex-M0, so keep it out of
 * per-feature inner loops there.
 */
mlq_q31_t mlq_sqrt_q31(mlq_q31_t x);

/* ------------------------------------------------------------------------ */
/* Dot product                                                              */
/* ------------------------------------------------------------------------ */

/**
 * Exact dot product of two Q1.15 vectors, the inner loop of the k-means and
 * SVM kernels (the Gaussian mixture's rows have their own loops, which read
 * one input word for two rows).
 *
 * @param[in] a  [n] Q1.15
 * @param[in] b  [n] Q1.15
 * @param[in] n  entries (0 gives 0)
 * @return sum of a[j] * b[j], Q2.30 in an int64_t
 *
 * Scaling and overflow: each product is at most 2^30 in magnitude and is
 * exact in int32; the sum is exact in int64 for any n below 2^33. No
 * rounding, no saturation. On cores with the DSP extension (Cortex-M4/M7)
 * two products are added per SMLALD, four words of each vector per
 * load-multiple when a and b share their offset from a word boundary; on
 * Cortex-M0 (where n must stay below 2^30) one product takes 8
 * instructions. The result is the same integer on every target.
 */
int64_t mlq_dot_q15(const mlq_q15_t *a, const mlq_q15_t *b, uint32_t n);

/**
 * mlq_dot_q15 with b in flash (MLQ_FLASH, a model's constants): the same
 * exact sum. On AVR b is read with program-memory loads; on every other
 * target this is mlq_dot_q15 itself.
 */
#if defined(__AVR__)
int64_t mlq_dot_flash_q15(const mlq_q15_t *a, const mlq_q15_t *b, uint32_t n);
#else
#define mlq_dot_flash_q15 mlq_dot_q15
#endif

/**
 * mlq_dot_flash_q15 with b a position in a far array (mlq/types.h): the
 * same exact sum. On an AVR with more than 64 KiB of flash b is read with
 * ELPM; everywhere else this is mlq_dot_flash_q15 itself.
 */
#if MLQ_FAR_FLASH
int64_t mlq_dot_far_q15(const mlq_q15_t *a, mlq_far_at b, uint32_t n);
#else
#define mlq_dot_far_q15 mlq_dot_flash_q15
#endif

/**
 * Softplus of a non-positive argument, s(t) = ln(1 + e^-t) for t >= 0: the
 * correction term of a pairwise log-sum-exp, ln(e^a + e^b) = max + s(|a - b|)
 * (Gaussian mixtures use it on Q16 log-likelihoods).
 *
 * @param[in] t  t >= 0 in Q16 (uint64_t raw / 2^16); any magnitude
 * @return s(t) in Q16, in [0, 45426] (45426 = round(2^16 ln 2) at t = 0)
 *
 * Input range: every t >= 0; s is taken as 0 from t = 9 on (s(9) = 1.2e-4).
 * Maximum error: 8.1 LSB of Q16 (1.24e-4 nats) against ln(1 + e^-t), at the
 * cutoff t = 9; the interpolation itself stays within 6.8 LSB.
 *
 * Scaling and overflow: quadratic interpolation between three entries of a
 * 38-entry Q16 table at steps of 1/4; every intermediate fits int32 exactly
 * (see src/fixed.c). No saturation is needed: the result never exceeds
 * s(0).
 */
int32_t mlq_softplus_neg_q16(uint64_t t);

/** mlq_softplus_neg_q16(t) is 0 for every t >= MLQ_SOFTPLUS_END_Q16 (t = 9). */
#define MLQ_SOFTPLUS_END_Q16 ((uint32_t)9 << 16)
/** The largest value of mlq_softplus_neg_q16: s(0) = ln 2 in Q16. */
#define MLQ_SOFTPLUS_MAX_Q16 45426

#ifdef __cplusplus
}
#endif

#endif /* MLQ_FIXED_H */
