/* SPDX-License-Identifier: MIT */
/*
 * mlq/mlq.h -- everything of the device library in one include.
 *
 *   #include <mlq/mlq.h>
 *
 * Exported model headers include only the headers they need; this one is
 * for code that uses the kernels directly.
 */
#ifndef MLQ_MLQ_H
#define MLQ_MLQ_H

#include "types.h"
#include "fixed.h"
#include "quant.h"
#include "score.h"
#include "gmm.h"
#include "kmeans.h"
#include "tree.h"
#include "svm.h"
#include "mlp.h"
#include "linear.h"

/** Version of the device library; exported headers record the mlq version that wrote them. */
#define MLQ_VERSION_MAJOR 0
#define MLQ_VERSION_MINOR 2
#define MLQ_VERSION_PATCH 0

#endif /* MLQ_MLQ_H */
