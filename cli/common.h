/* SPDX-License-Identifier: MIT */
/*
 * common.h -- the steps the commands share: messages, stdout, reading rows
 * for a model, the device model of --bits, the board of --target, and the
 * flash estimates of info and compare.
 */
#ifndef MLQ_CLI_COMMON_H
#define MLQ_CLI_COMMON_H

#include <stddef.h>

#include "boards.h"
#include "csv.h"
#include "export.h"
#include "host.h"
#include "model.h"

struct cJSON;

/** Print "mlq: MESSAGE" on stderr; returns code. */
int cli_fail(int code, const mlq_err *err);

/**
 * Flush and close stdout at the end of a command (mlq_stdout_close):
 * EXIT_OK, or EXIT_INPUT after "mlq: <stdout>: write failed: WHY" when
 * anything written to it was lost (a full disk, a closed pipe).
 */
int cli_stdout_end(void);

/** What a command wrote: "mlq: wrote PATH: WHAT" on stderr, unless quiet. */
void cli_wrote(int quiet, const char *path, const char *fmt, ...) MLQ_PRINTF(3, 4);

/**
 * Before the work: the input file in, and the outputs out1 and out2 (NULL:
 * none) that may be written (host.h: mlq_out_protect, mlq_out_check): no
 * output over the input or over the other output under any name, none
 * that is not a regular file. 0, or -1 with err ("OUT: would overwrite the
 * input file IN", ...).
 */
int cli_files(const char *in, const char *out1, const char *out2, mlq_err *err);

/** Read DATA.csv for model m: the same feature columns; labels mapped onto its classes. */
int cli_read_for_model(const mlq_model *m, const char *path, mlq_dataset *d, mlq_err *err);

/** The host (float) prediction of every row of d into out[n_rows]. 0, or -1 with err. */
int cli_predict_host(const mlq_model *m, const mlq_dataset *d, int *out, mlq_err *err);

/** `mlq compare` on a regression model (compare_regress.c): text, or JSON when json. 0 or -1. */
int cli_compare_regress(const mlq_model *m, const mlq_device *dev, const mlq_dataset *d, int json,
                        const char *model, mlq_err *err);

/** Regression: the host model's target prediction of every row of d into out[d->n_rows]. 0 or -1. */
int cli_regress_host(const mlq_model *m, const mlq_dataset *d, double *out, mlq_err *err);

/**
 * Quantize m for the device with the activation width `bits` (the text of
 * --bits, or NULL for the model's default). EXIT_OK, EXIT_USAGE for a width
 * the model does not offer, or EXIT_INPUT; err set on failure.
 */
int cli_device_open(const mlq_model *m, const char *bits, const char *cmd, mlq_device *dev,
                    mlq_err *err);

/** The board of --target (NULL when not given). EXIT_OK, or EXIT_USAGE with err. */
int cli_find_target(const char *target, const char *cmd, const mlq_board **board, mlq_err *err);

/** --flash, --ram: a whole number of bytes from 1 to 2^32 (0 when text is NULL). 0, or -1 with err. */
int cli_bytes(const char *text, const char *opt, size_t *out, mlq_err *err);

/**
 * The flash a firmware calling NAME_predict needs on each core `make bench`
 * measured (one board per core): its constants plus the code of its
 * kernel. fits[] gets up to max estimates; returns how many.
 */
size_t cli_flash_estimates(const mlq_device *dev, mlq_fit *fits, size_t max);

/**
 * "about 990 (m0), 958 (m4) bytes with NAME_predict (constants 536 + code)"
 * for info and compare, into buf of n; buf.
 */
char *cli_flash_text(const mlq_device *dev, char *buf, size_t n);

/** `--json`'s work_steps and insn_estimate of dev on the rows of d (compare). */
void cli_insn_json(struct cJSON *doc, const mlq_device *dev, const mlq_dataset *d);

/** The max, median and 99th percentile of v[n] (n > 0; sorted in place), compare's
 *  |host - device| figures. */
void cli_diff_stats(double *v, size_t n, double out[3]);

/** `--json`'s facts of the exported model (info and compare): coefficients, clipped,
 *  flash_bytes, predict_flash_bytes, work_bytes, kernel and flash_estimate. */
void cli_device_json(struct cJSON *doc, const mlq_device *dev);

#endif /* MLQ_CLI_COMMON_H */
