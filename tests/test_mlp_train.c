/* SPDX-License-Identifier: MIT */
/*
 * MLP host side: the trainer (learns separable data, deterministic for a
 * seed, Adam and SGD, early stopping, divergence stops with no model); the
 * exporter (host vs device agreement of classes, logits and softmax
 * probabilities, the header's kernels and scratch, saturation of extreme
 * inputs, both activation widths with both activations, 8-bit ReLU codes
 * calibrated to the whole byte, a bias that outweighs its unit's
 * weights); every refusal of a model the device cannot represent, with the
 * model-file field it names; the model file's round trip and validation.
 * The device kernel itself is tested in test_mlp.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "algo.h"
#include "csv.h"
#include "export.h"
#include "export_mlp.h"
#include "mlp_params.h"
#include "mlq/mlp.h"
#include "mlq/score.h"
#include "model.h"
#include "model_edit_test.h"

static char dir[] = "/tmp/mlq_test_mlp_train_XXXXXX";
#include "tmpdir_test.h"

/* Fill m for dataset d (as the CLI does) and train it with the hyperparameters hyper_text. */
static int train_model(const mlq_dataset *d, const char *hyper_text, unsigned long seed,
                       mlq_model *m, mlq_err *err)
{
    cJSON *hyper = cJSON_Parse(hyper_text);

    assert_non_null(hyper);
    return mlq_model_train(m, &mlq_algo_mlp, d, hyper, seed, 0, NULL, err);
}

#define HYPER(extra)                                                                           \
    "{\"hidden\": \"16\", \"activation\": \"relu\", \"optimizer\": \"adam\", \"lr\": 0.01, "     \
    "\"momentum\": 0.9, \"batch\": 16, \"epochs\": 100, \"l2\": 0.0001, \"validation\": 0, "    \
    "\"patience\": 10, \"bits\": \"16\"" extra "}"

/* The default test hyperparameters with up to three keys replaced (NULL ends the list). */
static char *hyper_with(const char *k1, const char *v1, const char *k2, const char *v2,
                        const char *k3, const char *v3)
{
    cJSON *h = cJSON_Parse(HYPER(""));
    char *text;

    if (k1 != NULL)
        cJSON_ReplaceItemInObject(h, k1, cJSON_Parse(v1));
    if (k2 != NULL)
        cJSON_ReplaceItemInObject(h, k2, cJSON_Parse(v2));
    if (k3 != NULL)
        cJSON_ReplaceItemInObject(h, k3, cJSON_Parse(v3));
    text = cJSON_PrintUnformatted(h);
    cJSON_Delete(h);
    return text;
}

static double host_accuracy(const mlq_model *m, const mlq_dataset *d)
{
    double z[64];
    size_t i, hits = 0;

    for (i = 0; i < d->n_rows; i++) {
        mlq_model_standardize(m, d->x + i * d->n_features, z);
        hits += m->algo->predict(m, z) == d->y[i];
    }
    return (double)hits / (double)d->n_rows;
}

static void read_iris(mlq_dataset *d)
{
    mlq_err err = {{0}};

    assert_int_equal(mlq_csv_read("data/iris.csv", NULL, MLQ_LABEL_REQUIRED, NULL, 0, d, &err), 0);
}

