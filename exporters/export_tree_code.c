/* SPDX-License-Identifier: MIT */
/*
 * The code layout of decision trees and forests (mlq export --layout code,
 * mlq/tree.h): NAME_model and NAME_model_f32 written as C, one chain of
 * comparisons per tree from the split nodes that exporters/export_tree.c
 * built, the same thresholds (Q15) and keys (float) the array layout
 * holds, and leaves that add the same integers. Every node becomes
 * `if (x[f] > T) goto RIGHT;` followed by its left subtree, so the code
 * nests no deeper than one level whatever the tree's depth; a node every
 * input passes on the left (threshold 32767) becomes its left subtree
 * alone, and in Q15 code a subtree whose paths all end alike (the same leaf,
 * or in a single tree's class code the same class) becomes that leaf. On
 * float input a feature is tested for NaN before its first
 * comparison on a path (MLQ_ERR_INPUT, as the array layout's float walk
 * gives for a NaN on the path and only then). Also mlq_tree_set_layout,
 * and the flash estimate of the code for `mlq info`.
 */
#include <string.h>

#include "algo.h"
#include "device_algo.h"
#include "export_tree.h"
#include "mlq/tree.h"

/* What one function being written needs. */
typedef struct code_gen {
    FILE *f;
    const mlq_tree_dev *td;
    int fl;                 /* float input (keys, NaN tests) */
    int cls;                /* a single tree's class code: leaves set c */
    const char *ind;        /* the statements' indentation (a label's: 4 less) */
    size_t tree, first;     /* the tree being written and its first node */
    unsigned char *checked; /* [n_features] float: tested for NaN on this path */
} code_gen;

/* The key of +infinity: a float node with it sends every non-NaN input left. */
#define KEY_INF 0x7f800000

/* The label of node i of the current tree (a right child): its name after a
 * goto, or (def) its definition on a line of its own. */
static void label(const code_gen *g, size_t i, int def)
{
    fprintf(g->f, "%.*s%s%zu_%zu%s", def ? (int)strlen(g->ind) - 4 : 0, g->ind, g->cls ? "c" : "t",
            g->tree, i - g->first, def ? ":\n" : ";\n");
}

/* A leaf: what it adds (or, in the class code, its class), then the next tree. */
static void leaf(const code_gen *g, uint32_t id, int inner)
{
    const mlq_tree_dev *td = g->td;
    size_t lanes = MLQ_TREE_CODE_LANES(td->n_trees), w, c;
    const char *ind = g->ind, *more = inner ? "    " : "";

    if (g->cls) {
        fprintf(g->f, "%s%sc = %u;\n%s%sgoto cls;\n", ind, more, (unsigned)td->leaf_class[id], ind,
                more);
        return;
    }
    if (td->regress) {
        fprintf(g->f, "%s%ss += %d;\n", ind, more, td->value[id]);
    } else {
        for (w = 0; w * lanes < td->k; w++) {
            uint32_t add = 0;

            for (c = w * lanes; c < td->k && c < (w + 1) * lanes; c++) {
                uint32_t v = id < td->k ? (c == id ? MLQ_TREE_LEAF_SCALE : 0u)
                                        : td->dist[(id - td->k) * td->k + c];

                add |= v << (16 * (c - w * lanes));
            }
            if (add != 0)
                fprintf(g->f, "%s%ss%zu += 0x%08lxu;\n", ind, more, w, (unsigned long)add);
        }
    }
    fprintf(g->f, "%s%sgoto t%zu;\n", ind, more, g->tree + 1);
}

/* Does every input take node i to the left (a root leaf: either way)? */
static int always_left(const code_gen *g, size_t i)
{
    const mlq_tree_split *s = &g->td->sp[i];

    return s->left == s->right || (g->fl ? g->td->keys[i] >= KEY_INF : s->threshold == INT16_MAX);
}

/* On Q15 input, the leaf every path from child `link` of node i ends in, up to
 * what the code does with it (in the class code its class, else its id): a
 * leaf id, or -1 when the paths differ. Recursion as deep as the tree. */
static long uniform(const code_gen *g, size_t i, int32_t link);

/* The same of the paths from node i. */
static long uniform_node(const code_gen *g, size_t i)
{
    const mlq_tree_split *s = &g->td->sp[i];
    long a = uniform(g, i, s->left), b;

    if (a < 0 || always_left(g, i))
        return a;
    b = uniform(g, i, s->right);
    if (b < 0)
        return -1;
    return (g->cls ? g->td->leaf_class[a] == g->td->leaf_class[b] : a == b) ? a : -1;
}

