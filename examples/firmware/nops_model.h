/* SPDX-License-Identifier: MIT */
/*
 * nops_model.h -- calibration "model" (NAME = nops) whose predict executes
 * exactly NOPS_COUNT nop instructions (default 1000) and returns 0, so that
 * bench.c must report NOPS_COUNT instructions per inference. Used by
 * selftest.sh to check the SysTick clock assumed for each board.
 */
#ifndef NOPS_MODEL_H
#define NOPS_MODEL_H

#include <stdint.h>

#ifndef NOPS_COUNT
#define NOPS_COUNT 1000
#endif
#define NOPS_STR2(n) #n
#define NOPS_STR(n) NOPS_STR2(n)

#define nops_N_FEATURES 4

static inline int nops_predict(const float *x)
{
    (void)x;
    __asm__ volatile(".rept " NOPS_STR(NOPS_COUNT) "\n\tnop\n\t.endr" ::: "memory");
    return 0;
}

static inline int nops_predict_q15(const int16_t *x)
{
    (void)x;
    __asm__ volatile(".rept " NOPS_STR(NOPS_COUNT) "\n\tnop\n\t.endr" ::: "memory");
    return 0;
}

/* The raw int16 entry of exported headers; here the same as the Q15 one. */
static inline int nops_predict_i16(const int16_t *x)
{
    return nops_predict_q15(x);
}

#endif /* NOPS_MODEL_H */