static void test_trainer_learns_separable_data_and_is_deterministic(void **state)
{
    mlq_dataset d = {0};
    mlq_model a, b, c;
    mlq_err err = {{0}};
    char *sgd = hyper_with("optimizer", "\"sgd\"", NULL, NULL, NULL, NULL);
    char *tanh_h = hyper_with("activation", "\"tanh\"", NULL, NULL, NULL, NULL);
    const mlp_params *pa, *pb;
    size_t l;

    (void)state;
    read_iris(&d);
    assert_int_equal(train_model(&d, HYPER(""), 3, &a, &err), 0);
    assert_int_equal(train_model(&d, HYPER(""), 3, &b, &err), 0);
    pa = a.params;
    pb = b.params;
    for (l = 0; l < pa->n_layers; l++) { /* the same seed gives the same network, bit for bit */
        assert_memory_equal(pa->w[l], pb->w[l], pa->size[l] * pa->size[l + 1] * sizeof(double));
        assert_memory_equal(pa->b[l], pb->b[l], pa->size[l + 1] * sizeof(double));
    }
    /* Iris is nearly separable: a 4-16-3 network fits at least 95% of it,
     * with any of the optimizers and activations. */
    assert_true(host_accuracy(&a, &d) >= 0.95);
    assert_int_equal(train_model(&d, sgd, 3, &c, &err), 0);
    assert_true(host_accuracy(&c, &d) >= 0.95);
    mlq_model_free(&c);
    assert_int_equal(train_model(&d, tanh_h, 3, &c, &err), 0);
    assert_true(host_accuracy(&c, &d) >= 0.95);
    for (l = 0; l < 16; l++) /* tanh stays in (-1, 1), unit by unit */
        assert_true(((const mlp_params *)c.params)->act_max[l] <= 1.0);
    mlq_model_free(&c);
    /* Another seed, another network. */
    assert_int_equal(train_model(&d, HYPER(""), 4, &c, &err), 0);
    assert_true(memcmp(((const mlp_params *)c.params)->w[0], pa->w[0], 4 * 16 * sizeof(double)) != 0);
    mlq_model_free(&a);
    mlq_model_free(&b);
    mlq_model_free(&c);
    mlq_dataset_free(&d);
    free(sgd);
    free(tanh_h);
}

static void test_early_stopping_and_divergence(void **state)
{
    mlq_dataset d = {0};
    mlq_model m;
    mlq_err err = {{0}};
    char *early = hyper_with("validation", "0.2", "patience", "2", "epochs", "100000");
    char *huge = hyper_with("lr", "10", "optimizer", "\"sgd\"", NULL, NULL);
    const cJSON *it;

    (void)state;
    read_iris(&d);
    assert_int_equal(train_model(&d, early, 1, &m, &err), 0);
    it = cJSON_GetObjectItemCaseSensitive(m.training, "epochs");
    assert_true(it != NULL && it->valuedouble < 100000); /* stopped early */
    it = cJSON_GetObjectItemCaseSensitive(m.training, "validation_rows");
    assert_true(it != NULL && it->valuedouble == 30); /* 20% of 150, stratified */
    mlq_model_free(&m);
    /* A learning rate of 10 with SGD explodes: an error, and no parameters. */
    assert_int_equal(train_model(&d, huge, 1, &m, &err), -1);
    assert_non_null(strstr(err.msg, "training diverged at epoch"));
    assert_non_null(strstr(err.msg, "lower --lr (now 10)"));
    assert_null(m.params);
    mlq_model_free(&m);
    mlq_dataset_free(&d);
    free(early);
    free(huge);
}