static long uniform(const code_gen *g, size_t i, int32_t link)
{
    return link <= 0 ? -(long)link : uniform_node(g, i + (size_t)link);
}

static void node(code_gen *g, size_t i);

/* The child `link` of node i: a leaf, or the split node it names. Q15 code
 * writes a subtree whose paths all end alike as that leaf alone (float code
 * keeps its comparisons: their NaN tests decide). */
static void child(code_gen *g, size_t i, int32_t link)
{
    long u = link <= 0 ? -(long)link : g->fl ? -1 : uniform(g, i, link);

    if (u >= 0)
        leaf(g, (uint32_t)u, 0);
    else
        node(g, i + (size_t)link);
}

/* Node i and its subtrees. Recursion as deep as the tree (at most
 * MLQ_TREE_MAX_NODES nodes). */
static void node(code_gen *g, size_t i)
{
    const mlq_tree_split *s = &g->td->sp[i];
    int32_t key = g->td->keys[i];
    int tested = 0;

    if (g->fl && !g->checked[s->feature]) {
        fprintf(g->f, "%sif (mlq_tree_code_nan(x, %u))\n%s    return MLQ_ERR_INPUT;\n", g->ind,
                (unsigned)s->feature, g->ind);
        g->checked[s->feature] = 1;
        tested = 1;
    }
    if (always_left(g, i)) {
        child(g, i, s->left);
    } else {
        if (g->fl && key == INT32_MIN) /* not a decimal constant of type int32_t */
            fprintf(g->f, "%sif (mlq_tree_code_key(x, %u) > INT32_MIN", g->ind,
                    (unsigned)s->feature);
        else if (g->fl)
            fprintf(g->f, "%sif (mlq_tree_code_key(x, %u) > %ld", g->ind, (unsigned)s->feature,
                    (long)key);
        else
            fprintf(g->f, "%sif (x[%u] > %d", g->ind, (unsigned)s->feature, s->threshold);
        if (s->right > 0 && (g->fl || uniform(g, i, s->right) < 0)) {
            fprintf(g->f, ")\n%s    goto ", g->ind);
            label(g, i + (size_t)s->right, 0);
            child(g, i, s->left);
            label(g, i + (size_t)s->right, 1);
            node(g, i + (size_t)s->right);
        } else {
            fputs(") {\n", g->f);
            leaf(g, (uint32_t)(s->right > 0 ? uniform(g, i, s->right) : -s->right), 1);
            fprintf(g->f, "%s}\n", g->ind);
            child(g, i, s->left);
        }
    }
    if (tested)
        g->checked[s->feature] = 0;
}

/* Every tree in turn (the class code: the single tree), tree t + 1 at label t<t + 1>. */
static void trees(code_gen *g)
{
    const mlq_tree_dev *td = g->td;
    size_t t;

    for (t = 0; t < td->n_trees; t++) {
        g->tree = t;
        g->first = t > 0 ? td->ends[t - 1] : 0;
        if (t > 0)
            fprintf(g->f, "t%zu: /* tree %zu */\n", t, t);
        else if (td->n_trees > 1)
            fputs("    /* tree 0 */\n", g->f);
        if (!g->fl && uniform_node(g, g->first) >= 0)
            leaf(g, (uint32_t)uniform_node(g, g->first), 0);
        else
            node(g, g->first);
    }
}

/* The class with the largest sum, the lowest on ties, for a forest's predict. */
static void argmax(FILE *f, const mlq_tree_dev *td)
{
    size_t lanes = MLQ_TREE_CODE_LANES(td->n_trees), c;
    char v[40];

    fputs("    if (op == MLQ_TREE_CODE_PREDICT) { /* the largest sum, the lowest class on ties */\n",
          f);
    if (td->k > 1)
        fprintf(f, "        uint32_t best = s0%s, c = 0;\n\n", lanes == 2 ? " & 0xffffu" : "");
    for (c = 1; c < td->k; c++) {
        if (lanes == 2)
            snprintf(v, sizeof v, c % 2 ? "(s%zu >> 16)" : "(s%zu & 0xffffu)", c / 2);
        else
            snprintf(v, sizeof v, "s%zu", c);
        if (c + 1 < td->k)
            fprintf(f, "        if (%s > best) {\n            best = %s;\n"
                       "            c = %zu;\n        }\n", v, v, c);
        else
            fprintf(f, "        if (%s > best)\n            c = %zu;\n", v, c);
    }
    fprintf(f, "        *(uint16_t *)out = (uint16_t)%s;\n        return MLQ_OK;\n    }\n",
            td->k > 1 ? "c" : "0");
}

