/* SPDX-License-Identifier: MIT */
/*
 * host.h -- error reporting and checked allocation for the host side
 * (trainers, exporters, CLI). Never included by device code.
 *
 *   mlq_err err = {{0}};
 *   if (!ok) return mlq_err_set(&err, path, line, "row has %zu cells", n);
 *   ...
 *   fprintf(stderr, "mlq: %s\n", err.msg);   // "mlq: FILE:LINE: what is wrong"
 */
#ifndef MLQ_HOST_H
#define MLQ_HOST_H

#include <stddef.h>
#include <stdio.h>

/** Last error of a host call: one line, "FILE:LINE: problem" (or "FILE: problem"). */
typedef struct mlq_err {
    char msg[1024];
} mlq_err;

#if defined(__GNUC__)
#define MLQ_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define MLQ_PRINTF(a, b)
#endif

/**
 * Format an error into err->msg as "FILE:LINE: text" (LINE omitted when 0,
 * "FILE: " omitted when file is NULL). Newlines in the text become spaces so
 * the message stays on one line. Always returns -1, so callers can write
 * `return mlq_err_set(...)`.
 */
int mlq_err_set(mlq_err *err, const char *file, long line, const char *fmt, ...) MLQ_PRINTF(4, 5);

/** calloc(n, size) with overflow check; NULL when n*size overflows or memory is short. */
void *mlq_calloc(size_t n, size_t size);

/** realloc(p, n*size) with overflow check; NULL (p untouched) on failure. */
void *mlq_realloc(void *p, size_t n, size_t size);

/** strdup for C99; NULL when memory is short. */
char *mlq_strdup(const char *s);

/** Copy of n strings (a new array of new strings); NULL when memory is short. */
char **mlq_strings_dup(char *const *s, size_t n);

/** Free n strings and their array; safe on NULL. */
void mlq_strings_free(char **s, size_t n);

/*
 * Output files appear whole or not at all: mlq_out_open writes to a
 * temporary file beside PATH, mlq_out_commit renames it over PATH after a
 * successful flush, mlq_out_abort removes it. "-" means stdout (no rename).
 */
typedef struct mlq_outfile {
    FILE *f;
    char *path; /* final path, NULL for stdout */
    char *tmp;  /* temporary path, NULL for stdout */
} mlq_outfile;

/** Open a temporary file next to path (or stdout for "-"). 0 or -1 with err set. */
int mlq_out_open(mlq_outfile *out, const char *path, mlq_err *err);
/** Flush, close and rename into place. 0 or -1 with err set (nothing left behind). */
int mlq_out_commit(mlq_outfile *out, mlq_err *err);
/** Close and delete the temporary file; safe to call after a failed commit or twice. */
void mlq_out_abort(mlq_outfile *out);

#endif /* MLQ_HOST_H */
