/* SPDX-License-Identifier: MIT */
/*
 * The multilayer perceptron trainer (the model is mlp_model.c): fully
 * connected layers (--hidden 32[,16...]), ReLU or tanh hidden units, a
 * softmax output trained on the
 * mean cross-entropy plus 0.5 x --l2 x the sum of squared weights (not
 * biases) per row of a minibatch (the convention of the common reference
 * implementation), on standardized rows.
 *
 * Training (GSL workspace idiom: mlp_ws_alloc / mlp_init / mlp_iterate /
 * mlp_converged / mlp_ws_free, no callbacks): weights and biases start
 * uniform in +-sqrt(6 / (fan_in + fan_out)); each epoch shuffles the
 * training rows (gsl_rng mt19937 seeded with --seed, so training is
 * deterministic) and takes one step per minibatch of --batch rows, with
 * Adam (beta1 0.9, beta2 0.999, epsilon 1e-8) or SGD with momentum
 * (--momentum). Matrix products of the forward and backward passes go
 * through GSL's BLAS (gsl_blas_dgemm), every status checked.
 *
 * Early stopping: with --validation F a stratified share F of the rows is
 * held out; after each epoch its loss is measured, the parameters of the
 * best epoch are kept, and training stops after --patience epochs without
 * improvement. Without it, training runs --epochs epochs.
 *
 * Divergence: an epoch whose training loss is not finite, or above
 * MLP_DIVERGED x the loss of the untrained network, stops training with an
 * error and no model is written.
 *
 * Calibration: after training, the largest activation of each hidden
 * unit over the training rows is stored with the model; the exporter
 * derives the device's activation scales from it (and, after training,
 * adds the device's accuracy on the training rows to the report).
 */
#include <cjson/cJSON.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "algo.h"
#include "metrics.h"
#include "mlp_params.h"

/* An epoch loss above this multiple of the untrained network's loss is
 * divergence (the loss of a network that learns stays near or below it). */
#define MLP_DIVERGED 100.0

/* ---- the --hidden list ------------------------------------------------- */

/* Parse "32" or "32,16,..." (checked by the CLI: MLQ_OPT_INT_LIST in
 * [1, 65535]): the count in *n and, when sizes is not NULL, the widths. */
static void hidden_parse(const char *text, size_t *sizes, size_t *n)
{
    const char *p = text;

    *n = 0;
    for (;;) {
        char *end;
        unsigned long v = strtoul(p, &end, 10);

        if (sizes != NULL)
            sizes[*n] = v;
        ++*n;
        if (*end != ',')
            return;
        p = end + 1;
    }
}

/* ---- training workspace ------------------------------------------------ */

typedef struct mlp_workspace {
    mlp_params *mp;       /* the parameters being trained */
    size_t n_layers, bmax;
    const size_t *size;
    double **a;           /* [n_layers + 1] activations [bmax][size[l]]; a[0] the input batch;
                             a[n_layers] the softmax probabilities */
    double **delta;       /* [n_layers + 1] d loss / d pre-activation [bmax][size[l]] (l >= 1) */
    double **gw, **gb;    /* [n_layers] gradients, shaped as w and b */
    double **mw, **mb;    /* [n_layers] first moments (Adam) or velocities (SGD) */
    double **vw, **vb;    /* [n_layers] second moments (Adam) */
    size_t t;             /* optimizer steps taken */
    /* the loop of mlp_iterate */
    size_t *order;        /* [n_train] training rows in this epoch's order */
    size_t n_train;
    double loss;          /* mean training loss of the last epoch */
    int status;           /* 0, or a GSL status that failed */
} mlp_workspace;

