/* SPDX-License-Identifier: MIT */
/*
 * SMO for the SVM duals (see smo.h), after the reference solver of
 * Chang and Lin: the working pair is the maximal violating i and the j of
 * largest second-order decrease of the objective (WSS 2 of Fan, Chen and
 * Lin 2005); variables that sit at a bound and are unlikely to move are
 * shrunk out of the active set every min(l, 1000) iterations, and the
 * gradient of the shrunk ones is reconstructed from G_bar (the part of the
 * gradient owed to variables at the upper bound) before the final check.
 *
 * The active set is a list of indices (kept in increasing order), not a
 * permutation of the data, so a problem's indices never move. Kernel
 * columns Q_i (all l entries, single precision as in the reference) live
 * in a least-recently-used cache bounded in bytes; at least two columns are
 * always held, the working pair's. A column is built from the kernel
 * values of the problem's distinct rows, each computed once (an SVR's two
 * variables of a row share them).
 */
#include "smo.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"

#define TAU 1e-12 /* floor of the curvature of a non-positive-definite pair, as in the reference */

enum { AT_LOWER = 0, AT_UPPER = 1, FREE = 2 };

struct smo_workspace {
    const double *x;
    size_t p, l_max, l;
    const svm_params *kp;
    double *xr;          /* [l_max][p] the distinct rows of the current problem */
    double *xn;          /* [l_max] their squared norms */
    double *kv;          /* [l_max] kernel values of one row against them */
    size_t n_rows;       /* distinct rows: variable i is row i, or i - n_rows */
    const signed char *y;
    const double *C, *p_lin; /* p_lin: the linear term, NULL for all -1 */
    double *alpha, *G, *G_bar, *QD;
    unsigned char *status;
    size_t *act;         /* [l_max] active indices, increasing */
    size_t n_act;
    unsigned char *in_act; /* [l_max] */
    int unshrink;
    /* LRU cache of columns: entries 0..l-1, sentinel l_max. */
    float **col;         /* [l_max] column of index i, or NULL */
    size_t *prev, *next; /* [l_max + 1] */
    float **bufs;        /* [cache_cols] column buffers, allocated on demand */
    size_t cache_cols, n_bufs, n_free;
    float **free_bufs;   /* [cache_cols] */
};

static double dot(const double *a, const double *b, size_t p)
{
    double s = 0.0;
    size_t k;

    for (k = 0; k < p; k++)
        s += a[k] * b[k];
    return s;
}

static double ipow(double v, int n)
{
    double r = 1.0;

    while (n-- > 0)
        r *= v;
    return r;
}

double svm_kernel_eval(const svm_params *sp, const double *a, const double *b, size_t p)
{
    size_t k;
    double d2 = 0.0;

    switch (sp->kernel) {
    case SVM_LINEAR:
        return dot(a, b, p);
    case SVM_POLY:
        return ipow(sp->gamma * dot(a, b, p) + sp->coef0, sp->degree);
    case SVM_RBF:
    default:
        for (k = 0; k < p; k++)
            d2 += (a[k] - b[k]) * (a[k] - b[k]);
        return exp(-sp->gamma * d2);
    }
}

/* Kernel of the problem's distinct rows i and j, with the precomputed norms for RBF. */
static double kij(const smo_workspace *w, size_t i, size_t j)
{
    const svm_params *sp = w->kp;
    double d = dot(w->xr + i * w->p, w->xr + j * w->p, w->p);

    switch (sp->kernel) {
    case SVM_LINEAR:
        return d;
    case SVM_POLY:
        return ipow(sp->gamma * d + sp->coef0, sp->degree);
    case SVM_RBF:
    default: {
        double d2 = w->xn[i] + w->xn[j] - 2.0 * d;

        return exp(-sp->gamma * (d2 > 0.0 ? d2 : 0.0));
    }
    }
}

