/* SPDX-License-Identifier: MIT */
/*
 * csv_labels.c -- label cells to class ids for mlq_csv_read (csv_impl.h):
 * all integers 0..MLQ_CSV_MAX_CLASS_ID (their own ids) or all names (ids in
 * strcmp order), or mapped onto the classes of a model; and the string set
 * that finds names in O(1).
 */
#include "csv_impl.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

const char mlq_csv_locale_problem[] =
    "cannot be converted: the program's LC_NUMERIC locale does not use '.' as the decimal point";

/* ------------------------------------------------------------------------ */
/* String set                                                                 */

static size_t str_hash(const char *s)
{
    uint64_t h = 14695981039346656037u; /* FNV-1a */

    for (; *s != '\0'; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211u;
    }
    return (size_t)(h ^ (h >> 32));
}

size_t mlq_strtab_find(const mlq_strtab *t, char *const *names, const char *key)
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

void mlq_strtab_put(mlq_strtab *t, char *const *names, size_t idx)
{
    size_t mask = t->cap - 1, i;

    for (i = str_hash(names[idx]) & mask; t->slot[i] != 0; i = (i + 1) & mask)
        continue;
    t->slot[i] = idx + 1;
}

int mlq_strtab_reserve(mlq_strtab *t, char *const *names, size_t n_present, size_t n)
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
        mlq_strtab_put(t, names, i);
    return 0;
}

void mlq_strtab_free(mlq_strtab *t)
{
    free(t->slot);
    t->slot = NULL;
    t->cap = 0;
}

/* ------------------------------------------------------------------------ */
/* Labels                                                                     */

int mlq_csv_labels_init(mlq_csv_labels *l, const char *path, const char *column, char *const *classes,
                        size_t n_classes, mlq_err *err)
{
    size_t i;

    memset(l, 0, sizeof *l);
    l->path = path;
    l->column = column;
    l->max_id = -1;
    if (classes == NULL || n_classes == 0)
        return 0;
    l->classes = classes;
    l->n_model_classes = n_classes;
    if (mlq_strtab_reserve(&l->classes_tab, classes, 0, n_classes) != 0)
        return mlq_err_set(err, path, 0, "out of memory");
    for (i = 0; i < n_classes; i++)
        if (mlq_strtab_find(&l->classes_tab, classes, classes[i]) == SIZE_MAX)
            mlq_strtab_put(&l->classes_tab, classes, i);
    return 0;
}

void mlq_csv_labels_free(mlq_csv_labels *l)
{
    mlq_strtab_free(&l->classes_tab);
    mlq_strtab_free(&l->names_tab);
    mlq_strings_free(l->names, l->n_names);
    l->names = NULL;
    l->n_names = l->names_cap = 0;
}

/* Comma-separated list of the model's classes for a message. */
static void class_list(char *buf, size_t size, char *const *classes, size_t n)
{
    size_t used = 0, i;
    char c[MLQ_CSV_CLIP_BUF];

    buf[0] = '\0';
    for (i = 0; i < n && used + MLQ_CSV_CLIP_BUF + 8 < size; i++) {
        int w = snprintf(buf + used, size - used, "%s'%s'", i > 0 ? ", " : "", mlq_csv_clips(c, classes[i]));
        if (w < 0)
            break;
        used += (size_t)w;
    }
    if (i < n)
        snprintf(buf + used, size - used, ", ...");
}

/* The kind of the label text t[0..tl) (trimmed, not empty) and, for an
 * integer, its value. 0, or -1 with err set. */
static int label_kind_of(const mlq_csv_labels *l, long line, const mlq_csv_cell *cell, mlq_label_kind *kind,
                         double *v, mlq_err *err)
{
    char c1[MLQ_CSV_CLIP_BUF];

    switch (mlq_csv_parse_number(cell->s, cell->len, v)) {
    case MLQ_NUM_OK:
        break;
    case MLQ_NUM_LOCALE:
        return mlq_err_set(err, l->path, line, "label '%s' %s", mlq_csv_clip(c1, cell->s, cell->len),
                           mlq_csv_locale_problem);
    case MLQ_NUM_RANGE:
    case MLQ_NUM_NONFINITE:
        return mlq_err_set(err, l->path, line, "label '%s' is not a class: labels are integers 0..K-1 or names",
                           mlq_csv_clip(c1, cell->s, cell->len));
    default:
        *kind = MLQ_KIND_NAME;
        return 0;
    }
    *kind = MLQ_KIND_INT;
    if (*v < 0.0 || *v != floor(*v))
        return mlq_err_set(err, l->path, line,
                           "label '%s' is not a class: labels are integers 0..K-1 or names (for a "
                           "continuous target, train with --task regress)",
                           mlq_csv_clip(c1, cell->s, cell->len));
    if (*v > (double)MLQ_CSV_MAX_CLASS_ID)
        return mlq_err_set(err, l->path, line, "label '%s' is too large: integer labels go up to %d",
                           mlq_csv_clip(c1, cell->s, cell->len), MLQ_CSV_MAX_CLASS_ID);
    return 0;
}

