/* SPDX-License-Identifier: MIT */
/*
 * Tests of the fixed-point arithmetic of include/mlq/fixed.h: saturation,
 * rounding shifts, conversions and the saturating Q1.15/Q1.31 arithmetic,
 * on curated edges and on seeded pseudo-random inputs against an
 * independent 64-bit reference; and the header's documented examples.
 * The elementary functions are in tests/test_fixed_math.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdint.h>

#include "mlq/fixed.h"
#include "test_splitmix.h"

/* ------------------------------------------------------------------------ */
/* Reference helpers                                                        */
/* ------------------------------------------------------------------------ */

static int64_t rng_s64(void)
{
    uint64_t m = rng_bits();
    int64_t v = (int64_t)(m >> 1);
    return (rng_next() & 1u) ? -v - (int64_t)(m & 1u) : v;
}

static int32_t rng_s32(void)
{
    uint64_t m = rng_bits() & 0xFFFFFFFFu;
    int32_t v = (int32_t)(m >> 1);
    return (rng_next() & 1u) ? -v - (int32_t)(m & 1u) : v;
}

static int16_t rng_s16(void)
{
    return (int16_t)((int32_t)(rng_next() & 0xFFFFu) - 32768);
}

static int64_t clamp_s64(int64_t v, int64_t lo, int64_t hi)
{
    return v < lo ? lo : (v > hi ? hi : v);
}

/* round(x / 2^s), ties away from zero, unsaturated; computed by truncating
 * division and the remainder, independently of the code under test. */
static int64_t ref_round_shift(int64_t x, unsigned s)
{
    int64_t d, q, r, ar;

    if (s == 0u) {
        return x;
    }
    if (s == 63u) {
        /* x / 2^63 is in [-1, 1); only |x| >= 2^62 reaches a half. */
        if (x <= -((int64_t)1 << 62)) {
            return -1;
        }
        return (x >= ((int64_t)1 << 62)) ? 1 : 0;
    }
    if (s >= 64u) {
        return (s == 64u && x == INT64_MIN) ? -1 : 0;
    }
    d = (int64_t)1 << s;
    q = x / d;
    r = x % d;
    ar = r < 0 ? -r : r;
    if (ar >= d - ar) {
        q += (x < 0) ? -1 : 1;
    }
    return q;
}

/* ------------------------------------------------------------------------ */
/* Saturation                                                               */
/* ------------------------------------------------------------------------ */

static void test_sat_q15_edges_and_random(void **state)
{
    static const int32_t edge[] = {0, 1, -1, INT16_MAX, INT16_MIN, INT16_MAX + 1,
                                   INT16_MIN - 1, 65535, -65536, INT32_MAX, INT32_MIN,
                                   INT32_MAX - 1, INT32_MIN + 1};
    size_t i;
    (void)state;
    for (i = 0; i < sizeof edge / sizeof edge[0]; i++) {
        assert_int_equal(mlq_sat_q15(edge[i]), clamp_s64(edge[i], INT16_MIN, INT16_MAX));
    }
    rng_seed(0x5A7015u);
    for (i = 0; i < 200000u; i++) {
        int32_t x = rng_s32();
        assert_int_equal(mlq_sat_q15(x), clamp_s64(x, INT16_MIN, INT16_MAX));
    }
}

static void test_sat_q31_edges_and_random(void **state)
{
    static const int64_t edge[] = {0, 1, -1, INT32_MAX, INT32_MIN, (int64_t)INT32_MAX + 1,
                                   (int64_t)INT32_MIN - 1, INT64_MAX, INT64_MIN,
                                   INT64_MAX - 1, INT64_MIN + 1, (int64_t)1 << 32,
                                   -((int64_t)1 << 32)};
    size_t i;
    (void)state;
    for (i = 0; i < sizeof edge / sizeof edge[0]; i++) {
        assert_int_equal(mlq_sat_q31(edge[i]), clamp_s64(edge[i], INT32_MIN, INT32_MAX));
    }
    rng_seed(0x5A7031u);
    for (i = 0; i < 200000u; i++) {
        int64_t x = rng_s64();
        assert_int_equal(mlq_sat_q31(x), clamp_s64(x, INT32_MIN, INT32_MAX));
    }
}