void smo_free(smo_workspace *w)
{
    size_t i;

    if (w == NULL)
        return;
    if (w->bufs != NULL)
        for (i = 0; i < w->n_bufs; i++)
            free(w->bufs[i]);
    free(w->bufs);
    free(w->free_bufs);
    free(w->xr);
    free(w->xn);
    free(w->kv);
    free(w->alpha);
    free(w->G);
    free(w->G_bar);
    free(w->QD);
    free(w->status);
    free(w->act);
    free(w->in_act);
    free(w->col);
    free(w->prev);
    free(w->next);
    free(w);
}

smo_workspace *smo_alloc(const double *x, size_t l_max, size_t p, const svm_params *kernel,
                         size_t cache_bytes)
{
    smo_workspace *w = mlq_calloc(1, sizeof *w);
    size_t cols;

    if (w == NULL)
        return NULL;
    w->x = x;
    w->p = p;
    w->l_max = l_max;
    w->kp = kernel;
    cols = cache_bytes / (l_max * sizeof(float));
    if (cols < 2)
        cols = 2;
    if (cols > l_max)
        cols = l_max;
    w->cache_cols = cols;
    w->xr = mlq_calloc(l_max * p, sizeof *w->xr);
    w->xn = mlq_calloc(l_max, sizeof *w->xn);
    w->kv = mlq_calloc(l_max, sizeof *w->kv);
    w->alpha = mlq_calloc(l_max, sizeof *w->alpha);
    w->G = mlq_calloc(l_max, sizeof *w->G);
    w->G_bar = mlq_calloc(l_max, sizeof *w->G_bar);
    w->QD = mlq_calloc(l_max, sizeof *w->QD);
    w->status = mlq_calloc(l_max, 1);
    w->act = mlq_calloc(l_max, sizeof *w->act);
    w->in_act = mlq_calloc(l_max, 1);
    w->col = mlq_calloc(l_max, sizeof *w->col);
    w->prev = mlq_calloc(l_max + 1, sizeof *w->prev);
    w->next = mlq_calloc(l_max + 1, sizeof *w->next);
    w->bufs = mlq_calloc(cols, sizeof *w->bufs);
    w->free_bufs = mlq_calloc(cols, sizeof *w->free_bufs);
    if (w->xr == NULL || w->xn == NULL || w->kv == NULL || w->alpha == NULL || w->G == NULL ||
        w->G_bar == NULL || w->QD == NULL || w->status == NULL || w->act == NULL || w->in_act == NULL ||
        w->col == NULL || w->prev == NULL || w->next == NULL || w->bufs == NULL ||
        w->free_bufs == NULL) {
        smo_free(w);
        return NULL;
    }
    return w;
}

/* ---- the column cache ---------------------------------------------------- */

static void lru_unlink(smo_workspace *w, size_t i)
{
    w->next[w->prev[i]] = w->next[i];
    w->prev[w->next[i]] = w->prev[i];
}

static void lru_append(smo_workspace *w, size_t i)
{
    size_t s = w->l_max;

    w->prev[i] = w->prev[s];
    w->next[i] = s;
    w->next[w->prev[s]] = i;
    w->prev[s] = i;
}

/* Empty the cache for a new problem; the buffers are kept for reuse. */
static void cache_reset(smo_workspace *w)
{
    size_t i;

    for (i = 0; i < w->l_max; i++)
        w->col[i] = NULL;
    w->prev[w->l_max] = w->next[w->l_max] = w->l_max;
    for (i = 0; i < w->n_bufs; i++)
        w->free_bufs[i] = w->bufs[i];
    w->n_free = w->n_bufs;
}

/* The distinct row of variable i. */
static size_t row_of(const smo_workspace *w, size_t i)
{
    return i < w->n_rows ? i : i - w->n_rows;
}

/* The linear term of variable i. */
static double lin(const smo_workspace *w, size_t i)
{
    return w->p_lin != NULL ? w->p_lin[i] : -1.0;
}

