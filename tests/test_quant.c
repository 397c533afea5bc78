/* SPDX-License-Identifier: MIT */
/*
 * Input quantization: the float path against a double reference over the
 * whole output range, exact halves, saturation, NaN, random bit patterns
 * and values a few ulps from every kind of rounding boundary, and the int16
 * path against the float path for all 65536 int16 inputs of every feature
 * of the bundled integer datasets and of ADC-like features with large
 * offsets and small spreads.
 *
 * The Makefile builds this file twice: against the library as it is
 * (float arithmetic on the host), and as test_quant_int, with src/quant.c
 * compiled with MLQ_QUANT_INT=1, so that the integer path of cores without
 * an FPU meets the same reference here, on millions of inputs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "algo.h"
#include "export.h"
#include "model.h"
#include "mlq/quant.h"
#include "test_rng.h"

/* Reference in double: b = (x - o) * g with each float operation rounded to
 * float as on the device, then floor, saturate to [0, 65535], minus 32768.
 * LONG_MIN marks NaN. */
static long ref_q15(float x, float o, float g)
{
    float b = (x - o) * g;
    double u = floor((double)b);

    if (isnan(b))
        return LONG_MIN;
    return (u < 0 ? 0 : u > 65535 ? 65535 : (long)u) - 32768;
}

/* A quantizer whose offset makes q = round(x * g) ties upward, as the
 * exporter builds it: o = -32768.5 / g. */
static void one_feature(float g, float *o)
{
    *o = (float)(-32768.5 / (double)g);
}

static void test_f32_matches_reference_over_whole_range(void **state)
{
    float offset[1], gain[1] = {1.0f};
    const mlq_quant q = {1, offset, gain};
    long mismatches = 0;
    int32_t i;

    (void)state;
    one_feature(gain[0], offset);
    /* Every quarter step from -40000 to 40000: exact halves, both signs,
     * and saturation at both ends. */
    for (i = -160000; i <= 160000; i++) {
        float x = (float)i * 0.25f;
        mlq_q15_t out = 0;

        assert_int_equal(mlq_quant_f32_to_q15(&q, &x, 1, &out), MLQ_OK);
        mismatches += out != ref_q15(x, offset[0], gain[0]);
    }
    assert_int_equal(mismatches, 0);
}

static void test_f32_rounds_to_nearest_ties_up_and_saturates(void **state)
{
    float offset[1], gain[1] = {1.0f};
    const mlq_quant q = {1, offset, gain};
    static const float x[] = {0.5f, -0.5f, 1.5f, -1.5f, 2.4f, -2.6f, 0.25f, -0.25f,
                              32766.5f, -32767.5f, 32767.5f, -32768.5f, -40000.0f, 1e30f};
    static const mlq_q15_t want[] = {1, 0, 2, -1, 2, -3, 0, 0,
                                     32767, -32767, 32767, -32768, -32768, 32767};
    size_t i;

    (void)state;
    one_feature(gain[0], offset);
    for (i = 0; i < sizeof x / sizeof x[0]; i++) {
        mlq_q15_t out = 0;

        assert_int_equal(mlq_quant_f32_to_q15(&q, &x[i], 1, &out), MLQ_OK);
        assert_int_equal(out, want[i]);
    }
}

/* Lengths 1..11 cover the 4-wide fast path of FPU targets and its tail;
 * NaN anywhere is reported, infinities saturate. */
static void test_f32_saturates_and_rejects_nan_at_any_position(void **state)
{
    enum { N = 11 };
    float offset[N], gain[N], x[N];
    mlq_q15_t out[N];
    size_t n, bad, j;

    (void)state;
    for (j = 0; j < N; j++) {
        gain[j] = 1000.0f;
        one_feature(gain[j], &offset[j]);
    }
    for (n = 1; n <= N; n++) {
        const mlq_quant q = {(uint16_t)n, offset, gain};

        for (j = 0; j < n; j++)
            x[j] = j % 3 == 0 ? INFINITY : j % 3 == 1 ? -1e30f : 0.01f * (float)j;
        assert_int_equal(mlq_quant_f32_to_q15(&q, x, (uint16_t)n, out), MLQ_OK);
        for (j = 0; j < n; j++)
            assert_int_equal(out[j], j % 3 == 0 ? 32767 : j % 3 == 1 ? -32768 : (int)(10 * j));
        for (bad = 0; bad < n; bad++) {
            float keep = x[bad];

            x[bad] = NAN;
            assert_int_equal(mlq_quant_f32_to_q15(&q, x, (uint16_t)n, out), MLQ_ERR_INPUT);
            x[bad] = keep;
        }
    }
}

/* A float from its bits. */
static float from_bits(uint32_t u)
{
    float f;

    memcpy(&f, &u, sizeof f);
    return f;
}

/* A float of any class: normal of any exponent, subnormal, zero, infinity
 * or NaN, either sign. */
