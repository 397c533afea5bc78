/* SPDX-License-Identifier: MIT */
/*
 * The multilayer perceptron trainer (the model is mlp_model.c): fully
 * connected layers (--hidden 32[,16...]), ReLU or tanh hidden units, on
 * standardized rows. A classifier has a softmax output trained on the mean
 * cross-entropy; a regression (--task regress) one linear output unit
 * trained on the mean of 0.5 x the squared error against the standardized
 * target (mlq_target_z). Either adds 0.5 x --l2 x the sum of squared
 * weights (not biases) per row of a minibatch (the convention of the
 * common reference implementation). The loss, its gradient and the
 * optimizer steps are mlp_backprop.c.
 *
 * Training (GSL workspace idiom: mlp_ws_alloc / mlp_init / mlp_iterate /
 * mlp_converged / mlp_ws_free, no callbacks): weights and biases start
 * uniform in +-sqrt(6 / (fan_in + fan_out)); each epoch shuffles the
 * training rows (gsl_rng mt19937 seeded with --seed, so training is
 * deterministic) and takes one step per minibatch of --batch rows, with
 * Adam (beta1 0.9, beta2 0.999, epsilon 1e-8) or SGD with momentum
 * (--momentum).
 *
 * Early stopping: with --validation F a share F of the rows (stratified by
 * class for a classifier) is held out; after each epoch its loss is
 * measured, the parameters of the best epoch are kept, and training stops
 * after --patience epochs without improvement. Without it, training runs
 * --epochs epochs.
 *
 * Divergence: an epoch whose training loss is not finite, or above
 * MLP_DIVERGED x the loss of the untrained network, stops training with an
 * error and no model is written.
 *
 * Calibration: after training, the largest activation of each hidden
 * unit over the training rows is stored with the model; the exporter
 * derives the device's activation scales from it (and, after training,
 * adds the device's accuracy, or R^2, on the training rows to the report).
 */
#include <cjson/cJSON.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "algo.h"
#include "metrics.h"
#include "mlp_backprop.h"
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

/* What one training run works on: the rows it trains on and holds out,
 * their targets, and for a regression the held-out targets' variance. */
typedef struct run {
    mlp_targets tg;
    double *t;               /* regression: the standardized targets (owned), else NULL */
    size_t *train, n_train;  /* rows trained on */
    size_t *val, n_val;      /* rows held out for early stopping (n_val 0: none) */
    double val_var;          /* regression: variance of the held-out targets */
} run;

static void run_free(run *r)
{
    free(r->t);
    free(r->train);
    free(r->val);
}

/* The targets and the split of d into training and held-out rows (a share
 * vfrac, stratified by class for a classifier). 0, or -1 with err. */
static int run_init(run *r, const mlq_model *m, const mlq_dataset *d, double vfrac, mlq_err *err)
{
    size_t n = d->n_rows, i;
    int regress = mlq_hyper_regress(m->hyper);

    r->train = mlq_calloc(n, sizeof *r->train);
    r->val = mlq_calloc(n, sizeof *r->val);
    r->t = regress ? mlq_target_z(m, d) : NULL;
    r->tg.y = regress ? NULL : d->y;
    r->tg.t = r->t;
    if (r->train == NULL || r->val == NULL || (regress && r->t == NULL))
        return oom(d, err);
    if (!(vfrac > 0)) {
        for (i = 0; i < n; i++)
            r->train[i] = i;
        r->n_train = n;
        return 0;
    }
    if (mlq_split_stratified(r->tg.y, n, regress ? 0 : d->n_classes, vfrac, m->seed, r->train,
                             &r->n_train, r->val, &r->n_val) != 0)
        return oom(d, err);
    if (r->n_val == 0 || r->n_train == 0)
        return mlq_err_set(err, d->path, 0,
                           "--validation %g of %zu rows leaves %s: change --validation (or 0 for none)",
                           vfrac, n, r->n_val == 0 ? "no validation row" : "no training row");
    if (regress) {
        double mean = 0.0, ss = 0.0;

        for (i = 0; i < r->n_val; i++)
            mean += r->t[r->val[i]];
        mean /= (double)r->n_val;
        for (i = 0; i < r->n_val; i++)
            ss += (r->t[r->val[i]] - mean) * (r->t[r->val[i]] - mean);
        r->val_var = ss / (double)r->n_val;
    }
    return 0;
}

/* The held-out rows' score of a validation loss vl: the accuracy (hits of
 * n_val) of a classifier, R^2 = 1 - 2 vl / variance of a regression (0 for
 * held-out targets that are all one value: R^2 is then undefined). */
static double val_score(const run *r, double vl, size_t hits)
{
    if (r->tg.t == NULL)
        return (double)hits / (double)r->n_val;
    return r->val_var > 0 ? 1.0 - 2.0 * vl / r->val_var : 0.0;
}

/* The layer widths: features, --hidden, then one unit per class (or one
 * linear output for a regression) into *size (allocated); *n_layers weight
 * layers. 0, or -1 with err. */
