/* SPDX-License-Identifier: MIT */
/*
 * bench.c -- firmware that measures one model: instructions (or, on AVR,
 * cycles) per inference and stack bytes per predict call (stack
 * painting). Built twice by ./run: with the model, and with -DMLQ_NO_MODEL,
 * so that flash and RAM of the model are the size difference of the two
 * ELF files.
 *
 *   qemu-system-arm -M mps2-an386 -icount shift=0 -nographic \
 *       -semihosting-config enable=on,target=native,arg=bench,arg=ROWS -kernel bench.elf
 *
 * ROWS is a rows file (rowsfile.h); up to MLQ_BENCH_MAX_ROWS rows are read
 * into RAM before anything is timed. Float rows time NAME_predict, Q15 rows
 * NAME_predict_q15, raw int16 rows NAME_predict_i16 (one per build, see
 * MLQ_BENCH_Q15 below); -DMLQ_BENCH_SCORES or -DMLQ_BENCH_PROBA times
 * NAME_scores or NAME_proba instead. Output: one line
 *
 *   mlq-bench rows=R reps=N calls=C systick_hz=F model_ticks=T empty_ticks=E
 *             insn_per_inference=X.Y empty_insn_per_call=X.Y stack_bytes=S
 *             stack_overflow=0|1
 *
 * (on RISC-V counter=instret in place of systick_hz=F; on AVR
 * counter=cycles, and cycles_per_inference, empty_cycles_per_call).
 *
 * How the count works (board.h gives the counter of each board): the same
 * loop (same code, a function pointer) is timed calling the model and
 * calling an empty function of the same signature; (T - E) / C ticks, in
 * the board's units, is the model's cost per call beyond the empty function
 * (which is return 0). On Cortex-M, QEMU runs with -icount shift=0: its
 * virtual clock advances 1 ns per executed instruction, so a SysTick clocked
 * at F Hz counts one tick per 1e9/F instructions. On RISC-V the instret
 * counter counts executed instructions one by one. These are executed
 * instructions, not cycles: QEMU does not model pipelines, wait states or
 * multi-cycle instructions. On AVR, simavr's cycle counter counts the
 * AVR's own clock cycles exactly (avr/avrsim.c).
 *
 * Macros (defaults): MLQ_SYSTICK_HZ (required on Cortex-M; the SysTick
 * clock QEMU uses), MLQ_BENCH_MAX_ROWS (8), MLQ_BENCH_MAX_VALUES (512
 * values of row storage; 128 on the ATmega328P), MLQ_BENCH_MIN_TICKS
 * (Cortex-M: 250000, the model loop runs at least this long, so the
 * one-tick resolution is negligible; 1 where the counter is exact),
 * MLQ_BENCH_PAINT_MAX (32768 bytes of stack painted below the call site at
 * most).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "board.h"
#include "model.h"
#include "rowsfile.h"

#if defined(BOARD_ARM) && !defined(MLQ_SYSTICK_HZ)
#error "define MLQ_SYSTICK_HZ to the SysTick clock of the emulated board"
#endif
#ifndef MLQ_BENCH_MAX_ROWS
#define MLQ_BENCH_MAX_ROWS 8u
#endif
#ifndef MLQ_BENCH_MAX_VALUES
#define MLQ_BENCH_MAX_VALUES 512u
#endif
#ifndef MLQ_BENCH_PAINT_MAX
#define MLQ_BENCH_PAINT_MAX 32768u
#endif
#define BENCH_MAX_REPS 1000000u
#define BENCH_PATTERN 0xC5AC5AC5u

/* Row storage; the same size in both builds so that RAM differences are the
 * model's own. */
static union {
    float f32[MLQ_BENCH_MAX_VALUES];
    int16_t q15[MLQ_BENCH_MAX_VALUES];
} rows;

typedef int (*bench_fn)(const void *x);

/* The result of every timed call goes here, so no call can be dropped. */
static volatile int bench_sink;

/* BOARD_NOIPA: the compiler must not look into these functions from their call
 * sites (no constant propagation of the function pointer, no hoisting of a
 * "pure" call out of the repetition loop), so each timed call really runs. */
BOARD_NOIPA static int predict_empty(const void *x)
{
    (void)x;
    return 0;
}

/*
 * The one entry point this build times, so that the flash difference holds
 * only that entry's code: MLQ_BENCH_Q15 (NAME_predict_q15, Q15 rows),
 * MLQ_BENCH_I16 (NAME_predict_i16, raw int16 rows), else NAME_predict
 * (float rows). ./run picks it from the rows file.
 */
#if defined(MLQ_BENCH_Q15)
#define BENCH_ROWS_OK(h) ((h).q15)
#elif defined(MLQ_BENCH_I16)
#define BENCH_ROWS_OK(h) ((h).i16)
#else
#define BENCH_ROWS_OK(h) (!(h).q15 && !(h).i16)
#endif

