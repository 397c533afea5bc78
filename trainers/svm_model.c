/* SPDX-License-Identifier: MIT */
/*
 * The SVM model on the host: support vectors grouped by class, one
 * coefficient per other class, one-vs-one decision values (the layout of
 * mlq/svm.h). Prediction votes over the pairs; ties go to the lowest
 * class, as in the reference implementation. An epsilon-SVR (--task
 * regress) has one decision function, its value the prediction. Its
 * options, model-file parameters and host table; the trainer is
 * train_svm.c (SMO in smo.c, which also holds the kernel function), the
 * device side exporters/export_svm.c.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "algo.h"
#include "svm_params.h"

static const char *const kernel_names[] = {"linear", "rbf", "poly"};

size_t svm_n_pairs(size_t k)
{
    return k * (k - 1) / 2;
}

size_t svm_n_dec(const svm_params *sp)
{
    return sp->regress ? 1 : svm_n_pairs(sp->n_used);
}

size_t svm_n_coef_rows(const svm_params *sp)
{
    return sp->regress ? 1 : sp->n_used - 1;
}

static void svm_params_free(void *params)
{
    svm_params *sp = params;

    if (sp == NULL)
        return;
    free(sp->classes);
    free(sp->sv_count);
    free(sp->sv_first);
    free(sp->sv);
    free(sp->coef);
    free(sp->rho);
    free(sp);
}

int svm_set_first(svm_params *sp)
{
    size_t c;

    sp->sv_first = mlq_calloc(sp->n_used + 1, sizeof *sp->sv_first);
    if (sp->sv_first == NULL)
        return -1;
    for (c = 0; c < sp->n_used; c++)
        sp->sv_first[c + 1] = sp->sv_first[c] + sp->sv_count[c];
    return 0;
}

/* Decision values of every pair for one standardized row (kv: [n_sv] scratch). */
static void decisions(const svm_params *sp, size_t p, const double *z, double *kv, double *dec)
{
    const size_t *first = sp->sv_first;
    size_t s, i, j, q = 0;

    for (s = 0; s < sp->n_sv; s++)
        kv[s] = svm_kernel_eval(sp, z, sp->sv + s * p, p);
    for (i = 0; i < sp->n_used; i++) {
        for (j = i + 1; j < sp->n_used; j++, q++) {
            double sum = 0.0;

            for (s = first[i]; s < first[i + 1]; s++)
                sum += sp->coef[(j - 1) * sp->n_sv + s] * kv[s];
            for (s = first[j]; s < first[j + 1]; s++)
                sum += sp->coef[i * sp->n_sv + s] * kv[s];
            dec[q] = sum - sp->rho[q];
        }
    }
}

/* Index (into sp->classes) of the vote winner; ties go to the lowest. */
static size_t vote(const svm_params *sp, const double *dec, size_t *votes)
{
    size_t i, j, q = 0, best = 0;

    memset(votes, 0, sp->n_used * sizeof *votes);
    for (i = 0; i < sp->n_used; i++)
        for (j = i + 1; j < sp->n_used; j++, q++)
            votes[dec[q] > 0 ? i : j]++;
    for (i = 1; i < sp->n_used; i++)
        if (votes[i] > votes[best])
            best = i;
    return best;
}

static int svm_predict(const mlq_model *m, const double *z)
{
    const svm_params *sp = m->params;
    size_t np = svm_n_pairs(sp->n_used);
    double *kv;
    size_t *votes;
    int cls = -1;

    if (sp->regress)
        return 0; /* one output: its id */
    kv = malloc((sp->n_sv + np + 1) * sizeof *kv);
    votes = malloc(sp->n_used * sizeof *votes);
    if (kv != NULL && votes != NULL) {
        decisions(sp, m->n_features, z, kv, kv + sp->n_sv);
        cls = sp->classes[vote(sp, kv + sp->n_sv, votes)];
    }
    free(kv);
    free(votes);
    return cls;
}

/* One score per class id (the model file's classes, voted among or not); 1 (SVR). */
static size_t svm_n_outputs(const mlq_model *m)
{
    return ((const svm_params *)m->params)->regress ? 1 : m->n_classes;
}

