/* SPDX-License-Identifier: MIT */
/*
 * MLP: the fixed-point tanh against double over every input; the device
 * kernel bit for bit against a direct integer reference written from
 * mlq/mlp.h (natural-order weights, int64 sums, exact floor division) on
 * random networks of every shape class (tail lengths 0..3, one to three
 * hidden layers, 8- and 16-bit activations, ReLU and tanh, every shift
 * range) and at the extremes (INT16_MIN/MAX inputs, weights +-127, biases at
 * their bound, 512 16-bit inputs); every error code with output canaries;
 * the trainer (learns separable data, deterministic for a seed, Adam and
 * SGD, early stopping, divergence stops with no model); the exporter (host
 * vs device agreement and logits, saturation of extreme inputs, both
 * activation widths); the model file's round trip and validation.
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
#include "mlp_params.h"
#include "mlq/mlp.h"
#include "model.h"
#include "test_rng.h"

static int32_t next_in(int32_t lo, int32_t hi)
{
    return lo + (int32_t)(next_u32() % (uint32_t)(hi - lo + 1));
}

/* ---- tanh ------------------------------------------------------------------ */

static void test_tanh_within_bound_over_every_input(void **state)
{
    int32_t u;
    double worst = 0.0;
    mlq_q15_t prev = INT16_MIN;

    (void)state;
    for (u = INT16_MIN; u <= INT16_MAX; u++) {
        double exact = 32768.0 * tanh((double)u / 4096.0);
        mlq_q15_t got = mlq_mlp_tanh_q15((mlq_q15_t)u);

        if (exact > 32767.0)
            exact = 32767.0;
        if (fabs(got - exact) > worst)
            worst = fabs(got - exact);
        assert_true(got >= prev);
        prev = got;
        if (u > INT16_MIN)
            assert_int_equal(mlq_mlp_tanh_q15((mlq_q15_t)-u), -got);
    }
    assert_true(worst <= 1.6);
    assert_int_equal(mlq_mlp_tanh_q15(0), 0);
    assert_int_equal(mlq_mlp_tanh_q15(INT16_MAX), 32767);
    assert_int_equal(mlq_mlp_tanh_q15(INT16_MIN), -32767);
}

/* ---- a reference network, written from mlq/mlp.h -------------------------- */

#define MAXL 4
#define MAXW 600

typedef struct ref_net {
    size_t n_layers, size[MAXL + 1];
    unsigned bits;
    int act;                        /* MLQ_MLP_RELU or MLQ_MLP_TANH */
    int8_t wn[MAXL][MAXW * 16];     /* natural order [n_out][n_in] */
    int32_t bias[MAXL][MAXW];
    int32_t mul[MAXL][MAXW];
    uint8_t shift[MAXL];
    /* the device model built from it */
    int8_t wd[MAXL][MAXW * 16] MLQ_ALIGN4;
    mlq_mlp_layer layers[MAXL];
    mlq_mlp_q15 m;
} ref_net;

static size_t row_of(size_t n)
{
    return (n + 3) & ~(size_t)3;
}

/* floor(p / 2^s) for any sign, by division. */
static int64_t floor_div_pow2(int64_t p, unsigned s)
{
    int64_t d = (int64_t)1 << s, q = p / d;

    if (p % d != 0 && p < 0)
        q--;
    return q;
}

