/* SPDX-License-Identifier: MIT */
/*
 * emit.h -- writing C text into generated headers: user strings, integer
 * and float arrays.
 *
 *   mlq_emit_text(f, feature_name, MLQ_TEXT_COMMENT);   // inside a comment
 *   mlq_emit_text(f, class_name, MLQ_TEXT_STRING);      // "...", escaped
 *   mlq_text_ident(buf, sizeof buf, class_name);        // a C identifier fragment
 *
 * Anything a user controls (feature, class and file names, model-file
 * strings) reaches a generated header through mlq_emit_text or
 * mlq_text_ident only, so no text can close a comment, start a
 * preprocessor line, splice lines, form a trigraph or end a string early.
 */
#ifndef MLQ_EMIT_H
#define MLQ_EMIT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum mlq_text_as {
    /* Inside a block comment: printable ASCII only (any other byte, line
     * breaks included, becomes '.'), '\' becomes '/', "*" before '/' and
     * '/' before '*' get a space between them, and a '?' after a '?' is
     * written as "? ?" (no trigraph, no line splice, no comment end). */
    MLQ_TEXT_COMMENT,
    /* The body of a C string literal (without the quotes): '"', '\' and '?'
     * are escaped (\" \\ \?), every byte outside printable ASCII is a
     * three-digit octal escape, so the bytes read back exactly in C and C++. */
    MLQ_TEXT_STRING
} mlq_text_as;

/** Write s as `as` says (see mlq_text_as). */
void mlq_emit_text(FILE *f, const char *s, mlq_text_as as);

/**
 * A C identifier fragment made from s: letters, digits and '_' are kept,
 * every other byte becomes '_', at most size - 1 bytes (size >= 2); an
 * empty s gives "_". The result may start with a digit: callers put it
 * after a prefix.
 */
void mlq_text_ident(char *buf, size_t size, const char *s);

/** The part of path after its last '/' (the whole path when it has none). */
const char *mlq_base_name(const char *path);

/**
 * `static const CTYPE NAME_SUFFIX[n] MLQ_ALIGN4 = {...};` with a shape
 * comment, `cols` values a line. int64_t values are written with INT64_C().
 */
void mlq_emit_ints(FILE *f, const char *ctype, const char *name, const char *suffix,
                   const char *shape, const int64_t *v, size_t n, size_t cols);

/**
 * A far array of n Q1.15 values (mlq/types.h): the values once, in a macro
 * NAME_SUFFIX_values, then on an AVR with more than 64 KiB of flash
 * MLQ_FAR_ARRAY(NAME_SUFFIX, ID, ...) (ID: 0 and the FNV-1a digest of the
 * values, 16 hex digits), elsewhere the array as mlq_emit_ints writes it. The model struct names it MLQ_FAR_REF(NAME_SUFFIX).
 */
void mlq_emit_far_q15(FILE *f, const char *name, const char *suffix, const char *shape,
                      const int64_t *v, size_t n, size_t cols);

/** `static const float NAME_SUFFIX[n] = {...};`, each value written so that it reads back exactly. */
void mlq_emit_floats(FILE *f, const char *name, const char *suffix, const char *shape,
                     const float *v, size_t n);

#endif /* MLQ_EMIT_H */
