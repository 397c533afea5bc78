/* SPDX-License-Identifier: MIT */
/*
 * The SVM model as a whole: mlq_svm_check, everything the kernels of
 * src/svm.c rest on, validated once (the exporter does; firmware may at
 * start-up), so that each call checks only its sizes; the scratch size;
 * the entries that dispatch on the model's kernel; and the entries of a
 * regression model (epsilon-SVR), on the kernel values of svm_impl.h. The
 * model is in flash, read as src/svm.c reads it (mlq/types.h).
 */
#include "mlq/svm.h"

#include "svm_impl.h"

/* The padding of each of n_rows rows of n features is 0. */
static int pads_zero(mlq_far_at a, uint32_t n_rows, uint32_t n)
{
    uint32_t r, row = MLQ_ROW_LEN(n);

    for (r = 0; row != n && r < n_rows; r++)
        if (MLQ_FAR_RD_I16(a, r * row + n) != 0)
            return 0;
    return 1;
}

/* |s|^2 of a row of n features, exact (every square fits int32). */
static int64_t norm_of(mlq_far_at s, uint32_t n)
{
    int64_t norm = 0;
    uint32_t j;

    for (j = 0; j < n; j++) {
        int32_t v = MLQ_FAR_RD_I16(s, j);

        norm += v * v;
    }
    return norm;
}

/* Support vectors, their classes and coefficients (kernel models). */
static int svs_ok(const mlq_svm_q15 *m)
{
    uint32_t c;

    if (m->sv == NULL || m->coef == NULL || m->sv_start == NULL ||
        MLQ_RD_U16(&m->sv_start[0]) != 0 || MLQ_RD_U16(&m->sv_start[m->n_classes]) != m->n_sv ||
        !pads_zero(MLQ_FAR_AT(m->sv), m->n_sv, m->n_features))
        return 0;
    for (c = 0; c < m->n_classes; c++)
        if (MLQ_RD_U16(&m->sv_start[c]) > MLQ_RD_U16(&m->sv_start[c + 1u]))
            return 0;
    return 1;
}

/* RBF (mlq_svm_predict_q15): exact norms; k_pre and k_shift 0..31,
 * k_limit >= 1, a left shift only where the distances below the limit stay
 * within 32 bits, and floor(L 2^pre mul / 2^32) < 2^32 for the largest
 * distance L = k_limit - 1 that reaches the multiply. */
static int rbf_ok(const mlq_svm_q15 *m)
{
    uint32_t s, n = m->n_features, row = MLQ_ROW_LEN(n);
    mlq_far_at sv = MLQ_FAR_AT(m->sv);
    uint64_t top;

    if (m->sv_norm == NULL || m->k_limit < 1 || m->k_pre < 0 || m->k_pre > 31 || m->k_shift > 31u)
        return 0;
    top = (uint64_t)(m->k_limit - 1);
    if (m->k_pre > 0 && top >> (32 - m->k_pre) != 0)
        return 0;
    top <<= m->k_pre;
    /* (top >> 32) < 2^32, so each product fits 64 bits. */
    if ((top >> 32) * m->k_mul + (((top & 0xFFFFFFFFu) * m->k_mul) >> 32) > 0xFFFFFFFFu)
        return 0;
    for (s = 0; s < m->n_sv; s++, sv = MLQ_FAR_ADD(sv, row))
        if (norm_of(sv, n) != MLQ_RD_I64(&m->sv_norm[s]))
            return 0;
    return 1;
}

