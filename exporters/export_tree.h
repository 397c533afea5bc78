/* SPDX-License-Identifier: MIT */
/*
 * export_tree.h -- device side of decision trees and random forests (its
 * table is mlq_device_tree, device_algo.h): the model built in
 * exporters/export_tree.c, its header body in exporters/export_tree_body.c.
 */
#ifndef MLQ_EXPORT_TREE_H
#define MLQ_EXPORT_TREE_H

#include <stdint.h>
#include <stdio.h>

#include "export.h"
#include "mlq/tree.h"

/*
 * The device model of a tree or forest (dev->impl): the Q15 and float node
 * forms, leaf distributions and (a single tree) leaf classes of
 * dev->model, both forms checked by mlq_tree_check / mlq_tree_check_f32;
 * for a regression model the leaf values instead, checked by
 * mlq_tree_reg_check / mlq_tree_reg_check_f32. The build refuses, with err
 * "field 'ALGO.trees[T].value'", leaf ids beyond the int16 links (more than
 * 32768 - classes distinct impure leaf distributions, or 32768 distinct
 * leaf values), with "field 'ALGO.trees[T]'" a tree of more than
 * MLQ_TREE_MAX_NODES split nodes (the Q15 links are int16 byte offsets from
 * the root), with "field 'ALGO'" more than 65535 nodes of either form in all
 * (the trees' ends are uint16), and with "field 'ALGO.trees[T].left|right'"
 * a right link of the float nodes that would jump over more than 2046 split
 * nodes.
 *
 * Regression leaves: value_frac is the largest f <= 16 at which every leaf
 * value v (standardized target units) rounds to an int16 of magnitude at
 * most 32767, round(v 2^f); identical values share one leaf id. The error
 * of a leaf, at most 2^-(f + 1), is far below the target's training range:
 * the leaves lie inside that range, which holds 0, so max |v| is at most
 * its width W, and 2^-(f + 1) <= max(W / 32767, 2^-17).
 */
/* A split node as the exporter keeps it, from which both device forms and
 * the code layout are written: children by their distance in nodes. */
typedef struct mlq_tree_split {
    int16_t threshold;   /* Q1.15: left when x[feature] <= threshold */
    uint16_t feature;    /* index */
    int32_t left, right; /* > 0: the split node this many entries on; <= 0: leaf -link */
} mlq_tree_split;

/* The layouts of mlq export --layout. */
typedef enum mlq_tree_layout { MLQ_TREE_ARRAY, MLQ_TREE_CODE } mlq_tree_layout;

typedef struct mlq_tree_dev {
    mlq_tree_q15 mq;
    mlq_tree_f32 mf;
    mlq_tree_f32 mf_cls;   /* mf without dist: a single tree's float predict */
    mlq_tree_reg_q15 rq;   /* regression: the model (mq, mf and mf_cls unused) */
    mlq_tree_reg_f32 rf;   /* regression: the float-node model */
    int16_t *value;        /* regression: [n_values] leaf values, units of 2^-value_frac */
    uint32_t *value_slot;  /* regression: [65536] 1 + the leaf id of each int16 value, 0 none */
    size_t n_values;
    unsigned value_frac;
    double value_err;      /* regression: largest |quantized - trained| leaf value, standardized units */
    int regress;
    mlq_tree_split *sp;    /* [n_nodes] every tree's split nodes, in preorder */
    mlq_tree_node_q15 *nq; /* [n_nodes] the Q15 nodes made of them */
    mlq_tree_node_f32 *nf; /* [n_fnodes] */
    int32_t *keys;         /* [n_nodes] float key threshold of each Q15 node */
    uint16_t *ends;        /* [n_trees] one past each tree's last node in nq */
    uint16_t *fends;       /* [n_trees] the same in nf (forwarding nodes shift them) */
    uint8_t *dist;         /* [n_dist][k] */
    uint16_t *leaf_class;  /* [k + n_dist] single tree only */
    uint32_t *slot;        /* [n_slots] 1 + a row of dist by hash (open addressing), 0 empty */
    size_t n_nodes, n_fnodes, n_dist, dist_cap, n_slots, k, n_trees;
    unsigned fbits;
    int forest;
    mlq_tree_layout layout;   /* what mlq_export_header writes (mlq_tree_set_layout) */
    unsigned char *nan_tested; /* [n_features] the code writer's: features tested on a path */
    size_t array_bytes;       /* flash_bytes and predict_bytes of the array layout, */
    size_t array_predict;     /* kept when the code layout replaces them */
    size_t array_largest;     /* and largest_array: the code layout has no node arrays */
    mlq_kernels array_kern;   /* and the kernels the array layout's header calls */
} mlq_tree_dev;