static int layer_sizes(const mlq_model *m, const mlq_dataset *d, size_t **size, size_t *n_layers,
                       mlq_err *err)
{
    size_t n_hidden;

    hidden_parse(mlq_hyper_str(m->hyper, "hidden"), NULL, &n_hidden);
    if (n_hidden > MLP_MAX_HIDDEN)
        return mlq_err_set(err, d->path, 0, "--hidden lists %zu layers: the device format holds at most %d",
                           n_hidden, MLP_MAX_HIDDEN);
    if ((*size = mlq_calloc(n_hidden + 2, sizeof **size)) == NULL)
        return oom(d, err);
    (*size)[0] = d->n_features;
    hidden_parse(mlq_hyper_str(m->hyper, "hidden"), *size + 1, &n_hidden);
    (*size)[n_hidden + 1] = mlq_hyper_regress(m->hyper) ? 1 : d->n_classes;
    *n_layers = n_hidden + 1;
    return 0;
}

int mlp_train(mlq_model *m, const mlq_dataset *d, const double *z, bool progress, mlq_err *err)
{
    size_t n = d->n_rows, i, epochs = (size_t)mlq_hyper_num(m->hyper, "epochs");
    size_t batch = (size_t)mlq_hyper_num(m->hyper, "batch");
    size_t patience = (size_t)mlq_hyper_num(m->hyper, "patience");
    size_t *size = NULL, n_layers = 0, epoch, best_epoch = 0, since_best = 0;
    double vfrac = mlq_hyper_num(m->hyper, "validation"), loss0, best_val = HUGE_VAL;
    double best_val_score = 0.0;
    int regress = mlq_hyper_regress(m->hyper);
    mlp_train_opts o;
    mlp_params *mp = NULL, *best = NULL;
    mlp_workspace *w = NULL;
    gsl_rng *rng = NULL;
    run r = {{NULL, NULL}, NULL, NULL, 0, NULL, 0, 0.0};
    int rc = -1;

    o.lr = mlq_hyper_num(m->hyper, "lr");
    o.l2 = mlq_hyper_num(m->hyper, "l2");
    o.momentum = mlq_hyper_num(m->hyper, "momentum");
    o.adam = strcmp(mlq_hyper_str(m->hyper, "optimizer"), "adam") == 0;
    if (layer_sizes(m, d, &size, &n_layers, err) != 0)
        goto done;
    for (i = 1; !regress && i < n && d->y[i] == d->y[0]; i++)
        ;
    if (!regress && i == n) {
        mlq_err_set(err, d->path, 0, "every row has the same class ('%s'): a classifier needs at least two",
                    d->class_names[d->y[0]]);
        goto done;
    }
    if (run_init(&r, m, d, vfrac, err) != 0)
        goto done;
    if (batch > r.n_train)
        batch = r.n_train;
    mp = mlp_params_alloc(size, n_layers);
    best = mlp_params_alloc(size, n_layers);
    rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (mp == NULL || best == NULL || rng == NULL ||
        (w = mlp_ws_alloc(mp, batch, r.n_train)) == NULL) {
        oom(d, err);
        goto done;
    }
    mp->activation = strcmp(mlq_hyper_str(m->hyper, "activation"), "tanh") == 0 ? MLP_TANH : MLP_RELU;
    mp->bits = (unsigned)atoi(mlq_hyper_str(m->hyper, "bits"));
    gsl_rng_set(rng, m->seed);
    mlp_init(w, rng);
    /* The loss before training, in the units of the epoch losses (the L2
     * term counts once per minibatch). */
    loss0 = mlp_evaluate(w, z, &r.tg, r.train, r.n_train, NULL) +
            0.5 * o.l2 * mlp_weight_norm2(mp) * (double)((r.n_train + batch - 1) / batch) /
                (double)r.n_train;
    copy_params(best, mp);
    for (epoch = 1; epoch <= epochs; epoch++) {
        if (mlp_iterate(w, z, &r.tg, r.train, &o, rng) != 0) {
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
        if (r.n_val > 0) {
            size_t hits = 0;
            double vl = mlp_evaluate(w, z, &r.tg, r.val, r.n_val, &hits), vs = val_score(&r, vl, hits);

            if (vl < best_val) {
                best_val = vl;
                best_val_score = vs;
                best_epoch = epoch;
                since_best = 0;
                copy_params(best, mp);
            } else {
                since_best++;
            }
            if (progress && regress)
                fprintf(stderr, "mlp: epoch %zu/%zu: loss %.6f, validation loss %.6f, R^2 %.4f\n",
                        epoch, epochs, w->loss, vl, vs);
            else if (progress)
                fprintf(stderr, "mlp: epoch %zu/%zu: loss %.6f, validation loss %.6f, accuracy %.2f%%\n",
                        epoch, epochs, w->loss, vl, 100.0 * vs);
            if (mlp_converged(since_best, patience))
                break;
        } else {
            best_epoch = epoch;
            if (progress)
                fprintf(stderr, "mlp: epoch %zu/%zu: loss %.6f\n", epoch, epochs, w->loss);
        }
    }
    if (r.n_val > 0)
        copy_params(mp, best);
    calibrate(mp, z, n);
    m->params = mp;
    if (cJSON_AddNumberToObject(m->training, "epochs", (double)(epoch > epochs ? epochs : epoch)) == NULL ||
        cJSON_AddNumberToObject(m->training, "best_epoch", (double)best_epoch) == NULL ||
        cJSON_AddNumberToObject(m->training, "loss", w->loss) == NULL ||
        (r.n_val > 0 &&
         (cJSON_AddNumberToObject(m->training, "validation_rows", (double)r.n_val) == NULL ||
          cJSON_AddNumberToObject(m->training, "validation_loss", best_val) == NULL ||
          cJSON_AddNumberToObject(m->training, regress ? "validation_r2" : "validation_accuracy",
                                  best_val_score) == NULL))) {
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
    run_free(&r);
    return rc;
}
