/* SPDX-License-Identifier: MIT */
/*
 * csv_number.c -- decimal text <-> double for the CSV reader and writer
 * (csv_impl.h), exact both ways.
 *
 * Both directions have a fast path for numbers of at most 15 significant
 * digits and a decimal exponent within +-22, the usual case, and fall back
 * to the C library otherwise:
 *
 *   - Reading: m * 10^e or m / 10^-e with m < 2^53 and |e| <= 22 is one
 *     IEEE operation on two exact doubles, so it is correctly rounded: the
 *     same double as strtod (Clinger's fast path).
 *   - Writing: if (double)m / 10^k == |v| for an integer m < 10^15, the
 *     decimal m * 10^-k reads back as v (same argument), and since two
 *     different decimals of at most 15 digits never round to the same
 *     normal double (DBL_DIG), it is the shortest decimal that does: the
 *     one the search over %.1g, %.2g, ... %.17g finds. Otherwise that
 *     search is done on the 17 digits snprintf gives, each shorter
 *     candidate checked with strtod: from 16 digits when the fast path has
 *     shown that 15 do not do, from 15 for other normal numbers, from 1 for
 *     subnormals.
 *
 * The fast paths need double arithmetic in double precision
 * (FLT_EVAL_METHOD 0, every SSE2 or AArch64 host); elsewhere only the C
 * library is used.
 */
#include "csv_impl.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0
#define FAST_PATHS 1
#else
#define FAST_PATHS 0
#endif

/* 10^0 .. 10^22: the powers of ten a double holds exactly. */
static const double pow10_exact[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                       1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

int mlq_csv_is_decimal(const char *s, size_t len)
{
    size_t i = 0, digits = 0, exp_digits = 0;

    if (i < len && (s[i] == '+' || s[i] == '-'))
        i++;
    while (i < len && is_digit(s[i]))
        i++, digits++;
    if (i < len && s[i] == '.') {
        i++;
        while (i < len && is_digit(s[i]))
            i++, digits++;
    }
    if (digits == 0)
        return 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        while (i < len && is_digit(s[i]))
            i++, exp_digits++;
        if (exp_digits == 0)
            return 0;
    }
    return i == len;
}

/* Case-insensitive equality of s[0..len) with the lower-case word w. */
static int equals_word(const char *s, size_t len, const char *w)
{
    size_t i;

    if (strlen(w) != len)
        return 0;
    for (i = 0; i < len; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != w[i])
            return 0;
    }
    return 1;
}

int mlq_csv_is_nonfinite_word(const char *s, size_t len)
{
    if (len > 0 && (s[0] == '+' || s[0] == '-'))
        s++, len--;
    if (equals_word(s, len, "nan") || equals_word(s, len, "inf") || equals_word(s, len, "infinity"))
        return 1;
    return len >= 5 && equals_word(s, 4, "nan(") && s[len - 1] == ')';
}

/* ------------------------------------------------------------------------ */
/* Reading                                                                    */

/* The decimal s[0..len) (mlq_csv_is_decimal holds) as m * 10^e, when m has
 * at most 19 significant digits; 0 when it has more. */
static int decompose(const char *s, size_t len, uint64_t *m_out, long *e_out, int *neg)
{
    uint64_t m = 0;
    long e = 0, x = 0;
    size_t i = 0;
    int digits = 0, in_frac = 0, x_neg = 0;

    *neg = s[0] == '-';
    if (s[0] == '+' || s[0] == '-')
        i++;
    for (; i < len && (is_digit(s[i]) || s[i] == '.'); i++) {
        if (s[i] == '.') {
            in_frac = 1;
            continue;
        }
        if (m != 0 || s[i] != '0') {
            if (++digits > 19)
                return 0;
            m = m * 10 + (uint64_t)(s[i] - '0');
        }
        if (in_frac)
            e--;
    }
    if (i < len) { /* the exponent: e or E, a sign, digits */
        i++;
        x_neg = s[i] == '-';
        if (s[i] == '+' || s[i] == '-')
            i++;
        for (; i < len; i++)
            if (x < 100000)
                x = x * 10 + (s[i] - '0');
    }
    *m_out = m;
    *e_out = e + (x_neg ? -x : x);
    return 1;
}