/* ------------------------------------------------------------------------ */
/* Rounding shifts and conversions                                          */
/* ------------------------------------------------------------------------ */

static void check_round_shift_s32(int32_t x, unsigned s)
{
    int64_t want = ref_round_shift(x, s);
    int32_t got = mlq_round_shift_s32(x, s);
    if (got != want) {
        fail_msg("mlq_round_shift_s32(%ld, %u) = %ld, want %ld", (long)x, s, (long)got,
                 (long)want);
    }
}

static void check_round_shift_s64(int64_t x, unsigned s)
{
    int64_t want = clamp_s64(ref_round_shift(x, s), INT32_MIN, INT32_MAX);
    int32_t got = mlq_round_shift_s64(x, s);
    if (got != want) {
        fail_msg("mlq_round_shift_s64(%lld, %u) = %ld, want %lld", (long long)x, s,
                 (long)got, (long long)want);
    }
}

static void test_round_shift_s32_edges_and_random(void **state)
{
    static const int32_t edge[] = {0, 1, -1, 2, -2, 3, -3, INT32_MAX, INT32_MIN,
                                   INT32_MAX - 1, INT32_MIN + 1, 0x40000000, -0x40000000,
                                   0x3FFFFFFF, -0x3FFFFFFF, 0x7FFF8000, -0x7FFF8000};
    unsigned s;
    size_t i;
    (void)state;
    for (s = 0u; s <= 40u; s++) {
        for (i = 0; i < sizeof edge / sizeof edge[0]; i++) {
            check_round_shift_s32(edge[i], s);
        }
        if (s >= 1u && s <= 31u) {
            /* Exact halves (2m + 1) * 2^(s-1) and their neighbours, both signs. */
            int64_t half = (int64_t)1 << (s - 1u);
            int64_t m;
            for (m = 0; m < 8; m++) {
                int64_t h = (2 * m + 1) * half;
                int64_t dv;
                for (dv = -1; dv <= 1; dv++) {
                    if (h + dv <= INT32_MAX) {
                        check_round_shift_s32((int32_t)(h + dv), s);
                        check_round_shift_s32((int32_t)-(h + dv), s);
                    }
                }
            }
        }
    }
    rng_seed(0x52533332u);
    for (i = 0; i < 1000000u; i++) {
        check_round_shift_s32(rng_s32(), (unsigned)(rng_next() % 34u));
    }
}

static void test_round_shift_s64_edges_and_random(void **state)
{
    static const int64_t edge[] = {0, 1, -1, 2, -2, 3, -3, INT64_MAX, INT64_MIN,
                                   INT64_MAX - 1, INT64_MIN + 1, INT32_MAX, INT32_MIN,
                                   (int64_t)1 << 62, -((int64_t)1 << 62),
                                   ((int64_t)1 << 62) - 1, -((int64_t)1 << 62) + 1,
                                   (int64_t)0x3FFFFFFF80000000, -(int64_t)0x3FFFFFFF80000000,
                                   (int64_t)0x3FFFFFFFC0000000, -(int64_t)0x3FFFFFFFC0000000};
    unsigned s;
    size_t i;
    (void)state;
    for (s = 0u; s <= 70u; s++) {
        for (i = 0; i < sizeof edge / sizeof edge[0]; i++) {
            check_round_shift_s64(edge[i], s);
        }
        if (s >= 1u && s <= 62u) {
            int64_t half = (int64_t)1 << (s - 1u);
            int64_t m;
            for (m = 0; m < 8 && (2 * m + 1) <= INT64_MAX / half - 1; m++) {
                int64_t h = (2 * m + 1) * half;
                check_round_shift_s64(h, s);
                check_round_shift_s64(-h, s);
                check_round_shift_s64(h - 1, s);
                check_round_shift_s64(-h + 1, s);
                check_round_shift_s64(h + 1, s);
                check_round_shift_s64(-h - 1, s);
            }
        }
    }
    rng_seed(0x52533634u);
    for (i = 0; i < 1000000u; i++) {
        check_round_shift_s64(rng_s64(), (unsigned)(rng_next() % 66u));
    }
}

