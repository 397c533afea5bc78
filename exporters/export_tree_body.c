/* SPDX-License-Identifier: MIT */
/*
 * Decision tree and forest header body (the Q15 nodes and NAME_model; the
 * float nodes, NAME_model_f32 and the float entries that read only the
 * features on a path) and the tree lines of `mlq info`, from the device
 * model that exporters/export_tree.c built.
 */
#include <stdlib.h>
#include <string.h>

#include "export_tree.h"
#include "mlq/tree.h"
#include "tree_params.h"

/* "NAME_SUFFIX" or "NULL" as a struct member. */
static void member(FILE *f, const char *name, const char *suffix, int present, const char *sep)
{
    if (present)
        fprintf(f, "%s_%s%s", name, suffix, sep);
    else
        fprintf(f, "NULL%s", sep);
}

/* A regression model's leaf values and NAME_model (after the nodes and ends). */
static void reg_body(FILE *f, const mlq_tree_dev *td, const mlq_device *dev, const char *name, int64_t *tmp)
{
    char shape[160];
    size_t i;

    for (i = 0; i < td->n_values; i++)
        tmp[i] = td->value[i];
    snprintf(shape, sizeof shape, "[%zu] leaf values (leaf id = index): the prediction in standardized "
             "target units x 2^%u", td->n_values, td->value_frac);
    mlq_emit_ints(f, "int16_t", name, "leaf_value", shape, tmp, td->n_values, 12);
    fprintf(f, "MLQ_MAYBE_UNUSED static const mlq_tree_reg_q15 %s_model MLQ_FLASH = {%zu, %zu, %zu, %u, "
               "%s_nodes, %s_ends, %s_leaf_value};\n",
            name, dev->model->n_features, td->n_trees, td->n_values, td->value_frac, name, name, name);
}

int mlq_tree_export_body(FILE *f, const mlq_device *dev, const char *name)
{
    const mlq_tree_dev *td = dev->impl;
    size_t i, t, n = td->n_nodes, nt = td->n_trees, n_ids = td->k + td->n_dist + td->n_values;
    size_t n_tmp = nt > td->n_dist * td->k ? nt : td->n_dist * td->k;
    int64_t *tmp = mlq_calloc(n_tmp > n_ids ? n_tmp : n_ids, sizeof *tmp);
    char shape[160];

    if (td->layout == MLQ_TREE_CODE) {
        free(tmp);
        mlq_tree_code_body(f, dev, name);
        return 0;
    }
    if (tmp == NULL)
        return -1;
    fprintf(f, "/* [%zu] split nodes {2 x feature, threshold Q1.15 (left when x <= it), left, right};\n"
               " * a link >= 0 is the byte offset of the next node from its tree's root, < 0 is\n"
               " * leaf ~link. */\n"
               "static const mlq_tree_node_q15 %s_nodes[%zu] MLQ_FLASH MLQ_ALIGN4 = {\n",
            n, name, n);
    for (i = 0; i < n; i++) {
        const mlq_tree_node_q15 *q = &td->nq[i];

        fprintf(f, "%s{%u, %d, %d, %d},%s", i % 4 == 0 ? "    " : " ", (unsigned)q->x_offset,
                q->threshold, q->left, q->right, i % 4 == 3 || i + 1 == n ? "\n" : "");
    }
    fputs("};\n", f);
    for (t = 0; t < nt; t++)
        tmp[t] = td->ends[t];
    snprintf(shape, sizeof shape, "[%zu] one past each tree's last node (the next tree's root)", nt);
    mlq_emit_ints(f, "uint16_t", name, "ends", shape, tmp, nt, 12);
    if (td->regress) {
        reg_body(f, td, dev, name, tmp);
        free(tmp);
        return 0;
    }
    if (td->n_dist > 0) {
        for (i = 0; i < td->n_dist * td->k; i++)
            tmp[i] = td->dist[i];
        snprintf(shape, sizeof shape,
                 "[%zu][%zu] impure leaf class distributions (leaf id - %zu), rows sum to %d",
                 td->n_dist, td->k, td->k, MLQ_TREE_LEAF_SCALE);
        mlq_emit_ints(f, "uint8_t", name, "dist", shape, tmp, td->n_dist * td->k, td->k < 16 ? td->k : 16);
    }
    if (td->leaf_class != NULL) {
        for (i = 0; i < n_ids; i++)
            tmp[i] = td->leaf_class[i];
        snprintf(shape, sizeof shape, "[%zu] class of each leaf id (the largest entry of its "
                 "distribution)", n_ids);
        mlq_emit_ints(f, "uint16_t", name, "leaf_class", shape, tmp, n_ids, 12);
    }
    free(tmp);
    fprintf(f, "MLQ_MAYBE_UNUSED static const mlq_tree_q15 %s_model MLQ_FLASH = {%u, %zu, %zu, %zu, "
               "%s_nodes, %s_ends, ",
            name, (unsigned)td->mq.n_features, td->k, nt, td->n_dist, name, name);
    member(f, name, "dist", td->n_dist > 0, ", ");
    member(f, name, "leaf_class", td->leaf_class != NULL, "};\n");
    return 0;
}