/* The id of a name label, added to the names when new. */
static int name_id(mlq_csv_labels *l, long line, const char *name, int *id, mlq_err *err)
{
    size_t k = mlq_strtab_find(&l->names_tab, l->names, name);
    char c1[MLQ_CSV_CLIP_BUF];

    if (k == SIZE_MAX) {
        if (l->n_names == MLQ_CSV_MAX_CLASSES)
            return mlq_err_set(err, l->path, line, "column '%s': more than %d distinct labels",
                               mlq_csv_clips(c1, l->column), MLQ_CSV_MAX_CLASSES);
        if (l->n_names == l->names_cap) {
            size_t cap = l->names_cap != 0 ? l->names_cap * 2 : 16;
            char **p = mlq_realloc(l->names, cap, sizeof *p);
            if (p == NULL)
                return mlq_err_set(err, l->path, line, "out of memory");
            l->names = p;
            l->names_cap = cap;
        }
        if (mlq_strtab_reserve(&l->names_tab, l->names, l->n_names, l->n_names + 1) != 0 ||
            (l->names[l->n_names] = mlq_strdup(name)) == NULL)
            return mlq_err_set(err, l->path, line, "out of memory");
        k = l->n_names++;
        mlq_strtab_put(&l->names_tab, l->names, k);
    }
    *id = (int)k;
    return 0;
}

int mlq_csv_label_take(mlq_csv_labels *l, long line, const mlq_csv_cell *cell, int *id, mlq_err *err)
{
    const char *t = cell->s;
    size_t tl = cell->len, k;
    char c1[MLQ_CSV_CLIP_BUF];
    mlq_label_kind kind;
    double v = 0.0;

    mlq_csv_trim(&t, &tl);
    if (tl == 0)
        return mlq_err_set(err, l->path, line, "column '%s': empty label", mlq_csv_clips(c1, l->column));
    if (label_kind_of(l, line, cell, &kind, &v, err) != 0)
        return -1;
    if (l->kind == MLQ_KIND_NONE) {
        l->kind = kind;
        l->kind_line = line;
        mlq_csv_clip(l->kind_text, cell->s, cell->len);
    } else if (kind != l->kind) {
        return mlq_err_set(err, l->path, line,
                           "label '%s' is %s, but line %ld has %s '%s': a label column holds integers 0..K-1 "
                           "or names, not both",
                           mlq_csv_clip(c1, cell->s, cell->len), kind == MLQ_KIND_INT ? "an integer" : "a name",
                           l->kind_line, l->kind == MLQ_KIND_INT ? "the integer" : "the name", l->kind_text);
    }

    if (l->classes != NULL) {
        k = mlq_strtab_find(&l->classes_tab, l->classes, cell->s);
        if (k == SIZE_MAX && kind == MLQ_KIND_INT) {
            char dec[24];
            snprintf(dec, sizeof dec, "%ld", (long)v);
            k = mlq_strtab_find(&l->classes_tab, l->classes, dec);
        }
        if (k == SIZE_MAX) {
            char list[400];
            class_list(list, sizeof list, l->classes, l->n_model_classes);
            return mlq_err_set(err, l->path, line, "label '%s' is not one of the model's %zu classes (%s)",
                               mlq_csv_clip(c1, cell->s, cell->len), l->n_model_classes, list);
        }
        *id = (int)k;
        return 0;
    }
    if (kind == MLQ_KIND_NAME)
        return name_id(l, line, cell->s, id, err);
    *id = (int)v;
    if (*id > l->max_id)
        l->max_id = *id;
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

/* Sort the names; renumber y. The names move into *class_names. */
static int sort_names(mlq_csv_labels *l, int *y, size_t n, char ***class_names, size_t *n_classes)
{
    name_ix *ix = mlq_calloc(l->n_names, sizeof *ix);
    int *remap = mlq_calloc(l->n_names, sizeof *remap);
    char **names = mlq_calloc(l->n_names, sizeof *names);
    size_t i;

    if (ix == NULL || remap == NULL || names == NULL) {
        free(ix);
        free(remap);
        free(names);
        return -1;
    }
    for (i = 0; i < l->n_names; i++) {
        ix[i].name = l->names[i];
        ix[i].old = i;
    }
    qsort(ix, l->n_names, sizeof *ix, cmp_name_ix);
    for (i = 0; i < l->n_names; i++) {
        names[i] = ix[i].name;
        remap[ix[i].old] = (int)i;
    }
    for (i = 0; i < n; i++)
        y[i] = remap[y[i]];
    free(ix);
    free(remap);
    free(l->names); /* the strings now belong to `names` */
    l->names = NULL;
    *class_names = names;
    *n_classes = l->n_names;
    l->n_names = 0;
    return 0;
}

int mlq_csv_labels_finish(mlq_csv_labels *l, long line, int *y, size_t n, char ***class_names,
                          size_t *n_classes, mlq_err *err)
{
    size_t i, k;

    if (l->classes == NULL && l->kind != MLQ_KIND_INT)
        return sort_names(l, y, n, class_names, n_classes) == 0
                   ? 0
                   : mlq_err_set(err, l->path, line, "out of memory");
    k = l->classes != NULL ? l->n_model_classes : (size_t)l->max_id + 1;
    *class_names = mlq_calloc(k, sizeof **class_names);
    if (*class_names == NULL)
        return mlq_err_set(err, l->path, line, "out of memory");
    for (i = 0; i < k; i++) {
        char dec[24];
        snprintf(dec, sizeof dec, "%zu", i);
        (*class_names)[i] = mlq_strdup(l->classes != NULL ? l->classes[i] : dec);
        if ((*class_names)[i] == NULL)
            return mlq_err_set(err, l->path, line, "out of memory");
        *n_classes = i + 1;
    }
    return 0;
}
