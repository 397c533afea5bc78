/* SPDX-License-Identifier: MIT */
/*
 * csv_row.c -- see csv_row.h.
 *
 * A number d1 d2 ... dn x 10^E is converted exactly: the integers
 * N = digits x 10^max(E, 0) and D = 10^max(-E, 0) are scaled by a power of
 * two so that N / D has 54 or 55 bits before the point, the quotient and
 * whether a remainder is left are computed by long division, and the
 * result is rounded to a double's 53 bits and then to a float's 24 (or
 * fewer, for a subnormal), each to nearest with ties to even: the two
 * roundings of (float)strtod(s). Fields have at most CSV_ROW_FIELD_MAX
 * bytes, so N < 10^40 and D <= 10^86 (smaller and larger magnitudes are
 * zeros and infinities, decided before dividing): 416-bit integers hold
 * every value the division meets. Short decimals (below 2^24 with at most
 * 9 digits after the point: most fields) take a 32-bit path of their own,
 * short_decimal, 7 to 15 times faster on AVR.
 */
#include "csv_row.h"

/* ---- unsigned integers of up to BIG_LIMBS 16-bit limbs ------------------ */

#define BIG_LIMBS 26

typedef struct big {
    uint16_t d[BIG_LIMBS]; /* little-endian limbs */
    uint8_t n;             /* limbs in use; d[n - 1] != 0 unless n == 0 */
} big;

static void big_set(big *b, uint16_t v)
{
    b->d[0] = v;
    b->n = v != 0u ? 1u : 0u;
}

/* b = b * m + a; returns -1 when the result does not fit. */
static int big_mul_add(big *b, uint16_t m, uint16_t a)
{
    uint32_t carry = a;
    uint8_t i;

    for (i = 0; i < b->n; i++) {
        uint32_t t = (uint32_t)b->d[i] * m + carry;
        b->d[i] = (uint16_t)t;
        carry = t >> 16;
    }
    if (carry != 0u) {
        if (b->n == BIG_LIMBS)
            return -1;
        b->d[b->n++] = (uint16_t)carry;
    }
    return 0;
}

static unsigned big_bits(const big *b)
{
    unsigned bits;
    uint16_t top;

    if (b->n == 0u)
        return 0;
    bits = 16u * (unsigned)(b->n - 1u);
    for (top = b->d[b->n - 1u]; top != 0u; top >>= 1)
        bits++;
    return bits;
}

/* b = b * 2^s; returns -1 when the result does not fit. */
static int big_shl(big *b, unsigned s)
{
    unsigned limbs = s / 16u, bits = s % 16u, n, i;

    if (b->n == 0u)
        return 0;
    if (big_bits(b) + s > 16u * BIG_LIMBS)
        return -1;
    n = b->n + limbs + 1u;
    if (n > BIG_LIMBS)
        n = BIG_LIMBS;
    for (i = n; i-- > 0;) {
        uint32_t hi = i >= limbs && i - limbs < b->n ? b->d[i - limbs] : 0u;
        uint32_t lo = i >= limbs + 1u && i - limbs - 1u < b->n ? b->d[i - limbs - 1u] : 0u;
        b->d[i] = (uint16_t)(bits == 0u ? hi : (hi << bits | lo >> (16u - bits)));
    }
    b->n = (uint8_t)n;
    while (b->n > 0u && b->d[b->n - 1u] == 0u)
        b->n--;
    return 0;
}

static void big_shr1(big *b)
{
    uint8_t i;

    for (i = 0; i < b->n; i++) {
        uint16_t next = i + 1u < b->n ? b->d[i + 1u] : 0u;
        b->d[i] = (uint16_t)(b->d[i] >> 1 | (uint16_t)((next & 1u) << 15));
    }
    while (b->n > 0u && b->d[b->n - 1u] == 0u)
        b->n--;
}

/* -1, 0 or 1 as a < b, a == b, a > b. */
static int big_cmp(const big *a, const big *b)
{
    uint8_t i;

    if (a->n != b->n)
        return a->n < b->n ? -1 : 1;
    for (i = a->n; i-- > 0;) {
        if (a->d[i] != b->d[i])
            return a->d[i] < b->d[i] ? -1 : 1;
    }
    return 0;
}

/* a = a - b, for a >= b. */
static void big_sub(big *a, const big *b)
{
    uint32_t borrow = 0;
    uint8_t i;

    for (i = 0; i < a->n; i++) {
        uint32_t t = (uint32_t)a->d[i] - (i < b->n ? b->d[i] : 0u) - borrow;
        a->d[i] = (uint16_t)t;
        borrow = (t >> 16) != 0u ? 1u : 0u;
    }
    while (a->n > 0u && a->d[a->n - 1u] == 0u)
        a->n--;
}

