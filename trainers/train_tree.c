/* SPDX-License-Identifier: MIT */
/*
 * CART classification trees and random forests on the host.
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
 * first on equal remainders); the model's class is the largest sum of its
 * trees' leaf distributions (a single tree: the largest entry of its leaf's
 * distribution), lowest class on ties, and its scores and probabilities
 * are the sums / (MLQ_TREE_LEAF_SCALE x trees), with the very integers the
 * device adds. Deterministic for a seed (GSL mt19937).
 */
#include <cjson/cJSON.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "algo.h"
#include "export.h"
#include "export_tree.h"
#include "mlq/quant.h"
#include "mlq/tree.h"
#include "tree_params.h"

/* ---- parameters ----------------------------------------------------------- */

static void tree_one_free(tree_one *t)
{
    free(t->feature);
    free(t->threshold);
    free(t->left);
    free(t->right);
    free(t->cls);
    free(t->value);
    memset(t, 0, sizeof *t);
}

static void tree_params_free(void *params)
{
    tree_params *tp = params;
    size_t t;

    if (tp == NULL)
        return;
    for (t = 0; tp->trees != NULL && t < tp->n_trees; t++)
        tree_one_free(&tp->trees[t]);
    free(tp->trees);
    free(tp);
}

/* Room for n nodes (k classes) in t; 0 or -1. */
static int tree_one_reserve(tree_one *t, size_t n, size_t k)
{
    int *f = mlq_realloc(t->feature, n, sizeof *f);
    double *th;
    int *l, *r, *c, *v;

    if (f == NULL)
        return -1;
    t->feature = f;
    if ((th = mlq_realloc(t->threshold, n, sizeof *th)) == NULL)
        return -1;
    t->threshold = th;
    if ((l = mlq_realloc(t->left, n, sizeof *l)) == NULL)
        return -1;
    t->left = l;
    if ((r = mlq_realloc(t->right, n, sizeof *r)) == NULL)
        return -1;
    t->right = r;
    if ((c = mlq_realloc(t->cls, n, sizeof *c)) == NULL)
        return -1;
    t->cls = c;
    if ((v = mlq_realloc(t->value, n * k, sizeof *v)) == NULL)
        return -1;
    t->value = v;
    return 0;
}

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

static const cJSON *hyper_item(const mlq_model *m, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(m->hyper, key);
}

static int is_forest(const mlq_model *m)
{
    return m->algo == &mlq_algo_forest;
}

/* --max-features as a count for p features; 0 when it exceeds p. */
static size_t max_features_of(const mlq_model *m, size_t p)
{
    const cJSON *it = hyper_item(m, "max-features");

    if (cJSON_IsString(it)) {
        if (strcmp(it->valuestring, "sqrt") == 0) {
            size_t s = (size_t)floor(sqrt((double)p));

            return s < 1 ? 1 : s;
        }
        return p; /* "all" */
    }
    return (size_t)it->valuedouble <= p ? (size_t)it->valuedouble : 0;
}

