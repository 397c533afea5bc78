/* SPDX-License-Identifier: MIT */
/*
 * crash_model.h -- a deliberately broken "model" (NAME = crash) for testing
 * that a faulting or hanging firmware ends quickly with a non-zero status.
 *   CRASH_KIND 1: word load through a bad, unaligned pointer (a fault on
 *                 every core: QEMU's micro:bit reads unmapped addresses as 0,
 *                 but ARMv6-M always faults on an unaligned word load)
 *   CRASH_KIND 2: undefined instruction (UsageFault -> HardFault)
 *   CRASH_KIND 3: endless loop (the runner's timeout must end it)
 */
#ifndef CRASH_MODEL_H
#define CRASH_MODEL_H

#include <stdint.h>

#ifndef CRASH_KIND
#define CRASH_KIND 1
#endif

#define crash_N_FEATURES 4

static inline int crash_predict_q15(const int16_t *x)
{
    (void)x;
#if CRASH_KIND == 1
    uint32_t v, p = 0xF0000001u;
    /* asm: the compiler would split a known-unaligned load into bytes on M0 */
    __asm__ volatile("ldr %0, [%1]" : "=l"(v) : "l"(p) : "memory");
    return (int)v;
#elif CRASH_KIND == 2
    __asm__ volatile(".short 0xde00"); /* udf #0 */
    return 0;
#else
    static volatile int spin = 1;
    while (spin) {
    }
    return 0;
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
