/* SPDX-License-Identifier: MIT */
/*
 * csv.h -- reading training/test data from CSV files and writing subsets of
 * it back (used by every trainer, `predict`, `compare` and `split`).
 *
 *   mlq_dataset d;
 *   mlq_err err;
 *   if (mlq_csv_read("iris.csv", NULL, MLQ_LABEL_REQUIRED, NULL, 0, &d, &err) != 0) {
 *       fprintf(stderr, "mlq: %s\n", err.msg);  // "mlq: iris.csv:7: ..."
 *       return 1;
 *   }
 *   ... d.x[i * d.n_features + j], d.y[i] in 0..d.n_classes-1 ...
 *   (regression: MLQ_TARGET_REQUIRED, and d.t[i] is the row's target)
 *   mlq_dataset_free(&d);
 *
 * Accepted format
 *   - The first line is the header: one non-empty, unique name per column.
 *     Every later non-blank line is a row with exactly as many cells.
 *   - Cells are separated by commas. A cell may be quoted as in RFC 4180
 *     ("a,b" keeps its comma, "" inside quotes is one literal quote); the
 *     quotes are removed. Spaces and tabs around an unquoted cell, and
 *     around the quotes of a quoted one, are dropped; inside quotes they
 *     are kept (names), and ignored when the cell is read as a number.
 *     A line break inside quotes is not supported: every record is one line.
 *     A quote that is not closed on its line, text after a closing quote
 *     and a quote inside an unquoted cell are errors.
 *   - Line ends are LF or CRLF; the last line may lack one. A UTF-8
 *     byte-order mark at the start of the file is skipped. Any other bytes
 *     except NUL are taken as they are.
 *   - Blank lines (empty or only spaces/tabs) at the end of the file are
 *     ignored. A blank line anywhere else is an error, since it usually
 *     means two files were pasted together or a row was lost.
 *   - Feature cells are decimal numbers: an optional sign, digits with an
 *     optional decimal point (5, 5.1, .5, 5.), an optional exponent (e-3).
 *     NaN, infinities, hexadecimal floats, values that overflow a double
 *     (1e999) and empty cells are errors; values that underflow (1e-999)
 *     read as the nearest representable value, which may be 0.
 *   - Labels are either all integers 0..MLQ_CSV_MAX_CLASS_ID (written as
 *     decimal numbers; "2.0" and "2e0" read as 2) or all names (any other
 *     text). Integer labels are their own class ids and the class names are
 *     "0".."K-1" with K = largest label + 1. Names are sorted with strcmp
 *     and get ids in that order. "nan", "inf" and "infinity" (any case) are
 *     rejected as labels rather than taken as names.
 *
 * Locale
 *   - Numbers of up to 15 digits are converted both ways without the C
 *     library; others with strtod and snprintf, which follow LC_NUMERIC:
 *     callers must leave it at "C" (the default). The reader reports a
 *     number strtod cannot take rather than misread it.
 *
 * Code: csv_read.c (lines and cells), csv_number.c (numbers),
 * csv_labels.c (labels), csv_dataset.c (mlq_csv_read), csv_write.c
 * (mlq_csv_write); csv_impl.h joins them.
 *
 * Limits
 *   - MLQ_CSV_MAX_LINE bytes per line, not counting the line end. Longer
 *     lines are rejected as soon as the limit is passed; they are never
 *     held in memory whole.
 *   - At most MLQ_CSV_MAX_CLASSES distinct classes.
 *   - Rows are limited only by memory.
 */
#ifndef MLQ_CSV_H
#define MLQ_CSV_H

#include <stddef.h>

#include "host.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Longest accepted line in bytes, line end (LF or CRLF) not counted. */
#define MLQ_CSV_MAX_LINE ((size_t)1024 * 1024)
/** Largest integer label; numeric class ids fit in uint16_t on the device. */
#define MLQ_CSV_MAX_CLASS_ID 65535
/** Most distinct classes a label column may hold (ids 0..MLQ_CSV_MAX_CLASS_ID). */
#define MLQ_CSV_MAX_CLASSES (MLQ_CSV_MAX_CLASS_ID + 1)

