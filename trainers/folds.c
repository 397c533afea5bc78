/* SPDX-License-Identifier: MIT */
/* Groups files, grouped splits and cross-validation folds (folds.h). */
#include "folds.h"

#include <errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the groups file ------------------------------------------------------- */

static const char *const *sort_names; /* qsort's context: the ids of the rows */

static int cmp_row_name(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    int c = strcmp(sort_names[i], sort_names[j]);

    return c != 0 ? c : (i > j) - (i < j);
}

/* One line of the file into id (trimmed of the line end). 1, 0 at the end, -1 with err. */
static int read_id(FILE *f, const char *path, long line, char *id, mlq_err *err)
{
    size_t len;
    char buf[MLQ_GROUP_MAX + 3];

    if (fgets(buf, sizeof buf, f) == NULL)
        return ferror(f) ? mlq_err_set(err, path, line, "cannot read: %s", strerror(errno)) : 0;
    len = strlen(buf);
    if (len > 0 && buf[len - 1] == '\n')
        buf[--len] = '\0';
    else if (!feof(f))
        return mlq_err_set(err, path, line, "group id longer than %d bytes", MLQ_GROUP_MAX);
    if (len > 0 && buf[len - 1] == '\r')
        buf[--len] = '\0';
    if (len == 0)
        return mlq_err_set(err, path, line, "empty group id (one id per data row)");
    if (len > MLQ_GROUP_MAX)
        return mlq_err_set(err, path, line, "group id longer than %d bytes", MLQ_GROUP_MAX);
    if (strcspn(buf, " \t") != len)
        return mlq_err_set(err, path, line, "group id '%s' has a space or tab", buf);
    memcpy(id, buf, len + 1);
    return 1;
}

/* Number the distinct ids of rows[n]: g->of, g->names (sorted). 0 or -1. */
static int number_groups(char **ids, size_t n, mlq_groups *g)
{
    size_t *order = mlq_calloc(n, sizeof *order), i;

    g->names = mlq_calloc(n, sizeof *g->names);
    if (order == NULL || g->names == NULL) {
        free(order);
        return -1;
    }
    for (i = 0; i < n; i++)
        order[i] = i;
    sort_names = (const char *const *)ids;
    qsort(order, n, sizeof *order, cmp_row_name);
    for (i = 0; i < n; i++) {
        size_t r = order[i];

        if (i == 0 || strcmp(ids[r], g->names[g->n_groups - 1]) != 0) {
            g->names[g->n_groups++] = ids[r];
            ids[r] = NULL; /* owned by names now */
        }
        g->of[r] = g->n_groups - 1;
    }
    free(order);
    return 0;
}

int mlq_groups_read(const char *path, size_t n_rows, const char *data, mlq_groups *g, mlq_err *err)
{
    FILE *f = fopen(path, "r");
    char **ids = mlq_calloc(n_rows, sizeof *ids), id[MLQ_GROUP_MAX + 1];
    size_t n = 0, i;
    int r = -1;

    memset(g, 0, sizeof *g);
    g->n_rows = n_rows;
    g->of = mlq_calloc(n_rows, sizeof *g->of);
    if (f == NULL) {
        mlq_err_set(err, path, 0, "cannot open: %s", strerror(errno));
    } else if (ids == NULL || g->of == NULL) {
        mlq_err_set(err, path, 0, "out of memory");
    } else {
        while ((r = read_id(f, path, (long)n + 1, id, err)) == 1 && n < n_rows)
            if ((ids[n++] = mlq_strdup(id)) == NULL) {
                r = mlq_err_set(err, path, 0, "out of memory");
                break;
            }
        if (r == 1 || (r == 0 && n != n_rows))
            r = mlq_err_set(err, path, 0, "%s group ids for the %zu rows of %s (one per row, in order)",
                            r == 1 ? "more" : "fewer", n_rows, data);
        else if (r == 0 && number_groups(ids, n, g) != 0)
            r = mlq_err_set(err, path, 0, "out of memory");
    }
    if (f != NULL)
        fclose(f);
    for (i = 0; ids != NULL && i < n; i++)
        free(ids[i]);
    free(ids);
    if (r != 0)
        mlq_groups_free(g);
    return r == 0 ? 0 : -1;
}