/* Column i of Q (all l entries), or NULL when memory is short. */
static const float *get_q(smo_workspace *w, size_t i)
{
    float *c = w->col[i];
    size_t j;

    if (c != NULL) {
        lru_unlink(w, i);
        lru_append(w, i);
        return c;
    }
    if (w->n_free > 0) {
        c = w->free_bufs[--w->n_free];
    } else if (w->n_bufs < w->cache_cols) {
        c = malloc(w->l_max * sizeof *c);
        if (c == NULL)
            return NULL;
        w->bufs[w->n_bufs++] = c;
    } else { /* evict the least recently used column */
        size_t old = w->next[w->l_max];

        c = w->col[old];
        w->col[old] = NULL;
        lru_unlink(w, old);
    }
    for (j = 0; j < w->n_rows; j++)
        w->kv[j] = kij(w, row_of(w, i), j);
    for (j = 0; j < w->l; j++)
        c[j] = (float)(w->y[i] * w->y[j] * w->kv[row_of(w, j)]);
    w->col[i] = c;
    lru_append(w, i);
    return c;
}

/* ---- the solver ----------------------------------------------------------- */

static int is_upper(const smo_workspace *w, size_t i) { return w->status[i] == AT_UPPER; }
static int is_lower(const smo_workspace *w, size_t i) { return w->status[i] == AT_LOWER; }

static void update_status(smo_workspace *w, size_t i)
{
    if (w->alpha[i] >= w->C[i])
        w->status[i] = AT_UPPER;
    else if (w->alpha[i] <= 0)
        w->status[i] = AT_LOWER;
    else
        w->status[i] = FREE;
}

static void activate_all(smo_workspace *w)
{
    size_t i;

    for (i = 0; i < w->l; i++) {
        w->act[i] = i;
        w->in_act[i] = 1;
    }
    w->n_act = w->l;
}

/* Gradient of the inactive variables from G_bar and the free variables. */
static int reconstruct_gradient(smo_workspace *w)
{
    size_t l = w->l, a, i, j;

    if (w->n_act == l)
        return 0;
    for (j = 0; j < l; j++)
        if (!w->in_act[j])
            w->G[j] = w->G_bar[j] + lin(w, j);
    for (a = 0; a < w->n_act; a++) {
        const float *q;

        i = w->act[a];
        if (w->status[i] != FREE)
            continue;
        if ((q = get_q(w, i)) == NULL)
            return -1;
        for (j = 0; j < l; j++)
            if (!w->in_act[j])
                w->G[j] += w->alpha[i] * (double)q[j];
    }
    activate_all(w);
    return 0;
}

/*
 * WSS 2: i maximizes -y_t G_t over I_up, j minimizes the second-order
 * objective decrease over I_low. 1 when the pair's violation is below tol
 * (optimal), 0 with *out_i, *out_j set, -1 when memory runs short.
 */
static int select_pair(smo_workspace *w, double tol, size_t *out_i, size_t *out_j)
{
    double gmax = -HUGE_VAL, gmax2 = -HUGE_VAL, obj_min = HUGE_VAL;
    size_t a, i = (size_t)-1, j = (size_t)-1, t;
    const float *qi = NULL;

    for (a = 0; a < w->n_act; a++) {
        t = w->act[a];
        if (w->y[t] == 1) {
            if (!is_upper(w, t) && -w->G[t] >= gmax) {
                gmax = -w->G[t];
                i = t;
            }
        } else if (!is_lower(w, t) && w->G[t] >= gmax) {
            gmax = w->G[t];
            i = t;
        }
    }
    if (i != (size_t)-1 && (qi = get_q(w, i)) == NULL)
        return -1;
    for (a = 0; a < w->n_act; a++) {
        double gdiff, quad;

        t = w->act[a];
        if (w->y[t] == 1) {
            if (is_lower(w, t))
                continue;
            gdiff = gmax + w->G[t];
            if (w->G[t] >= gmax2)
                gmax2 = w->G[t];
            if (gdiff > 0 && qi != NULL) {
                quad = w->QD[i] + w->QD[t] - 2.0 * w->y[i] * (double)qi[t];
                quad = -(gdiff * gdiff) / (quad > 0 ? quad : TAU);
                if (quad <= obj_min) {
                    j = t;
                    obj_min = quad;
                }
            }
        } else {
            if (is_upper(w, t))
                continue;
            gdiff = gmax - w->G[t];
            if (-w->G[t] >= gmax2)
                gmax2 = -w->G[t];
            if (gdiff > 0 && qi != NULL) {
                quad = w->QD[i] + w->QD[t] + 2.0 * w->y[i] * (double)qi[t];
                quad = -(gdiff * gdiff) / (quad > 0 ? quad : TAU);
                if (quad <= obj_min) {
                    j = t;
                    obj_min = quad;
                }
            }
        }
    }
    if (gmax + gmax2 < tol || j == (size_t)-1)
        return 1;
    *out_i = i;
    *out_j = j;
    return 0;
}

