/* SPDX-License-Identifier: MIT */
/*
 * SVM header body (the model's arrays and NAME_model; exporters/export.c
 * writes the rest) and the SVM lines of `mlq info`, from the device model
 * that exporters/export_svm.c built.
 */
#include <stdlib.h>

#include "export_svm.h"
#include "svm_params.h"

int mlq_svm_export_body(FILE *f, const mlq_device *dev, const char *name)
{
    const mlq_svm_dev *kd = dev->impl;
    const mlq_svm_q15 *m = &kd->m;
    size_t nu = m->n_classes, p = m->n_features, row = MLQ_ROW_LEN(p), nsv = m->n_sv;
    size_t np = kd->n_pairs, n_max, i, cols = row < 12 ? row : 12, n_rows = nu > 1 ? nu - 1 : 1;
    int linear = m->kernel == MLQ_SVM_LINEAR, regress = nu == 1;
    char shape[160];
    int64_t *tmp;

    n_max = linear ? np * row : nsv * row;
    if (n_max < n_rows * nsv)
        n_max = n_rows * nsv;
    if (n_max < nu + 1)
        n_max = nu + 1;
    if ((tmp = mlq_calloc(n_max + 16, sizeof *tmp)) == NULL)
        return -1;
    if (kd->class_ids != NULL) {
        for (i = 0; i < nu; i++)
            tmp[i] = kd->class_ids[i];
        snprintf(shape, sizeof shape, "[%zu] class id of each voted class", nu);
        mlq_emit_ints(f, "uint16_t", name, "class_ids", shape, tmp, nu, 12);
    }
    if (linear) {
        for (i = 0; i < np * row; i++)
            tmp[i] = kd->w[i];
        snprintf(shape, sizeof shape, "[%zu][%zu%s] folded weights %s, Q15 input steps x 2^frac%s",
                 np, p, row == p ? "" : " + 1", regress ? "of the regression" : "per class pair",
                 row == p ? "" : ", each row zero-padded");
        mlq_emit_ints(f, "mlq_q15_t", name, "w", shape, tmp, np * row, cols);
    } else {
        for (i = 0; i <= nu; i++)
            tmp[i] = kd->sv_start[i];
        snprintf(shape, sizeof shape, regress ? "[%zu] first and end support vector"
                                              : "[%zu] first support vector of each class",
                 nu + 1);
        mlq_emit_ints(f, "uint16_t", name, "sv_start", shape, tmp, nu + 1, 12);
        for (i = 0; i < nsv * row; i++)
            tmp[i] = kd->sv[i];
        snprintf(shape, sizeof shape, "[%zu][%zu%s] support vectors, Q1.15, input domain%s", nsv,
                 p, row == p ? "" : " + 1", row == p ? "" : ", each row zero-padded");
        mlq_emit_far_q15(f, name, "sv", shape, tmp, nsv * row, cols);
        if (kd->sv_norm != NULL) {
            snprintf(shape, sizeof shape, "[%zu] exact sum of squared support vector entries, Q2.30", nsv);
            mlq_emit_ints(f, "int64_t", name, "sv_norm", shape, kd->sv_norm, nsv, 4);
        }
        for (i = 0; i < n_rows * nsv; i++)
            tmp[i] = kd->coef[i];
        snprintf(shape, sizeof shape, "[%zu][%zu] dual coefficients %s, Q%d", n_rows, nsv,
                 regress ? "alpha - alpha*" : "y * alpha", kd->coef_frac);
        mlq_emit_ints(f, "mlq_q15_t", name, "coef", shape, tmp, n_rows * nsv, 12);
        if (kd->pow_shift != NULL) {
            for (i = 0; i + 1 < m->degree; i++)
                tmp[i] = kd->pow_shift[i];
            snprintf(shape, sizeof shape, "[%u] rounding shift after each power step", m->degree - 1u);
            mlq_emit_ints(f, "uint8_t", name, "pow_shift", shape, tmp, (size_t)m->degree - 1, 12);
        }
    }
    if (regress)
        snprintf(shape, sizeof shape, "[1] rho (the value is the sum - rho), in the sum's units");
    else if (linear)
        snprintf(shape, sizeof shape, "[%zu] intercepts, in each pair's w . x units", np);
    else
        snprintf(shape, sizeof shape, "[%zu] intercepts, Q%d (kernel Q%d x coefficient Q%d)", np,
                 kd->kernel_frac + kd->coef_frac, kd->kernel_frac, kd->coef_frac);
    mlq_emit_ints(f, "int64_t", name, "rho", shape, kd->rho, np, 4);
    for (i = 0; i < np; i++)
        tmp[i] = kd->dec_shift[i];
    snprintf(shape, sizeof shape,
             "[%zu] right shift from %s sum - rho to its decision value in Q15.16", np,
             regress ? "the" : "each pair's");
    mlq_emit_ints(f, "int8_t", name, "dec_shift", shape, tmp, np, 12);
    fprintf(f, "MLQ_MAYBE_UNUSED static const mlq_svm_q15 %s_model MLQ_FLASH = {\n"
               "    %zu, %zu, %zu, %zu, %s, %u,\n",
            name, nu, p, nsv, (size_t)m->n_outputs, mlq_svm_kernel_macro(m->kernel), (unsigned)m->degree);
#define ARR(cond, suffix) fprintf(f, (cond) ? "%s_" suffix ", " : "%.0sNULL, ", name)
    fputs("    ", f);
    ARR(kd->class_ids != NULL, "class_ids");
    ARR(!linear, "sv_start");
    fprintf(f, linear ? "%.0sNULL, " : "MLQ_FAR_REF(%s_sv), ", name);
    ARR(kd->sv_norm != NULL, "sv_norm");
    ARR(!linear, "coef");
    ARR(linear, "w");
    fprintf(f, "%s_rho, %s_dec_shift,\n", name, name);
#undef ARR
    fprintf(f, "    INT64_C(%lld), UINT32_C(%lu), %ld, %d, %u, ", (long long)m->k_limit,
            (unsigned long)m->k_mul, (long)m->k_add, (int)m->k_pre, (unsigned)m->k_shift);
    if (kd->pow_shift != NULL)
        fprintf(f, "%s_pow_shift};\n", name);
    else
        fputs("NULL};\n", f);
    free(tmp);
    return 0;
}

