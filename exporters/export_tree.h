/* SPDX-License-Identifier: MIT */
/* export_tree.h -- device side of decision trees and random forests (exporters/export_tree.c). */
#ifndef MLQ_EXPORT_TREE_H
#define MLQ_EXPORT_TREE_H

#include <stdint.h>
#include <stdio.h>

#include "export.h"

int mlq_tree_device_build(mlq_device *dev, mlq_err *err);
mlq_status mlq_tree_device_predict(const mlq_device *dev, const mlq_q15_t *q, int *out);
void mlq_tree_device_free(mlq_device *dev);
int mlq_tree_export_body(FILE *f, const mlq_device *dev, const char *name);
void mlq_tree_export_predict(FILE *f, const mlq_device *dev, const char *name);
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