void mlq_groups_free(mlq_groups *g)
{
    size_t i;

    if (g == NULL)
        return;
    for (i = 0; g->names != NULL && i < g->n_groups; i++)
        free(g->names[i]);
    free(g->names);
    free(g->of);
    memset(g, 0, sizeof *g);
}

/* ---- assignment ---------------------------------------------------------------- */

/* The groups' rows: rows of group order[j] are rows[start[j]..start[j+1]). */
typedef struct grouping {
    size_t n_groups;
    size_t *order; /* [n_groups] shuffled, then largest first */
    size_t *start; /* [n_groups + 1], by group index */
    size_t *rows;  /* [n] */
} grouping;

static const size_t *sort_start, *sort_place; /* qsort's context */

static int cmp_size_desc(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    size_t si = sort_start[i + 1] - sort_start[i], sj = sort_start[j + 1] - sort_start[j];

    if (si != sj)
        return (si < sj) - (si > sj);
    return (sort_place[i] > sort_place[j]) - (sort_place[i] < sort_place[j]);
}

static void grouping_free(grouping *gr)
{
    free(gr->order);
    free(gr->start);
    free(gr->rows);
}

static int grouping_make(const mlq_groups *g, size_t n, unsigned long seed, grouping *gr)
{
    size_t ng = g != NULL ? g->n_groups : n, i, *fill;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);

    gr->n_groups = ng;
    gr->order = mlq_calloc(ng, sizeof *gr->order);
    gr->start = mlq_calloc(ng + 1, sizeof *gr->start);
    gr->rows = mlq_calloc(n, sizeof *gr->rows);
    fill = mlq_calloc(ng + 1, sizeof *fill);
    if (rng == NULL || gr->order == NULL || gr->start == NULL || gr->rows == NULL || fill == NULL) {
        if (rng != NULL)
            gsl_rng_free(rng);
        free(fill);
        grouping_free(gr);
        return -1;
    }
    for (i = 0; i < n; i++) /* counting sort of the rows by group */
        gr->start[(g != NULL ? g->of[i] : i) + 1]++;
    for (i = 0; i < ng; i++)
        gr->start[i + 1] += gr->start[i];
    memcpy(fill, gr->start, (ng + 1) * sizeof *fill);
    for (i = 0; i < n; i++)
        gr->rows[fill[g != NULL ? g->of[i] : i]++] = i;
    for (i = 0; i < ng; i++)
        gr->order[i] = i;
    gsl_rng_set(rng, seed);
    if (ng > 1)
        gsl_ran_shuffle(rng, gr->order, ng, sizeof *gr->order);
    gsl_rng_free(rng);

    /* Largest first, equal sizes in shuffled order: qsort on (size, place
     * in the shuffle), a total order, so the result does not depend on qsort. */
    for (i = 0; i < ng; i++)
        fill[gr->order[i]] = i;
    sort_start = gr->start;
    sort_place = fill;
    qsort(gr->order, ng, sizeof *gr->order, cmp_size_desc);
    free(fill);
    return 0;
}

/*
 * Put each group into one of `parts` parts, part_of[group]: largest first,
 * each where it brings the class counts nearest target[part][class] (the
 * least growth of the summed squared distances); ties go to the part with
 * fewer rows, then to the lower part.
 */
