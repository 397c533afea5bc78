/* SPDX-License-Identifier: MIT */
/*
 * dsp.h -- private to src/: the Cortex-M DSP-extension helpers the kernels
 * share, once, and the portable C meaning of each.
 *
 * MLQ_DSP is 1 where the kernels take their DSP paths: a core with the DSP
 * extension (__ARM_FEATURE_DSP: Cortex-M4, M7) and a GNU C compiler (inline
 * assembly). Every instruction helper mlq_X there has a portable twin
 * mlq_X_c, defined on every target, that computes the same bits in C from
 * the instruction's definition (ARMv7-M Architecture Reference Manual);
 * tests/dsp.sh runs tests/dsp_main.c in QEMU and checks each pair bit for
 * bit on Cortex-M4F, at every alignment and tail length where a helper
 * reads memory, and the portable ones on Cortex-M0.
 *
 * Halves and bytes are lanes of a register: lane 0 is bits 0..15 (or
 * 0..7), whatever the byte order of the memory it was loaded from, so a
 * word loaded on a big-endian core holds its first halfword in lane 1.
 * Nothing here is public API; the kernels' portable paths do not use it.
 */
#ifndef MLQ_DSP_H
#define MLQ_DSP_H

#include "mlq/types.h"

#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__)
#define MLQ_DSP 1
#else
#define MLQ_DSP 0
#endif

/** The 32-bit word at p, any address, in the core's byte order: a single
 * LDR on ARMv7-M, which reads words at any address (also from flash); byte
 * loads on cores that cannot (Cortex-M0). */
static inline uint32_t mlq_ld32(const void *p)
{
#if defined(__GNUC__)
    uint32_t w;

    __builtin_memcpy(&w, p, 4);
    return w;
#else
    union {
        uint32_t w;
        unsigned char b[4];
    } u;
    const unsigned char *s = (const unsigned char *)p;

    u.b[0] = s[0];
    u.b[1] = s[1];
    u.b[2] = s[2];
    u.b[3] = s[3];
    return u.w;
#endif
}

/** The 32-bit word at a word-aligned p, in the core's byte order: one LDR,
 * which the compiler may pair with its neighbours (LDRD, LDM). */
#if defined(__GNUC__)
typedef uint32_t mlq_word_alias_t __attribute__((may_alias));

static inline uint32_t mlq_ld32_aligned(const void *p)
{
    return *(const mlq_word_alias_t *)p;
}
#else
#define mlq_ld32_aligned mlq_ld32
#endif

/* ---- the portable meaning of each instruction (every target) ---------- */

/** Signed lane 0 (bits 0..15) of w, without an out-of-range conversion. */
static inline int32_t mlq_lo16_c(uint32_t w)
{
    return (int32_t)(w & 0xFFFFu) - (int32_t)((w & 0x8000u) << 1);
}

/** Signed lane 1 (bits 16..31) of w. */
static inline int32_t mlq_hi16_c(uint32_t w)
{
    return mlq_lo16_c(w >> 16);
}

/** SMLALD: acc + x.lo * y.lo + x.hi * y.hi, the halves signed; exact (|acc| < 2^63 - 2^31). */
static inline int64_t mlq_smlald_c(uint32_t x, uint32_t y, int64_t acc)
{
    return acc + (int64_t)(mlq_lo16_c(x) * mlq_lo16_c(y)) + (int64_t)(mlq_hi16_c(x) * mlq_hi16_c(y));
}

/** SMLAD: acc + x.lo * y.lo + x.hi * y.hi, the halves signed, modulo 2^32
 * (the instruction's Q flag is not modelled: the kernels read no flag). */
static inline uint32_t mlq_smlad_c(uint32_t x, uint32_t y, uint32_t acc)
{
    return acc + (uint32_t)(mlq_lo16_c(x) * mlq_lo16_c(y)) + (uint32_t)(mlq_hi16_c(x) * mlq_hi16_c(y));
}

/** SXTB16: bytes 0 and 2 of v, sign-extended into lanes 0 and 1. */
static inline uint32_t mlq_sxtb16_c(uint32_t v)
{
    uint32_t b0 = v & 0xFFu, b2 = (v >> 16) & 0xFFu;

    return (((b0 ^ 0x80u) - 0x80u) & 0xFFFFu) | (((b2 ^ 0x80u) - 0x80u) << 16);
}

/** SXTB16 with ROR #8: bytes 1 and 3 of v, sign-extended into lanes 0 and 1. */
static inline uint32_t mlq_sxtb16_ror8_c(uint32_t v)
{
    return mlq_sxtb16_c(v >> 8 | v << 24);
}

/** UXTB16: bytes 0 and 2 of v, zero-extended into lanes 0 and 1. */
static inline uint32_t mlq_uxtb16_c(uint32_t v)
{
    return v & 0x00FF00FFu;
}

