/* SPDX-License-Identifier: MIT */
/*
 * model.h -- binds the firmware to one exported model header.
 *
 *   cc -DMLQ_MODEL=iris_kmeans -DMLQ_MODEL_HEADER='"build/iris_kmeans.h"' ...
 *
 * gives MODEL_N_FEATURES, MODEL_PREDICT(x), MODEL_PREDICT_Q15(x) and
 * MODEL_PREDICT_I16(x) for NAME_N_FEATURES, NAME_predict, NAME_predict_q15
 * and NAME_predict_i16. With -DMLQ_NO_MODEL
 * nothing is included (bench.c's size baseline).
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
#endif

#endif /* MLQ_FIRMWARE_MODEL_H */
