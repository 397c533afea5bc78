/* SPDX-License-Identifier: MIT */
#include "mlq/svm.h"

#include "mlq/fixed.h"
#include "mlq/score.h"

#include "dsp.h"
#include "svm_impl.h"

mlq_q15_t mlq_svm_exp2_q15(uint32_t u)
{
    return exp2_q15(u);
}

/* Pairs of n classes (n <= 65535: fits 32 bits). */
static inline uint32_t pairs_of(uint32_t n)
{
    return n * (n - 1u) / 2u;
}

/* ---- pairs, votes and scores ------------------------------------------------- */

/*
 * The outcome of pair p = (i, j) whose sum is `sum`: its decision value
 * into dec[p] (dec != NULL), or a vote for i when sum > rho, else for j,
 * and with margin != NULL i's and j's signed decision values (mlq/svm.h,
 * mlq_svm_scores_q15) added to their margins.
 */
MLQ_INLINE void tally(const mlq_svm_q15 *m, uint32_t p, uint32_t i, uint32_t j, int64_t sum,
                      uint16_t *votes, int64_t *margin, int64_t *dec)
{
    if (dec != NULL) {
        dec[p] = sum - MLQ_RD_I64(&m->rho[p]);
        return;
    }
    votes[sum > MLQ_RD_I64(&m->rho[p]) ? i : j]++;
    if (margin != NULL) {
        int32_t t = dec_q16(sum - MLQ_RD_I64(&m->rho[p]), MLQ_RD_I8(&m->dec_shift[p]));

        margin[i] += t;
        margin[j] -= t;
    }
}

/*
 * The pairs of a kernel model: class i's SVs carry their coefficient for
 * class j in coefficient row j - 1, class j's SVs theirs for class i in row
 * i. k is int16 (k32 NULL) or int32. Inlined where votes, margin and dec
 * are known, so that each entry gets its own loop.
 */
MLQ_INLINE void kernel_pairs(const mlq_svm_q15 *m, const mlq_q15_t *k, const int32_t *k32,
                             uint16_t *votes, int64_t *margin, int64_t *dec)
{
    uint32_t nc = m->n_classes, n_sv = m->n_sv, i, j, p = 0;
    const uint16_t *start = m->sv_start;

    for (i = 0; i < nc; i++) {
        uint32_t si = MLQ_RD_U16(&start[i]), ni = MLQ_RD_U16(&start[i + 1u]) - si;

        for (j = i + 1u; j < nc; j++, p++) {
            uint32_t sj = MLQ_RD_U16(&start[j]), nj = MLQ_RD_U16(&start[j + 1u]) - sj;
            const mlq_q15_t *ci = m->coef + (size_t)(j - 1u) * n_sv + si;
            const mlq_q15_t *cj = m->coef + (size_t)i * n_sv + sj;
            int64_t sum;

            if (k32 == NULL)
                sum = mlq_dot_flash_q15(k + si, ci, ni) + mlq_dot_flash_q15(k + sj, cj, nj);
            else
                sum = dot_q31_q15(k32 + si, ci, ni) + dot_q31_q15(k32 + sj, cj, nj);
            tally(m, p, i, j, sum, votes, margin, dec);
        }
    }
}

/*
 * The votes of a linear model, one weight row per pair, in the order (0,1),
 * (0,2), ..., (1,2), ... Pair (i, j) votes for i when w . x > rho, that
 * is when -1 - rho + w . x >= 0 (exact in int64, mlq/svm.h): the sign
 * bit of one sum, no 64-bit compare; the bit is a vote for j and its
 * complement one for i (votes cleared by the caller). short_path (a
 * constant where this is inlined) selects the dot of short rows or
 * mlq_dot_flash_q15, so that each path is one loop.
 */
MLQ_INLINE void linear_votes(const mlq_svm_q15 *m, const mlq_q15_t *x, uint16_t *votes,
                             int short_path)
{
    uint32_t n = m->n_features, step = short_path ? 4u : MLQ_ROW_LEN(n);
    const mlq_q15_t *w = m->w;
    const int64_t *rho = m->rho, *rho_end = rho + pairs_of(m->n_classes);
    uint16_t *vi = votes, *vj = votes + 1, *end = votes + m->n_classes;
    short_x v = {0};

    if (short_path)
        v = short_load(x, n);
    for (; rho != rho_end; rho++, w += step) {
        int64_t r = MLQ_RD_I64(rho);
        int64_t acc = short_path ? short_dot(v, MLQ_FAR_NEAR(w), -1 - r)
                                 : -1 - r + mlq_dot_flash_q15(x, w, n);
        uint32_t j_wins = (uint32_t)((uint64_t)acc >> 32) >> 31;

        *vj = (uint16_t)(*vj + j_wins);
        *vi = (uint16_t)(*vi + 1u - j_wins);
        if (++vj == end) {
            vi++;
            vj = vi + 1;
        }
    }
}

