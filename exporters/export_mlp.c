/* SPDX-License-Identifier: MIT */
/*
 * MLP device side: the float network (on standardized inputs) becomes an
 * mlq_mlp_q15 (see mlq/mlp.h for the integer arithmetic these numbers feed).
 *
 *  - Inputs of layer 0 are the Q1.15 input domain: one step is R / 32768
 *    standardized units.
 *  - Weights: int8 in [-127, 127], symmetric, one step per output channel
 *    in hidden layers (max |w| of the row / 127, w taken on the integer
 *    inputs, see below) and one for the whole output layer, so that its
 *    accumulators compare directly in the argmax and become the logits
 *    through one multiplier. (A step per class was measured: over 10
 *    trainings it brings the 10-class digits logits closer on average,
 *    but not their 99th-percentile probability error below 0.01, moves
 *    the pipeline's seed-1 models by chance both ways, and would cost a
 *    64-bit product per class in predict.)
 *  - Biases: int32 in accumulator units (input step x weight step). A
 *    unit's step is widened beyond max |w| / 127 where its bias needs it to
 *    stay within the bound that keeps every accumulator exact (mlq/mlp.h):
 *    such a bias outweighs every input the unit can see, so its weights
 *    lose nothing that matters.
 *  - Activations (calibration): every ReLU unit has its own step, the
 *    largest activation of that unit on the training rows (recorded by the
 *    trainer) times a headroom, over 32767 (16 bits) or 255 (8 bits: the
 *    activations are unsigned, so a ReLU unit has every code of its byte);
 *    larger values saturate. The headroom leaves room for rows beyond the
 *    training range: x 2 at 16 bits (one bit of fifteen), x 1.5 at 8 bits
 *    (170 codes up to the training maximum; on the test parts of the
 *    bundled datasets, 10 trainings each, the test maximum of a unit
 *    exceeds 1.5 x its training maximum for 0 to 2.3% of the units of
 *    iris, wine and breast_cancer, against 3.1 to 5.5% at x 1.25; on
 *    digits, whose test rows light pixels that no training row does, for
 *    30% and 38%, which no affordable headroom changes). A unit never
 *    active on the training rows takes the layer's largest range. A tanh
 *    layer's pre-activation is requantized to Q3.12 and its output is
 *    Q1.15 (16 bits) or Q1.7 plus 128 (8 bits: the next layer's biases
 *    take -128 x the sum of their row's integer weights, exactly).
 *  - Per-unit steps cost nothing on the device: the next layer's weights
 *    are quantized on its integer inputs, w[o][j] x step of input j, so the
 *    step of each input is folded into the weights before their own
 *    (per-row) step is chosen.
 *  - Requantization: each hidden unit's factor (accumulator step / output
 *    step) becomes an int32 multiplier and one shift per layer, the largest
 *    shift (<= 62) that keeps every multiplier below 2^31. A ReLU unit's
 *    factor stays below 0.24 (its output step is coarsened if need be), so
 *    that ReLU shifts are 33..62, the 32-bit path of the ReLU loops.
 *  - Scores: the logit value of one output accumulator unit x 2^16 becomes
 *    score_mul / 2^score_shift the same way.
 *  - Regression (one linear output, the prediction in standardized target
 *    units; export_regress.c turns it into the target): the same, but for
 *    the last hidden layer of a ReLU network, whose units' output steps are
 *    set so that the output layer's weights are exactly whole int8 steps
 *    (exact_output_weights). A regression sums its 32 or so products into
 *    one number, where rounded weights add up: on the diabetes bench split
 *    (10-32-1, 16-bit activations, seeds 0..9) the 99th percentile of
 *    |host - device| falls from 0.26..0.67% of the training range to
 *    0.20..0.30%; what remains is layer 0's rounding. At 8 bits the
 *    activations' rounding takes over, and a unit that saturates moves the
 *    prediction itself (a classifier's argmax shrugs it off): the 8-bit
 *    headroom of a regression is x 1.75 (146 codes up to the training
 *    maximum), which keeps the 99th percentile at 0.32..0.49% and the
 *    largest error at 0.61% on those seeds, where x 1.5 gives 0.29..0.45%
 *    but one test row off by 5.6% through a saturated unit (and x 2,
 *    0.33..0.56%). Classifiers keep the nearest steps and x 1.5 (their
 *    headers do not change).
 * Every quantization goes through mlq_quantize, so saturation is counted
 * and reported by export, compare and info. A model the device cannot
 * represent (a product of weights and steps beyond a double, a tanh
 * requantization factor of 2^30 or more, an output step above 32768
 * logits, a layer too wide) is refused with the model-file field to blame.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "device_algo.h"
#include "export_mlp.h"
#include "mlp_params.h"
#include "mlq/mlp.h"

/* The model-file field a refusal blames: layer `layer`'s weights or biases. */
typedef struct blame {
    size_t layer;
    int bias;
} blame;

