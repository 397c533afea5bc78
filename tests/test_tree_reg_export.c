/* SPDX-License-Identifier: MIT */
/*
 * Regression trees and forests (--task regress) on the device side: the
 * leaves' quantization bound and host/device agreement on the bundled
 * regression data; the float entry against quantize-then-Q15; the header,
 * `mlq info`, and the exporter's refusal of too many leaf values. The
 * trainer is in test_tree_reg.c, the kernels in test_tree_reg_kernel.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "algo.h"
#include "csv.h"
#include "export.h"
#include "export_tree.h"
#include "model.h"
#include "mlq/quant.h"
#include "mlq/tree.h"
#include "tree_params.h"
#include "test_rng.h"
#include "test_tree_train.h"
#include "test_tree_util.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/*
 * Diabetes, tree and forest: value_frac is the finest at which the leaves
 * fit int16; on every row the device score is the host's within the leaf
 * rounding (2^-(frac + 1)) and the score's (2^-17); in target units the
 * 99th percentile of |host - device| is far below the 0.5% of the
 * training range, and R^2 agrees to 0.0005.
 */
static void test_device_leaves_are_within_their_quantization_bound(void **state)
{
    mlq_dataset d = diabetes();
    size_t a, i, n = d.n_rows;

    (void)state;
    for (a = 0; a < 2; a++) {
        mlq_model m;
        mlq_device dev;
        mlq_err err = {{0}};
        const tree_params *tp;
        const mlq_tree_reg_q15 *rq;
        double big = 0.0, bound, *diff = calloc(n, sizeof *diff), sse_h = 0, sse_d = 0, sst = 0;
        size_t k, j;

        assert_int_equal(train(a ? &mlq_algo_forest : &mlq_algo_tree, &d, a ? forest_reg_hyper : tree_reg_hyper,
                               4, &m, &err), 0);
        assert_int_equal(mlq_device_build(&m, 0, &dev, &err), 0);
        assert_int_equal(dev.n_outputs, 1);
        assert_int_equal(dev.work_bytes, 0);
        assert_null(dev.kern.proba);
        rq = mlq_tree_device_reg_q15(&dev);
        tp = m.params;
        for (k = 0; k < tp->n_trees; k++)
            for (j = 0; j < tp->trees[k].n_nodes; j++)
                big = fmax(big, fabs(tp->trees[k].mean[j]));
        assert_true(floor(ldexp(big, rq->value_frac) + 0.5) <= 32767.0);
        assert_true(rq->value_frac == 16 || floor(ldexp(big, rq->value_frac + 1) + 0.5) > 32767.0);
        bound = ldexp(1.0, -(int)rq->value_frac - 1) + ldexp(1.0, -17);
        for (i = 0; i < n; i++) {
            const double *x = d.x + i * d.n_features;
            double z[16], hs;
            int32_t ds, y;
            int id = -1;

            mlq_model_standardize(&m, x, z);
            m.algo->host_scores(&m, z, &hs);
            assert_int_equal(mlq_device_scores(&dev, x, &ds), MLQ_OK);
            assert_int_equal(mlq_device_predict(&dev, x, &id), MLQ_OK);
            assert_int_equal(id, 0);
            if (fabs(ds / 65536.0 - hs) > bound)
                fail_msg("row %zu: device %.9g, host %.9g, bound %.3g", i, ds / 65536.0, hs, bound);
            assert_int_equal(mlq_device_value(&dev, x, &y), MLQ_OK);
            diff[i] = fabs(mlq_device_target(&dev, y) - mlq_target_of_z(&m, hs));
            sse_h += pow(mlq_target_of_z(&m, hs) - d.t[i], 2);
            sse_d += pow(mlq_device_target(&dev, y) - d.t[i], 2);
            sst += pow(d.t[i] - m.target_mean, 2);
        }
        qsort(diff, n, sizeof *diff, cmp_double);
        printf("%s: value_frac %u, p99 |host - device| %.3g = %.5f%% of the range, R^2 host %.6f device %.6f\n",
               a ? "forest" : "tree", (unsigned)rq->value_frac, diff[n * 99 / 100],
               100.0 * diff[n * 99 / 100] / (m.target_max - m.target_min), 1 - sse_h / sst, 1 - sse_d / sst);
        assert_true(diff[n * 99 / 100] <= 1e-4 * (m.target_max - m.target_min));
        assert_true(fabs(sse_h - sse_d) / sst <= 5e-4);
        free(diff);
        mlq_device_free(&dev);
        mlq_model_free(&m);
    }
    mlq_dataset_free(&d);
}

