/* SPDX-License-Identifier: MIT */
/*
 * Tests of the elementary functions of include/mlq/fixed.h (src/fixed.c):
 * count of leading zeros, exp, log, integer and fixed-point square roots
 * and the softplus table, each against double over its whole input range
 * (exhaustively where the range is small enough, else by a dense
 * deterministic sweep plus every power of two and its neighbours), with
 * the measured maximum error asserted against the bound the header
 * documents.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdint.h>

#include "mlq/fixed.h"
#include "test_splitmix.h"

/* The bounds documented in include/mlq/fixed.h, in LSB of the result. */
#define EXP_MAX_ERR_LSB 1.0       /* everywhere, reached at x = 0 */
#define EXP_MAX_ERR_LSB_NZ 0.75   /* every x < 0 */
#define LOG_MAX_ERR_LSB 0.6
#define SQRT_MAX_ERR_LSB 0.5

static void test_clz32(void **state)
{
    unsigned p;
    size_t i;
    (void)state;
    assert_int_equal(mlq_clz32(0u), 32);
    for (p = 0u; p < 32u; p++) {
        uint32_t v = (uint32_t)1 << p;
        assert_int_equal(mlq_clz32(v), 31u - p);
        assert_int_equal(mlq_clz32(v | (v - 1u)), 31u - p);
    }
    rng_seed(0xC12u);
    for (i = 0; i < 100000u; i++) {
        uint32_t v = (uint32_t)(rng_bits() & 0xFFFFFFFFu);
        unsigned n = 0u;
        while (n < 32u && (v & (0x80000000u >> n)) == 0u) {
            n++;
        }
        assert_int_equal(mlq_clz32(v), n);
    }
}

/* ------------------------------------------------------------------------ */
/* Elementary functions                                                     */
/* ------------------------------------------------------------------------ */

static void test_exp_q31_every_input(void **state)
{
    double max_err = 0.0, max_err_nz = 0.0;
    int32_t worst = 0;
    int32_t x;
    int64_t xx;
    mlq_q31_t prev = 0;
    (void)state;

    /* Every input that can give a non-zero result, and the first that
     * cannot: exp(x / 2^16) * 2^31 against double. */
    for (x = MLQ_EXP_Q31_MIN_ARG - 1; x <= 0; x++) {
        mlq_q31_t got = mlq_exp_q31(x);
        double want = exp((double)x / 65536.0) * 2147483648.0;
        double err = fabs((double)got - want);
        if (got < prev) {
            fail_msg("exp_q31 not monotonic at x = %ld", (long)x);
        }
        prev = got;
        if (err > max_err) {
            max_err = err;
        }
        if (x < 0 && err > max_err_nz) {
            max_err_nz = err;
            worst = x;
        }
    }
    print_message("exp_q31: max error %.4f LSB (x < 0: %.4f LSB at x = %ld)\n", max_err,
                  max_err_nz, (long)worst);
    assert_true(max_err <= EXP_MAX_ERR_LSB);
    assert_true(max_err_nz <= EXP_MAX_ERR_LSB_NZ);

    assert_int_equal(mlq_exp_q31(0), INT32_MAX);
    assert_int_equal(mlq_exp_q31(MLQ_EXP_Q31_MIN_ARG), 1);
    assert_int_equal(mlq_exp_q31(MLQ_EXP_Q31_MIN_ARG - 1), 0);
    assert_int_equal(mlq_exp_q31(-65536), 790015084); /* the header's example */
    /* The rest of the range: underflow to 0 below, clamp to exp(0) above. */
    for (xx = INT32_MIN; xx < MLQ_EXP_Q31_MIN_ARG - 1; xx += 1021) {
        assert_int_equal(mlq_exp_q31((int32_t)xx), 0);
    }
    assert_int_equal(mlq_exp_q31(INT32_MIN), 0);
    assert_int_equal(mlq_exp_q31(INT32_MIN + 1), 0);
    for (xx = 1; xx <= INT32_MAX; xx += 1021) {
        assert_int_equal(mlq_exp_q31((int32_t)xx), INT32_MAX);
    }
    assert_int_equal(mlq_exp_q31(1), INT32_MAX);
    assert_int_equal(mlq_exp_q31(INT32_MAX), INT32_MAX);
}

static double log_max_err;
static uint32_t log_worst_x;
static unsigned log_worst_f;

static void check_log(uint32_t x, unsigned f)
{
    int32_t got = mlq_log_q16(x, f);
    double want = (log((double)x) - (double)f * log(2.0)) * 65536.0;
    double err = fabs((double)got - want);
    if (err > log_max_err) {
        log_max_err = err;
        log_worst_x = x;
        log_worst_f = f;
    }
}

