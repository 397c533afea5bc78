/* SPDX-License-Identifier: MIT */
/* A dataset of chosen rows of another (subset.h). */
#include "subset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int mlq_dataset_subset(const mlq_dataset *d, const size_t *idx, size_t n, mlq_dataset *out, mlq_err *err)
{
    size_t i, nf = d->n_features;
    int ok;

    memset(out, 0, sizeof *out);
    out->n_rows = n;
    out->n_features = nf;
    out->x = nf > 0 && n > SIZE_MAX / nf ? NULL : mlq_calloc(n * nf, sizeof *out->x);
    out->line = mlq_calloc(n, sizeof *out->line);
    out->feature_names = mlq_strings_dup(d->feature_names, nf);
    out->path = mlq_strdup(d->path);
    ok = out->x != NULL && out->line != NULL && out->feature_names != NULL && out->path != NULL;
    if (ok && d->label_name != NULL)
        ok = (out->label_name = mlq_strdup(d->label_name)) != NULL;
    if (ok && d->y != NULL) {
        out->y = mlq_calloc(n, sizeof *out->y);
        out->class_names = mlq_strings_dup(d->class_names, d->n_classes);
        out->n_classes = out->class_names != NULL ? d->n_classes : 0;
        ok = out->y != NULL && out->class_names != NULL;
    }
    if (ok && d->t != NULL)
        ok = (out->t = mlq_calloc(n, sizeof *out->t)) != NULL;
    if (!ok) {
        mlq_dataset_free(out);
        return mlq_err_set(err, d->path, 0, "out of memory (%zu rows x %zu features)", n, nf);
    }
    for (i = 0; i < n; i++) {
        memcpy(out->x + i * nf, d->x + idx[i] * nf, nf * sizeof *out->x);
        out->line[i] = d->line[idx[i]];
        if (out->y != NULL)
            out->y[i] = d->y[idx[i]];
        if (out->t != NULL)
            out->t[i] = d->t[idx[i]];
    }
    return 0;
}

size_t mlq_rows_where(const size_t *part, size_t n, size_t which, int equal, size_t *idx)
{
    size_t i, k = 0;

    for (i = 0; i < n; i++)
        if ((part[i] == which) == (equal != 0))
            idx[k++] = i;
    return k;
}
