/* SPDX-License-Identifier: MIT */
/*
 * MLP regression (--task regress): the squared loss and its gradient
 * against finite differences (and the softmax's, which shares the code); a
 * small network learning a known linear function, deterministically, with
 * and without early stopping; the trainer's errors; the device's one score
 * against the host's prediction within the stated bound at 16- and 8-bit
 * activations, with the output layer's weights exact; saturation of inputs
 * far outside the training range (at the header's bounds) and of the score
 * itself (never a wrap); the device's training report, note, info lines and
 * header; the model file's round trip and its errors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "algo.h"
#include "csv.h"
#include "device_algo.h"
#include "export.h"
#include "export_mlp.h"
#include "mlp_backprop.h"
#include "mlp_params.h"
#include "mlq/mlp.h"
#include "model.h"
#include "model_edit_test.h"
#include "test_rng.h"

static char dir[] = "/tmp/mlq_test_mlp_regress_XXXXXX";
#include "tmpdir_test.h"

/* The test's hyperparameters, every option of the table filled in. */
#define HYPER                                                                                   \
    "{\"task\": \"regress\", \"hidden\": \"8\", \"activation\": \"relu\", \"optimizer\": "      \
    "\"adam\", \"lr\": 0.01, \"momentum\": 0.9, \"batch\": 16, \"epochs\": 300, \"l2\": 0.0001, " \
    "\"validation\": 0, \"patience\": 10, \"bits\": \"16\"}"

/* A uniform number in [-1, 1) of the test generator. */
static double uniform(void)
{
    return (double)next_u32() / 2147483648.0 - 1.0;
}

/* The known function the network learns. */
static double known(const double *x)
{
    return 3.0 + 2.0 * x[0] - x[1] + 0.5 * x[2];
}

/* n rows of three features uniform in [-1, 1] (the generator started at seed) and target
 * known(x), into dir/name.csv; the dataset read back in d. */