/* The float entry against quantize-then-Q15 on training rows and probes
 * (specials, huge values, values next to every key threshold), bit-exact;
 * a NaN on the root's feature is MLQ_ERR_INPUT and leaves the output. */
static void test_float_entry_equals_quantize_then_q15(void **state)
{
    mlq_dataset d = diabetes();
    size_t a, r, j, p = d.n_features;

    (void)state;
    for (a = 0; a < 2; a++) {
        mlq_model m;
        mlq_device dev;
        mlq_err err = {{0}};
        const mlq_tree_reg_q15 *rq;
        const mlq_tree_reg_f32 *rf;
        size_t n_nodes;
        float x[16];
        mlq_q15_t q[16];
        int32_t s1, s2 = 7;

        assert_int_equal(train(a ? &mlq_algo_forest : &mlq_algo_tree, &d, a ? forest_reg_hyper : tree_reg_hyper,
                               5, &m, &err), 0);
        assert_int_equal(mlq_device_build(&m, 0, &dev, &err), 0);
        rq = mlq_tree_device_reg_q15(&dev);
        rf = mlq_tree_device_reg_f32(&dev);
        assert_int_equal(mlq_tree_reg_check_f32(rf), MLQ_OK);
        n_nodes = rf->ends[rf->n_trees - 1];
        for (r = 0; r < 4000; r++) {
            for (j = 0; j < p; j++)
                x[j] = r % 2 ? probe(rf->nodes, n_nodes, rf->feature_bits, j) : (float)d.x[(r % d.n_rows) * p + j];
            assert_int_equal(mlq_quant_f32_to_q15(&dev.quant, x, (uint16_t)p, q), MLQ_OK);
            assert_int_equal(mlq_tree_reg_scores_f32(rf, x, (uint16_t)p, NULL, 0, &s1), MLQ_OK);
            assert_int_equal(mlq_tree_reg_scores_q15(rq, q, (uint16_t)p, NULL, 0, &s2), MLQ_OK);
            assert_int_equal(s1, s2);
        }
        for (j = 0; j < p; j++)
            x[j] = 0.0f;
        x[rf->nodes[0].meta & ((1u << rf->feature_bits) - 1u)] = NAN;
        s1 = 7;
        assert_int_equal(mlq_tree_reg_scores_f32(rf, x, (uint16_t)p, NULL, 0, &s1), MLQ_ERR_INPUT);
        assert_int_equal(s1, 7);
        mlq_device_free(&dev);
        mlq_model_free(&m);
    }
    mlq_dataset_free(&d);
}

/* The text of a file, or of what f wrote (NUL-terminated; free it). */
static char *text_of(FILE *f)
{
    long size;
    char *text;

    fseek(f, 0, SEEK_END);
    size = ftell(f);
    fseek(f, 0, SEEK_SET);
    text = calloc((size_t)size + 1, 1);
    assert_int_equal(fread(text, 1, (size_t)size, f), (size_t)size);
    return text;
}

/* The header names the regression kernels, the leaf values and the float
 * scores entry, and no probabilities; `mlq info` describes the leaves. */