/* Train the test network (ReLU unless tanh) on iris. */
static void train_iris(mlq_model *m, mlq_dataset *d, int tanh_act)
{
    mlq_err err = {{0}};
    char *h = hyper_with("activation", tanh_act ? "\"tanh\"" : "\"relu\"", NULL, NULL, NULL, NULL);

    read_iris(d);
    assert_int_equal(train_model(d, h, 1, m, &err), 0);
    free(h);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static void test_device_agrees_with_host_and_saturates(void **state)
{
    static const char *const kernels[4][3] = {
        {"mlq_mlp_relu8_predict_q15", "mlq_mlp_relu8_scores_q15", "mlq_mlp_relu8_proba_q15"},
        {"mlq_mlp_relu16_predict_q15", "mlq_mlp_relu16_scores_q15", "mlq_mlp_relu16_proba_q15"},
        {"mlq_mlp_predict_q15", "mlq_mlp_scores_q15", "mlq_mlp_proba_q15"},
        {"mlq_mlp_predict_q15", "mlq_mlp_scores_q15", "mlq_mlp_proba_q15"}};
    mlq_dataset d = {0};
    mlq_model m, t;
    mlq_err err = {{0}};
    mlq_device dev;
    size_t v, i, k;

    (void)state;
    train_iris(&m, &d, 0);
    mlq_dataset_free(&d);
    train_iris(&t, &d, 1);
    for (v = 0; v < 4; v++) { /* ReLU 8-bit, ReLU 16-bit, tanh 16-bit, tanh 8-bit */
        const mlq_model *mm = v < 2 ? &m : &t;
        unsigned bits = v == 0 || v == 3 ? 8 : 16;
        size_t agree = 0;
        double worst = 0.0, span = 0.0, pdiff[150];
        char work[128];

        assert_int_equal(mlq_device_build(mm, bits, &dev, &err), 0);
        assert_int_equal(dev.bits, bits);
        assert_int_equal(dev.clipped, 0);
        assert_int_equal(dev.n_outputs, 3);
        assert_string_equal(dev.kern.header, "mlq/mlp.h");
        assert_string_equal(dev.kern.check, "mlq_mlp_check");
        assert_string_equal(dev.kern.predict, kernels[v][0]);
        assert_string_equal(dev.kern.scores, kernels[v][1]);
        assert_string_equal(dev.kern.proba, kernels[v][2]);
        /* One hidden layer of 16 (tanh: 16 too), 3 classes. */
        snprintf(work, sizeof work, "MLQ_MLP_WORK_BYTES(16, %u, 3)", bits);
        assert_string_equal(dev.kern.work, work);
        assert_int_equal(dev.work_bytes, MLQ_MLP_WORK_BYTES(16, bits, 3));
        for (i = 0; i < d.n_rows; i++) {
            double z[4], hs[3], hp[3], sum = 0.0;
            int32_t ds[3];
            uint16_t dp[3];
            int c;

            assert_int_equal(mlq_device_predict(&dev, d.x + i * 4, &c), MLQ_OK);
            mlq_model_standardize(mm, d.x + i * 4, z);
            agree += c == mm->algo->predict(mm, z);
            mm->algo->host_scores(mm, z, hs);
            assert_int_equal(mm->algo->host_proba(mm, z, hp), 0);
            assert_int_equal(mlq_device_scores(&dev, d.x + i * 4, ds), MLQ_OK);
            assert_int_equal(mlq_device_proba(&dev, d.x + i * 4, dp), MLQ_OK);
            /* Both sides keep the promises of mlq/score.h on every row. */
            assert_int_equal(mlq_score_argmax(ds, 3), c);
            assert_int_equal(mlq_proba_argmax(dp, 3), c);
            assert_int_equal(dp[0] + dp[1] + dp[2], 32768);
            pdiff[i] = 0.0;
            for (k = 0; k < 3; k++) {
                worst = fmax(worst, fabs(hs[k] - ds[k] / 65536.0));
                span = fmax(span, fabs(hs[k]));
                pdiff[i] = fmax(pdiff[i], fabs(hp[k] - dp[k] / 32768.0));
                sum += hp[k];
                /* The host's probabilities are the softmax of its logits. */
                assert_true(fabs(hp[k] - exp(hs[k]) / (exp(hs[0]) + exp(hs[1]) + exp(hs[2]))) < 1e-12);
            }
            assert_true(fabs(sum - 1.0) < 1e-12);
        }
        /* The stated tolerance: at least 97% of rows agree, logits within 1%
         * of their range, probabilities within 0.01 on 99% of the rows (0.02
         * with 8-bit tanh activations, whose Q1.7 has 256 codes for
         * [-1, 1]; ReLU units have their 256 for [0, 1.5 x the largest
         * activation]: 0.0074 here, 0.0153 when they had 128). */
        assert_true(agree >= d.n_rows * 97 / 100);
        assert_true(worst <= 0.01 * span);
        qsort(pdiff, d.n_rows, sizeof *pdiff, cmp_double);
        assert_true(pdiff[d.n_rows * 99 / 100] <= (v == 3 ? 0.02 : 0.01));
        /* Inputs far outside the training range saturate: a class, never a wrap. */
        for (i = 0; i < 64; i++) {
            double x[4];
            int32_t ds[3];
            int c = -1;

            for (k = 0; k < 4; k++)
                x[k] = ((i >> k) & 1 ? 1 : -1) * (i & 16 ? 1e30 : 1e6);
            assert_int_equal(mlq_device_predict(&dev, x, &c), MLQ_OK);
            assert_true(c >= 0 && c < 3);
            assert_int_equal(mlq_device_scores(&dev, x, ds), MLQ_OK);
            assert_int_equal(mlq_score_argmax(ds, 3), c);
        }
        mlq_device_free(&dev);
    }
    /* Without --bits the model's own width is used. */
    ((mlp_params *)m.params)->bits = 8;
    assert_int_equal(mlq_device_build(&m, 0, &dev, &err), 0);
    assert_int_equal(dev.bits, 8);
    mlq_device_free(&dev);
    mlq_model_free(&m);
    mlq_model_free(&t);
    mlq_dataset_free(&d);
}

/* 8-bit ReLU activations use the whole byte: on the training rows, the
 * largest code of every unit is 255 / 1.5 = 170 (the calibrated maximum
 * with its headroom), give or take the rounding of the inputs and weights;
 * layer 0 recomputed from the device model with the documented arithmetic. */
static void test_8bit_relu_codes_reach_170_of_255(void **state)
{
    static const size_t pos[4] = {0, 2, 1, 3}; /* 16-bit inputs: groups 0, 2, 1, 3 */
    mlq_dataset d = {0};
    mlq_model m;
    mlq_err err = {{0}};
    mlq_device dev;
    const mlq_mlp_q15 *dm;
    const mlq_mlp_layer *L;
    int64_t top[16] = {0};
    size_t i, o, j, live = 0;

    (void)state;
    train_iris(&m, &d, 0);
    assert_int_equal(mlq_device_build(&m, 8, &dev, &err), 0);
    dm = mlq_mlp_device_model(&dev);
    L = &dm->layers[0];
    assert_int_equal(dm->bits, 8);
    assert_int_equal(L->n_in, 4);
    assert_int_equal(L->n_out, 16);
    for (i = 0; i < d.n_rows; i++) {
        float xf[4];
        mlq_q15_t q[4];

        for (j = 0; j < 4; j++)
            xf[j] = (float)d.x[i * 4 + j];
        assert_int_equal(mlq_quant_f32_to_q15(&dev.quant, xf, 4, q), MLQ_OK);
        for (o = 0; o < 16; o++) {
            int64_t acc = L->bias[o], r;

            for (j = 0; j < 4; j++)
                acc += (int64_t)L->w[o * 4 + pos[j]] * q[j];
            r = (acc * L->mul[o] + ((int64_t)1 << (L->shift - 1))) >> L->shift;
            r = r < 0 ? 0 : r > 255 ? 255 : r;
            top[o] = r > top[o] ? r : top[o];
        }
    }
    for (o = 0; o < 16; o++) {
        if (((const mlp_params *)m.params)->act_max[o] == 0.0) {
            assert_int_equal(top[o], 0); /* a unit never active stays at 0 */
            continue;
        }
        live++;
        assert_in_range(top[o], 168, 172);
    }
    assert_true(live >= 8);
    mlq_device_free(&dev);
    mlq_model_free(&m);
    mlq_dataset_free(&d);
}

/* A unit whose bias outweighs everything its weights can add (weights
 * decayed to nothing, bias 0.5): its step is widened so that the bias fits
 * the accumulator bound, and nothing saturates. */
static void test_bias_that_outweighs_its_weights_is_kept(void **state)
{
    mlq_dataset d = {0};
    mlq_model m;
    mlq_err err = {{0}};
    mlq_device dev;
    mlp_params *mp;
    size_t j, i;

    (void)state;
    train_iris(&m, &d, 0);
    mp = m.params;
    for (j = 0; j < 4; j++)
        mp->w[0][j] = 1e-12;
    mp->b[0][0] = 0.5;
    mp->act_max[0] = 0.5;
    for (i = 0; i < 3; i++)
        mp->w[1][i * 16] = 3.0 * (double)i; /* the unit matters for the logits */
    assert_int_equal(mlq_device_build(&m, 16, &dev, &err), 0);
    assert_int_equal(dev.clipped, 0);
    for (i = 0; i < d.n_rows; i++) {
        double z[4], hs[3];
        int32_t ds[3];

        mlq_model_standardize(&m, d.x + i * 4, z);
        m.algo->host_scores(&m, z, hs);
        assert_int_equal(mlq_device_scores(&dev, d.x + i * 4, ds), MLQ_OK);
        for (j = 0; j < 3; j++)
            assert_true(fabs(hs[j] - ds[j] / 65536.0) < 0.1);
    }
    mlq_device_free(&dev);
    mlq_model_free(&m);
    mlq_dataset_free(&d);
}

/* 8-bit tanh activations are Q1.7 + 128; the next layer's bias takes
 * -128 x its row's weights. A bias at its limit with every weight 127
 * lands exactly on the kernel's bound for 8-bit inputs,
 * INT32_MAX - n_in x 255 x 127, and every sum stays exact. */
static void test_tanh8_offset_fits_the_bias_bound(void **state)
{
    mlq_dataset d = {0};
    mlq_model t;
    mlq_err err = {{0}};
    mlq_device dev;
    mlp_params *tp;
    const mlq_mlp_q15 *dm;
    mlq_mlp_layer layers[2];
    mlq_mlp_q15 bad;
    int32_t bias[3];
    double blim = 2147483647.0 - 16.0 * 383.0 * 127.0, step = (4.0 / 128.0) / 127.0;
    int64_t lim = INT32_MAX - (int64_t)16 * 255 * 127;
    size_t i, j;

    (void)state;
    train_iris(&t, &d, 1);
    tp = t.params;
    assert_int_equal(tp->size[1], 16);
    for (j = 0; j < 16; j++) /* row 0: weight 4 on Q1.7 inputs, 127 steps of 4 / 128 / 127 */
        tp->w[1][j] = 4.0;
    for (j = 16; j < 48; j++)
        assert_true(fabs(tp->w[1][j]) < 4.0); /* row 0 sets the output layer's step */
    tp->b[1][0] = -blim * step;
    assert_int_equal(mlq_device_build(&t, 8, &dev, &err), 0); /* mlq_mlp_check passed */
    assert_int_equal(dev.clipped, 0);
    dm = mlq_mlp_device_model(&dev);
    for (j = 0; j < 16; j++)
        assert_int_equal(dm->layers[1].w[j], 127);
    assert_int_equal(dm->layers[1].bias[0], -lim);
    /* One beyond is refused. */
    bad = *dm;
    memcpy(layers, dm->layers, sizeof layers);
    memcpy(bias, dm->layers[1].bias, sizeof bias);
    layers[1].bias = bias;
    bad.layers = layers;
    assert_int_equal(mlq_mlp_check(&bad), MLQ_OK);
    bias[0] = (int32_t)(-lim - 1);
    assert_int_equal(mlq_mlp_check(&bad), MLQ_ERR_MODEL);
    /* Class 0's logit is about -528000: saturated, never wrapped; the
     * others as the host's. */
    for (i = 0; i < d.n_rows; i++) {
        double z[4], hs[3];
        int32_t ds[3];

        mlq_model_standardize(&t, d.x + i * 4, z);
        t.algo->host_scores(&t, z, hs);
        assert_true(hs[0] < -500000.0);
        assert_int_equal(mlq_device_scores(&dev, d.x + i * 4, ds), MLQ_OK);
        assert_int_equal(ds[0], INT32_MIN);
        for (j = 1; j < 3; j++)
            assert_true(fabs(hs[j] - ds[j] / 65536.0) < 0.1);
    }
    mlq_device_free(&dev);
    mlq_model_free(&t);
    mlq_dataset_free(&d);
}

/* device_build of m at `bits` refuses, naming `field`, with `what` in the message. */
static void expect_refusal(const mlq_model *m, unsigned bits, const char *field, const char *what)
{
    mlq_err err = {{0}};
    mlq_device dev;
    char want[128];

    memset(&dev, 0x5a, sizeof dev);
    assert_int_equal(mlq_device_build(m, bits, &dev, &err), -1);
    snprintf(want, sizeof want, ": field '%s': ", field);
    if (strstr(err.msg, want) == NULL || strstr(err.msg, what) == NULL)
        fail_msg("refusal '%s' lacks \"%s\" or \"%s\"", err.msg, want, what);
    assert_null(dev.impl);
    assert_null(dev.work);
}

/* Params of the given widths with every weight 0.1, biases 0, act_max 1. */
static mlp_params *params_of(const size_t *size, size_t n_layers)
{
    mlp_params *mp = calloc(1, sizeof *mp);
    size_t l, i, units = 0;

    assert_non_null(mp);
    mp->n_layers = n_layers;
    mp->size = calloc(n_layers + 1, sizeof *mp->size);
    mp->w = calloc(n_layers, sizeof *mp->w);
    mp->b = calloc(n_layers, sizeof *mp->b);
    assert_true(mp->size != NULL && mp->w != NULL && mp->b != NULL);
    memcpy(mp->size, size, (n_layers + 1) * sizeof *size);
    for (l = 1; l < n_layers; l++)
        units += size[l];
    mp->act_max = calloc(units + 1, sizeof *mp->act_max);
    assert_non_null(mp->act_max);
    for (i = 0; i < units; i++)
        mp->act_max[i] = 1.0;
    for (l = 0; l < n_layers; l++) {
        mp->w[l] = calloc(size[l] * size[l + 1], sizeof **mp->w);
        mp->b[l] = calloc(size[l + 1], sizeof **mp->b);
        assert_true(mp->w[l] != NULL && mp->b[l] != NULL);
        for (i = 0; i < size[l] * size[l + 1]; i++)
            mp->w[l][i] = 0.1;
    }
    mp->bits = 16;
    return mp;
}

static void test_device_refuses_what_it_cannot_represent(void **state)
{
    mlq_dataset d = {0};
    mlq_model m, t;
    mlp_params *mp, *tp, *own, *keep;
    double saved, range;
    size_t big[3] = {4, MLQ_MLP_MAX_IN16 + 1, 3}, many[2] = {4, 32768}, deep[257], l;
    mlq_err err = {{0}};
    mlq_device dev;

    (void)state;
    train_iris(&m, &d, 0);
    mlq_dataset_free(&d);
    train_iris(&t, &d, 1);
    mp = m.params;
    tp = t.params;
    /* A tanh unit whose accumulator step the Q3.12 requantization cannot scale. */
    saved = tp->w[0][0];
    tp->w[0][0] = 1e12;
    expect_refusal(&t, 16, "mlp.layers[0].weights", "requantization to Q3.12");
    tp->w[0][0] = saved;
    saved = tp->b[0][3];
    tp->b[0][3] = 1e20;
    expect_refusal(&t, 16, "mlp.layers[0].bias", "requantization to Q3.12");
    tp->b[0][3] = saved;
    /* An output step beyond a Q15.16 score: a huge output weight or bias. */
    saved = mp->w[1][5];
    mp->w[1][5] = 1e12;
    expect_refusal(&m, 16, "mlp.layers[1].weights", "above the 32768 that a Q15.16 score holds");
    expect_refusal(&m, 8, "mlp.layers[1].weights", "above the 32768 that a Q15.16 score holds");
    mp->w[1][5] = saved;
    saved = mp->b[1][2];
    mp->b[1][2] = 1e300;
    expect_refusal(&m, 16, "mlp.layers[1].bias", "above the 32768 that a Q15.16 score holds");
    mp->b[1][2] = saved;
    /* A hidden weight of 1e308: its unit's step is coarsened, and the
     * output layer's step that follows is blamed on it. */
    saved = mp->w[0][0];
    mp->w[0][0] = 1e308;
    expect_refusal(&m, 16, "mlp.layers[0].weights", "above the 32768 that a Q15.16 score holds");
    /* With an input range of 65536, 1e308 times its input step is beyond a double. */
    range = m.input_range;
    m.input_range = 65536;
    expect_refusal(&m, 16, "mlp.layers[0].weights", "is beyond a double");
    m.input_range = range;
    mp->w[0][0] = saved;
    /* A calibrated range of 1e300 makes the next layer's steps too coarse. */
    saved = mp->act_max[2];
    mp->act_max[2] = 1e300;
    expect_refusal(&m, 16, "mlp.layers[1].weights", "above the 32768 that a Q15.16 score holds");
    mp->act_max[2] = saved;
    /* Shapes the format cannot hold: 513 16-bit inputs of a hidden layer
     * (fine as 8-bit inputs), 32768 classes, 256 layers. */
    keep = m.params;
    own = params_of(big, 2);
    m.params = own;
    expect_refusal(&m, 16, "mlp.sizes", "export with --bits 8");
    assert_int_equal(mlq_device_build(&m, 8, &dev, &err), 0);
    mlq_device_free(&dev);
    m.algo->params_free(own);
    own = params_of(many, 1);
    m.params = own;
    expect_refusal(&m, 16, "mlp.sizes", "32768 classes");
    m.algo->params_free(own);
    deep[0] = 4;
    for (l = 1; l < 256; l++)
        deep[l] = 1;
    deep[256] = 3;
    own = params_of(deep, 256);
    m.params = own;
    expect_refusal(&m, 16, "mlp.sizes", "256 layers");
    m.algo->params_free(own);
    own = params_of(deep + 1, 255); /* 255 layers of one input: the most the format holds */
    own->size[0] = 4;
    free(own->w[0]);
    own->w[0] = calloc(4, sizeof **own->w);
    assert_non_null(own->w[0]);
    m.params = own;
    assert_int_equal(mlq_device_build(&m, 16, &dev, &err), 0);
    mlq_device_free(&dev);
    m.algo->params_free(own);
    m.params = keep;
    /* After all that the untouched model still builds. */
    assert_int_equal(mlq_device_build(&m, 16, &dev, &err), 0);
    mlq_device_free(&dev);
    mlq_model_free(&m);
    mlq_model_free(&t);
    mlq_dataset_free(&d);
}

static void test_model_file_round_trip_and_validation(void **state)
{
    static const struct {
        const char *key, *value, *want;
    } cases[] = {
        {"activation", "\"sigmoid\"", "field 'mlp.activation' must be \"relu\" or \"tanh\""},
        {"activation", NULL, "missing field 'mlp.activation'"},
        {"bits", "12", "field 'mlp.bits' must be 8 or 16"},
        {"bits", "32", "field 'mlp.bits' must be an integer in [8, 16], not 32"},
        {"sizes", "[4]", "field 'mlp.sizes' must be an array of 2..256 layer widths"},
        {"sizes", "[4, 0, 3]", "field 'mlp.sizes' entry 1 must be an integer in [1, 65535]"},
        {"sizes", "[5, 8, 3]", "field 'mlp.sizes' must start with the 4 features and end with the 3 classes"},
        {"sizes", "[4, 9, 3]", "field 'mlp.layers[0].weights' has 16 rows, expected 9"},
        {"layers", "[]", "field 'mlp.layers' must be an array of 2 layers"},
        {"layers", NULL, "missing field 'mlp.layers'"},
        {"act_max", "[1, 1, 1, -1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]",
         "field 'mlp.act_max' entry 3 must be >= 0"},
        {"act_max", "[1, 2]", "field 'mlp.act_max' has 2 entries, expected 16"}, /* one per unit */
    };
    mlq_dataset d = {0};
    mlq_model m, back;
    mlq_err err = {{0}};
    char good[300], path[300];
    size_t i, l;

    (void)state;
    read_iris(&d);
    snprintf(good, sizeof good, "%s/good.json", dir);
    snprintf(path, sizeof path, "%s/bad.json", dir);
    assert_int_equal(train_model(&d, HYPER(""), 1, &m, &err), 0);
    cJSON_AddNumberToObject(m.training, "host_accuracy", host_accuracy(&m, &d));
    assert_int_equal(mlq_model_save(good, &m, &err), 0);
    assert_int_equal(mlq_model_load(good, &back, &err), 0);
    /* The file keeps at least 15 significant digits (cJSON's printing). */
    for (l = 0; l < 2; l++) {
        const mlp_params *p = m.params, *q = back.params;

        for (i = 0; i < p->size[l] * p->size[l + 1]; i++)
            assert_true(fabs(p->w[l][i] - q->w[l][i]) <= 1e-14 * fabs(p->w[l][i]));
        for (i = 0; i < p->size[l + 1]; i++)
            assert_true(fabs(p->b[l][i] - q->b[l][i]) <= 1e-14 * fabs(p->b[l][i]));
    }
    for (i = 0; i < 16; i++) /* one calibrated range per hidden unit */
        assert_true(fabs(((mlp_params *)back.params)->act_max[i] - ((mlp_params *)m.params)->act_max[i]) <=
                    1e-14 * ((mlp_params *)m.params)->act_max[i]);
    mlq_model_free(&back);
    /* A layer's weights with a NaN never reach the file. */
    ((mlp_params *)m.params)->w[1][3] = (double)NAN;
    assert_int_equal(mlq_model_save(path, &m, &err), -1);
    assert_int_equal(access(path, F_OK), -1);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_edited_model_error(good, path, "mlp", cases[i].key, cases[i].value, cases[i].want);
    mlq_model_free(&m);
    mlq_dataset_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trainer_learns_separable_data_and_is_deterministic),
        cmocka_unit_test(test_early_stopping_and_divergence),
        cmocka_unit_test(test_device_agrees_with_host_and_saturates),
        cmocka_unit_test(test_8bit_relu_codes_reach_170_of_255),
        cmocka_unit_test(test_bias_that_outweighs_its_weights_is_kept),
        cmocka_unit_test(test_tanh8_offset_fits_the_bias_bound),
        cmocka_unit_test(test_device_refuses_what_it_cannot_represent),
        cmocka_unit_test(test_model_file_round_trip_and_validation),
    };
    return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}