/* Does the Q15 code compare the input (some tree's paths end in different
 * leaves)? g writes the sums. */
static int compares(const code_gen *g)
{
    size_t t;

    for (t = 0; t < g->td->n_trees; t++)
        if (uniform_node(g, t > 0 ? g->td->ends[t - 1] : 0) < 0)
            return 1;
    return 0;
}

/* NAME_model (Q15) or NAME_model_f32 (float). */
static void model_function(FILE *f, const mlq_device *dev, const char *name, int fl)
{
    const mlq_tree_dev *td = dev->impl;
    size_t lanes = MLQ_TREE_CODE_LANES(td->n_trees), words = (td->k + lanes - 1) / lanes, w;
    code_gen g = {f, td, fl, 0, "    ", 0, 0, td->nan_tested};

    memset(g.checked, 0, dev->model->n_features);
    fprintf(f, "static inline mlq_status %s_model%s(unsigned op, const %s *x, uint16_t n_features,\n"
               "        void *work, size_t work_size, void *out)\n{\n",
            name, fl ? "_f32" : "", fl ? "float" : "mlq_q15_t");
    if (td->regress) {
        fputs("    int32_t s = 0;\n\n    (void)work;\n    (void)work_size;\n", f);
    } else {
        for (w = 0; w < words; w++)
            fprintf(f, "%s s%zu = 0", w == 0 ? "    uint32_t" : ",", w);
        fprintf(f, ";\n%s\n", td->forest ? "" : "    uint32_t c;\n");
    }
    if (!fl && !compares(&g))
        fputs("    (void)x; /* every path of every tree ends alike */\n", f);
    fprintf(f, "    if (op == MLQ_TREE_CODE_CHECK)\n        return MLQ_OK;\n"
               "    if (n_features != %zu)\n        return MLQ_ERR_SIZE;\n", dev->model->n_features);
    if (!td->regress && !td->forest) {
        fputs("    if (op == MLQ_TREE_CODE_PREDICT) { /* the class of the leaf reached */\n", f);
        g.cls = 1;
        g.ind = "        ";
        trees(&g);
        g.cls = 0;
        g.ind = "    ";
        fputs("    cls:\n        *(uint16_t *)out = (uint16_t)c;\n        return MLQ_OK;\n    }\n", f);
    }
    if (!td->regress)
        fprintf(f, "    if (!mlq_tree_code_work_ok(work, work_size, %zu))\n        return MLQ_ERR_BUFFER;\n",
                td->k);
    trees(&g);
    fprintf(f, "t%zu:\n", td->n_trees);
    if (td->regress) {
        fprintf(f, "    *(int32_t *)out = mlq_tree_code_mean(s, %zu, %u);\n    return MLQ_OK;\n}\n",
                td->n_trees, td->value_frac);
    } else {
        if (td->forest)
            argmax(f, td);
        fprintf(f, "    {\n        uint32_t sums[%zu];\n\n", words);
        for (w = 0; w < words; w++)
            fprintf(f, "        sums[%zu] = s%zu;\n", w, w);
        fprintf(f, "        return mlq_tree_code_finish(op, sums, %zu, %zu, work, out);\n    }\n}\n",
                td->k, td->n_trees);
    }
}

void mlq_tree_code_body(FILE *f, const mlq_device *dev, const char *name)
{
    const mlq_tree_dev *td = dev->impl;
    size_t est[MLQ_TREE_CODE_CORES];

    mlq_tree_code_bytes(td, 0, est, NULL);
    fprintf(f, "/* The %s as code (mlq export --layout code, mlq/tree.h): a chain of comparisons\n"
               " * of the Q1.15 input with each node's threshold, right when x[f] > T; a leaf %s.\n"
               " * About %zu bytes of code on Cortex-M4F (%zu on Cortex-M0) with %s_predict_q15. */\n",
            td->n_trees > 1 ? "trees" : "tree",
            td->regress ? "adds its value\n * (standardized target units x 2^value_frac) to s"
                        : "adds its class\n * distribution (255ths) to the class sums, two classes a "
                          "word (MLQ_TREE_CODE_LANES)",
            est[2], est[1], name);
    model_function(f, dev, name, 0);
}

