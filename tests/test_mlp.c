/* SPDX-License-Identifier: MIT */
/*
 * MLP device kernel: the fixed-point tanh against double over every input;
 * every entry (predict, scores, proba; generic, relu16, relu8) bit for bit
 * against a direct integer reference written from mlq/mlp.h (natural-order
 * weights, int64 sums, exact floor division, the documented score scale and
 * winner rule) on random networks of every shape class (tail lengths 0..3,
 * one to three hidden layers, 8- and 16-bit activations, ReLU and tanh,
 * every shift range, identity, random and saturating score scales) and at
 * the extremes (INT16_MIN/MAX inputs, weights +-127, biases at their bound,
 * 512 16-bit inputs); mlq_mlp_check on every constraint; every error code
 * of every entry with output canaries. The trainer and the exporter are in
 * test_mlp_train.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mlq/mlp.h"
#include "mlq/score.h"
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
    assert_true(worst >= 1.4); /* the documented 1.52 is the real figure */
    assert_int_equal(mlq_mlp_tanh_q15(0), 0);
    assert_int_equal(mlq_mlp_tanh_q15(4096), 24956); /* round(32768 tanh 1) */
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
    int32_t score_mul;
    uint8_t score_shift;
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
        int in16 = l == 0 || r->bits == 16, last = l + 1 == r->n_layers;

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
        r->layers[l].shift = last ? 0 : r->shift[l];
        r->layers[l].w = r->wd[l];
        r->layers[l].bias = r->bias[l];
        r->layers[l].mul = last ? NULL : r->mul[l];
        if (!last && n_out > maxw)
            maxw = n_out;
    }
    r->m.n_features = (uint16_t)r->size[0];
    r->m.n_classes = (uint16_t)r->size[r->n_layers];
    r->m.max_width = (uint16_t)maxw;
    r->m.n_layers = (uint8_t)r->n_layers;
    r->m.bits = (uint8_t)r->bits;
    r->m.act = (uint8_t)r->act;
    r->m.score_shift = r->score_shift;
    r->m.score_mul = r->score_mul;
    r->m.layers = r->layers;
}

/* Exact logits and class of x by the documented arithmetic. */
static uint16_t ref_logits(const ref_net *r, const mlq_q15_t *x, int64_t *logits)
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
            if (r->act == MLQ_MLP_RELU) { /* 8-bit activations are unsigned */
                int64_t top = r->bits == 16 ? 32767 : 255;

                v = v < 0 ? 0 : v > top ? top : v;
            } else {
                v = mlq_mlp_tanh_q15((mlq_q15_t)(v < -32768 ? -32768 : v > 32767 ? 32767 : v));
                if (r->bits == 8) { /* Q1.7, then offset by 128 */
                    v = floor_div_pow2(v + 128, 8);
                    v = (v > 127 ? 127 : v) + 128;
                }
            }
            assert_true(v >= (r->bits == 8 ? 0 : -32767) && v <= (r->bits == 8 ? 255 : 32767));
            b[o] = v;
        }
        memcpy(a, b, n_out * sizeof *a);
    }
    for (o = 1; o < r->size[r->n_layers]; o++)
        if (logits[o] > logits[best])
            best = o;
    return (uint16_t)best;
}

/* The scores of exact logits: round(acc * score_mul / 2^score_shift) half
 * up, saturated to int32; then no lower index may reach the winner's score
 * and no higher one exceed it (mlq/score.h). */
static void ref_scores(const ref_net *r, const int64_t *logits, uint16_t best, int32_t *s)
{
    size_t k, n = r->size[r->n_layers];

    for (k = 0; k < n; k++) {
        int64_t v = logits[k] * r->score_mul;

        if (r->score_shift > 0)
            v = floor_div_pow2(v + ((int64_t)1 << (r->score_shift - 1)), r->score_shift);
        s[k] = v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : (int32_t)v;
    }
    if (best > 0 && s[best] == INT32_MIN)
        s[best] = INT32_MIN + 1;
    for (k = 0; k < n; k++) {
        if (k < best && s[k] >= s[best])
            s[k] = s[best] - 1;
        if (k > best && s[k] > s[best])
            s[k] = s[best];
    }
}