static int tree_train(mlq_model *m, const mlq_dataset *d, const double *z, bool progress,
                      mlq_err *err)
{
    size_t n = d->n_rows, p = d->n_features, k = d->n_classes, i, j, c, t, n_trees, present = 0;
    size_t *count = NULL, nodes = 0, leaves = 0, depth = 0;
    tree_params *tp = NULL;
    tree_ws *w = NULL;
    gsl_rng *rng = NULL;
    double steps = mlq_input_steps(m);
    int forest = is_forest(m), rc = -1, one_class = -1;

    n_trees = forest ? (size_t)hyper_item(m, "trees")->valuedouble : 1;
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
    if ((size_t)hyper_item(m, "min-samples-leaf")->valuedouble > n)
        return mlq_err_set(err, d->path, 0, "--min-samples-leaf %g is more than the %zu training rows",
                           hyper_item(m, "min-samples-leaf")->valuedouble, n);
    if (max_features_of(m, p) == 0)
        return mlq_err_set(err, d->path, 0, "--max-features %g is more than the %zu features",
                           hyper_item(m, "max-features")->valuedouble, p);
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
    w->entropy = strcmp(hyper_item(m, "criterion")->valuestring, "entropy") == 0;
    w->max_depth = cJSON_IsString(hyper_item(m, "max-depth"))
                       ? SIZE_MAX
                       : (size_t)hyper_item(m, "max-depth")->valuedouble;
    w->min_leaf = (size_t)hyper_item(m, "min-samples-leaf")->valuedouble;
    w->min_split = (size_t)hyper_item(m, "min-samples-split")->valuedouble;
    w->max_features = max_features_of(m, p);
    if (tree_ws_init(w, m, d, err) != 0)
        goto done;
    /* Class weights: 1, or n / (classes present x rows of the class). */
    for (c = 0; c < k; c++) {
        size_t cnt = 0;

        for (i = 0; i < n; i++)
            cnt += d->y[i] == (int)c;
        w->cw[c] = 1.0;
        if (strcmp(hyper_item(m, "class-weight")->valuestring, "balanced") == 0 && cnt > 0)
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

/* ---- model file ------------------------------------------------------------------------- */

static int tree_params_save(const mlq_model *m, cJSON *obj)
{
    const tree_params *tp = m->params;
    cJSON *trees = cJSON_CreateArray();
    size_t t, i;

    if (mlq_json_add(obj, "trees", trees) != 0)
        return -1;
    for (t = 0; t < tp->n_trees; t++) {
        const tree_one *tr = &tp->trees[t];
        cJSON *o = cJSON_CreateObject(), *value = cJSON_CreateArray();

        if (mlq_json_add(trees, NULL, o) != 0) {
            cJSON_Delete(value);
            return -1;
        }
        if (mlq_json_add(o, "feature", mlq_json_int_array(tr->feature, tr->n_nodes)) != 0 ||
            mlq_json_add(o, "threshold", mlq_json_array(tr->threshold, tr->n_nodes)) != 0 ||
            mlq_json_add(o, "left", mlq_json_int_array(tr->left, tr->n_nodes)) != 0 ||
            mlq_json_add(o, "right", mlq_json_int_array(tr->right, tr->n_nodes)) != 0 ||
            mlq_json_add(o, "class", mlq_json_int_array(tr->cls, tr->n_nodes)) != 0 ||
            mlq_json_add(o, "value", value) != 0)
            return -1;
        for (i = 0; i < tr->n_nodes; i++)
            if (mlq_json_add(value, NULL, mlq_json_int_array(tr->value + i * tp->n_classes, tp->n_classes)) != 0)
                return -1;
    }
    return 0;
}

/* Integer array `key` of tree t: exactly n integers in [lo, hi]. */
static int load_ints(const cJSON *o, const char *key, const char *algo, size_t t, size_t n,
                     long lo, long hi, int *out, const char *path, mlq_err *err)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, key), *it;
    size_t i = 0;

    if (!cJSON_IsArray(a) || (size_t)cJSON_GetArraySize(a) != n)
        return mlq_err_set(err, path, 0, "field '%s.trees[%zu].%s' must be an array of %zu integers",
                           algo, t, key, n);
    cJSON_ArrayForEach(it, a)
    {
        double v = it->valuedouble;

        if (!cJSON_IsNumber(it) || v != floor(v) || v < (double)lo || v > (double)hi)
            return mlq_err_set(err, path, 0,
                               "field '%s.trees[%zu].%s' node %zu must be an integer in [%ld, %ld]",
                               algo, t, key, i, lo, hi);
        out[i++] = (int)v;
    }
    return 0;
}

