/* SPDX-License-Identifier: MIT */
#include "mlq/kmeans.h"

/*
 * x . c over n entries, exact in int64.
 *
 * The DSP path (Cortex-M4/M7) accumulates two products per SMLALD. When x
 * and c are both word-aligned (the exporter aligns centroid rows, and
 * mlq_kmeans_predict_q15 callers usually pass an aligned buffer) it reads
 * four words of each with a single load-multiple; otherwise it reads words
 * at any address (legal on ARMv7E-M). The portable path does one product a
 * step. All paths compute the same exact integer.
 */
#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__)
typedef uint32_t word_alias __attribute__((may_alias));

#define SMLALD(acc, a, b) __asm__("smlald %Q0, %R0, %1, %2" : "+r"(acc) : "r"(a), "r"(b))

/* Word-aligned x and c, n & ~1 entries: per 8 products four load-multiples
 * and four SMLALD, then 4 and 2 left over. Written in assembly because
 * compilers run out of registers and fall back to single loads; r7 (the
 * Thumb frame pointer) is left alone. */
static int64_t dot_aligned(const word_alias *x, const word_alias *c, uint32_t n)
{
    int64_t acc = 0;
    uint32_t blocks = n >> 3;

    __asm__ volatile("cbz %[b], 2f\n"
                     "1:\n\t"
                     "ldmia %[x]!, {r4, r5}\n\t"
                     "ldmia %[c]!, {r6, r8}\n\t"
                     "smlald %Q[acc], %R[acc], r4, r6\n\t"
                     "smlald %Q[acc], %R[acc], r5, r8\n\t"
                     "ldmia %[x]!, {r4, r5}\n\t"
                     "ldmia %[c]!, {r6, r8}\n\t"
                     "smlald %Q[acc], %R[acc], r4, r6\n\t"
                     "smlald %Q[acc], %R[acc], r5, r8\n\t"
                     "subs %[b], %[b], #1\n\t"
                     "bne 1b\n"
                     "2:\n\t"
                     "lsls %[b], %[n], #30\n\t" /* C = bit 2 of n, N = bit 1 */
                     "bcc 3f\n\t"
                     "ldmia %[x]!, {r4, r5}\n\t"
                     "ldmia %[c]!, {r6, r8}\n\t"
                     "smlald %Q[acc], %R[acc], r4, r6\n\t"
                     "smlald %Q[acc], %R[acc], r5, r8\n"
                     "3:\n\t"
                     "bpl 4f\n\t"
                     "ldr r4, [%[x]], #4\n\t"
                     "ldr r6, [%[c]], #4\n\t"
                     "smlald %Q[acc], %R[acc], r4, r6\n"
                     "4:"
                     : [acc] "+r"(acc), [x] "+r"(x), [c] "+r"(c), [b] "+l"(blocks)
                     : [n] "r"(n)
                     : "r4", "r5", "r6", "r8", "cc", "memory");
    return acc;
}

/* Pairs at any address: one word load per operand, one SMLALD. */
static int64_t dot2_any(const mlq_q15_t *x, const mlq_q15_t *c, size_t pairs, int64_t acc)
{
    for (; pairs > 0; pairs--) {
        uint32_t xw, cw;

        __builtin_memcpy(&xw, x, 4);
        __builtin_memcpy(&cw, c, 4);
        SMLALD(acc, xw, cw);
        x += 2;
        c += 2;
    }
    return acc;
}
#endif

/* x . c; `aligned` says both are word-aligned (decided once per call).
 * Kept out of line: the cluster loop then needs few registers and spills
 * nothing (on Cortex-M0 the accumulator stays in registers: 12 instructions
 * a product instead of 17), which costs less than the call. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static int64_t dot_q15(const mlq_q15_t *x, const mlq_q15_t *c, uint32_t n, int aligned)
{
    int64_t acc;

#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__)
    if (aligned)
        acc = dot_aligned((const word_alias *)(const void *)x, (const word_alias *)(const void *)c,
                          n);
    else
        acc = dot2_any(x, c, n >> 1, 0);
    if (n & 1u)
        acc += (int32_t)x[n - 1] * c[n - 1];
#else
    const mlq_q15_t *end = x + n;

    (void)aligned;
    acc = 0;
    while (x < end)
        acc += (int32_t)*x++ * *c++;
#endif
    return acc;
}

mlq_status mlq_kmeans_predict_q15(const mlq_kmeans_q15 *model, const mlq_q15_t *x,
                                  uint16_t n_features, uint16_t *cluster)
{
    const mlq_q15_t *c;
    /* |score| < 3 * 65535 * 2^30 < 2^48, so the first score always wins. */
    int64_t best = INT64_MAX;
    uint32_t k, n_clusters, row, best_k = 0;
    int aligned;

    MLQ_ASSERT(model != NULL && x != NULL && cluster != NULL);
    if (n_features != model->n_features)
        return MLQ_ERR_SIZE;
    n_clusters = model->n_clusters;
    if (n_clusters == 0)
        return MLQ_ERR_MODEL;
    c = model->centroids;
    /* Rows have an even length (odd ones carry a zero pad), so every row is
     * word-aligned when the first one is. */
    row = (n_features + 1u) & ~1u;
    aligned = (((uintptr_t)x | (uintptr_t)c) & 3u) == 0;
    for (k = 0; k < n_clusters; k++, c += row) {
        int64_t dot = dot_q15(x, c, n_features, aligned);
        int64_t score = model->norms[k] - dot - dot;

        if (score < best) { /* strict: ties keep the lower index */
            best = score;
            best_k = k;
        }
    }
    *cluster = (uint16_t)best_k;
    return MLQ_OK;
}
