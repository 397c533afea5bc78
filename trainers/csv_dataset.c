/* SPDX-License-Identifier: MIT */
/*
 * csv_dataset.c -- mlq_csv_read: the header, the label column, the feature
 * cells of every row and their labels (csv_labels.c) into an mlq_dataset;
 * and mlq_dataset_free. Lines and cells come from csv_read.c, numbers from
 * csv_number.c.
 */
#include "csv_impl.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NO_COLUMN SIZE_MAX

typedef struct csv_build {
    mlq_dataset d;        /* being filled; freed on error */
    mlq_csv_in in;
    mlq_csv_row row;
    size_t n_cols;
    char **col_names;     /* [n_cols] header names, borrowed from d, for messages */
    size_t label_col;     /* NO_COLUMN when the file has no labels */
    int target;           /* the label column is a continuous target (MLQ_TARGET_* modes) */
    size_t rows_cap;
    mlq_csv_labels labels;
} csv_build;

static void build_free(csv_build *b)
{
    mlq_dataset_free(&b->d);
    if (b->in.f != NULL)
        fclose(b->in.f);
    mlq_csv_in_free(&b->in);
    free(b->row.cell);
    free(b->col_names);
    mlq_csv_labels_free(&b->labels);
}

static int oom(csv_build *b, mlq_err *err)
{
    return mlq_err_set(err, b->d.path != NULL ? b->d.path : b->in.path, b->in.lineno, "out of memory");
}

/* The first non-blank line, split into cells: 0, or -1 with err set. */
static int header_cells(csv_build *b, mlq_err *err)
{
    const char *path = b->in.path;
    long blank = 0;
    size_t k;
    int r;

    for (;;) {
        r = mlq_csv_next_line(&b->in, err);
        if (r < 0)
            return -1;
        if (r == 0)
            return mlq_err_set(err, path, 1, "file is empty (expected a header row and data rows)");
        if (!mlq_csv_line_is_blank(&b->in))
            break;
        if (blank == 0)
            blank = b->in.lineno;
    }
    if (blank != 0)
        return mlq_err_set(err, path, blank, "blank line before the header (the first line must name the columns)");
    if (mlq_csv_split(&b->in, &b->row, NULL, 0, err) != 0)
        return -1;
    for (k = 0; k < b->row.n; k++)
        if (b->row.cell[k].len == 0)
            return mlq_err_set(err, path, b->in.lineno, "column %zu has an empty name in the header", k + 1);
    return 0;
}

/* Check the names hdr[0..n) (unique) and choose the label column. */
static int choose_label(csv_build *b, char **hdr, size_t n, const char *label_col, mlq_label_mode mode,
                        mlq_err *err)
{
    const char *path = b->in.path;
    char c1[MLQ_CSV_CLIP_BUF];
    mlq_strtab tab = {NULL, 0};
    size_t k, j;
    int rc = -1;

    if (mlq_strtab_reserve(&tab, hdr, 0, n) != 0)
        return oom(b, err);
    for (k = 0; k < n; k++) {
        j = mlq_strtab_find(&tab, hdr, hdr[k]);
        if (j != SIZE_MAX) {
            mlq_err_set(err, path, b->in.lineno, "column %zu ('%s') has the same name as column %zu", k + 1,
                        mlq_csv_clips(c1, hdr[k]), j + 1);
            goto done;
        }
        mlq_strtab_put(&tab, hdr, k);
    }
    if (label_col != NULL) {
        b->label_col = mlq_strtab_find(&tab, hdr, label_col);
        if (b->label_col == NO_COLUMN && mode != MLQ_LABEL_IF_PRESENT && mode != MLQ_TARGET_IF_PRESENT) {
            mlq_err_set(err, path, b->in.lineno, "label column '%s' is not in the header",
                        mlq_csv_clips(c1, label_col));
            goto done;
        }
    } else {
        b->label_col = mlq_strtab_find(&tab, hdr, "label");
        if (b->label_col == NO_COLUMN && (mode == MLQ_LABEL_REQUIRED || mode == MLQ_TARGET_REQUIRED))
            b->label_col = n - 1;
    }
    if (b->label_col != NO_COLUMN && n == 1) {
        mlq_err_set(err, path, b->in.lineno,
                    "only one column ('%s'), and it is the label: at least one feature column is needed",
                    mlq_csv_clips(c1, hdr[0]));
        goto done;
    }
    rc = 0;
done:
    mlq_strtab_free(&tab);
    return rc;
}