/* A pair's decision value as the device's scores take it: saturated to
 * the Q15.16 range (mlq_svm_scores_q15). */
static double dec_term(double f)
{
    return f > 2147483647.0 / 65536.0 ? 2147483647.0 / 65536.0 : f < -32768.0 ? -32768.0 : f;
}

/* An SVR's decision value as the device's score takes it (saturated to
 * the Q15.16 range): the prediction in standardized target units. */
static double svr_value(const svm_params *sp, size_t p, const double *z)
{
    double sum = 0.0;
    size_t s;

    for (s = 0; s < sp->n_sv; s++)
        sum += sp->coef[s] * svm_kernel_eval(sp, z, sp->sv + s * p, p);
    return dec_term(sum - sp->rho[0]);
}

/*
 * The device's scores in float (mlq_svm_scores_q15): class c's votes plus
 * its summed signed decision values, clamped to 32767 / 65536 either way;
 * -0.5 for a class that is not voted among. Then, as
 * mlq_score_keep_winner does, the vote winner is put back on top where a
 * vote tie is broken by margin the other way, so that the argmax (the
 * lowest index on ties) is the prediction. Only a higher class can tie the
 * winner in votes; a lower one has fewer, and a margin within half a vote
 * keeps it below.
 */
static void svm_host_scores(const mlq_model *m, const double *z, double *scores)
{
    const svm_params *sp = m->params;
    size_t nu = sp->n_used, np = svm_n_pairs(nu), i, j, q = 0, best, c;
    double *kv, *dec, *margin, top;
    size_t *votes;
    const double lim = 32767.0 / 65536.0;

    if (sp->regress) {
        scores[0] = svr_value(sp, m->n_features, z);
        return;
    }
    kv = malloc((sp->n_sv + np + nu) * sizeof *kv);
    votes = malloc(nu * sizeof *votes);
    for (c = 0; c < m->n_classes; c++)
        scores[c] = kv != NULL && votes != NULL ? -0.5 : (double)NAN; /* no error path here */
    if (kv == NULL || votes == NULL) {
        free(kv);
        free(votes);
        return;
    }
    dec = kv + sp->n_sv;
    margin = dec + np;
    decisions(sp, m->n_features, z, kv, dec);
    best = vote(sp, dec, votes);
    memset(margin, 0, nu * sizeof *margin);
    for (i = 0; i < nu; i++) {
        for (j = i + 1; j < nu; j++, q++) {
            margin[i] += dec_term(dec[q]);
            margin[j] -= dec_term(dec[q]);
        }
    }
    for (c = 0; c < nu; c++)
        scores[sp->classes[c]] = (double)votes[c] + fmax(-lim, fmin(lim, margin[c]));
    top = scores[sp->classes[best]];
    for (c = (size_t)sp->classes[best] + 1; c < m->n_classes; c++)
        if (scores[c] > top)
            scores[c] = top;
    free(kv);
    free(votes);
}

int svm_kernel_of(const char *name)
{
    int k;

    for (k = 0; k < 3; k++)
        if (strcmp(name, kernel_names[k]) == 0)
            return k;
    return -1;
}

/* ---- the model file ----------------------------------------------------- */

/* An SVR's parameters: "svm": {kernel, gamma, coef0, degree, epsilon, n_sv,
 * support_vectors [n_sv][D], dual_coef [n_sv] (alpha - alpha*), intercept
 * (the prediction is sum dual_coef x kernel + intercept, in standardized
 * target units), t_max}. */
