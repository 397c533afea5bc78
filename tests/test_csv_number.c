/* SPDX-License-Identifier: MIT */
/*
 * test_csv_number.c -- decimal text <-> double (trainers/csv_number.c):
 * mlq_csv_parse_number gives strtod's double, bit for bit, on decimals of
 * every length and exponent (fast path and fallback); mlq_csv_format_double
 * gives, byte for byte, the text of the plain search over %.1g .. %.17g
 * (the reference below, the writer's former code) on random bit patterns,
 * short decimals, integers, powers of ten and two, subnormals and the
 * neighbours of all of them, and that text reads back as the same double.
 * Deterministic (fixed seeds).
 */
#include "csv_test.h"

#include <math.h>

#include "csv_impl.h"

static uint64_t rng_state;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static double from_bits(uint64_t u)
{
    double v;

    memcpy(&v, &u, sizeof v);
    return v;
}

/* The reference: the fewest %g digits that round-trip, then without the
 * exponent when that is no longer (100 rather than 1e+02). */
static void reference_format(char buf[40], double v)
{
    char alt[40];
    const char *e;
    int prec;

    for (prec = 1; prec < 17; prec++) {
        snprintf(buf, 40, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    if (prec == 17)
        snprintf(buf, 40, "%.17g", v);
    e = strchr(buf, 'e');
    if (e != NULL) {
        long exp10 = strtol(e + 1, NULL, 10);
        if (exp10 >= 0 && exp10 < 17) {
            snprintf(alt, sizeof alt, "%.*g", (int)exp10 + 1, v);
            if (strlen(alt) <= strlen(buf))
                memcpy(buf, alt, strlen(alt) + 1);
        }
    }
}

static size_t n_checked;

/* v and -v: the reference's text, and strtod reads it back exactly. */
static void check_format(double v)
{
    char got[MLQ_CSV_NUM_BUF + 8], want[40];
    double back;
    size_t len;
    int s;

    if (!isfinite(v))
        return;
    for (s = 0; s < 2; s++, v = -v) {
        memset(got, 0x5A, sizeof got);
        len = mlq_csv_format_double(got, v);
        reference_format(want, v);
        if (strcmp(got, want) != 0)
            fail_msg("%.17g: '%s', reference '%s'", v, got, want);
        assert_int_equal(len, strlen(want));
        assert_true(len < MLQ_CSV_NUM_BUF);
        back = strtod(got, NULL);
        if (memcmp(&back, &v, sizeof v) != 0)
            fail_msg("'%s' reads back as %.17g, not %.17g", got, back, v);
        n_checked++;
    }
}

/* v and its two neighbours. */
static void check_format_near(double v)
{
    check_format(v);
    check_format(nextafter(v, HUGE_VAL));
    check_format(nextafter(v, 0.0));
}

static void test_format_exact_text(void **state)
{
    static const struct {
        double v;
        const char *text;
    } cases[] = {
        {0.0, "0"}, {-0.0, "-0"}, {1.0, "1"}, {0.1, "0.1"}, {-7.25, "-7.25"}, {100.0, "100"},
        {1e5, "1e+05"}, {123456.0, "123456"}, {1e15, "1e+15"}, {1e16, "1e+16"}, {1e17, "1e+17"},
        {1e20, "1e+20"}, {1e-5, "1e-05"}, {0.0001, "0.0001"}, {1.5e-7, "1.5e-07"}, {1.5e300, "1.5e+300"},
        {0.30000000000000004, "0.30000000000000004"}, {9007199254740993.0, "9007199254740992"},
        {12345678901234570.0, "12345678901234570"}, {12345678901234568.0, "12345678901234568"},
        {999999999999999.0, "999999999999999"}, {123456789.12345679, "123456789.12345679"},
        {DBL_MAX, "1.7976931348623157e+308"}, {DBL_MIN, "2.2250738585072014e-308"},
        {4.9406564584124654e-324, "5e-324"}, {-99.11, "-99.11"}, {2.5e-8, "2.5e-08"},
    };
    char buf[MLQ_CSV_NUM_BUF];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(mlq_csv_format_double(buf, cases[i].v), strlen(cases[i].text));
        assert_string_equal(buf, cases[i].text);
        check_format(cases[i].v);
    }
}

static void test_format_matches_reference(void **state)
{
    char text[64];
    size_t i;
    int k;

    (void)state;
    rng_state = 0x9E3779B97F4A7C15u;
    n_checked = 0;
    /* Random bit patterns: mostly 16 and 17 digits, every exponent. */
    for (i = 0; i < 20000; i++)
        check_format(from_bits(rnd()));
    /* Subnormals: fewer bits, so fewer digits can be enough. */
    for (i = 0; i < 3000; i++)
        check_format(from_bits(rnd() & 0x000FFFFFFFFFFFFFu));
    /* Short decimals, as CSV files hold them, of 1 to 17 digits. */
    for (i = 0; i < 20000; i++) {
        int digits = 1 + (int)(rnd() % 17), exp10 = (int)(rnd() % 60) - 30;
        uint64_t m = rnd() % 100000000000000000u;
        snprintf(text, sizeof text, "%llue%d", (unsigned long long)(m % (uint64_t)pow(10.0, digits)), exp10);
        check_format(strtod(text, NULL));
    }
    /* Integers, around 2^53 too. */
    for (i = 0; i < 5000; i++)
        check_format((double)(rnd() >> (rnd() % 64)));
    /* Powers of ten and of two, and their neighbours. */
    for (k = -324; k <= 308; k++) {
        snprintf(text, sizeof text, "1e%d", k);
        check_format_near(strtod(text, NULL));
    }
    for (k = -1074; k <= 1023; k++)
        check_format_near(ldexp(1.0, k));
    /* The edges of the fast path: 10^15, 10^-7, 2^53, DBL_MIN, DBL_MAX. */
    check_format_near(1e15);
    check_format_near(999999999999999.0);
    check_format_near(1e-7);
    check_format_near(1.2345678901234e-7);
    check_format_near(9007199254740992.0);
    check_format_near(DBL_MIN);
    check_format_near(DBL_MAX);
    print_message("     %zu doubles formatted as the reference does\n", n_checked);
    assert_true(n_checked > 100000);
}

/* parse(text) must be strtod(text), bit for bit. */
static void check_parse(const char *text)
{
    double got = 12345.0, want = strtod(text, NULL);

    assert_int_equal(mlq_csv_parse_number(text, strlen(text), &got), MLQ_NUM_OK);
    if (memcmp(&got, &want, sizeof got) != 0)
        fail_msg("'%s' reads as %.17g, strtod gives %.17g", text, got, want);
}

static void test_parse_matches_strtod(void **state)
{
    static const char *const cases[] = {
        "0", "-0", "+0", "0.0", "-0.0", "0e999999", "-0e-5", "5.1", ".5", "5.", "-7.25", "1e22", "1e23",
        "9007199254740992", "9007199254740993", "9007199254740994", "123456789012345678901234567890",
        "0.000000000000000000000000000001", "1e-22", "1e-23", "4.9406564584124654e-324", "2e-324",
        "1.7976931348623157e308", "2.2250738585072014e-308", "0.30000000000000004", "00000000000000000000001.5",
        "1.00000000000000000000", "99999999999999999999", "1E+2", "1e-0", "  3.25  ", "12345678901234567e-17",
    };
    char text[96];
    size_t i, len;
    int d, k;

    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_parse(cases[i]);
    rng_state = 0x2545F4914F6CDD1Du;
    for (i = 0; i < 100000; i++) {
        int digits = 1 + (int)(rnd() % 22), point = (int)(rnd() % (uint64_t)(digits + 2)) - 1;
        len = 0;
        if (rnd() % 3 == 0)
            text[len++] = rnd() % 2 ? '-' : '+';
        for (d = 0; d < digits; d++) {
            if (d == point)
                text[len++] = '.';
            text[len++] = (char)('0' + rnd() % 10);
        }
        if (rnd() % 2)
            len += (size_t)snprintf(text + len, sizeof text - len, "e%d", (int)(rnd() % 70) - 35);
        text[len] = '\0';
        check_parse(text);
    }
    /* Every power of ten a double holds, and one beyond each end of the fast path. */
    for (k = -30; k <= 30; k++) {
        snprintf(text, sizeof text, "7e%d", k);
        check_parse(text);
        snprintf(text, sizeof text, "9007199254740991e%d", k);
        check_parse(text);
    }
}

static void test_parse_statuses(void **state)
{
    double v = 42.0;

    (void)state;
    assert_int_equal(mlq_csv_parse_number("  ", 2, &v), MLQ_NUM_EMPTY);
    assert_int_equal(mlq_csv_parse_number("1.2.3", 5, &v), MLQ_NUM_SYNTAX);
    assert_int_equal(mlq_csv_parse_number("0x10", 4, &v), MLQ_NUM_SYNTAX);
    assert_int_equal(mlq_csv_parse_number("-Inf", 4, &v), MLQ_NUM_NONFINITE);
    assert_int_equal(mlq_csv_parse_number("nan(1)", 6, &v), MLQ_NUM_NONFINITE);
    assert_int_equal(mlq_csv_parse_number("1e309", 5, &v), MLQ_NUM_RANGE);
    assert_int_equal(mlq_csv_parse_number("-1e99999", 8, &v), MLQ_NUM_RANGE);
    /* Nothing is stored on failure. */
    assert_true(v == 42.0);
    /* Only the first len bytes count. */
    assert_int_equal(mlq_csv_parse_number("12 34", 2, &v), MLQ_NUM_OK);
    assert_true(v == 12.0);
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;

    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) * 1e-9;
}

/* A million short decimals each way, each read back as itself; the
 * reference took about 15 s for this in an optimized build. */
static void test_speed(void **state)
{
    char buf[MLQ_CSV_NUM_BUF];
    struct timespec t0;
    double v, x, secs;
    size_t i, bad = 0;

    (void)state;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (i = 0; i < 1000000; i++) {
        x = (double)(i % 200000) / 1e4 - 10.0;
        if (mlq_csv_parse_number(buf, mlq_csv_format_double(buf, x), &v) != MLQ_NUM_OK || v != x)
            bad++;
    }
    secs = seconds_since(&t0);
    print_message("     1,000,000 numbers formatted and read in %.3f s\n", secs);
    assert_int_equal(bad, 0);
    assert_true(secs < 10.0); /* generous, for sanitizer builds */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_exact_text),
        cmocka_unit_test(test_format_matches_reference),
        cmocka_unit_test(test_parse_matches_strtod),
        cmocka_unit_test(test_parse_statuses),
        cmocka_unit_test(test_speed),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