void mlq_tree_code_float(FILE *f, const mlq_device *dev, const char *name)
{
    const mlq_tree_dev *td = dev->impl;

    fputs("/* The same for float input in raw units: each comparison is of the float's key\n"
          " * (mlq_tree_code_key) with the node's key threshold, and a feature is tested for NaN\n"
          " * before its first comparison on a path: only the features on the paths are read. */\n",
          f);
    model_function(f, dev, name, 1);
    fprintf(f, "/** The float entries' model, checked by %s_check(). */\n"
               "static inline int %s_check_f32(void)\n{\n"
               "    return (int)mlq_tree_code_check_f32(&%s_model_f32);\n}\n\n",
            name, name, name);
    if (td->regress) {
        mlq_tree_float_entry(f, name, "scores", "int32_t", "mlq_tree_code_scores_f32", "model_f32", 0);
        return;
    }
    mlq_tree_float_entry(f, name, "predict", NULL, "mlq_tree_code_predict_f32", "model_f32",
                         td->forest);
    mlq_tree_float_entry(f, name, "scores", "int32_t", "mlq_tree_code_scores_f32", "model_f32", 1);
    mlq_tree_float_entry(f, name, "proba", "uint16_t", "mlq_tree_code_proba_f32", "model_f32", 1);
}

const char *mlq_tree_own_code(const mlq_device *dev, const char *core, size_t *code)
{
    const mlq_tree_dev *td = dev->impl;
    size_t bytes[MLQ_TREE_CODE_CORES], i;

    if (td->layout != MLQ_TREE_CODE)
        return NULL;
    for (i = 0; i < MLQ_TREE_CODE_CORES && strcmp(mlq_tree_code_cores[i], core) != 0; i++)
        ;
    if (i == MLQ_TREE_CODE_CORES)
        return NULL;
    mlq_tree_code_bytes(td, 1, bytes, NULL);
    *code = bytes[i];
    return td->regress ? td->array_kern.scores : td->array_kern.predict; /* as mlq_device_kernel */
}

int mlq_tree_set_layout(mlq_device *dev, const char *layout, mlq_err *err)
{
    mlq_tree_dev *td = dev->impl;
    int code = strcmp(layout, "code") == 0;

    if (!code && strcmp(layout, "array") != 0)
        return mlq_err_set(err, NULL, 0, "--layout must be array or code, not '%s'", layout);
    if (dev->side != &mlq_device_tree)
        return code ? mlq_err_set(err, NULL, 0, "--layout code: a %s model has only its arrays "
                                  "(--layout code is for tree and forest models)",
                                  dev->model->algo->name)
                    : 0;
    if (code == (td->layout == MLQ_TREE_CODE))
        return 0;
    if (code) {
        dev->flash_bytes -= td->array_bytes; /* the input quantization's remain */
        dev->predict_bytes = 0;              /* NAME_predict reads the floats itself */
        td->array_largest = dev->largest_array;
        dev->largest_array = 0;
        td->array_kern = dev->kern;
        dev->kern.type = "mlq_tree_code";
        dev->kern.check = "mlq_tree_code_check";
        dev->kern.predict = td->regress ? NULL : "mlq_tree_code_predict_q15";
        dev->kern.scores = "mlq_tree_code_scores_q15";
        dev->kern.proba = td->regress ? NULL : "mlq_tree_code_proba_q15";
    } else {
        dev->flash_bytes += td->array_bytes;
        dev->predict_bytes = td->array_predict;
        dev->largest_array = td->array_largest;
        dev->kern = td->array_kern;
    }
    td->layout = code ? MLQ_TREE_CODE : MLQ_TREE_ARRAY;
    return 0;
}

