/* SPDX-License-Identifier: MIT */
/*
 * svm_rand.h -- random SVM device models that pass mlq_svm_check, drawn
 * from test_rng.h, for test_svm.c and test_svm_check.c: every kernel,
 * 2..5 classes, up to 9 support vectors per class, class ids with gaps,
 * scaling constants anywhere in their ranges, decision value shifts and
 * intercepts up to their ends; and regression models (make_regress).
 */
#ifndef MLQ_TEST_SVM_RAND_H
#define MLQ_TEST_SVM_RAND_H

#include <stdint.h>
#include <string.h>

#include "mlq/svm.h"
#include "test_rng.h"

/* Direct dot product of Q15 vectors. */
static inline int64_t ref_dot(const mlq_q15_t *x, const mlq_q15_t *s, size_t n)
{
    int64_t d = 0;
    size_t j;

    for (j = 0; j < n; j++)
        d += (int64_t)x[j] * s[j];
    return d;
}

/* A random model of `kernel` with k classes, d features, up to 9 SVs per
 * class, that passes mlq_svm_check; at most 18 outputs. */
typedef struct rand_model {
    mlq_svm_q15 m;
    uint16_t start[6], ids[5];
    mlq_q15_t sv[45 * 40], coef[4 * 45], w[10 * 40];
    int64_t norm[45], rho[10];
    int8_t dec_shift[10];
    uint8_t pow_shift[14];
} rand_model;

/* A decision value shift: mostly where the values of these models are a
 * few units, else the ends of its range (0, saturation, the int8 ends). */
static inline int8_t rand_shift(unsigned kernel)
{
    static const int8_t ends[] = {-128, -32, -31, -30, -1, 0, 1, 62, 63, 64, 127};

    if (next_u32() % 2u)
        return ends[next_u32() % (sizeof ends / sizeof ends[0])];
    return (int8_t)((kernel == MLQ_SVM_POLY ? 40 : 24) + (int)(next_u32() % 24u));
}

static inline void make_model(rand_model *r, unsigned kernel, uint16_t k, uint16_t d)
{
    size_t row = ((size_t)d + 1) & ~(size_t)1, s, j, n_sv = 0, c;

    memset(r, 0, sizeof *r);
    r->start[0] = 0;
    for (c = 0; c < k; c++) {
        n_sv += next_u32() % 10u;
        r->start[c + 1] = (uint16_t)n_sv;
    }
    for (s = 0; s < n_sv; s++) {
        for (j = 0; j < d; j++)
            r->sv[s * row + j] = next_q15();
        r->norm[s] = ref_dot(r->sv + s * row, r->sv + s * row, d);
    }
    for (s = 0; s < (k - 1u) * n_sv; s++)
        r->coef[s] = next_q15();
    for (s = 0; s < (size_t)k * (k - 1u) / 2u; s++) {
        for (j = 0; j < d; j++)
            r->w[s * row + j] = next_q15();
        /* Mostly moderate; sometimes the largest |rho| mlq_svm_check accepts. */
        r->rho[s] = next_u32() % 8u == 0
                        ? (next_u32() & 1u ? ((int64_t)1 << 62) : -((int64_t)1 << 62))
                        : (int64_t)(int32_t)next_u32() * (int64_t)(next_u32() % 4096u);
        r->dec_shift[s] = rand_shift(kernel);
    }
    r->m.n_classes = k;
    r->m.n_features = d;
    r->m.n_outputs = k;
    if (next_u32() % 2u) { /* ids with gaps, as a model whose classes lack rows */
        uint16_t id = (uint16_t)(next_u32() % 3u);

        for (c = 0; c < k; c++, id = (uint16_t)(id + 1u + next_u32() % 3u))
            r->ids[c] = id;
        r->m.class_ids = r->ids;
        r->m.n_outputs = (uint16_t)(id + next_u32() % 2u);
    }
    r->m.kernel = (uint8_t)kernel;
    r->m.rho = r->rho;
    r->m.dec_shift = r->dec_shift;
    if (kernel == MLQ_SVM_LINEAR) {
        r->m.w = r->w;
        return;
    }
    r->m.n_sv = (uint16_t)n_sv;
    r->m.sv_start = r->start;
    r->m.sv = r->sv;
    r->m.coef = r->coef;
    if (kernel == MLQ_SVM_RBF) {
        /* Limits from 2^10 to 2^45 (distances of Q15 vectors reach d * 2^32),
         * the largest k_pre and k_mul mlq_svm_check accepts, a random k_shift. */
        int64_t limit = (int64_t)(next_u32() % 1000u + 1) << (10 + next_u32() % 26u);
        uint64_t top = (uint64_t)(limit - 1);
        int pre = 0;

        while (pre < 31 && (top << (pre + 1)) >> 32 == 0)
            pre++;
        top <<= pre;
        r->m.sv_norm = r->norm;
        r->m.k_limit = limit;
        r->m.k_pre = (int8_t)pre;
        r->m.k_mul = (uint32_t)((top >> 32 == 0 ? UINT32_MAX : UINT64_MAX / top) >> (next_u32() % 4u));
        r->m.k_shift = (uint8_t)(next_u32() % 32u);
    } else {
        /* Within the ranges mlq_svm_check accepts; degrees up to 15 and
         * large k_mul and k_add, so that many inputs clamp t. */
        int pre = 1;

        while (((unsigned)d >> pre) > 1u) /* n_features < 2^(k_pre + 1) */
            pre++;
        r->m.degree = (uint8_t)(1 + next_u32() % 15u);
        r->m.k_pre = (int8_t)(pre + (int)(next_u32() % 16u));
        if (r->m.k_pre > 31)
            r->m.k_pre = 31;
        r->m.k_mul = next_u32() >> 1;
        r->m.k_shift = (uint8_t)(32 + next_u32() % 32u);
        r->m.k_add = (int32_t)(next_u32() % ((1u << 31) - 1u)) - ((1 << 30) - 1);
        /* As the exporter's: |t| <= k_limit <= 2^30 and steps of 30 or 31
         * bits keep every power within int32. */
        r->m.k_limit = 1 + (int64_t)(next_u32() % (1u << 30));
        for (j = 0; j < 14; j++)
            r->pow_shift[j] = (uint8_t)(30 + next_u32() % 2u);
        r->m.pow_shift = r->pow_shift;
    }
}

/*
 * A random regression model (n_classes 1) of `kernel`, d features: the
 * two-class model of make_model with its one pair as the regression's
 * decision function, so that its value is that pair's decision value (the
 * SVs of both classes, coefficient row 0, rho[0]).
 */
static inline void make_regress(rand_model *r, unsigned kernel, uint16_t d)
{
    make_model(r, kernel, 2, d);
    r->m.n_classes = 1;
    r->m.n_outputs = 1;
    r->m.class_ids = NULL;
    r->start[1] = r->start[2];
}

/* Scratch for every model of make_model, aligned as mlq_work_t. */
#define WORK_BYTES MLQ_SVM_WORK_BYTES(MLQ_SVM_POLY, 45, 5)

#endif /* MLQ_TEST_SVM_RAND_H */