/* The device layout of the natural-order weights. */
static void ref_build(ref_net *r)
{
    size_t l, o, j, maxw = 0;

    for (l = 0; l < r->n_layers; l++) {
        size_t n_in = r->size[l], n_out = r->size[l + 1], row = row_of(n_in);
        int in16 = l == 0 || r->bits == 16;

        /* Padding weights are documented as zero; non-zero ones must not
         * matter either (16-bit inputs never read them, 8-bit inputs meet
         * the zeros the kernel writes after the activations). */
        memset(r->wd[l], 0x55, n_out * row);
        for (o = 0; o < n_out; o++)
            for (j = 0; j < n_in; j++) {
                size_t pos = j;

                if (in16 && j < (n_in & ~(size_t)3))
                    pos = (j & ~(size_t)3) + (size_t)((const int[]){0, 2, 1, 3})[j & 3];
                r->wd[l][o * row + pos] = r->wn[l][o * n_in + j];
            }
        r->layers[l].n_in = (uint16_t)n_in;
        r->layers[l].n_out = (uint16_t)n_out;
        r->layers[l].act = (uint8_t)(l + 1 == r->n_layers ? MLQ_MLP_LINEAR : r->act);
        r->layers[l].shift = l + 1 == r->n_layers ? 0 : r->shift[l];
        r->layers[l].w = r->wd[l];
        r->layers[l].bias = r->bias[l];
        r->layers[l].mul = l + 1 == r->n_layers ? NULL : r->mul[l];
        if (l + 1 < r->n_layers && n_out > maxw)
            maxw = n_out;
    }
    r->m.n_features = (uint16_t)r->size[0];
    r->m.n_classes = (uint16_t)r->size[r->n_layers];
    r->m.max_width = (uint16_t)maxw;
    r->m.n_layers = (uint8_t)r->n_layers;
    r->m.bits = (uint8_t)r->bits;
    r->m.layers = r->layers;
}

/* Logits and class of x by the documented arithmetic. */
static int ref_predict(const ref_net *r, const mlq_q15_t *x, int64_t *logits)
{
    int64_t a[MAXW], b[MAXW];
    size_t l, o, j, best = 0;

    for (j = 0; j < r->size[0]; j++)
        a[j] = x[j];
    for (l = 0; l < r->n_layers; l++) {
        size_t n_in = r->size[l], n_out = r->size[l + 1];

        for (o = 0; o < n_out; o++) {
            int64_t acc = r->bias[l][o], v;

            for (j = 0; j < n_in; j++)
                acc += a[j] * r->wn[l][o * n_in + j];
            assert_true(acc >= INT32_MIN && acc <= INT32_MAX); /* the bound holds */
            if (l + 1 == r->n_layers) {
                logits[o] = acc;
                continue;
            }
            v = floor_div_pow2(acc * r->mul[l][o] + ((int64_t)1 << (r->shift[l] - 1)), r->shift[l]);
            if (r->act == MLQ_MLP_RELU) {
                int64_t top = r->bits == 16 ? 32767 : 127;

                v = v < 0 ? 0 : v > top ? top : v;
            } else {
                v = mlq_mlp_tanh_q15((mlq_q15_t)(v < -32768 ? -32768 : v > 32767 ? 32767 : v));
                if (r->bits == 8) {
                    v = floor_div_pow2(v + 128, 8);
                    v = v > 127 ? 127 : v;
                }
            }
            b[o] = v;
        }
        memcpy(a, b, n_out * sizeof *a);
    }
    for (o = 1; o < r->size[r->n_layers]; o++)
        if (logits[o] > logits[best])
            best = o;
    return (int)best;
}

/* A random valid network; `extreme` puts weights at +-127 and biases at their bound. */
static void ref_random(ref_net *r, size_t n_layers, const size_t *size, unsigned bits, int act,
                       int extreme)
{
    size_t l, i;

    memset(r, 0, sizeof *r);
    r->n_layers = n_layers;
    memcpy(r->size, size, (n_layers + 1) * sizeof *size);
    r->bits = bits;
    r->act = act;
    for (l = 0; l < n_layers; l++) {
        size_t n_in = size[l], n_out = size[l + 1];
        int in16 = l == 0 || bits == 16;
        int64_t blim = 2147483647 - (int64_t)n_in * (in16 ? 32768 : 128) * 127;

        for (i = 0; i < n_in * n_out; i++)
            r->wn[l][i] = (int8_t)(extreme ? ((next_u32() & 1) ? 127 : -127) : next_in(-127, 127));
        for (i = 0; i < n_out; i++) {
            r->bias[l][i] = extreme ? (int32_t)((next_u32() & 1) ? blim : -blim)
                                    : (int32_t)(next_in(-1000000, 1000000) % (blim + 1));
            r->mul[l][i] = (int32_t)(next_u32() >> 1);
        }
        /* Shifts near where the outputs land in range, and the slow path (<= 32) too. */
        r->shift[l] = (uint8_t)(extreme ? next_in(1, 62) : next_in(in16 ? 40 : 32, in16 ? 52 : 44));
    }
    ref_build(r);
}

