/* SPDX-License-Identifier: MIT */
/*
 * dsp_main.c -- the Cortex-M helpers of src/dsp.h and the dot product
 * built on them (mlq_dot_q15), run directly on emulated boards. tests/dsp.sh
 * builds this firmware with the device sources for each core and runs it
 * in qemu-system-arm; it prints one line per failed check (at most 20) and
 * a summary, and exits 0 only when every check passed.
 *
 * Every core: the portable twins (mlq_X_c) against known answers worked
 * out by hand; mlq_ld32 at every byte offset; mlq_dot_q15 at every
 * alignment a Q1.15 pointer can have (0 or 2 bytes past a word, each
 * pointer independently: the same-phase, out-of-phase and aligning paths)
 * and every length 0..40 (every tail of the 8-product blocks, up to five
 * blocks), on random and extreme values, against a plain C sum. On
 * Cortex-M0 and M3 that is the portable code the kernels run there.
 *
 * Cores with the DSP extension (M4F, M7) in addition: each instruction
 * helper against its portable twin bit for bit on edge and random words;
 * mlq_dsp_dot_pairs with each pointer at every byte offset 0..3; and
 * mlq_dsp_dot_words on word-aligned vectors, at every length and with a
 * non-zero starting sum. (mlq_dot_q15 itself takes Q1.15 pointers, which
 * C aligns to 2 bytes; its load-multiple path needs them.)
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dsp.h"
#include "mlq/fixed.h"

#define MAX_N 40u        /* longest vector: five blocks of 8 */
#define BUF (2u * MAX_N + 8u)
#define MAX_REPORTS 20u

static unsigned long checks, failures;

/* One check: got == want, both 64-bit; prints the first MAX_REPORTS failures. */
static void check(const char *what, unsigned long c1, unsigned long c2, uint64_t got, uint64_t want)
{
    checks++;
    if (got == want)
        return;
    if (failures++ < MAX_REPORTS)
        printf("FAIL %s (%lu, %lu): got 0x%08lx%08lx, want 0x%08lx%08lx\n", what, c1, c2,
               (unsigned long)(got >> 32), (unsigned long)(got & 0xFFFFFFFFu),
               (unsigned long)(want >> 32), (unsigned long)(want & 0xFFFFFFFFu));
}

/* xorshift32, seeded: the same "random" words on every core. */
static uint32_t rng = 2463534242u;