static void test_log_q16_sweep(void **state)
{
    uint64_t i, x;
    unsigned f, p;
    (void)state;
    log_max_err = 0.0;

    /* Dense sweep: every 1433rd x (~3M points), frac_bits cycling 0..31. */
    for (i = 0, x = 1; x <= UINT32_MAX; x += 1433, i++) {
        check_log((uint32_t)x, (unsigned)(i & 31u));
    }
    /* Every x below 2^16 (where x has few significant bits) at 16 bits. */
    for (x = 1; x < 65536u; x++) {
        check_log((uint32_t)x, 16u);
    }
    /* Every power of two, its neighbours and the ends, for every frac_bits. */
    for (f = 0u; f <= 31u; f++) {
        for (p = 0u; p < 32u; p++) {
            uint32_t v = (uint32_t)1 << p;
            check_log(v, f);
            check_log(v + 1u, f);
            check_log(v - 1u + (v == 1u), f);
            check_log(v | (v - 1u), f);
            assert_int_equal(mlq_log_q16(v, p), 0); /* ln 1 = 0 exactly */
        }
        check_log(UINT32_MAX, f);
        check_log(3u, f);
    }
    /* The mantissa just below and above each table knot (j/32). */
    for (p = 0u; p < 32u; p++) {
        uint32_t knot = 0x80000000u + (p << 26);
        check_log(knot, 31u);
        check_log(knot - 1u, 31u);
        check_log(knot + 1u, 31u);
        check_log(knot + 0x03FFFFFFu, 31u);
    }
    print_message("log_q16: max error %.4f LSB at x = %lu, frac_bits = %u\n", log_max_err,
                  (unsigned long)log_worst_x, log_worst_f);
    assert_true(log_max_err <= LOG_MAX_ERR_LSB);

    /* x = 0 is -infinity, below every legal result. */
    assert_int_equal(mlq_log_q16(0u, 0u), INT32_MIN);
    assert_int_equal(mlq_log_q16(0u, 31u), INT32_MIN);
    assert_true(mlq_log_q16(1u, 31u) > INT32_MIN);
    assert_int_equal(mlq_log_q16(3u << 16, 16u), 71999); /* the header's example */
}

static void check_isqrt32(uint32_t x)
{
    uint64_t r = mlq_isqrt_u32(x);
    if (r * r > x || x - r * r > 2u * r) {
        fail_msg("mlq_isqrt_u32(%lu) = %lu", (unsigned long)x, (unsigned long)r);
    }
}

static void check_isqrt64(uint64_t x)
{
    uint64_t r = mlq_isqrt_u64(x);
    /* r <= 2^32 - 1, so r * r and 2 * r cannot wrap. */
    if (r > UINT32_MAX || r * r > x || x - r * r > 2u * r) {
        fail_msg("mlq_isqrt_u64(%llu) = %llu", (unsigned long long)x, (unsigned long long)r);
    }
}

static void test_isqrt_u32_sweep(void **state)
{
    uint64_t x;
    uint32_t s;
    (void)state;
    /* Every 1021st value (~4.2M points). */
    for (x = 0; x <= UINT32_MAX; x += 1021) {
        check_isqrt32((uint32_t)x);
    }
    /* Every step of the staircase: s^2 - 1, s^2, s^2 + 2s for all s. */
    for (s = 0u; s <= 65535u; s++) {
        uint32_t sq = s * s;
        check_isqrt32(sq);
        check_isqrt32(sq + 2u * s);
        if (s != 0u) {
            check_isqrt32(sq - 1u);
        }
    }
    check_isqrt32(UINT32_MAX);
    assert_int_equal(mlq_isqrt_u32(UINT32_MAX), 65535);
    assert_int_equal(mlq_isqrt_u32(0u), 0);
}

static void test_isqrt_u64_sweep(void **state)
{
    uint64_t x, i;
    unsigned p;
    (void)state;
    /* Every 2^64 / ~1M-th value, the step an odd number. */
    for (x = 7, i = 0; i < 1000000u; i++, x += 0x000010C6F7A0B5EDu) {
        check_isqrt64(x);
    }
    /* Every power of two, its neighbours and the ends. */
    for (p = 0u; p < 64u; p++) {
        uint64_t v = (uint64_t)1 << p;
        check_isqrt64(v);
        check_isqrt64(v - 1u);
        check_isqrt64(v + 1u);
        check_isqrt64(v | (v - 1u));
    }
    check_isqrt64(UINT64_MAX);
    assert_int_equal(mlq_isqrt_u64(UINT64_MAX), UINT32_MAX);
    assert_int_equal(mlq_isqrt_u64(0u), 0);
    /* Staircase steps at random roots of every size, including the top. */
    rng_seed(0x15C47u);
    for (i = 0; i < 300000u; i++) {
        uint64_t s = (i == 0u) ? UINT32_MAX : (rng_bits() & 0xFFFFFFFFu);
        uint64_t sq = s * s;
        check_isqrt64(sq);
        check_isqrt64(sq + 2u * s);
        if (s != 0u) {
            check_isqrt64(sq - 1u);
        }
        check_isqrt64(rng_bits());
    }
}