/* POLY (mlq_svm_predict_q15): the ranges listed there. */
static int poly_ok(const mlq_svm_q15 *m)
{
    uint32_t c;

    if (m->degree < 1u || m->degree > 15u || (m->degree > 1u && m->pow_shift == NULL) ||
        m->k_mul > (uint32_t)INT32_MAX || m->k_pre < 1 || m->k_pre > 31 ||
        ((uint32_t)m->n_features >> m->k_pre) > 1u || m->k_shift < 32u || m->k_shift > 63u ||
        m->k_add <= -((int32_t)1 << 30) || m->k_add >= ((int32_t)1 << 30) || m->k_limit < 1 ||
        m->k_limit > ((int64_t)1 << 30))
        return 0;
    for (c = 0; c + 1u < m->degree; c++) {
        uint8_t s = MLQ_RD_U8(&m->pow_shift[c]);

        if (s < 1u || s > 31u)
            return 0;
    }
    return 1;
}

mlq_status mlq_svm_check(const mlq_svm_q15 *model)
{
    MLQ_MODEL_IN_RAM(mlq_svm_q15, m, model);
    uint32_t c, np;
    int ok;

    MLQ_ASSERT(model != NULL);
    if (m->n_classes < 1u || m->n_outputs < m->n_classes || m->n_outputs > 32767u ||
        (m->n_classes == 1u && m->n_outputs != 1u) || m->n_features == 0 || m->rho == NULL ||
        m->dec_shift == NULL)
        return MLQ_ERR_MODEL;
    for (c = 0; m->class_ids != NULL && c < m->n_classes; c++) {
        uint16_t id = MLQ_RD_U16(&m->class_ids[c]);

        if (id >= m->n_outputs || (c > 0 && id <= MLQ_RD_U16(&m->class_ids[c - 1u])))
            return MLQ_ERR_MODEL;
    }
    /* the decision functions: one per class pair, or the regression's one */
    np = m->n_classes == 1u ? 1u : (uint32_t)m->n_classes * (m->n_classes - 1u) / 2u;
    for (c = 0; c < np; c++) { /* sum - rho fits int64: |sum| < 2^62 (mlq_svm_predict_q15) */
        int64_t rho = MLQ_RD_I64(&m->rho[c]);

        if (rho > ((int64_t)1 << 62) || rho < -((int64_t)1 << 62))
            return MLQ_ERR_MODEL;
    }
    if (m->kernel == MLQ_SVM_LINEAR)
        ok = m->w != NULL && m->n_sv == 0 && pads_zero(MLQ_FAR_NEAR(m->w), np, m->n_features);
    else if (m->kernel == MLQ_SVM_RBF)
        ok = svs_ok(m) && rbf_ok(m);
    else if (m->kernel == MLQ_SVM_POLY)
        ok = svs_ok(m) && poly_ok(m);
    else
        ok = 0;
    return ok ? MLQ_OK : MLQ_ERR_MODEL;
}

size_t mlq_svm_work_size(const mlq_svm_q15 *svm)
{
    MLQ_MODEL_IN_RAM(mlq_svm_q15, model, svm);

    MLQ_ASSERT(svm != NULL);
    return MLQ_SVM_WORK_BYTES(model->kernel, model->n_sv, model->n_classes);
}

mlq_status mlq_svm_predict_q15(const mlq_svm_q15 *model, const mlq_q15_t *x, uint16_t n_features,
                               void *work, size_t work_size, uint16_t *cls)
{
    MLQ_ASSERT(model != NULL);
    switch (MLQ_RD_U8(&model->kernel)) { /* one field: the kernel's entry copies the struct */
    case MLQ_SVM_LINEAR:
        return mlq_svm_linear_predict_q15(model, x, n_features, work, work_size, cls);
    case MLQ_SVM_RBF:
        return mlq_svm_rbf_predict_q15(model, x, n_features, work, work_size, cls);
    case MLQ_SVM_POLY:
        return mlq_svm_poly_predict_q15(model, x, n_features, work, work_size, cls);
    default:
        return MLQ_ERR_MODEL;
    }
}