/** 1 when the float nodes keep the Q15 nodes' tree ends (no forwarding node moved them). */
int mlq_tree_same_ends(const mlq_tree_dev *td);
/** 1 when a single tree's float predict gets its own model without the distributions. */
int mlq_tree_has_cls_model(const mlq_tree_dev *td);

/** The float nodes (td->nf, n_fnodes, fbits, fends) from the Q15 nodes and their keys
 *  (export_tree_float.c). 0, or -1 when memory is short. */
int mlq_tree_float_nodes(mlq_tree_dev *td, size_t n_features, size_t n_trees);

/* export_tree_body.c (the device table's export_body, export_float, info). */
/** NAME_model (Q15 nodes, ends, leaf distributions and classes). */
int mlq_tree_export_body(FILE *f, const mlq_device *dev, const char *name);
/** The float nodes, NAME_model_f32 (and for a single tree with impure leaves
 *  NAME_classes_f32, its predict-only form), NAME_check_f32 and the float
 *  entries NAME_predict, NAME_scores and NAME_proba (a regression model's:
 *  NAME_scores only, export_regress.c writes the rest). */
void mlq_tree_export_float(FILE *f, const mlq_device *dev, const char *name);
/** `mlq info` lines: trees, nodes, leaves, flash of both layouts, stack. */
void mlq_tree_info(FILE *f, const mlq_device *dev);
/** One float entry NAME_<verb>(x[, out]) calling kernel(&NAME_<model>, x, ...), with the
 *  scratch when work is not 0 (out NULL: predict, the id returned). */
void mlq_tree_float_entry(FILE *f, const char *name, const char *verb, const char *out,
                          const char *kernel, const char *model, int work);

/* The code layout (export_tree_code.c): NAME_model as a function of type
 * mlq_tree_code (mlq/tree.h); NAME_model_f32, NAME_check_f32 and the float entries. */
void mlq_tree_code_body(FILE *f, const mlq_device *dev, const char *name);
void mlq_tree_code_float(FILE *f, const mlq_device *dev, const char *name);

/** The cores of the code layout's flash estimate: avr, m0, m4, rv32. */
#define MLQ_TREE_CODE_CORES 4
extern const char *const mlq_tree_code_cores[MLQ_TREE_CODE_CORES];
/** The estimated bytes of code of the code layout on each core, with NAME_predict_q15
 *  (fl 0) or NAME_predict (fl 1): a linear model of its comparisons and leaf adds, whose
 *  counts go to counts[0] and counts[1] (counts may be NULL). */
void mlq_tree_code_bytes(const mlq_tree_dev *td, int fl, size_t bytes[MLQ_TREE_CODE_CORES],
                         size_t counts[2]);

/** The device table's own_code: for the code layout, the estimated bytes of NAME_predict's
 *  code on core (mlq_tree_code_bytes) and the array layout's kernel, whose stack frame bounds
 *  the code's (make bench: the code layout's stack is at most the array walk's); NULL for
 *  the array layout or a core without an estimate. */
const char *mlq_tree_own_code(const mlq_device *dev, const char *core, size_t *code);

/**
 * Choose what mlq_export_header writes for dev (a tree or forest that
 * mlq_device_build built): "array" (the default) or "code". The code
 * layout's entries call mlq_tree_code_* (dev->kern), and its header holds no
 * tree constants: dev->flash_bytes keeps the input quantization's alone and
 * dev->predict_bytes is 0. 0, or -1 with err for another layout, or "code" for a
 * model of another algorithm ("array" is every model's, and changes nothing).
 */
int mlq_tree_set_layout(mlq_device *dev, const char *layout, mlq_err *err);

/**
 * Key threshold of the float nodes: the int32 key (mlq/tree.h) of the
 * largest float x that the input quantizer (offset, gain) maps to a Q15
 * code <= c, so that key(x) <= it exactly when quantize(x) <= c, for every
 * non-NaN float x.
 */
int32_t mlq_tree_float_key(float offset, float gain, int32_t c);

/** int32 key of a float's bits: b ^ ((b >> 31) & 0x7fffffff), as mlq/tree.h. */
int32_t mlq_tree_key_of(float x);

/** The device views of a tree model that mlq_device_build built. */
const mlq_tree_q15 *mlq_tree_device_q15(const mlq_device *dev);
const mlq_tree_f32 *mlq_tree_device_f32(const mlq_device *dev);
/** The same of a regression model. */
const mlq_tree_reg_q15 *mlq_tree_device_reg_q15(const mlq_device *dev);
const mlq_tree_reg_f32 *mlq_tree_device_reg_f32(const mlq_device *dev);

#endif /* MLQ_EXPORT_TREE_H */
