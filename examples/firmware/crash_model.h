/* SPDX-License-Identifier: MIT */
/*
 * crash_model.h -- a deliberately broken "model" (NAME = crash) for testing
 * that a faulting or hanging firmware ends quickly with a non-zero status.
 *   CRASH_KIND 1: a bad memory access: on Cortex-M a word load through a
 *                 bad, unaligned pointer (a fault on every core: QEMU's
 *                 micro:bit reads unmapped addresses as 0, but ARMv6-M
 *                 always faults on an unaligned word load); on RISC-V a
 *                 load from an unmapped address (virt has nothing at
 *                 0xF0000000); on AVR a store above the end of SRAM
 *   CRASH_KIND 2: an undefined instruction (Cortex-M: udf, a UsageFault
 *                 escalated to HardFault; RISC-V: the all-zero word; AVR:
 *                 opcode 0x0001)
 *   CRASH_KIND 3: endless loop (the runner's timeout must end it)
 *   CRASH_KIND 4: endless recursion with a 64-byte frame (on AVR, avrsim
 *                 stops it when the stack reaches the static data)
 *   CRASH_KIND 5: returns 0, but keeps 3000 bytes of RAM (more than the
 *                 Uno's 2 KiB: the runner refuses it for that board)
 */
#ifndef CRASH_MODEL_H
#define CRASH_MODEL_H

#include <stdint.h>

#ifndef CRASH_KIND
#define CRASH_KIND 1
#endif

#define crash_N_FEATURES 4

#if CRASH_KIND == 4
static int crash_deep(volatile uint8_t *up)
{
    volatile uint8_t frame[64];
    frame[0] = up[0];
    if (frame[0] == 0xFFu) /* never: the first frame holds 0 */
        return 0;
    return crash_deep(frame) + frame[1];
}
#elif CRASH_KIND == 5
static volatile uint8_t crash_ram[3000];
#endif

static inline int crash_predict_q15(const int16_t *x)
{
    (void)x;
#if CRASH_KIND == 1 && defined(__arm__)
    uint32_t v, p = 0xF0000001u;
    /* asm: the compiler would split a known-unaligned load into bytes on M0 */
    __asm__ volatile("ldr %0, [%1]" : "=l"(v) : "l"(p) : "memory");
    return (int)v;
#elif CRASH_KIND == 1 && defined(__AVR__)
    *(volatile uint8_t *)(uintptr_t)0xFFF0u = 1;
    return 0;
#elif CRASH_KIND == 1
    return (int)*(volatile uint32_t *)(uintptr_t)0xF0000000u;
#elif CRASH_KIND == 2 && defined(__arm__)
    __asm__ volatile(".short 0xde00"); /* udf #0 */
    return 0;
#elif CRASH_KIND == 2 && defined(__AVR__)
    __asm__ volatile(".word 0x0001");
    return 0;
#elif CRASH_KIND == 2
    __asm__ volatile(".word 0");
    return 0;
#elif CRASH_KIND == 3
    static volatile int spin = 1;
    while (spin) {
    }
    return 0;
#elif CRASH_KIND == 4
    {
        volatile uint8_t top = 0;
        return crash_deep(&top);
    }
#else
    return crash_ram[0];
#endif
}

static inline int crash_predict(const float *x)
{
    (void)x;
    return crash_predict_q15((const int16_t *)0);
}

/* The raw int16 entry of exported headers; here the same as the Q15 one. */
static inline int crash_predict_i16(const int16_t *x)
{
    return crash_predict_q15(x);
}

#endif /* CRASH_MODEL_H */