static int be_shrunk(const smo_workspace *w, size_t i, double gmax1, double gmax2)
{
    if (is_upper(w, i))
        return w->y[i] == 1 ? -w->G[i] > gmax1 : -w->G[i] > gmax2;
    if (is_lower(w, i))
        return w->y[i] == 1 ? w->G[i] > gmax2 : w->G[i] > gmax1;
    return 0;
}

static int do_shrinking(smo_workspace *w, double tol)
{
    double gmax1 = -HUGE_VAL, gmax2 = -HUGE_VAL;
    size_t a, i, kept = 0;

    for (a = 0; a < w->n_act; a++) {
        i = w->act[a];
        if (w->y[i] == 1) {
            if (!is_upper(w, i) && -w->G[i] >= gmax1)
                gmax1 = -w->G[i];
            if (!is_lower(w, i) && w->G[i] >= gmax2)
                gmax2 = w->G[i];
        } else {
            if (!is_upper(w, i) && -w->G[i] >= gmax2)
                gmax2 = -w->G[i];
            if (!is_lower(w, i) && w->G[i] >= gmax1)
                gmax1 = w->G[i];
        }
    }
    /* Close to the end: bring everything back once, so that the final
     * answer is checked on the whole problem. */
    if (!w->unshrink && gmax1 + gmax2 <= tol * 10) {
        w->unshrink = 1;
        if (reconstruct_gradient(w) != 0)
            return -1;
    }
    for (a = 0; a < w->n_act; a++) {
        i = w->act[a];
        if (be_shrunk(w, i, gmax1, gmax2))
            w->in_act[i] = 0;
        else
            w->act[kept++] = i;
    }
    w->n_act = kept;
    return 0;
}

/* The analytic two-variable step of the reference solver. */
static int take_step(smo_workspace *w, size_t i, size_t j)
{
    const float *qi, *qj;
    double ci = w->C[i], cj = w->C[j], oi = w->alpha[i], oj = w->alpha[j], dai, daj;
    double *al = w->alpha;
    int ui = is_upper(w, i), uj = is_upper(w, j);
    size_t a, k;

    if ((qi = get_q(w, i)) == NULL || (qj = get_q(w, j)) == NULL)
        return -1;
    if (w->y[i] != w->y[j]) {
        double quad = w->QD[i] + w->QD[j] + 2.0 * (double)qi[j];
        double delta = (-w->G[i] - w->G[j]) / (quad > 0 ? quad : TAU);
        double diff = al[i] - al[j];

        al[i] += delta;
        al[j] += delta;
        if (diff > 0) {
            if (al[j] < 0) {
                al[j] = 0;
                al[i] = diff;
            }
        } else if (al[i] < 0) {
            al[i] = 0;
            al[j] = -diff;
        }
        if (diff > ci - cj) {
            if (al[i] > ci) {
                al[i] = ci;
                al[j] = ci - diff;
            }
        } else if (al[j] > cj) {
            al[j] = cj;
            al[i] = cj + diff;
        }
    } else {
        double quad = w->QD[i] + w->QD[j] - 2.0 * (double)qi[j];
        double delta = (w->G[i] - w->G[j]) / (quad > 0 ? quad : TAU);
        double sum = al[i] + al[j];

        al[i] -= delta;
        al[j] += delta;
        if (sum > ci) {
            if (al[i] > ci) {
                al[i] = ci;
                al[j] = sum - ci;
            }
        } else if (al[j] < 0) {
            al[j] = 0;
            al[i] = sum;
        }
        if (sum > cj) {
            if (al[j] > cj) {
                al[j] = cj;
                al[i] = sum - cj;
            }
        } else if (al[i] < 0) {
            al[i] = 0;
            al[j] = sum;
        }
    }
    dai = al[i] - oi;
    daj = al[j] - oj;
    for (a = 0; a < w->n_act; a++) {
        k = w->act[a];
        w->G[k] += (double)qi[k] * dai + (double)qj[k] * daj;
    }
    update_status(w, i);
    update_status(w, j);
    /* G_bar follows the variables that reach or leave the upper bound. */
    if (ui != is_upper(w, i))
        for (k = 0; k < w->l; k++)
            w->G_bar[k] += (ui ? -ci : ci) * (double)qi[k];
    if (uj != is_upper(w, j))
        for (k = 0; k < w->l; k++)
            w->G_bar[k] += (uj ? -cj : cj) * (double)qj[k];
    return 0;
}

