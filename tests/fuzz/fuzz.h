/* SPDX-License-Identifier: MIT */
/*
 * fuzz.h -- the fuzz targets (README, "Fuzzing"; built and run by tests/fuzz/fuzz.mk).
 *
 * Each target takes one input as bytes, feeds it to the host library
 * through its public API (csv.h, model.h, export.h) and checks what must
 * hold for every input; a violated property ends in mlq_fuzz_fail, which
 * aborts, so that libFuzzer and the regression test see it as a crash.
 *
 *   mlq_fuzz_csv     the CSV reader: read (three label modes), and when the
 *                    file parses, write it with mlq_csv_write and read it
 *                    back: the same dataset, bit for bit
 *   mlq_fuzz_model   the model loader: load, save, load, save: both saves
 *                    are the same bytes
 *   mlq_fuzz_export  load, mlq_device_build (every --bits the model offers),
 *                    the header, `info`, and predict/scores/proba of fixed
 *                    rows: ids in range, argmax of scores and of
 *                    probabilities = the prediction, probabilities summing
 *                    to 32768
 *
 * Every error message a call returns must be one line naming the input.
 */
#ifndef MLQ_FUZZ_H
#define MLQ_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "host.h"

int mlq_fuzz_csv(const uint8_t *data, size_t size);
int mlq_fuzz_model(const uint8_t *data, size_t size);
int mlq_fuzz_export(const uint8_t *data, size_t size);

/* ---- shared by the targets (util.c) ---- */

/** Path of file `name` in the process's private temporary folder (removed at
 *  exit), in a buffer of the caller's that holds at least MLQ_FUZZ_PATH bytes. */
#define MLQ_FUZZ_PATH 4200
const char *mlq_fuzz_path(char *buf, const char *name);
/** Write size bytes to path (replacing it); aborts when it cannot. Returns path. */
const char *mlq_fuzz_put(const char *path, const uint8_t *data, size_t size);
/** 1 when the two files hold the same bytes, else 0. */
int mlq_fuzz_same_file(const char *a, const char *b);
/** An error of a call on input `path`: one line, starting "PATH:" (any non-empty
 *  line when path is NULL). Aborts when not. */
void mlq_fuzz_check_err(const mlq_err *err, const char *path, const char *call);
/** Report a violated property on stderr and abort. */
void mlq_fuzz_fail(const char *fmt, ...) MLQ_PRINTF(1, 2);

#endif /* MLQ_FUZZ_H */