/* A random valid network; `extreme` puts weights at +-127, biases at their
 * bound and shifts anywhere in their range. score_kind: 0 identity (the
 * scores are the exact accumulators), 1 random, 2 saturating. */
static void ref_random(ref_net *r, size_t n_layers, const size_t *size, unsigned bits, int act,
                       int extreme, int score_kind)
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
        int64_t blim = INT32_MAX - (int64_t)n_in * (in16 ? 32768 : 255) * 127;
        int32_t lo = act == MLQ_MLP_RELU ? 33 : 1;

        for (i = 0; i < n_in * n_out; i++)
            r->wn[l][i] = (int8_t)(extreme ? ((next_u32() & 1) ? 127 : -127) : next_in(-127, 127));
        for (i = 0; i < n_out; i++) {
            r->bias[l][i] = extreme ? (int32_t)((next_u32() & 1) ? blim : -blim)
                                    : (int32_t)(next_in(-1000000, 1000000) % (blim + 1));
            r->mul[l][i] = (int32_t)(next_u32() >> 1);
        }
        /* Shifts near where the outputs land in range, and the 64-bit path
         * of tanh models (<= 32) too. */
        r->shift[l] = (uint8_t)(extreme ? next_in(lo, 62)
                                        : next_in(in16 ? 40 : lo == 1 ? 30 : 33, in16 ? 52 : 44));
    }
    r->score_mul = score_kind == 0 ? 1 : score_kind == 1 ? (int32_t)(next_u32() >> 1) | 1 : INT32_MAX;
    r->score_shift = (uint8_t)(score_kind == 1 ? next_in(0, 62) : 0);
    ref_build(r);
}

/* Every entry on x against the reference, with exactly the scratch the
 * model asks for (so that ASan sees any write beyond it), painted first:
 * the kernel must read nothing it did not write. */
