/* SPDX-License-Identifier: MIT */
/*
 * csv.c -- the CSV reader and writer declared in csv.h.
 *
 * The file is read in fixed-size chunks and split into lines in a growing
 * buffer capped at MLQ_CSV_MAX_LINE, so memory is bounded by the longest
 * accepted line plus the rows kept. Each line is then split into cells in
 * place (quotes removed, cells NUL-terminated inside the line buffer).
 */
#include "csv.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Private: text helpers                                                      */

/* Longest piece of a cell or name quoted in a message, in bytes. */
#define CLIP_MAX 48
/* Size of a buffer holding a clipped text: CLIP_MAX bytes, "...", NUL. */
#define CLIP_BUF (CLIP_MAX + 4)

static int is_blank_char(char c)
{
    return c == ' ' || c == '\t';
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Copy at most CLIP_MAX bytes of s[0..len) into buf, cut on a UTF-8
 * character boundary, with "..." when something was left out, so one bad
 * cell cannot flood a message. */
static const char *clip(char buf[CLIP_BUF], const char *s, size_t len)
{
    size_t n = len;

    if (n > CLIP_MAX) {
        n = CLIP_MAX;
        while (n > 0 && ((unsigned char)s[n] & 0xC0u) == 0x80u)
            n--;
    }
    memcpy(buf, s, n);
    if (n < len)
        memcpy(buf + n, "...", 3), n += 3;
    buf[n] = '\0';
    return buf;
}

static const char *clips(char buf[CLIP_BUF], const char *s)
{
    return clip(buf, s, strlen(s));
}

/* Drop spaces and tabs at both ends of s[0..*len). */
static void trim(const char **s, size_t *len)
{
    while (*len > 0 && is_blank_char((*s)[0]))
        (*s)++, (*len)--;
    while (*len > 0 && is_blank_char((*s)[*len - 1]))
        (*len)--;
}

/* Whether s[0..len) is a decimal number: [+-]digits[.digits][(e|E)[+-]digits]
 * with at least one mantissa digit. This is a strict subset of what strtod
 * takes: no hexadecimal, no "nan"/"inf", no surrounding space. */
static int is_decimal(const char *s, size_t len)
{
    size_t i = 0, digits = 0, exp_digits = 0;

    if (i < len && (s[i] == '+' || s[i] == '-'))
        i++;
    while (i < len && is_digit(s[i]))
        i++, digits++;
    if (i < len && s[i] == '.') {
        i++;
        while (i < len && is_digit(s[i]))
            i++, digits++;
    }
    if (digits == 0)
        return 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        while (i < len && is_digit(s[i]))
            i++, exp_digits++;
        if (exp_digits == 0)
            return 0;
    }
    return i == len;
}

/* Case-insensitive equality of s[0..len) with the lower-case word w. */
static int equals_word(const char *s, size_t len, const char *w)
{
    size_t i;

    if (strlen(w) != len)
        return 0;
    for (i = 0; i < len; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != w[i])
            return 0;
    }
    return 1;
}

/* Whether s[0..len) spells a NaN or an infinity the way strtod would take
 * it: [+-](nan|nan(...)|inf|infinity), any case. */
static int is_nonfinite_word(const char *s, size_t len)
{
    if (len > 0 && (s[0] == '+' || s[0] == '-'))
        s++, len--;
    if (equals_word(s, len, "nan") || equals_word(s, len, "inf") || equals_word(s, len, "infinity"))
        return 1;
    return len >= 5 && equals_word(s, 4, "nan(") && s[len - 1] == ')';
}

typedef enum num_status {
    NUM_OK,
    NUM_EMPTY,     /* nothing but spaces */
    NUM_SYNTAX,    /* not a decimal number */
    NUM_NONFINITE, /* nan / inf spelled out */
    NUM_RANGE,     /* decimal, but beyond the range of a double */
    NUM_LOCALE     /* decimal, but strtod disagrees: LC_NUMERIC is not "C" */
} num_status;

/* Read the decimal number in s[0..len) (spaces around it allowed). s must
 * be followed, at or after s[len], by a byte strtod stops at (space or NUL),
 * which holds for cells in the line buffer. */
static num_status parse_number(const char *s, size_t len, double *v)
{
    char *end;

    trim(&s, &len);
    if (len == 0)
        return NUM_EMPTY;
    if (!is_decimal(s, len))
        return is_nonfinite_word(s, len) ? NUM_NONFINITE : NUM_SYNTAX;
    /* Underflow (1e-999) gives the nearest subnormal or zero, which is the
     * right value to use; only overflow to infinity is rejected. */
    *v = strtod(s, &end);
    if (end != s + len)
        return NUM_LOCALE;
    return isinf(*v) ? NUM_RANGE : NUM_OK;
}

