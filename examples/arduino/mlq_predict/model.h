/* SPDX-License-Identifier: MIT */
/*
 * model.h -- binds mlq_predict to one exported model: edit the two lines
 * below for yours (the header next to the sketch, and mlq export's
 * --name); the rest follows from what the header defines.
 */
#ifndef MODEL_H
#define MODEL_H

#include "iris_tree.h"
#define MODEL iris_tree

#define MODEL_PASTE2(a, b) a##b
#define MODEL_PASTE(a, b) MODEL_PASTE2(a, b)
#define MODEL_N_FEATURES MODEL_PASTE(MODEL, _N_FEATURES)
#define MODEL_N_OUTPUTS MODEL_PASTE(MODEL, _N_OUTPUTS)
#define MODEL_PREDICT MODEL_PASTE(MODEL, _predict)
#define MODEL_SCORES MODEL_PASTE(MODEL, _scores)
#define MODEL_PROBA MODEL_PASTE(MODEL, _proba)
#define MODEL_CLASS_NAMES MODEL_PASTE(MODEL, _CLASS_NAMES)
/* 1 for a classifier (the sketch prints class names), 0 for clustering and
 * anomaly models (ids); 1 when the model has NAME_proba. */
#define MODEL_HAS_CLASSES MODEL_PASTE(MODEL, _HAS_CLASS_NAMES)
#define MODEL_HAS_PROBA MODEL_PASTE(MODEL, _HAS_PROBA)

#endif /* MODEL_H */