static void check_net(const ref_net *r, const mlq_q15_t *x)
{
    static uint32_t work[MLQ_MLP_WORK_WORDS(MAXW, 16)];
    int64_t want[MAXW];
    int32_t got[MAXW];
    uint16_t cls = UINT16_MAX;
    int expect = ref_predict(r, x, want);
    size_t k;

    memset(work, 0xa5, sizeof work); /* the kernel reads nothing it did not write */
    assert_int_equal(mlq_mlp_logits_q15(&r->m, x, r->m.n_features, work, sizeof work, got), MLQ_OK);
    for (k = 0; k < r->m.n_classes; k++)
        assert_true(got[k] == want[k]);
    memset(work, 0x5a, sizeof work);
    assert_int_equal(mlq_mlp_predict_q15(&r->m, x, r->m.n_features, work, sizeof work, &cls), MLQ_OK);
    assert_int_equal(cls, expect);
    if (r->act == MLQ_MLP_RELU || r->n_layers == 1) {
        /* The ReLU entries take shifts 33..62 only. */
        size_t l;
        int wide = 0;
        mlq_status s;

        for (l = 0; l + 1 < r->n_layers; l++)
            wide |= r->shift[l] <= 32;
        cls = UINT16_MAX;
        memset(work, 0xa5, sizeof work);
        s = r->bits == 16 ? mlq_mlp_relu16_predict_q15(&r->m, x, r->m.n_features, work, sizeof work, &cls)
                          : mlq_mlp_relu8_predict_q15(&r->m, x, r->m.n_features, work, sizeof work, &cls);
        assert_int_equal(s, wide ? MLQ_ERR_MODEL : MLQ_OK);
        assert_int_equal(cls, wide ? UINT16_MAX : expect);
    }
}

static void test_kernel_matches_reference_on_random_networks(void **state)
{
    static ref_net r;
    static const size_t ins[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 33};
    mlq_q15_t x[64];
    size_t t, i;

    (void)state;
    for (t = 0; t < 600; t++) {
        size_t size[MAXL + 1], n_layers = 1 + t % 3, l;
        unsigned bits = (t / 3) % 2 ? 8u : 16u;
        int act = (t / 6) % 2 ? MLQ_MLP_TANH : MLQ_MLP_RELU;

        size[0] = ins[t % (sizeof ins / sizeof ins[0])];
        for (l = 1; l < n_layers; l++)
            size[l] = (size_t)next_in(1, 11);
        size[n_layers] = (size_t)next_in(1, 7);
        ref_random(&r, n_layers, size, bits, act, t % 10 == 9);
        for (i = 0; i < 8; i++) {
            size_t j;

            for (j = 0; j < size[0]; j++)
                x[j] = (mlq_q15_t)(i == 0 ? INT16_MIN : i == 1 ? INT16_MAX : next_in(INT16_MIN, INT16_MAX));
            check_net(&r, x);
        }
        /* An input at an odd halfword address (not word-aligned). */
        memmove(x + 1, x, size[0] * sizeof *x);
        check_net(&r, x + 1);
    }
}

static void test_extremes_do_not_overflow(void **state)
{
    static ref_net r;
    static mlq_q15_t x[MLQ_MLP_MAX_IN16];
    size_t size[3] = {MLQ_MLP_MAX_IN16, 5, 3}, j;
    int s;

    (void)state;
    for (s = 0; s < 4; s++) {
        ref_random(&r, 2, size, s & 1 ? 8u : 16u, MLQ_MLP_RELU, 1);
        for (j = 0; j < size[0]; j++)
            x[j] = (mlq_q15_t)(s & 2 ? INT16_MIN : (j & 1) ? INT16_MAX : INT16_MIN);
        check_net(&r, x);
        /* Every weight and input of one sign: the largest sums the bound allows. */
        memset(r.wn[0], s & 2 ? 0x81 : 0x7f, size[0] * size[1]);
        ref_build(&r);
        check_net(&r, x);
    }
}

/* ---- error codes ------------------------------------------------------------ */