static int load_tree(const mlq_model *m, const cJSON *o, size_t t, tree_one *tr, size_t k,
                     const char *path, mlq_err *err)
{
    const char *algo = m->algo->name;
    const cJSON *feat = cJSON_GetObjectItemCaseSensitive(o, "feature"), *value, *row;
    size_t n, i, c;
    unsigned char *seen;
    char ctx[64];

    if (!cJSON_IsObject(o))
        return mlq_err_set(err, path, 0, "field '%s.trees[%zu]' must be an object", algo, t);
    if (!cJSON_IsArray(feat) || cJSON_GetArraySize(feat) < 1 || cJSON_GetArraySize(feat) > (1 << 24))
        return mlq_err_set(err, path, 0, "field '%s.trees[%zu].feature' must be an array of 1..%d nodes",
                           algo, t, 1 << 24);
    n = (size_t)cJSON_GetArraySize(feat);
    if (tree_one_reserve(tr, n, k) != 0)
        return mlq_err_set(err, path, 0, "out of memory");
    tr->n_nodes = n;
    snprintf(ctx, sizeof ctx, "%s.trees[%zu]", algo, t);
    if (load_ints(o, "feature", algo, t, n, -1, (long)m->n_features - 1, tr->feature, path, err) != 0 ||
        mlq_json_get_array(o, "threshold", ctx, n, tr->threshold, path, err) != 0 ||
        load_ints(o, "left", algo, t, n, -1, (long)n - 1, tr->left, path, err) != 0 ||
        load_ints(o, "right", algo, t, n, -1, (long)n - 1, tr->right, path, err) != 0 ||
        load_ints(o, "class", algo, t, n, -1, (long)k - 1, tr->cls, path, err) != 0)
        return -1;
    value = cJSON_GetObjectItemCaseSensitive(o, "value");
    if (!cJSON_IsArray(value) || (size_t)cJSON_GetArraySize(value) != n)
        return mlq_err_set(err, path, 0, "field '%s.value' must be an array of %zu rows", ctx, n);
    i = 0;
    cJSON_ArrayForEach(row, value)
    {
        if (!cJSON_IsArray(row) || (size_t)cJSON_GetArraySize(row) != k)
            return mlq_err_set(err, path, 0, "field '%s.value' node %zu must be an array of %zu integers",
                               ctx, i, k);
        {
            const cJSON *it;
            size_t sum = 0;

            c = 0;
            cJSON_ArrayForEach(it, row)
            {
                double v = it->valuedouble;

                if (!cJSON_IsNumber(it) || v != floor(v) || v < 0 || v > MLQ_TREE_LEAF_SCALE)
                    return mlq_err_set(err, path, 0,
                                       "field '%s.value' node %zu entry %zu must be an integer in [0, %d]",
                                       ctx, i, c, MLQ_TREE_LEAF_SCALE);
                tr->value[i * k + c++] = (int)v;
                sum += (size_t)v;
            }
            if (tr->feature[i] < 0 ? sum != MLQ_TREE_LEAF_SCALE : sum != 0)
                return mlq_err_set(err, path, 0, "field '%s.value' node %zu must sum to %d",
                                   ctx, i, tr->feature[i] < 0 ? MLQ_TREE_LEAF_SCALE : 0);
        }
        i++;
    }
    /* Structure: preorder links (children after their parent), one parent per node. */
    seen = mlq_calloc(n, 1);
    if (seen == NULL)
        return mlq_err_set(err, path, 0, "out of memory");
    for (i = 0; i < n; i++) {
        int l = tr->left[i], r = tr->right[i];

        if (tr->feature[i] < 0) {
            if (l != -1 || r != -1 || tr->cls[i] < 0) {
                free(seen);
                return mlq_err_set(err, path, 0,
                                   "field '%s' node %zu: a leaf (feature -1) needs left = right = -1 and a class",
                                   ctx, i);
            }
            continue;
        }
        if (tr->cls[i] != -1) {
            free(seen);
            return mlq_err_set(err, path, 0, "field '%s' node %zu: a split node has class -1", ctx, i);
        }
        if (l <= (int)i || r <= (int)i || l == r || seen[l] || seen[r]) {
            free(seen);
            return mlq_err_set(err, path, 0,
                               "field '%s' node %zu: child links %d and %d must be distinct nodes in "
                               "(%zu, %zu) not linked from elsewhere",
                               ctx, i, l, r, i, n);
        }
        seen[l] = seen[r] = 1;
    }
    for (i = 1; i < n; i++) {
        if (!seen[i]) {
            free(seen);
            return mlq_err_set(err, path, 0, "field '%s' node %zu is not linked from any node", ctx, i);
        }
    }
    free(seen);
    /* Depth: children follow parents, so one forward pass suffices. */
    {
        size_t *dep = mlq_calloc(n, sizeof *dep);

        if (dep == NULL)
            return mlq_err_set(err, path, 0, "out of memory");
        tr->depth = 0;
        for (i = 0; i < n; i++) {
            if (dep[i] > tr->depth)
                tr->depth = dep[i];
            if (tr->feature[i] >= 0)
                dep[tr->left[i]] = dep[tr->right[i]] = dep[i] + 1;
        }
        free(dep);
    }
    return 0;
}