/* The float steps of one layer while it is quantized (widths <= wmax). */
typedef struct steps {
    double *in;      /* [wmax] value of one step of each input */
    double *out;     /* [wmax] value of one step of each output (hidden layers) */
    double *acc;     /* [wmax] value of one accumulator unit of each output */
    double *wf;      /* [wmax * wmax] weights on the integer inputs, w x input step */
    blame *in_from;  /* [wmax] who made an input's step coarse (layer == SIZE_MAX: nobody) */
    blame *out_from; /* [wmax] the same for the outputs */
    blame *acc_from; /* [wmax] what sets each accumulator step */
} steps;

static void device_free(mlq_mlp_dev *md)
{
    size_t l;

    if (md == NULL)
        return;
    for (l = 0; l < md->n_layers; l++) {
        if (md->w != NULL)
            free(md->w[l]);
        if (md->bias != NULL)
            free(md->bias[l]);
        if (md->mul != NULL)
            free(md->mul[l]);
    }
    free(md->w);
    free(md->bias);
    free(md->mul);
    free(md->layers);
    free(md);
}

static void mlp_device_free(mlq_device *dev)
{
    device_free(dev->impl);
    dev->impl = NULL;
}

static void steps_free(steps *s)
{
    free(s->in);
    free(s->out);
    free(s->acc);
    free(s->wf);
    free(s->in_from);
    free(s->out_from);
    free(s->acc_from);
}

/* Position of weight j in a row of n entries: groups of four of a layer
 * with 16-bit inputs are stored j, j+2, j+1, j+3 (mlq/mlp.h). */
static size_t weight_pos(size_t j, size_t n, int in16)
{
    static const size_t perm[4] = {0, 2, 1, 3};

    if (!in16 || j >= (n & ~(size_t)3))
        return j;
    return (j & ~(size_t)3) + perm[j & 3];
}

/* Largest shift in [lo, 62] with round(mmax * 2^shift) < 2^31 (62 when mmax
 * is 0); lo when even that does not fit (the caller refuses). */
static int shift_for(double mmax, int lo)
{
    int s;

    for (s = 62; s > lo; s--)
        if (floor(ldexp(mmax, s) + 0.5) <= 2147483647.0)
            break;
    return s;
}

/* Refuse for a problem (what) found in layer l that `b` names the cause
 * of, saying so when the cause is in an earlier layer. */
static int refuse_at(const mlq_device *dev, mlq_err *err, blame b, size_t l, const char *what)
{
    char field[48];

    snprintf(field, sizeof field, "mlp.layers[%zu].%s", b.layer, b.bias ? "bias" : "weights");
    if (b.layer == l)
        return mlq_device_refuse(dev, err, field, "%s", what);
    return mlq_device_refuse(dev, err, field, "%s (layer %zu's input steps are that coarse because of "
                             "these %s)", what, l, b.bias ? "biases" : "weights");
}

/*
 * The accumulator step of each output o of layer l (s->acc, with what sets
 * it in s->acc_from) and its weights on the integer inputs (s->wf): the
 * larger of max |w x input step| / 127 and |bias| / blim. 0, or -1 with err
 * when a product overflows.
 */