static float any_float(void)
{
    uint32_t r = next_u32(), kind = next_u32() % 16u;

    if (kind == 0)
        r &= 0x807FFFFFu; /* zero or subnormal */
    else if (kind == 1)
        r = (r & 0x80000000u) | 0x7F800000u | (next_u32() % 4u == 0 ? r & 0x7FFFFFu : 0);
    return from_bits(r);
}

/* x moved by k ulps (k may be negative), through the bits. */
static float nudge(float x, int k)
{
    while (k > 0) {
        x = nextafterf(x, INFINITY);
        k--;
    }
    while (k < 0) {
        x = nextafterf(x, -INFINITY);
        k++;
    }
    return x;
}

/* One feature against ref_q15; returns 1 on a mismatch. */
static int differs(float x, float o, float g)
{
    const mlq_quant q = {1, &o, &g};
    mlq_q15_t out = 0;
    long want = ref_q15(x, o, g);
    mlq_status s = mlq_quant_f32_to_q15(&q, &x, 1, &out);

    if (want == LONG_MIN)
        return s != MLQ_ERR_INPUT;
    return s != MLQ_OK || out != want;
}

static void test_f32_matches_reference_for_random_bits(void **state)
{
    long i, bad = 0;

    (void)state;
    for (i = 0; i < 1000000; i++)
        bad += differs(any_float(), any_float(), any_float());
    assert_int_equal(bad, 0);
}

/*
 * Realistic scalings (gains 2^-20..2^20, offsets as the exporter builds
 * them) with x a few ulps around the value that puts b on an integer, a
 * half-way point of x - o, or the ends of the range, so that every
 * rounding of the subtraction and of the product is decided both ways.
 */
static void test_f32_matches_reference_at_rounding_boundaries(void **state)
{
    long i, bad = 0;
    int k;

    (void)state;
    for (i = 0; i < 200000; i++) {
        uint32_t frac = next_u32() % 2u ? next_u32() % 8388608u : (next_u32() % 8u) << 20;
        float g = ldexpf(1.0f + (float)frac / 8388608.0f, (int)(next_u32() % 41u) - 20);
        float m = ldexpf((float)((int32_t)next_u32() % 1000000) / 1000.0f,
                         (int)(next_u32() % 21u) - 10);
        float o = (float)((double)m - 32768.5 / (double)g);
        long u = (long)(next_u32() % 65600u) - 32;
        float x = (float)((double)o + (double)u / (double)g);

        for (k = -3; k <= 3; k++) {
            bad += differs(nudge(x, k), o, g);
            bad += differs(nudge(x, k), o, -g);
            bad += differs(-nudge(x, k), -o, g);
        }
        if (i % 16 == 0) /* subnormal and zero inputs and offsets */
            bad += differs(from_bits(next_u32() & 0x807FFFFFu), from_bits(next_u32() & 0x807FFFFFu),
                           ldexpf(g, 100));
    }
    assert_int_equal(bad, 0);
}

static void test_wrong_length_is_rejected(void **state)
{
    static const float offset[2] = {0.0f, 0.0f};
    static const float gain[2] = {2.0f, 2.0f};
    static const int16_t center[2] = {0, 0};
    static const uint32_t mul[2] = {32768, 32768};
    static const int32_t add[2] = {0, 0};
    static const uint8_t shift[2] = {15, 15};
    const mlq_quant q = {2, offset, gain};
    const mlq_quant_i16 qi = {2, center, mul, add, shift};
    const mlq_quant_i16 no_raw = {2, NULL, NULL, NULL, NULL};
    const float x[3] = {1, 2, 3};
    const int16_t xi[3] = {1, 2, 3};
    mlq_q15_t out[3] = {7, 7, 7};

    (void)state;
    assert_int_equal(mlq_quant_f32_to_q15(&q, x, 3, out), MLQ_ERR_SIZE);
    assert_int_equal(mlq_quant_i16_to_q15(&qi, xi, 1, out), MLQ_ERR_SIZE);
    assert_int_equal(mlq_quant_i16_to_q15(&no_raw, xi, 2, out), MLQ_ERR_MODEL);
    assert_int_equal(out[0], 7); /* canary: nothing written on a size error */
    assert_int_equal(out[2], 7);
    assert_int_equal(mlq_quant_i16_to_q15(&qi, xi, 2, out), MLQ_OK); /* q = x: gain 1 */
    assert_int_equal(out[0], 1);
    assert_int_equal(out[1], 2);
}

/*
 * The input quantizer the exporter builds for one feature of mean `mean`,
 * scale `scale` and input range r; 0, or -1 when it has no int16 path.
 * Then every int16 input, compared with the float path: the largest
 * |int16 path - float path| in Q15 steps.
 */
