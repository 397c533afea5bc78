/* SPDX-License-Identifier: MIT */
/*
 * The trainer of decision trees and random forests (CART; the model is
 * tree_model.c).
 *
 * Splits are searched on the device's input codes. Every training value is
 * first mapped to the Q1.15 code the device quantizer gives it
 * (mlq_input_quant + mlq_quant_f32_to_q15), and a split may only separate
 * two different codes: values closer than one Q15 step (R / 32768 standard
 * deviations) stay together, because the device could not tell them apart.
 * The threshold of a split between codes ca < cb is placed on a code
 * boundary c in [ca, cb) (the middle one), at z = (c + 1/2) / steps, the
 * point where the input quantizer's rounding moves from c to c + 1, kept
 * strictly between the training values on either side; the exporter reads
 * the device threshold back as floor(z * steps) = c. So the device's
 * comparison code <= c takes the same branch as the host's z <= threshold
 * for every training value, and for other inputs the two boundaries differ
 * only by the float rounding of the quantizer.
 *
 * Split search (the GSL workspace idiom: tree_ws_alloc / _free): every
 * feature is sorted once by code; each tree filters these orders to its
 * rows, and each split partitions every feature's order stably, so a node
 * costs O(rows x features) and no node sorts again. Impurities are updated
 * in O(1) per row (running sums of squared or x log x class weights).
 * Growth uses an explicit stack (preorder, left subtree first). Every
 * split visits the features in a random order (the seed's), keeping the
 * first best: ties between features are broken at random, as the common
 * reference does.
 *
 * Forests: each tree draws a bootstrap sample (n rows with replacement; a
 * row drawn c times weighs c) and examines --max-features features per
 * split, drawn without replacement (more when none of them can split, as
 * the common reference does). Leaf class distributions are rounded to
 * integers summing to MLQ_TREE_LEAF_SCALE (largest remainders, lower class
 * first on equal remainders), the very integers the device adds.
 * Deterministic for a seed (GSL mt19937).
 */
#include <cjson/cJSON.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "algo.h"
#include "mlq/quant.h"
#include "mlq/tree.h"
#include "tree_params.h"

/* ---- workspace ------------------------------------------------------------- */

typedef struct tree_ws {
    size_t n, p, k;
    const int *y;          /* [n] */
    const double *z;       /* [n][p] standardized rows */
    int32_t *code;         /* [p][n] device input code of each training value */
    uint32_t *order;       /* [p][n] rows sorted by (code, z, row), per feature */
    uint32_t *idx;         /* [p][n] this tree's rows, per feature, node segments sorted */
    uint32_t *tmp;         /* [n] partition buffer */
    unsigned char *left;   /* [n] row goes left in the current split */
    double *w;             /* [n] row weight in this tree (class weight x bootstrap count) */
    double *cw;            /* [k] class weights */
    double *node_w;        /* [k] class weights of the node */
    double *wl, *wr;       /* [k] left / right class weights during a scan */
    size_t *feat;          /* [p] feature order of a node */
    int entropy;
    size_t max_depth, min_leaf, min_split, max_features;
} tree_ws;

static void tree_ws_free(tree_ws *w)
{
    if (w == NULL)
        return;
    free(w->code);
    free(w->order);
    free(w->idx);
    free(w->tmp);
    free(w->left);
    free(w->w);
    free(w->cw);
    free(w->node_w);
    free(w->wl);
    free(w->wr);
    free(w->feat);
    free(w);
}

static tree_ws *tree_ws_alloc(size_t n, size_t p, size_t k)
{
    tree_ws *w = mlq_calloc(1, sizeof *w);

    if (w == NULL)
        return NULL;
    w->n = n;
    w->p = p;
    w->k = k;
    w->code = mlq_calloc(n * p, sizeof *w->code);
    w->order = mlq_calloc(n * p, sizeof *w->order);
    w->idx = mlq_calloc(n * p, sizeof *w->idx);
    w->tmp = mlq_calloc(n, sizeof *w->tmp);
    w->left = mlq_calloc(n, 1);
    w->w = mlq_calloc(n, sizeof *w->w);
    w->cw = mlq_calloc(k, sizeof *w->cw);
    w->node_w = mlq_calloc(k, sizeof *w->node_w);
    w->wl = mlq_calloc(k, sizeof *w->wl);
    w->wr = mlq_calloc(k, sizeof *w->wr);
    w->feat = mlq_calloc(p, sizeof *w->feat);
    if (w->code == NULL || w->order == NULL || w->idx == NULL || w->tmp == NULL ||
        w->left == NULL || w->w == NULL || w->cw == NULL || w->node_w == NULL ||
        w->wl == NULL || w->wr == NULL || w->feat == NULL) {
        tree_ws_free(w);
        return NULL;
    }
    return w;
}