static int acc_steps(const mlq_device *dev, const mlp_params *mp, size_t l, double blim, steps *s,
                     mlq_err *err)
{
    size_t n_in = mp->size[l], n_out = mp->size[l + 1], o, j;
    char what[160];

    for (o = 0; o < n_out; o++) {
        double wmax = 0.0, bneed = fabs(mp->b[l][o]) / blim;
        size_t jmax = 0;

        for (j = 0; j < n_in; j++) {
            double v = mp->w[l][o * n_in + j] * s->in[j];

            if (!isfinite(v)) {
                blame b = s->in_from[j].layer != SIZE_MAX ? s->in_from[j] : (blame){l, 0};

                snprintf(what, sizeof what,
                         "layer %zu unit %zu: weight %zu times its input's step (%g) is beyond a "
                         "double", l, o, j, s->in[j]);
                return refuse_at(dev, err, b, l, what);
            }
            s->wf[o * n_in + j] = v;
            if (fabs(v) > wmax) {
                wmax = fabs(v);
                jmax = j;
            }
        }
        s->acc[o] = fmax(wmax / 127.0, bneed);
        if (bneed > wmax / 127.0)
            s->acc_from[o] = (blame){l, 1};
        else
            s->acc_from[o] = s->in_from[jmax].layer != SIZE_MAX ? s->in_from[jmax] : (blame){l, 0};
    }
    return 0;
}

/* The bound on layer l's biases, in its accumulator units: |bias| + n_in x
 * max|a| x 127 <= 2^31 - 1 (mlq/mlp.h), max|a| 32768 or 255, with room for
 * the offset of 8-bit tanh inputs (at most 128 x 127 x n_in). */
static double bias_limit(const mlq_device *dev, const mlp_params *mp, size_t l)
{
    int in16 = l == 0 || dev->bits == 16, offset = !in16 && mp->activation == MLP_TANH;

    return 2147483647.0 - (double)mp->size[l] * (in16 ? 32768.0 : offset ? 383.0 : 255.0) * 127.0;
}

/*
 * A regression network's last hidden layer (ReLU), l = n_layers - 2: the
 * output step of each unit o (s->out, calibrated) becomes a whole multiple
 * k_o of the output layer's accumulator step A over the unit's output
 * weight w_o, k_o A / |w_o|, k_o the calibrated step's multiple rounded up
 * (1..127). The output layer's weights on these integer inputs are then
 * exactly +-k_o steps: its one sum loses nothing to rounding its weights
 * (which would cost up to half a step times the activation's code, up to
 * 16384 steps per unit at 16 bits), only half a step times k_o per unit to
 * rounding the activations, each at most (k_o + 1) / k_o coarser than
 * calibrated (for k_o = 1 coarser still, on a unit whose weight is
 * negligible). A and the weights are those build_layer() computes.
 */
static void exact_output_weights(const mlq_device *dev, const mlp_params *mp, steps *s)
{
    size_t last = mp->n_layers - 1, n = mp->size[last], o;
    const double *w = mp->w[last]; /* [1][n] */
    double acc = fabs(mp->b[last][0]) / bias_limit(dev, mp, last);

    for (o = 0; o < n; o++)
        acc = fmax(acc, fabs(w[o]) * s->out[o] / 127.0);
    for (o = 0; o < n && acc > 0; o++) {
        /* (1 - 1e-12): a multiple that is whole but for the last bits stays whole */
        double k = ceil(fabs(w[o]) * s->out[o] / acc * (1.0 - 1e-12));

        if (w[o] != 0.0)
            s->out[o] = (k < 1.0 ? 1.0 : k) * acc / fabs(w[o]);
    }
}

/*
 * The output steps of hidden layer l (s->out, s->out_from), its
 * multipliers and shift: ReLU units calibrated from act_max (amax, this
 * layer's entries; exact_output_weights() for the last hidden layer of a
 * regression), tanh units Q3.12 in and Q1.15 / Q1.7 out. 0, or -1 with err
 * for a tanh factor that no multiplier holds.
 */
