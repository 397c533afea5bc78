/* SPDX-License-Identifier: MIT */
/*
 * bench.c -- firmware that measures one model: instructions per inference
 * (SysTick under QEMU -icount shift=0) and stack bytes per predict call
 * (stack painting). Built twice by ./run: with the model, and with
 * -DMLQ_NO_MODEL, so that flash and RAM of the model are the size
 * difference of the two ELF files.
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
 * How the count works: with -icount shift=0 the virtual clock advances 1 ns
 * per executed instruction, so a SysTick clocked at F Hz counts one tick per
 * 1e9/F instructions. The same loop (same code, a function pointer) is timed
 * calling the model and calling an empty function of the same signature;
 * (T - E) * 1e9 / F / C is the model's instructions per call beyond the
 * empty function (which is two instructions: return 0). These are executed
 * instructions, not cycles: QEMU does not model pipelines, wait states or
 * multi-cycle instructions.
 *
 * Macros (defaults): MLQ_SYSTICK_HZ (required; the SysTick clock QEMU uses),
 * MLQ_BENCH_MAX_ROWS (8), MLQ_BENCH_MAX_VALUES (512 values of row storage),
 * MLQ_BENCH_MIN_TICKS (250000: the model loop runs at least this long, so the
 * one-tick resolution is negligible), MLQ_BENCH_PAINT_MAX (32768 bytes of
 * stack painted below the call site at most).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "board.h"
#include "model.h"
#include "rowsfile.h"

#ifndef MLQ_SYSTICK_HZ
#error "define MLQ_SYSTICK_HZ to the SysTick clock of the emulated board"
#endif
#ifndef MLQ_BENCH_MAX_ROWS
#define MLQ_BENCH_MAX_ROWS 8u
#endif
#ifndef MLQ_BENCH_MAX_VALUES
#define MLQ_BENCH_MAX_VALUES 512u
#endif
#ifndef MLQ_BENCH_MIN_TICKS
#define MLQ_BENCH_MIN_TICKS 250000u
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

/* newlib's heap break (declared by <unistd.h> only outside strict C99). */
void *sbrk(ptrdiff_t incr);

/* The result of every timed call goes here, so no call can be dropped. */
static volatile int bench_sink;

/* noipa: the compiler must not look into these functions from their call
 * sites (no constant propagation of the function pointer, no hoisting of a
 * "pure" call out of the repetition loop), so each timed call really runs. */
__attribute__((noipa)) static int predict_empty(const void *x)
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
 * The entry timed: NAME_predict, or with MLQ_BENCH_SCORES NAME_scores and
 * with MLQ_BENCH_PROBA NAME_proba (their outputs into a static array), on
 * the input form chosen above.
 */
#if defined(MLQ_BENCH_SCORES)
static int32_t bench_out[MODEL_N_OUTPUTS];
#define BENCH_CALL(kind, x) MODEL_SCORES##kind(x, bench_out)
#elif defined(MLQ_BENCH_PROBA)
static uint16_t bench_out[MODEL_N_OUTPUTS];
#define BENCH_CALL(kind, x) MODEL_PROBA##kind(x, bench_out)
#else
#define BENCH_CALL(kind, x) MODEL_PREDICT##kind(x)
#endif
__attribute__((noipa)) static int predict_model(const void *x)
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

/* Ticks since SysTick was started: wrap count from the interrupt plus the
 * down-counter; re-read when an interrupt slipped in between. */
static uint64_t ticks_now(void)
{
    uint32_t w, v;
    do {
        w = board_systick_wraps;
        v = BOARD_SYST_CVR;
    } while (w != board_systick_wraps);
    return (uint64_t)w * (BOARD_SYST_RELOAD + 1u) + (BOARD_SYST_RELOAD - v);
}