#ifdef MLQ_NO_MODEL
/* Baseline build: identical code, the model is never referenced. */
#define predict_model predict_empty
#else
/*
 * The entry timed: NAME_predict (a regression model's writes its target
 * into a static int32_t), or with MLQ_BENCH_SCORES NAME_scores and
 * with MLQ_BENCH_PROBA NAME_proba (their outputs into a static array), on
 * the input form chosen above.
 */
#if defined(MLQ_BENCH_SCORES)
static int32_t bench_out[MODEL_N_OUTPUTS];
#define BENCH_CALL(kind, x) MODEL_SCORES##kind(x, bench_out)
#elif defined(MLQ_BENCH_PROBA)
static uint16_t bench_out[MODEL_N_OUTPUTS];
#define BENCH_CALL(kind, x) MODEL_PROBA##kind(x, bench_out)
#elif defined(MLQ_MODEL_REGRESSION)
static int32_t bench_out[1];
#define BENCH_CALL(kind, x) MODEL_PREDICT##kind(x, bench_out)
#else
#define BENCH_CALL(kind, x) MODEL_PREDICT##kind(x)
#endif
BOARD_NOIPA static int predict_model(const void *x)
{
#if defined(MLQ_BENCH_Q15)
    return BENCH_CALL(_Q15, (const int16_t *)x);
#elif defined(MLQ_BENCH_I16)
    return BENCH_CALL(_I16, (const int16_t *)x);
#else
    return BENCH_CALL(, (const float *)x);
#endif
}
#endif

BOARD_NOIPA static uint64_t time_loop(bench_fn fn, const char *x0, size_t row_bytes,
                                      uint32_t n_rows, uint32_t reps)
{
    uint64_t t0 = board_counter_now();
    uint32_t r, i;
    for (r = 0; r < reps; r++) {
        const char *x = x0;
        for (i = 0; i < n_rows; i++, x += row_bytes)
            bench_sink = fn(x);
    }
    return board_counter_now() - t0;
}

/* Stack bytes used by one call fn(x), counted down from the stack pointer
 * at the call site; *overflow is set when the whole painted span was used
 * (the true figure is then larger). The counter must be stopped: an
 * exception frame would be counted too. */
BOARD_NOIPA static uint32_t stack_used(bench_fn fn, const void *x, int *overflow)
{
    uintptr_t bottom = board_stack_floor();
    uintptr_t hi = board_sp();
    uint32_t *top = (uint32_t *)hi, *lo, *p;
    uint32_t used;

#if defined(BOARD_AVR)
    /* A byte-aligned stack pointer and 16-bit addresses: whole words down
     * from it, as many as fit above the static data. */
    lo = (uint32_t *)(hi - ((hi - bottom < MLQ_BENCH_PAINT_MAX ? hi - bottom : MLQ_BENCH_PAINT_MAX) &
                            ~(uintptr_t)3u));
#else
    lo = (uint32_t *)((hi - MLQ_BENCH_PAINT_MAX > bottom ? hi - MLQ_BENCH_PAINT_MAX : bottom + 3u) &
                      ~(uintptr_t)3u);
#endif
    bench_paint(lo, top, BENCH_PATTERN);
    bench_sink = fn(x);
    for (p = lo; p < top && *p == BENCH_PATTERN; p++) {
    }
    *overflow = (p == lo);
    used = (uint32_t)(hi - (uintptr_t)p);
#if defined(BOARD_AVR)
    /* The AVR pushes bytes: the untouched bytes of the first word touched
     * (the pattern's bytes in memory order) are not counted. */
    {
        const uint8_t *b = (const uint8_t *)p;
        uint8_t k;
        for (k = 0; k < 4u && used > 0u && b[k] == (uint8_t)(BENCH_PATTERN >> (8u * k)); k++)
            used--;
    }
#endif
    return used;
}

/* ticks * BOARD_TICK_NUM * 10 / div, rounded, as "int.d" (tenths of an
 * instruction or cycle). */
static void print_tenths(const char *key, int64_t ticks, uint64_t div)
{
    int64_t num = ticks * ((int64_t)BOARD_TICK_NUM * 10);
    int64_t q = (num + (num >= 0 ? 1 : -1) * (int64_t)(div / 2u)) / (int64_t)div;
    BOARD_PRINTF(" %s=%s%ld.%ld", key, q < 0 ? "-" : "", (long)((q < 0 ? -q : q) / 10),
                 (long)((q < 0 ? -q : q) % 10));
}

/* The rows file (a macro: each use reads the command line). */
#define ROWS_PATH BOARD_ROWS_PATH(argc, argv)