static int requant(mlq_device *dev, const mlp_params *mp, size_t l, const double *amax,
                   steps *s, int32_t *mul, mlq_mlp_layer *ly, mlq_err *err)
{
    size_t n_out = mp->size[l + 1], o, worst = 0;
    int tanh_act = mp->activation == MLP_TANH;
    int regress = mlq_model_task(dev->model) == MLQ_TASK_REGRESS;
    double qmax = dev->bits == 16 ? 32767.0 : 255.0;
    double headroom = dev->bits == 16 ? 2.0 : regress ? 1.75 : 1.5; /* see the top of this file */
    double lmax = 0.0, mmax = 0.0, *factor = s->wf; /* the weights are quantized: reuse */
    char what[200];

    for (o = 0; o < n_out; o++)
        lmax = fmax(lmax, amax[o]);
    for (o = 0; o < n_out; o++) {
        s->out_from[o] = (blame){SIZE_MAX, 0};
        if (tanh_act) {
            s->out[o] = dev->bits == 16 ? 1.0 / 32768.0 : 1.0 / 128.0;
        } else {
            s->out[o] = (amax[o] > 0 ? amax[o] : lmax > 0 ? lmax : 1.0) * (headroom / qmax);
            if (s->acc[o] == 0.0) /* no weight, no bias: the accumulator is always 0 */
                s->acc[o] = s->out[o] / 8.0;
            /* Keep the shift above 32 (the ReLU loops' 32-bit path): a
             * coarser step for a unit whose calibrated one is below 4x its
             * accumulator step (a unit that barely moves); the next layer
             * then blames what made this step coarse. */
            if (s->acc[o] / s->out[o] >= 0.24) {
                s->out[o] = s->acc[o] / 0.24;
                s->out_from[o] = s->acc_from[o];
            }
        }
    }
    if (!tanh_act && l + 2 == mp->n_layers && regress)
        exact_output_weights(dev, mp, s);
    for (o = 0; o < n_out; o++) {
        double target = tanh_act ? 1.0 / 4096.0 : s->out[o]; /* the step the requantization maps to */

        if (s->acc[o] == 0.0)
            s->acc[o] = target / 8.0;
        factor[o] = s->acc[o] / target;
        if (factor[o] > mmax) {
            mmax = factor[o];
            worst = o;
        }
    }
    ly->shift = (uint8_t)shift_for(mmax, 1);
    if (floor(ldexp(mmax, ly->shift) + 0.5) > 2147483647.0) {
        snprintf(what, sizeof what,
                 "layer %zu unit %zu: one accumulator step is %g of the tanh argument, at or above "
                 "the 2^18 that the requantization to Q3.12 can scale", l, worst, s->acc[worst]);
        return refuse_at(dev, err, s->acc_from[worst], l, what);
    }
    for (o = 0; o < n_out; o++)
        mul[o] = (int32_t)mlq_quantize(ldexp(factor[o], ly->shift), 0, INT32_MAX, &dev->clipped);
    return 0;
}

/* The logit value of one output accumulator unit (scale) as score_mul /
 * 2^score_shift in Q15.16. 0, or -1 with err when it is above 32768. */
static int score_scale(const mlq_device *dev, mlq_mlp_dev *md, double scale, blame from,
                       mlq_err *err)
{
    double f = scale * 65536.0;
    char what[160];
    int s = shift_for(f, 0);

    if (floor(ldexp(f, s) + 0.5) > 2147483647.0) {
        snprintf(what, sizeof what,
                 "one step of the output layer's accumulators is %g logits, above the 32768 that a "
                 "Q15.16 score holds", scale);
        return refuse_at(dev, err, from, md->n_layers - 1, what);
    }
    md->m.score_shift = (uint8_t)s;
    md->m.score_mul = (int32_t)mlq_quantize(ldexp(f, s), 1, INT32_MAX, NULL);
    return 0;
}