static void test_sqrt_q15_every_input(void **state)
{
    double max_err = 0.0;
    int32_t x;
    (void)state;
    for (x = INT16_MIN; x <= INT16_MAX; x++) {
        mlq_q15_t got = mlq_sqrt_q15((mlq_q15_t)x);
        if (x <= 0) {
            assert_int_equal(got, 0);
        } else {
            /* Correct rounding, in integers: g^2 - g < N <= g^2 + g. */
            uint64_t n = (uint64_t)x << 15, g = (uint64_t)got;
            double err = fabs((double)got - sqrt((double)x * 32768.0));
            assert_true(g * g - g < n && n <= g * g + g);
            if (err > max_err) {
                max_err = err;
            }
        }
    }
    print_message("sqrt_q15: max error %.4f LSB\n", max_err);
    assert_true(max_err <= SQRT_MAX_ERR_LSB);
    assert_int_equal(mlq_sqrt_q15(8192), 16384);
    assert_int_equal(mlq_sqrt_q15(INT16_MAX), INT16_MAX);
}

static void check_sqrt_q31(int32_t x, double *max_err)
{
    mlq_q31_t got = mlq_sqrt_q31(x);
    if (x <= 0) {
        assert_int_equal(got, 0);
    } else {
        uint64_t n = (uint64_t)x << 31, g = (uint64_t)got;
        double err = fabs((double)got - sqrt((double)x * 2147483648.0));
        if (!(g * g - g < n && n <= g * g + g)) {
            fail_msg("mlq_sqrt_q31(%ld) = %ld is not correctly rounded", (long)x, (long)got);
        }
        if (err > *max_err) {
            *max_err = err;
        }
    }
}

static void test_sqrt_q31_sweep(void **state)
{
    double max_err = 0.0;
    int64_t x;
    unsigned p;
    uint64_t g;
    (void)state;
    /* Every 1021st value across the whole range, negatives included. */
    for (x = INT32_MIN; x <= INT32_MAX; x += 1021) {
        check_sqrt_q31((int32_t)x, &max_err);
    }
    for (p = 0u; p < 31u; p++) {
        int64_t v = (int64_t)1 << p;
        check_sqrt_q31((int32_t)v, &max_err);
        check_sqrt_q31((int32_t)(v - 1), &max_err);
        check_sqrt_q31((int32_t)(v + 1), &max_err);
    }
    check_sqrt_q31(INT32_MAX, &max_err);
    check_sqrt_q31(INT32_MIN, &max_err);
    /* Inputs next to a rounding boundary: N = x * 2^31 close to g^2 + g. */
    for (g = 65536u; g < 0x80000000u; g += 0x1F3Du) {
        uint64_t x0 = (g * g + g) >> 31;
        check_sqrt_q31((int32_t)x0, &max_err);
        check_sqrt_q31((int32_t)(x0 + 1u), &max_err);
    }
    print_message("sqrt_q31: max error %.4f LSB\n", max_err);
    assert_true(max_err <= SQRT_MAX_ERR_LSB);
    assert_int_equal(mlq_sqrt_q31(0x20000000), 0x40000000); /* sqrt(1/4) = 1/2 */
    assert_int_equal(mlq_sqrt_q31(INT32_MAX), INT32_MAX);
}

/* Softplus over its whole input range: every Q16 argument up to t = 12
 * (past the cutoff at 9), then huge arguments. */
static void test_softplus_neg_q16_sweep(void **state)
{
    double worst = 0.0;
    uint64_t t;

    (void)state;
    for (t = 0; t < ((uint64_t)12 << 16); t++) {
        int32_t s = mlq_softplus_neg_q16(t);
        double ref = log1p(exp(-(double)t / 65536.0)) * 65536.0;
        double err = fabs((double)s - ref);

        assert_true(s >= 0 && s <= MLQ_SOFTPLUS_MAX_Q16);
        if (err > worst)
            worst = err;
    }
    print_message("softplus: max error %.3f LSB of Q16\n", worst);
    assert_true(worst <= 8.1);
    assert_int_equal(mlq_softplus_neg_q16(0), MLQ_SOFTPLUS_MAX_Q16);
    assert_int_equal(mlq_softplus_neg_q16(MLQ_SOFTPLUS_END_Q16), 0);
    assert_int_equal(mlq_softplus_neg_q16(UINT64_MAX), 0);
    assert_int_equal(mlq_softplus_neg_q16((uint64_t)1 << 40), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_softplus_neg_q16_sweep),
        cmocka_unit_test(test_clz32),
        cmocka_unit_test(test_exp_q31_every_input),
        cmocka_unit_test(test_log_q16_sweep),
        cmocka_unit_test(test_isqrt_u32_sweep),
        cmocka_unit_test(test_isqrt_u64_sweep),
        cmocka_unit_test(test_sqrt_q15_every_input),
        cmocka_unit_test(test_sqrt_q31_sweep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