int main(int argc, char **argv)
{
    rows_header h;
    FILE *f;
    uint32_t n_rows, reps, i, stack_max = 0;
    size_t row_bytes, elem;
    uint64_t t_model, t_empty;
    int overflow_any = 0;
    bench_fn model;

    if (!BOARD_ARGS_OK(argc, argv)) {
        BOARD_EPRINTF("bench: usage: %s ROWS.bin\n", argc > 0 ? argv[0] : "bench");
        return 2;
    }
    f = board_rows_open(ROWS_PATH);
    if (f == NULL) {
        BOARD_EPRINTF("bench: %s: cannot open\n", ROWS_PATH);
        return 2;
    }
    if (rows_read_header(f, &h) != 0 || h.n_rows == 0 || h.n_features == 0) {
        board_rows_close(f);
        BOARD_EPRINTF("bench: %s: bad header or no rows\n", ROWS_PATH);
        return 2;
    }
#ifndef MLQ_NO_MODEL
    if (!BENCH_ROWS_OK(h)) {
        board_rows_close(f);
        BOARD_EPRINTF("bench: %s: the rows are not of the kind this build times\n", ROWS_PATH);
        return 2;
    }
#endif
#ifndef MLQ_NO_MODEL
    if (h.n_features != (uint32_t)MODEL_N_FEATURES) {
        board_rows_close(f);
        BOARD_EPRINTF("bench: %s: %lu features per row, the model wants %lu\n", ROWS_PATH,
                      (unsigned long)h.n_features, (unsigned long)MODEL_N_FEATURES);
        return 2;
    }
#endif
    if (h.n_features > MLQ_BENCH_MAX_VALUES) {
        board_rows_close(f);
        BOARD_EPRINTF("bench: %s: %lu features do not fit MLQ_BENCH_MAX_VALUES=%u\n", ROWS_PATH,
                      (unsigned long)h.n_features, (unsigned)MLQ_BENCH_MAX_VALUES);
        return 2;
    }
    /* The model build knows n_features from the check above; where the
     * flash difference is large next to the model (AVR), that knowledge is
     * hidden, so that both builds run the same code from here on. */
    BOARD_OPAQUE(h.n_features);
    BOARD_OPAQUE(h.q15);
    BOARD_OPAQUE(h.i16);
    n_rows = h.n_rows;
    if (n_rows > MLQ_BENCH_MAX_ROWS)
        n_rows = MLQ_BENCH_MAX_ROWS;
    if (n_rows > MLQ_BENCH_MAX_VALUES / h.n_features)
        n_rows = MLQ_BENCH_MAX_VALUES / h.n_features;
    elem = h.q15 || h.i16 ? sizeof rows.q15[0] : sizeof rows.f32[0];
    /* Both are at most MLQ_BENCH_MAX_VALUES here (size_t has 16 bits on AVR). */
    row_bytes = elem * (size_t)h.n_features;
    if (fread(h.q15 || h.i16 ? (void *)rows.q15 : (void *)rows.f32, row_bytes, (size_t)n_rows, f) !=
        (size_t)n_rows) {
        board_rows_close(f);
        BOARD_EPRINTF("bench: %s: file ends before row %lu\n", ROWS_PATH, (unsigned long)n_rows);
        return 2;
    }
    board_rows_close(f);
    model = predict_model;

    /* Stack first, with the counter still off. */
    for (i = 0; i < n_rows; i++) {
        int overflow;
        uint32_t s = stack_used(model, (const char *)rows.f32 + i * row_bytes, &overflow);
        if (s > stack_max)
            stack_max = s;
        overflow_any |= overflow;
    }

    board_counter_start();
    t_model = time_loop(model, (const char *)rows.f32, row_bytes, n_rows, 1);
    reps = (uint32_t)(MLQ_BENCH_MIN_TICKS / (t_model + 1u)) + 1u;
    if (reps > BENCH_MAX_REPS)
        reps = BENCH_MAX_REPS;
    t_model = time_loop(model, (const char *)rows.f32, row_bytes, n_rows, reps);
    t_empty = time_loop(predict_empty, (const char *)rows.f32, row_bytes, n_rows, reps);
    board_counter_stop();

#if defined(BOARD_ARM)
    BOARD_PRINTF("mlq-bench rows=%lu reps=%lu calls=%lu systick_hz=%lu model_ticks=%lu empty_ticks=%lu",
                 (unsigned long)n_rows, (unsigned long)reps, (unsigned long)(n_rows * reps),
                 (unsigned long)MLQ_SYSTICK_HZ, (unsigned long)t_model, (unsigned long)t_empty);
#else
    BOARD_PRINTF("mlq-bench rows=%lu reps=%lu calls=%lu counter=%s model_ticks=%lu empty_ticks=%lu",
                 (unsigned long)n_rows, (unsigned long)reps, (unsigned long)(n_rows * reps),
                 BOARD_COUNTER_NAME, (unsigned long)t_model, (unsigned long)t_empty);
#endif
    print_tenths(BOARD_UNIT "_per_inference", (int64_t)t_model - (int64_t)t_empty,
                 (uint64_t)BOARD_TICK_DEN * n_rows * reps);
    print_tenths("empty_" BOARD_UNIT "_per_call", (int64_t)t_empty,
                 (uint64_t)BOARD_TICK_DEN * n_rows * reps);
    BOARD_PRINTF(" stack_bytes=%lu stack_overflow=%d\n", (unsigned long)stack_max, overflow_any);
    return fflush(stdout) == 0 ? 0 : 2;
}
