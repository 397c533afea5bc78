/* SPDX-License-Identifier: MIT */
/*
 * The MLP trainer's inner part (mlp_backprop.h): the workspace, the forward
 * pass and the loss (softmax cross-entropy, or the squared loss of one
 * linear output), backpropagation, and the Adam / SGD steps (beta1 0.9,
 * beta2 0.999, epsilon 1e-8; or SGD with momentum). Matrix products of the
 * forward and backward passes go through GSL's BLAS (gsl_blas_dgemm),
 * every status checked.
 */
#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mlp_backprop.h"

static void free_list(double **v, size_t n)
{
    size_t i;

    if (v == NULL)
        return;
    for (i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void mlp_ws_free(mlp_workspace *w)
{
    if (w == NULL)
        return;
    free_list(w->a, w->n_layers + 1);
    free_list(w->delta, w->n_layers + 1);
    free_list(w->gw, w->n_layers);
    free_list(w->gb, w->n_layers);
    free_list(w->mw, w->n_layers);
    free_list(w->mb, w->n_layers);
    free_list(w->vw, w->n_layers);
    free_list(w->vb, w->n_layers);
    free(w->order);
    free(w);
}

/* n zeroed arrays, array i of rows[i] x cols[i] (cols NULL: 1) doubles. */
static double **alloc_list(size_t n, const size_t *rows, const size_t *cols)
{
    double **v = mlq_calloc(n, sizeof *v);
    size_t i;

    if (v == NULL)
        return NULL;
    for (i = 0; i < n; i++) {
        if ((v[i] = mlq_calloc(rows[i] * (cols != NULL ? cols[i] : 1), sizeof **v)) == NULL) {
            free_list(v, n);
            return NULL;
        }
    }
    return v;
}

mlp_workspace *mlp_ws_alloc(mlp_params *mp, size_t bmax, size_t n_train)
{
    mlp_workspace *w = mlq_calloc(1, sizeof *w);
    size_t L = mp->n_layers, l, *rows_a = mlq_calloc(L + 1, sizeof(size_t));
    size_t *rows_w = mlq_calloc(L, sizeof(size_t));

    if (w == NULL || rows_a == NULL || rows_w == NULL) {
        free(w);
        free(rows_a);
        free(rows_w);
        return NULL;
    }
    w->mp = mp;
    w->n_layers = L;
    w->size = mp->size;
    w->bmax = bmax;
    w->n_train = n_train;
    for (l = 0; l <= L; l++)
        rows_a[l] = bmax;
    for (l = 0; l < L; l++)
        rows_w[l] = mp->size[l + 1];
    w->a = alloc_list(L + 1, rows_a, mp->size);
    w->delta = alloc_list(L + 1, rows_a, mp->size);
    w->gw = alloc_list(L, rows_w, mp->size);
    w->mw = alloc_list(L, rows_w, mp->size);
    w->vw = alloc_list(L, rows_w, mp->size);
    w->gb = alloc_list(L, rows_w, NULL);
    w->mb = alloc_list(L, rows_w, NULL);
    w->vb = alloc_list(L, rows_w, NULL);
    w->order = mlq_calloc(n_train, sizeof *w->order);
    free(rows_a);
    free(rows_w);
    if (w->a == NULL || w->delta == NULL || w->gw == NULL || w->mw == NULL || w->vw == NULL ||
        w->gb == NULL || w->mb == NULL || w->vb == NULL || w->order == NULL) {
        mlp_ws_free(w);
        return NULL;
    }
    return w;
}

/* The output layer of rows idx[0..nb) (in w->a[L], before any softmax):
 * a regression target's squared loss, or the softmax in place and the
 * cross-entropy (log-sum-exp), counting in *hits the rows whose largest
 * output is their class. Returns the summed loss. */
static double output_loss(mlp_workspace *w, const size_t *idx, size_t nb, const mlp_targets *tg,
                          size_t *hits)
{
    size_t L = w->n_layers, k = w->size[L], i, o;
    double loss = 0.0;

    for (i = 0; i < nb; i++) {
        double *r = w->a[L] + i * k, mx = r[0], sum = 0.0;
        size_t best = 0;

        if (tg->t != NULL) {
            double e = r[0] - tg->t[idx[i]];

            loss += 0.5 * e * e;
            continue;
        }
        for (o = 1; o < k; o++) {
            if (r[o] > mx)
                mx = r[o];
            if (r[o] > r[best])
                best = o;
        }
        for (o = 0; o < k; o++)
            sum += exp(r[o] - mx);
        loss -= r[tg->y[idx[i]]] - mx - log(sum);
        if (hits != NULL && (int)best == tg->y[idx[i]])
            ++*hits;
        for (o = 0; o < k; o++)
            r[o] = exp(r[o] - mx) / sum;
    }
    return loss;
}

/*
 * Forward pass of rows idx[0..nb) of z (nb <= bmax): w->a[l] for every
 * layer, the output layer as output_loss leaves it. Returns the summed loss
 * of the rows against tg (output_loss). NaN with w->status on a GSL failure.
 */
static double forward(mlp_workspace *w, const double *z, const size_t *idx, size_t nb,
                      const mlp_targets *tg, size_t *hits)
{
    const mlp_params *mp = w->mp;
    size_t L = w->n_layers, p = w->size[0], l, i, o;

    for (i = 0; i < nb; i++)
        memcpy(w->a[0] + i * p, z + idx[i] * p, p * sizeof *z);
    for (l = 0; l < L; l++) {
        size_t n_in = w->size[l], n_out = w->size[l + 1];
        gsl_matrix_const_view A = gsl_matrix_const_view_array(w->a[l], nb, n_in);
        gsl_matrix_const_view W = gsl_matrix_const_view_array(mp->w[l], n_out, n_in);
        gsl_matrix_view C = gsl_matrix_view_array(w->a[l + 1], nb, n_out);
        int st = gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, &A.matrix, &W.matrix, 0.0, &C.matrix);

        if (st != GSL_SUCCESS) {
            w->status = st;
            return (double)NAN;
        }
        for (i = 0; i < nb; i++) {
            double *r = w->a[l + 1] + i * n_out;

            for (o = 0; o < n_out; o++) {
                r[o] += mp->b[l][o];
                if (l + 1 < L)
                    r[o] = mlp_activate(mp->activation, r[o]);
            }
        }
    }
    return output_loss(w, idx, nb, tg, hits);
}

double mlp_weight_norm2(const mlp_params *mp)
{
    size_t l, i;
    double s = 0.0;

    for (l = 0; l < mp->n_layers; l++)
        for (i = 0; i < mp->size[l + 1] * mp->size[l]; i++)
            s += mp->w[l][i] * mp->w[l][i];
    return s;
}

double mlp_evaluate(mlp_workspace *w, const double *z, const mlp_targets *tg, const size_t *idx,
                    size_t n, size_t *hits)
{
    size_t i;
    double loss = 0.0;

    for (i = 0; i < n; i += w->bmax) {
        size_t nb = n - i < w->bmax ? n - i : w->bmax;

        loss += forward(w, z, idx + i, nb, tg, hits);
    }
    return loss / (double)n;
}

/* Gradients of the batch of the last forward() (nb rows, targets tg): the
 * output layer's delta is (output - target) / nb, the output being the
 * softmax probability against the one-hot class or the linear output
 * against the target. 0, or a GSL status. */
static int backward(mlp_workspace *w, const size_t *idx, size_t nb, const mlp_targets *tg, double l2)
{
    const mlp_params *mp = w->mp;
    size_t L = w->n_layers, l, i, o, k = w->size[L];

    for (i = 0; i < nb; i++) {
        double *d = w->delta[L] + i * k;

        memcpy(d, w->a[L] + i * k, k * sizeof *d);
        if (tg->t != NULL)
            d[0] -= tg->t[idx[i]];
        else
            d[tg->y[idx[i]]] -= 1.0;
        for (o = 0; o < k; o++)
            d[o] /= (double)nb;
    }
    for (l = L; l >= 1; l--) {
        size_t n_in = w->size[l - 1], n_out = w->size[l];
        gsl_matrix_const_view D = gsl_matrix_const_view_array(w->delta[l], nb, n_out);
        gsl_matrix_const_view A = gsl_matrix_const_view_array(w->a[l - 1], nb, n_in);
        gsl_matrix_view G = gsl_matrix_view_array(w->gw[l - 1], n_out, n_in);
        int st = gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, &D.matrix, &A.matrix, 0.0, &G.matrix);

        if (st != GSL_SUCCESS)
            return w->status = st;
        for (i = 0; i < n_out * n_in; i++)
            w->gw[l - 1][i] += l2 * mp->w[l - 1][i] / (double)nb;
        for (o = 0; o < n_out; o++) {
            double s = 0.0;

            for (i = 0; i < nb; i++)
                s += w->delta[l][i * n_out + o];
            w->gb[l - 1][o] = s;
        }
        if (l > 1) {
            gsl_matrix_const_view W = gsl_matrix_const_view_array(mp->w[l - 1], n_out, n_in);
            gsl_matrix_view P = gsl_matrix_view_array(w->delta[l - 1], nb, n_in);

            st = gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, &D.matrix, &W.matrix, 0.0,
                                &P.matrix);
            if (st != GSL_SUCCESS)
                return w->status = st;
            for (i = 0; i < nb * n_in; i++) {
                double a = w->a[l - 1][i];

                w->delta[l - 1][i] *= mp->activation == MLP_RELU ? (a > 0 ? 1.0 : 0.0) : 1.0 - a * a;
            }
        }
    }
    return 0;
}