static int svr_params_save(const mlq_model *m, cJSON *obj)
{
    const svm_params *sp = m->params;

    return mlq_json_add(obj, "kernel", cJSON_CreateString(kernel_names[sp->kernel])) != 0 ||
                   cJSON_AddNumberToObject(obj, "gamma", sp->gamma) == NULL ||
                   cJSON_AddNumberToObject(obj, "coef0", sp->coef0) == NULL ||
                   cJSON_AddNumberToObject(obj, "degree", sp->degree) == NULL ||
                   cJSON_AddNumberToObject(obj, "epsilon", sp->epsilon) == NULL ||
                   cJSON_AddNumberToObject(obj, "n_sv", (double)sp->n_sv) == NULL ||
                   mlq_json_add(obj, "support_vectors",
                                mlq_json_matrix(sp->sv, sp->n_sv, m->n_features)) != 0 ||
                   mlq_json_add(obj, "dual_coef", mlq_json_array(sp->coef, sp->n_sv)) != 0 ||
                   mlq_json_add(obj, "intercept", cJSON_CreateNumber(-sp->rho[0])) != 0 ||
                   cJSON_AddNumberToObject(obj, "t_max", sp->t_max) == NULL
               ? -1
               : 0;
}

static int svm_params_save(const mlq_model *m, cJSON *obj)
{
    const svm_params *sp = m->params;
    double *counts;
    size_t c;
    int rc;

    if (sp->regress)
        return svr_params_save(m, obj);
    if ((counts = mlq_calloc(sp->n_used, sizeof *counts)) == NULL)
        return -1;
    for (c = 0; c < sp->n_used; c++)
        counts[c] = (double)sp->sv_count[c];
    rc = mlq_json_add(obj, "kernel", cJSON_CreateString(kernel_names[sp->kernel])) != 0 ||
                 cJSON_AddNumberToObject(obj, "gamma", sp->gamma) == NULL ||
                 cJSON_AddNumberToObject(obj, "coef0", sp->coef0) == NULL ||
                 cJSON_AddNumberToObject(obj, "degree", sp->degree) == NULL ||
                 mlq_json_add(obj, "classes", mlq_json_int_array(sp->classes, sp->n_used)) != 0 ||
                 mlq_json_add(obj, "sv_count", mlq_json_array(counts, sp->n_used)) != 0 ||
                 mlq_json_add(obj, "support_vectors", mlq_json_matrix(sp->sv, sp->n_sv, m->n_features)) != 0 ||
                 mlq_json_add(obj, "dual_coef", mlq_json_matrix(sp->coef, sp->n_used - 1, sp->n_sv)) != 0 ||
                 mlq_json_add(obj, "rho", mlq_json_array(sp->rho, svm_n_pairs(sp->n_used))) != 0 ||
                 cJSON_AddNumberToObject(obj, "t_max", sp->t_max) == NULL
             ? -1
             : 0;
    free(counts);
    return rc;
}

