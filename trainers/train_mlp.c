/* SPDX-License-Identifier: MIT */
/*
 * Multilayer perceptrons on the host: fully connected layers (--hidden
 * 32[,16...]), ReLU or tanh hidden units, a softmax output trained on the
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
 * derives the device's activation scales from it. The training report
 * holds the float accuracy and the device accuracy on the training rows at
 * 8- and 16-bit activations (the exporter prints them).
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "algo.h"
#include "export.h"
#include "export_mlp.h"
#include "metrics.h"
#include "mlp_params.h"

/* An epoch loss above this multiple of the untrained network's loss is
 * divergence (the loss of a network that learns stays near or below it). */
#define MLP_DIVERGED 100.0

/* Most hidden layers (the device format holds 254 plus the output layer). */
#define MLP_MAX_HIDDEN 254

static const char *const act_names[] = {"relu", "tanh"};

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

/* ---- parameters ---------------------------------------------------------- */

static void mlp_params_free(void *params)
{
    mlp_params *mp = params;
    size_t l;

    if (mp == NULL)
        return;
    for (l = 0; l < mp->n_layers; l++) {
        if (mp->w != NULL)
            free(mp->w[l]);
        if (mp->b != NULL)
            free(mp->b[l]);
    }
    free(mp->w);
    free(mp->b);
    free(mp->size);
    free(mp->act_max);
    free(mp);
}

/* A params struct with the given widths and zeroed weights, or NULL. */
static mlp_params *params_alloc(const size_t *size, size_t n_layers)
{
    mlp_params *mp = mlq_calloc(1, sizeof *mp);
    size_t l;

    if (mp == NULL)
        return NULL;
    mp->n_layers = n_layers;
    mp->size = mlq_calloc(n_layers + 1, sizeof *mp->size);
    mp->w = mlq_calloc(n_layers, sizeof *mp->w);
    mp->b = mlq_calloc(n_layers, sizeof *mp->b);
    if (mp->size == NULL || mp->w == NULL || mp->b == NULL) {
        mlp_params_free(mp);
        return NULL;
    }
    memcpy(mp->size, size, (n_layers + 1) * sizeof *size);
    mp->act_max = mlq_calloc(mlp_n_hidden_units(mp), sizeof *mp->act_max);
    if (mp->act_max == NULL) {
        mlp_params_free(mp);
        return NULL;
    }
    for (l = 0; l < n_layers; l++) {
        mp->w[l] = mlq_calloc(size[l + 1] * size[l], sizeof **mp->w);
        mp->b[l] = mlq_calloc(size[l + 1], sizeof **mp->b);
        if (mp->w[l] == NULL || mp->b[l] == NULL) {
            mlp_params_free(mp);
            return NULL;
        }
    }
    return mp;
}

size_t mlp_n_hidden_units(const mlp_params *mp)
{
    size_t l, n = 0;

    for (l = 1; l < mp->n_layers; l++)
        n += mp->size[l];
    return n;
}

size_t mlp_max_width(const mlp_params *mp)
{
    size_t l, wmax = 0;

    for (l = 0; l <= mp->n_layers; l++)
        if (mp->size[l] > wmax)
            wmax = mp->size[l];
    return wmax;
}

static double activate(mlp_activation a, double v)
{
    return a == MLP_RELU ? (v > 0 ? v : 0.0) : tanh(v);
}

size_t mlp_forward_row(const mlp_params *mp, const double *z, double *logits, double *scratch)
{
    size_t wmax = mlp_max_width(mp), l, o, j, best = 0;
    const double *in = z;
    double *bufs[2] = {scratch, scratch + wmax};

    for (l = 0; l < mp->n_layers; l++) {
        size_t n_in = mp->size[l], n_out = mp->size[l + 1];
        int last = l + 1 == mp->n_layers;
        double *out = last ? logits : bufs[l & 1];

        for (o = 0; o < n_out; o++) {
            const double *w = mp->w[l] + o * n_in;
            double s = mp->b[l][o];

            for (j = 0; j < n_in; j++)
                s += w[j] * in[j];
            out[o] = last ? s : activate(mp->activation, s);
        }
        in = out;
    }
    for (o = 1; o < mp->size[mp->n_layers]; o++)
        if (logits[o] > logits[best]) /* strict: ties keep the lower class, as the device */
            best = o;
    return best;
}

static int mlp_predict(const mlq_model *m, const double *z)
{
    const mlp_params *mp = m->params;
    size_t w = mlp_max_width(mp);
    double *buf = malloc((3 * w) * sizeof *buf);
    int cls = -1;

    if (buf != NULL)
        cls = (int)mlp_forward_row(mp, z, buf + 2 * w, buf);
    free(buf);
    return cls;
}

