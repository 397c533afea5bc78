/* SPDX-License-Identifier: MIT */
/*
 * test_rng.h -- the unit tests' deterministic 32-bit generator (xorshift,
 * fixed seed), so that every test draws the same numbers on every run and
 * needs no seed file. One state per test program.
 */
#ifndef MLQ_TEST_RNG_H
#define MLQ_TEST_RNG_H

#include <stdint.h>

#include "mlq/types.h"

static uint32_t rng_state = 2463534242u;

static inline uint32_t next_u32(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

/* Uniform over the whole Q15 range, INT16_MIN and INT16_MAX included. */
static inline mlq_q15_t next_q15(void)
{
    return (mlq_q15_t)((int32_t)(next_u32() % 65536u) - 32768);
}

#endif /* MLQ_TEST_RNG_H */