static void linear_data(const char *name, uint32_t seed, size_t n, mlq_dataset *d)
{
    char path[300];
    mlq_err err = {{0}};
    FILE *f;
    size_t i;

    rng_state = seed;
    snprintf(path, sizeof path, "%s/%s.csv", dir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("x0,x1,x2,target\n", f);
    for (i = 0; i < n; i++) {
        double x[3] = {uniform(), uniform(), uniform()};

        fprintf(f, "%.17g,%.17g,%.17g,%.17g\n", x[0], x[1], x[2], known(x));
    }
    fclose(f);
    assert_int_equal(mlq_csv_read(path, NULL, MLQ_TARGET_REQUIRED, NULL, 0, d, &err), 0);
    assert_non_null(d->t);
    assert_null(d->y);
}

/* Train m on d with HYPER, the keys of the JSON object `change` replaced, and seed 5. */
static int train(const mlq_dataset *d, const char *change, mlq_model *m, mlq_err *err)
{
    cJSON *hyper = cJSON_Parse(HYPER), *ch = cJSON_Parse(change), *it;

    assert_non_null(hyper);
    assert_non_null(ch);
    cJSON_ArrayForEach(it, ch)
    {
        assert_non_null(cJSON_GetObjectItemCaseSensitive(hyper, it->string));
        cJSON_ReplaceItemInObjectCaseSensitive(hyper, it->string, cJSON_Duplicate(it, 1));
    }
    cJSON_Delete(ch);
    return mlq_model_train(m, &mlq_algo_mlp, d, hyper, 5, 0, NULL, err);
}

/* The host's prediction of raw row x, in target units. */
static double host_value(const mlq_model *m, const double *x)
{
    double z[3], s = (double)NAN;

    mlq_model_standardize(m, x, z);
    m->algo->host_scores(m, z, &s);
    return mlq_target_of_z(m, s);
}

/* ---- the loss and its gradient ------------------------------------------ */

/* The objective of the batch computed from the definition (mlp_backprop.h)
 * with the model's own forward pass. */
static double objective(const mlp_params *mp, const double *z, const mlp_targets *tg, size_t nb,
                        double l2)
{
    double out[3], buf[16], loss = 0.0;
    size_t i, k, n_out = mp->size[mp->n_layers];

    for (i = 0; i < nb; i++) {
        mlp_forward_row(mp, z + i * mp->size[0], out, buf);
        if (tg->t != NULL) {
            loss += 0.5 * (out[0] - tg->t[i]) * (out[0] - tg->t[i]);
        } else {
            double sum = 0.0;

            for (k = 0; k < n_out; k++)
                sum += exp(out[k]);
            loss -= out[tg->y[i]] - log(sum);
        }
    }
    return loss / (double)nb + 0.5 * l2 * mlp_weight_norm2(mp) / (double)nb;
}

/* Every partial derivative of mlp_loss_grad's objective against a central
 * difference, for a 3-5-4-K network (K = 1: regression, else K classes). */
static void check_gradient(mlp_activation act, size_t k)
{
    const size_t size[4] = {3, 5, 4, k}, nb = 6, idx[6] = {0, 1, 2, 3, 4, 5};
    const double l2 = 0.3, h = 1e-6;
    mlp_params *mp = mlp_params_alloc(size, 3);
    mlp_workspace *w;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    double z[18], t[6], g[2][3][32], f0;
    int y[6];
    mlp_targets tg = {k == 1 ? NULL : y, k == 1 ? t : NULL};
    size_t l, i, part, checked = 0;

    assert_non_null(mp);
    assert_non_null(rng);
    mp->activation = act;
    w = mlp_ws_alloc(mp, nb, nb);
    assert_non_null(w);
    gsl_rng_set(rng, 11);
    mlp_init(w, rng);
    rng_state = 12345u;
    for (i = 0; i < 18; i++)
        z[i] = 2.0 * uniform();
    for (i = 0; i < nb; i++) {
        t[i] = 1.5 * uniform();
        y[i] = (int)(next_u32() % (k > 1 ? k : 1));
    }
    f0 = mlp_loss_grad(w, z, &tg, idx, nb, l2);
    for (l = 0; l < 3; l++) { /* the gradient at the point (every call below overwrites it) */
        memcpy(g[0][l], w->gw[l], size[l + 1] * size[l] * sizeof(double));
        memcpy(g[1][l], w->gb[l], size[l + 1] * sizeof(double));
    }
    /* The value is the documented objective: squared loss or cross-entropy, plus L2. */
    assert_true(fabs(f0 - objective(mp, z, &tg, nb, l2)) <= 1e-12 * fabs(f0));
    for (l = 0; l < 3; l++) {
        for (part = 0; part < 2; part++) {
            size_t n = part ? size[l + 1] : size[l + 1] * size[l];
            double *p = part ? mp->b[l] : mp->w[l];

            for (i = 0; i < n; i++) {
                double keep = p[i], fp, fm;

                p[i] = keep + h;
                fp = mlp_loss_grad(w, z, &tg, idx, nb, l2);
                p[i] = keep - h;
                fm = mlp_loss_grad(w, z, &tg, idx, nb, l2);
                p[i] = keep;
                assert_true(fabs((fp - fm) / (2.0 * h) - g[part][l][i]) <=
                            1e-7 * fmax(1.0, fabs(g[part][l][i])));
                checked++;
            }
        }
    }
    assert_int_equal(checked, 3 * 5 + 5 + 5 * 4 + 4 + 4 * k + k);
    mlp_ws_free(w);
    mlp_params_free(mp);
    gsl_rng_free(rng);
}

static void test_gradient_matches_finite_differences(void **state)
{
    (void)state;
    check_gradient(MLP_TANH, 1);
    check_gradient(MLP_RELU, 1);
    check_gradient(MLP_TANH, 3); /* the softmax's, on the same code */
}

/* ---- training ------------------------------------------------------------ */

static void test_learns_a_linear_function(void **state)
{
    mlq_dataset d = {0}, fresh = {0};
    mlq_model m, again;
    mlq_err err = {{0}};
    const mlp_params *mp, *mq;
    const cJSON *it;
    double z[3], s, proba[1], worst = 0.0;
    size_t i, l;

    (void)state;
    linear_data("linear", 1, 300, &d);
    linear_data("fresh", 2, 100, &fresh);
    assert_int_equal(train(&d, "{}", &m, &err), 0);
    mp = m.params;
    assert_int_equal(mlq_model_task(&m), MLQ_TASK_REGRESS);
    assert_int_equal(m.n_classes, 0);
    assert_int_equal(mp->n_layers, 2);
    assert_int_equal(mp->size[2], 1); /* one linear output */
    assert_int_equal(m.algo->n_outputs(&m), 1);
    mlq_model_standardize(&m, fresh.x, z);
    assert_int_equal(m.algo->predict(&m, z), 0);
    assert_int_equal(m.algo->host_proba(&m, z, proba), -1);
    /* Rows it never saw: within 0.05 of the function (whose range is about 7). */
    for (i = 0; i < fresh.n_rows; i++)
        worst = fmax(worst, fabs(host_value(&m, fresh.x + i * 3) - fresh.t[i]));
    assert_true(worst < 0.05);
    /* The same seed gives the same network, bit for bit. */
    assert_int_equal(train(&d, "{}", &again, &err), 0);
    mq = again.params;
    for (l = 0; l < 2; l++) {
        assert_memory_equal(mp->w[l], mq->w[l], mp->size[l] * mp->size[l + 1] * sizeof(double));
        assert_memory_equal(mp->b[l], mq->b[l], mp->size[l + 1] * sizeof(double));
    }
    mlq_model_free(&again);
    /* Early stopping holds out a random 20% and reports its R^2. */
    assert_int_equal(train(&d, "{\"validation\": 0.2, \"epochs\": 100000}", &again, &err), 0);
    it = cJSON_GetObjectItemCaseSensitive(again.training, "epochs");
    assert_true(it != NULL && it->valuedouble < 100000);
    it = cJSON_GetObjectItemCaseSensitive(again.training, "validation_rows");
    assert_true(it != NULL && it->valuedouble == 60);
    it = cJSON_GetObjectItemCaseSensitive(again.training, "validation_r2");
    assert_true(it != NULL && it->valuedouble > 0.999 && it->valuedouble <= 1.0);
    assert_null(cJSON_GetObjectItemCaseSensitive(again.training, "validation_accuracy"));
    mlq_model_standardize(&again, fresh.x, z);
    again.algo->host_scores(&again, z, &s);
    assert_true(fabs(mlq_target_of_z(&again, s) - fresh.t[0]) < 0.1);
    mlq_model_free(&again);
    mlq_model_free(&m);
    mlq_dataset_free(&d);
    mlq_dataset_free(&fresh);
}

static void test_trainer_errors(void **state)
{
    mlq_dataset d = {0};
    mlq_model m;
    mlq_err err = {{0}};
    char want[400];

    (void)state;
    linear_data("small", 3, 8, &d);
    /* SGD at a learning rate of 10 explodes: an error, and no parameters. */
    assert_int_equal(train(&d, "{\"optimizer\": \"sgd\", \"lr\": 10}", &m, &err), -1);
    assert_non_null(strstr(err.msg, "training diverged at epoch"));
    assert_null(m.params);
    mlq_model_free(&m);
    /* 5% of 8 rows holds out none. */
    assert_int_equal(train(&d, "{\"validation\": 0.05}", &m, &err), -1);
    snprintf(want, sizeof want, "%s: --validation 0.05 of 8 rows leaves no validation row: change "
             "--validation (or 0 for none)", d.path);
    assert_string_equal(err.msg, want);
    mlq_model_free(&m);
    mlq_dataset_free(&d);
}

/* ---- the device ------------------------------------------------------------ */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/*
 * The stated bound: the device's prediction within 0.1% (16-bit
 * activations) or 0.5% (8-bit) of the target's training range of the
 * host's, on every fresh row (measured: 0.078% and 0.27%; 0.11% at 16 bits
 * with the output weights rounded to the nearest step as a classifier's).
 * Returns the 99th percentile of |host - device| over that range.
 */
static double device_error(const mlq_model *m, const mlq_dataset *fresh, unsigned bits)
{
    mlq_device dev;
    mlq_err err = {{0}};
    double diff[100], range = m->target_max - m->target_min;
    size_t i;

    assert_int_equal(mlq_device_build(m, bits, &dev, &err), 0);
    assert_int_equal(dev.n_outputs, 1);
    assert_int_equal(dev.clipped, 0);
    assert_null(dev.kern.proba);
    assert_string_equal(dev.kern.scores,
                        bits == 16 ? "mlq_mlp_relu16_scores_q15" : "mlq_mlp_relu8_scores_q15");
    assert_int_equal(dev.work_bytes, MLQ_MLP_WORK_BYTES(8, bits, 1));
    assert_int_equal(mlq_mlp_device_model(&dev)->n_classes, 1);
    for (i = 0; i < fresh->n_rows; i++) {
        int32_t s, y;
        double z[3], hs;

        assert_int_equal(mlq_device_scores(&dev, fresh->x + i * 3, &s), MLQ_OK);
        assert_int_equal(mlq_device_value(&dev, fresh->x + i * 3, &y), MLQ_OK);
        mlq_model_standardize(m, fresh->x + i * 3, z);
        m->algo->host_scores(m, z, &hs);
        /* The header's output is the score in target units, to within its unit. */
        assert_true(fabs(mlq_device_target(&dev, y) - mlq_target_of_z(m, s / 65536.0)) <=
                    ldexp(1.0, -dev.y_frac) + 1e-9 * range);
        diff[i] = fabs(mlq_device_target(&dev, y) - mlq_target_of_z(m, hs)) / range;
        assert_true(diff[i] <= (bits == 16 ? 0.001 : 0.005));
    }
    mlq_device_free(&dev);
    qsort(diff, fresh->n_rows, sizeof *diff, cmp_double);
    return diff[fresh->n_rows * 99 / 100];
}

static void test_device_within_bound_and_saturating(void **state)
{
    mlq_dataset d = {0}, fresh = {0};
    mlq_model m;
    mlq_err err = {{0}};
    mlq_device dev;
    mlq_mlp_q15 big;
    int32_t y, y6, s, ymin, ymax, sign;
    double lsb, v;
    mlq_work_t work[MLQ_WORK_ELEMS(256)];
    mlq_q15_t q[3];

    (void)state;
    linear_data("linear", 1, 300, &d);
    linear_data("fresh", 2, 100, &fresh);
    assert_int_equal(train(&d, "{}", &m, &err), 0);
    assert_true(device_error(&m, &fresh, 16) <= 0.001);
    assert_true(device_error(&m, &fresh, 8) <= 0.005);
    assert_int_equal(mlq_device_build(&m, 16, &dev, &err), 0);
    assert_int_equal(mlq_regress_value(&dev.regress, dev.regress.lo, &ymin), MLQ_OK);
    assert_int_equal(mlq_regress_value(&dev.regress, dev.regress.hi, &ymax), MLQ_OK);
    /* The header's bounds: the training range widened by its width on each side. */
    lsb = m.target_scale / 32768.0; /* two Q15.16 score steps */
    assert_true(fabs(mlq_device_target(&dev, ymin) - (2 * m.target_min - m.target_max)) <= lsb);
    assert_true(fabs(mlq_device_target(&dev, ymax) - (2 * m.target_max - m.target_min)) <= lsb);
    for (sign = -1; sign <= 1; sign += 2) {
        double x[3] = {sign * 1e30, -sign * 1e30, sign * 1e30}, x6[3] = {sign * 1e6, -sign * 1e6, sign * 1e6};
        float xf[3] = {(float)x[0], (float)x[1], (float)x[2]};

        /* Inputs far outside the training range saturate in the input quantizer: the
         * network's output at the input range's edge, the same for 1e6 and 1e30. */
        assert_int_equal(mlq_device_value(&dev, x, &y), MLQ_OK);
        assert_int_equal(mlq_device_value(&dev, x6, &y6), MLQ_OK);
        assert_int_equal(y, y6);
        assert_true(y > ymin && y < ymax);
        v = mlq_device_target(&dev, y);
        assert_true(sign > 0 ? v > m.target_max : v < m.target_min);
        /* A score 8 times as large (score_shift 3 less) is far beyond the training range:
         * y saturates at the header's bound. */
        assert_int_equal(mlq_quant_f32_to_q15(&dev.quant, xf, 3, q), MLQ_OK);
        big = *mlq_mlp_device_model(&dev);
        assert_true(big.score_shift >= 3);
        big.score_shift = (uint8_t)(big.score_shift - 3);
        assert_int_equal(mlq_mlp_check(&big), MLQ_OK);
        assert_int_equal(mlq_mlp_relu16_scores_q15(&big, q, 3, work, sizeof work, &s), MLQ_OK);
        assert_int_equal(mlq_regress_value(&dev.regress, s, &y), MLQ_OK);
        assert_int_equal(y, sign > 0 ? ymax : ymin);
        /* A score beyond int32 saturates: the same row with a score multiplier far too
         * large gives INT32_MAX or INT32_MIN, never a wrapped value, and y its bound. */
        big.score_mul = INT32_MAX;
        big.score_shift = 0;
        assert_int_equal(mlq_mlp_check(&big), MLQ_OK);
        assert_int_equal(mlq_mlp_relu16_scores_q15(&big, q, 3, work, sizeof work, &s), MLQ_OK);
        assert_int_equal(s, sign > 0 ? INT32_MAX : INT32_MIN);
        assert_int_equal(mlq_regress_value(&dev.regress, s, &y), MLQ_OK);
        assert_int_equal(y, sign > 0 ? ymax : ymin);
    }
    mlq_device_free(&dev);
    mlq_model_free(&m);
    mlq_dataset_free(&d);
    mlq_dataset_free(&fresh);
}

/*
 * The output layer's int8 weights are exact: for every hidden unit j,
 * q_j x A = w_j x s_j, A the value of one output accumulator unit (from
 * score_mul / 2^score_shift) and s_j the unit's output step as layer 0
 * implies it (its accumulator step, max |w0 x input step| / 127, over its
 * requantization factor mul_j / 2^shift), to the precision of mul_j; and
 * s_j is the calibrated step (the unit's largest training activation x 2
 * over 32767 at 16 bits, x 1.75 over 255 at 8), rounded up to the next
 * multiple of A / |w_j|: at most (|q_j| + 1) / |q_j| of it (a unit never
 * active takes the layer's largest activation).
 */
static void test_output_weights_are_exact(void **state)
{
    static const size_t pos[8] = {0, 2, 1, 3, 4, 6, 5, 7}; /* 16-bit inputs: groups 0, 2, 1, 3 */
    mlq_dataset d = {0};
    mlq_model m;
    mlq_err err = {{0}};
    mlq_device dev;
    unsigned bits;
    size_t j, i;

    (void)state;
    linear_data("linear", 1, 300, &d);
    assert_int_equal(train(&d, "{}", &m, &err), 0);
    for (bits = 8; bits <= 16; bits += 8) {
        const mlp_params *mp = m.params;
        const mlq_mlp_q15 *dm;
        double a, in_step = m.input_range / 32768.0, blim = 2147483647.0 - 3.0 * 32768.0 * 127.0;
        double lmax = 0.0;
        int top = 0;

        for (j = 0; j < 8; j++)
            lmax = fmax(lmax, mp->act_max[j]);
        assert_int_equal(mlq_device_build(&m, bits, &dev, &err), 0);
        dm = mlq_mlp_device_model(&dev);
        a = ldexp((double)dm->score_mul, -(int)dm->score_shift - 16);
        for (j = 0; j < 8; j++) {
            const mlq_mlp_layer *l0 = &dm->layers[0], *l1 = &dm->layers[1];
            double acc = fabs(mp->b[0][j]) / blim, step, want, cal;
            int q = l1->w[bits == 16 ? pos[j] : j];

            for (i = 0; i < 3; i++)
                acc = fmax(acc, fabs(mp->w[0][j * 3 + i]) * in_step / 127.0);
            step = acc / ldexp((double)l0->mul[j], -(int)l0->shift);
            want = mp->w[1][j] * step;
            assert_true(fabs(q * a - want) <= fabs(want) * (2.0 / l0->mul[j] + 1e-9));
            cal = (mp->act_max[j] > 0 ? mp->act_max[j] : lmax) * (bits == 16 ? 2.0 / 32767.0 : 1.75 / 255.0);
            assert_true(step >= cal * (1.0 - 1e-6));
            assert_true(abs(q) < 2 || step <= cal * (abs(q) + 1.0) / abs(q) * (1.0 + 1e-6));
            top = abs(q) > top ? abs(q) : top;
        }
        assert_int_equal(top, 127);
        mlq_device_free(&dev);
    }
    mlq_model_free(&m);
    mlq_dataset_free(&d);
}

/* What f's text holds after `write` wrote it. */
static char *text_of(FILE *f)
{
    static char buf[1 << 17];
    size_t n;

    rewind(f);
    n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    return buf;
}

static void test_training_report_info_and_header(void **state)
{
    mlq_dataset d = {0};
    mlq_model m;
    mlq_err err = {{0}};
    mlq_device dev;
    const cJSON *r8, *r16;
    char want[200], path[300], *text;
    FILE *f;

    (void)state;
    linear_data("linear", 1, 300, &d);
    assert_int_equal(train(&d, "{}", &m, &err), 0);
    assert_int_equal(mlq_device_after_train(&m, &d, &err), 0);
    r8 = cJSON_GetObjectItemCaseSensitive(m.training, "device_r2_8");
    r16 = cJSON_GetObjectItemCaseSensitive(m.training, "device_r2_16");
    assert_true(cJSON_IsNumber(r8) && r8->valuedouble > 0.999 && r8->valuedouble <= 1.0);
    assert_true(cJSON_IsNumber(r16) && r16->valuedouble > 0.999 && r16->valuedouble <= 1.0);
    assert_null(cJSON_GetObjectItemCaseSensitive(m.training, "device_accuracy_16"));
    /* Without the host's R^2 (the CLI adds it after) there is no note. */
    assert_int_equal(mlq_device_build(&m, 16, &dev, &err), 0);
    assert_string_equal(dev.note, "");
    mlq_device_free(&dev);
    cJSON_AddNumberToObject(m.training, "host_r2", 0.99987);
    assert_int_equal(mlq_device_build(&m, 8, &dev, &err), 0);
    snprintf(want, sizeof want, "training rows: float R^2 0.9999, device R^2 %.4f (8-bit activations)",
             r8->valuedouble);
    assert_string_equal(dev.note, want);
    f = tmpfile();
    assert_non_null(f);
    mlq_device_info(f, &dev);
    text = text_of(f);
    assert_non_null(strstr(text, "network           3-8-1 (ReLU hidden layers, linear output)\n"));
    snprintf(want, sizeof want, "training R^2      float 0.9999, device %.4f (8-bit), %.4f (16-bit)\n",
             r8->valuedouble, r16->valuedouble);
    assert_non_null(strstr(text, want));
    fclose(f);
    assert_non_null(mlq_device_algo_of(&m)->smaller(&dev));
    snprintf(path, sizeof path, "%s/reg.h", dir);
    assert_int_equal(mlq_export_header(&dev, "reg", path, NULL, &err), 0);
    f = fopen(path, "r");
    assert_non_null(f);
    text = text_of(f);
    assert_non_null(strstr(text, "/* Network: 3-8-1, ReLU hidden layers, 8-bit activations, int8 weights, "
                                 "linear output.\n"));
    assert_non_null(strstr(text, "/* Scores: the prediction in standardized target units = round(acc x "));
    assert_non_null(strstr(text, "mlq_mlp_relu8_scores_q15(&reg_model"));
    assert_null(strstr(text, "proba_q15("));
    fclose(f);
    mlq_device_free(&dev);
    mlq_model_free(&m);
    mlq_dataset_free(&d);
}

/* ---- the model file ------------------------------------------------------ */

static void test_model_file_round_trip_and_errors(void **state)
{
    static const struct {
        const char *obj, *key, *value, *want;
    } cases[] = {
        {"mlp", "sizes", "[3, 8, 2]",
         "field 'mlp.sizes' must start with the 3 features and end with 1 (the one output of a regression)"},
        {"mlp", "layers", "[{\"weights\": [[1, 2, 3]], \"bias\": [0]}, {\"weights\": [[1]], \"bias\": [0]}]",
         "field 'mlp.layers[0].weights' has 1 rows, expected 8"},
        {NULL, "target", NULL, "missing field 'target'"},
        {NULL, "target", "{\"mean\": 3, \"scale\": 0, \"min\": 0, \"max\": 6}",
         "field 'target': needs scale > 0 and min <= mean <= max, min < max"},
    };
    mlq_dataset d = {0};
    mlq_model m, back;
    mlq_err err = {{0}};
    char good[300], path[300];
    size_t i;

    (void)state;
    linear_data("linear", 1, 300, &d);
    snprintf(good, sizeof good, "%s/good.json", dir);
    snprintf(path, sizeof path, "%s/bad.json", dir);
    assert_int_equal(train(&d, "{}", &m, &err), 0);
    assert_int_equal(mlq_model_save(good, &m, &err), 0);
    assert_int_equal(mlq_model_load(good, &back, &err), 0);
    assert_int_equal(mlq_model_task(&back), MLQ_TASK_REGRESS);
    assert_true(back.target_mean == m.target_mean && back.target_scale == m.target_scale);
    assert_true(back.target_min == m.target_min && back.target_max == m.target_max);
    assert_int_equal(((const mlp_params *)back.params)->size[2], 1);
    for (i = 0; i < 10; i++)
        assert_true(fabs(host_value(&back, d.x + i * 3) - host_value(&m, d.x + i * 3)) <= 1e-12);
    mlq_model_free(&back);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_edited_model_error(good, path, cases[i].obj, cases[i].key, cases[i].value, cases[i].want);
    mlq_model_free(&m);
    mlq_dataset_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gradient_matches_finite_differences),
        cmocka_unit_test(test_learns_a_linear_function),
        cmocka_unit_test(test_trainer_errors),
        cmocka_unit_test(test_device_within_bound_and_saturating),
        cmocka_unit_test(test_output_weights_are_exact),
        cmocka_unit_test(test_training_report_info_and_header),
        cmocka_unit_test(test_model_file_round_trip_and_errors),
    };

    return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}