void mlq_tree_float_entry(FILE *f, const char *name, const char *verb, const char *out,
                          const char *kernel, const char *model, int work)
{
    if (out == NULL) /* id word-aligned: Cortex-M0 addresses it in one instruction */
        fprintf(f, "static inline int %s_%s(const float *x)\n{\n    uint16_t id MLQ_ALIGN4;\n", name, verb);
    else
        fprintf(f, "static inline int %s_%s(const float *x, %s *out)\n{\n", name, verb, out);
    if (work)
        fprintf(f, "    mlq_work_t work[MLQ_WORK_ELEMS(%s_WORK_BYTES)];\n", name);
    fprintf(f, "    mlq_status s = %s(&%s_%s, x, %s_N_FEATURES, %s, %s);\n\n", kernel, name, model,
            name, work ? "work, sizeof work" : "NULL, 0", out == NULL ? "&id" : "out");
    if (out == NULL)
        fputs("    return s == MLQ_OK ? (int)id : (int)s;\n}\n\n", f);
    else
        fprintf(f, "    return s == MLQ_OK ? (int)mlq_%s_argmax(out, %s_N_OUTPUTS) : (int)s;\n}\n\n",
                strcmp(verb, "scores") == 0 ? "score" : "proba", name);
}

void mlq_tree_export_float(FILE *f, const mlq_device *dev, const char *name)
{
    const mlq_tree_dev *td = dev->impl;
    size_t i, t, nt = td->n_trees;
    int64_t *tmp;
    char shape[128];

    if (td->layout == MLQ_TREE_CODE) {
        mlq_tree_code_float(f, dev, name);
        return;
    }
    fprintf(f, "/* [%zu] the same trees for float input: {key, meta, right}; left when key(x) <= key,\n"
               " * to the next node or, if meta >> %u is not 0, to leaf (meta >> %u) - 1; feature =\n"
               " * meta & %u; right > 0 is the node that many bytes on, <= 0 leaf -right (mlq/tree.h). */\n"
               "static const mlq_tree_node_f32 %s_fnodes[%zu] MLQ_FLASH = {\n",
            td->n_fnodes, td->fbits, td->fbits, (1u << td->fbits) - 1u, name, td->n_fnodes);
    for (i = 0; i < td->n_fnodes; i++) {
        const mlq_tree_node_f32 *q = &td->nf[i];
        const char *pre = i % 4 == 0 ? "    " : " ", *post = i % 4 == 3 || i + 1 == td->n_fnodes ? "\n" : "";

        if (q->key == INT32_MIN)
            fprintf(f, "%s{INT32_MIN, %u, %d},%s", pre, (unsigned)q->meta, q->right, post);
        else
            fprintf(f, "%s{%ld, %u, %d},%s", pre, (long)q->key, (unsigned)q->meta, q->right, post);
    }
    fputs("};\n", f);
    if (!mlq_tree_same_ends(td) && (tmp = mlq_calloc(nt, sizeof *tmp)) != NULL) {
        for (t = 0; t < nt; t++)
            tmp[t] = td->fends[t];
        snprintf(shape, sizeof shape, "[%zu] one past each tree's last node in %s_fnodes", nt, name);
        mlq_emit_ints(f, "uint16_t", name, "fends", shape, tmp, nt, 12);
        free(tmp);
    }
    if (td->regress) {
        fprintf(f, "MLQ_MAYBE_UNUSED static const mlq_tree_reg_f32 %s_model_f32 MLQ_FLASH = {%zu, %zu, %zu, "
                   "%u, %u, %s_fnodes, %s_%s, %s_leaf_value};\n\n"
                   "/** The float entry's model, checked by %s_check(). */\n"
                   "static inline int %s_check_f32(void)\n{\n"
                   "    return (int)mlq_tree_reg_check_f32(&%s_model_f32);\n}\n\n"
                   "/* Only the features on the paths are read; integer comparisons only (mlq/tree.h). */\n",
                name, dev->model->n_features, nt, td->n_values, td->value_frac, td->fbits, name, name,
                mlq_tree_same_ends(td) ? "ends" : "fends", name, name, name, name);
        mlq_tree_float_entry(f, name, "scores", "int32_t", "mlq_tree_reg_scores_f32", "model_f32", 0);
        return;
    }
    fprintf(f, "MLQ_MAYBE_UNUSED static const mlq_tree_f32 %s_model_f32 MLQ_FLASH = {%u, %zu, %zu, %zu, %u, "
               "%s_fnodes, %s_%s, ",
            name, (unsigned)td->mq.n_features, td->k, nt, td->n_dist, td->fbits, name, name,
            mlq_tree_same_ends(td) ? "ends" : "fends");
    member(f, name, "dist", td->n_dist > 0, ", ");
    member(f, name, "leaf_class", td->leaf_class != NULL, "};\n");
    if (mlq_tree_has_cls_model(td))
        fprintf(f, "/* %s_predict's model: the float nodes and leaf classes without the leaf\n"
                   " * distributions, so that firmware calling only %s_predict does not carry them. */\n"
                   "MLQ_MAYBE_UNUSED static const mlq_tree_f32 %s_classes_f32 MLQ_FLASH = {%u, %zu, %zu, %zu, "
                   "%u, %s_fnodes, %s_%s, NULL, %s_leaf_class};\n",
                name, name, name, (unsigned)td->mq.n_features, td->k, nt, td->n_dist, td->fbits,
                name, name, mlq_tree_same_ends(td) ? "ends" : "fends", name);
    fprintf(f, "\n/** The float entries' model(s), checked by %s_check(). */\n"
               "static inline int %s_check_f32(void)\n{\n", name, name);
    if (mlq_tree_has_cls_model(td))
        fprintf(f, "    if (mlq_tree_check_f32(&%s_classes_f32) != MLQ_OK)\n        return (int)MLQ_ERR_MODEL;\n",
                name);
    fprintf(f, "    return (int)mlq_tree_check_f32(&%s_model_f32);\n}\n\n"
               "/* Only the features on the paths are read; integer comparisons only (mlq/tree.h). */\n",
            name);
    if (td->forest)
        mlq_tree_float_entry(f, name, "predict", NULL, "mlq_forest_predict_f32", "model_f32", 1);
    else
        mlq_tree_float_entry(f, name, "predict", NULL, "mlq_tree_predict_f32",
                    mlq_tree_has_cls_model(td) ? "classes_f32" : "model_f32", 0);
    mlq_tree_float_entry(f, name, "scores", "int32_t", "mlq_tree_scores_f32", "model_f32", 1);
    mlq_tree_float_entry(f, name, "proba", "uint16_t", "mlq_tree_proba_f32", "model_f32", 1);
}