/** Which column holds the labels, and whether there must be one. */
typedef enum mlq_label_mode {
    MLQ_LABEL_REQUIRED, /**< classifiers: column `label_col` if given, else "label", else the last column */
    MLQ_LABEL_OPTIONAL, /**< clustering: column `label_col` if given, else "label" if present, else no labels */
    MLQ_LABEL_IF_PRESENT, /**< data for an existing model: column `label_col` (else "label") if the
                              header has it, else no labels; never an error */
    MLQ_TARGET_REQUIRED, /**< regression: as MLQ_LABEL_REQUIRED, but the column is a continuous
                              target read into `t` (each cell a finite decimal number) */
    MLQ_TARGET_IF_PRESENT /**< data for an existing regression model: as MLQ_LABEL_IF_PRESENT,
                               the column read into `t` */
} mlq_label_mode;

/** A table of numeric features with optional class labels, as read from a CSV file. */
typedef struct mlq_dataset {
    size_t n_rows, n_features;
    double *x;            /* [n_rows][n_features], row-major, all finite */
    char **feature_names; /* [n_features] */
    int *y;               /* [n_rows] class ids in 0..n_classes-1, NULL when there is no label column
                             or it was read as a target */
    size_t n_classes;     /* 0 when no labels */
    char **class_names;   /* [n_classes] */
    char *label_name;     /* header name of the label column, NULL when none */
    char *path;           /* as given, for messages */
    long *line;           /* [n_rows] 1-based line number of each row in the file */
    double *t;            /* [n_rows] the target (MLQ_TARGET_* modes), all finite; NULL otherwise */
} mlq_dataset;

/**
 * Read a CSV file (format above). In the MLQ_TARGET_* modes the label
 * column is a target: its cells follow the rules of feature cells, `y`
 * stays NULL and `classes` must be NULL.
 *
 * @param[in]  path       file to read; appears verbatim in messages
 * @param[in]  label_col  name of the label column, or NULL for the default of `mode`
 * @param[in]  mode       MLQ_LABEL_REQUIRED or MLQ_LABEL_OPTIONAL (see the enum)
 * @param[in]  classes    [n_classes] class names of an existing model, or NULL. When
 *                        given (n_classes > 0), each label is mapped onto them: first by
 *                        exact text, then an integer label k by the name that is k in
 *                        decimal. A label matching neither is an error naming its line.
 *                        out->class_names is then a copy of `classes`.
 * @param[in]  n_classes  number of entries in `classes`; 0 when classes is NULL
 * @param[out] out        the dataset on success; zeroed on error (nothing to free)
 * @param[out] err        on error, one line "FILE:LINE: problem" (or "FILE: problem")
 * @return 0, or -1 with err set. Errors: the file cannot be opened or read; it is empty,
 *         UTF-16, binary (NUL byte) or has no data rows; a line is too long; the header
 *         has an empty or duplicate name; the label column is missing or leaves no
 *         feature column; a row has the wrong number of cells, a blank line or a
 *         quoting error; a feature cell is empty, not a decimal number, NaN, infinite
 *         or out of range; a label is empty, negative, fractional, above
 *         MLQ_CSV_MAX_CLASS_ID, NaN or infinite, of the other kind than the first
 *         label (integers vs names), or not one of `classes`; there are more than
 *         MLQ_CSV_MAX_CLASSES classes; memory runs out.
 */
int mlq_csv_read(const char *path, const char *label_col, mlq_label_mode mode,
                 char *const *classes, size_t n_classes, mlq_dataset *out, mlq_err *err);

/** Free everything a dataset owns and zero it. Safe on a zeroed struct and twice. */
void mlq_dataset_free(mlq_dataset *d);

/**
 * Write rows idx[0..n) of d (in that order; repeats allowed) as CSV: a header of the
 * feature names and, when d has labels, the label column last, named d->label_name
 * ("label" if NULL) and holding class names. Numbers are printed in the shortest
 * form that reads back as the same double. Cells are quoted only when needed (a
 * comma, quote, surrounding space or tab, or empty text). The file appears whole or
 * not at all, and only where mlq_out_open allows (host.h: a new or regular file, not
 * an input of the command); "-" writes to stdout.
 *
 * @param[in]  path  output file, or "-"
 * @param[in]  d     dataset as filled by mlq_csv_read
 * @param[in]  idx   [n] row indices, each < d->n_rows
 * @param[in]  n     number of rows to write (0 gives a header-only file)
 * @param[out] err   set on error
 * @return 0, or -1 with err set (output file refused, cannot be created or written, a
 *         row index is out of range, or memory runs out); nothing is left at path then.
 */
int mlq_csv_write(const char *path, const mlq_dataset *d, const size_t *idx, size_t n, mlq_err *err);

#ifdef __cplusplus
}
#endif

#endif /* MLQ_CSV_H */