/* Read and check the header; choose the label column; move the names into
 * the dataset. */
static int read_header(csv_build *b, const char *label_col, mlq_label_mode mode, mlq_err *err)
{
    char **hdr;
    size_t k, j, n;

    if (header_cells(b, err) != 0)
        return -1;
    n = b->row.n;
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
    if (choose_label(b, hdr, n, label_col, mode, err) != 0) {
        mlq_strings_free(hdr, n);
        return -1;
    }
    b->col_names = mlq_calloc(n, sizeof *b->col_names);
    b->d.n_features = n - (b->label_col != NO_COLUMN ? 1 : 0);
    b->d.feature_names = mlq_calloc(b->d.n_features, sizeof *b->d.feature_names);
    if (b->col_names == NULL || b->d.feature_names == NULL) {
        mlq_strings_free(hdr, n);
        b->d.n_features = 0;
        return oom(b, err);
    }
    b->n_cols = n;
    for (k = 0, j = 0; k < n; k++) {
        b->col_names[k] = hdr[k];
        if (k == b->label_col)
            b->d.label_name = hdr[k];
        else
            b->d.feature_names[j++] = hdr[k];
    }
    free(hdr);
    b->labels.column = b->d.label_name;
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
    if (b->label_col != NO_COLUMN && b->target) {
        p = mlq_realloc(b->d.t, cap, sizeof(double));
        if (p == NULL)
            return oom(b, err);
        b->d.t = p;
    } else if (b->label_col != NO_COLUMN) {
        p = mlq_realloc(b->d.y, cap, sizeof(int));
        if (p == NULL)
            return oom(b, err);
        b->d.y = p;
    }
    b->rows_cap = cap;
    return 0;
}

/* Cell k of the current row, a number (a feature or the target), into *v. 0, or -1 with err. */
static int take_number(csv_build *b, size_t k, double *v, mlq_err *err)
{
    const char *path = b->in.path;
    long line = b->in.lineno;
    const mlq_csv_cell *c = &b->row.cell[k];
    char col[MLQ_CSV_COL_BUF];
    char c1[MLQ_CSV_CLIP_BUF];
    const char *problem = NULL;

    switch (mlq_csv_parse_number(c->s, c->len, v)) {
    case MLQ_NUM_OK:
        return 0;
    case MLQ_NUM_EMPTY:
        return mlq_err_set(err, path, line, "%s%s: empty cell (missing values are not supported)",
                           k == b->label_col ? "target " : "", mlq_csv_col_desc(col, b->col_names, b->n_cols, k));
    case MLQ_NUM_SYNTAX:
        problem = "is not a number";
        break;
    case MLQ_NUM_NONFINITE:
        problem = "is not a finite number";
        break;
    case MLQ_NUM_RANGE:
        problem = "is out of the range of a double";
        break;
    case MLQ_NUM_LOCALE:
        problem = mlq_csv_locale_problem;
        break;
    }
    return mlq_err_set(err, path, line, "%s%s: '%s' %s", k == b->label_col ? "target " : "",
                       mlq_csv_col_desc(col, b->col_names, b->n_cols, k), mlq_csv_clip(c1, c->s, c->len),
                       problem);
}

