/* SPDX-License-Identifier: MIT */
/*
 * test_splitmix.h -- the 64-bit generator of the fixed-point tests
 * (splitmix64, seeded per test), and random patterns whose magnitude is
 * itself random, so that small, medium and huge values all occur.
 */
#ifndef MLQ_TEST_SPLITMIX_H
#define MLQ_TEST_SPLITMIX_H

#include <stdint.h>

/* splitmix64: a deterministic, high-entropy stream for "random" inputs. */
static uint64_t splitmix_state;

static inline void rng_seed(uint64_t seed)
{
    splitmix_state = seed;
}

static inline uint64_t rng_next(void)
{
    uint64_t z = (splitmix_state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/* A random 64-bit pattern whose magnitude is itself random (uniform bit
 * length), so that small, medium and huge values all occur. */
static inline uint64_t rng_bits(void)
{
    uint64_t v = rng_next();
    unsigned len = (unsigned)(rng_next() % 65u);
    return (len == 64u) ? v : (v & (((uint64_t)1 << len) - 1u));
}

#endif /* MLQ_TEST_SPLITMIX_H */
