/* SPDX-License-Identifier: MIT */
/*
 * csv_row_check.c -- the sketch's number reader (mlq_predict/csv_row.c)
 * against the host's (float)strtod, which is what `mlq predict` gives the
 * device code, bit for bit; and its row reader on good and bad lines.
 *
 *   cc -Iexamples/arduino/mlq_predict examples/arduino/csv_row_check.c \
 *      examples/arduino/mlq_predict/csv_row.c -lm -o check && ./check data/iris.csv
 *
 * Checks every cell of the CSV files named, random decimals of every
 * length and exponent, random short decimals (the reader's fast path and
 * its edges), the exact decimal of float midpoints and of numbers
 * just beside them (where rounding twice, to double then to float, differs
 * from rounding once), the ends of the float range, and text that mlq's
 * CSV reader refuses. Prints one line per failure and the count; exit 1 on
 * any failure.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv_row.h"

static int failures, checks;

static unsigned long long rng_state = 0x9E3779B97F4A7C15ull;

static unsigned rnd(unsigned n)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (unsigned)((rng_state >> 33) % n);
}

static unsigned bits_of(float f)
{
    unsigned u;

    memcpy(&u, &f, sizeof u);
    return u;
}

/* s must be a number mlq's CSV reader takes: compare with (float)strtod. */
static void check_number(const char *s)
{
    float got = 0.0f, want = (float)strtod(s, NULL);

    checks++;
    if (csv_float(s, strlen(s), &got) != 0) {
        failures++;
        printf("FAIL csv_float(\"%s\") refused a number\n", s);
    } else if (bits_of(got) != bits_of(want)) {
        failures++;
        printf("FAIL csv_float(\"%s\") = %.9g (0x%08x), (float)strtod = %.9g (0x%08x)\n", s,
               (double)got, bits_of(got), (double)want, bits_of(want));
    }
}

static void check_refused(const char *s)
{
    float got = 12345.0f;

    checks++;
    if (csv_float(s, strlen(s), &got) != -1 || got != 12345.0f) {
        failures++;
        printf("FAIL csv_float(\"%s\") took text mlq's CSV reader refuses\n", s);
    }
}

/* Every field of a CSV file that strtod reads whole (the header's names and
 * class labels are skipped). */
static void check_file(const char *path)
{
    char line[4096];
    FILE *f = fopen(path, "r");

    if (f == NULL) {
        failures++;
        printf("FAIL cannot open %s\n", path);
        return;
    }
    while (fgets(line, sizeof line, f) != NULL) {
        char *cell = strtok(line, ",\r\n");

        for (; cell != NULL; cell = strtok(NULL, ",\r\n")) {
            char *end;

            (void)strtod(cell, &end);
            if (end != cell && *end == '\0' && strlen(cell) <= CSV_ROW_FIELD_MAX)
                check_number(cell);
        }
    }
    fclose(f);
}

/* A random decimal: 1 to 20 digits, a point anywhere or none, an exponent
 * or none, a sign or none. */
static void check_random(void)
{
    char s[64];
    int k = 0, n = 1 + (int)rnd(20), point = (int)rnd((unsigned)n + 2u) - 1, j;

    if (rnd(3) == 0)
        s[k++] = rnd(2) ? '-' : '+';
    for (j = 0; j < n; j++) {
        if (j == point)
            s[k++] = '.';
        s[k++] = (char)('0' + rnd(10));
    }
    if (point == n)
        s[k++] = '.';
    if (rnd(2) == 0)
        k += sprintf(s + k, "e%d", (int)rnd(100) - 55);
    s[k] = '\0';
    check_number(s);
}

/* A short decimal, the reader's fast path and just beyond it: n below
 * 2^24 (or a little above), 0 to 10 digits after the point (the point
 * written as an exponent in one case of four), or an integer times 10^e. */
static void check_short(void)
{
    char s[64];
    unsigned long n = 1ul + rnd(1u << 24) + (rnd(8) == 0 ? rnd(64) : 0u);
    int k = (int)rnd(11), len;

    if (rnd(5) == 0) {
        sprintf(s, "%lue%d", n % 100000ul, (int)rnd(8));
    } else if (rnd(4) == 0) {
        sprintf(s, "%lue-%d", n, k);
    } else {
        len = sprintf(s, "%0*lu", k + 1, n); /* at least one digit before the point */
        memmove(s + len - k + 1, s + len - k, (size_t)k + 1);
        s[len - k] = '.';
    }
    check_number(s);
}

/* The exact decimal of the midpoint between a random float and the next,
 * and the numbers a unit of the 40th digit above and below it. */