/* ------------------------------------------------------------------------ */
/* Private: string set (open addressing over an external array of names)     */

typedef struct strtab {
    size_t *slot; /* [cap] index + 1 into the names array, 0 = empty */
    size_t cap;   /* power of two, at least twice the number of entries */
} strtab;

static size_t str_hash(const char *s)
{
    uint64_t h = 14695981039346656037u; /* FNV-1a */

    for (; *s != '\0'; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211u;
    }
    return (size_t)(h ^ (h >> 32));
}

/* Index of key in names[], or SIZE_MAX when absent. */
static size_t strtab_find(const strtab *t, char *const *names, const char *key)
{
    size_t mask, i;

    if (t->cap == 0)
        return SIZE_MAX;
    mask = t->cap - 1;
    for (i = str_hash(key) & mask; t->slot[i] != 0; i = (i + 1) & mask)
        if (strcmp(names[t->slot[i] - 1], key) == 0)
            return t->slot[i] - 1;
    return SIZE_MAX;
}

/* Add names[idx]; the table must have a free slot. */
static void strtab_put(strtab *t, char *const *names, size_t idx)
{
    size_t mask = t->cap - 1, i;

    for (i = str_hash(names[idx]) & mask; t->slot[i] != 0; i = (i + 1) & mask)
        continue;
    t->slot[i] = idx + 1;
}

/* Make room for n entries, re-adding names[0..n_present), which must be
 * distinct. 0, or -1 when memory is short (table unchanged). */
static int strtab_reserve(strtab *t, char *const *names, size_t n_present, size_t n)
{
    size_t cap = t->cap != 0 ? t->cap : 16, i;
    size_t *slot;

    if (n <= t->cap / 2)
        return 0;
    while (cap / 2 < n) {
        if (cap > SIZE_MAX / 4)
            return -1;
        cap *= 2;
    }
    slot = mlq_calloc(cap, sizeof *slot);
    if (slot == NULL)
        return -1;
    free(t->slot);
    t->slot = slot;
    t->cap = cap;
    for (i = 0; i < n_present; i++)
        strtab_put(t, names, i);
    return 0;
}

static void strtab_free(strtab *t)
{
    free(t->slot);
    t->slot = NULL;
    t->cap = 0;
}


/* ------------------------------------------------------------------------ */
/* Private: line reader                                                       */

#define CSV_CHUNK ((size_t)64 * 1024)

typedef struct csv_in {
    FILE *f;
    const char *path;
    char *chunk;      /* [CSV_CHUNK] bytes read from the file */
    size_t chunk_pos, chunk_len;
    int eof;          /* nothing more to fread */
    char *line;       /* [line_cap] current line, NUL-terminated, no line end */
    size_t line_len, line_cap;
    long lineno;      /* 1-based number of the line in `line` */
} csv_in;

/* Append bytes to the line buffer. The caller has checked the length
 * against the limit, so the buffer never exceeds MLQ_CSV_MAX_LINE + 2. */
static int line_append(csv_in *in, const char *s, size_t n)
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

/* Read the next line into in->line. 1 = a line, 0 = end of file,
 * -1 = error (err set). */