static void systick_start(void)
{
    BOARD_SYST_CSR = 0;
    board_systick_wraps = 0;
    BOARD_SYST_RVR = BOARD_SYST_RELOAD;
    BOARD_SYST_CVR = 0;
    BOARD_SYST_CSR = BOARD_SYST_CSR_ENABLE | BOARD_SYST_CSR_TICKINT | BOARD_SYST_CSR_CLKSOURCE;
    /* The counter holds 0 until its first tick loads the reload value; wait
     * for that so that every later reading is on the same scale. */
    while (BOARD_SYST_CVR == 0u) {
    }
}

__attribute__((noipa)) static uint64_t time_loop(bench_fn fn, const char *x0, size_t row_bytes,
                                                 uint32_t n_rows, uint32_t reps)
{
    uint64_t t0 = ticks_now();
    uint32_t r, i;
    for (r = 0; r < reps; r++) {
        const char *x = x0;
        for (i = 0; i < n_rows; i++, x += row_bytes)
            bench_sink = fn(x);
    }
    return ticks_now() - t0;
}

/* bench_paint(lo, hi, pattern) fills the words [lo, hi) and touches no
 * stack itself, so it may paint the free stack right below its caller. */
void bench_paint(uint32_t *lo, uint32_t *hi, uint32_t pattern);
__asm__(".syntax unified\n"
        ".text\n"
        ".thumb\n"
        ".balign 2\n"
        ".global bench_paint\n"
        ".type bench_paint, %function\n"
        ".thumb_func\n"
        "bench_paint:\n"
        "1:  cmp r0, r1\n"
        "    bhs 2f\n"
        "    str r2, [r0]\n"
        "    adds r0, r0, #4\n"
        "    b 1b\n"
        "2:  bx lr\n"
        ".size bench_paint, . - bench_paint\n");

/* Stack bytes used by one call fn(x), counted down from the stack pointer
 * at the call site; *overflow is set when the whole painted span was used
 * (the true figure is then larger). SysTick must be stopped: an exception
 * frame would be counted too. */
__attribute__((noipa)) static uint32_t stack_used(bench_fn fn, const void *x, int *overflow)
{
    uint32_t *sp, *lo, *p;
    uintptr_t heap_end = (uintptr_t)sbrk(0) + 64u;

    __asm__ volatile("mov %0, sp" : "=r"(sp));
    lo = (uint32_t *)(((uintptr_t)sp - MLQ_BENCH_PAINT_MAX > heap_end
                           ? (uintptr_t)sp - MLQ_BENCH_PAINT_MAX
                           : heap_end + 3u) & ~(uintptr_t)3u);
    bench_paint(lo, sp, BENCH_PATTERN);
    bench_sink = fn(x);
    for (p = lo; p < sp && *p == BENCH_PATTERN; p++) {
    }
    *overflow = (p == lo);
    return (uint32_t)((uintptr_t)sp - (uintptr_t)p);
}

/* value * 10^10 / div, rounded, as "int.d" (tenths of an instruction). */
static void print_tenths(const char *key, int64_t ticks, uint64_t div)
{
    int64_t num = ticks * 10000000000LL;
    int64_t q = (num + (num >= 0 ? 1 : -1) * (int64_t)(div / 2u)) / (int64_t)div;
    printf(" %s=%s%ld.%ld", key, q < 0 ? "-" : "", (long)((q < 0 ? -q : q) / 10),
           (long)((q < 0 ? -q : q) % 10));
}