static void check_midpoint(void)
{
    char s[80], t[80];
    unsigned u = 0x3F800000u + rnd(0x46000000u - 0x3F800000u); /* [1, 8192) */
    float f, g;
    double mid;
    size_t len;

    memcpy(&f, &u, sizeof f);
    g = nextafterf(f, INFINITY);
    mid = ((double)f + (double)g) / 2.0; /* exact: 25 bits */
    sprintf(s, "%.40f", mid);
    len = strlen(s);
    while (len > 0 && s[len - 1] == '0')
        s[--len] = '\0';
    if (len > CSV_ROW_FIELD_MAX - 2)
        return;
    check_number(s);
    strcpy(t, s); /* just above: strtod rounds it to mid, then ties go to even */
    while (strlen(t) < CSV_ROW_FIELD_MAX - 1)
        strcat(t, "0");
    strcat(t, "1");
    check_number(t);
    if (s[len - 1] > '0') { /* just below */
        strcpy(t, s);
        t[len - 1] = (char)(t[len - 1] - 1);
        while (strlen(t) < CSV_ROW_FIELD_MAX)
            strcat(t, "9");
        check_number(t);
    }
}

static void check_rows(void)
{
    static const struct {
        const char *text;
        int event;     /* what the line's '\n' gives */
        float x0, x2;  /* x[0], x[2] when it is CSV_ROW_DONE */
    } cases[] = {
        {"1,2,3", CSV_ROW_DONE, 1.0f, 3.0f},
        {" 5.1 ,\"3.5\",\t1.4\r", CSV_ROW_DONE, 5.1f, 1.4f},
        {"-0.25,1e3,+7.5e-1", CSV_ROW_DONE, -0.25f, 0.75f},
        {"", CSV_ROW_EMPTY, 0, 0},
        {"  \r", CSV_ROW_EMPTY, 0, 0},
        {"1,2", CSV_ROW_TOO_FEW, 0, 0},
        {"1,2,3,4", CSV_ROW_TOO_MANY, 0, 0},
        {"1,,3", CSV_ROW_BAD_NUMBER, 0, 0},
        {"1,x,3", CSV_ROW_BAD_NUMBER, 0, 0},
        {"1,2,nan", CSV_ROW_BAD_NUMBER, 0, 0},
        {"1,2,3.00000000000000000000000000000000000000000", CSV_ROW_TOO_LONG, 0, 0},
        {"sepal_length,sepal_width,petal_length", CSV_ROW_BAD_NUMBER, 0, 0},
        {"4,5,6", CSV_ROW_DONE, 4.0f, 6.0f}, /* a good line after bad ones */
    };
    float x[3];
    csv_row r;
    size_t i;

    csv_row_init(&r, x, 3);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *p;
        int ev = CSV_ROW_MORE;

        checks++;
        for (p = cases[i].text; *p != '\0'; p++) {
            if (csv_row_feed(&r, *p) != CSV_ROW_MORE) {
                ev = 99;
                break;
            }
        }
        if (ev == CSV_ROW_MORE)
            ev = (int)csv_row_feed(&r, '\n');
        if (ev != cases[i].event ||
            (ev == CSV_ROW_DONE && (x[0] != cases[i].x0 || x[2] != cases[i].x2))) {
            failures++;
            printf("FAIL row \"%s\": event %d, expected %d\n", cases[i].text, ev, cases[i].event);
        }
    }
}

int main(int argc, char **argv)
{
    static const char *const numbers[] = {
        "0", "-0", "+0.000", "0e999999", "1", "-1", ".5", "5.", "+.5e+1", "007.50",
        "3.4028234663852886e38", "3.4028235e38", "3.40282356779733661637539395458142568448e38",
        "3.40282356779733661637539395458142568449e38", "3.4028236e38", "1e39", "-1e39", "9.9e38",
        "1.17549435e-38", "1.1754942e-38", "1.4e-45", "1.401298464324817e-45", "7.006492321624085e-46",
        "7.0064923216240862e-46", "7e-46", "1e-45", "2.1e-45", "1e-46", "9.99e-47", "-1e-300",
        "123456789012345678901234567890", "0.000000000000000000000000000000000001",
        "16777216", "16777217", "16777219", "33554435", "16777215", "1677721.5", "0.016777215",
        "1677721e1", "167772e2", "0.000000001", "0.0000000001", "1.000000001", "0.1", "0.2", "0.3",
        "4.9", "2.675",
        "1e22", "1e23", "8.589973e9", "5e-324", "1.00000005960464477539062500000000001",
    };
    static const char *const refused[] = {
        "", " ", ".", "e5", "1e", "1e+", "1.2.3", "nan", "NaN", "inf", "-inf", "infinity",
        "0x10", "1 2", "1,2", "--1", "+-1", "1e5.5", "\"1", "1\"", "\"\"", "1f", "\xd9\xa1",
    };
    size_t i;
    int k;

    for (i = 0; i < sizeof numbers / sizeof numbers[0]; i++)
        check_number(numbers[i]);
    for (i = 0; i < sizeof refused / sizeof refused[0]; i++)
        check_refused(refused[i]);
    for (k = 1; k < argc; k++)
        check_file(argv[k]);
    for (k = 0; k < 200000; k++)
        check_random();
    for (k = 0; k < 200000; k++)
        check_short();
    for (k = 0; k < 20000; k++)
        check_midpoint();
    check_rows();
    printf("csv_row_check: %d checks, %d failed\n", checks, failures);
    return failures != 0;
}