/* Quantize layer l into md (its steps in s, s->in set). 0 or -1 with err. */
static int build_layer(mlq_device *dev, mlq_mlp_dev *md, size_t l, const double *amax, steps *s,
                       mlq_err *err)
{
    const mlp_params *mp = dev->model->params;
    size_t n_in = mp->size[l], n_out = mp->size[l + 1], row = MLQ_MLP_ROW_LEN(n_in), o, j;
    int last = l + 1 == md->n_layers, in16 = l == 0 || dev->bits == 16;
    /* 8-bit tanh inputs are stored as t + 128 (Q1.7): the bias takes -128 x the row's weights. */
    int offset = !in16 && mp->activation == MLP_TANH;
    double blim = bias_limit(dev, mp, l); /* bounds the bias before that offset */
    mlq_mlp_layer *ly = &md->layers[l];

    md->w[l] = mlq_calloc(n_out * row, sizeof **md->w);
    md->bias[l] = mlq_calloc(n_out, sizeof **md->bias);
    if (!last)
        md->mul[l] = mlq_calloc(n_out, sizeof **md->mul);
    if (md->w[l] == NULL || md->bias[l] == NULL || (!last && md->mul[l] == NULL))
        return mlq_err_set(err, mlq_model_file(dev->model), 0, "out of memory");
    if (acc_steps(dev, mp, l, blim, s, err) != 0)
        return -1;
    if (last) { /* one step for the whole layer */
        size_t top = 0;

        for (o = 1; o < n_out; o++)
            if (s->acc[o] > s->acc[top])
                top = o;
        if (score_scale(dev, md, s->acc[top] > 0 ? s->acc[top] : 1.0 / 65536.0, s->acc_from[top],
                        err) != 0)
            return -1;
        for (o = 0; o < n_out; o++)
            s->acc[o] = s->acc[top] > 0 ? s->acc[top] : 1.0 / 65536.0;
    }
    for (o = 0; o < n_out; o++) { /* the zero-step case is settled below, with no weight to round */
        double step = s->acc[o] > 0 ? s->acc[o] : 1.0;
        int64_t sum = 0;

        for (j = 0; j < n_in; j++) {
            int8_t q = (int8_t)mlq_quantize(s->wf[o * n_in + j] / step, -127, 127, &dev->clipped);

            md->w[l][o * row + weight_pos(j, n_in, in16)] = q;
            sum += q;
        }
        md->bias[l][o] = (int32_t)(mlq_quantize(mp->b[l][o] / step, -(int64_t)blim, (int64_t)blim,
                                                &dev->clipped) - (offset ? 128 * sum : 0));
    }
    if (!last && requant(dev, mp, l, amax, s, md->mul[l], ly, err) != 0)
        return -1;
    dev->n_coef += n_out * (n_in + 1) + (last ? 0 : n_out);
    dev->flash_bytes += n_out * row + n_out * sizeof(int32_t) * (last ? 1 : 2);
    mlq_device_note_array(dev, n_out * row);
    ly->n_in = (uint16_t)n_in;
    ly->n_out = (uint16_t)n_out;
    ly->w = md->w[l];
    ly->bias = md->bias[l];
    ly->mul = md->mul[l];
    return 0;
}

/* Refuse what the format cannot hold at all: 0, or -1 with err. */
static int refuse_shape(const mlq_device *dev, const mlp_params *mp, mlq_err *err)
{
    size_t l, L = mp->n_layers;

    if (L > 255)
        return mlq_device_refuse(dev, err, "mlp.sizes", "%zu layers: the device holds at most 255", L);
    if (mp->size[L] > 32767)
        return mlq_device_refuse(dev, err, "mlp.sizes", "%zu classes: the device holds at most 32767",
                                 mp->size[L]);
    for (l = 0; l < L; l++)
        if ((l == 0 || dev->bits == 16) && mp->size[l] > MLQ_MLP_MAX_IN16)
            return mlq_device_refuse(dev, err, "mlp.sizes",
                                     "layer %zu has %zu inputs: with 16-bit inputs the device "
                                     "takes at most %u%s",
                                     l, mp->size[l], MLQ_MLP_MAX_IN16,
                                     l == 0 ? "" : " (export with --bits 8, or train a narrower layer)");
    return 0;
}

/* The kernels the header calls: the ReLU entries of the model's width, or the generic ones
 * (a regression: no probabilities, its one score the prediction). */