/** UXTB16 with ROR #8: bytes 1 and 3 of v, zero-extended into lanes 0 and 1. */
static inline uint32_t mlq_uxtb16_ror8_c(uint32_t v)
{
    return (v >> 8) & 0x00FF00FFu;
}

#if MLQ_DSP
/* ---- the instructions (Cortex-M4/M7) ----------------------------------- */

/** SMLALD, as mlq_smlald_c: the compiler's builtin of the ACLE __smlald
 * (no header needed), which GCC and clang schedule freely. */
static inline int64_t mlq_smlald(uint32_t x, uint32_t y, int64_t acc)
{
    return __builtin_arm_smlald((int32_t)x, (int32_t)y, acc);
}

/** SMLAD, as mlq_smlad_c. */
static inline uint32_t mlq_smlad(uint32_t x, uint32_t y, uint32_t acc)
{
    uint32_t r;

    __asm__("smlad %0, %1, %2, %3" : "=r"(r) : "r"(x), "r"(y), "r"(acc));
    return r;
}

/** SXTB16, as mlq_sxtb16_c. */
static inline uint32_t mlq_sxtb16(uint32_t v)
{
    uint32_t r;

    __asm__("sxtb16 %0, %1" : "=r"(r) : "r"(v));
    return r;
}

/** SXTB16 with ROR #8, as mlq_sxtb16_ror8_c. */
static inline uint32_t mlq_sxtb16_ror8(uint32_t v)
{
    uint32_t r;

    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(v));
    return r;
}

/** UXTB16, as mlq_uxtb16_c. */
static inline uint32_t mlq_uxtb16(uint32_t v)
{
    uint32_t r;

    __asm__("uxtb16 %0, %1" : "=r"(r) : "r"(v));
    return r;
}

/** UXTB16 with ROR #8, as mlq_uxtb16_ror8_c. */
static inline uint32_t mlq_uxtb16_ror8(uint32_t v)
{
    uint32_t r;

    __asm__("uxtb16 %0, %1, ror #8" : "=r"(r) : "r"(v));
    return r;
}

/* ---- dot-product loops of mlq_dot_q15 --------------------------------- */

/**
 * acc + a . b over 2 * pairs Q1.15 entries at any address (each pointer
 * may sit at any byte offset): one word load per operand and one SMLALD a
 * pair.
 */
static inline int64_t mlq_dsp_dot_pairs(const void *a, const void *b, uint32_t pairs, int64_t acc)
{
    const unsigned char *pa = (const unsigned char *)a, *pb = (const unsigned char *)b;

    for (; pairs > 0; pairs--) {
        acc = mlq_smlald(mlq_ld32(pa), mlq_ld32(pb), acc);
        pa += 4;
        pb += 4;
    }
    return acc;
}

/**
 * acc + a . b over the first n & ~1 Q1.15 entries of word-aligned a and b:
 * per 8 products four load-multiples and four SMLALD, then 4 and 2 left
 * over (the entry n - 1 of an odd n is the caller's). Written in assembly
 * because compilers run out of registers and fall back to single loads; r7
 * (the Thumb frame pointer) is left alone.
 */
static inline int64_t mlq_dsp_dot_words(const void *a, const void *b, uint32_t n, int64_t acc)
{
    uint32_t blocks = n >> 3;

    __asm__ volatile("cbz %[k], 2f\n"
                     "1:\n\t"
                     "ldmia %[a]!, {r4, r5}\n\t"
                     "ldmia %[b]!, {r6, r8}\n\t"
                     "smlald %Q[acc], %R[acc], r4, r6\n\t"
                     "smlald %Q[acc], %R[acc], r5, r8\n\t"
                     "ldmia %[a]!, {r4, r5}\n\t"
                     "ldmia %[b]!, {r6, r8}\n\t"
                     "smlald %Q[acc], %R[acc], r4, r6\n\t"
                     "smlald %Q[acc], %R[acc], r5, r8\n\t"
                     "subs %[k], %[k], #1\n\t"
                     "bne 1b\n"
                     "2:\n\t"
                     "lsls %[k], %[n], #30\n\t" /* C = bit 2 of n, N = bit 1 */
                     "bcc 3f\n\t"
                     "ldmia %[a]!, {r4, r5}\n\t"
                     "ldmia %[b]!, {r6, r8}\n\t"
                     "smlald %Q[acc], %R[acc], r4, r6\n\t"
                     "smlald %Q[acc], %R[acc], r5, r8\n"
                     "3:\n\t"
                     "bpl 4f\n\t"
                     "ldr r4, [%[a]], #4\n\t"
                     "ldr r6, [%[b]], #4\n\t"
                     "smlald %Q[acc], %R[acc], r4, r6\n"
                     "4:"
                     : [acc] "+r"(acc), [a] "+r"(a), [b] "+r"(b), [k] "+l"(blocks)
                     : [n] "r"(n)
                     : "r4", "r5", "r6", "r8", "cc", "memory");
    return acc;
}
#endif /* MLQ_DSP */

#endif /* MLQ_DSP_H */