static size_t mlp_n_outputs(const mlq_model *m)
{
    const mlp_params *mp = m->params;

    return mp->size[mp->n_layers];
}

/* The float network's logits: the quantity whose Q15.16 the device's scores are. */
static void mlp_host_scores(const mlq_model *m, const double *z, double *scores)
{
    const mlp_params *mp = m->params;
    size_t w = mlp_max_width(mp), k;
    double *buf = malloc(2 * w * sizeof *buf);

    if (buf == NULL) { /* the caller has no error path here: NaN shows in compare */
        for (k = 0; k < mp->size[mp->n_layers]; k++)
            scores[k] = (double)NAN;
        return;
    }
    mlp_forward_row(mp, z, scores, buf);
    free(buf);
}

/* The softmax of the logits, the probabilities the network was trained for. */
static int mlp_host_proba(const mlq_model *m, const double *z, double *proba)
{
    const mlp_params *mp = m->params;
    size_t k, n = mp->size[mp->n_layers];
    double top, sum = 0.0;

    mlp_host_scores(m, z, proba);
    top = proba[0];
    for (k = 1; k < n; k++)
        top = fmax(top, proba[k]);
    for (k = 0; k < n; k++) {
        proba[k] = exp(proba[k] - top);
        sum += proba[k];
    }
    for (k = 0; k < n; k++)
        proba[k] /= sum;
    return 0;
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
                    r[o] = activate(mp->activation, r[o]);
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

static const cJSON *hyper_item(const mlq_model *m, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(m->hyper, key);
}

static double hyper_num(const mlq_model *m, const char *key)
{
    return hyper_item(m, key)->valuedouble;
}

static const char *hyper_str(const mlq_model *m, const char *key)
{
    return hyper_item(m, key)->valuestring;
}

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
                out[o] = activate(mp->activation, s);
                if (fabs(out[o]) > amax[o])
                    amax[o] = fabs(out[o]);
            }
            in = out;
        }
    }
    free(buf);
}

/* Accuracy of the device model at `bits` on the training rows (raw features); -1 when it cannot be built. */
static double device_accuracy(const mlq_model *m, const mlq_dataset *d, unsigned bits)
{
    mlq_device dev;
    mlq_err err = {{0}};
    size_t i, hits = 0;

    if (mlq_device_build(m, bits, &dev, &err) != 0)
        return -1.0;
    for (i = 0; i < d->n_rows; i++) {
        int c;

        if (mlq_device_predict(&dev, d->x + i * d->n_features, &c) == MLQ_OK && c == d->y[i])
            hits++;
    }
    mlq_device_free(&dev);
    return (double)hits / (double)d->n_rows;
}

static int oom(const mlq_dataset *d, mlq_err *err)
{
    return mlq_err_set(err, d->path, 0, "out of memory for the MLP (%zu rows x %zu features)",
                       d->n_rows, d->n_features);
}

