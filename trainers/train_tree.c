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
 * costs O(rows x features) and no node sorts again. The impurities (gini,
 * entropy, and for regression variance reduction), the scan and the
 * leaves are tree_split.c's.
 * Growth uses an explicit stack (preorder, left subtree first). Every
 * split visits the features in a random order (the seed's), keeping the
 * first best: ties between features are broken at random, as the common
 * reference does.
 *
 * Forests: each tree draws a bootstrap sample (n rows with replacement; a
 * row drawn c times weighs c) and examines --max-features features per
 * split, drawn without replacement (more when none of them can split, as
 * the common reference does). A regression leaf is the mean of its rows'
 * standardized targets weighted by their bootstrap counts, as the
 * reference's is. Deterministic for a seed (GSL mt19937).
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
#include "tree_params.h"
#include "tree_split.h"

/* ---- workspace (tree_split.h) ------------------------------------------------ */

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
    free(w->t);
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

/* ---- growing one tree ----------------------------------------------------------- */

typedef struct frame {
    size_t start, end, depth;
    int parent, side; /* side 0 = left child of parent, 1 = right */
} frame;

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
        size_t id = t->n_nodes, i, n_rows = fr.end - fr.start, examined = 0, q;
        double total;
        tree_split best = {0, 0, HUGE_VAL, 0, 0};
        int mixed;

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
        mixed = tree_node_totals(w, fr.start, fr.end, &total);
        t->feature[id] = -1;
        t->threshold[id] = 0.0;
        t->left[id] = t->right[id] = -1;
        tree_clear_leaf(w, t, id);
        if (mixed && fr.depth < w->max_depth && n_rows >= w->min_split &&
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
                tree_scan_feature(w, f, fr.start, fr.end, total, &best);
            }
        }
        if (best.cost == HUGE_VAL) {
            tree_make_leaf(w, t, id);
            continue;
        }
        t->feature[id] = (int)best.feature;
        t->threshold[id] = tree_place_threshold(w, best.feature, best.ca, best.cb, steps);
        {
            const uint32_t *o = w->idx + best.feature * w->n;

            for (i = fr.start; i < fr.end; i++)
                w->left[o[i]] = (unsigned char)(i < best.pos);
        }
        tree_partition(w, fr.start, fr.end);
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

/* Classification: at least two classes present (else err), and with cw the
 * class weights: 1, or n / (classes present x rows of the class). 0 or -1. */
static int class_weights(const mlq_model *m, const mlq_dataset *d, double *cw, mlq_err *err)
{
    size_t n = d->n_rows, k = d->n_classes, c, i, present = 0;
    int one_class = -1;

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
    for (c = 0; cw != NULL && c < k; c++) {
        size_t cnt = 0;

        for (i = 0; i < n; i++)
            cnt += d->y[i] == (int)c;
        cw[c] = 1.0;
        if (strcmp(mlq_hyper_str(m->hyper, "class-weight"), "balanced") == 0 && cnt > 0)
            cw[c] = (double)n / ((double)present * (double)cnt);
    }
    return 0;
}

int tree_train(mlq_model *m, const mlq_dataset *d, const double *z, bool progress, mlq_err *err)
{
    size_t n = d->n_rows, p = d->n_features, k = d->n_classes, i, j, t, n_trees;
    size_t *count = NULL, nodes = 0, leaves = 0, depth = 0;
    tree_params *tp = NULL;
    tree_ws *w = NULL;
    gsl_rng *rng = NULL;
    double steps = mlq_input_steps(m), *target = NULL;
    int forest = tree_is_forest(m), rc = -1, regress = mlq_model_task(m) == MLQ_TASK_REGRESS;

    n_trees = forest ? (size_t)mlq_hyper_num(m->hyper, "trees") : 1;
    if (!regress && class_weights(m, d, NULL, err) != 0)
        return -1;
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
    if (regress)
        target = mlq_target_z(m, d);
    if (tp == NULL || w == NULL || rng == NULL || count == NULL ||
        (regress && (target == NULL || tree_targets_fixed(w, target) != 0)) ||
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
    w->entropy = !regress && strcmp(mlq_hyper_str(m->hyper, "criterion"), "entropy") == 0;
    w->max_depth = cJSON_IsString(mlq_hyper(m->hyper, "max-depth"))
                       ? SIZE_MAX
                       : (size_t)mlq_hyper_num(m->hyper, "max-depth");
    w->min_leaf = (size_t)mlq_hyper_num(m->hyper, "min-samples-leaf");
    w->min_split = (size_t)mlq_hyper_num(m->hyper, "min-samples-split");
    w->max_features = max_features_of(m, p);
    if (tree_ws_init(w, m, d, err) != 0)
        goto done;
    if (!regress && class_weights(m, d, w->cw, err) != 0)
        goto done;
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
            w->w[i] = regress ? (double)count[i] : (double)count[i] * w->cw[d->y[i]];
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
    free(target);
    tree_ws_free(w);
    if (rng != NULL)
        gsl_rng_free(rng);
    if (rc != 0) {
        tree_params_free(tp);
        m->params = NULL;
    }
    return rc;
}