static void check_net(const ref_net *r, const mlq_q15_t *x)
{
    size_t need = mlq_mlp_work_size(&r->m), n = r->m.n_classes, k, e;
    void *work = malloc(need);
    int64_t logits[MAXW];
    int32_t want[MAXW], got[MAXW];
    uint16_t wantp[MAXW], gotp[MAXW], cls;
    uint16_t best = ref_logits(r, x, logits);
    uint32_t sum = 0;

    assert_non_null(work);
    assert_int_equal(need, MLQ_MLP_WORK_BYTES(r->m.max_width, r->bits, n));
    assert_int_equal(mlq_mlp_check(&r->m), MLQ_OK);
    ref_scores(r, logits, best, want);
    mlq_proba_softmax(want, (uint16_t)n, best, wantp);
    for (e = 0; e < 3; e++) { /* generic, relu16, relu8 */
        mlq_status (*pred)(const mlq_mlp_q15 *, const mlq_q15_t *, uint16_t, void *, size_t, uint16_t *);
        mlq_status (*sc)(const mlq_mlp_q15 *, const mlq_q15_t *, uint16_t, void *, size_t, int32_t *);
        mlq_status (*pr)(const mlq_mlp_q15 *, const mlq_q15_t *, uint16_t, void *, size_t, uint16_t *);
        int ok = e == 0 || (r->act == MLQ_MLP_RELU && r->bits == (e == 1 ? 16u : 8u));
        mlq_status want_s = ok ? MLQ_OK : MLQ_ERR_MODEL;

        pred = e == 0 ? mlq_mlp_predict_q15 : e == 1 ? mlq_mlp_relu16_predict_q15 : mlq_mlp_relu8_predict_q15;
        sc = e == 0 ? mlq_mlp_scores_q15 : e == 1 ? mlq_mlp_relu16_scores_q15 : mlq_mlp_relu8_scores_q15;
        pr = e == 0 ? mlq_mlp_proba_q15 : e == 1 ? mlq_mlp_relu16_proba_q15 : mlq_mlp_relu8_proba_q15;
        cls = UINT16_MAX;
        memset(work, 0xa5, need);
        assert_int_equal(pred(&r->m, x, r->m.n_features, work, need, &cls), want_s);
        assert_int_equal(cls, ok ? best : UINT16_MAX);
        memset(work, 0x5a, need);
        memset(got, 0x77, sizeof got);
        assert_int_equal(sc(&r->m, x, r->m.n_features, work, need, got), want_s);
        for (k = 0; k < n; k++)
            assert_int_equal(got[k], ok ? want[k] : 0x77777777);
        memset(work, 0xc3, need);
        memset(gotp, 0x77, sizeof gotp);
        assert_int_equal(pr(&r->m, x, r->m.n_features, work, need, gotp), want_s);
        for (k = 0; k < n; k++)
            assert_int_equal(gotp[k], ok ? wantp[k] : 0x7777);
    }
    /* The promises of mlq/score.h, on the device's own outputs. */
    assert_int_equal(mlq_score_argmax(want, (uint16_t)n), best);
    assert_int_equal(mlq_proba_argmax(wantp, (uint16_t)n), best);
    for (k = 0; k < n; k++)
        sum += wantp[k];
    assert_int_equal(sum, MLQ_PROBA_ONE);
    free(work);
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
        ref_random(&r, n_layers, size, bits, act, t % 10 == 9, (int)((t / 12) % 3));
        for (i = 0; i < 8; i++) {
            size_t j;

            for (j = 0; j < size[0]; j++)
                x[j] = (mlq_q15_t)(i == 0 ? INT16_MIN : i == 1 ? INT16_MAX : next_q15());
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
    for (s = 0; s < 8; s++) {
        ref_random(&r, 2, size, s & 1 ? 8u : 16u, MLQ_MLP_RELU, 1, s & 4 ? 2 : 0);
        for (j = 0; j < size[0]; j++)
            x[j] = (mlq_q15_t)(s & 2 ? INT16_MIN : (j & 1) ? INT16_MAX : INT16_MIN);
        check_net(&r, x);
        /* Every weight and input of one sign: the largest sums the bound allows. */
        memset(r.wn[0], s & 2 ? 0x81 : 0x7f, size[0] * size[1]);
        ref_build(&r);
        check_net(&r, x);
    }
}

/* Saturated scores: every logit beyond +-32768 keeps the winner on top,
 * the lower indexes one unit below it. */
static void test_saturated_scores_keep_the_winner(void **state)
{
    static ref_net r;
    static const size_t size[2] = {1, 4};
    const mlq_q15_t x[1] = {INT16_MAX};
    mlq_work_t work[MLQ_WORK_ELEMS(MLQ_MLP_WORK_BYTES(0, 16, 4))];
    int32_t s[4];
    uint16_t p[4];

    (void)state;
    ref_random(&r, 1, size, 16, MLQ_MLP_RELU, 0, 2); /* score_mul INT32_MAX, shift 0 */
    r.bias[0][0] = 1000;
    r.bias[0][1] = 2000; /* the winner */
    r.bias[0][2] = 2000;
    r.bias[0][3] = -1000;
    memset(r.wn[0], 0, sizeof r.wn[0]);
    ref_build(&r);
    assert_int_equal(mlq_mlp_scores_q15(&r.m, x, 1, work, sizeof work, s), MLQ_OK);
    assert_int_equal(mlq_score_argmax(s, 4), 1);
    assert_int_equal(s[0], INT32_MAX - 1);
    assert_int_equal(s[1], INT32_MAX);
    assert_int_equal(s[2], INT32_MAX);
    assert_int_equal(s[3], INT32_MIN);
    assert_int_equal(mlq_mlp_proba_q15(&r.m, x, 1, work, sizeof work, p), MLQ_OK);
    assert_int_equal(p[0] + p[1] + p[2] + p[3], 32768);
    assert_true(p[1] > p[2] && p[3] == 0);
    /* 1.5 logits per unit, exactly: 98304 / 2^0 = 3145728 / 2^5 in Q15.16. */
    r.score_mul = 3145728;
    r.score_shift = 5;
    ref_build(&r);
    assert_int_equal(mlq_mlp_scores_q15(&r.m, x, 1, work, sizeof work, s), MLQ_OK);
    assert_int_equal(mlq_score_argmax(s, 4), 1);
    assert_int_equal(s[0], 98304000);
    assert_int_equal(s[1], 196608000);
    assert_int_equal(s[2], 196608000);
    assert_int_equal(s[3], -98304000);
    /* Rounding half up: 0.5 -> 1, 1.5 -> 2, -0.5 -> 0, -1.5 -> -1. */
    r.score_mul = 1;
    r.score_shift = 1;
    r.bias[0][0] = 1;
    r.bias[0][1] = 3;
    r.bias[0][2] = -1;
    r.bias[0][3] = -3;
    ref_build(&r);
    assert_int_equal(mlq_mlp_scores_q15(&r.m, x, 1, work, sizeof work, s), MLQ_OK);
    assert_int_equal(mlq_score_argmax(s, 4), 1);
    assert_int_equal(s[0], 1);
    assert_int_equal(s[1], 2);
    assert_int_equal(s[2], 0);
    assert_int_equal(s[3], -1);
    /* Rounding ties two logits (2 and 3 units at 1/4): the winner stays on top. */
    r.score_shift = 2;
    r.bias[0][0] = 3; /* 0.75 -> 1 */
    r.bias[0][1] = 4; /* 1 */
    ref_build(&r);
    assert_int_equal(mlq_mlp_scores_q15(&r.m, x, 1, work, sizeof work, s), MLQ_OK);
    assert_int_equal(mlq_score_argmax(s, 4), 1);
    assert_int_equal(s[0], 0);
    assert_int_equal(s[1], 1);
}

/* 8-bit activations are unsigned: a ReLU unit's codes go up to 255 (200,
 * 255 from 300, 0 from -5, 128 from the tie 127.5), tanh's are Q1.7 + 128
 * (0, 128, 225, 255), and the next layer multiplies those codes as they
 * are; at its bound an 8-bit layer's sum reaches +-INT32_MAX exactly. */
static void test_8bit_activations_are_unsigned_codes(void **state)
{
    static ref_net r;
    static const size_t size[3] = {1, 4, 3};
    static mlq_work_t work[MLQ_WORK_ELEMS(MLQ_MLP_WORK_BYTES(4, 8, 3))];
    const mlq_q15_t x[1] = {0};
    /* r = round(acc / 8): multiplier 2^30, shift 33. */
    static const int32_t relu_bias[4] = {1600, 2400, -40, 1020};
    static const int32_t tanh_bias[4] = {0, 262136, -320000, 32768};
    static const int8_t relu_w[3][4] = {{1, 0, 0, 0}, {0, 1, 0, 1}, {-127, 127, 127, -127}};
    static const int32_t relu_b[3] = {0, -180, 0};
    static const int8_t tanh_w[3][4] = {{1, 0, 0, 0}, {0, 0, 0, 1}, {0, 1, 1, 0}};
    static const int32_t tanh_b[3] = {0, -100, -127};
    int32_t s[3];
    uint16_t cls, p[3];
    size_t o, j, e;
    int64_t lim;

    (void)state;
    for (e = 0; e < 2; e++) {
        int tanh_act = e == 1;

        ref_random(&r, 2, size, 8, tanh_act ? MLQ_MLP_TANH : MLQ_MLP_RELU, 0, 0);
        for (o = 0; o < 4; o++) {
            r.wn[0][o] = 0;
            r.bias[0][o] = tanh_act ? tanh_bias[o] : relu_bias[o];
            r.mul[0][o] = 1 << 30;
        }
        r.shift[0] = 33;
        for (o = 0; o < 3; o++) {
            for (j = 0; j < 4; j++)
                r.wn[1][o * 4 + j] = tanh_act ? tanh_w[o][j] : relu_w[o][j];
            r.bias[1][o] = tanh_act ? tanh_b[o] : relu_b[o];
        }
        r.score_mul = 65536;
        ref_build(&r);
        check_net(&r, x);
        cls = UINT16_MAX;
        assert_int_equal(mlq_mlp_predict_q15(&r.m, x, 1, work, sizeof work, &cls), MLQ_OK);
        assert_int_equal(mlq_mlp_scores_q15(&r.m, x, 1, work, sizeof work, s), MLQ_OK);
        if (!tanh_act) { /* codes 200, 255, 0, 128 */
            assert_int_equal(cls, 1);
            assert_int_equal(s[0], 200 * 65536);
            assert_int_equal(s[1], (255 + 128 - 180) * 65536);
            assert_int_equal(s[2], 127 * (-200 + 255 + 0 - 128) * 65536);
            cls = UINT16_MAX;
            assert_int_equal(mlq_mlp_relu8_predict_q15(&r.m, x, 1, work, sizeof work, &cls),
                             MLQ_OK);
            assert_int_equal(cls, 1);
        } else { /* codes 128, 255, 0 (-32768 saturated) and 225 ((24956 + 128) >> 8 = 97, + 128) */
            assert_int_equal(cls, 0);  /* 128 ties class 2's 255 + 0 - 127: the lower index */
            assert_int_equal(s[0], 128 * 65536);
            assert_int_equal(s[1], (225 - 100) * 65536);
            assert_int_equal(s[2], 128 * 65536);
            assert_int_equal(mlq_mlp_relu8_predict_q15(&r.m, x, 1, work, sizeof work, &cls),
                             MLQ_ERR_MODEL);
        }
        assert_int_equal(mlq_mlp_proba_q15(&r.m, x, 1, work, sizeof work, p), MLQ_OK);
        assert_int_equal(p[0] + p[1] + p[2], 32768);
    }
    /* Every ReLU code 255 (bias 2400, r = 300), every weight +127 or -127
     * and the bias at its bound: the sums are +-INT32_MAX, exact. */
    ref_random(&r, 2, size, 8, MLQ_MLP_RELU, 0, 0);
    lim = INT32_MAX - (int64_t)4 * 255 * 127;
    for (o = 0; o < 4; o++) {
        r.wn[0][o] = 0;
        r.bias[0][o] = 2400;
        r.mul[0][o] = 1 << 30;
    }
    r.shift[0] = 33;
    for (j = 0; j < 4; j++) {
        r.wn[1][j] = 127;
        r.wn[1][4 + j] = -127;
        r.wn[1][8 + j] = (int8_t)(j & 1 ? 127 : -127);
    }
    r.bias[1][0] = (int32_t)lim;
    r.bias[1][1] = (int32_t)-lim;
    r.bias[1][2] = 7;
    r.score_mul = 1;
    r.score_shift = 0;
    ref_build(&r);
    check_net(&r, x);
    assert_int_equal(mlq_mlp_relu8_scores_q15(&r.m, x, 1, work, sizeof work, s), MLQ_OK);
    assert_int_equal(s[0], INT32_MAX);
    assert_int_equal(s[1], -INT32_MAX);
    assert_int_equal(s[2], 7);
}

/* ---- mlq_mlp_check and the per-call errors ---------------------------------- */

static void test_check_refuses_every_broken_constraint(void **state)
{
    static ref_net r, t;
    static const size_t size[4] = {5, 6, 4, 3};
    mlq_mlp_q15 bad;
    mlq_mlp_layer bl[3];
    int8_t wbad[6 * 8];
    int32_t bbad[6], mbad[6];
    int64_t lim = INT32_MAX - (int64_t)5 * 32768 * 127;

    (void)state;
    ref_random(&r, 3, size, 16, MLQ_MLP_RELU, 0, 1);
    assert_int_equal(mlq_mlp_check(&r.m), MLQ_OK);
#define BROKEN(stmt)                                                                           \
    do {                                                                                       \
        bad = r.m;                                                                             \
        memcpy(bl, r.layers, sizeof bl);                                                       \
        bad.layers = bl;                                                                       \
        stmt;                                                                                  \
        assert_int_equal(mlq_mlp_check(&bad), MLQ_ERR_MODEL);                                  \
    } while (0)
    BROKEN(bad.n_layers = 0);
    BROKEN(bad.layers = NULL);
    BROKEN(bad.bits = 12);
    BROKEN(bad.act = 0);
    BROKEN(bad.act = 7);
    BROKEN(bad.n_classes = 0);
    BROKEN(bad.n_classes = 4);
    BROKEN(bad.n_features = 0);
    BROKEN(bad.score_mul = 0);
    BROKEN(bad.score_mul = -5);
    BROKEN(bad.score_shift = 63);
    BROKEN(bad.max_width = 5);
    BROKEN(bl[1].n_in = 5);
    BROKEN(bl[0].n_out = 0);
    BROKEN(bl[1].w = NULL);
    BROKEN(bl[1].bias = NULL);
    BROKEN(bl[1].mul = NULL);
    BROKEN(bl[2].mul = r.mul[0]);
    BROKEN(bl[2].shift = 40);
    BROKEN(bl[0].shift = 32); /* ReLU models: 33..62 */
    BROKEN(bl[0].shift = 63);
    BROKEN(bad.act = MLQ_MLP_TANH; bl[1].shift = 0);
    /* The same constraints hold at their edges. */
    bad = r.m;
    memcpy(bl, r.layers, sizeof bl);
    bad.layers = bl;
    bl[0].shift = 62;
    bl[1].shift = 33;
    bad.score_shift = 62;
    bad.score_mul = 1;
    bad.max_width = 600;
    assert_int_equal(mlq_mlp_check(&bad), MLQ_OK);
    bad.act = MLQ_MLP_TANH;
    bl[0].shift = 1;
    assert_int_equal(mlq_mlp_check(&bad), MLQ_OK);
    /* A weight of -128, a negative multiplier, a bias one beyond its bound. */
    memcpy(wbad, r.wd[0], sizeof wbad);
    memcpy(bbad, r.bias[0], sizeof bbad);
    memcpy(mbad, r.mul[0], sizeof mbad);
    BROKEN(wbad[8 + 4] = INT8_MIN; bl[0].w = wbad);
    BROKEN(mbad[5] = -1; bl[0].mul = mbad);
    bbad[2] = (int32_t)lim;
    bad = r.m;
    memcpy(bl, r.layers, sizeof bl);
    bad.layers = bl;
    bl[0].bias = bbad;
    assert_int_equal(mlq_mlp_check(&bad), MLQ_OK);
    bbad[2] = (int32_t)-lim;
    assert_int_equal(mlq_mlp_check(&bad), MLQ_OK);
    BROKEN(bbad[2] = (int32_t)(lim + 1); bl[0].bias = bbad);
    BROKEN(bbad[2] = (int32_t)(-lim - 1); bl[0].bias = bbad);
    memcpy(wbad, r.wd[0], sizeof wbad);
    wbad[7] = INT8_MIN; /* padding of row 0 (5 inputs, row 8): never summed */
    bad = r.m;
    memcpy(bl, r.layers, sizeof bl);
    bad.layers = bl;
    bl[0].w = wbad;
    assert_int_equal(mlq_mlp_check(&bad), MLQ_OK);
#undef BROKEN
    /* A layer with 8-bit inputs (codes up to 255): its bias bound. */
    {
        int32_t b8[4];
        int64_t lim8 = INT32_MAX - (int64_t)6 * 255 * 127;

        ref_random(&t, 3, size, 8, MLQ_MLP_RELU, 0, 1);
        memcpy(b8, t.bias[1], sizeof b8);
        t.layers[1].bias = b8;
        b8[3] = (int32_t)lim8;
        assert_int_equal(mlq_mlp_check(&t.m), MLQ_OK);
        b8[3] = (int32_t)-lim8;
        assert_int_equal(mlq_mlp_check(&t.m), MLQ_OK);
        b8[3] = (int32_t)(lim8 + 1);
        assert_int_equal(mlq_mlp_check(&t.m), MLQ_ERR_MODEL);
        b8[3] = (int32_t)(-lim8 - 1);
        assert_int_equal(mlq_mlp_check(&t.m), MLQ_ERR_MODEL);
        t.m.bits = 16; /* as 16-bit inputs the same bias is far beyond */
        b8[3] = (int32_t)lim8;
        assert_int_equal(mlq_mlp_check(&t.m), MLQ_ERR_MODEL);
    }
    /* More than MLQ_MLP_MAX_IN16 16-bit inputs; as 8-bit inputs of a
     * hidden layer they are fine. */
    {
        size_t sz[3] = {MLQ_MLP_MAX_IN16 + 1, 2, 2}, sz8[3] = {3, MLQ_MLP_MAX_IN16 + 1, 2};

        ref_random(&t, 1, sz, 16, MLQ_MLP_RELU, 0, 0);
        assert_int_equal(mlq_mlp_check(&t.m), MLQ_ERR_MODEL);
        ref_random(&t, 2, sz8, 8, MLQ_MLP_RELU, 0, 0);
        assert_int_equal(mlq_mlp_check(&t.m), MLQ_OK);
        t.m.bits = 16;
        assert_int_equal(mlq_mlp_check(&t.m), MLQ_ERR_MODEL);
    }
}

/* Entry e: e / 3 predict, scores, proba; e % 3 generic, relu16, relu8. */
static mlq_status call_entry(size_t e, const mlq_mlp_q15 *m, const mlq_q15_t *x, uint16_t n,
                             void *work, size_t work_size, void *out)
{
    switch (e) {
    case 0: return mlq_mlp_predict_q15(m, x, n, work, work_size, out);
    case 1: return mlq_mlp_relu16_predict_q15(m, x, n, work, work_size, out);
    case 2: return mlq_mlp_relu8_predict_q15(m, x, n, work, work_size, out);
    case 3: return mlq_mlp_scores_q15(m, x, n, work, work_size, out);
    case 4: return mlq_mlp_relu16_scores_q15(m, x, n, work, work_size, out);
    case 5: return mlq_mlp_relu8_scores_q15(m, x, n, work, work_size, out);
    case 6: return mlq_mlp_proba_q15(m, x, n, work, work_size, out);
    case 7: return mlq_mlp_relu16_proba_q15(m, x, n, work, work_size, out);
    default: return mlq_mlp_relu8_proba_q15(m, x, n, work, work_size, out);
    }
}

/* The status of entry e, with its output canary intact unless it succeeds. */
static mlq_status try_entry(size_t e, const mlq_mlp_q15 *m, const mlq_q15_t *x, uint16_t n,
                            void *work, size_t work_size)
{
    int32_t out[4] = {0x77777777, 0x77777777, 0x77777777, 0x77777777};
    mlq_status s = call_entry(e, m, x, n, work, work_size, out);

    if (s != MLQ_OK) {
        assert_int_equal(out[0], 0x77777777);
        assert_int_equal(out[1], 0x77777777);
    }
    assert_int_equal(out[3], 0x77777777); /* 3 outputs: never beyond them */
    return s;
}

static void test_every_error_code_leaves_the_output_alone(void **state)
{
    static ref_net r16, r8, rt;
    static const size_t size[4] = {5, 6, 4, 3};
    static mlq_work_t work[MLQ_WORK_ELEMS(MLQ_MLP_WORK_BYTES(6, 16, 3)) + 2];
    const mlq_q15_t x[6] = {1, 2, 3, 4, 5, 6};
    uint8_t *w8 = (uint8_t *)work;
    size_t need, e;

    (void)state;
    ref_random(&r16, 3, size, 16, MLQ_MLP_RELU, 0, 1);
    ref_random(&r8, 3, size, 8, MLQ_MLP_RELU, 0, 1);
    ref_random(&rt, 3, size, 16, MLQ_MLP_TANH, 0, 1);
    need = mlq_mlp_work_size(&r16.m);
    assert_int_equal(need, MLQ_MLP_WORK_BYTES(6, 16, 3));
    /* Two buffers, each the larger of the activations (to a word) and the logits. */
    assert_int_equal(MLQ_MLP_WORK_BYTES(6, 16, 3), 2 * 12);
    assert_int_equal(MLQ_MLP_WORK_BYTES(5, 8, 3), 2 * 12);
    assert_int_equal(MLQ_MLP_WORK_BYTES(5, 8, 1), 2 * 8);
    assert_int_equal(MLQ_MLP_WORK_BYTES(7, 16, 2), 2 * 16);
    assert_int_equal(MLQ_MLP_WORK_BYTES(0, 16, 10), 2 * 40);
    assert_int_equal(mlq_mlp_work_size(&r8.m), MLQ_MLP_WORK_BYTES(6, 8, 3));
    for (e = 0; e < 9; e++) {
        int relu = e % 3 != 0;

        /* One unit too few, no scratch, scratch not aligned as mlq_work_t. */
        assert_int_equal(try_entry(e, &r16.m, x, 4, work, sizeof work), MLQ_ERR_SIZE);
        assert_int_equal(try_entry(e, &r16.m, x, 6, NULL, 0), MLQ_ERR_SIZE); /* sizes first */
        assert_int_equal(try_entry(e, &r16.m, x, 5, work, need - 1),
                         e % 3 == 2 ? MLQ_ERR_MODEL : MLQ_ERR_BUFFER);
        assert_int_equal(try_entry(e, &r8.m, x, 5, work, mlq_mlp_work_size(&r8.m) - 1),
                         e % 3 == 1 ? MLQ_ERR_MODEL : MLQ_ERR_BUFFER);
        assert_int_equal(try_entry(e, &rt.m, x, 5, NULL, need), relu ? MLQ_ERR_MODEL : MLQ_ERR_BUFFER);
        assert_int_equal(try_entry(e, &rt.m, x, 5, w8 + 1, need), relu ? MLQ_ERR_MODEL : MLQ_ERR_BUFFER);
        if (MLQ_WORK_ALIGN > 2)
            assert_int_equal(try_entry(e, &r16.m, x, 5, w8 + MLQ_WORK_ALIGN / 2, need),
                             e % 3 == 2 ? MLQ_ERR_MODEL : MLQ_ERR_BUFFER);
        /* Exactly the scratch asked for, at any address aligned as mlq_work_t. */
        assert_int_equal(try_entry(e, &r16.m, x, 5, w8 + MLQ_WORK_ALIGN, need),
                         e % 3 == 2 ? MLQ_ERR_MODEL : MLQ_OK);
        assert_int_equal(try_entry(e, &r8.m, x, 5, work, mlq_mlp_work_size(&r8.m)),
                         e % 3 == 1 ? MLQ_ERR_MODEL : MLQ_OK);
        assert_int_equal(try_entry(e, &rt.m, x, 5, work, need), relu ? MLQ_ERR_MODEL : MLQ_OK);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tanh_within_bound_over_every_input),
        cmocka_unit_test(test_kernel_matches_reference_on_random_networks),
        cmocka_unit_test(test_extremes_do_not_overflow),
        cmocka_unit_test(test_saturated_scores_keep_the_winner),
        cmocka_unit_test(test_8bit_activations_are_unsigned_codes),
        cmocka_unit_test(test_check_refuses_every_broken_constraint),
        cmocka_unit_test(test_every_error_code_leaves_the_output_alone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
