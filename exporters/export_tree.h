/* SPDX-License-Identifier: MIT */
/* export_tree.h -- device side of decision trees and random forests (exporters/export_tree.c). */
#ifndef MLQ_EXPORT_TREE_H
#define MLQ_EXPORT_TREE_H

#include <stdint.h>
#include <stdio.h>

#include "export.h"

/**
 * algo->device_build of tree and forest: the Q15 and float node forms,
 * leaf distributions and (a single tree) leaf classes of dev->model, both
 * forms checked by mlq_tree_check / mlq_tree_check_f32. 0, or -1 with err:
 * "field 'ALGO.trees[T].value'" when leaf ids exceed the int16 links (more
 * than 32768 - classes distinct impure leaf distributions), "field
 * 'ALGO.trees[T].left|right'" when a right link would jump over more than
 * 2046 split nodes, or out of memory.
 */
int mlq_tree_device_build(mlq_device *dev, mlq_err *err);
/** The device kernels on a Q1.15 row with dev->work: class, scores (Q15.16), probabilities (Q15). */
mlq_status mlq_tree_device_predict(const mlq_device *dev, const mlq_q15_t *q, uint16_t *out);
mlq_status mlq_tree_device_scores(const mlq_device *dev, const mlq_q15_t *q, int32_t *scores);
mlq_status mlq_tree_device_proba(const mlq_device *dev, const mlq_q15_t *q, uint16_t *proba);
void mlq_tree_device_free(mlq_device *dev);
/** NAME_model (Q15 nodes, ends, leaf distributions and classes). */
int mlq_tree_export_body(FILE *f, const mlq_device *dev, const char *name);
/** The float nodes, NAME_model_f32 (and for a single tree with impure leaves
 *  NAME_classes_f32, its predict-only form), NAME_check_f32 and the float
 *  entries NAME_predict, NAME_scores and NAME_proba (algo->export_float). */
void mlq_tree_export_float(FILE *f, const mlq_device *dev, const char *name);
/** `mlq info` lines: trees, nodes, leaves, flash, stack. */
void mlq_tree_info(FILE *f, const mlq_device *dev);

/**
 * Key threshold of the float nodes: the int32 key (mlq/tree.h) of the
 * largest float x that the input quantizer (offset, gain) maps to a Q15
 * code <= c, so that key(x) <= it exactly when quantize(x) <= c, for every
 * non-NaN float x.
 */
int32_t mlq_tree_float_key(float offset, float gain, int32_t c);

/** int32 key of a float's bits: b ^ ((b >> 31) & 0x7fffffff), as mlq/tree.h. */
int32_t mlq_tree_key_of(float x);

/** The device views of a tree model built by mlq_tree_device_build. */
struct mlq_tree_q15;
struct mlq_tree_f32;
const struct mlq_tree_q15 *mlq_tree_device_q15(const mlq_device *dev);
const struct mlq_tree_f32 *mlq_tree_device_f32(const mlq_device *dev);

#endif /* MLQ_EXPORT_TREE_H */
