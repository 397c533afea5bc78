/* SPDX-License-Identifier: MIT */
/*
 * Tests of the exact Q1.15 dot product (mlq_dot_q15, the inner loop of the
 * k-means and SVM kernels) and of the portable twins of src/dsp.h, on the
 * host: the dot product at every length 0..67 and both element offsets of
 * each pointer, on random and extreme values, and on long vectors whose
 * sums pass 2^32 and 2^47; each portable twin against an independent
 * definition (the compilers' modular conversion to int16_t and int8_t) on
 * edge and random words; mlq_ld32 at every byte offset; the row lengths
 * of mlq/types.h and mlq/gmm.h.
 * tests/dsp.sh runs the same helpers on Cortex-M0 and M4F in QEMU, where
 * the instructions themselves are checked against these twins.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdint.h>
#include <string.h>

#include "../src/dsp.h"
#include "mlq/fixed.h"
#include "mlq/gmm.h"
#include "test_rng.h"

#define MAX_N 67u

/* sum of a[j] b[j], each product formed in int64 */
static int64_t ref_dot(const mlq_q15_t *a, const mlq_q15_t *b, uint32_t n)
{
    int64_t acc = 0;
    uint32_t j;

    for (j = 0; j < n; j++)
        acc += (int64_t)a[j] * (int64_t)b[j];
    return acc;
}

static void test_dot_every_length_and_offset(void **state)
{
    static const mlq_q15_t ext[4] = {INT16_MIN, INT16_MAX, -1, 0};
    mlq_q15_t a[MAX_N + 2], b[MAX_N + 2];
    unsigned pattern, oa, ob, i;
    uint32_t n;

    (void)state;
    for (pattern = 0; pattern < 4u; pattern++) {
        for (i = 0; i < MAX_N + 2u; i++) {
            uint32_t r = next_u32();

            /* random; all INT16_MIN; extremes mixed; opposite signs */
            a[i] = pattern == 0u ? next_q15() : pattern == 1u ? INT16_MIN : ext[r & 3u];
            b[i] = pattern == 0u ? next_q15() : pattern == 1u ? INT16_MIN : ext[(r >> 2) & 3u];
            if (pattern == 3u)
                b[i] = a[i] == INT16_MIN ? INT16_MAX : (mlq_q15_t)-a[i];
        }
        for (oa = 0; oa < 2u; oa++)
            for (ob = 0; ob < 2u; ob++)
                for (n = 0; n <= MAX_N; n++)
                    assert_true(mlq_dot_q15(a + oa, b + ob, n) == ref_dot(a + oa, b + ob, n));
    }
}

static void test_dot_long_vectors_stay_exact(void **state)
{
    enum { LONG = 140000 };
    static mlq_q15_t a[LONG], b[LONG];
    size_t i;

    (void)state;
    for (i = 0; i < LONG; i++) {
        a[i] = INT16_MIN;
        b[i] = INT16_MIN;
    }
    /* 2^30 a product: past 2^32 after 4 and 2^47 after 2^17 products */
    assert_true(mlq_dot_q15(a, b, 5) == (int64_t)5 << 30);
    assert_true(mlq_dot_q15(a, b, LONG) == (int64_t)LONG << 30);
    for (i = 0; i < LONG; i++)
        b[i] = INT16_MAX;
    assert_true(mlq_dot_q15(a, b, LONG) == -(int64_t)LONG * 32768 * 32767);
    for (i = 0; i < LONG; i++) {
        a[i] = next_q15();
        b[i] = next_q15();
    }
    assert_true(mlq_dot_q15(a, b, LONG) == ref_dot(a, b, LONG));
}

/* The twins' definitions, independently: GCC and clang convert to a
 * narrower signed type modulo 2^N. */
static int32_t s16(uint32_t v)
{
    return (int16_t)(uint16_t)v;
}

static uint32_t s8_lane(uint32_t v)
{
    return (uint32_t)(int32_t)(int8_t)(uint8_t)v & 0xFFFFu;
}

static void check_twins(uint32_t x, uint32_t y, uint32_t acc32, int64_t acc64)
{
    int64_t want64 = acc64 + (int64_t)s16(x) * s16(y) + (int64_t)s16(x >> 16) * s16(y >> 16);
    uint32_t want32 = acc32 + (uint32_t)(s16(x) * s16(y)) + (uint32_t)(s16(x >> 16) * s16(y >> 16));

    assert_int_equal(mlq_lo16_c(x), s16(x));
    assert_int_equal(mlq_hi16_c(x), s16(x >> 16));
    assert_true(mlq_smlald_c(x, y, acc64) == want64);
    assert_int_equal(mlq_smlad_c(x, y, acc32), want32);
    assert_int_equal(mlq_sxtb16_c(x), s8_lane(x) | s8_lane(x >> 16) << 16);
    assert_int_equal(mlq_sxtb16_ror8_c(x), s8_lane(x >> 8) | s8_lane(x >> 24) << 16);
    assert_int_equal(mlq_uxtb16_c(x), (x & 0xFFu) | ((x >> 16) & 0xFFu) << 16);
    assert_int_equal(mlq_uxtb16_ror8_c(x), ((x >> 8) & 0xFFu) | (x >> 24) << 16);
}