/* ---- decimal text to float ---------------------------------------------- */

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static float float_of_bits(uint32_t bits)
{
    union {
        uint32_t u;
        float f;
    } v;

    v.u = bits;
    return v.f;
}

/* The float nearest to the double nearest to (q + rest) * 2^-s, where q has
 * 54 or 55 bits and rest, in [0, 1), is nonzero when sticky is. */
static uint32_t round_twice(uint64_t q, int sticky, int s)
{
    uint64_t m;
    int e;

    if (q >> 54 != 0u) {
        sticky |= (int)(q & 1u);
        q >>= 1;
        s--;
    }
    /* q in [2^53, 2^54): a double's 53 bits and one more. */
    m = q >> 1;
    if ((q & 1u) != 0u && (sticky || (m & 1u) != 0u))
        m++;
    e = 53 - s; /* the value is m * 2^(e - 52), m in [2^52, 2^53] */
    if (m >> 53 != 0u) {
        m >>= 1;
        e++;
    }
    /* Now to a float: 24 bits in the normal range, fewer below it. */
    {
        int shift = e >= -126 ? 29 : 29 + (-126 - e);
        uint64_t kept, rest, half;

        if (e > 127)
            return 0x7F800000u;
        if (shift > 54)
            return 0;
        kept = m >> shift;
        rest = m & (((uint64_t)1 << shift) - 1u);
        half = (uint64_t)1 << (shift - 1);
        if (rest > half || (rest == half && (kept & 1u) != 0u))
            kept++;
        if (e < -126) /* subnormal; 2^23 is the smallest normal's bits */
            return (uint32_t)kept;
        if (kept >> 24 != 0u) {
            kept >>= 1;
            e++;
            if (e > 127)
                return 0x7F800000u;
        }
        return (uint32_t)(e + 127) << 23 | ((uint32_t)kept & 0x7FFFFFu);
    }
}

/*
 * The short decimals most fields are, n * 10^e with n < 2^24 and e >= -9
 * (n * 10^e < 2^24 when e > 0), by 32-bit long division: about 2000
 * cycles on AVR against 15000 to 40000 for the general path below, so that
 * a row of short fields is read as fast as 115200 baud brings it (a byte
 * every 1389 cycles at 16 MHz). Rounding once to a float gives what rounding
 * to a double and then to a float gives: a float midpoint m 2^j (m odd,
 * below 2^25) other than x = n / 10^k itself is at least 2^j / 5^k from it,
 * more than 2^-46 x (k <= 9), and a double is within 2^-53 x of x. 1 with
 * *out set, or 0 when the number is not one of these.
 */
static int short_decimal(const big *n, int32_t e, uint32_t sign, float *out)
{
    static const uint32_t pow10_32[10] = {1u, 10u, 100u, 1000u, 10000u, 100000u, 1000000u,
                                          10000000u, 100000000u, 1000000000u};
    uint32_t v, d = 1u, q, r, kept;
    int32_t exp2 = 25; /* the value is (q + r / d) 2^(exp2 - 25) */

    if (n->n > 2u || e < -9)
        return 0;
    v = n->n == 2u ? (uint32_t)n->d[1] << 16 | n->d[0] : n->d[0]; /* n->n is 1: sig > 0 */
    if (v >= (1ul << 24))
        return 0;
    for (; e > 0; e--) {
        if (v >= (1ul << 24) / 10u)
            return 0;
        v *= 10u;
    }
    if (e < 0)
        d = pow10_32[-e];
    q = v / d;
    r = v % d;
    while (q < (1ul << 25)) { /* v >= 1: at most 55 steps; r < d < 2^30 */
        q <<= 1;
        r <<= 1;
        if (r >= d) {
            r -= d;
            q |= 1u;
        }
        exp2--;
    }
    kept = q >> 2; /* 24 bits; round to nearest, ties (nothing below) to even */
    if ((q & 3u) > 2u || ((q & 3u) == 2u && (r != 0u || (kept & 1u) != 0u)))
        kept++;
    if (kept == (1ul << 24)) {
        kept >>= 1;
        exp2++;
    }
    *out = float_of_bits(sign | (uint32_t)(exp2 + 127) << 23 | (kept & 0x7FFFFFu));
    return 1;
}