static void set_kernels(mlq_device *dev, const mlq_mlp_dev *md)
{
    static const char *const names[3][3] = {
        {"mlq_mlp_predict_q15", "mlq_mlp_scores_q15", "mlq_mlp_proba_q15"},
        {"mlq_mlp_relu16_predict_q15", "mlq_mlp_relu16_scores_q15", "mlq_mlp_relu16_proba_q15"},
        {"mlq_mlp_relu8_predict_q15", "mlq_mlp_relu8_scores_q15", "mlq_mlp_relu8_proba_q15"}};
    size_t k = md->m.act == MLQ_MLP_TANH ? 0 : md->m.bits == 16 ? 1 : 2;

    dev->kern.header = "mlq/mlp.h";
    dev->kern.type = "mlq_mlp_q15";
    dev->kern.check = "mlq_mlp_check";
    dev->kern.predict = names[k][0];
    dev->kern.scores = names[k][1];
    dev->kern.proba = names[k][2];
    snprintf(dev->kern.work, sizeof dev->kern.work, "MLQ_MLP_WORK_BYTES(%u, %u, %u)",
             (unsigned)md->m.max_width, (unsigned)md->m.bits, (unsigned)md->m.n_classes);
    snprintf(dev->kern.scores_are, sizeof dev->kern.scores_are,
             "the logits of the output layer (before the softmax of the probabilities)");
    if (mlq_model_task(dev->model) == MLQ_TASK_REGRESS) {
        dev->kern.proba = NULL;
        snprintf(dev->kern.scores_are, sizeof dev->kern.scores_are,
                 "the linear output unit: the prediction in standardized target units");
    }
}

static int mlp_device_build(mlq_device *dev, mlq_err *err)
{
    const mlq_model *m = dev->model;
    const mlp_params *mp = m->params;
    size_t L = mp->n_layers, l, j, maxw = 0, wmax = mlp_max_width(mp);
    const double *amax = mp->act_max;
    mlq_mlp_dev *md;
    steps s = {0};

    dev->bits = dev->bits_asked != 0 ? dev->bits_asked : mp->bits;
    if (refuse_shape(dev, mp, err) != 0)
        return -1;
    for (l = 0; l + 1 < L; l++)
        maxw = mp->size[l + 1] > maxw ? mp->size[l + 1] : maxw;
    md = mlq_calloc(1, sizeof *md);
    if (md == NULL)
        return mlq_err_set(err, mlq_model_file(m), 0, "out of memory");
    dev->impl = md; /* freed by the caller on failure */
    md->n_layers = L;
    md->layers = mlq_calloc(L, sizeof *md->layers);
    md->w = mlq_calloc(L, sizeof *md->w);
    md->bias = mlq_calloc(L, sizeof *md->bias);
    md->mul = mlq_calloc(L, sizeof *md->mul);
    s.in = mlq_calloc(wmax, sizeof *s.in);
    s.out = mlq_calloc(wmax, sizeof *s.out);
    s.acc = mlq_calloc(wmax, sizeof *s.acc);
    s.wf = mlq_calloc(wmax * wmax, sizeof *s.wf);
    s.in_from = mlq_calloc(wmax, sizeof *s.in_from);
    s.out_from = mlq_calloc(wmax, sizeof *s.out_from);
    s.acc_from = mlq_calloc(wmax, sizeof *s.acc_from);
    if (md->layers == NULL || md->w == NULL || md->bias == NULL || md->mul == NULL || s.in == NULL ||
        s.out == NULL || s.acc == NULL || s.wf == NULL || s.in_from == NULL || s.out_from == NULL ||
        s.acc_from == NULL) {
        steps_free(&s);
        return mlq_err_set(err, mlq_model_file(m), 0, "out of memory");
    }
    for (j = 0; j < mp->size[0]; j++) {
        s.in[j] = m->input_range / 32768.0;
        s.in_from[j] = (blame){SIZE_MAX, 0};
    }
    for (l = 0; l < L; l++) {
        if (build_layer(dev, md, l, amax, &s, err) != 0) {
            steps_free(&s);
            return -1;
        }
        if (l + 1 < L) {
            amax += mp->size[l + 1];
            memcpy(s.in, s.out, mp->size[l + 1] * sizeof *s.in);
            memcpy(s.in_from, s.out_from, mp->size[l + 1] * sizeof *s.in_from);
        }
    }
    steps_free(&s);
    md->m.n_features = (uint16_t)mp->size[0];
    md->m.n_classes = (uint16_t)mp->size[L];
    md->m.max_width = (uint16_t)maxw;
    md->m.n_layers = (uint8_t)L;
    md->m.bits = (uint8_t)dev->bits;
    md->m.act = (uint8_t)(mp->activation == MLP_TANH && L > 1 ? MLQ_MLP_TANH : MLQ_MLP_RELU);
    md->m.layers = md->layers;
    if (mlq_mlp_check(&md->m) != MLQ_OK)
        return mlq_device_refuse(dev, err, "mlp", "the device model fails mlq_mlp_check");
    dev->flash_bytes += L * sizeof(mlq_mlp_layer) + sizeof(mlq_mlp_q15) +
                        (md->m.act == MLQ_MLP_TANH ? 770 : 0);
    dev->n_outputs = mp->size[L];
    dev->work_bytes = mlq_mlp_work_size(&md->m);
    set_kernels(dev, md);
    {
        char note[120];

        if (mlq_mlp_training_note(m, dev->bits, note, sizeof note) > 0)
            snprintf(dev->note, sizeof dev->note, "training rows: %s (%u-bit activations)", note,
                     dev->bits);
    }
    return 0;
}