/* qsort context: one feature's codes and z values (qsort has no argument). */
static const int32_t *sort_code;
static const double *sort_z;
static size_t sort_p;

static int cmp_rows(const void *a, const void *b)
{
    uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
    double zi = sort_z[(size_t)i * sort_p], zj = sort_z[(size_t)j * sort_p];

    if (sort_code[i] != sort_code[j])
        return sort_code[i] < sort_code[j] ? -1 : 1;
    if (zi != zj)
        return zi < zj ? -1 : 1;
    return (i > j) - (i < j);
}

/* Device codes of every training value and the per-feature sort orders. */
static int tree_ws_init(tree_ws *w, const mlq_model *m, const mlq_dataset *d, mlq_err *err)
{
    size_t n = w->n, p = w->p, i, j;

    for (j = 0; j < p; j++) {
        float off, gain, xf;
        mlq_q15_t q;
        mlq_quant qj = {1, NULL, NULL};

        if (mlq_input_quant(m, j, &off, &gain) != 0)
            return mlq_err_set(err, d->path, 0, "feature '%s': scale %g cannot be represented in float",
                               m->feature_names[j], m->scale[j]);
        qj.offset = &off;
        qj.gain = &gain;
        for (i = 0; i < n; i++) {
            xf = (float)d->x[i * p + j];
            if (mlq_quant_f32_to_q15(&qj, &xf, 1, &q) != MLQ_OK)
                return mlq_err_set(err, d->path, d->line != NULL ? d->line[i] : 0, "feature '%s' cannot be quantized",
                                   m->feature_names[j]);
            w->code[j * n + i] = q;
            w->order[j * n + i] = (uint32_t)i;
        }
        sort_code = w->code + j * n;
        sort_z = w->z + j;
        sort_p = p;
        qsort(w->order + j * n, n, sizeof *w->order, cmp_rows);
    }
    return 0;
}

/* ---- impurity ----------------------------------------------------------------- */

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

/* ---- growing one tree ----------------------------------------------------------- */

typedef struct frame {
    size_t start, end, depth;
    int parent, side; /* side 0 = left child of parent, 1 = right */
} frame;

typedef struct split {
    size_t feature, pos; /* rows [start, pos) of the feature's order go left */
    double cost;
    int32_t ca, cb;      /* last code on the left, first on the right */
} split;

/* Best split of node rows [s, e) over one feature f; updates *best. */
static void scan_feature(tree_ws *w, size_t f, size_t s, size_t e, double node_total, split *best)
{
    const uint32_t *o = w->idx + f * w->n;
    const int32_t *code = w->code + f * w->n;
    size_t i, c, k = w->k;
    double wl_tot = 0.0, sum_l = 0.0, sum_r = 0.0;

    for (c = 0; c < k; c++) {
        w->wl[c] = 0.0;
        w->wr[c] = w->node_w[c];
        sum_r += w->entropy ? xlogx(w->wr[c]) : w->wr[c] * w->wr[c];
    }
    for (i = s; i + 1 < e; i++) {
        uint32_t r = o[i];
        int y = w->y[r];
        double wt = w->w[r], cost;
        size_t n_left = i + 1 - s;

        if (w->entropy) {
            sum_l += xlogx(w->wl[y] + wt) - xlogx(w->wl[y]);
            sum_r += xlogx(w->wr[y] - wt) - xlogx(w->wr[y]);
        } else {
            sum_l += 2.0 * w->wl[y] * wt + wt * wt;
            sum_r += -2.0 * w->wr[y] * wt + wt * wt;
        }
        w->wl[y] += wt;
        w->wr[y] -= wt;
        wl_tot += wt;
        if (code[r] == code[o[i + 1]] || n_left < w->min_leaf || e - s - n_left < w->min_leaf)
            continue;
        cost = side_cost(w->entropy, wl_tot, sum_l) + side_cost(w->entropy, node_total - wl_tot, sum_r);
        if (cost < best->cost) { /* strict: the first best split wins */
            best->cost = cost;
            best->feature = f;
            best->pos = i + 1;
            best->ca = code[r];
            best->cb = code[o[i + 1]];
        }
    }
}

/* Stable partition of every feature's segment [s, e) by w->left. */
static void partition(tree_ws *w, size_t s, size_t e)
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

/* Host threshold for a split of feature f between codes ca < cb (see top). */
static double place_threshold(const tree_ws *w, size_t f, int32_t ca, int32_t cb, double steps)
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

