/* SPDX-License-Identifier: MIT */
/*
 * rows.c -- host helper that writes the rows files read by the firmware
 * (format in rowsfile.h). Run through `examples/firmware/run rows ...`.
 *
 *   rows csv DATA.csv --out ROWS.bin [--features N] [--label COL | --target COL] [--i16]
 *       features = every column but the label column (--label COL, else a
 *       column named "label"; --target COL: a regression target, numbers), read by mlq's CSV reader; each double is
 *       rounded to float32 exactly as `mlq predict --device` rounds it; with
 *       --i16, raw int16 rows for NAME_predict_i16 (every value must be an
 *       integer in the int16 range).
 *   rows random --out ROWS.bin --rows N --features F [--seed S] [--range R] [--q15|--special]
 *       uniform float32 in [-R, R] (R = 2), or int16 over the full Q15 range
 *       (including INT16_MIN and INT16_MAX) with --q15; --special mixes in
 *       NaN, infinities, +-1e30, +-FLT_MAX, tiny values and signed zeros.
 *   rows show ROWS.bin
 *       one row per line on stdout (%.9g, or integers for Q15 rows).
 *
 * Output is written to a temporary file and renamed, so a failure never
 * leaves a partial rows file.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "host.h"
#include "rowsfile.h"

static const char *prog = "rows";

static int die(const char *file, long line, const char *what)
{
    if (line > 0)
        fprintf(stderr, "%s: %s:%ld: %s\n", prog, file, line, what);
    else
        fprintf(stderr, "%s: %s: %s\n", prog, file, what);
    return 1;
}

static void put_u32(FILE *f, uint32_t v)
{
    unsigned char b[4];
    b[0] = (unsigned char)(v & 0xFFu);
    b[1] = (unsigned char)(v >> 8 & 0xFFu);
    b[2] = (unsigned char)(v >> 16 & 0xFFu);
    b[3] = (unsigned char)(v >> 24 & 0xFFu);
    fwrite(b, 1, 4, f);
}

static void put_f32(FILE *f, float x)
{
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    put_u32(f, u);
}

static void put_i16(FILE *f, int16_t x)
{
    uint16_t u = (uint16_t)x;
    unsigned char b[2];
    b[0] = (unsigned char)(u & 0xFFu);
    b[1] = (unsigned char)(u >> 8);
    fwrite(b, 1, 2, f);
}

/* Output goes through the project's atomic writer: whole or not at all. */
static mlq_outfile outf;

static FILE *start(const char *out)
{
    mlq_err err;

    if (mlq_out_open(&outf, out, &err) != 0) {
        fprintf(stderr, "%s: %s\n", prog, err.msg);
        return NULL;
    }
    return outf.f;
}

static int finish(FILE *f, const char *out, int ok)
{
    mlq_err err;

    (void)f;
    (void)out;
    if (!ok) {
        mlq_out_abort(&outf);
        return 1;
    }
    if (mlq_out_commit(&outf, &err) != 0) {
        fprintf(stderr, "%s: %s\n", prog, err.msg);
        return 1;
    }
    return 0;
}

/*
 * Feature rows of a CSV, read by the project's CSV reader (so label
 * detection and errors are those of mlq) and rounded from double to float
 * exactly as `mlq predict --device` does.
 */
static int cmd_csv(const char *csv, const char *out, long want, const char *label, int target, int i16)
{
    mlq_dataset d = {0};
    mlq_err err;
    FILE *f;
    size_t i;

    if (mlq_csv_read(csv, label, target ? MLQ_TARGET_IF_PRESENT : MLQ_LABEL_OPTIONAL, NULL, 0, &d, &err) !=
        0) {
        fprintf(stderr, "%s: %s\n", prog, err.msg);
        return 2;
    }
    if (want > 0 && (size_t)want != d.n_features) {
        mlq_dataset_free(&d);
        return die(csv, 1, "feature count differs from --features");
    }
    f = start(out);
    if (f == NULL) {
        mlq_dataset_free(&d);
        return 1;
    }
    if (i16)
        put_u32(f, ROWS_I16_MAGIC);
    put_u32(f, (uint32_t)d.n_rows);
    put_u32(f, (uint32_t)d.n_features);
    for (i = 0; i < d.n_rows * d.n_features; i++) {
        if (!i16) {
            put_f32(f, (float)d.x[i]);
        } else if (d.x[i] >= -32768.0 && d.x[i] <= 32767.0 && d.x[i] == (double)(int16_t)d.x[i]) {
            put_i16(f, (int16_t)d.x[i]);
        } else {
            long line = d.line[i / d.n_features];

            mlq_dataset_free(&d);
            finish(f, out, 0);
            return die(csv, line, "--i16: a value is not an integer in the int16 range");
        }
    }
    mlq_dataset_free(&d);
    return finish(f, out, !ferror(f));
}

/* xorshift64*: deterministic for a seed on every host. */
static uint64_t rng_state;

static uint32_t rng_next(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 2685821657736338717ULL) >> 32);
}

/* Values that stress an input conversion: NaN, infinities, huge, tiny,
 * signed zeros, and the float extremes. */