static void check_q31_to_q15(int32_t x)
{
    double want = round((double)x / 65536.0); /* round(): ties away from zero */
    int32_t got = mlq_q31_to_q15(x);
    want = want > INT16_MAX ? INT16_MAX : want;
    if ((double)got != want) {
        fail_msg("mlq_q31_to_q15(%ld) = %ld, want %.0f", (long)x, (long)got, want);
    }
}

static void test_q31_to_q15_sweep(void **state)
{
    int64_t x;
    int32_t p;
    (void)state;
    /* Every 4099th value across the range (~1M points). */
    for (x = INT32_MIN; x <= INT32_MAX; x += 4099) {
        check_q31_to_q15((int32_t)x);
    }
    /* Every half-way point +-1 and the ends. */
    for (p = -32768; p <= 32767; p++) {
        int64_t h = (int64_t)p * 65536 + 32768;
        int64_t dv;
        for (dv = -1; dv <= 1; dv++) {
            if (h + dv <= INT32_MAX) {
                check_q31_to_q15((int32_t)(h + dv));
            }
        }
        check_q31_to_q15((int32_t)((int64_t)p * 65536));
    }
    check_q31_to_q15(INT32_MAX);
    check_q31_to_q15(INT32_MIN);
    assert_int_equal(mlq_q31_to_q15(0x7FFF7FFF), 32767);
    assert_int_equal(mlq_q31_to_q15(0x7FFF8000), 32767); /* +1 saturates */
    assert_int_equal(mlq_q31_to_q15(-0x7FFF8000), -32768);
    assert_int_equal(mlq_q31_to_q15(32768), 1);
    assert_int_equal(mlq_q31_to_q15(-32768), -1);
    assert_int_equal(mlq_q31_to_q15(32767), 0);
    assert_int_equal(mlq_q31_to_q15(-32767), 0);
}

static void test_q15_to_q31_exhaustive(void **state)
{
    int32_t x;
    (void)state;
    for (x = INT16_MIN; x <= INT16_MAX; x++) {
        assert_int_equal(mlq_q15_to_q31((mlq_q15_t)x), (int64_t)x * 65536);
        assert_int_equal(mlq_q31_to_q15(mlq_q15_to_q31((mlq_q15_t)x)), x);
    }
}

/* ------------------------------------------------------------------------ */
/* Saturating arithmetic                                                    */
/* ------------------------------------------------------------------------ */

static const int16_t q15_edge[] = {0,      1,     -1,    2,      -2,     INT16_MAX,
                                   INT16_MIN, INT16_MAX - 1, INT16_MIN + 1, 16384, -16384,
                                   16383,  -16383, 8192,  -8192,  3,      -3,
                                   181,    -181,  32766, -32767, 12345,  -23456};

static void check_q15_ops(int16_t a, int16_t b)
{
    double prod = round((double)a * (double)b / 32768.0);
    int32_t want_mul = (int32_t)(prod > INT16_MAX ? INT16_MAX : prod);
    int32_t want_add = (int32_t)clamp_s64((int64_t)a + b, INT16_MIN, INT16_MAX);
    int32_t want_sub = (int32_t)clamp_s64((int64_t)a - b, INT16_MIN, INT16_MAX);
    if (mlq_add_q15(a, b) != want_add || mlq_sub_q15(a, b) != want_sub ||
        mlq_mul_q15(a, b) != want_mul) {
        fail_msg("q15 ops (%d, %d): add %d/%ld sub %d/%ld mul %d/%ld", a, b,
                 mlq_add_q15(a, b), (long)want_add, mlq_sub_q15(a, b), (long)want_sub,
                 mlq_mul_q15(a, b), (long)want_mul);
    }
}

