/* SPDX-License-Identifier: MIT */
/*
 * test_tree_util.h -- what the tree tests share: an independent reference
 * of the device layout (random trees of explicit nodes, their walk, and
 * their serialization into preorder split nodes with relative links), and
 * float inputs that probe the float nodes' key thresholds.
 */
#ifndef MLQ_TEST_TREE_UTIL_H
#define MLQ_TEST_TREE_UTIL_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "mlq/tree.h"
#include "test_rng.h"

/* ---- an independent reference: trees of explicit nodes -------------------- */

typedef struct ref_node {
    int leaf; /* 1: leaf with id `id` */
    int id;
    mlq_q15_t thr;
    uint16_t feature;
    struct ref_node *kid[2];
} ref_node;

enum { REF_POOL = 8192 };

/* The nodes of the reference trees (ref_reset empties it): a new one, or
 * with reset the pool emptied and NULL. */
static inline ref_node *ref_pool(int reset)
{
    static ref_node pool[REF_POOL];
    static size_t used;

    if (reset) {
        used = 0;
        return NULL;
    }
    return used < REF_POOL ? &pool[used++] : NULL;
}

static inline void ref_reset(void)
{
    (void)ref_pool(1);
}

/* Random tree of depth <= depth over d features with leaf ids below n_ids. */
static inline ref_node *random_tree(int depth, uint16_t d, int n_ids)
{
    ref_node *n = ref_pool(0);

    if (n == NULL)
        return NULL;
    memset(n, 0, sizeof *n);
    if (depth == 0 || next_u32() % 4 == 0) {
        n->leaf = 1;
        n->id = (int)(next_u32() % (uint32_t)n_ids);
        return n;
    }
    n->feature = (uint16_t)(next_u32() % d);
    /* Thresholds at the extremes too, so INT16_MIN/MAX inputs meet equality. */
    switch (next_u32() % 8) {
    case 0: n->thr = INT16_MIN; break;
    case 1: n->thr = INT16_MAX; break;
    default: n->thr = next_q15();
    }
    n->kid[0] = random_tree(depth - 1, d, n_ids);
    n->kid[1] = random_tree(depth - 1, d, n_ids);
    return n;
}

static inline int ref_walk(const ref_node *n, const mlq_q15_t *x)
{
    while (!n->leaf)
        n = n->kid[x[n->feature] <= n->thr ? 0 : 1];
    return n->id;
}

/* A Q15 node's links (mlq/tree.h): the node of index i within its tree
 * (its byte offset from the root), or leaf id. */
#define Q15_AT(i) ((int16_t)((i) * (int)sizeof(mlq_tree_node_q15)))
#define Q15_LEAF(id) ((int16_t)~(id))
/* A Q15 node on feature f (x_offset 2 f). */
#define Q15_NODE(thr, f, left, right) {(uint16_t)(2 * (f)), (mlq_q15_t)(thr), left, right}

/* Serialize a reference tree into the device layout (preorder split nodes,
 * links as byte offsets from the root, which is at out[root]); a root leaf
 * becomes one node with both links on it. Returns the index one past the
 * tree's last node. */
static inline size_t serialize(const ref_node *n, mlq_tree_node_q15 *out, size_t at, size_t root)
{
    size_t me = at, next = at + 1, side;
    int16_t links[2];

    if (n->leaf) {
        out[me] = (mlq_tree_node_q15)Q15_NODE(INT16_MAX, 0, Q15_LEAF(n->id), Q15_LEAF(n->id));
        return next;
    }
    for (side = 0; side < 2; side++) {
        if (n->kid[side]->leaf) {
            links[side] = Q15_LEAF(n->kid[side]->id);
        } else {
            links[side] = Q15_AT(next - root);
            next = serialize(n->kid[side], out, next, root);
        }
    }
    out[me] = (mlq_tree_node_q15)Q15_NODE(n->thr, n->feature, links[0], links[1]);
    return next;
}

static inline mlq_q15_t random_input(void)
{
    switch (next_u32() % 8) {
    case 0: return INT16_MIN;
    case 1: return INT16_MAX;
    default: return next_q15();
    }
}

/* ---- float inputs ------------------------------------------------------------ */

/* Floats that probe feature j of float nodes [0, n_nodes): specials,
 * subnormals, huge, and values within a few ulps of the nodes' key
 * thresholds. */
static inline float probe(const mlq_tree_node_f32 *nodes, size_t n_nodes, unsigned feature_bits,
                          size_t j)
{
    static const float special[] = {INFINITY, -INFINITY, 0.0f, -0.0f, 1e-45f, -1e-45f,
                                    3.4e38f, -3.4e38f, 1e-38f};
    uint32_t r = next_u32();

    if (r % 4 == 0)
        return special[r % 9];
    if (r % 4 == 1) {
        size_t i = next_u32() % n_nodes;

        if ((nodes[i].meta & ((1u << feature_bits) - 1u)) == j) {
            int32_t k = nodes[i].key;
            uint32_t b;
            float x;

            k += (int32_t)(next_u32() % 5) - 2;
            b = k < 0 ? (uint32_t)k ^ 0x7fffffffu : (uint32_t)k;
            memcpy(&x, &b, sizeof x);
            if (x == x)
                return x;
        }
    }
    return (float)((double)(int32_t)next_u32() / 2147483648.0 * 40.0);
}

#endif /* MLQ_TEST_TREE_UTIL_H */
