/* SPDX-License-Identifier: MIT */
/*
 * csv_read.c -- bytes to lines to cells (csv_impl.h): the line reader and
 * the cell splitter under mlq_csv_read, and the text helpers its messages
 * use.
 *
 * The file is read in fixed-size chunks and split into lines in a growing
 * buffer capped at MLQ_CSV_MAX_LINE, so memory is bounded by the longest
 * accepted line. Each line is then split into cells in place (quotes
 * removed, cells NUL-terminated inside the line buffer).
 */
#include "csv_impl.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Text helpers                                                               */

int mlq_csv_is_blank(char c)
{
    return c == ' ' || c == '\t';
}

const char *mlq_csv_clip(char buf[MLQ_CSV_CLIP_BUF], const char *s, size_t len)
{
    size_t n = len;

    if (n > MLQ_CSV_CLIP_MAX) {
        n = MLQ_CSV_CLIP_MAX;
        while (n > 0 && ((unsigned char)s[n] & 0xC0u) == 0x80u)
            n--;
    }
    memcpy(buf, s, n);
    if (n < len)
        memcpy(buf + n, "...", 3), n += 3;
    buf[n] = '\0';
    return buf;
}

const char *mlq_csv_clips(char buf[MLQ_CSV_CLIP_BUF], const char *s)
{
    return mlq_csv_clip(buf, s, strlen(s));
}

void mlq_csv_trim(const char **s, size_t *len)
{
    while (*len > 0 && mlq_csv_is_blank((*s)[0]))
        (*s)++, (*len)--;
    while (*len > 0 && mlq_csv_is_blank((*s)[*len - 1]))
        (*len)--;
}

const char *mlq_csv_col_desc(char buf[MLQ_CSV_COL_BUF], char *const *names, size_t n_names, size_t k)
{
    char c[MLQ_CSV_CLIP_BUF];

    if (names != NULL && k < n_names)
        snprintf(buf, MLQ_CSV_COL_BUF, "column '%s'", mlq_csv_clips(c, names[k]));
    else
        snprintf(buf, MLQ_CSV_COL_BUF, "column %zu", k + 1);
    return buf;
}

/* ------------------------------------------------------------------------ */
/* Line reader                                                                */

/* Append bytes to the line buffer. The caller has checked the length
 * against the limit, so the buffer never exceeds MLQ_CSV_MAX_LINE + 2. */
static int line_append(mlq_csv_in *in, const char *s, size_t n)
{
    if (in->line_len + n + 1 > in->line_cap) {
        size_t cap = in->line_cap != 0 ? in->line_cap : 256;
        char *p;
        while (cap < in->line_len + n + 1)
            cap *= 2;
        if (cap > MLQ_CSV_MAX_LINE + 2)
            cap = MLQ_CSV_MAX_LINE + 2;
        p = realloc(in->line, cap);
        if (p == NULL)
            return -1;
        in->line = p;
        in->line_cap = cap;
    }
    memcpy(in->line + in->line_len, s, n);
    in->line_len += n;
    return 0;
}

static int line_too_long(const mlq_csv_in *in, long lineno, mlq_err *err)
{
    return mlq_err_set(err, in->path, lineno, "line is longer than %zu bytes, the limit (MLQ_CSV_MAX_LINE)",
                       MLQ_CSV_MAX_LINE);
}

/* Gather the bytes up to the next LF into in->line. 1 = some bytes (or an
 * empty line) were there, 0 = end of file, -1 = error. */
static int gather_line(mlq_csv_in *in, mlq_err *err)
{
    int any = 0;

    in->line_len = 0;
    for (;;) {
        const char *start, *nl;
        size_t avail, take;

        if (in->chunk_pos == in->chunk_len) {
            if (in->eof)
                return any;
            in->chunk_len = fread(in->chunk, 1, MLQ_CSV_CHUNK, in->f);
            in->chunk_pos = 0;
            if (in->chunk_len < MLQ_CSV_CHUNK) {
                if (ferror(in->f))
                    return mlq_err_set(err, in->path, 0, "cannot read: %s", strerror(errno));
                in->eof = 1;
            }
            if (in->chunk_len == 0)
                return any;
        }
        any = 1;
        start = in->chunk + in->chunk_pos;
        avail = in->chunk_len - in->chunk_pos;
        nl = memchr(start, '\n', avail);
        take = nl != NULL ? (size_t)(nl - start) : avail;
        /* One byte of slack for the CR of a CRLF line end. */
        if (in->line_len + take > MLQ_CSV_MAX_LINE + 1)
            return line_too_long(in, in->lineno + 1, err);
        if (line_append(in, start, take) != 0)
            return mlq_err_set(err, in->path, in->lineno + 1, "out of memory");
        in->chunk_pos += take;
        if (nl != NULL) {
            in->chunk_pos++;
            return 1;
        }
    }
}

/* The byte-order marks of line 1: UTF-8 is dropped, UTF-16 is an error. */
static int first_line_bom(mlq_csv_in *in, mlq_err *err)
{
    const unsigned char *u = (const unsigned char *)in->line;

    if (in->line_len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        memmove(in->line, in->line + 3, in->line_len - 3 + 1);
        in->line_len -= 3;
    } else if (in->line_len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
        return mlq_err_set(err, in->path, 1, "file is UTF-16 text (byte-order mark %02X %02X): save it as UTF-8",
                           u[0], u[1]);
    }
    return 0;
}