static int assign(const int *y, size_t n_classes, const grouping *gr, size_t parts, const double *target,
                  size_t *part_of)
{
    int classes = y != NULL && n_classes > 0;
    size_t k = classes ? n_classes : 1, j, p, r, t, n_touched;
    double *cnt = mlq_calloc(parts * k, sizeof *cnt), *gc = mlq_calloc(k, sizeof *gc);
    size_t *rows_in = mlq_calloc(parts, sizeof *rows_in), *touched = mlq_calloc(k, sizeof *touched);
    int rc = -1;

    if (cnt == NULL || gc == NULL || rows_in == NULL || touched == NULL)
        goto done;
    for (j = 0; j < gr->n_groups; j++) {
        size_t g = gr->order[j], best = 0;
        double best_delta = 0.0;

        n_touched = 0;
        for (r = gr->start[g]; r < gr->start[g + 1]; r++) { /* the group's count of each class */
            size_t c = classes ? (size_t)y[gr->rows[r]] : 0;

            if (gc[c] == 0.0)
                touched[n_touched++] = c;
            gc[c] += 1.0;
        }
        for (p = 0; p < parts; p++) {
            double delta = 0.0;

            for (t = 0; t < n_touched; t++) {
                size_t c = touched[t];

                delta += gc[c] * (2.0 * (cnt[p * k + c] - target[p * k + c]) + gc[c]);
            }
            if (p == 0 || delta < best_delta || (delta == best_delta && rows_in[p] < rows_in[best])) {
                best = p;
                best_delta = delta;
            }
        }
        part_of[g] = best;
        rows_in[best] += gr->start[g + 1] - gr->start[g];
        for (t = 0; t < n_touched; t++) {
            cnt[best * k + touched[t]] += gc[touched[t]];
            gc[touched[t]] = 0.0;
        }
    }
    rc = 0;
done:
    free(cnt);
    free(gc);
    free(rows_in);
    free(touched);
    return rc;
}

/* target[parts][classes]: share[p] of each class's rows. */
static double *targets(const int *y, size_t n_classes, size_t n, size_t parts, const double *share)
{
    size_t k = y != NULL && n_classes > 0 ? n_classes : 1, i, p, c;
    double *total = mlq_calloc(k, sizeof *total), *t = mlq_calloc(parts * k, sizeof *t);

    if (total == NULL || t == NULL) {
        free(total);
        free(t);
        return NULL;
    }
    for (i = 0; i < n; i++)
        total[y != NULL && n_classes > 0 ? (size_t)y[i] : 0] += 1.0;
    for (p = 0; p < parts; p++)
        for (c = 0; c < k; c++)
            t[p * k + c] = share[p] * total[c];
    free(total);
    return t;
}

/* Assign, then the part of each row into row_part[n]. */
static int parts_of_rows(const int *y, size_t n_classes, const mlq_groups *g, size_t n, size_t parts,
                         const double *share, unsigned long seed, size_t *row_part)
{
    grouping gr = {0, NULL, NULL, NULL};
    double *t = targets(y, n_classes, n, parts, share);
    size_t *part_of = NULL, i;
    int rc = -1;

    if (t != NULL && grouping_make(g, n, seed, &gr) == 0) {
        part_of = mlq_calloc(gr.n_groups, sizeof *part_of);
        if (part_of != NULL && assign(y, n_classes, &gr, parts, t, part_of) == 0) {
            for (i = 0; i < n; i++)
                row_part[i] = part_of[g != NULL ? g->of[i] : i];
            rc = 0;
        }
        grouping_free(&gr);
    }
    free(part_of);
    free(t);
    return rc;
}

int mlq_split_grouped(const int *y, size_t n_classes, const mlq_groups *g, size_t n, double test_frac,
                      unsigned long seed, size_t *train, size_t *n_train, size_t *test, size_t *n_test)
{
    const double share[2] = {1.0 - test_frac, test_frac};
    size_t *part = mlq_calloc(n, sizeof *part), i;

    if (part == NULL || parts_of_rows(y, n_classes, g, n, 2, share, seed, part) != 0) {
        free(part);
        return -1;
    }
    *n_train = *n_test = 0;
    for (i = 0; i < n; i++) {
        if (part[i] == 1)
            test[(*n_test)++] = i;
        else
            train[(*n_train)++] = i;
    }
    free(part);
    return 0;
}

int mlq_folds(const int *y, size_t n_classes, const mlq_groups *g, size_t n, size_t k, unsigned long seed,
              size_t *fold)
{
    double *share = mlq_calloc(k, sizeof *share);
    size_t f;
    int rc;

    if (share == NULL)
        return -1;
    for (f = 0; f < k; f++)
        share[f] = 1.0 / (double)k;
    rc = parts_of_rows(y, n_classes, g, n, k, share, seed, fold);
    free(share);
    return rc;
}