static int csv_next_line(csv_in *in, mlq_err *err)
{
    int found_nl = 0, any = 0;
    char *p;

    in->line_len = 0;
    while (!found_nl) {
        const char *start, *nl;
        size_t avail, take;

        if (in->chunk_pos == in->chunk_len) {
            if (in->eof)
                break;
            in->chunk_len = fread(in->chunk, 1, CSV_CHUNK, in->f);
            in->chunk_pos = 0;
            if (in->chunk_len < CSV_CHUNK) {
                if (ferror(in->f))
                    return mlq_err_set(err, in->path, 0, "cannot read: %s", strerror(errno));
                in->eof = 1;
            }
            if (in->chunk_len == 0)
                break;
        }
        any = 1;
        start = in->chunk + in->chunk_pos;
        avail = in->chunk_len - in->chunk_pos;
        nl = memchr(start, '\n', avail);
        take = nl != NULL ? (size_t)(nl - start) : avail;
        /* One byte of slack for the CR of a CRLF line end. */
        if (in->line_len + take > MLQ_CSV_MAX_LINE + 1)
            return mlq_err_set(err, in->path, in->lineno + 1,
                               "line is longer than %zu bytes, the limit (MLQ_CSV_MAX_LINE)",
                               MLQ_CSV_MAX_LINE);
        if (line_append(in, start, take) != 0)
            return mlq_err_set(err, in->path, in->lineno + 1, "out of memory");
        in->chunk_pos += take;
        if (nl != NULL) {
            in->chunk_pos++;
            found_nl = 1;
        }
    }
    if (!any)
        return 0;
    if (in->lineno == LONG_MAX)
        return mlq_err_set(err, in->path, in->lineno, "too many lines");
    in->lineno++;
    if (in->line_len > 0 && in->line[in->line_len - 1] == '\r')
        in->line_len--;
    if (in->line_len > MLQ_CSV_MAX_LINE)
        return mlq_err_set(err, in->path, in->lineno,
                           "line is longer than %zu bytes, the limit (MLQ_CSV_MAX_LINE)",
                           MLQ_CSV_MAX_LINE);
    if (in->line_cap == 0 && line_append(in, "", 0) != 0)
        return mlq_err_set(err, in->path, in->lineno, "out of memory");
    in->line[in->line_len] = '\0';
    if (in->lineno == 1) {
        const unsigned char *u = (const unsigned char *)in->line;
        if (in->line_len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
            memmove(in->line, in->line + 3, in->line_len - 3 + 1);
            in->line_len -= 3;
        } else if (in->line_len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
            return mlq_err_set(err, in->path, 1,
                               "file is UTF-16 text (byte-order mark %02X %02X): save it as UTF-8", u[0], u[1]);
        }
    }
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

static int line_is_blank(const csv_in *in)
{
    size_t i;

    for (i = 0; i < in->line_len; i++)
        if (!is_blank_char(in->line[i]))
            return 0;
    return 1;
}

/* ------------------------------------------------------------------------ */
/* Private: splitting a line into cells                                      */

typedef struct csv_cell {
    char *s;    /* NUL-terminated, inside the line buffer, quotes removed */
    size_t len;
} csv_cell;

typedef struct csv_row {
    csv_cell *cell; /* [cap] */
    size_t n, cap;
} csv_row;

/* "column 'NAME'" when the header names the column, else "column N". */
static const char *col_desc(char buf[CLIP_BUF + 16], char *const *names, size_t n_names, size_t k)
{
    char c[CLIP_BUF];

    if (names != NULL && k < n_names)
        snprintf(buf, CLIP_BUF + 16, "column '%s'", clips(c, names[k]));
    else
        snprintf(buf, CLIP_BUF + 16, "column %zu", k + 1);
    return buf;
}

/* Split in->line into row->cell[0..n). names (may be NULL) only serve to
 * name columns in messages. 0 or -1 with err set. */
static int csv_split(csv_in *in, csv_row *row, char *const *names, size_t n_names, mlq_err *err)
{
    char *s = in->line;
    size_t n = in->line_len, p = 0;
    char col[CLIP_BUF + 16];

    row->n = 0;
    for (;;) {
        size_t start, w;
        int at_comma;

        if (row->n == row->cap) {
            size_t cap = row->cap != 0 ? row->cap * 2 : 16;
            csv_cell *c = mlq_realloc(row->cell, cap, sizeof *c);
            if (c == NULL)
                return mlq_err_set(err, in->path, in->lineno, "out of memory");
            row->cell = c;
            row->cap = cap;
        }
        while (p < n && is_blank_char(s[p]))
            p++;
        if (p < n && s[p] == '"') {
            start = w = ++p;
            for (;;) {
                if (p >= n)
                    return mlq_err_set(err, in->path, in->lineno,
                                       "%s: quoted cell has no closing quote (a quoted cell must end on its line)",
                                       col_desc(col, names, n_names, row->n));
                if (s[p] != '"') {
                    s[w++] = s[p++];
                } else if (p + 1 < n && s[p + 1] == '"') {
                    s[w++] = '"';
                    p += 2;
                } else {
                    p++;
                    break;
                }
            }
            while (p < n && is_blank_char(s[p]))
                p++;
            if (p < n && s[p] != ',')
                return mlq_err_set(err, in->path, in->lineno,
                                   "%s: text after the closing quote (write \"\" for a quote inside a quoted cell)",
                                   col_desc(col, names, n_names, row->n));
        } else {
            start = p;
            while (p < n && s[p] != ',') {
                if (s[p] == '"')
                    return mlq_err_set(err, in->path, in->lineno,
                                       "%s: quote inside an unquoted cell "
                                       "(quote the whole cell and write \"\" for a quote)",
                                       col_desc(col, names, n_names, row->n));
                p++;
            }
            w = p;
            while (w > start && is_blank_char(s[w - 1]))
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

/* ------------------------------------------------------------------------ */
/* Private: reading a dataset                                                 */

/* strtod follows LC_NUMERIC; numbers in CSV files always use '.'. */
static const char locale_problem[] =
    "cannot be converted: the program's LC_NUMERIC locale does not use '.' as the decimal point";

typedef enum label_kind { KIND_NONE, KIND_INT, KIND_NAME } label_kind;

#define NO_COLUMN SIZE_MAX

typedef struct csv_build {
    mlq_dataset d;        /* being filled; freed on error */
    csv_in in;
    csv_row row;
    size_t n_cols;
    char **col_names;     /* [n_cols] header names, borrowed from d, for messages */
    size_t label_col;     /* NO_COLUMN when the file has no labels */
    size_t rows_cap;
    /* labels */
    char *const *classes; /* model classes to map onto, or NULL */
    size_t n_model_classes;
    strtab classes_tab;
    char **names;         /* [n_names] distinct name labels, first-seen order */
    size_t n_names, names_cap;
    strtab names_tab;
    long max_id;          /* largest integer label, -1 before the first */
    label_kind kind;      /* kind of the first label */
    long kind_line;
    char kind_text[CLIP_BUF];
} csv_build;

static void build_free(csv_build *b)
{
    mlq_dataset_free(&b->d);
    if (b->in.f != NULL)
        fclose(b->in.f);
    free(b->in.chunk);
    free(b->in.line);
    free(b->row.cell);
    free(b->col_names);
    strtab_free(&b->classes_tab);
    strtab_free(&b->names_tab);
    mlq_strings_free(b->names, b->n_names);
}

static int oom(csv_build *b, mlq_err *err)
{
    return mlq_err_set(err, b->d.path != NULL ? b->d.path : b->in.path, b->in.lineno, "out of memory");
}

/* Read and check the header; choose the label column. */
static int read_header(csv_build *b, const char *label_col, mlq_label_mode mode, mlq_err *err)
{
    const char *path = b->in.path;
    char c1[CLIP_BUF];
    char **hdr;
    strtab tab = {NULL, 0};
    size_t k, j, n;
    long blank = 0;
    int r;

    for (;;) {
        r = csv_next_line(&b->in, err);
        if (r < 0)
            return -1;
        if (r == 0)
            return mlq_err_set(err, path, 1, "file is empty (expected a header row and data rows)");
        if (!line_is_blank(&b->in))
            break;
        if (blank == 0)
            blank = b->in.lineno;
    }
    if (blank != 0)
        return mlq_err_set(err, path, blank,
                           "blank line before the header (the first line must name the columns)");
    if (csv_split(&b->in, &b->row, NULL, 0, err) != 0)
        return -1;
    n = b->row.n;
    for (k = 0; k < n; k++)
        if (b->row.cell[k].len == 0)
            return mlq_err_set(err, path, b->in.lineno, "column %zu has an empty name in the header", k + 1);

    hdr = mlq_calloc(n, sizeof *hdr);
    if (hdr == NULL)
        return oom(b, err);
    for (k = 0; k < n; k++) {
        hdr[k] = mlq_strdup(b->row.cell[k].s);
        if (hdr[k] == NULL) {
            mlq_strings_free(hdr, n);
            return oom(b, err);
        }
    }
    if (strtab_reserve(&tab, hdr, 0, n) != 0) {
        mlq_strings_free(hdr, n);
        return oom(b, err);
    }
    for (k = 0; k < n; k++) {
        j = strtab_find(&tab, hdr, hdr[k]);
        if (j != SIZE_MAX) {
            mlq_err_set(err, path, b->in.lineno, "column %zu ('%s') has the same name as column %zu",
                        k + 1, clips(c1, hdr[k]), j + 1);
            strtab_free(&tab);
            mlq_strings_free(hdr, n);
            return -1;
        }
        strtab_put(&tab, hdr, k);
    }

    b->label_col = NO_COLUMN;
    if (label_col != NULL) {
        b->label_col = strtab_find(&tab, hdr, label_col);
        if (b->label_col == NO_COLUMN && mode != MLQ_LABEL_IF_PRESENT) {
            mlq_err_set(err, path, b->in.lineno, "label column '%s' is not in the header",
                        clips(c1, label_col));
            strtab_free(&tab);
            mlq_strings_free(hdr, n);
            return -1;
        }
    } else {
        b->label_col = strtab_find(&tab, hdr, "label");
        if (b->label_col == NO_COLUMN && mode == MLQ_LABEL_REQUIRED)
            b->label_col = n - 1;
    }
    strtab_free(&tab);
    if (b->label_col != NO_COLUMN && n == 1) {
        mlq_err_set(err, path, b->in.lineno,
                    "only one column ('%s'), and it is the label: at least one feature column is needed",
                    clips(c1, hdr[0]));
        mlq_strings_free(hdr, n);
        return -1;
    }

    /* Move the names into the dataset. */
    b->col_names = mlq_calloc(n, sizeof *b->col_names);
    if (b->col_names == NULL) {
        mlq_strings_free(hdr, n);
        return oom(b, err);
    }
    b->n_cols = n;
    b->d.n_features = n - (b->label_col != NO_COLUMN ? 1 : 0);
    b->d.feature_names = mlq_calloc(b->d.n_features, sizeof *b->d.feature_names);
    if (b->d.feature_names == NULL) {
        mlq_strings_free(hdr, n);
        return oom(b, err);
    }
    for (k = 0, j = 0; k < n; k++) {
        b->col_names[k] = hdr[k];
        if (k == b->label_col)
            b->d.label_name = hdr[k];
        else
            b->d.feature_names[j++] = hdr[k];
    }
    free(hdr);
    return 0;
}

/* Make room for one more row. */
static int grow_rows(csv_build *b, mlq_err *err)
{
    size_t cap;
    void *p;

    if (b->d.n_rows < b->rows_cap)
        return 0;
    cap = b->rows_cap != 0 ? b->rows_cap * 2 : 256;
    if (cap < b->rows_cap)
        return oom(b, err);
    p = mlq_realloc(b->d.x, cap, b->d.n_features * sizeof(double));
    if (p == NULL)
        return oom(b, err);
    b->d.x = p;
    p = mlq_realloc(b->d.line, cap, sizeof(long));
    if (p == NULL)
        return oom(b, err);
    b->d.line = p;
    if (b->label_col != NO_COLUMN) {
        p = mlq_realloc(b->d.y, cap, sizeof(int));
        if (p == NULL)
            return oom(b, err);
        b->d.y = p;
    }
    b->rows_cap = cap;
    return 0;
}

/* Comma-separated list of the model's classes for a message. */
static void class_list(char *buf, size_t size, char *const *classes, size_t n)
{
    size_t used = 0, i;
    char c[CLIP_BUF];

    buf[0] = '\0';
    for (i = 0; i < n && used + CLIP_BUF + 8 < size; i++) {
        int w = snprintf(buf + used, size - used, "%s'%s'", i > 0 ? ", " : "", clips(c, classes[i]));
        if (w < 0)
            break;
        used += (size_t)w;
    }
    if (i < n)
        snprintf(buf + used, size - used, ", ...");
}

/* Turn the label cell of the current row into a class id. */
static int take_label(csv_build *b, const csv_cell *cell, int *id, mlq_err *err)
{
    const char *path = b->in.path;
    long line = b->in.lineno;
    const char *t = cell->s;
    size_t tl = cell->len, k;
    char c1[CLIP_BUF];
    char col[CLIP_BUF + 16];
    label_kind kind;
    double v = 0.0;

    trim(&t, &tl);
    if (tl == 0)
        return mlq_err_set(err, path, line, "column '%s': empty label", clips(c1, b->d.label_name));
    if (is_decimal(t, tl)) {
        char *end;
        kind = KIND_INT;
        v = strtod(t, &end);
        if (end != t + tl)
            return mlq_err_set(err, path, line, "label '%s' %s", clip(c1, cell->s, cell->len), locale_problem);
        if (isinf(v) || v < 0.0 || v != floor(v))
            return mlq_err_set(err, path, line,
                               "label '%s' is not a class: labels are integers 0..K-1 or names",
                               clip(c1, cell->s, cell->len));
        if (v > (double)MLQ_CSV_MAX_CLASS_ID)
            return mlq_err_set(err, path, line, "label '%s' is too large: integer labels go up to %d",
                               clip(c1, cell->s, cell->len), MLQ_CSV_MAX_CLASS_ID);
    } else if (is_nonfinite_word(t, tl)) {
        return mlq_err_set(err, path, line, "label '%s' is not a class: labels are integers 0..K-1 or names",
                           clip(c1, cell->s, cell->len));
    } else {
        kind = KIND_NAME;
    }

    if (b->kind == KIND_NONE) {
        b->kind = kind;
        b->kind_line = line;
        clip(b->kind_text, cell->s, cell->len);
    } else if (kind != b->kind) {
        return mlq_err_set(err, path, line,
                           "label '%s' is %s, but line %ld has %s '%s': a label column holds integers 0..K-1 "
                           "or names, not both",
                           clip(c1, cell->s, cell->len), kind == KIND_INT ? "an integer" : "a name",
                           b->kind_line, b->kind == KIND_INT ? "the integer" : "the name", b->kind_text);
    }

    if (b->classes != NULL) {
        k = strtab_find(&b->classes_tab, b->classes, cell->s);
        if (k == SIZE_MAX && kind == KIND_INT) {
            char dec[24];
            snprintf(dec, sizeof dec, "%ld", (long)v);
            k = strtab_find(&b->classes_tab, b->classes, dec);
        }
        if (k == SIZE_MAX) {
            char list[400];
            class_list(list, sizeof list, b->classes, b->n_model_classes);
            return mlq_err_set(err, path, line, "label '%s' is not one of the model's %zu classes (%s)",
                               clip(c1, cell->s, cell->len), b->n_model_classes, list);
        }
        *id = (int)k;
        return 0;
    }
    if (kind == KIND_INT) {
        *id = (int)v;
        if (*id > b->max_id)
            b->max_id = *id;
        return 0;
    }
    k = strtab_find(&b->names_tab, b->names, cell->s);
    if (k == SIZE_MAX) {
        if (b->n_names == MLQ_CSV_MAX_CLASSES)
            return mlq_err_set(err, path, line, "%s: more than %d distinct labels",
                               col_desc(col, b->col_names, b->n_cols, b->label_col), MLQ_CSV_MAX_CLASSES);
        if (b->n_names == b->names_cap) {
            size_t cap = b->names_cap != 0 ? b->names_cap * 2 : 16;
            char **p = mlq_realloc(b->names, cap, sizeof *p);
            if (p == NULL)
                return oom(b, err);
            b->names = p;
            b->names_cap = cap;
        }
        if (strtab_reserve(&b->names_tab, b->names, b->n_names, b->n_names + 1) != 0)
            return oom(b, err);
        b->names[b->n_names] = mlq_strdup(cell->s);
        if (b->names[b->n_names] == NULL)
            return oom(b, err);
        k = b->n_names++;
        strtab_put(&b->names_tab, b->names, k);
    }
    *id = (int)k;
    return 0;
}

static int read_rows(csv_build *b, mlq_err *err)
{
    const char *path = b->in.path;
    char col[CLIP_BUF + 16];
    char c1[CLIP_BUF];
    long blank = 0;
    int r;

    for (;;) {
        double *x;
        size_t k, j;

        r = csv_next_line(&b->in, err);
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        if (line_is_blank(&b->in)) {
            if (blank == 0)
                blank = b->in.lineno;
            continue;
        }
        if (blank != 0)
            return mlq_err_set(err, path, blank,
                               "blank line between data rows (expected %zu cells; blank lines are allowed only at "
                               "the end of the file)",
                               b->n_cols);
        if (csv_split(&b->in, &b->row, b->col_names, b->n_cols, err) != 0)
            return -1;
        if (b->row.n != b->n_cols)
            return mlq_err_set(err, path, b->in.lineno, "row has %zu cell%s, expected %zu (one per header column)",
                               b->row.n, b->row.n == 1 ? "" : "s", b->n_cols);
        if (grow_rows(b, err) != 0)
            return -1;
        x = b->d.x + b->d.n_rows * b->d.n_features;
        for (k = 0, j = 0; k < b->n_cols; k++) {
            const csv_cell *c = &b->row.cell[k];
            if (k == b->label_col)
                continue;
            switch (parse_number(c->s, c->len, &x[j])) {
            case NUM_OK:
                break;
            case NUM_EMPTY:
                return mlq_err_set(err, path, b->in.lineno, "%s: empty cell (missing values are not supported)",
                                   col_desc(col, b->col_names, b->n_cols, k));
            case NUM_SYNTAX:
                return mlq_err_set(err, path, b->in.lineno, "%s: '%s' is not a number",
                                   col_desc(col, b->col_names, b->n_cols, k), clip(c1, c->s, c->len));
            case NUM_NONFINITE:
                return mlq_err_set(err, path, b->in.lineno, "%s: '%s' is not a finite number",
                                   col_desc(col, b->col_names, b->n_cols, k), clip(c1, c->s, c->len));
            case NUM_RANGE:
                return mlq_err_set(err, path, b->in.lineno, "%s: '%s' is out of the range of a double",
                                   col_desc(col, b->col_names, b->n_cols, k), clip(c1, c->s, c->len));
            case NUM_LOCALE:
                return mlq_err_set(err, path, b->in.lineno, "%s: '%s' %s",
                                   col_desc(col, b->col_names, b->n_cols, k), clip(c1, c->s, c->len),
                                   locale_problem);
            }
            j++;
        }
        if (b->label_col != NO_COLUMN &&
            take_label(b, &b->row.cell[b->label_col], &b->d.y[b->d.n_rows], err) != 0)
            return -1;
        b->d.line[b->d.n_rows] = b->in.lineno;
        b->d.n_rows++;
    }
    if (b->d.n_rows == 0)
        return mlq_err_set(err, path, 1, "the file has a header but no data rows");
    return 0;
}

typedef struct name_ix {
    char *name;
    size_t old;
} name_ix;

static int cmp_name_ix(const void *a, const void *b)
{
    return strcmp(((const name_ix *)a)->name, ((const name_ix *)b)->name);
}

/* Fill class_names / n_classes and give name labels their sorted ids. */
static int finish_labels(csv_build *b, mlq_err *err)
{
    size_t i;

    if (b->label_col == NO_COLUMN)
        return 0;
    if (b->classes != NULL) {
        b->d.class_names = mlq_calloc(b->n_model_classes, sizeof *b->d.class_names);
        if (b->d.class_names == NULL)
            return oom(b, err);
        for (i = 0; i < b->n_model_classes; i++) {
            b->d.class_names[i] = mlq_strdup(b->classes[i]);
            if (b->d.class_names[i] == NULL)
                return oom(b, err);
            b->d.n_classes = i + 1;
        }
    } else if (b->kind == KIND_INT) {
        size_t k = (size_t)b->max_id + 1;
        b->d.class_names = mlq_calloc(k, sizeof *b->d.class_names);
        if (b->d.class_names == NULL)
            return oom(b, err);
        for (i = 0; i < k; i++) {
            char dec[24];
            snprintf(dec, sizeof dec, "%zu", i);
            b->d.class_names[i] = mlq_strdup(dec);
            if (b->d.class_names[i] == NULL)
                return oom(b, err);
            b->d.n_classes = i + 1;
        }
    } else {
        name_ix *ix = mlq_calloc(b->n_names, sizeof *ix);
        int *remap = mlq_calloc(b->n_names, sizeof *remap);
        char **names = mlq_calloc(b->n_names, sizeof *names);
        if (ix == NULL || remap == NULL || names == NULL) {
            free(ix);
            free(remap);
            free(names);
            return oom(b, err);
        }
        for (i = 0; i < b->n_names; i++) {
            ix[i].name = b->names[i];
            ix[i].old = i;
        }
        qsort(ix, b->n_names, sizeof *ix, cmp_name_ix);
        for (i = 0; i < b->n_names; i++) {
            names[i] = ix[i].name;
            remap[ix[i].old] = (int)i;
        }
        for (i = 0; i < b->d.n_rows; i++)
            b->d.y[i] = remap[b->d.y[i]];
        free(ix);
        free(remap);
        free(b->names); /* the strings now belong to `names` */
        b->names = NULL;
        b->d.class_names = names;
        b->d.n_classes = b->n_names;
        b->n_names = 0;
    }
    return 0;
}

/* Give back the slack of the doubling growth; failing to do so is harmless. */
static void shrink_rows(csv_build *b)
{
    void *p;

    if (b->d.n_rows == b->rows_cap)
        return;
    p = mlq_realloc(b->d.x, b->d.n_rows, b->d.n_features * sizeof(double));
    if (p != NULL)
        b->d.x = p;
    p = mlq_realloc(b->d.line, b->d.n_rows, sizeof(long));
    if (p != NULL)
        b->d.line = p;
    if (b->d.y != NULL) {
        p = mlq_realloc(b->d.y, b->d.n_rows, sizeof(int));
        if (p != NULL)
            b->d.y = p;
    }
}

int mlq_csv_read(const char *path, const char *label_col, mlq_label_mode mode,
                 char *const *classes, size_t n_classes, mlq_dataset *out, mlq_err *err)
{
    csv_build b;
    size_t i;

    memset(out, 0, sizeof *out);
    memset(&b, 0, sizeof b);
    b.label_col = NO_COLUMN;
    b.max_id = -1;
    b.in.path = path;
    if (classes != NULL && n_classes > 0) {
        b.classes = classes;
        b.n_model_classes = n_classes;
    }

    b.in.f = fopen(path, "rb");
    if (b.in.f == NULL)
        return mlq_err_set(err, path, 0, "cannot open: %s", strerror(errno));
    b.d.path = mlq_strdup(path);
    b.in.chunk = malloc(CSV_CHUNK);
    if (b.d.path == NULL || b.in.chunk == NULL)
        goto out_of_memory;
    if (b.classes != NULL) {
        if (strtab_reserve(&b.classes_tab, b.classes, 0, b.n_model_classes) != 0)
            goto out_of_memory;
        for (i = 0; i < b.n_model_classes; i++)
            if (strtab_find(&b.classes_tab, b.classes, b.classes[i]) == SIZE_MAX)
                strtab_put(&b.classes_tab, b.classes, i);
    }

    if (read_header(&b, label_col, mode, err) != 0 || read_rows(&b, err) != 0 || finish_labels(&b, err) != 0)
        goto fail;
    shrink_rows(&b);
    *out = b.d;
    memset(&b.d, 0, sizeof b.d);
    build_free(&b);
    return 0;

out_of_memory:
    oom(&b, err);
fail:
    build_free(&b);
    memset(out, 0, sizeof *out);
    return -1;
}

void mlq_dataset_free(mlq_dataset *d)
{
    if (d == NULL)
        return;
    free(d->x);
    mlq_strings_free(d->feature_names, d->n_features);
    free(d->y);
    mlq_strings_free(d->class_names, d->n_classes);
    free(d->label_name);
    free(d->path);
    free(d->line);
    memset(d, 0, sizeof *d);
}

/* ------------------------------------------------------------------------ */
/* Writing                                                                    */

/* A cell as text, quoted when the reader would otherwise change or split it
 * (or when `quote` asks for it). */
static void put_text(FILE *f, const char *s, int quote)
{
    size_t len = strlen(s);

    if (!quote && len > 0 && !is_blank_char(s[0]) && !is_blank_char(s[len - 1]) &&
        strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, f);
        return;
    }
    putc('"', f);
    for (; *s != '\0'; s++) {
        if (*s == '"')
            putc('"', f);
        putc(*s, f);
    }
    putc('"', f);
}

/* The shortest text that strtod turns back into exactly v: the fewest %g
 * digits that round-trip, written without an exponent when that is no
 * longer (100 rather than 1e+02). */
static void put_double(FILE *f, double v)
{
    char buf[40], alt[40];
    const char *e;
    int prec;

    for (prec = 1; prec < 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    if (prec == 17)
        snprintf(buf, sizeof buf, "%.17g", v);
    e = strchr(buf, 'e');
    if (e != NULL) {
        long exp10 = strtol(e + 1, NULL, 10);
        /* More digits than needed never break the round trip, and with
         * exp10 + 1 digits %g prints all of them without an exponent. */
        if (exp10 >= 0 && exp10 < 17) {
            snprintf(alt, sizeof alt, "%.*g", (int)exp10 + 1, v);
            if (strlen(alt) <= strlen(buf))
                memcpy(buf, alt, strlen(alt) + 1);
        }
    }
    fputs(buf, f);
}

int mlq_csv_write(const char *path, const mlq_dataset *d, const size_t *idx, size_t n, mlq_err *err)
{
    mlq_outfile out;
    size_t i, j;
    int labels = d->y != NULL;

    for (i = 0; i < n; i++) {
        if (idx[i] >= d->n_rows)
            return mlq_err_set(err, path, 0, "row index %zu is out of range (the dataset has %zu rows)",
                               idx[i], d->n_rows);
        if (labels && (d->y[idx[i]] < 0 || (size_t)d->y[idx[i]] >= d->n_classes))
            return mlq_err_set(err, path, 0, "row %zu has class id %d, but there are %zu classes",
                               idx[i], d->y[idx[i]], d->n_classes);
    }
    if (mlq_out_open(&out, path, err) != 0)
        return -1;
    for (j = 0; j < d->n_features; j++) {
        /* At the start of the file, these bytes would read as a byte-order
         * mark: quoting keeps them part of the name. */
        unsigned char first = (unsigned char)d->feature_names[j][0];
        if (j > 0)
            putc(',', out.f);
        put_text(out.f, d->feature_names[j], j == 0 && (first == 0xEF || first == 0xFE || first == 0xFF));
    }
    if (labels) {
        putc(',', out.f);
        put_text(out.f, d->label_name != NULL ? d->label_name : "label", 0);
    }
    putc('\n', out.f);
    for (i = 0; i < n; i++) {
        const double *x = d->x + idx[i] * d->n_features;
        for (j = 0; j < d->n_features; j++) {
            if (j > 0)
                putc(',', out.f);
            put_double(out.f, x[j]);
        }
        if (labels) {
            putc(',', out.f);
            put_text(out.f, d->class_names[d->y[idx[i]]], 0);
        }
        putc('\n', out.f);
    }
    return mlq_out_commit(&out, err);
}