/* The pairs of a linear model one by one, as kernel_pairs (scores, decision). */
static void linear_pairs(const mlq_svm_q15 *m, const mlq_q15_t *x, uint16_t *votes,
                         int64_t *margin, int64_t *dec)
{
    uint32_t nc = m->n_classes, n = m->n_features, row = MLQ_ROW_LEN(n), i, j, p = 0;
    const mlq_q15_t *w = m->w;

    for (i = 0; i < nc; i++)
        for (j = i + 1u; j < nc; j++, p++, w += row)
            tally(m, p, i, j, mlq_dot_flash_q15(x, w, n), votes, margin, dec);
}

/* Clear n vote counters and, with margin != NULL, n margins. Through
 * volatile pointers so that the compiler does not turn the loops into
 * calls of memset (freestanding: no libc). */
static void clear(uint16_t *votes, int64_t *margin, uint32_t n)
{
    volatile uint16_t *v = votes;
    volatile int64_t *g = margin;
    uint32_t c;

    for (c = 0; c < n; c++)
        v[c] = 0;
    for (c = 0; g != NULL && c < n; c++)
        g[c] = 0;
}

/* The id that voted class c reports. */
static inline uint16_t class_id(const mlq_svm_q15 *m, uint32_t c)
{
    return m->class_ids != NULL ? MLQ_RD_U16(&m->class_ids[c]) : (uint16_t)c;
}

/* The class with the most votes; ties keep the lower class. */
static uint32_t top_class(const uint16_t *votes, uint32_t n_classes)
{
    uint32_t c, best = 0;

    for (c = 1; c < n_classes; c++)
        if (votes[c] > votes[best])
            best = c;
    return best;
}

/* Scores from votes and margins (mlq_svm_scores_q15). */
static void vote_scores(const mlq_svm_q15 *m, const uint16_t *votes, const int64_t *margin,
                        int32_t *scores)
{
    uint32_t c, nc = m->n_classes;

    for (c = 0; c < m->n_outputs; c++)
        scores[c] = -32768; /* ids not voted among */
    for (c = 0; c < nc; c++) {
        int64_t g = margin[c];
        int32_t mc = g > 32767 ? 32767 : g < -32767 ? -32767 : (int32_t)g;

        scores[class_id(m, c)] = (int32_t)((uint32_t)votes[c] << 16) + mc; /* votes <= 32766 */
    }
    mlq_score_keep_winner(scores, m->n_outputs, class_id(m, top_class(votes, nc)));
}

/* ---- entries -------------------------------------------------------------- */

/*
 * The model is in flash (mlq/types.h): each entry takes its struct with
 * MLQ_MODEL_IN_RAM (a copy on the stack on AVR, the pointer elsewhere), and
 * the functions above read its arrays through MLQ_RD_* and
 * mlq_dot_flash_q15. The scratch is laid out as svm_impl.h says.
 */
MLQ_INLINE uint16_t *votes_of(const mlq_svm_q15 *m, unsigned kernel, void *work)
{
    void *k = values_of(m, work);

    return kernel == MLQ_SVM_RBF    ? (uint16_t *)k + m->n_sv
           : kernel == MLQ_SVM_POLY ? (uint16_t *)(void *)((int32_t *)k + m->n_sv)
                                    : (uint16_t *)k;
}

/*
 * One kernel model's pass over x (kernel a constant where this is
 * inlined): the kernel values, then the pairs. With margin != NULL the
 * margins too (scores); with dec != NULL only the decision values.
 * Returns the winning voted class (when dec is NULL).
 */
MLQ_INLINE uint32_t kernel_run(const mlq_svm_q15 *m, unsigned kernel, const mlq_q15_t *x,
                               void *work, int64_t *margin, int64_t *dec)
{
    void *k = values_of(m, work);
    uint16_t *votes = votes_of(m, kernel, work);

    if (kernel == MLQ_SVM_RBF)
        rbf_values(m, x, (mlq_q15_t *)k);
    else
        poly_values(m, x, (int32_t *)k);
    if (dec == NULL)
        clear(votes, margin, m->n_classes);
    if (kernel == MLQ_SVM_RBF)
        kernel_pairs(m, (const mlq_q15_t *)k, NULL, votes, margin, dec);
    else
        kernel_pairs(m, NULL, (const int32_t *)k, votes, margin, dec);
    return dec == NULL ? top_class(votes, m->n_classes) : 0;
}

mlq_status mlq_svm_rbf_predict_q15(const mlq_svm_q15 *svm, const mlq_q15_t *x,
                                   uint16_t n_features, void *work, size_t work_size, uint16_t *cls)
{
    MLQ_MODEL_IN_RAM(mlq_svm_q15, model, svm);
    mlq_status s;

    MLQ_ASSERT(svm != NULL && x != NULL && work != NULL && cls != NULL);
    if ((s = call_ok(model, MLQ_SVM_RBF, n_features, work, work_size)) != MLQ_OK)
        return s;
    *cls = class_id(model, kernel_run(model, MLQ_SVM_RBF, x, work, NULL, NULL));
    return MLQ_OK;
}

