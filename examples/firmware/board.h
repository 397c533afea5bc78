/* SPDX-License-Identifier: MIT */
/*
 * board.h -- what predict.c and bench.c need from a board, for each family
 * the runner builds: Cortex-M (startup.c: SysTick and semihosting), RISC-V
 * rv32 (board_rv32.c: instret and semihosting through picolibc), AVR
 * (board_avr.c: a cycle counter and UART0 through avrsim) and the host
 * (predict.c only).
 *
 * Rows:    BOARD_ARGS_OK(argc, argv) whether the command line names a rows
 *          file, BOARD_ROWS_PATH(argc, argv) that file, board_rows_open() /
 *          board_rows_close() (AVR: the rows arrive on UART0, stdin, and the
 *          path is a label); board_stdout_setup() makes stdout
 *          block-buffered where that helps.
 * Counter: board_counter_start(), board_counter_now(), board_counter_stop():
 *          a 64-bit count of BOARD_UNIT ("insn" or "cycles"); one tick is
 *          BOARD_TICK_NUM / BOARD_TICK_DEN units.
 * Stack:   board_sp() the stack pointer, board_stack_floor() the lowest
 *          address that may be painted (above the heap or static data),
 *          bench_paint(lo, hi, pattern) fills [lo, hi) without touching the
 *          stack itself.
 */
#ifndef MLQ_FIRMWARE_BOARD_H
#define MLQ_FIRMWARE_BOARD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#if defined(__AVR__)
#define BOARD_AVR 1
#elif defined(__riscv)
#define BOARD_RV32 1
#elif defined(__arm__) || defined(__thumb__)
#define BOARD_ARM 1
#else
#define BOARD_HOST 1
#endif

/* GCC 8 and later: noipa keeps a function out of every interprocedural
 * optimisation; older compilers (avr-gcc 5) get the two it implies. */
#if defined(__GNUC__) && __GNUC__ >= 8
#define BOARD_NOIPA __attribute__((noipa))
#else
#define BOARD_NOIPA __attribute__((noinline, noclone))
#endif

void bench_paint(uint32_t *lo, uint32_t *hi, uint32_t pattern);

/* ------------------------------------------------------------------ */
#if defined(BOARD_ARM)

#define BOARD_REG(addr) (*(volatile uint32_t *)(uintptr_t)(addr))

/* SysTick (ARMv6-M and ARMv7-M System Control Space). */
#define BOARD_SYST_CSR BOARD_REG(0xE000E010u)
#define BOARD_SYST_RVR BOARD_REG(0xE000E014u)
#define BOARD_SYST_CVR BOARD_REG(0xE000E018u)
#define BOARD_SYST_CSR_ENABLE 0x1u
#define BOARD_SYST_CSR_TICKINT 0x2u
#define BOARD_SYST_CSR_CLKSOURCE 0x4u   /* 1 = processor clock */
#define BOARD_SYST_RELOAD 0x00FFFFFFu   /* 24-bit counter */

/* Incremented by SysTick_Handler (startup.c) each time the counter wraps. */
extern volatile uint32_t board_systick_wraps;

/* Top of RAM, the initial main stack pointer (linker script). */
extern uint32_t __stack_top[];

/* newlib's heap break (declared by <unistd.h> only outside strict C99). */
void *sbrk(ptrdiff_t incr);

/*
 * With -icount shift=0 QEMU's virtual clock advances 1 ns per executed
 * instruction, so a SysTick clocked at MLQ_SYSTICK_HZ counts one tick per
 * 1e9 / MLQ_SYSTICK_HZ instructions.
 */
#define BOARD_UNIT "insn"
#define BOARD_TICK_NUM 1000000000u
#define BOARD_TICK_DEN ((uint64_t)MLQ_SYSTICK_HZ)
#ifndef MLQ_BENCH_MIN_TICKS
#define MLQ_BENCH_MIN_TICKS 250000u
#endif

/* Ticks since SysTick was started: wrap count from the interrupt plus the
 * down-counter; re-read when an interrupt slipped in between. */
static inline uint64_t board_counter_now(void)
{
    uint32_t w, v;
    do {
        w = board_systick_wraps;
        v = BOARD_SYST_CVR;
    } while (w != board_systick_wraps);
    return (uint64_t)w * (BOARD_SYST_RELOAD + 1u) + (BOARD_SYST_RELOAD - v);
}

static inline void board_counter_start(void)
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

/* SysTick must be off while the stack is measured: an exception frame would
 * be counted too. */
static inline void board_counter_stop(void)
{
    BOARD_SYST_CSR = 0;
}

static inline uintptr_t board_sp(void)
{
    uintptr_t sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    return sp;
}

static inline uintptr_t board_stack_floor(void)
{
    return (uintptr_t)sbrk(0) + 64u;
}

/* ------------------------------------------------------------------ */
#elif defined(BOARD_RV32)

void *sbrk(ptrdiff_t incr);

/* instret and instreth (CSRs 0xC02, 0xC82) read with .insn, so that the
 * rv32imac multilib needs no zicsr in -march. QEMU's -icount shift=0
 * makes them count executed instructions. */
#define BOARD_UNIT "insn"
#define BOARD_COUNTER_NAME "instret"
#define BOARD_TICK_NUM 1u
#define BOARD_TICK_DEN 1u
#ifndef MLQ_BENCH_MIN_TICKS
#define MLQ_BENCH_MIN_TICKS 1u  /* exact counts: one pass over the rows is enough */
#endif