static float special(uint32_t r)
{
    static const float v[] = {0.0f, -0.0f, 1e30f, -1e30f, 1e-30f, -1e-30f, 3.4028235e38f,
                              -3.4028235e38f, 65504.0f, -65504.0f};
    uint32_t k = r % 12u;

    if (k == 10u)
        return NAN;
    if (k == 11u)
        return (r & 0x100u) ? INFINITY : -INFINITY;
    return v[k];
}

static int cmd_random(const char *out, long n_rows, long n_features, unsigned long seed,
                      double range, int q15, int specials)
{
    FILE *f;
    long i;
    if (n_rows < 0 || n_features <= 0 || n_rows > 100000000L || n_features > 65535L)
        return die(out, 0, "--rows and --features must be given and in range");
    rng_state = (uint64_t)seed * 0x9E3779B97F4A7C15ULL + 1u;
    f = start(out);
    if (f == NULL)
        return die(out, 0, "cannot create");
    if (q15)
        put_u32(f, ROWS_Q15_MAGIC);
    put_u32(f, (uint32_t)n_rows);
    put_u32(f, (uint32_t)n_features);
    for (i = 0; i < n_rows * n_features; i++) {
        uint32_t r = rng_next();
        if (q15) {
            /* Every 16th value is an extreme, so both ends are exercised. */
            int16_t v = (int16_t)(uint16_t)(r & 0xFFFFu);
            if ((r >> 16 & 0xFu) == 0u)
                v = (r >> 20 & 1u) ? INT16_MAX : INT16_MIN;
            put_i16(f, v);
        } else {
            double u = (double)(r >> 8) / 16777216.0; /* [0, 1) */

            /* --special: one value in 8 is a special one (NaN: one in 96). */
            if (specials && (r & 7u) == 0u)
                put_f32(f, special(rng_next()));
            else
                put_f32(f, (float)((2.0 * u - 1.0) * range));
        }
    }
    return finish(f, out, !ferror(f));
}

static int cmd_show(const char *path)
{
    rows_header h;
    uint32_t i, j;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return die(path, 0, strerror(errno));
    if (rows_read_header(f, &h) != 0) {
        fclose(f);
        return die(path, 0, "truncated header");
    }
    for (i = 0; i < h.n_rows; i++) {
        for (j = 0; j < h.n_features; j++) {
            uint32_t w;
            if (h.q15 || h.i16) {
                unsigned char b[2];
                if (fread(b, 1, 2, f) != 2)
                    break;
                printf("%s%d", j ? "," : "", (int)(int16_t)(uint16_t)(b[0] | b[1] << 8));
            } else {
                float v;
                if (rows_read_u32(f, &w) != 0)
                    break;
                memcpy(&v, &w, sizeof v);
                printf("%s%.9g", j ? "," : "", (double)v);
            }
        }
        if (j != h.n_features) {
            fclose(f);
            return die(path, 0, "truncated rows");
        }
        putchar('\n');
    }
    fclose(f);
    return 0;
}

static int usage(void)
{
    fprintf(stderr,
            "usage: %s csv DATA.csv --out ROWS.bin [--features N] [--label COL | --target COL] [--i16]\n"
            "       %s random --out ROWS.bin --rows N --features F [--seed S] [--range R] [--q15|--special]\n"
            "       %s show ROWS.bin\n",
            prog, prog, prog);
    return 2;
}

int main(int argc, char **argv)
{
    const char *out = NULL, *label = NULL, *cmd, *arg = NULL;
    long n_rows = -1, n_features = -1;
    unsigned long seed = 1;
    double range = 2.0;
    int q15 = 0, specials = 0, i16 = 0, target = 0, i;

    if (argc < 2)
        return usage();
    cmd = argv[1];
    for (i = 2; i < argc; i++) {
        const char *a = argv[i];
        int has = i + 1 < argc;
        if (strcmp(a, "--out") == 0 && has)
            out = argv[++i];
        else if (strcmp(a, "--label") == 0 && has)
            label = argv[++i];
        else if (strcmp(a, "--target") == 0 && has && ++target)
            label = argv[++i];
        else if (strcmp(a, "--rows") == 0 && has)
            n_rows = strtol(argv[++i], NULL, 10);
        else if (strcmp(a, "--features") == 0 && has)
            n_features = strtol(argv[++i], NULL, 10);
        else if (strcmp(a, "--seed") == 0 && has)
            seed = strtoul(argv[++i], NULL, 10);
        else if (strcmp(a, "--range") == 0 && has)
            range = strtod(argv[++i], NULL);
        else if (strcmp(a, "--q15") == 0)
            q15 = 1;
        else if (strcmp(a, "--special") == 0)
            specials = 1;
        else if (strcmp(a, "--i16") == 0)
            i16 = 1;
        else if (a[0] != '-' && arg == NULL)
            arg = a;
        else
            return usage();
    }
    if (strcmp(cmd, "csv") == 0 && arg != NULL && out != NULL)
        return cmd_csv(arg, out, n_features, label, target, i16);
    if (strcmp(cmd, "random") == 0 && arg == NULL && out != NULL)
        return cmd_random(out, n_rows, n_features, seed, range, q15, specials);
    if (strcmp(cmd, "show") == 0 && arg != NULL)
        return cmd_show(arg);
    return usage();
}
