/* SPDX-License-Identifier: MIT */
/*
 * The node-level steps of the tree trainer (tree_split.h; the growth and
 * the forest are train_tree.c).
 *
 * Impurities are updated in O(1) per row during a scan. Classification:
 * running sums of squared (gini) or x log x (entropy) class weights.
 * Regression: variance reduction (scikit-learn's squared_error), whose
 * weighted cost sum_rows w (t - mean_side)^2 over both sides is, up to the
 * node's constant sum w t^2, -(S_l^2 / W_l + S_r^2 / W_r) with W the
 * weights and S the weighted target sums of each side (S_r = S - S_l), the
 * reference's proxy; the sums are exact (fixed-point targets, tree_split.h).
 * Leaves: a class distribution rounded to integers summing to
 * MLQ_TREE_LEAF_SCALE (largest remainders, lower class first on equal
 * remainders), the very integers the device adds; or the weighted mean
 * target S / W, in standardized units.
 */
#include <math.h>
#include <string.h>

#include "host.h"
#include "mlq/tree.h"
#include "tree_split.h"

/* x log x, 0 at 0. */
static double xlogx(double x)
{
    return x > 0.0 ? x * log(x) : 0.0;
}

/* Weighted impurity of a side: total weight x impurity, from its class
 * weight total and its running sum (sum of squares for gini, of x log x
 * for entropy). */
static double side_cost(int entropy, double total, double sum)
{
    if (total <= 0.0)
        return 0.0;
    return entropy ? xlogx(total) - sum : total - sum / total;
}

int tree_targets_fixed(tree_ws *w, const double *t)
{
    double big = 1.0;
    size_t i;
    int e;

    w->t = mlq_calloc(w->n, sizeof *w->t);
    if (w->t == NULL)
        return -1;
    for (i = 0; i < w->n; i++)
        big = fmax(big, fabs(t[i]));
    (void)frexp(big * (double)w->n, &e); /* n max |t| < 2^e */
    w->t_frac = 62 - e < 48 ? 62 - e : 48;
    for (i = 0; i < w->n; i++)
        w->t[i] = (int64_t)llround(ldexp(t[i], w->t_frac));
    return 0;
}

int tree_node_totals(tree_ws *w, size_t s, size_t e, double *total)
{
    const uint32_t *o = w->idx;
    size_t i, c, present = 0;

    *total = 0.0;
    if (w->t != NULL) {
        int64_t lo = w->t[o[s]], hi = lo;

        w->node_sum = 0;
        for (i = s; i < e; i++) {
            int64_t t = w->t[o[i]];

            *total += w->w[o[i]];
            w->node_sum += (int64_t)w->w[o[i]] * t;
            lo = t < lo ? t : lo;
            hi = t > hi ? t : hi;
        }
        w->node_weight = *total;
        return lo < hi;
    }
    for (c = 0; c < w->k; c++)
        w->node_w[c] = 0.0;
    for (i = s; i < e; i++)
        w->node_w[w->y[o[i]]] += w->w[o[i]];
    for (c = 0; c < w->k; c++) {
        *total += w->node_w[c];
        present += w->node_w[c] > 0.0;
    }
    return present > 1;
}

/* Classification: the left side takes a row of class y and weight wt. */
static void move_class_left(tree_ws *w, int y, double wt, double *sum_l, double *sum_r)
{
    if (w->entropy) {
        *sum_l += xlogx(w->wl[y] + wt) - xlogx(w->wl[y]);
        *sum_r += xlogx(w->wr[y] - wt) - xlogx(w->wr[y]);
    } else {
        *sum_l += 2.0 * w->wl[y] * wt + wt * wt;
        *sum_r += -2.0 * w->wr[y] * wt + wt * wt;
    }
    w->wl[y] += wt;
    w->wr[y] -= wt;
}

