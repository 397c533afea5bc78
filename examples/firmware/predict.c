/* SPDX-License-Identifier: MIT */
/*
 * predict.c -- firmware that runs one exported model over rows read from a
 * host file and prints one line per row, as `mlq predict` does.
 *
 *   built by ./run with -DMLQ_MODEL=NAME -DMLQ_MODEL_HEADER="H"
 *   qemu-system-arm ... -semihosting-config enable=on,target=native,arg=fw,arg=ROWS
 *
 * ROWS (the last word of the command line) is the host file opened through
 * semihosting, relative to QEMU's working directory; on AVR the rows arrive
 * on UART0 instead (board.h, avr/avrsim.c).
 *
 * Float rows go to NAME_predict, Q15 rows to NAME_predict_q15, raw int16
 * rows to NAME_predict_i16 (see rowsfile.h), and likewise to NAME_scores
 * and NAME_proba. Each line is the prediction (a regression model's
 * integer target with -DMLQ_MODEL_REGRESSION, as `mlq predict --device
 * --fixed` prints it; the class name when the
 * model has classes, -DMLQ_MODEL_HAS_CLASSES, unless -DMLQ_PRINT_IDS, read
 * with MLQ_RD_PTR since on AVR the names are in flash; else the id), then
 * with -DMLQ_PRINT_SCORES the scores and with
 * -DMLQ_PRINT_PROBA the probabilities, as integers: `mlq predict --device`
 * with the same options prints the same line. A model error prints the
 * negative status alone. Exit status 0 on success, 2 on an I/O or format
 * error (with one line on stderr).
 *
 * The same file compiles for the host (./run predict --board host), which
 * gives the reference answers of the same device code.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "board.h"
#include "model.h"
#include "rowsfile.h"

/* Headers of mlq versions whose constants are plain const have no MLQ_RD_PTR. */
#ifndef MLQ_RD_PTR
#define MLQ_RD_PTR(p) (*(p))
#endif

static int fail(const char *path, const char *what)
{
    fflush(stdout);
    BOARD_EPRINTF("predict: %s: %s\n", path, what);
    return 2;
}

/* Print one row's answers; kind 0 float, 1 Q15, 2 raw int16. */
static void answer(const void *x, int kind)
{
#if defined(MLQ_PRINT_SCORES) || defined(MLQ_PRINT_PROBA)
    int j;
#endif
    int y;
#ifdef MLQ_PRINT_SCORES
    int32_t s[MODEL_N_OUTPUTS];
#endif
#ifdef MLQ_PRINT_PROBA
    uint16_t p[MODEL_N_OUTPUTS];
#endif

#ifdef MLQ_MODEL_REGRESSION
    int32_t v;

    y = kind == 0 ? MODEL_PREDICT((const float *)x, &v)
        : kind == 1 ? MODEL_PREDICT_Q15((const int16_t *)x, &v)
                    : MODEL_PREDICT_I16((const int16_t *)x, &v);
#else
    y = kind == 0 ? MODEL_PREDICT((const float *)x)
        : kind == 1 ? MODEL_PREDICT_Q15((const int16_t *)x)
                    : MODEL_PREDICT_I16((const int16_t *)x);
#endif
    if (y < 0) {
        BOARD_PRINTF("%d\n", y);
        return;
    }
#if defined(MLQ_MODEL_REGRESSION)
    BOARD_PRINTF("%ld", (long)v);
#elif defined(MLQ_MODEL_HAS_CLASSES) && !defined(MLQ_PRINT_IDS)
    /* NAME_CLASS_NAMES is an MLQ_FLASH array of MLQ_FLASH strings. */
    board_fputs_flash((const char *)MLQ_RD_PTR(&MODEL_CLASS_NAMES[y]));
#else
    BOARD_PRINTF("%d", y);
#endif
#ifdef MLQ_PRINT_SCORES
    y = kind == 0 ? MODEL_SCORES((const float *)x, s)
        : kind == 1 ? MODEL_SCORES_Q15((const int16_t *)x, s)
                    : MODEL_SCORES_I16((const int16_t *)x, s);
    for (j = 0; j < MODEL_N_OUTPUTS; j++)
        BOARD_PRINTF(" %ld", y < 0 ? (long)y : (long)s[j]);
#endif
#ifdef MLQ_PRINT_PROBA
    y = kind == 0 ? MODEL_PROBA((const float *)x, p)
        : kind == 1 ? MODEL_PROBA_Q15((const int16_t *)x, p)
                    : MODEL_PROBA_I16((const int16_t *)x, p);
    for (j = 0; j < MODEL_N_OUTPUTS; j++)
        BOARD_PRINTF(" %ld", y < 0 ? (long)y : (long)p[j]);
#endif
    putchar('\n');
}

int main(int argc, char **argv)
{
    const char *path;
    rows_header h;
    uint32_t i;
    FILE *f;
    union {
        float f32[MODEL_N_FEATURES];
        int16_t q15[MODEL_N_FEATURES];
    } row;

    if (!BOARD_ARGS_OK(argc, argv)) {
        BOARD_EPRINTF("predict: usage: %s ROWS.bin\n", argc > 0 ? argv[0] : "predict");
        return 2;
    }
    path = BOARD_ROWS_PATH(argc, argv);
    board_stdout_setup();
    f = board_rows_open(path);
    if (f == NULL)
        return fail(path, "cannot open");
    if (rows_read_header(f, &h) != 0) {
        board_rows_close(f);
        return fail(path, "truncated header");
    }
    if (h.n_features != (uint32_t)MODEL_N_FEATURES) {
        board_rows_close(f);
        fflush(stdout);
        BOARD_EPRINTF("predict: %s: %lu features per row, the model wants %lu\n",
                      path, (unsigned long)h.n_features, (unsigned long)MODEL_N_FEATURES);
        return 2;
    }
    for (i = 0; i < h.n_rows; i++) {
        if (h.q15 || h.i16) {
            if (fread(row.q15, sizeof row.q15[0], MODEL_N_FEATURES, f) != (size_t)MODEL_N_FEATURES)
                break;
            answer(row.q15, h.q15 ? 1 : 2);
        } else {
            if (fread(row.f32, sizeof row.f32[0], MODEL_N_FEATURES, f) != (size_t)MODEL_N_FEATURES)
                break;
            answer(row.f32, 0);
        }
    }
    board_rows_close(f);
    if (i != h.n_rows) {
        fflush(stdout);
        BOARD_EPRINTF("predict: %s: file ends at row %lu of %lu\n", path,
                      (unsigned long)i, (unsigned long)h.n_rows);
        return 2;
    }
    if (fflush(stdout) != 0)
        return 2;
    return 0;
}