int main(int argc, char **argv)
{
    rows_header h;
    FILE *f;
    uint32_t n_rows, reps, i, stack_max = 0;
    size_t row_bytes, elem;
    uint64_t t_model, t_empty;
    int overflow_any = 0;
    bench_fn model;

    if (argc != 2) {
        fprintf(stderr, "bench: usage: %s ROWS.bin\n", argc > 0 ? argv[0] : "bench");
        return 2;
    }
    f = fopen(argv[1], "rb");
    if (f == NULL) {
        fprintf(stderr, "bench: %s: cannot open\n", argv[1]);
        return 2;
    }
    if (rows_read_header(f, &h) != 0 || h.n_rows == 0 || h.n_features == 0) {
        fclose(f);
        fprintf(stderr, "bench: %s: bad header or no rows\n", argv[1]);
        return 2;
    }
#ifndef MLQ_NO_MODEL
    if (!BENCH_ROWS_OK(h)) {
        fclose(f);
        fprintf(stderr, "bench: %s: the rows are not of the kind this build times\n", argv[1]);
        return 2;
    }
#endif
#ifndef MLQ_NO_MODEL
    if (h.n_features != (uint32_t)MODEL_N_FEATURES) {
        fclose(f);
        fprintf(stderr, "bench: %s: %lu features per row, the model wants %lu\n", argv[1],
                (unsigned long)h.n_features, (unsigned long)MODEL_N_FEATURES);
        return 2;
    }
#endif
    if (h.n_features > MLQ_BENCH_MAX_VALUES) {
        fclose(f);
        fprintf(stderr, "bench: %s: %lu features do not fit MLQ_BENCH_MAX_VALUES=%u\n", argv[1],
                (unsigned long)h.n_features, (unsigned)MLQ_BENCH_MAX_VALUES);
        return 2;
    }
    n_rows = h.n_rows;
    if (n_rows > MLQ_BENCH_MAX_ROWS)
        n_rows = MLQ_BENCH_MAX_ROWS;
    if (n_rows > MLQ_BENCH_MAX_VALUES / h.n_features)
        n_rows = MLQ_BENCH_MAX_VALUES / h.n_features;
    elem = h.q15 || h.i16 ? sizeof rows.q15[0] : sizeof rows.f32[0];
    row_bytes = elem * h.n_features;
    if (fread(h.q15 || h.i16 ? (void *)rows.q15 : (void *)rows.f32, row_bytes, n_rows, f) != n_rows) {
        fclose(f);
        fprintf(stderr, "bench: %s: file ends before row %lu\n", argv[1], (unsigned long)n_rows);
        return 2;
    }
    fclose(f);
    model = predict_model;

    /* Stack first, with SysTick still off. */
    for (i = 0; i < n_rows; i++) {
        int overflow;
        uint32_t s = stack_used(model, (const char *)rows.f32 + i * row_bytes, &overflow);
        if (s > stack_max)
            stack_max = s;
        overflow_any |= overflow;
    }

    systick_start();
    t_model = time_loop(model, (const char *)rows.f32, row_bytes, n_rows, 1);
    reps = (uint32_t)(MLQ_BENCH_MIN_TICKS / (t_model + 1u)) + 1u;
    if (reps > BENCH_MAX_REPS)
        reps = BENCH_MAX_REPS;
    t_model = time_loop(model, (const char *)rows.f32, row_bytes, n_rows, reps);
    t_empty = time_loop(predict_empty, (const char *)rows.f32, row_bytes, n_rows, reps);
    BOARD_SYST_CSR = 0;

    printf("mlq-bench rows=%lu reps=%lu calls=%lu systick_hz=%lu model_ticks=%lu empty_ticks=%lu",
           (unsigned long)n_rows, (unsigned long)reps, (unsigned long)(n_rows * reps),
           (unsigned long)MLQ_SYSTICK_HZ, (unsigned long)t_model, (unsigned long)t_empty);
    print_tenths("insn_per_inference", (int64_t)t_model - (int64_t)t_empty,
                 (uint64_t)MLQ_SYSTICK_HZ * n_rows * reps);
    print_tenths("empty_insn_per_call", (int64_t)t_empty, (uint64_t)MLQ_SYSTICK_HZ * n_rows * reps);
    printf(" stack_bytes=%lu stack_overflow=%d\n", (unsigned long)stack_max, overflow_any);
    return fflush(stdout) == 0 ? 0 : 2;
}
