/* SPDX-License-Identifier: MIT */
/*
 * csv_write.c -- mlq_csv_write: rows of a dataset back to CSV text that
 * mlq_csv_read reads as the same values (numbers from csv_number.c).
 */
#include "csv_impl.h"

#include <stdlib.h>
#include <string.h>

/* A cell as text, quoted when the reader would otherwise change or split it
 * (or when `quote` asks for it). */
static void put_text(FILE *f, const char *s, int quote)
{
    size_t len = strlen(s);

    if (!quote && len > 0 && !mlq_csv_is_blank(s[0]) && !mlq_csv_is_blank(s[len - 1]) &&
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

static void put_header(FILE *f, const mlq_dataset *d)
{
    size_t j;

    for (j = 0; j < d->n_features; j++) {
        /* At the start of the file, these bytes would read as a byte-order
         * mark: quoting keeps them part of the name. */
        unsigned char first = (unsigned char)d->feature_names[j][0];
        if (j > 0)
            putc(',', f);
        put_text(f, d->feature_names[j], j == 0 && (first == 0xEF || first == 0xFE || first == 0xFF));
    }
    if (d->y != NULL) {
        putc(',', f);
        put_text(f, d->label_name != NULL ? d->label_name : "label", 0);
    }
    putc('\n', f);
}

int mlq_csv_write(const char *path, const mlq_dataset *d, const size_t *idx, size_t n, mlq_err *err)
{
    mlq_outfile out;
    size_t i, j;
    char *buf;

    for (i = 0; i < n; i++) {
        if (idx[i] >= d->n_rows)
            return mlq_err_set(err, path, 0, "row index %zu is out of range (the dataset has %zu rows)", idx[i],
                               d->n_rows);
        if (d->y != NULL && (d->y[idx[i]] < 0 || (size_t)d->y[idx[i]] >= d->n_classes))
            return mlq_err_set(err, path, 0, "row %zu has class id %d, but there are %zu classes", idx[i],
                               d->y[idx[i]], d->n_classes);
    }
    /* One row's numbers, each with its comma, are formatted here and
     * written at once. */
    buf = mlq_calloc(d->n_features, MLQ_CSV_NUM_BUF);
    if (buf == NULL)
        return mlq_err_set(err, path, 0, "out of memory");
    if (mlq_out_open(&out, path, err) != 0) {
        free(buf);
        return -1;
    }
    put_header(out.f, d);
    for (i = 0; i < n; i++) {
        const double *x = d->x + idx[i] * d->n_features;
        size_t len = 0;
        for (j = 0; j < d->n_features; j++) {
            len += mlq_csv_format_double(buf + len, x[j]);
            buf[len++] = j + 1 < d->n_features || d->y != NULL ? ',' : '\n';
        }
        fwrite(buf, 1, len, out.f);
        if (d->y != NULL) {
            put_text(out.f, d->class_names[d->y[idx[i]]], 0);
            putc('\n', out.f);
        }
    }
    free(buf);
    return mlq_out_commit(&out, err);
}