int csv_float(const char *s, size_t len, float *out)
{
    static const uint16_t pow10[5] = {1u, 10u, 100u, 1000u, 10000u};
    size_t i = 0;
    uint32_t sign = 0;
    int digits = 0, sig = 0, point = 0, frac = 0, exp_neg = 0, exp_digits = 0;
    int32_t exp10 = 0, e; /* int may have 16 bits */
    big n, d;

    while (len > 0 && is_blank(s[0]))
        s++, len--;
    while (len > 0 && is_blank(s[len - 1]))
        len--;
    if (len >= 2 && s[0] == '"' && s[len - 1] == '"') {
        s++, len -= 2;
        while (len > 0 && is_blank(s[0]))
            s++, len--;
        while (len > 0 && is_blank(s[len - 1]))
            len--;
    }
    big_set(&n, 0);
    if (i < len && (s[i] == '+' || s[i] == '-'))
        sign = s[i++] == '-' ? 0x80000000u : 0u;
    for (; i < len && (is_digit(s[i]) || (s[i] == '.' && !point)); i++) {
        if (s[i] == '.') {
            point = 1;
            continue;
        }
        digits++;
        frac += point;
        if (sig > 0 || s[i] != '0') {
            sig++;
            if (big_mul_add(&n, 10u, (uint16_t)(s[i] - '0')) != 0)
                return -1;
        }
    }
    if (digits == 0)
        return -1;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            exp_neg = s[i++] == '-';
        for (; i < len && is_digit(s[i]); i++, exp_digits++) {
            if (exp10 < 100000)
                exp10 = exp10 * 10 + (s[i] - '0');
        }
        if (exp_digits == 0)
            return -1;
    }
    if (i != len)
        return -1;
    e = (exp_neg ? -exp10 : exp10) - frac; /* value = n * 10^e, n has sig digits */
    if (sig == 0 || sig + e <= -46) {
        *out = float_of_bits(sign); /* below 10^-46: rounds to zero */
        return 0;
    }
    if (sig - 1 + e >= 39) {
        *out = float_of_bits(sign | 0x7F800000u); /* at least 10^39: infinity */
        return 0;
    }
    if (short_decimal(&n, e, sign, out))
        return 0;
    /* n = digits * 10^max(e, 0), d = 10^max(-e, 0) */
    big_set(&d, 1);
    for (; e > 0; e -= e > 4 ? 4 : e)
        (void)big_mul_add(&n, pow10[e > 4 ? 4 : e], 0);
    for (; e < 0; e += e < -4 ? 4 : -e)
        (void)big_mul_add(&d, pow10[e < -4 ? 4 : -e], 0);
    {
        int nb = (int)big_bits(&n), db = (int)big_bits(&d);
        int shift = db + 54 - nb; /* n * 2^shift has 54 more bits than d */
        uint64_t q = 0;
        int bit;
        big t;

        if (shift >= 0 ? big_shl(&n, (unsigned)shift) != 0 : big_shl(&d, (unsigned)-shift) != 0)
            return -1;
        t = d;
        if (big_shl(&t, 54) != 0)
            return -1;
        for (bit = 54; bit >= 0; bit--) {
            if (big_cmp(&n, &t) >= 0) {
                big_sub(&n, &t);
                q |= (uint64_t)1 << bit;
            }
            big_shr1(&t);
        }
        *out = float_of_bits(sign | round_twice(q, n.n != 0u, shift));
    }
    return 0;
}

/* ---- rows ------------------------------------------------------------- */

void csv_row_init(csv_row *r, float *x, uint16_t n)
{
    r->x = x;
    r->n = n;
    r->field = 0;
    r->error_field = 0;
    r->error = 0;
    r->len = 0;
}

static void fail(csv_row *r, csv_row_event e)
{
    if (r->error == 0) {
        r->error = (int8_t)e;
        r->error_field = r->field;
    }
}

/* The field in text ends: store it, or note why not. */
static void end_field(csv_row *r)
{
    if (r->error != 0)
        return;
    if (r->len > CSV_ROW_FIELD_MAX)
        fail(r, CSV_ROW_TOO_LONG);
    else if (r->field >= r->n)
        fail(r, CSV_ROW_TOO_MANY);
    else if (csv_float(r->text, r->len, &r->x[r->field]) != 0)
        fail(r, CSV_ROW_BAD_NUMBER);
}

csv_row_event csv_row_feed(csv_row *r, char c)
{
    csv_row_event ev;

    if (c == '\r')
        return CSV_ROW_MORE;
    if (c == ',') {
        end_field(r);
        r->field++;
        r->len = 0;
        return CSV_ROW_MORE;
    }
    if (c != '\n') {
        if (r->len < CSV_ROW_FIELD_MAX)
            r->text[r->len] = c;
        if (r->len <= CSV_ROW_FIELD_MAX)
            r->len++;
        return CSV_ROW_MORE;
    }
    /* end of line */
    {
        uint8_t k;
        int blank = r->field == 0;

        for (k = 0; blank && k < r->len && k < CSV_ROW_FIELD_MAX; k++)
            blank = is_blank(r->text[k]);
        if (blank) {
            ev = CSV_ROW_EMPTY;
        } else {
            end_field(r);
            if (r->error == 0 && r->field + 1u < r->n)
                fail(r, CSV_ROW_TOO_FEW);
            ev = r->error != 0 ? (csv_row_event)r->error : CSV_ROW_DONE;
        }
    }
    r->field = 0;
    r->len = 0;
    r->error = 0;
    return ev;
}