mlq_status mlq_svm_scores_q15(const mlq_svm_q15 *model, const mlq_q15_t *x, uint16_t n_features,
                              void *work, size_t work_size, int32_t *scores)
{
    MLQ_ASSERT(model != NULL);
    switch (MLQ_RD_U8(&model->kernel)) { /* one field: the kernel's entry copies the struct */
    case MLQ_SVM_LINEAR:
        return mlq_svm_linear_scores_q15(model, x, n_features, work, work_size, scores);
    case MLQ_SVM_RBF:
        return mlq_svm_rbf_scores_q15(model, x, n_features, work, work_size, scores);
    case MLQ_SVM_POLY:
        return mlq_svm_poly_scores_q15(model, x, n_features, work, work_size, scores);
    default:
        return MLQ_ERR_MODEL;
    }
}

/* ---- regression ------------------------------------------------------------ */

/*
 * The one value of a regression model (kernel a constant where this is
 * inlined): the kernel values into the scratch, their exact dot product
 * with the coefficients (LINEAR: w . x), minus rho, in Q15.16.
 */
MLQ_INLINE mlq_status regress_entry(const mlq_svm_q15 *svm, unsigned kernel, const mlq_q15_t *x,
                                    uint16_t n_features, void *work, size_t work_size,
                                    int32_t *score)
{
    MLQ_MODEL_IN_RAM(mlq_svm_q15, m, svm);
    int64_t sum;
    mlq_status s;

    MLQ_ASSERT(svm != NULL && x != NULL && work != NULL && score != NULL);
    if ((s = call_ok(m, kernel, n_features, work, work_size)) != MLQ_OK)
        return s;
    if (m->n_classes != 1u)
        return MLQ_ERR_MODEL;
    if (kernel == MLQ_SVM_LINEAR) {
        sum = mlq_dot_flash_q15(x, m->w, n_features);
    } else if (kernel == MLQ_SVM_RBF) {
        mlq_q15_t *k = (mlq_q15_t *)values_of(m, work);

        rbf_values(m, x, k);
        sum = mlq_dot_flash_q15(k, m->coef, m->n_sv);
    } else {
        int32_t *k = (int32_t *)values_of(m, work);

        poly_values(m, x, k);
        sum = dot_q31_q15(k, m->coef, m->n_sv);
    }
    *score = dec_q16(sum - MLQ_RD_I64(&m->rho[0]), MLQ_RD_I8(&m->dec_shift[0]));
    return MLQ_OK;
}

mlq_status mlq_svm_rbf_regress_q15(const mlq_svm_q15 *model, const mlq_q15_t *x,
                                   uint16_t n_features, void *work, size_t work_size, int32_t *score)
{
    return regress_entry(model, MLQ_SVM_RBF, x, n_features, work, work_size, score);
}

mlq_status mlq_svm_poly_regress_q15(const mlq_svm_q15 *model, const mlq_q15_t *x,
                                    uint16_t n_features, void *work, size_t work_size, int32_t *score)
{
    return regress_entry(model, MLQ_SVM_POLY, x, n_features, work, work_size, score);
}

mlq_status mlq_svm_linear_regress_q15(const mlq_svm_q15 *model, const mlq_q15_t *x,
                                      uint16_t n_features, void *work, size_t work_size,
                                      int32_t *score)
{
    return regress_entry(model, MLQ_SVM_LINEAR, x, n_features, work, work_size, score);
}

mlq_status mlq_svm_regress_q15(const mlq_svm_q15 *model, const mlq_q15_t *x, uint16_t n_features,
                               void *work, size_t work_size, int32_t *score)
{
    MLQ_ASSERT(model != NULL);
    switch (MLQ_RD_U8(&model->kernel)) { /* one field: the kernel's entry copies the struct */
    case MLQ_SVM_LINEAR:
        return mlq_svm_linear_regress_q15(model, x, n_features, work, work_size, score);
    case MLQ_SVM_RBF:
        return mlq_svm_rbf_regress_q15(model, x, n_features, work, work_size, score);
    case MLQ_SVM_POLY:
        return mlq_svm_poly_regress_q15(model, x, n_features, work, work_size, score);
    default:
        return MLQ_ERR_MODEL;
    }
}