mlq_status mlq_svm_poly_predict_q15(const mlq_svm_q15 *svm, const mlq_q15_t *x,
                                    uint16_t n_features, void *work, size_t work_size, uint16_t *cls)
{
    MLQ_MODEL_IN_RAM(mlq_svm_q15, model, svm);
    mlq_status s;

    MLQ_ASSERT(svm != NULL && x != NULL && work != NULL && cls != NULL);
    if ((s = call_ok(model, MLQ_SVM_POLY, n_features, work, work_size)) != MLQ_OK)
        return s;
    *cls = class_id(model, kernel_run(model, MLQ_SVM_POLY, x, work, NULL, NULL));
    return MLQ_OK;
}

mlq_status mlq_svm_linear_predict_q15(const mlq_svm_q15 *svm, const mlq_q15_t *x,
                                      uint16_t n_features, void *work, size_t work_size,
                                      uint16_t *cls)
{
    MLQ_MODEL_IN_RAM(mlq_svm_q15, model, svm);
    uint16_t *votes;
    mlq_status s;

    MLQ_ASSERT(svm != NULL && x != NULL && work != NULL && cls != NULL);
    if ((s = call_ok(model, MLQ_SVM_LINEAR, n_features, work, work_size)) != MLQ_OK)
        return s;
    votes = votes_of(model, MLQ_SVM_LINEAR, work);
    if (model->n_classes == 2) { /* one pair, no votes to count: the sign of its sum */
        int64_t acc = -1 - MLQ_RD_I64(&model->rho[0]) + mlq_dot_flash_q15(x, model->w, n_features);

        *cls = class_id(model, (uint32_t)((uint64_t)acc >> 63));
        return MLQ_OK;
    }
    clear(votes, NULL, model->n_classes);
    if (short_rows(x, MLQ_FAR_NEAR(model->w), n_features))
        linear_votes(model, x, votes, 1);
    else
        linear_votes(model, x, votes, 0);
    *cls = class_id(model, top_class(votes, model->n_classes));
    return MLQ_OK;
}

/* The scores entry of one kernel (a constant where this is inlined). */
MLQ_INLINE mlq_status scores_entry(const mlq_svm_q15 *svm, unsigned kernel, const mlq_q15_t *x,
                                   uint16_t n_features, void *work, size_t work_size, int32_t *out)
{
    MLQ_MODEL_IN_RAM(mlq_svm_q15, m, svm);
    int64_t *margin;
    uint16_t *votes;
    mlq_status s;

    MLQ_ASSERT(svm != NULL && x != NULL && work != NULL && out != NULL);
    if ((s = call_ok(m, kernel, n_features, work, work_size)) != MLQ_OK)
        return s;
    margin = margins_of(work);
    votes = votes_of(m, kernel, work);
    if (kernel == MLQ_SVM_LINEAR) {
        clear(votes, margin, m->n_classes);
        linear_pairs(m, x, votes, margin, NULL);
    } else {
        kernel_run(m, kernel, x, work, margin, NULL);
    }
    vote_scores(m, votes, margin, out);
    return MLQ_OK;
}

mlq_status mlq_svm_rbf_scores_q15(const mlq_svm_q15 *model, const mlq_q15_t *x,
                                  uint16_t n_features, void *work, size_t work_size,
                                  int32_t *scores)
{
    return scores_entry(model, MLQ_SVM_RBF, x, n_features, work, work_size, scores);
}

mlq_status mlq_svm_poly_scores_q15(const mlq_svm_q15 *model, const mlq_q15_t *x,
                                   uint16_t n_features, void *work, size_t work_size,
                                   int32_t *scores)
{
    return scores_entry(model, MLQ_SVM_POLY, x, n_features, work, work_size, scores);
}

mlq_status mlq_svm_linear_scores_q15(const mlq_svm_q15 *model, const mlq_q15_t *x,
                                     uint16_t n_features, void *work, size_t work_size,
                                     int32_t *scores)
{
    return scores_entry(model, MLQ_SVM_LINEAR, x, n_features, work, work_size, scores);
}

mlq_status mlq_svm_decision_q15(const mlq_svm_q15 *svm, const mlq_q15_t *x, uint16_t n_features,
                                void *work, size_t work_size, int64_t *dec)
{
    MLQ_MODEL_IN_RAM(mlq_svm_q15, model, svm);
    unsigned kernel = model->kernel;
    mlq_status s;

    MLQ_ASSERT(svm != NULL && x != NULL && work != NULL && dec != NULL);
    if (kernel > MLQ_SVM_POLY)
        return MLQ_ERR_MODEL;
    if ((s = call_ok(model, kernel, n_features, work, work_size)) != MLQ_OK)
        return s;
    if (kernel == MLQ_SVM_LINEAR)
        linear_pairs(model, x, NULL, NULL, dec);
    else if (kernel == MLQ_SVM_RBF)
        kernel_run(model, MLQ_SVM_RBF, x, work, NULL, dec);
    else
        kernel_run(model, MLQ_SVM_POLY, x, work, NULL, dec);
    return MLQ_OK;
}
