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
 * Output files (outfile.c). Every file mlq writes goes through these:
 *
 *   - Whole or not at all: mlq_out_open writes to a temporary file
 *     PATH.tmpXXXXXX beside PATH (the name shortened to fit NAME_MAX),
 *     mlq_out_commit renames it over PATH after a successful flush and
 *     close, mlq_out_abort removes it. "-" means stdout (no rename).
 *   - Only regular files: a PATH that is a symbolic link (even one to a
 *     regular file: mlq never writes through a link, so the link and its
 *     target stay as they are), a directory, a device, a FIFO or a socket
 *     is refused by mlq_out_open before anything is created.
 *   - Never over an input: after mlq_out_protect(IN), mlq_out_open refuses
 *     an output that is the same file as IN, by any name (./x and x, a hard
 *     link, a symbolic link to it given as the input).
 *   - Permissions: a new file gets 0666 less the umask; a file that is
 *     replaced keeps its permission bits.
 *   - Signals: SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGPIPE and SIGXFSZ, when
 *     their action is the default one, are caught from the first
 *     mlq_out_open on: the handler removes the temporary files not yet
 *     renamed, then the signal ends the process as it would have.
 *
 * Messages: "PATH: is a symbolic link: ...", "PATH: is a directory",
 * "PATH: is a FIFO, not a regular file ...", "PATH: would overwrite the
 * input file IN", "PATH: would overwrite OTHER, another output of this
 * command", "PATH: cannot create output file: ...", "PATH: cannot write
 * output file: ...", "<stdout>: write failed: ...".
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

/**
 * Register path as an input of the command: mlq_out_open and mlq_out_check
 * then refuse to write it under any name. A path that does not exist (or
 * "-") is not registered (reading it fails anyway). 0, or -1 with err set
 * (out of memory).
 */
int mlq_out_protect(const char *path, mlq_err *err);

/**
 * Check now, before the work that produces it, that path may be written as
 * an output of the command (the refusals of mlq_out_open), and register it
 * as one: a later mlq_out_check of the same file (./t.csv after t.csv, or a
 * hard link) fails with "would overwrite ..., another output of this
 * command". mlq_out_open of a checked path is not refused for that. "-" is
 * always fine. 0, or -1 with err set.
 */
int mlq_out_check(const char *path, mlq_err *err);

/** Forget the inputs and outputs registered so far (a program running several commands). */
void mlq_out_reset(void);

/**
 * Flush and close stdout at the end of a command: 0, or -1 with err set to
 * "<stdout>: write failed: REASON" when anything written to stdout was lost
 * (a full disk, a closed pipe with SIGPIPE ignored, a closed descriptor).
 * Nothing may be written to stdout afterwards.
 */
int mlq_stdout_close(mlq_err *err);

#endif /* MLQ_HOST_H */