static void test_portable_twins(void **state)
{
    static const uint32_t edge[] = {0x00000000u, 0xFFFFFFFFu, 0x80008000u, 0x7FFF7FFFu, 0x80007FFFu,
                                    0x7FFF8000u, 0x00008000u, 0x80000000u, 0x0000FFFFu, 0xFFFF0000u,
                                    0x00800080u, 0x7F7F7F7Fu, 0x80808080u, 0x01020304u, 0xFF80FF80u};
    static const int64_t acc64[] = {0, -1, (int64_t)1 << 62, -((int64_t)1 << 62), 0x123456789A};
    size_t i, j, k;

    (void)state;
    for (i = 0; i < sizeof edge / sizeof edge[0]; i++)
        for (j = 0; j < sizeof edge / sizeof edge[0]; j++)
            for (k = 0; k < sizeof acc64 / sizeof acc64[0]; k++)
                check_twins(edge[i], edge[j], edge[(i + j + k) % (sizeof edge / sizeof edge[0])],
                            acc64[k]);
    for (i = 0; i < 200000u; i++)
        check_twins(next_u32(), next_u32(), next_u32(), acc64[i % 5u]);
    /* by hand: (-2^15)^2 twice is 2^31; SMLAD wraps it */
    assert_true(mlq_smlald_c(0x80008000u, 0x80008000u, 0) == (int64_t)1 << 31);
    assert_int_equal(mlq_smlad_c(0x80008000u, 0x80008000u, 0x80000000u), 0);
    assert_int_equal(mlq_sxtb16_c(0x12FF3480u), 0xFFFFFF80u);
    assert_int_equal(mlq_uxtb16_ror8_c(0x12FF3480u), 0x00120034u);
}

static void test_ld32_every_offset(void **state)
{
    unsigned char bytes[64 + 4];
    size_t i, off;

    (void)state;
    for (i = 0; i < sizeof bytes; i++)
        bytes[i] = (unsigned char)next_u32();
    for (off = 0; off < 64u; off++) {
        uint32_t want;

        memcpy(&want, bytes + off, 4);
        assert_int_equal(mlq_ld32(bytes + off), want);
        if (off % 4u == 0u)
            assert_int_equal(mlq_ld32_aligned(bytes + off), want);
    }
}

/* MLQ_ROW_LEN, and MLQ_GMM_FACTOR_LEN (the exporter's and the kernel's
 * length of a component's rows) against the layout mlq/gmm.h spells out:
 * row i of a full factor holds i + 1 entries and a zero when i + 1 is odd. */
static void test_row_lengths(void **state)
{
    uint32_t n;
    size_t d, full_len = 0;

    (void)state;
    for (n = 0; n < 1000u; n++)
        assert_int_equal(MLQ_ROW_LEN(n), n % 2u == 0u ? n : n + 1u);
    assert_int_equal(MLQ_ROW_LEN((uint32_t)65535), 65536u); /* the most features a model has */
    assert_int_equal(MLQ_ROW_LEN(UINT32_MAX - 1u), UINT32_MAX - 1u); /* in the type of n */
    assert_true(MLQ_ROW_LEN((size_t)SIZE_MAX - 1u) == (size_t)SIZE_MAX - 1u);
    assert_true(MLQ_ROW_LEN((uint64_t)1 << 40 | 1u) == ((uint64_t)1 << 40) + 2u);
    for (d = 0; d <= 600u; d++) {
        assert_int_equal(MLQ_GMM_FACTOR_LEN(d, 1), full_len);
        assert_int_equal(MLQ_GMM_FACTOR_LEN((uint32_t)d, 1), full_len); /* the kernel's type */
        assert_int_equal(MLQ_GMM_FACTOR_LEN(d, 0), d % 2u == 0u ? d : d + 1u);
        full_len += d + 1u + (d + 1u) % 2u; /* row d */
    }
    assert_int_equal(MLQ_GMM_FACTOR_LEN((uint32_t)65535, 1), 32768u * 65536u); /* the largest d */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dot_every_length_and_offset),
        cmocka_unit_test(test_dot_long_vectors_stay_exact),
        cmocka_unit_test(test_portable_twins),
        cmocka_unit_test(test_ld32_every_offset),
        cmocka_unit_test(test_row_lengths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