static inline uint64_t board_counter_now(void)
{
    uint32_t hi, lo, hi2;
    do {
        __asm__ volatile(".insn i 0x73, 2, %0, x0, -894" : "=r"(hi));  /* instreth */
        __asm__ volatile(".insn i 0x73, 2, %0, x0, -1022" : "=r"(lo)); /* instret */
        __asm__ volatile(".insn i 0x73, 2, %0, x0, -894" : "=r"(hi2));
    } while (hi != hi2);
    return (uint64_t)hi << 32 | lo;
}

static inline void board_counter_start(void)
{
}

static inline void board_counter_stop(void)
{
}

static inline uintptr_t board_sp(void)
{
    uintptr_t sp;
    __asm__ volatile("mv %0, sp" : "=r"(sp));
    return sp;
}

static inline uintptr_t board_stack_floor(void)
{
    return (uintptr_t)sbrk(0) + 64u;
}

/* ------------------------------------------------------------------ */
#elif defined(BOARD_AVR)

#include <avr/io.h>

/* avrsim latches its cycle counter when GPIOR2 is written; eight reads of
 * GPIOR2 then give its bytes, least significant first (avr/avrsim.c). */
#define BOARD_UNIT "cycles"
#define BOARD_COUNTER_NAME "cycles"
#define BOARD_TICK_NUM 1u
#define BOARD_TICK_DEN 1u
#ifndef MLQ_BENCH_MIN_TICKS
#define MLQ_BENCH_MIN_TICKS 1u  /* exact counts: one pass over the rows is enough */
#endif
/* Row storage of bench.c: 512 bytes on the Uno's 2 KiB, 2 KiB elsewhere. */
#if !defined(MLQ_BENCH_MAX_VALUES) && defined(__AVR_ATmega328P__)
#define MLQ_BENCH_MAX_VALUES 128u
#endif

static inline uint64_t board_counter_now(void)
{
    uint8_t b[8];
    uint8_t i;
    uint64_t v = 0;

    GPIOR2 = 1;
    for (i = 0; i < 8u; i++)
        b[i] = GPIOR2;
    for (i = 8; i-- > 0;)
        v = v << 8 | b[i];
    return v;
}

static inline void board_counter_start(void)
{
}

static inline void board_counter_stop(void)
{
}

/* AVR's SP points at the next free byte: the stack in use starts one above. */
static inline uintptr_t board_sp(void)
{
    return (uintptr_t)SP + 1u;
}

/* The end of .data, .bss and .noinit (no heap is used). */
extern char __heap_start;
static inline uintptr_t board_stack_floor(void)
{
    return (uintptr_t)&__heap_start;
}

#endif

/* BOARD_OPAQUE(v): on AVR the compiler forgets what it knew of v's value. */
#if defined(BOARD_AVR)
#define BOARD_OPAQUE(v) __asm__("" : "+r"(v))
#else
#define BOARD_OPAQUE(v) ((void)0)
#endif

/* ------------------------------------------------------------------ */
/* printf and fprintf(stderr) with a literal format; on AVR the format stays
 * in flash (a plain literal is copied to SRAM at start-up). */
#if defined(BOARD_AVR)
#include <avr/pgmspace.h>
#define BOARD_PRINTF(fmt, ...) printf_P(PSTR(fmt), __VA_ARGS__)
#define BOARD_EPRINTF(fmt, ...) fprintf_P(stderr, PSTR(fmt), __VA_ARGS__)
#else
#define BOARD_PRINTF(fmt, ...) printf(fmt, __VA_ARGS__)
#define BOARD_EPRINTF(fmt, ...) fprintf(stderr, fmt, __VA_ARGS__)
#endif

/* ------------------------------------------------------------------ */
/* Rows and stdout. */
#if defined(BOARD_AVR)

#define BOARD_ARGS_OK(argc, argv) ((void)(argc), (void)(argv), 1)
#define BOARD_ROWS_PATH(argc, argv) "uart0"

static inline FILE *board_rows_open(const char *path)
{
    (void)path;
    return stdin;
}

static inline void board_rows_close(FILE *f)
{
    (void)f;
}

static inline void board_stdout_setup(void)
{
}

/* A string in flash (PROGMEM), printed to stdout. */
#define board_fputs_flash(s) fputs_P((s), stdout)

#else

/* QEMU passes the semihosting command line: [ELF, ROWS] through newlib on
 * Cortex-M, [program-name, ELF, ROWS] through picolibc on RISC-V; the
 * host gets [program, ROWS]. The rows file is the last word. */
#if defined(BOARD_RV32)
#define BOARD_ARGS_OK(argc, argv) ((argc) == 3)
#define BOARD_ROWS_PATH(argc, argv) ((argv)[2])
#else
#define BOARD_ARGS_OK(argc, argv) ((argc) == 2)
#define BOARD_ROWS_PATH(argc, argv) ((argv)[1])
#endif

static inline FILE *board_rows_open(const char *path)
{
    return fopen(path, "rb");
}

static inline void board_rows_close(FILE *f)
{
    fclose(f);
}

#if defined(BOARD_RV32)
/* board_rv32.c's stdout is block-buffered already. */
static inline void board_stdout_setup(void)
{
}
#else
/* Semihosting writes are slow; flush stdout in blocks, not per line. */
static inline void board_stdout_setup(void)
{
    static char out_buf[256];
    setvbuf(stdout, out_buf, _IOFBF, sizeof out_buf);
}
#endif

#define board_fputs_flash(s) fputs((s), stdout)

#endif

#endif /* MLQ_FIRMWARE_BOARD_H */
