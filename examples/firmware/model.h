/* SPDX-License-Identifier: MIT */
/*
 * model.h -- binds the firmware to one exported model header.
 *
 *   cc -DMLQ_MODEL=iris_kmeans -DMLQ_MODEL_HEADER='"build/iris_kmeans.h"' ...
 *
 * gives MODEL_N_FEATURES, MODEL_N_OUTPUTS, MODEL_PREDICT(x), MODEL_SCORES(x, s),
 * MODEL_PROBA(x, p) and their _Q15 and _I16 forms for NAME_N_FEATURES,
 * NAME_N_OUTPUTS, NAME_predict, NAME_scores, NAME_proba, ..._q15 and
 * ..._i16, and MODEL_CLASS_NAMES for NAME_CLASS_NAMES (use it only with
 * -DMLQ_MODEL_HAS_CLASSES). With -DMLQ_NO_MODEL nothing is included
 * (bench.c's size baseline).
 */
#ifndef MLQ_FIRMWARE_MODEL_H
#define MLQ_FIRMWARE_MODEL_H

#ifndef MLQ_NO_MODEL
#if !defined(MLQ_MODEL) || !defined(MLQ_MODEL_HEADER)
#error "define MLQ_MODEL=NAME and MLQ_MODEL_HEADER=\"path/NAME.h\" (or MLQ_NO_MODEL)"
#endif
#include MLQ_MODEL_HEADER

#define MODEL_PASTE2(a, b) a##b
#define MODEL_PASTE(a, b) MODEL_PASTE2(a, b)
#define MODEL_N_FEATURES MODEL_PASTE(MLQ_MODEL, _N_FEATURES)
#define MODEL_PREDICT MODEL_PASTE(MLQ_MODEL, _predict)
#define MODEL_PREDICT_Q15 MODEL_PASTE(MLQ_MODEL, _predict_q15)
#define MODEL_PREDICT_I16 MODEL_PASTE(MLQ_MODEL, _predict_i16)
#define MODEL_N_OUTPUTS MODEL_PASTE(MLQ_MODEL, _N_OUTPUTS)
#define MODEL_SCORES MODEL_PASTE(MLQ_MODEL, _scores)
#define MODEL_SCORES_Q15 MODEL_PASTE(MLQ_MODEL, _scores_q15)
#define MODEL_SCORES_I16 MODEL_PASTE(MLQ_MODEL, _scores_i16)
#define MODEL_PROBA MODEL_PASTE(MLQ_MODEL, _proba)
#define MODEL_PROBA_Q15 MODEL_PASTE(MLQ_MODEL, _proba_q15)
#define MODEL_PROBA_I16 MODEL_PASTE(MLQ_MODEL, _proba_i16)
#define MODEL_CLASS_NAMES MODEL_PASTE(MLQ_MODEL, _CLASS_NAMES)
#endif

#endif /* MLQ_FIRMWARE_MODEL_H */