static int tree_params_load(mlq_model *m, const cJSON *obj, const char *path, mlq_err *err)
{
    const cJSON *trees = cJSON_GetObjectItemCaseSensitive(obj, "trees"), *o;
    tree_params *tp;
    size_t t = 0, n;

    if (trees == NULL)
        return mlq_err_set(err, path, 0, "missing field '%s.trees'", m->algo->name);
    if (!cJSON_IsArray(trees) || cJSON_GetArraySize(trees) < 1 || cJSON_GetArraySize(trees) > 65535)
        return mlq_err_set(err, path, 0, "field '%s.trees' must be an array of 1..65535 trees",
                           m->algo->name);
    n = (size_t)cJSON_GetArraySize(trees);
    if (!is_forest(m) && n != 1)
        return mlq_err_set(err, path, 0, "field 'tree.trees' must hold exactly one tree");
    tp = mlq_calloc(1, sizeof *tp);
    if (tp == NULL || (tp->trees = mlq_calloc(n, sizeof *tp->trees)) == NULL) {
        free(tp);
        return mlq_err_set(err, path, 0, "out of memory");
    }
    tp->n_trees = n;
    tp->n_classes = m->n_classes;
    m->params = tp;
    cJSON_ArrayForEach(o, trees)
    {
        if (load_tree(m, o, t, &tp->trees[t], tp->n_classes, path, err) != 0)
            return -1;
        t++;
    }
    return 0;
}

/* ---- float predict ------------------------------------------------------------------------ */

/* Leaf node of tree tr for the standardized row z. */
static size_t leaf_of(const tree_one *tr, const double *z)
{
    size_t i = 0;

    while (tr->feature[i] >= 0)
        i = (size_t)(z[tr->feature[i]] <= tr->threshold[i] ? tr->left[i] : tr->right[i]);
    return i;
}

/* sums[c] = the trees' leaf distributions added for z: the very integers
 * the device adds (mlq/tree.h), exact in double (below 2^24). */
static void leaf_sums(const tree_params *tp, const double *z, double *sums)
{
    size_t k = tp->n_classes, t, c;

    for (c = 0; c < k; c++)
        sums[c] = 0.0;
    for (t = 0; t < tp->n_trees; t++) {
        const tree_one *tr = &tp->trees[t];
        const int *v = tr->value + leaf_of(tr, z) * k;

        for (c = 0; c < k; c++)
            sums[c] += v[c];
    }
}

/* The class of the largest leaf distribution sum, the lowest on ties (a
 * single tree: the largest entry of its leaf's distribution, which the
 * device's leaf_class holds). */
static int tree_predict(const mlq_model *m, const double *z)
{
    const tree_params *tp = m->params;
    double buf[256], *sums = buf;
    size_t c, best = 0;

    if (tp->n_classes > 256 && (sums = mlq_calloc(tp->n_classes, sizeof *sums)) == NULL)
        return 0; /* out of memory: class 0 (trainer and compare report it elsewhere) */
    leaf_sums(tp, z, sums);
    for (c = 1; c < tp->n_classes; c++)
        if (sums[c] > sums[best]) /* strict: ties keep the lower class, as on the device */
            best = c;
    if (sums != buf)
        free(sums);
    return (int)best;
}

/* Scores and probabilities alike: each class's average leaf probability,
 * sum / (MLQ_TREE_LEAF_SCALE x trees), summing to 1; the division keeps
 * the order of the sums, so the largest is tree_predict's class. */