static void test_q15_arith_edges_and_random(void **state)
{
    int32_t a;
    size_t i, j;
    (void)state;
    /* Every a against every curated b, both orders. */
    for (a = INT16_MIN; a <= INT16_MAX; a++) {
        for (j = 0; j < sizeof q15_edge / sizeof q15_edge[0]; j++) {
            check_q15_ops((int16_t)a, q15_edge[j]);
            check_q15_ops(q15_edge[j], (int16_t)a);
        }
    }
    /* Products that land exactly on a half: a * b = (2m + 1) * 2^14. */
    assert_int_equal(mlq_mul_q15(1, 16384), 1);
    assert_int_equal(mlq_mul_q15(-1, 16384), -1);
    assert_int_equal(mlq_mul_q15(3, 16384), 2);
    assert_int_equal(mlq_mul_q15(-3, 16384), -2);
    assert_int_equal(mlq_mul_q15(INT16_MIN, INT16_MIN), INT16_MAX);
    assert_int_equal(mlq_mul_q15(INT16_MIN, INT16_MAX), -INT16_MAX);
    assert_int_equal(mlq_add_q15(INT16_MAX, 1), INT16_MAX);
    assert_int_equal(mlq_sub_q15(INT16_MIN, 1), INT16_MIN);
    assert_int_equal(mlq_sub_q15(0, INT16_MIN), INT16_MAX);
    rng_seed(0xA415u);
    for (i = 0; i < 1000000u; i++) {
        check_q15_ops(rng_s16(), rng_s16());
    }
}

static void check_q31_ops(int32_t a, int32_t b)
{
    int32_t want_add = (int32_t)clamp_s64((int64_t)a + b, INT32_MIN, INT32_MAX);
    int32_t want_sub = (int32_t)clamp_s64((int64_t)a - b, INT32_MIN, INT32_MAX);
    int32_t want_mul =
        (int32_t)clamp_s64(ref_round_shift((int64_t)a * b, 31u), INT32_MIN, INT32_MAX);
    /* Cross-check the mul reference in double: |a * b| < 2^62 is exact in
     * neither, so compare against the correctly rounded quotient instead. */
    double dq = (double)a * (double)b / 2147483648.0;
    if (fabs(dq - (double)want_mul) > 0.5 + fabs(dq) * 0x1p-50 && want_mul != INT32_MAX) {
        fail_msg("reference mul_q31(%ld, %ld) disagrees with double", (long)a, (long)b);
    }
    if (mlq_add_q31(a, b) != want_add || mlq_sub_q31(a, b) != want_sub ||
        mlq_mul_q31(a, b) != want_mul) {
        fail_msg("q31 ops (%ld, %ld): add %ld/%ld sub %ld/%ld mul %ld/%ld", (long)a, (long)b,
                 (long)mlq_add_q31(a, b), (long)want_add, (long)mlq_sub_q31(a, b),
                 (long)want_sub, (long)mlq_mul_q31(a, b), (long)want_mul);
    }
}

static void test_q31_arith_edges_and_random(void **state)
{
    static const int32_t edge[] = {0,          1,          -1,         2,
                                   -2,         INT32_MAX,  INT32_MIN,  INT32_MAX - 1,
                                   INT32_MIN + 1, 0x40000000, -0x40000000, 0x3FFFFFFF,
                                   -0x3FFFFFFF, 0x10000,   -0x10000,   0x7FFF8000,
                                   46341,      -46341,     123456789,  -987654321};
    size_t i, j;
    (void)state;
    for (i = 0; i < sizeof edge / sizeof edge[0]; i++) {
        for (j = 0; j < sizeof edge / sizeof edge[0]; j++) {
            check_q31_ops(edge[i], edge[j]);
        }
    }
    /* Exact halves: a * b = (2m + 1) * 2^30. */
    assert_int_equal(mlq_mul_q31(1, 0x40000000), 1);
    assert_int_equal(mlq_mul_q31(-1, 0x40000000), -1);
    assert_int_equal(mlq_mul_q31(3, 0x40000000), 2);
    assert_int_equal(mlq_mul_q31(-3, 0x40000000), -2);
    assert_int_equal(mlq_mul_q31(INT32_MIN, INT32_MIN), INT32_MAX);
    assert_int_equal(mlq_mul_q31(INT32_MIN, INT32_MAX), -INT32_MAX);
    assert_int_equal(mlq_add_q31(INT32_MAX, 1), INT32_MAX);
    assert_int_equal(mlq_add_q31(INT32_MIN, -1), INT32_MIN);
    assert_int_equal(mlq_sub_q31(0, INT32_MIN), INT32_MAX);
    rng_seed(0xA431u);
    for (i = 0; i < 1000000u; i++) {
        /* Alternate uniform 32-bit patterns with random-magnitude ones. */
        int32_t a = (i & 1u) ? (int32_t)((int64_t)(rng_next() & 0xFFFFFFFFu) - 2147483648)
                             : rng_s32();
        check_q31_ops(a, rng_s32());
    }
}