void mlq_svm_info(FILE *f, const mlq_device *dev)
{
    const mlq_svm_dev *kd = dev->impl;
    const svm_params *sp = dev->model->params;
    size_t c, p = kd->m.n_features;

    static const char *const names[] = {"linear", "rbf", "poly"};

    fprintf(f, "kernel            %s", names[sp->kernel]);
    if (sp->kernel != SVM_LINEAR)
        fprintf(f, ", gamma %g", sp->gamma);
    if (sp->kernel == SVM_POLY)
        fprintf(f, ", degree %d, coef0 %g", sp->degree, sp->coef0);
    fputc('\n', f);
    if (sp->regress) {
        fprintf(f, "regression        epsilon-SVR, epsilon %g standardized target units (%g in "
                   "target units), intercept %g\n",
                sp->epsilon, sp->epsilon * dev->model->target_scale, -sp->rho[0]);
        fprintf(f, "support vectors   %zu of %zu training rows\n", sp->n_sv, dev->model->train_rows);
    } else {
        fprintf(f, "support vectors   %zu (", sp->n_sv);
        for (c = 0; c < sp->n_used; c++)
            fprintf(f, "%s%s: %zu", c ? ", " : "", dev->model->class_names[sp->classes[c]],
                    sp->sv_count[c]);
        fprintf(f, "), %zu class pairs\n", kd->n_pairs);
    }
    if (kd->m.kernel == MLQ_SVM_LINEAR)
        fprintf(f, "device model      %zu folded weight vector%s x %zu Q15 + %zu int64 intercept%s\n",
                kd->n_pairs, sp->regress ? "" : "s", p, kd->n_pairs, sp->regress ? "" : "s");
    else
        fprintf(f, "device model      %zu x %zu Q1.15 support vectors%s, %zu x %zu Q%d coefficients, "
                   "%zu int64 intercept%s (Q%d)\n",
                (size_t)kd->m.n_sv, p, sp->regress ? "" : " (shared by all pairs)",
                sp->regress ? (size_t)1 : (size_t)kd->m.n_classes - 1, (size_t)kd->m.n_sv,
                kd->coef_frac, kd->n_pairs, sp->regress ? "" : "s",
                kd->kernel_frac + kd->coef_frac);
    fprintf(f, "device RAM        0 bytes (model is const, in flash)\n");
    fprintf(f, "device stack      %zu bytes input buffer + %zu bytes scratch in each entry + the "
               "kernel's frame (measured by make bench)\n",
            p * sizeof(mlq_q15_t), dev->work_bytes);
}