/*
 * The flash estimate. Per core (avr, m0, m4, rv32) and entry, the bytes of
 * the code layout's firmware are modelled as
 *     node x comparisons + fadd x a forest's leaf adds + radd x a regression
 *     model's leaf adds + tree x trees + fixed + far x far comparisons
 *     + rfixed (a regression model: the output conversion)
 * where a forest's leaf adds are the words of class sums its leaves add to
 * (a single tree's leaves return their class) and a far comparison reads a
 * feature beyond the core's short load offset (AVR: features 32 and up for
 * Q15, 16 and up for floats, byte offset 64 and on; Cortex-M0: 32 and up).
 * bench/fit_code_layout.py fits the coefficients (each >= 0, the largest
 * relative error made least) to 35 trees and forests of 1 to 25 trees on
 * the bundled data sets, built for each core: the largest errors are 17 to
 * 31% (the compiler's choices, such as duplicating a short chain of
 * comparisons to spare a branch, move the code by that much); rerun it
 * when the code written below changes.
 */
enum { C_NODE, C_FADD, C_RADD, C_TREE, C_FIXED, C_FAR, C_RFIXED, C_TERMS };

static const double code_cost[MLQ_TREE_CODE_CORES][2][C_TERMS] = {
    /* node, fadd, radd, tree, fixed, far, rfixed: NAME_predict_q15, then NAME_predict */
    {{5.7, 9.6, 9.1, 0.0, 146.5, 20.2, 1170.8}, {10.8, 28.3, 33.1, 0.0, 337.7, 57.4, 585.9}}, /* avr */
    {{12.4, 6.8, 7.8, 43.6, 0.0, 1.6, 370.8}, {26.0, 5.4, 5.0, 0.0, 17.4, 19.9, 405.3}},     /* m0 */
    {{10.7, 4.6, 5.7, 61.9, 0.0, 0.0, 510.5}, {29.3, 3.7, 0.0, 0.0, 7.2, 0.0, 375.5}},       /* m4 */
    {{10.8, 5.6, 8.7, 52.6, 0.0, 0.0, 408.1}, {29.6, 6.4, 1.0, 0.0, 25.8, 0.0, 416.1}},      /* rv32 */
};

/* Where a comparison's feature is beyond the core's short load offset, per core and entry:
 * 0 never, 1 from feature 16 on, 2 from feature 32 on (the index of far[] below). */
static const unsigned char far_from[MLQ_TREE_CODE_CORES][2] = {{2, 1}, {2, 2}, {0, 0}, {0, 0}};

const char *const mlq_tree_code_cores[MLQ_TREE_CODE_CORES] = {"avr", "m0", "m4", "rv32"};

/* 1 when split node s is a comparison of the code (not a root leaf's stand-in). */
static size_t is_comparison(const mlq_tree_split *s)
{
    return s->left != s->right && s->threshold != INT16_MAX ? 1u : 0u;
}

void mlq_tree_code_bytes(const mlq_tree_dev *td, int fl, size_t bytes[MLQ_TREE_CODE_CORES],
                         size_t counts[2])
{
    size_t lanes = MLQ_TREE_CODE_LANES(td->n_trees), i, c, adds = 0, nodes = 0;
    size_t far[3] = {0, 0, 0}; /* comparisons of features 16 and up, 32 and up (far_from) */
    int side;

    for (i = 0; i < td->n_nodes; i++) {
        const mlq_tree_split *s = &td->sp[i];
        int32_t links[2] = {s->left, s->right};
        size_t cmp = is_comparison(s);

        nodes += cmp;
        far[1] += s->feature >= 16u ? cmp : 0u;
        far[2] += s->feature >= 32u ? cmp : 0u;
        for (side = 0; side < 2; side++) {
            uint32_t id = (uint32_t)-links[side];

            if (links[side] > 0 || (side == 1 && s->left == s->right))
                continue;
            if (td->regress || id < td->k) {
                adds++;
                continue;
            }
            for (c = 0; c < td->k; c += lanes) /* the words this distribution adds to */
                adds += td->dist[(id - td->k) * td->k + c] != 0 ||
                        (lanes == 2 && c + 1 < td->k && td->dist[(id - td->k) * td->k + c + 1] != 0);
        }
    }
    if (counts != NULL) {
        counts[0] = nodes;
        counts[1] = adds;
    }
    for (c = 0; c < MLQ_TREE_CODE_CORES; c++) {
        const double *k = code_cost[c][fl != 0];

        bytes[c] = (size_t)(k[C_NODE] * (double)nodes + (td->forest ? k[C_FADD] * (double)adds : 0.0) +
                            (td->regress ? k[C_RADD] * (double)adds + k[C_RFIXED] : 0.0) +
                            k[C_TREE] * (double)td->n_trees + k[C_FIXED] + k[C_FAR] * (double)far[far_from[c][fl != 0]] + 0.5);
    }
}
