/* SPDX-License-Identifier: MIT */
/*
 * The float node form of decision trees and forests (mlq/tree.h), built
 * from the Q15 nodes (exporters/export_tree.c): each node's key threshold,
 * the key of the largest float that the input quantizer maps to at most the
 * Q15 threshold, found by bisection over the ordered float keys with the
 * device quantizer itself, so that the float entries equal quantize-then-Q15
 * for every non-NaN input; and the 8-byte node layout (left leaf codes in
 * meta, forwarding nodes, right links in bytes).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "export_tree.h"
#include "mlq/tree.h"

int32_t mlq_tree_key_of(float x)
{
    uint32_t b;

    memcpy(&b, &x, sizeof b);
    return (int32_t)(b >> 31 ? b ^ 0x7fffffffu : b);
}

static float float_of_key(int64_t key)
{
    uint32_t b = key < 0 ? (uint32_t)(int32_t)key ^ 0x7fffffffu : (uint32_t)key;
    float x;

    memcpy(&x, &b, sizeof x);
    return x;
}

/* Q15 code of x by the device quantizer with one feature's constants. */
static int32_t code_of(float offset, float gain, float x)
{
    mlq_quant q = {1, &offset, &gain};
    mlq_q15_t out = 0;

    mlq_quant_f32_to_q15(&q, &x, 1, &out);
    return out;
}

int32_t mlq_tree_float_key(float offset, float gain, int32_t c)
{
    int64_t lo = mlq_tree_key_of(-HUGE_VALF), hi = mlq_tree_key_of(HUGE_VALF);

    if (code_of(offset, gain, HUGE_VALF) <= c)
        return (int32_t)hi;
    /* code(lo) = -32768 <= c and code(hi) > c; the code is monotone in the key. */
    while (hi - lo > 1) {
        int64_t mid = lo + (hi - lo) / 2;

        if (code_of(offset, gain, float_of_key(mid)) <= c)
            lo = mid;
        else
            hi = mid;
    }
    return (int32_t)lo;
}

/* Bits of a feature index in the float nodes' meta: 2^bits >= n_features. */
static unsigned feature_bits(size_t n_features)
{
    unsigned b = 0;

    while (((size_t)1 << b) < n_features)
        b++;
    return b;
}

/* The float nodes from the split nodes (sp, with keys): the left child is the
 * next node or a leaf code in meta; a left leaf whose code does not fit in
 * meta goes through a forwarding node (key INT32_MIN: every non-NaN input
 * goes right) on the same feature. Right links count bytes. */
int mlq_tree_float_nodes(mlq_tree_dev *td, size_t n_features, size_t n_trees)
{
    size_t t, i, j, *fidx = mlq_calloc(td->n_nodes + 1, sizeof *fidx);
    uint32_t lmax;

    if (fidx == NULL)
        return -1;
    td->fbits = feature_bits(n_features);
    lmax = 0xffffu >> td->fbits;
    /* positions first: node i is at fidx[i], its forwarding node (if any) after it */
    for (i = 0, j = 0; i < td->n_nodes; i++) {
        const mlq_tree_split *q = &td->sp[i];

        fidx[i] = j;
        j += (q->left <= 0 && td->keys[i] != INT32_MIN && (uint32_t)-q->left + 1u > lmax) ? 2u : 1u;
    }
    fidx[td->n_nodes] = td->n_fnodes = j;
    for (t = 0; t < n_trees; t++)
        td->fends[t] = (uint16_t)fidx[td->ends[t]];
    for (i = 0; i < td->n_nodes; i++) {
        const mlq_tree_split *q = &td->sp[i];
        mlq_tree_node_f32 *o = &td->nf[fidx[i]];
        uint32_t f = q->feature;

        if (td->keys[i] == INT32_MIN) { /* a root leaf: right for every non-NaN input */
            *o = (mlq_tree_node_f32){INT32_MIN, 0, (int16_t)q->right};
            continue;
        }
        o->key = td->keys[i];
        o->right = q->right <= 0 ? (int16_t)q->right
                                 : (int16_t)((fidx[i + (size_t)q->right] - fidx[i]) *
                                             sizeof(mlq_tree_node_f32));
        if (q->left > 0) {
            o->meta = (uint16_t)f;
        } else if ((uint32_t)-q->left + 1u <= lmax) {
            o->meta = (uint16_t)(f | ((uint32_t)-q->left + 1u) << td->fbits);
        } else {
            o->meta = (uint16_t)f;
            o[1] = (mlq_tree_node_f32){INT32_MIN, (uint16_t)f, (int16_t)q->left};
        }
    }
    free(fidx);
    return 0;
}