/* The summed loss of one batch plus the L2 term (nb x its objective), and
 * its gradients. NaN with w->status on a GSL failure. */
static double batch(mlp_workspace *w, const double *z, const mlp_targets *tg, const size_t *idx,
                    size_t nb, double l2)
{
    double bl = forward(w, z, idx, nb, tg, NULL);

    if (w->status != 0)
        return (double)NAN;
    bl += 0.5 * l2 * mlp_weight_norm2(w->mp);
    return backward(w, idx, nb, tg, l2) != 0 ? (double)NAN : bl;
}

double mlp_loss_grad(mlp_workspace *w, const double *z, const mlp_targets *tg, const size_t *idx,
                     size_t nb, double l2)
{
    return batch(w, z, tg, idx, nb, l2) / (double)nb;
}

/* One optimizer step on every parameter from the gradients. */
static void update(mlp_workspace *w, const mlp_train_opts *o)
{
    mlp_params *mp = w->mp;
    size_t l, i;
    double b1 = 0.9, b2 = 0.999, eps = 1e-8, c1, c2;

    w->t++;
    c1 = 1.0 - pow(b1, (double)w->t);
    c2 = 1.0 - pow(b2, (double)w->t);
    for (l = 0; l < w->n_layers; l++) {
        size_t nw = mp->size[l + 1] * mp->size[l], nb = mp->size[l + 1], part;

        for (part = 0; part < 2; part++) {
            double *p = part ? mp->b[l] : mp->w[l], *g = part ? w->gb[l] : w->gw[l];
            double *m1 = part ? w->mb[l] : w->mw[l], *m2 = part ? w->vb[l] : w->vw[l];
            size_t n = part ? nb : nw;

            for (i = 0; i < n; i++) {
                if (o->adam) {
                    m1[i] = b1 * m1[i] + (1.0 - b1) * g[i];
                    m2[i] = b2 * m2[i] + (1.0 - b2) * g[i] * g[i];
                    p[i] -= o->lr * (m1[i] / c1) / (sqrt(m2[i] / c2) + eps);
                } else {
                    m1[i] = o->momentum * m1[i] - o->lr * g[i];
                    p[i] += m1[i];
                }
            }
        }
    }
}