/* Clinger's fast path: 1 with *v set when s[0..len) is m * 10^e with
 * m <= 2^53 and |e| <= 22 (or m == 0), else 0. */
static int parse_fast(const char *s, size_t len, double *v)
{
    uint64_t m;
    long e;
    int neg;
    double d;

    if (!FAST_PATHS || !decompose(s, len, &m, &e, &neg))
        return 0;
    if (m == 0) {
        d = 0.0;
    } else {
        if (m > (uint64_t)1 << 53 || e < -22 || e > 22)
            return 0;
        d = e < 0 ? (double)m / pow10_exact[-e] : (double)m * pow10_exact[e];
    }
    *v = neg ? -d : d;
    return 1;
}

mlq_csv_num mlq_csv_parse_number(const char *s, size_t len, double *v)
{
    char *end;
    double d;

    mlq_csv_trim(&s, &len);
    if (len == 0)
        return MLQ_NUM_EMPTY;
    if (!mlq_csv_is_decimal(s, len))
        return mlq_csv_is_nonfinite_word(s, len) ? MLQ_NUM_NONFINITE : MLQ_NUM_SYNTAX;
    if (parse_fast(s, len, v))
        return MLQ_NUM_OK;
    /* Underflow (1e-999) gives the nearest subnormal or zero, which is the
     * right value to use; only overflow to infinity is rejected. */
    d = strtod(s, &end);
    if (end != s + len)
        return MLQ_NUM_LOCALE;
    if (isinf(d))
        return MLQ_NUM_RANGE;
    *v = d;
    return MLQ_NUM_OK;
}

/* ------------------------------------------------------------------------ */
/* Writing                                                                    */

/* A decimal d[0] . d[1..n) * 10^x, digits as characters, no trailing zero. */
typedef struct decimal {
    char d[24];
    int n, x;
} decimal;

static void strip_zeros(decimal *dec)
{
    while (dec->n > 1 && dec->d[dec->n - 1] == '0')
        dec->n--;
}

/* An integer in decimal. */
static size_t put_uint(char *out, uint64_t m)
{
    char rev[24];
    size_t n = 0, i;

    do
        rev[n++] = (char)('0' + m % 10);
    while ((m /= 10) != 0);
    for (i = 0; i < n; i++)
        out[i] = rev[n - 1 - i];
    return n;
}

/* The fast path (file comment): 1 with dec set; 0 when it does not apply;
 * -1 when it ran through without finding a decimal of at most 15 digits,
 * which for 1e-7 <= a proves that 16 or 17 are needed (a decimal of n <= 15
 * digits and exponent x >= -7 is m / 10^k with k = n - 1 - x <= 21, found
 * at that k or before). a > 0, finite. */
static int shortest_fast(double a, decimal *dec)
{
    int k;
    uint64_t m = 0;

    if (!FAST_PATHS || a < DBL_MIN || a >= 1e15)
        return 0;
    for (k = 0; k <= 22; k++) {
        double t = a * pow10_exact[k];
        if (t >= 1e15)
            return a >= 1e-7 ? -1 : 0;
        m = (uint64_t)(t + 0.5);
        if (m != 0 && (double)m / pow10_exact[k] == a)
            break;
    }
    if (k > 22)
        return 0;
    dec->n = (int)put_uint(dec->d, m);
    dec->x = dec->n - 1 - k;
    strip_zeros(dec);
    return 1;
}

/* The p significant digits of a that %.{p-1}e prints. */
static void libc_digits(double a, int p, decimal *dec)
{
    char buf[40];
    const char *e;
    int i;

    snprintf(buf, sizeof buf, "%.*e", p - 1, a);
    e = strchr(buf, 'e'); /* buf is "d.ddde+XX", or "de+XX" for one digit */
    dec->n = 0;
    for (i = 0; buf + i < e; i++)
        if (buf[i] != '.')
            dec->d[dec->n++] = buf[i];
    dec->x = (int)strtol(e + 1, NULL, 10);
}

/* The 17 digits d17 of a rounded to p digits, as %.{p-1}e would: 1, or 0
 * when the dropped digits are exactly 5000... and the digits beyond the
 * 17th decide. */
