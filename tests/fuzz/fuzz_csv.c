/* SPDX-License-Identifier: MIT */
/*
 * The CSV reader, read-write-read: every input either fails with one line
 * naming the file, or reads into a dataset that mlq_csv_write writes and
 * mlq_csv_read reads back unchanged (values bit for bit, names, labels),
 * also when the labels are mapped onto the first read's classes.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "csv.h"

static int same_text(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static int same_strings(char *const *a, char *const *b, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!same_text(a[i], b[i]))
            return 0;
    return 1;
}

/* What differs between a and b, or NULL when they are the same dataset. */
static const char *difference(const mlq_dataset *a, const mlq_dataset *b)
{
    if (a->n_rows != b->n_rows || a->n_features != b->n_features)
        return "shape";
    if (memcmp(a->x, b->x, a->n_rows * a->n_features * sizeof *a->x) != 0)
        return "values";
    if (!same_strings(a->feature_names, b->feature_names, a->n_features))
        return "feature names";
    if (!same_text(a->label_name, b->label_name))
        return "label name";
    if (a->n_classes != b->n_classes || !same_strings(a->class_names, b->class_names, a->n_classes))
        return "class names";
    if ((a->y == NULL) != (b->y == NULL) ||
        (a->y != NULL && memcmp(a->y, b->y, a->n_rows * sizeof *a->y) != 0))
        return "labels";
    return NULL;
}

static void round_trip(const char *in, mlq_label_mode mode)
{
    char out[MLQ_FUZZ_PATH];
    mlq_dataset a, b;
    mlq_err err = {{0}};
    size_t *idx, i;
    const char *diff;

    mlq_fuzz_path(out, "out.csv");
    if (mlq_csv_read(in, NULL, mode, NULL, 0, &a, &err) != 0) {
        mlq_fuzz_check_err(&err, in, "mlq_csv_read");
        return;
    }
    if (a.n_rows == 0 || a.n_features == 0 || (mode == MLQ_LABEL_REQUIRED && a.y == NULL))
        mlq_fuzz_fail("mode %d: a dataset of %zu rows, %zu features, labels %s", (int)mode, a.n_rows,
                      a.n_features, a.y != NULL ? "yes" : "no");
    if ((idx = malloc(a.n_rows * sizeof *idx)) == NULL)
        mlq_fuzz_fail("out of memory");
    for (i = 0; i < a.n_rows; i++)
        idx[i] = i;
    if (mlq_csv_write(out, &a, idx, a.n_rows, &err) != 0)
        mlq_fuzz_fail("mode %d: mlq_csv_write of what was read failed: %s", (int)mode, err.msg);
    free(idx);
    /* Read back with the first read's label column, by name. */
    if (mlq_csv_read(out, a.label_name, mode, NULL, 0, &b, &err) != 0)
        mlq_fuzz_fail("mode %d: the written file does not read back: %s", (int)mode, err.msg);
    if ((diff = difference(&a, &b)) != NULL)
        mlq_fuzz_fail("mode %d: the written file reads back with other %s", (int)mode, diff);
    mlq_dataset_free(&b);
    /* Labels mapped onto the classes of the first read: the same ids. */
    if (a.y != NULL) {
        if (mlq_csv_read(out, a.label_name, mode, a.class_names, a.n_classes, &b, &err) != 0)
            mlq_fuzz_fail("mode %d: the written file does not read onto its classes: %s", (int)mode,
                          err.msg);
        if ((diff = difference(&a, &b)) != NULL)
            mlq_fuzz_fail("mode %d: read onto its own classes, the file gives other %s", (int)mode, diff);
        mlq_dataset_free(&b);
    }
    mlq_dataset_free(&a);
    mlq_dataset_free(&a); /* documented as safe twice */
}

int mlq_fuzz_csv(const uint8_t *data, size_t size)
{
    char in[MLQ_FUZZ_PATH];

    mlq_fuzz_put(mlq_fuzz_path(in, "in.csv"), data, size);
    round_trip(in, MLQ_LABEL_REQUIRED);
    round_trip(in, MLQ_LABEL_OPTIONAL);
    round_trip(in, MLQ_LABEL_IF_PRESENT);
    return 0;
}