static long worst_int16_step(double mean, double scale, double r, int *has_raw)
{
    char name[] = "x", src[] = "adc.csv", *names[1];
    mlq_model m = {0};
    mlq_device dev = {0};
    mlq_err err = {{0}};
    long worst = 0, v;

    names[0] = name;
    m.n_features = 1;
    m.feature_names = names;
    m.source = src;
    m.mean = &mean;
    m.scale = &scale;
    m.input_range = r;
    dev.model = &m;
    assert_int_equal(mlq_quant_build(&dev, &err), 0);
    *has_raw = dev.raw_center != NULL;
    for (v = INT16_MIN; *has_raw && v <= INT16_MAX; v++) {
        int16_t xi = (int16_t)v;
        float xf = (float)v;
        mlq_q15_t qi, qf;

        assert_int_equal(mlq_quant_i16_to_q15(&dev.quant_i16, &xi, 1, &qi), MLQ_OK);
        assert_int_equal(mlq_quant_f32_to_q15(&dev.quant, &xf, 1, &qf), MLQ_OK);
        if (labs((long)qi - qf) > worst)
            worst = labs((long)qi - qf);
    }
    mlq_quant_free(&dev);
    return worst;
}

/* Every feature of a bundled integer dataset, with the scaling mlq train learns. */
static void check_dataset(const char *path)
{
    mlq_dataset d = {0};
    mlq_model m = {0};
    mlq_err err = {{0}};
    double *z;
    size_t j;

    assert_int_equal(mlq_csv_read(path, NULL, MLQ_LABEL_OPTIONAL, NULL, 0, &d, &err), 0);
    m.n_features = d.n_features;
    m.feature_names = d.feature_names;
    m.source = d.path;
    m.mean = calloc(d.n_features, sizeof *m.mean);
    m.scale = calloc(d.n_features, sizeof *m.scale);
    z = calloc(d.n_rows * d.n_features, sizeof *z);
    assert_non_null(m.mean);
    assert_non_null(m.scale);
    assert_non_null(z);
    assert_true(mlq_model_fit_scaling(&m, &d, z, NULL, &err) >= 0);
    for (j = 0; j < d.n_features; j++) {
        int has_raw;
        long worst = worst_int16_step(m.mean[j], m.scale[j], m.input_range, &has_raw);

        assert_true(has_raw);
        if (worst > 1)
            print_error("%s feature %zu: %ld steps\n", path, j, worst);
        assert_true(worst <= 1);
    }
    free(z);
    free(m.mean);
    free(m.scale);
    mlq_dataset_free(&d);
}

static void test_int16_path_within_one_step_on_bundled_integer_data(void **state)
{
    (void)state;
    check_dataset("data/digits.csv");  /* pixels 0..16 */
    check_dataset("data/shuttle.csv"); /* sensor readings from -11042 to 12588 */
}

static void test_int16_path_within_one_step_for_any_offset_and_spread(void **state)
{
    /* ADC-like features (mean, sd, R): large offsets with small spreads
     * (coarse raw units, up to 2^21 steps per unit), full-range spreads
     * (raw units finer than a step), and everything between. */
    static const double cases[][3] = {
        {2000, 5, 4},       {30000, 3, 8},     {-30000, 3, 8},     {2047.5, 0.7, 16},
        {0, 12000, 4},      {-5, 30000, 2},    {100, 0.02, 1},     {32767, 1, 4},
        {-32768, 0.5, 2},   {512, 128, 8},     {0.5, 9.3, 4},      {1e4, 0.013, 1},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int has_raw;
        long worst = worst_int16_step(cases[i][0], cases[i][1], cases[i][2], &has_raw);

        assert_true(has_raw);
        if (worst > 1)
            print_error("mean %g sd %g R %g: %ld steps\n", cases[i][0], cases[i][1], cases[i][2], worst);
        assert_true(worst <= 1);
    }
}

static void test_int16_path_left_out_where_it_cannot_work(void **state)
{
    int has_raw = 1;

    (void)state;
    /* a mean outside int16 */
    worst_int16_step(40000.0, 10.0, 4, &has_raw);
    assert_false(has_raw);
    /* one raw unit is 2^23 Q15 steps: 32768 / (0.001 * 4) */
    worst_int16_step(10.0, 0.001, 4, &has_raw);
    assert_false(has_raw);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_f32_matches_reference_over_whole_range),
        cmocka_unit_test(test_f32_rounds_to_nearest_ties_up_and_saturates),
        cmocka_unit_test(test_f32_saturates_and_rejects_nan_at_any_position),
        cmocka_unit_test(test_f32_matches_reference_for_random_bits),
        cmocka_unit_test(test_f32_matches_reference_at_rounding_boundaries),
        cmocka_unit_test(test_wrong_length_is_rejected),
        cmocka_unit_test(test_int16_path_within_one_step_on_bundled_integer_data),
        cmocka_unit_test(test_int16_path_within_one_step_for_any_offset_and_spread),
        cmocka_unit_test(test_int16_path_left_out_where_it_cannot_work),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