const mlq_mlp_q15 *mlq_mlp_device_model(const mlq_device *dev)
{
    return &((const mlq_mlp_dev *)dev->impl)->m;
}

static mlq_status mlp_device_predict(const mlq_device *dev, const mlq_q15_t *q, uint16_t *out)
{
    const mlq_mlp_dev *md = dev->impl;

    return mlq_mlp_predict_q15(&md->m, q, md->m.n_features, dev->work, dev->work_bytes, out);
}

static mlq_status mlp_device_scores(const mlq_device *dev, const mlq_q15_t *q, int32_t *scores)
{
    const mlq_mlp_dev *md = dev->impl;

    return mlq_mlp_scores_q15(&md->m, q, md->m.n_features, dev->work, dev->work_bytes, scores);
}

static mlq_status mlp_device_proba(const mlq_device *dev, const mlq_q15_t *q, uint16_t *proba)
{
    const mlq_mlp_dev *md = dev->impl;

    return mlq_mlp_proba_q15(&md->m, q, md->m.n_features, dev->work, dev->work_bytes, proba);
}

/* The instruction estimate's work (device_algo.h): the layers' weights
 * read (rows in pairs, an odd last row paired with itself; 8-bit inputs
 * over the padded row), and their units. */
static void mlp_work(const mlq_device *dev, const double *x, size_t rows, double w[2])
{
    const mlq_mlp_dev *md = dev->impl;
    size_t l;

    (void)x;
    (void)rows;
    w[0] = w[1] = 0.0;
    for (l = 0; l < md->n_layers; l++) {
        const mlq_mlp_layer *L = &md->layers[l];
        size_t n_in = l == 0 || md->m.bits == 16 ? L->n_in : MLQ_MLP_ROW_LEN(L->n_in);

        w[0] += (double)((L->n_out + 1u) / 2u * 2u * n_in);
        w[1] += L->n_out;
    }
}

static const char *mlp_smaller(const mlq_device *dev)
{
    (void)dev;
    return "fewer hidden units (--hidden); --bits 8 halves the activations' scratch";
}

const mlq_device_algo mlq_device_mlp = {
    .bits = "8|16",
    .build = mlp_device_build,
    .predict = mlp_device_predict,
    .scores = mlp_device_scores,
    .proba = mlp_device_proba,
    .free = mlp_device_free,
    .export_body = mlq_mlp_export_body,
    .info = mlq_mlp_info,
    .smaller = mlp_smaller,
    .after_train = mlq_mlp_after_train,
    .work = mlp_work,
};