static void test_every_error_code_leaves_the_output_alone(void **state)
{
    static ref_net r;
    static const size_t size[4] = {5, 6, 4, 3};
    uint32_t work[MLQ_MLP_WORK_WORDS(6, 16) + 1];
    const mlq_q15_t x[6] = {1, 2, 3, 4, 5, 6};
    uint16_t cls = UINT16_MAX;
    int32_t logits[3] = {7, 7, 7};
    mlq_mlp_q15 bad;
    mlq_mlp_layer bl[3];

    (void)state;
    ref_random(&r, 3, size, 16, MLQ_MLP_RELU, 0);
    assert_int_equal(mlq_mlp_work_size(&r.m), MLQ_MLP_WORK_BYTES(6, 16));
    assert_int_equal(MLQ_MLP_WORK_BYTES(6, 16), 24);
    assert_int_equal(MLQ_MLP_WORK_BYTES(5, 8), 16);
    assert_int_equal(mlq_mlp_predict_q15(&r.m, x, 4, work, sizeof work, &cls), MLQ_ERR_SIZE);
    assert_int_equal(mlq_mlp_predict_q15(&r.m, x, 5, work, 23, &cls), MLQ_ERR_BUFFER);
    assert_int_equal(mlq_mlp_predict_q15(&r.m, x, 5, (uint8_t *)work + 2, 24, &cls), MLQ_ERR_BUFFER);
    assert_int_equal(mlq_mlp_predict_q15(&r.m, x, 5, NULL, 24, &cls), MLQ_ERR_BUFFER);
    assert_int_equal(mlq_mlp_relu8_predict_q15(&r.m, x, 5, work, sizeof work, &cls), MLQ_ERR_MODEL);
    assert_int_equal(mlq_mlp_logits_q15(&r.m, x, 4, work, sizeof work, logits), MLQ_ERR_SIZE);
    /* One broken field at a time. */
#define BROKEN(stmt)                                                                           \
    do {                                                                                       \
        bad = r.m;                                                                             \
        memcpy(bl, r.layers, sizeof bl);                                                       \
        bad.layers = bl;                                                                       \
        stmt;                                                                                  \
        assert_int_equal(mlq_mlp_predict_q15(&bad, x, 5, work, sizeof work, &cls), MLQ_ERR_MODEL); \
        assert_int_equal(mlq_mlp_logits_q15(&bad, x, 5, work, sizeof work, logits), MLQ_ERR_MODEL); \
    } while (0)
    BROKEN(bad.n_layers = 0);
    BROKEN(bad.layers = NULL);
    BROKEN(bad.bits = 12);
    BROKEN(bl[1].n_in = 5);
    BROKEN(bl[0].n_out = 0);
    BROKEN(bl[1].w = NULL);
    BROKEN(bl[1].bias = NULL);
    BROKEN(bl[1].mul = NULL);
    BROKEN(bl[0].shift = 0);
    BROKEN(bl[0].shift = 63);
    BROKEN(bl[0].act = 7);
    BROKEN(bl[2].act = MLQ_MLP_RELU);
    BROKEN(bad.n_classes = 4);
    BROKEN(bad.max_width = 4);
#undef BROKEN
    /* tanh layers are refused by the ReLU entries. */
    bad = r.m;
    memcpy(bl, r.layers, sizeof bl);
    bad.layers = bl;
    bl[0].act = MLQ_MLP_TANH;
    assert_int_equal(mlq_mlp_relu16_predict_q15(&bad, x, 5, work, sizeof work, &cls), MLQ_ERR_MODEL);
    assert_int_equal(mlq_mlp_predict_q15(&bad, x, 5, work, sizeof work, &cls), MLQ_OK);
    cls = UINT16_MAX;
    /* More than MLQ_MLP_MAX_IN16 16-bit inputs. */
    {
        static ref_net big;
        static mlq_q15_t xx[MLQ_MLP_MAX_IN16 + 1];
        size_t sz[2] = {MLQ_MLP_MAX_IN16 + 1, 2};

        ref_random(&big, 1, sz, 16, MLQ_MLP_RELU, 0);
        assert_int_equal(mlq_mlp_predict_q15(&big.m, xx, (uint16_t)sz[0], work, sizeof work, &cls),
                         MLQ_ERR_MODEL);
    }
    assert_int_equal(cls, UINT16_MAX);
    assert_int_equal(logits[0], 7);
    assert_int_equal(logits[2], 7);
}