void mlp_init(mlp_workspace *w, gsl_rng *rng)
{
    mlp_params *mp = w->mp;
    size_t l, i;

    for (l = 0; l < mp->n_layers; l++) {
        double bound = sqrt(6.0 / (double)(mp->size[l] + mp->size[l + 1]));

        for (i = 0; i < mp->size[l + 1] * mp->size[l]; i++)
            mp->w[l][i] = (2.0 * gsl_rng_uniform(rng) - 1.0) * bound;
        for (i = 0; i < mp->size[l + 1]; i++)
            mp->b[l][i] = (2.0 * gsl_rng_uniform(rng) - 1.0) * bound;
    }
    w->t = 0;
}

int mlp_iterate(mlp_workspace *w, const double *z, const mlp_targets *tg, const size_t *train,
                const mlp_train_opts *o, gsl_rng *rng)
{
    size_t i, n = w->n_train;
    double loss = 0.0;

    memcpy(w->order, train, n * sizeof *train);
    gsl_ran_shuffle(rng, w->order, n, sizeof *w->order);
    for (i = 0; i < n; i += w->bmax) {
        size_t nb = n - i < w->bmax ? n - i : w->bmax;

        loss += batch(w, z, tg, w->order + i, nb, o->l2);
        if (w->status != 0)
            return w->status;
        update(w, o);
    }
    w->loss = loss / (double)n;
    return 0;
}
