/* SPDX-License-Identifier: MIT */
/*
 * tree_walk.h -- private to src/tree.c: the descent of a tree, for both node
 * forms (mlq/tree.h), inlined into the entries that walk trees. Nodes are
 * read with MLQ_RD_* (in flash; on AVR with program-memory loads), the
 * input with plain loads (RAM).
 */
#ifndef MLQ_TREE_WALK_H
#define MLQ_TREE_WALK_H

#include <stddef.h>

#include "mlq/tree.h"

/* A float whose bits without the sign are above those of infinity is NaN. */
#define F32_INF_BITS 0x7f800000u

/*
 * The Q15 descent, two ways: the same fields, the same result. A link is
 * the next node's byte offset from the root (or ~leaf), so that a visited
 * node costs the loads of its feature offset, its threshold, the feature and
 * the link taken, one compare and two branches, and no index arithmetic.
 *  - descend_node: one node pointer, root + at, its fields at constant
 *    offsets, one exit (RISC-V, AVR, the host; a single tree on Cortex-M0).
 *  - descend_bases: each field at `at` from a base of its own, for cores
 *    that load from a base plus a register (Arm), and each side of a node
 *    ending in its own sign test: 8 instructions a node on Cortex-M4. Told
 *    nothing, GCC folds the bases back into one plus constant offsets, which
 *    costs an address addition a node: an empty asm statement hides where
 *    they came from (GCC and clang only, hence the condition; descend_node
 *    hides its root likewise, for the same reason). Cortex-M0 runs it out
 *    of line from the forest loops, whose values would otherwise overflow
 *    its eight low registers.
 */
#if defined(__GNUC__) || defined(__clang__)
#define KEEP_APART(p) __asm__("" : "+r"(p))
#else
#define KEEP_APART(p) ((void)0)
#endif
#if defined(__ARM_ARCH) && (defined(__GNUC__) || defined(__clang__))
#define TREE_FIELD_BASES 1
#if defined(__ARM_ARCH_6M__)
#define descend_q15 descend_node
#define descend_trees_q15 descend_bases_call
#else
#define descend_q15 descend_bases
#define descend_trees_q15 descend_bases
#endif
#else
#define TREE_FIELD_BASES 0
#define descend_q15 descend_node
#define descend_trees_q15 descend_node
#endif

/* The int16 / uint16 field at byte offset `at` from base (in flash). */
#define FIELD_I16(base, at) MLQ_RD_I16((const int16_t *)(const void *)((base) + (at)))
#define FIELD_U16(base, at) MLQ_RD_U16((const uint16_t *)(const void *)((base) + (at)))

/* x[feature] for a node's x_offset; x is in RAM: a plain read. */
#define FEATURE(x, x_offset) \
    (*(const mlq_q15_t *)(const void *)((const unsigned char *)(x) + (x_offset)))

/* Leaf id reached from the root of a Q15 tree, through one node pointer. */
MLQ_INLINE uint32_t descend_node(const mlq_tree_node_q15 *root, const mlq_q15_t *x)
{
    const unsigned char *base = (const unsigned char *)(const void *)root;
    int32_t at = 0;

    KEEP_APART(base); /* the root, added once: not folded into every node's address */
    do {
        const mlq_tree_node_q15 *n = (const mlq_tree_node_q15 *)(const void *)(base + at);
        int right = FEATURE(x, MLQ_RD_U16(&n->x_offset)) > MLQ_RD_I16(&n->threshold);

        at = right ? MLQ_RD_I16(&n->right) : MLQ_RD_I16(&n->left);
    } while (at >= 0);
    return (uint32_t)~at;
}

#if TREE_FIELD_BASES
/* Leaf id reached from the root of a Q15 tree, through a base per field. */
MLQ_INLINE uint32_t descend_bases(const mlq_tree_node_q15 *root, const mlq_q15_t *x)
{
    const unsigned char *off = (const unsigned char *)(const void *)root; /* x_offset first */
    const unsigned char *thr = off + offsetof(mlq_tree_node_q15, threshold);
    const unsigned char *left = off + offsetof(mlq_tree_node_q15, left);
    const unsigned char *right = off + offsetof(mlq_tree_node_q15, right);
    int32_t at = 0;

    KEEP_APART(thr);
    KEEP_APART(left);
    KEEP_APART(right);
    for (;;) {
        if (FEATURE(x, FIELD_U16(off, at)) > FIELD_I16(thr, at)) {
            at = FIELD_I16(right, at);
            if (at < 0)
                break;
        } else {
            at = FIELD_I16(left, at);
            if (at < 0)
                break;
        }
    }
    return (uint32_t)~at;
}

#if defined(__ARM_ARCH_6M__)
static MLQ_NOINLINE uint32_t descend_bases_call(const mlq_tree_node_q15 *root, const mlq_q15_t *x)
{
    return descend_bases(root, x);
}
#endif
#endif

/* The feature index bits of a float node's meta: 2^fbits - 1 for fbits <=
 * 16, shifted in uint32_t (where int has 16 bits, 1u << 16 would be
 * undefined, and so would 0xffffu >> 16 for fbits 0). */
MLQ_INLINE uint32_t feature_mask(uint32_t fbits)
{
    return ((uint32_t)1 << fbits) - 1u;
}

/* Leaf id reached from node n of a float tree, or UINT32_MAX when a
 * feature on the path is NaN. The left child is the next node unless meta
 * names a leaf; right links count bytes (mlq/tree.h). A float is NaN when
 * its bits without the sign exceed those of infinity: (b << 1) above
 * F32_INF_BITS << 1. */
MLQ_INLINE uint32_t descend_f32(const mlq_tree_node_f32 *n, const float *x, uint32_t fbits)
{
    uint32_t fmask = feature_mask(fbits);

    for (;;) {
        uint32_t meta = MLQ_RD_U16(&n->meta);
        uint32_t b = MLQ_F32_BITS(x, meta & fmask);

        if ((b << 1) > (F32_INF_BITS << 1))
            return UINT32_MAX;
        /* The key order of the bits: an arithmetic >> (mlq/types.h) and the
         * two's complement reading of uint32 as int32, as every supported
         * compiler does. */
        if ((int32_t)(b ^ ((uint32_t)((int32_t)b >> 31) >> 1)) <= MLQ_RD_I32(&n->key)) {
            uint32_t lcode = meta >> fbits;

            if (lcode != 0)
                return lcode - 1u;
            n++;
        } else {
            int32_t link = MLQ_RD_I16(&n->right);

            if (link <= 0)
                return (uint32_t)-link;
            n = (const mlq_tree_node_f32 *)(const void *)((const unsigned char *)n + link);
        }
    }
}

#endif /* MLQ_TREE_WALK_H */