void tree_scan_feature(tree_ws *w, size_t f, size_t s, size_t e, double node_total,
                       tree_split *best)
{
    const uint32_t *o = w->idx + f * w->n;
    const int32_t *code = w->code + f * w->n;
    size_t i, c, k = w->k;
    double wl_tot = 0.0, sum_l = 0.0, sum_r = 0.0;
    int64_t t_l = 0; /* regression: the left side's weighted target sum */

    for (c = 0; c < k; c++) {
        w->wl[c] = 0.0;
        w->wr[c] = w->node_w[c];
        sum_r += w->entropy ? xlogx(w->wr[c]) : w->wr[c] * w->wr[c];
    }
    for (i = s; i + 1 < e; i++) {
        uint32_t r = o[i];
        double wt = w->w[r], cost;
        size_t n_left = i + 1 - s;

        if (w->t != NULL)
            t_l += (int64_t)wt * w->t[r];
        else
            move_class_left(w, w->y[r], wt, &sum_l, &sum_r);
        wl_tot += wt;
        if (code[r] == code[o[i + 1]] || n_left < w->min_leaf || e - s - n_left < w->min_leaf)
            continue;
        if (w->t != NULL) {
            double sl = (double)t_l, sr = (double)(w->node_sum - t_l);

            cost = -(sl * sl / wl_tot + sr * sr / (node_total - wl_tot));
        } else {
            cost = side_cost(w->entropy, wl_tot, sum_l) +
                   side_cost(w->entropy, node_total - wl_tot, sum_r);
        }
        if (cost < best->cost) { /* strict: the first best split wins */
            best->cost = cost;
            best->feature = f;
            best->pos = i + 1;
            best->ca = code[r];
            best->cb = code[o[i + 1]];
        }
    }
}

void tree_partition(tree_ws *w, size_t s, size_t e)
{
    size_t j, i;

    for (j = 0; j < w->p; j++) {
        uint32_t *o = w->idx + j * w->n;
        size_t a = s, b = 0;

        for (i = s; i < e; i++) {
            if (w->left[o[i]])
                o[a++] = o[i];
            else
                w->tmp[b++] = o[i];
        }
        memcpy(o + a, w->tmp, b * sizeof *o);
    }
}

double tree_place_threshold(const tree_ws *w, size_t f, int32_t ca, int32_t cb, double steps)
{
    const uint32_t *o = w->order + f * w->n;
    const int32_t *code = w->code + f * w->n;
    int32_t c = (int32_t)floor(((double)ca + (double)cb) / 2.0);
    size_t lo = 0, hi = w->n;
    double zlo, zhi, t, a, b;

    if (c >= cb)
        c = cb - 1;
    /* First row (in code order, over all training rows) with code > c. */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (code[o[mid]] <= c)
            lo = mid + 1;
        else
            hi = mid;
    }
    zlo = w->z[(size_t)o[lo - 1] * w->p + f];
    zhi = w->z[(size_t)o[lo] * w->p + f];
    t = ((double)c + 0.5) / steps;
    if (zlo <= t && t < zhi)
        return t;
    a = fmax(zlo, (double)c / steps);
    b = fmin(zhi, ((double)c + 1.0) / steps);
    return a < b ? a + (b - a) / 2.0 : zlo;
}

void tree_clear_leaf(const tree_ws *w, tree_one *t, size_t id)
{
    if (w->t != NULL) {
        t->mean[id] = 0.0;
        return;
    }
    t->cls[id] = -1;
    memset(t->value + id * w->k, 0, w->k * sizeof *t->value);
}

void tree_make_leaf(const tree_ws *w, tree_one *t, size_t id)
{
    size_t k = w->k, c, best = 0, given = 0;
    double total = 0.0;
    int *v;

    if (w->t != NULL) {
        t->mean[id] = ldexp((double)w->node_sum, -w->t_frac) / w->node_weight;
        return;
    }
    v = t->value + id * k;
    for (c = 0; c < k; c++) {
        total += w->node_w[c];
        if (w->node_w[c] > w->node_w[best])
            best = c;
    }
    t->cls[id] = (int)best;
    for (c = 0; c < k; c++) {
        v[c] = (int)floor(w->node_w[c] / total * MLQ_TREE_LEAF_SCALE);
        given += (size_t)v[c];
    }
    /* Largest remainders get the units left over; lower class first on ties. */
    while (given < MLQ_TREE_LEAF_SCALE) {
        size_t pick = k;
        double pick_r = -1.0;

        for (c = 0; c < k; c++) {
            double r = w->node_w[c] / total * MLQ_TREE_LEAF_SCALE - v[c];

            if (w->node_w[c] > 0.0 && r > pick_r && r > 0.0) {
                pick_r = r;
                pick = c;
            }
        }
        if (pick == k)
            pick = best;
        v[pick]++;
        given++;
    }
}