static int mlp_train(mlq_model *m, const mlq_dataset *d, const double *z, bool progress,
                     mlq_err *err)
{
    size_t n = d->n_rows, n_hidden, i, epochs = (size_t)hyper_num(m, "epochs");
    size_t batch = (size_t)hyper_num(m, "batch"), patience = (size_t)hyper_num(m, "patience");
    size_t *size = NULL, *train = NULL, *val = NULL, n_train = 0, n_val = 0, epoch, best_epoch = 0;
    size_t since_best = 0;
    double vfrac = hyper_num(m, "validation"), loss0, best_val = HUGE_VAL, val_acc = 0.0;
    double best_val_acc = 0.0, acc8, acc16;
    train_opts o;
    mlp_params *mp = NULL, *best = NULL;
    mlp_workspace *w = NULL;
    gsl_rng *rng = NULL;
    int rc = -1;

    o.lr = hyper_num(m, "lr");
    o.l2 = hyper_num(m, "l2");
    o.momentum = hyper_num(m, "momentum");
    o.adam = strcmp(hyper_str(m, "optimizer"), "adam") == 0;
    hidden_parse(hyper_str(m, "hidden"), NULL, &n_hidden);
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
    hidden_parse(hyper_str(m, "hidden"), size + 1, &n_hidden);
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
    mp = params_alloc(size, n_hidden + 1);
    best = params_alloc(size, n_hidden + 1);
    rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (mp == NULL || best == NULL || rng == NULL ||
        (w = mlp_ws_alloc(mp, batch, n_train)) == NULL) {
        oom(d, err);
        goto done;
    }
    mp->activation = strcmp(hyper_str(m, "activation"), "tanh") == 0 ? MLP_TANH : MLP_RELU;
    mp->bits = (unsigned)atoi(hyper_str(m, "bits"));
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
    /* The quantized models' accuracy on the same rows, for the exporter's report. */
    acc8 = device_accuracy(m, d, 8);
    acc16 = device_accuracy(m, d, 16);
    if ((acc8 >= 0 && cJSON_AddNumberToObject(m->training, "device_accuracy_8", acc8) == NULL) ||
        (acc16 >= 0 && cJSON_AddNumberToObject(m->training, "device_accuracy_16", acc16) == NULL)) {
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

/* ---- the model file ----------------------------------------------------- */

static int mlp_params_save(const mlq_model *m, cJSON *obj)
{
    const mlp_params *mp = m->params;
    cJSON *layers = cJSON_CreateArray();
    double *sizes = mlq_calloc(mp->n_layers + 1, sizeof *sizes);
    size_t l;
    int rc = -1;

    /* obj owns layers from here on (or mlq_json_add deleted it). */
    if (mlq_json_add(obj, "layers", layers) != 0 || sizes == NULL) {
        free(sizes);
        return -1;
    }
    for (l = 0; l <= mp->n_layers; l++)
        sizes[l] = (double)mp->size[l];
    for (l = 0; l < mp->n_layers; l++) {
        cJSON *layer = cJSON_CreateObject();

        if (mlq_json_add(layers, NULL, layer) != 0 ||
            mlq_json_add(layer, "weights", mlq_json_matrix(mp->w[l], mp->size[l + 1], mp->size[l])) != 0 ||
            mlq_json_add(layer, "bias", mlq_json_array(mp->b[l], mp->size[l + 1])) != 0) {
            free(sizes);
            return -1;
        }
    }
    if (mlq_json_add(obj, "activation", cJSON_CreateString(act_names[mp->activation])) == 0 &&
        cJSON_AddNumberToObject(obj, "bits", mp->bits) != NULL &&
        mlq_json_add(obj, "sizes", mlq_json_array(sizes, mp->n_layers + 1)) == 0 &&
        mlq_json_add(obj, "act_max", mlq_json_array(mp->act_max, mlp_n_hidden_units(mp))) == 0)
        rc = 0;
    free(sizes);
    return rc;
}

static int mlp_params_load(mlq_model *m, const cJSON *obj, const char *path, mlq_err *err)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, "activation"), *layers, *layer;
    size_t bits, n_sizes, l, *size;
    double *tmp;
    mlp_params *mp;
    int act;

    if (it == NULL)
        return mlq_err_set(err, path, 0, "missing field 'mlp.activation'");
    if (!cJSON_IsString(it) || (strcmp(it->valuestring, "relu") != 0 && strcmp(it->valuestring, "tanh") != 0))
        return mlq_err_set(err, path, 0, "field 'mlp.activation' must be \"relu\" or \"tanh\"");
    act = strcmp(it->valuestring, "tanh") == 0 ? MLP_TANH : MLP_RELU;
    if (mlq_json_get_size(obj, "bits", "mlp", 8, 16, &bits, path, err) != 0)
        return -1;
    if (bits != 8 && bits != 16)
        return mlq_err_set(err, path, 0, "field 'mlp.bits' must be 8 or 16");
    it = cJSON_GetObjectItemCaseSensitive(obj, "sizes");
    if (it == NULL)
        return mlq_err_set(err, path, 0, "missing field 'mlp.sizes'");
    if (!cJSON_IsArray(it) || cJSON_GetArraySize(it) < 2 || cJSON_GetArraySize(it) > MLP_MAX_HIDDEN + 2)
        return mlq_err_set(err, path, 0, "field 'mlp.sizes' must be an array of 2..%d layer widths",
                           MLP_MAX_HIDDEN + 2);
    n_sizes = (size_t)cJSON_GetArraySize(it);
    tmp = mlq_calloc(n_sizes, sizeof *tmp);
    size = mlq_calloc(n_sizes, sizeof *size);
    if (tmp == NULL || size == NULL) {
        free(tmp);
        free(size);
        return mlq_err_set(err, path, 0, "out of memory");
    }
    if (mlq_json_get_array(obj, "sizes", "mlp", n_sizes, tmp, path, err) != 0) {
        free(tmp);
        free(size);
        return -1;
    }
    for (l = 0; l < n_sizes; l++) {
        if (tmp[l] != floor(tmp[l]) || tmp[l] < 1 || tmp[l] > 65535) {
            free(tmp);
            free(size);
            return mlq_err_set(err, path, 0, "field 'mlp.sizes' entry %zu must be an integer in [1, 65535]", l);
        }
        size[l] = (size_t)tmp[l];
    }
    free(tmp);
    if (size[0] != m->n_features || size[n_sizes - 1] != m->n_classes) {
        mlq_err_set(err, path, 0,
                    "field 'mlp.sizes' must start with the %zu features and end with the %zu classes",
                    m->n_features, m->n_classes);
        free(size);
        return -1;
    }
    mp = params_alloc(size, n_sizes - 1);
    free(size);
    if (mp == NULL)
        return mlq_err_set(err, path, 0, "out of memory");
    m->params = mp;
    mp->activation = (mlp_activation)act;
    mp->bits = (unsigned)bits;
    layers = cJSON_GetObjectItemCaseSensitive(obj, "layers");
    if (layers == NULL)
        return mlq_err_set(err, path, 0, "missing field 'mlp.layers'");
    if (!cJSON_IsArray(layers) || (size_t)cJSON_GetArraySize(layers) != mp->n_layers)
        return mlq_err_set(err, path, 0, "field 'mlp.layers' must be an array of %zu layers",
                           mp->n_layers);
    l = 0;
    cJSON_ArrayForEach(layer, layers)
    {
        char ctx[32];

        snprintf(ctx, sizeof ctx, "mlp.layers[%zu]", l);
        if (!cJSON_IsObject(layer))
            return mlq_err_set(err, path, 0, "field '%s' must be an object", ctx);
        if (mlq_json_get_matrix(layer, "weights", ctx, mp->size[l + 1], mp->size[l], mp->w[l], path,
                                err) != 0 ||
            mlq_json_get_array(layer, "bias", ctx, mp->size[l + 1], mp->b[l], path, err) != 0)
            return -1;
        l++;
    }
    if (mlq_json_get_array(obj, "act_max", "mlp", mlp_n_hidden_units(mp), mp->act_max, path, err) != 0)
        return -1;
    for (l = 0; l < mlp_n_hidden_units(mp); l++)
        if (!(mp->act_max[l] >= 0))
            return mlq_err_set(err, path, 0, "field 'mlp.act_max' entry %zu must be >= 0", l);
    return 0;
}

