/* SPDX-License-Identifier: MIT */
/*
 * csv_impl.h -- the pieces of the CSV code (csv.h), private to it and its
 * tests:
 *
 *   csv_read.c     bytes -> lines -> cells: the line reader (chunked, line
 *                  limit, BOM, CR, NUL) and the cell splitter (RFC 4180
 *                  quoting), and the text helpers of messages
 *   csv_number.c   decimal text <-> double, exact both ways and fast for
 *                  the usual short numbers
 *   csv_labels.c   label cells -> class ids (integers or sorted names, or
 *                  the classes of a model), and the string set it uses
 *   csv_dataset.c  cells -> mlq_dataset: header, label column, feature
 *                  cells, rows (mlq_csv_read, mlq_dataset_free)
 *   csv_write.c    mlq_dataset rows -> CSV text (mlq_csv_write)
 */
#ifndef MLQ_CSV_IMPL_H
#define MLQ_CSV_IMPL_H

#include <stddef.h>
#include <stdio.h>

#include "csv.h"

/* ------------------------------------------------------------------------ */
/* Text helpers (csv_read.c)                                                  */

/* Longest piece of a cell or name quoted in a message, in bytes. */
#define MLQ_CSV_CLIP_MAX 48
/* Size of a buffer holding a clipped text: MLQ_CSV_CLIP_MAX bytes, "...", NUL. */
#define MLQ_CSV_CLIP_BUF (MLQ_CSV_CLIP_MAX + 4)
/* Size of a buffer holding a column description (mlq_csv_col_desc). */
#define MLQ_CSV_COL_BUF (MLQ_CSV_CLIP_BUF + 16)

/* Space or tab: the blanks trimmed around cells. */
int mlq_csv_is_blank(char c);

/* At most MLQ_CSV_CLIP_MAX bytes of s[0..len) in buf, cut on a UTF-8
 * character boundary, with "..." when something was left out, so that one
 * bad cell cannot flood a message. Returns buf. */
const char *mlq_csv_clip(char buf[MLQ_CSV_CLIP_BUF], const char *s, size_t len);
/* mlq_csv_clip of a NUL-terminated string. */
const char *mlq_csv_clips(char buf[MLQ_CSV_CLIP_BUF], const char *s);

/* Drop spaces and tabs at both ends of s[0..*len). */
void mlq_csv_trim(const char **s, size_t *len);

/* "column 'NAME'" when names (may be NULL) names column k, else "column K+1". */
const char *mlq_csv_col_desc(char buf[MLQ_CSV_COL_BUF], char *const *names, size_t n_names, size_t k);

/* ------------------------------------------------------------------------ */
/* Line reader and cell splitter (csv_read.c)                                 */

/* A file read in fixed-size chunks and split into lines in a growing
 * buffer capped at MLQ_CSV_MAX_LINE, so memory is bounded by the longest
 * accepted line. Zero it, set f, path and chunk (MLQ_CSV_CHUNK bytes),
 * then call mlq_csv_next_line. */
typedef struct mlq_csv_in {
    FILE *f;
    const char *path; /* for messages */
    char *chunk;      /* [MLQ_CSV_CHUNK] bytes read from the file */
    size_t chunk_pos, chunk_len;
    int eof;          /* nothing more to fread */
    char *line;       /* [line_cap] current line, NUL-terminated, no line end */
    size_t line_len, line_cap;
    long lineno;      /* 1-based number of the line in `line` */
} mlq_csv_in;

#define MLQ_CSV_CHUNK ((size_t)64 * 1024)

/* Read the next line into in->line (line end dropped, a BOM dropped from
 * line 1; UTF-16, NUL bytes, a lone CR and overlong lines are errors).
 * 1 = a line, 0 = end of file, -1 = error (err set). */
int mlq_csv_next_line(mlq_csv_in *in, mlq_err *err);

/* Whether the current line is empty or only spaces and tabs. */
int mlq_csv_line_is_blank(const mlq_csv_in *in);

/* Free the chunk and line buffers (not the FILE) and zero the counters. */
void mlq_csv_in_free(mlq_csv_in *in);

typedef struct mlq_csv_cell {
    char *s;    /* NUL-terminated, inside the line buffer, quotes removed */
    size_t len;
} mlq_csv_cell;

typedef struct mlq_csv_row {
    mlq_csv_cell *cell; /* [cap] */
    size_t n, cap;
} mlq_csv_row;

/* Split in->line in place into row->cell[0..n) (quotes removed, blanks
 * around unquoted cells dropped). names (may be NULL) only name columns in
 * messages. 0, or -1 with err set (quoting error, out of memory). */
int mlq_csv_split(mlq_csv_in *in, mlq_csv_row *row, char *const *names, size_t n_names, mlq_err *err);

/* ------------------------------------------------------------------------ */
/* Numbers (csv_number.c)                                                     */