static double calc_rho(const smo_workspace *w)
{
    double ub = HUGE_VAL, lb = -HUGE_VAL, sum_free = 0.0;
    size_t a, n_free = 0;

    for (a = 0; a < w->n_act; a++) {
        size_t i = w->act[a];
        double yg = w->y[i] * w->G[i];

        if (is_upper(w, i)) {
            if (w->y[i] == -1) {
                if (yg < ub)
                    ub = yg;
            } else if (yg > lb) {
                lb = yg;
            }
        } else if (is_lower(w, i)) {
            if (w->y[i] == 1) {
                if (yg < ub)
                    ub = yg;
            } else if (yg > lb) {
                lb = yg;
            }
        } else {
            n_free++;
            sum_free += yg;
        }
    }
    return n_free > 0 ? sum_free / (double)n_free : (ub + lb) / 2;
}

int smo_solve(smo_workspace *w, const smo_problem *pb, double tol, size_t max_iter, double *alpha,
              smo_result *res)
{
    size_t i, j, iter = 0, counter, l = pb->l;
    int sel = 0;

    w->l = l;
    w->n_rows = pb->n_rows;
    w->y = pb->y;
    w->C = pb->C;
    w->p_lin = pb->p;
    w->unshrink = 0;
    for (i = 0; i < pb->n_rows; i++) {
        memcpy(w->xr + i * w->p, w->x + pb->rows[i] * w->p, w->p * sizeof(double));
        w->xn[i] = dot(w->xr + i * w->p, w->xr + i * w->p, w->p);
    }
    for (i = 0; i < l; i++) {
        w->alpha[i] = 0.0;
        w->G[i] = lin(w, i);
        w->G_bar[i] = 0.0;
        w->QD[i] = kij(w, row_of(w, i), row_of(w, i));
        update_status(w, i);
    }
    activate_all(w);
    cache_reset(w);
    counter = (l < 1000 ? l : 1000) + 1;
    while (iter < max_iter) {
        if (--counter == 0) {
            counter = l < 1000 ? l : 1000;
            if (do_shrinking(w, tol) != 0)
                return -1;
        }
        sel = select_pair(w, tol, &i, &j);
        if (sel < 0)
            return -1;
        if (sel == 1) {
            /* Optimal on the active set: check the whole problem. */
            if (reconstruct_gradient(w) != 0)
                return -1;
            sel = select_pair(w, tol, &i, &j);
            if (sel < 0)
                return -1;
            if (sel == 1)
                break;
            counter = 1; /* shrink again at the next iteration */
        }
        iter++;
        if (take_step(w, i, j) != 0)
            return -1;
    }
    if (sel != 1 && reconstruct_gradient(w) != 0)
        return -1;
    res->iterations = iter;
    res->converged = sel == 1;
    res->rho = calc_rho(w);
    res->objective = 0.0;
    for (i = 0; i < l; i++) {
        alpha[i] = w->alpha[i];
        res->objective += w->alpha[i] * (w->G[i] + lin(w, i));
    }
    res->objective /= 2;
    return 0;
}