static const mlq_opt mlp_opts[] = {
    {"hidden", MLQ_OPT_INT_LIST, "32", 1, 65535, false, NULL,
     "hidden layer widths, e.g. 32 or 32,16"},
    {"activation", MLQ_OPT_CHOICE, "relu", 0, 0, false, "relu|tanh", "hidden-layer activation"},
    {"optimizer", MLQ_OPT_CHOICE, "adam", 0, 0, false, "adam|sgd",
     "Adam, or SGD with momentum (--momentum)"},
    {"lr", MLQ_OPT_NUM, "0.001", 0, 10, true, NULL, "learning rate (> 0)"},
    {"momentum", MLQ_OPT_NUM, "0.9", 0, 1, false, NULL, "momentum of SGD (< 1)"},
    {"batch", MLQ_OPT_INT, "32", 1, 1e9, false, NULL, "rows per minibatch"},
    {"epochs", MLQ_OPT_INT, "200", 1, 1e7, false, NULL, "passes over the training rows at most"},
    {"l2", MLQ_OPT_NUM, "1e-4", 0, 1e6, false, NULL,
     "L2 penalty on the weights (0.5 x l2 x sum of squares per row)"},
    {"validation", MLQ_OPT_NUM, "0", 0, 0.9, false, NULL,
     "share of rows held out for early stopping (0: none)"},
    {"patience", MLQ_OPT_INT, "10", 1, 1e7, false, NULL,
     "early stopping: epochs without a better validation loss"},
    {"bits", MLQ_OPT_CHOICE, "16", 0, 0, false, "8|16",
     "activation width of the device model (export --bits overrides it)"},
};

static mlq_task mlp_task(const cJSON *hyper)
{
    (void)hyper;
    return MLQ_TASK_CLASSIFY;
}

const mlq_algo mlq_algo_mlp = {
    .name = "mlp",
    .summary = "multilayer perceptron (ReLU or tanh, softmax; Adam or SGD); int8 weights on the device",
    .task = mlp_task,
    .bits = "8|16",
    .opts = mlp_opts,
    .n_opts = sizeof mlp_opts / sizeof mlp_opts[0],
    .train = mlp_train,
    .params_save = mlp_params_save,
    .params_load = mlp_params_load,
    .params_free = mlp_params_free,
    .predict = mlp_predict,
    .n_outputs = mlp_n_outputs,
    .host_scores = mlp_host_scores,
    .host_proba = mlp_host_proba,
    .device_build = mlq_mlp_device_build,
    .device_predict = mlq_mlp_device_predict,
    .device_scores = mlq_mlp_device_scores,
    .device_proba = mlq_mlp_device_proba,
    .device_free = mlq_mlp_device_free,
    .export_body = mlq_mlp_export_body,
    .info = mlq_mlp_info,
};