typedef enum mlq_csv_num {
    MLQ_NUM_OK,
    MLQ_NUM_EMPTY,     /* nothing but spaces */
    MLQ_NUM_SYNTAX,    /* not a decimal number */
    MLQ_NUM_NONFINITE, /* nan / inf spelled out */
    MLQ_NUM_RANGE,     /* decimal, but beyond the range of a double */
    MLQ_NUM_LOCALE     /* decimal, but strtod disagrees: LC_NUMERIC is not "C" */
} mlq_csv_num;

/* Whether s[0..len) is a decimal number: [+-]digits[.digits][(e|E)[+-]digits]
 * with at least one mantissa digit (no hexadecimal, no "nan"/"inf", no
 * surrounding space). */
int mlq_csv_is_decimal(const char *s, size_t len);

/* Whether s[0..len) spells a NaN or an infinity the way strtod would take
 * it: [+-](nan|nan(...)|inf|infinity), any case. */
int mlq_csv_is_nonfinite_word(const char *s, size_t len);

/* Read the decimal number in s[0..len) (spaces around it allowed) as the
 * double nearest to it (what a correctly rounding strtod gives; underflow
 * gives the nearest subnormal or zero). s must be followed, at or after
 * s[len], by a byte strtod stops at (space or NUL), which holds for cells in
 * the line buffer. *v is set only on MLQ_NUM_OK. */
mlq_csv_num mlq_csv_parse_number(const char *s, size_t len, double *v);

/* Longest text mlq_csv_format_double writes, NUL included. */
#define MLQ_CSV_NUM_BUF 32

/* The shortest text that reads back (strtod) as exactly v, which must be
 * finite: the fewest significant digits that round-trip, printed as %g
 * prints them ("0.1", "1e-05", "1.5e+300"), except that a number with a
 * non-negative exponent below 17 is written without the exponent when that
 * is no longer ("100" rather than "1e+02", but "1e+05"). Returns the length. */
size_t mlq_csv_format_double(char buf[MLQ_CSV_NUM_BUF], double v);

/* ------------------------------------------------------------------------ */
/* String set (csv_labels.c): open addressing over an external array of     */
/* names                                                                      */

typedef struct mlq_strtab {
    size_t *slot; /* [cap] index + 1 into the names array, 0 = empty */
    size_t cap;   /* power of two, at least twice the number of entries */
} mlq_strtab;

/* Index of key in names[], or SIZE_MAX when absent. */
size_t mlq_strtab_find(const mlq_strtab *t, char *const *names, const char *key);
/* Add names[idx]; the table must have a free slot (mlq_strtab_reserve). */
void mlq_strtab_put(mlq_strtab *t, char *const *names, size_t idx);
/* Make room for n entries, re-adding names[0..n_present), which must be
 * distinct. 0, or -1 when memory is short (table unchanged). */
int mlq_strtab_reserve(mlq_strtab *t, char *const *names, size_t n_present, size_t n);
void mlq_strtab_free(mlq_strtab *t);

/* ------------------------------------------------------------------------ */
/* Labels (csv_labels.c)                                                      */

/* strtod follows LC_NUMERIC; numbers in CSV files always use '.'. */
extern const char mlq_csv_locale_problem[];

typedef enum mlq_label_kind { MLQ_KIND_NONE, MLQ_KIND_INT, MLQ_KIND_NAME } mlq_label_kind;

/* The labels of one file being read: zero it, then mlq_csv_labels_init. */
typedef struct mlq_csv_labels {
    const char *path;     /* for messages */
    const char *column;   /* name of the label column, for messages */
    char *const *classes; /* model classes to map onto, or NULL */
    size_t n_model_classes;
    mlq_strtab classes_tab;
    char **names;         /* [n_names] distinct name labels, first-seen order */
    size_t n_names, names_cap;
    mlq_strtab names_tab;
    long max_id;          /* largest integer label, -1 before the first */
    mlq_label_kind kind;  /* kind of the first label */
    long kind_line;
    char kind_text[MLQ_CSV_CLIP_BUF];
} mlq_csv_labels;

/* Start reading the labels of column `column` of path; classes (n_classes
 * > 0) are a model's classes to map onto, as in mlq_csv_read. 0, or -1
 * with err set (out of memory). */
int mlq_csv_labels_init(mlq_csv_labels *l, const char *path, const char *column, char *const *classes,
                        size_t n_classes, mlq_err *err);

/* The class id of the label cell of line `line`: the model's class, the
 * integer, or a provisional id of a name (final after mlq_csv_labels_finish).
 * 0, or -1 with err set (the rules of csv.h). */
int mlq_csv_label_take(mlq_csv_labels *l, long line, const mlq_csv_cell *cell, int *id, mlq_err *err);

/* Give the n ids y[0..n) their final values and fill the class names:
 * a copy of the model's classes, "0".."K-1", or the names sorted with
 * strcmp (which then move out of l). line names the place of an out of
 * memory error. 0, or -1 with err set. */
int mlq_csv_labels_finish(mlq_csv_labels *l, long line, int *y, size_t n, char ***class_names,
                          size_t *n_classes, mlq_err *err);

void mlq_csv_labels_free(mlq_csv_labels *l);

#endif /* MLQ_CSV_IMPL_H */