static void free_list(double **v, size_t n)
{
    size_t i;

    if (v == NULL)
        return;
    for (i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static void mlp_ws_free(mlp_workspace *w)
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

/* n zeroed arrays, array i of len(i) doubles. */
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

static mlp_workspace *mlp_ws_alloc(mlp_params *mp, size_t bmax, size_t n_train)
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

/*
 * Forward pass of rows idx[0..nb) of z (nb <= bmax): w->a[l] for every
 * layer, the softmax probabilities in w->a[n_layers]. Returns the summed
 * cross-entropy of the rows against y (y may be NULL: 0) and counts the
 * rows whose argmax equals y in *hits (if not NULL). GSL status in w->status.
 */
static double forward(mlp_workspace *w, const double *z, const size_t *idx, size_t nb,
                      const int *y, size_t *hits)
{
    const mlp_params *mp = w->mp;
    size_t L = w->n_layers, p = w->size[0], l, i, o;
    double loss = 0.0;

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
    /* Softmax by log-sum-exp; the loss of each row from its log-probability. */
    for (i = 0; i < nb; i++) {
        size_t k = w->size[L], best = 0;
        double *r = w->a[L] + i * k, mx = r[0], sum = 0.0;

        for (o = 1; o < k; o++) {
            if (r[o] > mx)
                mx = r[o];
            if (r[o] > r[best])
                best = o;
        }
        for (o = 0; o < k; o++)
            sum += exp(r[o] - mx);
        if (y != NULL)
            loss -= r[y[idx[i]]] - mx - log(sum);
        if (hits != NULL && y != NULL && (int)best == y[idx[i]])
            ++*hits;
        for (o = 0; o < k; o++)
            r[o] = exp(r[o] - mx) / sum;
    }
    return loss;
}

/* Sum of squared weights (the L2 term's factor). */
static double weight_norm2(const mlp_params *mp)
{
    size_t l, i;
    double s = 0.0;

    for (l = 0; l < mp->n_layers; l++)
        for (i = 0; i < mp->size[l + 1] * mp->size[l]; i++)
            s += mp->w[l][i] * mp->w[l][i];
    return s;
}

/* Mean cross-entropy and accuracy of rows idx[0..n), in batches. */
static double evaluate(mlp_workspace *w, const double *z, const int *y, const size_t *idx,
                       size_t n, double *accuracy)
{
    size_t i, hits = 0;
    double loss = 0.0;

    for (i = 0; i < n; i += w->bmax) {
        size_t nb = n - i < w->bmax ? n - i : w->bmax;

        loss += forward(w, z, idx + i, nb, y, &hits);
    }
    if (accuracy != NULL)
        *accuracy = n > 0 ? (double)hits / (double)n : 0.0;
    return loss / (double)n;
}

/* Gradients of the batch of the last forward() (nb rows, labels y). */
static int backward(mlp_workspace *w, const size_t *idx, size_t nb, const int *y, double l2)
{
    const mlp_params *mp = w->mp;
    size_t L = w->n_layers, l, i, o, k = w->size[L];

    for (i = 0; i < nb; i++) {
        double *d = w->delta[L] + i * k;

        memcpy(d, w->a[L] + i * k, k * sizeof *d);
        d[y[idx[i]]] -= 1.0;
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

typedef struct train_opts {
    double lr, l2, momentum;
    int adam;
} train_opts;

/* One optimizer step on every parameter from the gradients. */
static void update(mlp_workspace *w, const train_opts *o)
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

/* Uniform +-sqrt(6 / (fan_in + fan_out)) for weights and biases. */
static void mlp_init(mlp_workspace *w, gsl_rng *rng)
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

/* One epoch: shuffle, one step per minibatch; w->loss is the epoch's mean
 * loss (each batch's loss taken before its step). 0, or a GSL status. */
static int mlp_iterate(mlp_workspace *w, const double *z, const int *y, const size_t *train,
                       const train_opts *o, gsl_rng *rng)
{
    size_t i, n = w->n_train;
    double loss = 0.0;

    memcpy(w->order, train, n * sizeof *train);
    gsl_ran_shuffle(rng, w->order, n, sizeof *w->order);
    for (i = 0; i < n; i += w->bmax) {
        size_t nb = n - i < w->bmax ? n - i : w->bmax;
        double bl = forward(w, z, w->order + i, nb, y, NULL);

        if (w->status != 0)
            return w->status;
        loss += bl + 0.5 * o->l2 * weight_norm2(w->mp); /* nb x the batch's mean loss */
        if (backward(w, w->order + i, nb, y, o->l2) != 0)
            return w->status;
        update(w, o);
    }
    w->loss = loss / (double)n;
    return 0;
}

/* Early stopping: no better validation loss for `patience` epochs. */
static int mlp_converged(size_t since_best, size_t patience)
{
    return since_best >= patience;
}

/* ---- train --------------------------------------------------------------- */

static void copy_params(mlp_params *dst, const mlp_params *src)
{
    size_t l;

    for (l = 0; l < src->n_layers; l++) {
        memcpy(dst->w[l], src->w[l], src->size[l + 1] * src->size[l] * sizeof **src->w);
        memcpy(dst->b[l], src->b[l], src->size[l + 1] * sizeof **src->b);
    }
}

static int params_finite(const mlp_params *mp)
{
    size_t l, i;

    for (l = 0; l < mp->n_layers; l++) {
        for (i = 0; i < mp->size[l + 1] * mp->size[l]; i++)
            if (!isfinite(mp->w[l][i]))
                return 0;
        for (i = 0; i < mp->size[l + 1]; i++)
            if (!isfinite(mp->b[l][i]))
                return 0;
    }
    return 1;
}

/* Largest |activation| of every hidden unit over rows z[n]. */
static void calibrate(mlp_params *mp, const double *z, size_t n)
{
    size_t l, i, o, wmax = mlp_max_width(mp);
    double *buf = mlq_calloc(3 * wmax, sizeof *buf);

    if (buf == NULL)
        return;
    memset(mp->act_max, 0, mlp_n_hidden_units(mp) * sizeof *mp->act_max);
    for (i = 0; i < n; i++) {
        const double *in = z + i * mp->size[0];
        double *amax = mp->act_max;

        for (l = 0; l + 1 < mp->n_layers; amax += mp->size[l + 1], l++) {
            double *out = buf + (l & 1) * wmax;

            for (o = 0; o < mp->size[l + 1]; o++) {
                const double *wr = mp->w[l] + o * mp->size[l];
                double s = mp->b[l][o];
                size_t j;

                for (j = 0; j < mp->size[l]; j++)
                    s += wr[j] * in[j];
                out[o] = mlp_activate(mp->activation, s);
                if (fabs(out[o]) > amax[o])
                    amax[o] = fabs(out[o]);
            }
            in = out;
        }
    }
    free(buf);
}

static int oom(const mlq_dataset *d, mlq_err *err)
{
    return mlq_err_set(err, d->path, 0, "out of memory for the MLP (%zu rows x %zu features)",
                       d->n_rows, d->n_features);
}

int mlp_train(mlq_model *m, const mlq_dataset *d, const double *z, bool progress, mlq_err *err)
{
    size_t n = d->n_rows, n_hidden, i, epochs = (size_t)mlq_hyper_num(m->hyper, "epochs");
    size_t batch = (size_t)mlq_hyper_num(m->hyper, "batch");
    size_t patience = (size_t)mlq_hyper_num(m->hyper, "patience");
    size_t *size = NULL, *train = NULL, *val = NULL, n_train = 0, n_val = 0, epoch, best_epoch = 0;
    size_t since_best = 0;
    double vfrac = mlq_hyper_num(m->hyper, "validation"), loss0, best_val = HUGE_VAL, val_acc = 0.0;
    double best_val_acc = 0.0;
    train_opts o;
    mlp_params *mp = NULL, *best = NULL;
    mlp_workspace *w = NULL;
    gsl_rng *rng = NULL;
    int rc = -1;

    o.lr = mlq_hyper_num(m->hyper, "lr");
    o.l2 = mlq_hyper_num(m->hyper, "l2");
    o.momentum = mlq_hyper_num(m->hyper, "momentum");
    o.adam = strcmp(mlq_hyper_str(m->hyper, "optimizer"), "adam") == 0;
    hidden_parse(mlq_hyper_str(m->hyper, "hidden"), NULL, &n_hidden);
    if (n_hidden > MLP_MAX_HIDDEN)
        return mlq_err_set(err, d->path, 0, "--hidden lists %zu layers: the device format holds at most %d",
                           n_hidden, MLP_MAX_HIDDEN);
    for (i = 1; i < n && d->y[i] == d->y[0]; i++)
        ;
    if (i == n)
        return mlq_err_set(err, d->path, 0,
                           "every row has the same class ('%s'): a classifier needs at least two",
                           d->class_names[d->y[0]]);
    size = mlq_calloc(n_hidden + 2, sizeof *size);
    train = mlq_calloc(n, sizeof *train);
    val = mlq_calloc(n, sizeof *val);
    if (size == NULL || train == NULL || val == NULL) {
        oom(d, err);
        goto done;
    }
    size[0] = d->n_features;
    hidden_parse(mlq_hyper_str(m->hyper, "hidden"), size + 1, &n_hidden);
    size[n_hidden + 1] = d->n_classes;
    if (vfrac > 0) {
        if (mlq_split_stratified(d->y, n, d->n_classes, vfrac, m->seed, train, &n_train, val,
                                 &n_val) != 0) {
            oom(d, err);
            goto done;
        }
        if (n_val == 0 || n_train == 0) {
            mlq_err_set(err, d->path, 0,
                        "--validation %g of %zu rows leaves %s: change --validation (or 0 for none)",
                        vfrac, n, n_val == 0 ? "no validation row" : "no training row");
            goto done;
        }
    } else {
        for (i = 0; i < n; i++)
            train[i] = i;
        n_train = n;
    }
    if (batch > n_train)
        batch = n_train;
    mp = mlp_params_alloc(size, n_hidden + 1);
    best = mlp_params_alloc(size, n_hidden + 1);
    rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (mp == NULL || best == NULL || rng == NULL ||
        (w = mlp_ws_alloc(mp, batch, n_train)) == NULL) {
        oom(d, err);
        goto done;
    }
    mp->activation = strcmp(mlq_hyper_str(m->hyper, "activation"), "tanh") == 0 ? MLP_TANH : MLP_RELU;
    mp->bits = (unsigned)atoi(mlq_hyper_str(m->hyper, "bits"));
    gsl_rng_set(rng, m->seed);
    mlp_init(w, rng);
    /* The loss before training, in the units of the epoch losses (the L2
     * term counts once per minibatch). */
    loss0 = evaluate(w, z, d->y, train, n_train, NULL) +
            0.5 * o.l2 * weight_norm2(mp) * (double)((n_train + batch - 1) / batch) / (double)n_train;
    copy_params(best, mp);
    for (epoch = 1; epoch <= epochs; epoch++) {
        if (mlp_iterate(w, z, d->y, train, &o, rng) != 0) {
            mlq_err_set(err, d->path, 0, "GSL BLAS failed: %s", gsl_strerror(w->status));
            goto done;
        }
        if (!isfinite(w->loss) || w->loss > MLP_DIVERGED * loss0 || !params_finite(mp)) {
            mlq_err_set(err, d->path, 0,
                        "training diverged at epoch %zu: loss %g (%g before training); no model "
                        "written: lower --lr (now %g)",
                        epoch, w->loss, loss0, o.lr);
            goto done;
        }
        if (n_val > 0) {
            double vl = evaluate(w, z, d->y, val, n_val, &val_acc);

            if (vl < best_val) {
                best_val = vl;
                best_val_acc = val_acc;
                best_epoch = epoch;
                since_best = 0;
                copy_params(best, mp);
            } else {
                since_best++;
            }
            if (progress)
                fprintf(stderr, "mlp: epoch %zu/%zu: loss %.6f, validation loss %.6f, accuracy %.2f%%\n",
                        epoch, epochs, w->loss, vl, 100.0 * val_acc);
            if (mlp_converged(since_best, patience))
                break;
        } else {
            best_epoch = epoch;
            if (progress)
                fprintf(stderr, "mlp: epoch %zu/%zu: loss %.6f\n", epoch, epochs, w->loss);
        }
    }
    if (n_val > 0)
        copy_params(mp, best);
    calibrate(mp, z, n);
    m->params = mp;
    if (cJSON_AddNumberToObject(m->training, "epochs", (double)(epoch > epochs ? epochs : epoch)) == NULL ||
        cJSON_AddNumberToObject(m->training, "best_epoch", (double)best_epoch) == NULL ||
        cJSON_AddNumberToObject(m->training, "loss", w->loss) == NULL ||
        (n_val > 0 && (cJSON_AddNumberToObject(m->training, "validation_rows", (double)n_val) == NULL ||
                       cJSON_AddNumberToObject(m->training, "validation_loss", best_val) == NULL ||
                       cJSON_AddNumberToObject(m->training, "validation_accuracy", best_val_acc) == NULL))) {
        m->params = NULL;
        oom(d, err);
        goto done;
    }
    mp = NULL; /* owned by m */
    rc = 0;
done:
    mlp_ws_free(w);
    mlp_params_free(mp);
    mlp_params_free(best);
    if (rng != NULL)
        gsl_rng_free(rng);
    free(size);
    free(train);
    free(val);
    return rc;
}