/* The flash of the two layouts, each with NAME_predict_q15 and with NAME_predict: the
 * array layout's constants (its code is the kernel's, below under firmware flash), the code
 * layout's estimated code per core. */
static void code_layout_line(FILE *f, const mlq_tree_dev *td)
{
    size_t q[MLQ_TREE_CODE_CORES], fl[MLQ_TREE_CODE_CORES], n[2], i;
    size_t q15 = td->n_nodes * sizeof(mlq_tree_node_q15) + td->n_trees * sizeof(uint16_t) +
                 (td->regress ? td->n_values * sizeof(int16_t) + sizeof(mlq_tree_reg_q15)
                              : td->n_dist * td->k + sizeof(mlq_tree_q15) +
                                    (td->leaf_class != NULL ? (td->k + td->n_dist) * sizeof(uint16_t) : 0));

    fprintf(f, "array layout      %zu bytes of constants with NAME_predict_q15, %zu with NAME_predict "
               "(the default; the kernel's code on top: firmware flash below)\n", q15, td->array_predict);
    mlq_tree_code_bytes(td, 0, q, n);
    mlq_tree_code_bytes(td, 1, fl, NULL);
    fputs("code layout       about", f);
    for (i = 0; i < MLQ_TREE_CODE_CORES; i++)
        fprintf(f, "%s %zu (%s)", i > 0 ? "," : "", q[i], mlq_tree_code_cores[i]);
    fputs(" bytes of code with NAME_predict_q15, about", f);
    for (i = 0; i < MLQ_TREE_CODE_CORES; i++)
        fprintf(f, "%s %zu (%s)", i > 0 ? "," : "", fl[i], mlq_tree_code_cores[i]);
    fprintf(f, " with NAME_predict, no constants (--layout code: %zu comparisons, %zu leaf adds; "
               "the bytes estimated from them, within about 30%%: bench/fit_code_layout.py)\n", n[0], n[1]);
}