int mlq_csv_next_line(mlq_csv_in *in, mlq_err *err)
{
    char *p;
    int r;

    r = gather_line(in, err);
    if (r <= 0)
        return r;
    if (in->lineno == LONG_MAX)
        return mlq_err_set(err, in->path, in->lineno, "too many lines");
    in->lineno++;
    if (in->line_len > 0 && in->line[in->line_len - 1] == '\r')
        in->line_len--;
    if (in->line_len > MLQ_CSV_MAX_LINE)
        return line_too_long(in, in->lineno, err);
    if (in->line_cap == 0 && line_append(in, "", 0) != 0)
        return mlq_err_set(err, in->path, in->lineno, "out of memory");
    in->line[in->line_len] = '\0';
    if (in->lineno == 1 && first_line_bom(in, err) != 0)
        return -1;
    p = memchr(in->line, '\0', in->line_len);
    if (p != NULL)
        return mlq_err_set(err, in->path, in->lineno,
                           "NUL byte at byte %zu of the line: this is a binary file, not CSV text",
                           (size_t)(p - in->line) + 1);
    p = memchr(in->line, '\r', in->line_len);
    if (p != NULL)
        return mlq_err_set(err, in->path, in->lineno,
                           "carriage return (CR) at byte %zu of the line: line ends must be LF or CRLF",
                           (size_t)(p - in->line) + 1);
    return 1;
}

int mlq_csv_line_is_blank(const mlq_csv_in *in)
{
    size_t i;

    for (i = 0; i < in->line_len; i++)
        if (!mlq_csv_is_blank(in->line[i]))
            return 0;
    return 1;
}

void mlq_csv_in_free(mlq_csv_in *in)
{
    free(in->chunk);
    free(in->line);
    in->chunk = NULL;
    in->line = NULL;
    in->chunk_pos = in->chunk_len = in->line_len = in->line_cap = 0;
}

/* ------------------------------------------------------------------------ */
/* Cell splitter                                                              */

/* The quoted cell starting after the quote at s[*p - 1]: copy it to s[*w..]
 * without its quotes, step past the closing quote and the blanks after it. */
static int split_quoted(mlq_csv_in *in, size_t *p, size_t *w, char *const *names, size_t n_names, size_t k,
                        mlq_err *err)
{
    char *s = in->line;
    size_t n = in->line_len;
    char col[MLQ_CSV_COL_BUF];

    for (;;) {
        if (*p >= n)
            return mlq_err_set(err, in->path, in->lineno,
                               "%s: quoted cell has no closing quote (a quoted cell must end on its line)",
                               mlq_csv_col_desc(col, names, n_names, k));
        if (s[*p] != '"') {
            s[(*w)++] = s[(*p)++];
        } else if (*p + 1 < n && s[*p + 1] == '"') {
            s[(*w)++] = '"';
            *p += 2;
        } else {
            (*p)++;
            break;
        }
    }
    while (*p < n && mlq_csv_is_blank(s[*p]))
        (*p)++;
    if (*p < n && s[*p] != ',')
        return mlq_err_set(err, in->path, in->lineno,
                           "%s: text after the closing quote (write \"\" for a quote inside a quoted cell)",
                           mlq_csv_col_desc(col, names, n_names, k));
    return 0;
}

int mlq_csv_split(mlq_csv_in *in, mlq_csv_row *row, char *const *names, size_t n_names, mlq_err *err)
{
    char *s = in->line;
    size_t n = in->line_len, p = 0;
    char col[MLQ_CSV_COL_BUF];

    row->n = 0;
    for (;;) {
        size_t start, w;
        int at_comma;

        if (row->n == row->cap) {
            size_t cap = row->cap != 0 ? row->cap * 2 : 16;
            mlq_csv_cell *c = mlq_realloc(row->cell, cap, sizeof *c);
            if (c == NULL)
                return mlq_err_set(err, in->path, in->lineno, "out of memory");
            row->cell = c;
            row->cap = cap;
        }
        while (p < n && mlq_csv_is_blank(s[p]))
            p++;
        if (p < n && s[p] == '"') {
            start = w = ++p;
            if (split_quoted(in, &p, &w, names, n_names, row->n, err) != 0)
                return -1;
        } else {
            const char *q;
            start = p;
            q = memchr(s + p, ',', n - p);
            p = q != NULL ? (size_t)(q - s) : n;
            if (memchr(s + start, '"', p - start) != NULL)
                return mlq_err_set(err, in->path, in->lineno,
                                   "%s: quote inside an unquoted cell "
                                   "(quote the whole cell and write \"\" for a quote)",
                                   mlq_csv_col_desc(col, names, n_names, row->n));
            w = p;
            while (w > start && mlq_csv_is_blank(s[w - 1]))
                w--;
        }
        at_comma = p < n; /* else p == n: the end of the line */
        row->cell[row->n].s = s + start;
        row->cell[row->n].len = w - start;
        row->n++;
        s[w] = '\0'; /* w <= p, and s[n] is the line's own terminator */
        if (!at_comma)
            return 0;
        p++;
    }
}