static void tree_host_scores(const mlq_model *m, const double *z, double *scores)
{
    const tree_params *tp = m->params;
    double total = (double)MLQ_TREE_LEAF_SCALE * (double)tp->n_trees;
    size_t c;

    leaf_sums(tp, z, scores);
    for (c = 0; c < tp->n_classes; c++)
        scores[c] /= total;
}

static int tree_host_proba(const mlq_model *m, const double *z, double *proba)
{
    tree_host_scores(m, z, proba);
    return 0;
}

/* ---- the two algorithms --------------------------------------------------------------------- */

static mlq_task tree_task(const cJSON *hyper)
{
    (void)hyper;
    return MLQ_TASK_CLASSIFY;
}

#define COMMON_OPTS(features_default)                                                          \
    {"criterion", MLQ_OPT_CHOICE, "gini", 0, 0, false, "gini|entropy", "split quality"},       \
    {"max-depth", MLQ_OPT_INT, "10", 1, 1000, false, "none",                                   \
     "deepest leaf (root = depth 0), or none"},                                                \
    {"min-samples-leaf", MLQ_OPT_INT, "1", 1, 1e9, false, NULL,                                \
     "rows a leaf must keep at least (distinct rows of the bootstrap sample in a forest)"},    \
    {"min-samples-split", MLQ_OPT_INT, "2", 2, 1e9, false, NULL,                               \
     "rows a node needs to be split"},                                                         \
    {"class-weight", MLQ_OPT_CHOICE, "none", 0, 0, false, "none|balanced",                     \
     "balanced: weight each class by rows / (classes x rows of the class)"},                   \
    {"max-features", MLQ_OPT_INT, features_default, 1, 65535, false, "sqrt|all",               \
     "features examined per split: a number, sqrt(features) or all"}

static const mlq_opt tree_opts[] = {COMMON_OPTS("all")};

static const mlq_opt forest_opts[] = {
    {"trees", MLQ_OPT_INT, "10", 1, 65535, false, NULL, "trees, each on a bootstrap sample"},
    COMMON_OPTS("sqrt"),
};

static size_t tree_n_outputs(const mlq_model *m)
{
    return m->n_classes;
}

const mlq_algo mlq_algo_tree = {
    .name = "tree",
    .summary = "decision tree (CART); predict = the largest class of the leaf reached",
    .task = tree_task,
    .bits = "16",
    .opts = tree_opts,
    .n_opts = sizeof tree_opts / sizeof tree_opts[0],
    .train = tree_train,
    .params_save = tree_params_save,
    .params_load = tree_params_load,
    .params_free = tree_params_free,
    .predict = tree_predict,
    .device_build = mlq_tree_device_build,
    .device_predict = mlq_tree_device_predict,
    .device_free = mlq_tree_device_free,
    .export_body = mlq_tree_export_body,
    .info = mlq_tree_info,
    .n_outputs = tree_n_outputs,
    .host_scores = tree_host_scores,
    .host_proba = tree_host_proba,
    .device_scores = mlq_tree_device_scores,
    .device_proba = mlq_tree_device_proba,
    .export_float = mlq_tree_export_float,
};

const mlq_algo mlq_algo_forest = {
    .name = "forest",
    .summary = "random forest (bootstrap CART trees); predict = largest summed leaf distribution",
    .task = tree_task,
    .bits = "16",
    .opts = forest_opts,
    .n_opts = sizeof forest_opts / sizeof forest_opts[0],
    .train = tree_train,
    .params_save = tree_params_save,
    .params_load = tree_params_load,
    .params_free = tree_params_free,
    .predict = tree_predict,
    .device_build = mlq_tree_device_build,
    .device_predict = mlq_tree_device_predict,
    .device_free = mlq_tree_device_free,
    .export_body = mlq_tree_export_body,
    .info = mlq_tree_info,
    .n_outputs = tree_n_outputs,
    .host_scores = tree_host_scores,
    .host_proba = tree_host_proba,
    .device_scores = mlq_tree_device_scores,
    .device_proba = mlq_tree_device_proba,
    .export_float = mlq_tree_export_float,
};