void mlq_tree_info(FILE *f, const mlq_device *dev)
{
    const mlq_tree_dev *td = dev->impl;
    const tree_params *tp = dev->model->params;
    size_t t, nodes = 0, leaves = 0, depth = 0, i;

    for (t = 0; t < tp->n_trees; t++) {
        nodes += tp->trees[t].n_nodes;
        for (i = 0; i < tp->trees[t].n_nodes; i++)
            leaves += tp->trees[t].feature[i] < 0;
        if (tp->trees[t].depth > depth)
            depth = tp->trees[t].depth;
    }
    fprintf(f, "trees             %zu\n", tp->n_trees);
    fprintf(f, "nodes             %zu (%zu splits, %zu leaves), depth %zu\n", nodes, nodes - leaves,
            leaves, depth);
    fprintf(f, "device model      %zu split nodes: %zu bytes (Q15 form), %zu bytes (float form)\n",
            td->n_nodes, td->n_nodes * sizeof(mlq_tree_node_q15),
            td->n_fnodes * sizeof(mlq_tree_node_f32));
    code_layout_line(f, td);
    if (td->regress) {
        fprintf(f, "leaves            %zu distinct leaf values (int16, standardized target units x 2^%u: "
                   "largest rounding %.3g, %.3g%% of the training range)\n",
                td->n_values, td->value_frac, td->value_err,
                100.0 * td->value_err * dev->model->target_scale /
                    (dev->model->target_max - dev->model->target_min));
        fprintf(f, "device RAM        0 bytes (model is const, in flash)\n");
        fprintf(f, "device stack      the kernel's frame only, no scratch, no recursion (make bench "
                   "measures it)\n");
        return;
    }
    fprintf(f, "leaves            %zu distinct impure leaf distributions x %zu classes (uint8)", td->n_dist,
            td->k);
    if (td->leaf_class != NULL)
        fprintf(f, "; %zu leaf classes (uint16)", td->k + td->n_dist);
    fputc('\n', f);
    fprintf(f, "device RAM        0 bytes (model is const, in flash)\n");
    fprintf(f, "device stack      %zu bytes of class sums in %s + the kernel's frame, no recursion "
               "(make bench measures it)\n",
            td->k * sizeof(uint32_t),
            td->forest ? "every entry" : "NAME_scores and NAME_proba (NAME_predict needs none)");
}