static void test_header_and_info(void **state)
{
    mlq_dataset d = diabetes();
    mlq_model m;
    mlq_device dev;
    mlq_err err = {{0}};
    char path[] = "/tmp/mlq_test_tree_reg_h_XXXXXX";
    int fd = mkstemp(path);
    FILE *f;
    char *text;

    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(train(&mlq_algo_forest, &d, forest_reg_hyper, 1, &m, &err), 0);
    assert_int_equal(mlq_device_build(&m, 0, &dev, &err), 0);
    assert_int_equal(mlq_export_header(&dev, "dose", path, NULL, &err), 0);
    f = fopen(path, "rb");
    text = text_of(f);
    fclose(f);
    assert_non_null(strstr(text, "static const mlq_tree_reg_q15 dose_model MLQ_FLASH = {10, 10, "));
    assert_non_null(strstr(text, "static const int16_t dose_leaf_value["));
    assert_non_null(strstr(text, "static const mlq_tree_reg_f32 dose_model_f32 MLQ_FLASH"));
    assert_non_null(strstr(text, "mlq_tree_reg_scores_f32(&dose_model_f32, x, dose_N_FEATURES, NULL, 0, out)"));
    assert_non_null(strstr(text, "return (int)mlq_tree_reg_check_f32(&dose_model_f32);"));
    assert_non_null(strstr(text, "return (int)mlq_tree_reg_check(&dose_model);"));
    assert_non_null(strstr(text, "static inline int dose_predict(const float *x, int32_t *y)"));
    assert_null(strstr(text, "_proba("));
    assert_null(strstr(text, "mlq_forest_predict"));
    free(text);
    f = tmpfile();
    mlq_device_info(f, &dev);
    text = text_of(f);
    fclose(f);
    assert_non_null(strstr(text, "trees             10\n"));
    assert_non_null(strstr(text, " distinct leaf values (int16, standardized target units x 2^"));
    assert_non_null(strstr(text, "% of the training range)"));
    free(text);
    remove(path);
    close(fd);
    mlq_device_free(&dev);
    mlq_model_free(&m);
    mlq_dataset_free(&d);
}

/*
 * Leaf ids are int16 links (~id): chains of leaves with distinct values
 * (split i at node 2i, its leaf on the left) over a forest of 10 trees (a
 * tree holds at most 4096 split nodes) export with 32768 values (ids up to
 * 32767) and are refused with one more.
 */
static void test_too_many_leaf_values_are_refused(void **state)
{
    size_t c;

    (void)state;
    for (c = 0; c < 2; c++) {
        double x[4] = {0, 1, 2, 3}, t[4] = {-1, 1, -1, 1};
        mlq_dataset d = hand_data(4, 1, x, t);
        mlq_model m;
        mlq_device dev;
        mlq_err err = {{0}};
        size_t total = 32768 + c, v = 0, tr_i, i;

        assert_int_equal(train(&mlq_algo_forest, &d, forest_reg_hyper, 1, &m, &err), 0);
        assert_int_equal(((tree_params *)m.params)->n_trees, 10);
        for (tr_i = 0; tr_i < 10; tr_i++) {
            tree_one *tr = &((tree_params *)m.params)->trees[tr_i];
            size_t leaves = tr_i < 9 ? 3277 : total - 9 * 3277, n = 2 * leaves - 1;

            assert_int_equal(tree_one_reserve(tr, n, 0), 0);
            tr->n_nodes = n;
            for (i = 0; i < leaves; i++) {
                size_t node = 2 * i, leaf = i + 1 == leaves ? node : node + 1;

                tr->feature[leaf] = -1;
                tr->left[leaf] = tr->right[leaf] = -1;
                tr->threshold[leaf] = 0.0;
                tr->mean[leaf] = -0.999 + 1.998 * (double)v++ / (double)total;
                if (leaf == node)
                    break;
                tr->feature[node] = 0;
                tr->threshold[node] = (double)i / (double)leaves;
                tr->mean[node] = 0.0;
                tr->left[node] = (int)node + 1;
                tr->right[node] = (int)node + 2;
            }
        }
        if (c == 0) {
            assert_int_equal(mlq_device_build(&m, 0, &dev, &err), 0);
            assert_int_equal(mlq_tree_device_reg_q15(&dev)->n_values, 32768);
            assert_int_equal(mlq_tree_device_reg_q15(&dev)->value_frac, 15);
            mlq_device_free(&dev);
        } else {
            assert_int_equal(mlq_device_build(&m, 0, &dev, &err), -1);
            if (strstr(err.msg, "field 'forest.trees[9].value': node ") == NULL ||
                strstr(err.msg, "more than the 32768 distinct leaf values") == NULL)
                fail_msg("message: %s", err.msg);
        }
        mlq_model_free(&m);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_device_leaves_are_within_their_quantization_bound),
        cmocka_unit_test(test_float_entry_equals_quantize_then_q15),
        cmocka_unit_test(test_header_and_info),
        cmocka_unit_test(test_too_many_leaf_values_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