static int round_digits(const decimal *d17, int p, decimal *dec)
{
    int i, up = d17->d[p] > '5';

    if (d17->d[p] == '5') {
        for (i = p + 1; i < d17->n && d17->d[i] == '0'; i++)
            continue;
        if (i == d17->n)
            return 0;
        up = 1;
    }
    memcpy(dec->d, d17->d, (size_t)p);
    dec->n = p;
    dec->x = d17->x;
    for (i = p - 1; up && i >= 0; i--) {
        if (dec->d[i] == '9') {
            dec->d[i] = '0';
        } else {
            dec->d[i]++;
            up = 0;
        }
    }
    if (up) { /* 99...9 became 100...0 */
        dec->d[0] = '1';
        dec->x++;
    }
    return 1;
}

static size_t put_exp(char *out, const decimal *dec);

/* Whether the decimal reads back as a. */
static int reads_back(const decimal *dec, double a)
{
    char buf[40];

    buf[put_exp(buf, dec)] = '\0';
    return strtod(buf, NULL) == a;
}

/* The search of the fewest digits p from `from` up whose rounding of a
 * reads back as a, with the C library; the candidates are rounded from the
 * 17 digits, which always read back. */
static void shortest_libc(double a, int from, decimal *dec)
{
    decimal d17;
    int p;

    libc_digits(a, 17, &d17);
    for (p = from; p < 17; p++) {
        if (!round_digits(&d17, p, dec))
            libc_digits(a, p, dec);
        if (reads_back(dec, a))
            break;
    }
    if (p == 17)
        *dec = d17;
    strip_zeros(dec);
}

/* d[0] . d[1..n) e+XX as %g writes it. */
static size_t put_exp(char *out, const decimal *dec)
{
    size_t len = 0;
    int x = dec->x < 0 ? -dec->x : dec->x;

    out[len++] = dec->d[0];
    if (dec->n > 1) {
        out[len++] = '.';
        memcpy(out + len, dec->d + 1, (size_t)dec->n - 1);
        len += (size_t)dec->n - 1;
    }
    out[len++] = 'e';
    out[len++] = dec->x < 0 ? '-' : '+';
    if (x >= 100)
        out[len++] = (char)('0' + x / 100);
    out[len++] = (char)('0' + x / 10 % 10);
    out[len++] = (char)('0' + x % 10);
    return len;
}

/* The same without exponent, -4 <= x < n. */
static size_t put_fixed(char *out, const decimal *dec)
{
    size_t len = 0;
    int i;

    if (dec->x < 0) {
        out[len++] = '0';
        out[len++] = '.';
        for (i = -1; i > dec->x; i--)
            out[len++] = '0';
        memcpy(out + len, dec->d, (size_t)dec->n);
        return len + (size_t)dec->n;
    }
    memcpy(out, dec->d, (size_t)dec->x + 1);
    len = (size_t)dec->x + 1;
    if (dec->n > dec->x + 1) {
        out[len++] = '.';
        memcpy(out + len, dec->d + dec->x + 1, (size_t)(dec->n - dec->x - 1));
        len += (size_t)(dec->n - dec->x - 1);
    }
    return len;
}

size_t mlq_csv_format_double(char buf[MLQ_CSV_NUM_BUF], double v)
{
    decimal dec;
    size_t len = 0, sign;

    if (signbit(v))
        buf[len++] = '-';
    sign = len;
    if (v == 0.0) {
        dec.d[0] = '0';
        dec.n = 1;
        dec.x = 0;
    } else {
        int fast = shortest_fast(fabs(v), &dec);
        if (fast != 1)
            shortest_libc(fabs(v), fast < 0 ? 16 : fabs(v) < DBL_MIN ? 1 : 15, &dec);
    }
    if (dec.x < -4 || dec.x >= dec.n) {
        /* %g's exponent form; when 1 <= |v| < 1e17, all the digits of the
         * integer |v| (%.{x+1}g) instead if that is no longer. */
        len += put_exp(buf + len, &dec);
        if (dec.x >= 0 && dec.x < 17 && (size_t)dec.x + 1 <= len - sign)
            len = sign + put_uint(buf + sign, (uint64_t)fabs(v));
    } else {
        len += put_fixed(buf + len, &dec);
    }
    buf[len] = '\0';
    return len;
}