/* ---- trainer, exporter, model file ----------------------------------------- */

static char dir[] = "/tmp/mlq_test_mlp_XXXXXX";

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

static void test_device_agrees_with_host_and_saturates(void **state)
{
    mlq_dataset d = {0};
    mlq_model m;
    mlq_err err = {{0}};
    mlq_device dev;
    unsigned bits;
    size_t i, k;

    (void)state;
    read_iris(&d);
    assert_int_equal(train_model(&d, HYPER(""), 1, &m, &err), 0);
    for (bits = 8; bits <= 16; bits += 8) {
        size_t agree = 0;
        double worst = 0.0, span = 0.0;

        assert_int_equal(mlq_device_build(&m, bits, &dev, &err), 0);
        assert_int_equal(dev.bits, bits);
        assert_int_equal(dev.clipped, 0);
        for (i = 0; i < d.n_rows; i++) {
            double z[4], hs[3], ds[3];
            int c;

            assert_int_equal(mlq_device_predict(&dev, d.x + i * 4, &c), MLQ_OK);
            mlq_model_standardize(&m, d.x + i * 4, z);
            agree += c == m.algo->predict(&m, z);
            m.algo->host_scores(&m, z, hs);
            assert_int_equal(mlq_device_scores(&dev, d.x + i * 4, ds), MLQ_OK);
            for (k = 0; k < 3; k++) {
                worst = fmax(worst, fabs(hs[k] - ds[k]));
                span = fmax(span, fabs(hs[k]));
            }
        }
        /* The stated tolerance: at least 97% of rows agree, logits within 5% of their range. */
        assert_true(agree >= d.n_rows * 97 / 100);
        assert_true(worst <= 0.05 * span);
        /* Inputs far outside the training range saturate: a class, never a wrap. */
        for (i = 0; i < 64; i++) {
            double x[4];
            int c = -1;

            for (k = 0; k < 4; k++)
                x[k] = ((i >> k) & 1 ? 1 : -1) * (i & 16 ? 1e30 : 1e6);
            assert_int_equal(mlq_device_predict(&dev, x, &c), MLQ_OK);
            assert_true(c >= 0 && c < 3);
        }
        mlq_device_free(&dev);
    }
    /* Without --bits the model's own width is used. */
    ((mlp_params *)m.params)->bits = 8;
    assert_int_equal(mlq_device_build(&m, 0, &dev, &err), 0);
    assert_int_equal(dev.bits, 8);
    mlq_device_free(&dev);
    mlq_model_free(&m);
    mlq_dataset_free(&d);
}

static void write_json(const char *path, cJSON *root)
{
    char *text = cJSON_Print(root);
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    free(text);
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
    char good[300], path[300], want[600];
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
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        FILE *f = fopen(good, "r");
        char buf[1 << 16];
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        cJSON *root, *obj;

        fclose(f);
        buf[n] = '\0';
        root = cJSON_Parse(buf);
        obj = cJSON_GetObjectItemCaseSensitive(root, "mlp");
        cJSON_DeleteItemFromObjectCaseSensitive(obj, cases[i].key);
        if (cases[i].value != NULL)
            cJSON_AddItemToObject(obj, cases[i].key, cJSON_Parse(cases[i].value));
        write_json(path, root);
        cJSON_Delete(root);
        assert_int_equal(mlq_model_load(path, &back, &err), -1);
        snprintf(want, sizeof want, "%s: %s", path, cases[i].want);
        assert_string_equal(err.msg, want);
    }
    mlq_model_free(&m);
    mlq_dataset_free(&d);
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
    char cmd[300];

    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tanh_within_bound_over_every_input),
        cmocka_unit_test(test_kernel_matches_reference_on_random_networks),
        cmocka_unit_test(test_extremes_do_not_overflow),
        cmocka_unit_test(test_every_error_code_leaves_the_output_alone),
        cmocka_unit_test(test_trainer_learns_separable_data_and_is_deterministic),
        cmocka_unit_test(test_early_stopping_and_divergence),
        cmocka_unit_test(test_device_agrees_with_host_and_saturates),
        cmocka_unit_test(test_model_file_round_trip_and_validation),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