/* The feature cells of the current row into x[0..n_features). */
static int take_features(csv_build *b, double *x, mlq_err *err)
{
    size_t k, j;

    for (k = 0, j = 0; k < b->n_cols; k++) {
        if (k == b->label_col)
            continue;
        if (take_number(b, k, &x[j++], err) != 0)
            return -1;
    }
    return 0;
}

static int read_rows(csv_build *b, mlq_err *err)
{
    const char *path = b->in.path;
    long blank = 0;
    int r;

    for (;;) {
        r = mlq_csv_next_line(&b->in, err);
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        if (mlq_csv_line_is_blank(&b->in)) {
            if (blank == 0)
                blank = b->in.lineno;
            continue;
        }
        if (blank != 0)
            return mlq_err_set(err, path, blank,
                               "blank line between data rows (expected %zu cells; blank lines are allowed only at "
                               "the end of the file)",
                               b->n_cols);
        if (mlq_csv_split(&b->in, &b->row, b->col_names, b->n_cols, err) != 0)
            return -1;
        if (b->row.n != b->n_cols)
            return mlq_err_set(err, path, b->in.lineno, "row has %zu cell%s, expected %zu (one per header column)",
                               b->row.n, b->row.n == 1 ? "" : "s", b->n_cols);
        if (grow_rows(b, err) != 0 || take_features(b, b->d.x + b->d.n_rows * b->d.n_features, err) != 0)
            return -1;
        if (b->label_col != NO_COLUMN && b->target) {
            if (take_number(b, b->label_col, &b->d.t[b->d.n_rows], err) != 0)
                return -1;
        } else if (b->label_col != NO_COLUMN &&
            mlq_csv_label_take(&b->labels, b->in.lineno, &b->row.cell[b->label_col], &b->d.y[b->d.n_rows],
                               err) != 0)
            return -1;
        b->d.line[b->d.n_rows] = b->in.lineno;
        b->d.n_rows++;
    }
    if (b->d.n_rows == 0)
        return mlq_err_set(err, path, 1, "the file has a header but no data rows");
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
    if (b->d.t != NULL) {
        p = mlq_realloc(b->d.t, b->d.n_rows, sizeof(double));
        if (p != NULL)
            b->d.t = p;
    }
}

int mlq_csv_read(const char *path, const char *label_col, mlq_label_mode mode, char *const *classes,
                 size_t n_classes, mlq_dataset *out, mlq_err *err)
{
    csv_build b;

    memset(out, 0, sizeof *out);
    memset(&b, 0, sizeof b);
    b.label_col = NO_COLUMN;
    b.target = mode == MLQ_TARGET_REQUIRED || mode == MLQ_TARGET_IF_PRESENT;
    b.in.path = path;
    b.in.f = fopen(path, "rb");
    if (b.in.f == NULL)
        return mlq_err_set(err, path, 0, "cannot open: %s", strerror(errno));
    b.d.path = mlq_strdup(path);
    b.in.chunk = malloc(MLQ_CSV_CHUNK);
    if (b.d.path == NULL || b.in.chunk == NULL) {
        oom(&b, err);
        goto fail;
    }
    if (mlq_csv_labels_init(&b.labels, path, NULL, classes, n_classes, err) != 0 ||
        read_header(&b, label_col, mode, err) != 0 || read_rows(&b, err) != 0)
        goto fail;
    if (b.label_col != NO_COLUMN && !b.target &&
        mlq_csv_labels_finish(&b.labels, b.in.lineno, b.d.y, b.d.n_rows, &b.d.class_names, &b.d.n_classes,
                              err) != 0)
        goto fail;
    shrink_rows(&b);
    *out = b.d;
    memset(&b.d, 0, sizeof b.d);
    build_free(&b);
    return 0;

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
    free(d->t);
    mlq_strings_free(d->class_names, d->n_classes);
    free(d->label_name);
    free(d->path);
    free(d->line);
    memset(d, 0, sizeof *d);
}