/* ------------------------------------------------------------------------ */
/* The examples of include/mlq/fixed.h                                      */
/* ------------------------------------------------------------------------ */

/* The RMS of a window as the header computes it. */
static mlq_q15_t window_rms(const mlq_q15_t *w, uint32_t n)
{
    mlq_q31_t ms = mlq_sat_q31(mlq_dot_q15(w, w, n) * 2 / n);

    return mlq_q31_to_q15(mlq_sqrt_q31(ms));
}

/* The k-means distance as the header computes it from a score. */
static uint16_t kmeans_distance_q8(int32_t s)
{
    return mlq_isqrt_u32(0u - (uint32_t)s);
}

static void test_header_examples(void **state)
{
    static const mlq_q15_t half[4] = {16384, -16384, 16384, -16384};
    mlq_q15_t w[64];
    unsigned i, k;
    double worst = 0.0;
    (void)state;
    assert_int_equal(mlq_mul_q15(16384, -8192), -4096);
    assert_int_equal(mlq_exp_q31(-65536), 790015084);
    assert_int_equal(mlq_log_q16(3u << 16, 16), 71999);
    assert_int_equal(mlq_sqrt_q15(8192), 16384);

    assert_int_equal(window_rms(half, 4), 16384); /* a square wave of amplitude 0.5 */
    for (i = 0; i < 64u; i++)
        w[i] = INT16_MIN;
    assert_int_equal(window_rms(w, 64), INT16_MAX); /* full scale: 1 saturates */
    rng_seed(0x5A5Au);
    for (k = 0; k < 20000u; k++) { /* loud and quiet windows, against the exact RMS */
        uint32_t n = 1u + (uint32_t)(rng_next() % 64u), shift = (uint32_t)(rng_next() % 16u);
        double sum = 0.0, err;

        for (i = 0; i < n; i++) {
            w[i] = (mlq_q15_t)(rng_s16() / (1 << shift));
            sum += (double)w[i] * w[i];
        }
        err = fabs(window_rms(w, n) - sqrt(sum / n));
        worst = err > worst ? err : worst;
    }
    print_message("window RMS: max error %.3f LSB\n", worst);
    assert_true(worst <= 1.0); /* the header's bound */

    assert_int_equal(kmeans_distance_q8(-(9 * 65536)), 3 * 256); /* d^2 = 9 */
    assert_int_equal(kmeans_distance_q8(-(65536 / 4)), 128);     /* d^2 = 1/4 */
    assert_int_equal(kmeans_distance_q8(0), 0);
    assert_int_equal(kmeans_distance_q8(INT32_MIN), 46340); /* a saturated score */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sat_q15_edges_and_random),
        cmocka_unit_test(test_sat_q31_edges_and_random),
        cmocka_unit_test(test_round_shift_s32_edges_and_random),
        cmocka_unit_test(test_round_shift_s64_edges_and_random),
        cmocka_unit_test(test_q31_to_q15_sweep),
        cmocka_unit_test(test_q15_to_q31_exhaustive),
        cmocka_unit_test(test_q15_arith_edges_and_random),
        cmocka_unit_test(test_q31_arith_edges_and_random),
        cmocka_unit_test(test_header_examples),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