static uint32_t next_u32(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

/* The portable twins against values worked out by hand. */
static void test_known_answers(void)
{
    check("lo16_c", 0, 0, (uint64_t)(int64_t)mlq_lo16_c(0x12348000u), (uint64_t)(int64_t)-32768);
    check("lo16_c", 1, 0, (uint64_t)(int64_t)mlq_lo16_c(0x80007FFFu), 32767u);
    check("lo16_c", 2, 0, (uint64_t)(int64_t)mlq_lo16_c(0x0000FFFFu), (uint64_t)(int64_t)-1);
    check("hi16_c", 0, 0, (uint64_t)(int64_t)mlq_hi16_c(0x80007FFFu), (uint64_t)(int64_t)-32768);
    check("hi16_c", 1, 0, (uint64_t)(int64_t)mlq_hi16_c(0x7FFF8000u), 32767u);
    /* (-2^15)^2 twice: 2^31, beyond int32 */
    check("smlald_c", 0, 0, (uint64_t)mlq_smlald_c(0x80008000u, 0x80008000u, 0), 0x80000000u);
    /* 5 - 2 * 32768 * 32767 */
    check("smlald_c", 1, 0, (uint64_t)mlq_smlald_c(0x7FFF8000u, 0x80007FFFu, 5),
          (uint64_t)(int64_t)-2147418107);
    /* 2^62 + 2 * (-1) * 1 */
    check("smlald_c", 2, 0, (uint64_t)mlq_smlald_c(0xFFFFFFFFu, 0x00010001u, (int64_t)1 << 62),
          ((uint64_t)1 << 62) - 2u);
    /* 2^31 + 2^31 wraps to 0 */
    check("smlad_c", 0, 0, mlq_smlad_c(0x80008000u, 0x80008000u, 0x80000000u), 0);
    /* 7 + 3 * (-2) + (-1) * 4 = -3 */
    check("smlad_c", 1, 0, mlq_smlad_c(0xFFFF0003u, 0x0004FFFEu, 7u), 0xFFFFFFFDu);
    check("sxtb16_c", 0, 0, mlq_sxtb16_c(0x12FF3480u), 0xFFFFFF80u);
    check("sxtb16_c", 1, 0, mlq_sxtb16_c(0x807F01FFu), 0x007FFFFFu);
    check("sxtb16_ror8_c", 0, 0, mlq_sxtb16_ror8_c(0x80017F02u), 0xFF80007Fu);
    check("uxtb16_c", 0, 0, mlq_uxtb16_c(0x12FF3480u), 0x00FF0080u);
    check("uxtb16_ror8_c", 0, 0, mlq_uxtb16_ror8_c(0x12FF3480u), 0x00120034u);
}

/* mlq_ld32 at every byte offset against a byte copy. */
static void test_ld32(void)
{
    static unsigned char bytes[64 + 8] MLQ_ALIGN4;
    unsigned i, off, k;

    for (i = 0; i < sizeof bytes; i++)
        bytes[i] = (unsigned char)next_u32();
    for (off = 0; off < 4u; off++)
        for (k = 0; k + 4u <= 64u; k += 4u) {
            uint32_t want;

            memcpy(&want, bytes + off + k, 4);
            check("ld32", off, k, mlq_ld32(bytes + off + k), want);
            if (off == 0u)
                check("ld32_aligned", off, k, mlq_ld32_aligned(bytes + k), want);
        }
}

/* The Q1.15 value at byte address p. */
static int32_t half_at(const unsigned char *p)
{
    uint16_t h;

    memcpy(&h, p, 2);
    return mlq_lo16_c(h);
}

/* sum of a[j] b[j] for j < n, the entries at byte addresses a + 2j, b + 2j. */
static int64_t ref_dot(const unsigned char *a, const unsigned char *b, uint32_t n)
{
    int64_t acc = 0;
    uint32_t j;

    for (j = 0; j < n; j++)
        acc += (int64_t)(half_at(a + 2u * j) * half_at(b + 2u * j));
    return acc;
}

/* Fill both buffers: 0 random bytes; 1 every byte 0x80 (-32640 a value);
 * 2 each byte one of 0x00 0x7F 0x80 0xFF (-32768, 32767, -1, ... ). */
static void fill(unsigned char *a, unsigned char *b, unsigned pattern)
{
    static const unsigned char ext[4] = {0x00, 0x7F, 0x80, 0xFF};
    unsigned i;

    for (i = 0; i < BUF; i++) {
        uint32_t r = next_u32();

        a[i] = (unsigned char)(pattern == 0u ? r : pattern == 1u ? 0x80u : ext[r & 3u]);
        b[i] = (unsigned char)(pattern == 0u ? r >> 8 : pattern == 1u ? 0x80u : ext[(r >> 2) & 3u]);
    }
}

static unsigned char buf_a[BUF] MLQ_ALIGN4, buf_b[BUF] MLQ_ALIGN4;

/* mlq_dot_q15 at both Q1.15 alignments of each pointer and every length. */
static void test_dot_q15(void)
{
    unsigned pattern, oa, ob;
    uint32_t n;

    for (pattern = 0; pattern < 3u; pattern++) {
        fill(buf_a, buf_b, pattern);
        for (oa = 0; oa < 4u; oa += 2u)
            for (ob = 0; ob < 4u; ob += 2u)
                for (n = 0; n <= MAX_N; n++) {
                    const mlq_q15_t *a = (const mlq_q15_t *)(const void *)(buf_a + oa);
                    const mlq_q15_t *b = (const mlq_q15_t *)(const void *)(buf_b + ob);

                    check("dot_q15", pattern * 16u + oa * 4u + ob, n, (uint64_t)mlq_dot_q15(a, b, n),
                          (uint64_t)ref_dot(buf_a + oa, buf_b + ob, n));
                }
    }
}

#if MLQ_DSP
/* Words that reach every lane's extremes. */
static const uint32_t edge[] = {0x00000000u, 0xFFFFFFFFu, 0x80008000u, 0x7FFF7FFFu, 0x80007FFFu,
                                0x7FFF8000u, 0x00008000u, 0x80000000u, 0x0000FFFFu, 0xFFFF0000u,
                                0x00800080u, 0x7F7F7F7Fu, 0x80808080u, 0x01020304u, 0x00010001u,
                                0xFF80FF80u};
#define N_EDGE (sizeof edge / sizeof edge[0])

/* Word i of the operand list: the edges, then random words. */
static uint32_t word_at(unsigned i)
{
    return i < N_EDGE ? edge[i] : next_u32();
}

/* Each instruction against its portable twin. */
static void test_instructions(void)
{
    static const int64_t acc64[] = {0, -1, ((int64_t)1 << 62), -((int64_t)1 << 62), 0x123456789ALL};
    unsigned i, k;

    for (i = 0; i < 400u; i++) {
        uint32_t x = word_at(i % 200u), y = i < 200u ? word_at((i * 7u) % N_EDGE) : next_u32();
        uint32_t acc = i < N_EDGE ? edge[(i * 5u) % N_EDGE] : next_u32();

        for (k = 0; k < sizeof acc64 / sizeof acc64[0]; k++)
            check("smlald", i, k, (uint64_t)mlq_smlald(x, y, acc64[k]),
                  (uint64_t)mlq_smlald_c(x, y, acc64[k]));
        check("smlad", i, 0, mlq_smlad(x, y, acc), mlq_smlad_c(x, y, acc));
        check("sxtb16", i, 0, mlq_sxtb16(x), mlq_sxtb16_c(x));
        check("sxtb16_ror8", i, 0, mlq_sxtb16_ror8(x), mlq_sxtb16_ror8_c(x));
        check("uxtb16", i, 0, mlq_uxtb16(x), mlq_uxtb16_c(x));
        check("uxtb16_ror8", i, 0, mlq_uxtb16_ror8(x), mlq_uxtb16_ror8_c(x));
    }
}

/* mlq_dsp_dot_pairs with each pointer at every byte offset, and
 * mlq_dsp_dot_words on word-aligned vectors, at every length. */
static void test_dsp_dots(void)
{
    const int64_t start = -((int64_t)3 << 40);
    unsigned pattern, oa, ob;
    uint32_t n;

    for (pattern = 0; pattern < 3u; pattern++) {
        fill(buf_a, buf_b, pattern);
        for (oa = 0; oa < 4u; oa++)
            for (ob = 0; ob < 4u; ob++)
                for (n = 0; n <= MAX_N / 2u; n++) /* pairs */
                    check("dsp_dot_pairs", pattern * 16u + oa * 4u + ob, n,
                          (uint64_t)mlq_dsp_dot_pairs(buf_a + oa, buf_b + ob, n, start),
                          (uint64_t)(start + ref_dot(buf_a + oa, buf_b + ob, 2u * n)));
        for (n = 0; n <= MAX_N; n++)
            check("dsp_dot_words", pattern, n, (uint64_t)mlq_dsp_dot_words(buf_a, buf_b, n, start),
                  (uint64_t)(start + ref_dot(buf_a, buf_b, n & ~(uint32_t)1)));
    }
}
#endif

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    test_known_answers();
    test_ld32();
    test_dot_q15();
#if MLQ_DSP
    test_instructions();
    test_dsp_dots();
#endif
    printf("dsp: %lu checks, %lu failed (%s paths)\n", checks, failures,
           MLQ_DSP ? "DSP and portable" : "portable");
    return failures == 0 ? 0 : 1;
}