/* Leaf distribution of the node's class weights: class and value[k]. */
static void make_leaf(const tree_ws *w, tree_one *t, size_t id)
{
    size_t k = w->k, c, best = 0, given = 0;
    double total = 0.0;
    int *v = t->value + id * k;

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

/* Grow one tree on the rows with w->w > 0 (already in w->idx, n_act rows). */
static int grow(tree_ws *w, gsl_rng *rng, size_t n_act, double steps, tree_one *t)
{
    size_t cap = 64, sp = 0, stack_cap = 64, k = w->k;
    frame *stack = mlq_calloc(stack_cap, sizeof *stack);

    memset(t, 0, sizeof *t);
    if (stack == NULL || tree_one_reserve(t, cap, k) != 0) {
        free(stack);
        return -1;
    }
    stack[sp++] = (frame){0, n_act, 0, -1, 0};
    while (sp > 0) {
        frame fr = stack[--sp];
        size_t id = t->n_nodes, i, c, n_rows = fr.end - fr.start, present = 0, examined = 0, q;
        double total = 0.0;
        split best = {0, 0, HUGE_VAL, 0, 0};
        const uint32_t *o0 = w->idx;

        if (id == cap) {
            cap *= 2;
            if (tree_one_reserve(t, cap, k) != 0) {
                free(stack);
                return -1;
            }
        }
        t->n_nodes++;
        if (fr.parent >= 0)
            (fr.side ? t->right : t->left)[fr.parent] = (int)id;
        if (fr.depth > t->depth)
            t->depth = fr.depth;
        for (c = 0; c < k; c++)
            w->node_w[c] = 0.0;
        for (i = fr.start; i < fr.end; i++)
            w->node_w[w->y[o0[i]]] += w->w[o0[i]];
        for (c = 0; c < k; c++) {
            total += w->node_w[c];
            present += w->node_w[c] > 0.0;
        }
        t->feature[id] = -1;
        t->threshold[id] = 0.0;
        t->left[id] = t->right[id] = -1;
        t->cls[id] = -1;
        memset(t->value + id * k, 0, k * sizeof *t->value);
        if (present > 1 && fr.depth < w->max_depth && n_rows >= w->min_split &&
            n_rows >= 2 * w->min_leaf) {
            /* Features in a random order (seeded), as the reference does:
             * the first of equally good splits wins, so ties between
             * features are broken at random rather than always towards
             * the lowest index; with --max-features the order also
             * decides which features are examined. */
            for (i = 0; i < w->p; i++)
                w->feat[i] = i;
            gsl_ran_shuffle(rng, w->feat, w->p, sizeof *w->feat);
            for (q = 0; q < w->p; q++) {
                size_t f = w->feat[q];
                const uint32_t *o = w->idx + f * w->n;
                const int32_t *code = w->code + f * w->n;

                if (examined >= w->max_features && best.cost < HUGE_VAL)
                    break;
                if (code[o[fr.start]] == code[o[fr.end - 1]])
                    continue; /* constant here: not counted, as in the reference */
                examined++;
                scan_feature(w, f, fr.start, fr.end, total, &best);
            }
        }
        if (best.cost == HUGE_VAL) {
            make_leaf(w, t, id);
            continue;
        }
        t->feature[id] = (int)best.feature;
        t->threshold[id] = place_threshold(w, best.feature, best.ca, best.cb, steps);
        {
            const uint32_t *o = w->idx + best.feature * w->n;

            for (i = fr.start; i < fr.end; i++)
                w->left[o[i]] = (unsigned char)(i < best.pos);
        }
        partition(w, fr.start, fr.end);
        if (sp + 2 > stack_cap) {
            frame *ns = mlq_realloc(stack, stack_cap * 2, sizeof *stack);

            if (ns == NULL) {
                free(stack);
                return -1;
            }
            stack = ns;
            stack_cap *= 2;
        }
        /* Right first, so that the left subtree is grown (and numbered) first. */
        stack[sp++] = (frame){best.pos, fr.end, fr.depth + 1, (int)id, 1};
        stack[sp++] = (frame){fr.start, best.pos, fr.depth + 1, (int)id, 0};
    }
    free(stack);
    return 0;
}

/* ---- training entry ---------------------------------------------------------------- */

/* --max-features as a count for p features; 0 when it exceeds p. */
static size_t max_features_of(const mlq_model *m, size_t p)
{
    const cJSON *it = mlq_hyper(m->hyper, "max-features");

    if (cJSON_IsString(it)) {
        if (strcmp(it->valuestring, "sqrt") == 0) {
            size_t s = (size_t)floor(sqrt((double)p));

            return s < 1 ? 1 : s;
        }
        return p; /* "all" */
    }
    return (size_t)it->valuedouble <= p ? (size_t)it->valuedouble : 0;
}

int tree_train(mlq_model *m, const mlq_dataset *d, const double *z, bool progress, mlq_err *err)
{
    size_t n = d->n_rows, p = d->n_features, k = d->n_classes, i, j, c, t, n_trees, present = 0;
    size_t *count = NULL, nodes = 0, leaves = 0, depth = 0;
    tree_params *tp = NULL;
    tree_ws *w = NULL;
    gsl_rng *rng = NULL;
    double steps = mlq_input_steps(m);
    int forest = tree_is_forest(m), rc = -1, one_class = -1;

    n_trees = forest ? (size_t)mlq_hyper_num(m->hyper, "trees") : 1;
    for (c = 0; c < k; c++) {
        size_t cnt = 0;

        for (i = 0; i < n; i++)
            cnt += d->y[i] == (int)c;
        if (cnt > 0) {
            present++;
            one_class = (int)c;
        }
    }
    if (present < 2)
        return mlq_err_set(err, d->path, 0,
                           "every row has the same class ('%s'): a classifier needs at least two",
                           d->class_names[one_class]);
    if ((size_t)mlq_hyper_num(m->hyper, "min-samples-leaf") > n)
        return mlq_err_set(err, d->path, 0, "--min-samples-leaf %g is more than the %zu training rows",
                           mlq_hyper_num(m->hyper, "min-samples-leaf"), n);
    if (max_features_of(m, p) == 0)
        return mlq_err_set(err, d->path, 0, "--max-features %g is more than the %zu features",
                           mlq_hyper_num(m->hyper, "max-features"), p);
    tp = mlq_calloc(1, sizeof *tp);
    w = tree_ws_alloc(n, p, k);
    rng = gsl_rng_alloc(gsl_rng_mt19937);
    count = mlq_calloc(n, sizeof *count);
    if (tp == NULL || w == NULL || rng == NULL || count == NULL ||
        (tp->trees = mlq_calloc(n_trees, sizeof *tp->trees)) == NULL) {
        mlq_err_set(err, d->path, 0, "out of memory for %zu rows x %zu features", n, p);
        goto done;
    }
    tp->n_trees = n_trees;
    tp->n_classes = k;
    m->params = tp;
    gsl_rng_set(rng, m->seed);
    w->y = d->y;
    w->z = z;
    w->entropy = strcmp(mlq_hyper_str(m->hyper, "criterion"), "entropy") == 0;
    w->max_depth = cJSON_IsString(mlq_hyper(m->hyper, "max-depth"))
                       ? SIZE_MAX
                       : (size_t)mlq_hyper_num(m->hyper, "max-depth");
    w->min_leaf = (size_t)mlq_hyper_num(m->hyper, "min-samples-leaf");
    w->min_split = (size_t)mlq_hyper_num(m->hyper, "min-samples-split");
    w->max_features = max_features_of(m, p);
    if (tree_ws_init(w, m, d, err) != 0)
        goto done;
    /* Class weights: 1, or n / (classes present x rows of the class). */
    for (c = 0; c < k; c++) {
        size_t cnt = 0;

        for (i = 0; i < n; i++)
            cnt += d->y[i] == (int)c;
        w->cw[c] = 1.0;
        if (strcmp(mlq_hyper_str(m->hyper, "class-weight"), "balanced") == 0 && cnt > 0)
            w->cw[c] = (double)n / ((double)present * (double)cnt);
    }
    for (t = 0; t < n_trees; t++) {
        size_t n_act = 0;

        if (forest) {
            memset(count, 0, n * sizeof *count);
            for (i = 0; i < n; i++)
                count[gsl_rng_uniform_int(rng, (unsigned long)n)]++;
        } else {
            for (i = 0; i < n; i++)
                count[i] = 1;
        }
        for (i = 0; i < n; i++) {
            w->w[i] = (double)count[i] * w->cw[d->y[i]];
            n_act += count[i] > 0;
        }
        for (j = 0; j < p; j++) {
            const uint32_t *o = w->order + j * n;
            uint32_t *dst = w->idx + j * n;
            size_t a = 0;

            for (i = 0; i < n; i++)
                if (count[o[i]] > 0)
                    dst[a++] = o[i];
        }
        if (grow(w, rng, n_act, steps, &tp->trees[t]) != 0) {
            mlq_err_set(err, d->path, 0, "out of memory growing tree %zu", t);
            goto done;
        }
        nodes += tp->trees[t].n_nodes;
        leaves += (tp->trees[t].n_nodes + 1) / 2;
        if (tp->trees[t].depth > depth)
            depth = tp->trees[t].depth;
        if (progress && forest)
            fprintf(stderr, "forest: tree %zu/%zu: %zu nodes, depth %zu\n", t + 1, n_trees,
                    tp->trees[t].n_nodes, tp->trees[t].depth);
    }
    cJSON_AddNumberToObject(m->training, "nodes", (double)nodes);
    cJSON_AddNumberToObject(m->training, "leaves", (double)leaves);
    cJSON_AddNumberToObject(m->training, "depth", (double)depth);
    rc = 0;
done:
    free(count);
    tree_ws_free(w);
    if (rng != NULL)
        gsl_rng_free(rng);
    if (rc != 0) {
        tree_params_free(tp);
        m->params = NULL;
    }
    return rc;
}