/* The classes, support vectors and coefficients of a C-SVC. */
static int svc_params_load(mlq_model *m, svm_params *sp, const cJSON *obj, const char *path,
                           mlq_err *err)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, "classes");
    double *tmp = NULL;
    size_t c, n_used, total = 0;

    if (it == NULL)
        return mlq_err_set(err, path, 0, "missing field 'svm.classes'");
    if (!cJSON_IsArray(it) || cJSON_GetArraySize(it) < 2 ||
        (size_t)cJSON_GetArraySize(it) > m->n_classes)
        return mlq_err_set(err, path, 0,
                           "field 'svm.classes' must be an array of 2..%zu class ids", m->n_classes);
    n_used = (size_t)cJSON_GetArraySize(it);
    sp->n_used = n_used;
    sp->classes = mlq_calloc(n_used, sizeof *sp->classes);
    sp->sv_count = mlq_calloc(n_used, sizeof *sp->sv_count);
    sp->rho = mlq_calloc(svm_n_pairs(n_used), sizeof *sp->rho);
    tmp = mlq_calloc(n_used, sizeof *tmp);
    if (sp->classes == NULL || sp->sv_count == NULL || sp->rho == NULL || tmp == NULL) {
        free(tmp);
        return mlq_err_set(err, path, 0, "out of memory");
    }
    if (mlq_json_get_array(obj, "classes", "svm", n_used, tmp, path, err) != 0) {
        free(tmp);
        return -1;
    }
    for (c = 0; c < n_used; c++) {
        if (tmp[c] != floor(tmp[c]) || tmp[c] < 0 || tmp[c] >= (double)m->n_classes ||
            (c > 0 && tmp[c] <= tmp[c - 1])) {
            free(tmp);
            return mlq_err_set(err, path, 0,
                               "field 'svm.classes' entry %zu must be a class id in [0, %zu), increasing",
                               c, m->n_classes);
        }
        sp->classes[c] = (int)tmp[c];
    }
    if (mlq_json_get_array(obj, "sv_count", "svm", n_used, tmp, path, err) != 0) {
        free(tmp);
        return -1;
    }
    for (c = 0; c < n_used; c++) {
        if (tmp[c] != floor(tmp[c]) || tmp[c] < 0 || tmp[c] > 1e9) {
            free(tmp);
            return mlq_err_set(err, path, 0, "field 'svm.sv_count' entry %zu must be a count", c);
        }
        sp->sv_count[c] = (size_t)tmp[c];
        total += sp->sv_count[c];
    }
    free(tmp);
    if (total == 0)
        return mlq_err_set(err, path, 0, "field 'svm.sv_count' adds up to no support vector");
    sp->n_sv = total;
    sp->sv = mlq_calloc(total * m->n_features, sizeof *sp->sv);
    sp->coef = mlq_calloc((n_used - 1) * total, sizeof *sp->coef);
    if (sp->sv == NULL || sp->coef == NULL || svm_set_first(sp) != 0)
        return mlq_err_set(err, path, 0, "out of memory");
    return mlq_json_get_matrix(obj, "support_vectors", "svm", total, m->n_features, sp->sv, path,
                               err) != 0 ||
                   mlq_json_get_matrix(obj, "dual_coef", "svm", n_used - 1, total, sp->coef, path,
                                       err) != 0 ||
                   mlq_json_get_array(obj, "rho", "svm", svm_n_pairs(n_used), sp->rho, path, err) != 0
               ? -1
               : 0;
}

/* The epsilon, support vectors, coefficients and intercept of an SVR. */
static int svr_params_load(mlq_model *m, svm_params *sp, const cJSON *obj, const char *path,
                           mlq_err *err)
{
    double b;

    sp->regress = true;
    sp->n_used = 1;
    if (mlq_json_get_number(obj, "epsilon", "svm", &sp->epsilon, path, err) != 0 ||
        mlq_json_get_size(obj, "n_sv", "svm", 1, 1000000000, &sp->n_sv, path, err) != 0 ||
        mlq_json_get_number(obj, "intercept", "svm", &b, path, err) != 0)
        return -1;
    if (!(sp->epsilon >= 0))
        return mlq_err_set(err, path, 0, "field 'svm.epsilon' must be >= 0");
    sp->sv_count = mlq_calloc(1, sizeof *sp->sv_count);
    sp->rho = mlq_calloc(1, sizeof *sp->rho);
    sp->sv = mlq_calloc(sp->n_sv * m->n_features, sizeof *sp->sv);
    sp->coef = mlq_calloc(sp->n_sv, sizeof *sp->coef);
    if (sp->sv_count == NULL || sp->rho == NULL || sp->sv == NULL || sp->coef == NULL)
        return mlq_err_set(err, path, 0, "out of memory");
    sp->sv_count[0] = sp->n_sv;
    sp->rho[0] = -b;
    if (svm_set_first(sp) != 0)
        return mlq_err_set(err, path, 0, "out of memory");
    return mlq_json_get_matrix(obj, "support_vectors", "svm", sp->n_sv, m->n_features, sp->sv, path,
                               err) != 0 ||
                   mlq_json_get_array(obj, "dual_coef", "svm", sp->n_sv, sp->coef, path, err) != 0
               ? -1
               : 0;
}

static int svm_params_load(mlq_model *m, const cJSON *obj, const char *path, mlq_err *err)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, "kernel");
    svm_params *sp = mlq_calloc(1, sizeof *sp);
    size_t deg;
    int kern;

    if (sp == NULL)
        return mlq_err_set(err, path, 0, "out of memory");
    m->params = sp;
    if (it == NULL)
        return mlq_err_set(err, path, 0, "missing field 'svm.kernel'");
    if (!cJSON_IsString(it) || (kern = svm_kernel_of(it->valuestring)) < 0)
        return mlq_err_set(err, path, 0, "field 'svm.kernel' must be \"linear\", \"rbf\" or \"poly\"");
    sp->kernel = (svm_kernel)kern;
    if (mlq_json_get_number(obj, "gamma", "svm", &sp->gamma, path, err) != 0 ||
        mlq_json_get_number(obj, "coef0", "svm", &sp->coef0, path, err) != 0 ||
        mlq_json_get_size(obj, "degree", "svm", 1, 10, &deg, path, err) != 0 ||
        mlq_json_get_number(obj, "t_max", "svm", &sp->t_max, path, err) != 0)
        return -1;
    sp->degree = (int)deg;
    if (!(sp->gamma > 0))
        return mlq_err_set(err, path, 0, "field 'svm.gamma' must be > 0");
    if (!(sp->t_max >= 0))
        return mlq_err_set(err, path, 0, "field 'svm.t_max' must be >= 0");
    return (mlq_model_task(m) == MLQ_TASK_REGRESS ? svr_params_load : svc_params_load)(m, sp, obj,
                                                                                     path, err);
}

static const mlq_opt svm_opts[] = {
    MLQ_OPT_TASK,
    {"kernel", MLQ_OPT_CHOICE, "rbf", 0, 0, false, "linear|rbf|poly", "kernel function", MLQ_FOR_ANY},
    {"C", MLQ_OPT_NUM, "1", 0, 1e6, true, NULL,
     "penalty of margin violations, or of errors beyond --epsilon (> 0)", MLQ_FOR_ANY},
    {"gamma", MLQ_OPT_NUM, "scale", 0, 1e6, true, "scale",
     "rbf/poly kernel coefficient (> 0), or scale = 1 / (features x variance)", MLQ_FOR_ANY},
    {"degree", MLQ_OPT_INT, "3", 1, 10, false, NULL, "poly kernel degree", MLQ_FOR_ANY},
    {"coef0", MLQ_OPT_NUM, "0", -1e6, 1e6, false, NULL, "poly kernel constant term", MLQ_FOR_ANY},
    {"tol", MLQ_OPT_NUM, "1e-3", 0, 1, true, NULL,
     "stop when the largest KKT violation of the working pair is below tol", MLQ_FOR_ANY},
    {"max-iter", MLQ_OPT_INT, "10000000", 1, 1e12, false, NULL,
     "SMO iterations per class pair (or of the regression) at most; beyond it training fails", MLQ_FOR_ANY},
    {"class-weight", MLQ_OPT_CHOICE, "none", 0, 0, false, "none|balanced",
     "balanced: C of class c times rows / (classes x rows of c)", MLQ_FOR_CLASSIFY},
    {"cache-mb", MLQ_OPT_INT, "200", 1, 1e6, false, NULL, "kernel cache bound in MiB", MLQ_FOR_ANY},
    {"epsilon", MLQ_OPT_NUM, "0.1", 0, 1e6, false, NULL,
     "regression: no loss within epsilon of the target, in standardized target units (the "
     "target over its training standard deviation; scikit-learn's SVR takes target units)",
     MLQ_FOR_REGRESS},
};

static mlq_task svm_task(const cJSON *hyper)
{
    return mlq_hyper_regress(hyper) ? MLQ_TASK_REGRESS : MLQ_TASK_CLASSIFY;
}

const mlq_algo mlq_algo_svm = {
    .name = "svm",
    .summary = "support vector machine (C-SVC by SMO, one-vs-one voting, or epsilon-SVR; linear, rbf "
               "or poly kernel)",
    .task = svm_task,
    .opts = svm_opts,
    .n_opts = sizeof svm_opts / sizeof svm_opts[0],
    .train = svm_train,
    .params_save = svm_params_save,
    .params_load = svm_params_load,
    .params_free = svm_params_free,
    .predict = svm_predict,
    .n_outputs = svm_n_outputs,
    .host_scores = svm_host_scores,
    .host_proba = NULL, /* no Platt scaling is trained: no probabilities */
};
