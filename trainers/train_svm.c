/* SPDX-License-Identifier: MIT */
/*
 * Support vector classification on the host: C-SVC, one binary problem per
 * pair of classes (one-vs-one) solved by SMO (smo.c), support vectors
 * gathered once, grouped by class, with one coefficient per other class
 * (the layout of mlq/svm.h). Prediction votes over the pairs; ties go to
 * the lowest class, as in the reference implementation.
 *
 * Kernels on standardized rows: linear z.s, rbf exp(-gamma |z - s|^2),
 * poly (gamma z.s + coef0)^degree. --gamma scale is 1 / (features x the
 * variance of all standardized training values), the common convention.
 * --class-weight balanced multiplies C of class c by n / (classes x n_c).
 *
 * Deterministic: SMO makes no random choice (the seed is recorded only).
 * A pair whose solver does not reach --tol within --max-iter iterations is
 * an error and no model is written.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "algo.h"
#include "export_svm.h"
#include "smo.h"
#include "svm_params.h"

static const char *const kernel_names[] = {"linear", "rbf", "poly"};

static const cJSON *hyper_item(const cJSON *hyper, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(hyper, key);
}

static double hyper_num(const mlq_model *m, const char *key)
{
    return hyper_item(m->hyper, key)->valuedouble;
}

static const char *hyper_str(const mlq_model *m, const char *key)
{
    const cJSON *it = hyper_item(m->hyper, key);

    return cJSON_IsString(it) ? it->valuestring : NULL;
}

static size_t n_pairs_of(size_t k)
{
    return k * (k - 1) / 2;
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

/* sv_first from sv_count; -1 when memory is short. */
static int set_first(svm_params *sp)
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
    size_t np = n_pairs_of(sp->n_used);
    double *kv = malloc((sp->n_sv + np + 1) * sizeof *kv);
    size_t *votes = malloc(sp->n_used * sizeof *votes);
    int cls = -1;

    if (kv != NULL && votes != NULL) {
        decisions(sp, m->n_features, z, kv, kv + sp->n_sv);
        cls = sp->classes[vote(sp, kv + sp->n_sv, votes)];
    }
    free(kv);
    free(votes);
    return cls;
}

/* One score per class id (the model file's classes, voted among or not). */
static size_t svm_n_outputs(const mlq_model *m)
{
    return m->n_classes;
}

/* A pair's decision value as the device's scores take it: saturated to
 * the Q15.16 range (mlq_svm_scores_q15). */
static double dec_term(double f)
{
    return f > 2147483647.0 / 65536.0 ? 2147483647.0 / 65536.0 : f < -32768.0 ? -32768.0 : f;
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
    size_t nu = sp->n_used, np = n_pairs_of(nu), i, j, q = 0, best, c;
    double *kv = malloc((sp->n_sv + np + nu) * sizeof *kv), *dec, *margin, top;
    size_t *votes = malloc(nu * sizeof *votes);
    const double lim = 32767.0 / 65536.0;

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

/* ---- training -------------------------------------------------------------- */

/* gamma from the hyperparameters: a number, or scale = 1 / (p var(z)). */
static double resolve_gamma(const mlq_model *m, const double *z, size_t n)
{
    const char *g = hyper_str(m, "gamma");
    size_t p = m->n_features, i, total = n * p;
    double mean = 0.0, var = 0.0;

    if (g == NULL)
        return hyper_num(m, "gamma");
    for (i = 0; i < total; i++)
        mean += z[i];
    mean /= (double)total;
    for (i = 0; i < total; i++)
        var += (z[i] - mean) * (z[i] - mean);
    var /= (double)total;
    return var > 0 ? 1.0 / ((double)p * var) : 1.0;
}

static int kernel_of(const char *name)
{
    int k;

    for (k = 0; k < 3; k++)
        if (strcmp(name, kernel_names[k]) == 0)
            return k;
    return -1;
}

typedef struct train_state {
    size_t *count;   /* [n_classes] rows per class id */
    size_t *used_of; /* [n_classes] index into classes, or SIZE_MAX */
    size_t **rows;   /* [n_used] row indices of each used class */
    double *full;    /* [n][n_used - 1] coefficient of each row per other class */
    size_t *pair_rows;
    signed char *y;
    double *C, *alpha, *cw;
} train_state;

static void state_free(train_state *t, size_t n_used)
{
    size_t c;

    if (t->rows != NULL)
        for (c = 0; c < n_used; c++)
            free(t->rows[c]);
    free(t->rows);
    free(t->count);
    free(t->used_of);
    free(t->full);
    free(t->pair_rows);
    free(t->y);
    free(t->C);
    free(t->alpha);
    free(t->cw);
}

static int oom(const mlq_dataset *d, mlq_err *err)
{
    return mlq_err_set(err, d->path, 0, "out of memory for the SVM (%zu rows x %zu features)",
                       d->n_rows, d->n_features);
}

static int svm_train(mlq_model *m, const mlq_dataset *d, const double *z, bool progress,
                     mlq_err *err)
{
    size_t n = d->n_rows, p = d->n_features, c, i, j, k, q, n_used = 0, l_max = 0, n_sv = 0;
    size_t max_iter = (size_t)hyper_num(m, "max-iter"), total_iter = 0, o;
    size_t cache = (size_t)hyper_num(m, "cache-mb") * 1024 * 1024;
    double C = hyper_num(m, "C"), tol = hyper_num(m, "tol");
    const char *cwname = hyper_str(m, "class-weight");
    train_state t;
    svm_params *sp;
    smo_workspace *w = NULL;
    int rc = -1;

    memset(&t, 0, sizeof t);
    sp = mlq_calloc(1, sizeof *sp);
    t.count = mlq_calloc(d->n_classes, sizeof *t.count);
    t.used_of = mlq_calloc(d->n_classes, sizeof *t.used_of);
    if (sp == NULL || t.count == NULL || t.used_of == NULL) {
        free(sp);
        state_free(&t, 0);
        return oom(d, err);
    }
    m->params = sp;
    sp->kernel = (svm_kernel)kernel_of(hyper_str(m, "kernel"));
    sp->degree = (int)hyper_num(m, "degree");
    sp->coef0 = hyper_num(m, "coef0");
    sp->gamma = resolve_gamma(m, z, n);
    for (i = 0; i < n; i++)
        t.count[d->y[i]]++;
    for (c = 0; c < d->n_classes; c++) {
        t.used_of[c] = t.count[c] > 0 ? n_used++ : SIZE_MAX;
    }
    if (n_used < 2) {
        for (c = 0; c < d->n_classes && t.count[c] == 0; c++)
            ;
        mlq_err_set(err, d->path, 0,
                    "every row has the class '%s': an SVM needs rows of at least two classes",
                    d->class_names[c]);
        goto done;
    }
    sp->n_used = n_used;
    sp->classes = mlq_calloc(n_used, sizeof *sp->classes);
    sp->sv_count = mlq_calloc(n_used, sizeof *sp->sv_count);
    sp->rho = mlq_calloc(n_pairs_of(n_used), sizeof *sp->rho);
    t.rows = mlq_calloc(n_used, sizeof *t.rows);
    t.cw = mlq_calloc(n_used, sizeof *t.cw);
    t.full = mlq_calloc(n * (n_used - 1), sizeof *t.full);
    if (sp->classes == NULL || sp->sv_count == NULL || sp->rho == NULL || t.rows == NULL ||
        t.cw == NULL || t.full == NULL) {
        oom(d, err);
        goto done;
    }
    for (c = 0; c < d->n_classes; c++) {
        size_t u = t.used_of[c];

        if (u == SIZE_MAX)
            continue;
        sp->classes[u] = (int)c;
        t.cw[u] = 1.0;
        if (cwname != NULL && strcmp(cwname, "balanced") == 0)
            t.cw[u] = (double)n / ((double)n_used * (double)t.count[c]);
        if ((t.rows[u] = mlq_calloc(t.count[c], sizeof **t.rows)) == NULL) {
            oom(d, err);
            goto done;
        }
        t.count[c] = 0; /* refilled below as a cursor */
    }
    for (i = 0; i < n; i++) {
        c = (size_t)d->y[i];
        t.rows[t.used_of[c]][t.count[c]++] = i;
    }
    /* The largest pair decides the workspace. */
    for (i = 0; i < n_used; i++)
        for (j = i + 1; j < n_used; j++) {
            size_t l = t.count[sp->classes[i]] + t.count[sp->classes[j]];

            if (l > l_max)
                l_max = l;
        }
    t.pair_rows = mlq_calloc(l_max, sizeof *t.pair_rows);
    t.y = mlq_calloc(l_max, 1);
    t.C = mlq_calloc(l_max, sizeof *t.C);
    t.alpha = mlq_calloc(l_max, sizeof *t.alpha);
    w = smo_alloc(z, l_max, p, sp, cache);
    if (t.pair_rows == NULL || t.y == NULL || t.C == NULL || t.alpha == NULL || w == NULL) {
        oom(d, err);
        goto done;
    }

    q = 0;
    for (i = 0; i < n_used; i++) {
        for (j = i + 1; j < n_used; j++, q++) {
            size_t ni = t.count[sp->classes[i]], nj = t.count[sp->classes[j]], l = ni + nj;
            smo_result res;

            for (k = 0; k < ni; k++) {
                t.pair_rows[k] = t.rows[i][k];
                t.y[k] = 1;
                t.C[k] = C * t.cw[i];
            }
            for (k = 0; k < nj; k++) {
                t.pair_rows[ni + k] = t.rows[j][k];
                t.y[ni + k] = -1;
                t.C[ni + k] = C * t.cw[j];
            }
            if (smo_solve(w, t.pair_rows, t.y, t.C, l, tol, max_iter, t.alpha, &res) != 0) {
                oom(d, err);
                goto done;
            }
            total_iter += res.iterations;
            if (!res.converged) {
                mlq_err_set(err, d->path, 0,
                            "the SVM solver did not reach --tol %g within --max-iter %zu iterations "
                            "(classes '%s' vs '%s'); no model written: raise --max-iter, or try a "
                            "larger --tol or a smaller --C",
                            tol, max_iter, d->class_names[sp->classes[i]],
                            d->class_names[sp->classes[j]]);
                goto done;
            }
            sp->rho[q] = res.rho;
            /* Row r of class i keeps its coefficient for class j in slot
             * j - 1, a row of class j its coefficient for class i in slot i. */
            for (k = 0; k < l; k++) {
                size_t slot = k < ni ? j - 1 : i;

                t.full[t.pair_rows[k] * (n_used - 1) + slot] = t.y[k] * t.alpha[k];
            }
            if (progress)
                fprintf(stderr, "svm: pair %zu/%zu ('%s' vs '%s'): %zu iterations\n", q + 1,
                        n_pairs_of(n_used), d->class_names[sp->classes[i]],
                        d->class_names[sp->classes[j]], res.iterations);
        }
    }

    /* Support vectors: rows with a non-zero coefficient in some pair,
     * grouped by class in row order. */
    for (c = 0; c < n_used; c++) {
        size_t cnt = t.count[sp->classes[c]];

        for (k = 0; k < cnt; k++) {
            size_t r = t.rows[c][k];

            for (o = 0; o < n_used - 1; o++)
                if (t.full[r * (n_used - 1) + o] != 0.0)
                    break;
            if (o < n_used - 1) {
                sp->sv_count[c]++;
                n_sv++;
            }
        }
    }
    sp->n_sv = n_sv;
    sp->sv = mlq_calloc(n_sv * p, sizeof *sp->sv);
    sp->coef = mlq_calloc((n_used - 1) * n_sv, sizeof *sp->coef);
    if (sp->sv == NULL || sp->coef == NULL || set_first(sp) != 0) {
        oom(d, err);
        goto done;
    }
    for (c = 0, q = 0; c < n_used; c++) {
        size_t cnt = t.count[sp->classes[c]];

        for (k = 0; k < cnt; k++) {
            size_t r = t.rows[c][k];

            for (o = 0; o < n_used - 1; o++)
                if (t.full[r * (n_used - 1) + o] != 0.0)
                    break;
            if (o == n_used - 1)
                continue;
            memcpy(sp->sv + q * p, z + r * p, p * sizeof *sp->sv);
            for (o = 0; o < n_used - 1; o++)
                sp->coef[o * n_sv + q] = t.full[r * (n_used - 1) + o];
            q++;
        }
    }
    /* The range of the polynomial kernel's base on the training rows, from
     * which the exporter chooses its fixed-point formats. */
    sp->t_max = 0.0;
    if (sp->kernel == SVM_POLY) {
        for (i = 0; i < n; i++)
            for (k = 0; k < n_sv; k++) {
                double v = sp->gamma * svm_kernel_eval(&(svm_params){.kernel = SVM_LINEAR},
                                                       z + i * p, sp->sv + k * p, p) + sp->coef0;

                if (fabs(v) > sp->t_max)
                    sp->t_max = fabs(v);
            }
    }
    if (cJSON_AddNumberToObject(m->training, "iterations", (double)total_iter) == NULL ||
        cJSON_AddNumberToObject(m->training, "support_vectors", (double)n_sv) == NULL ||
        cJSON_AddNumberToObject(m->training, "pairs", (double)n_pairs_of(n_used)) == NULL ||
        cJSON_AddNumberToObject(m->training, "gamma", sp->gamma) == NULL) {
        oom(d, err);
        goto done;
    }
    rc = 0;
done:
    smo_free(w);
    state_free(&t, n_used);
    return rc;
}

/* ---- the model file ----------------------------------------------------- */

static int svm_params_save(const mlq_model *m, cJSON *obj)
{
    const svm_params *sp = m->params;
    double *counts = mlq_calloc(sp->n_used, sizeof *counts);
    size_t c;
    int rc;

    if (counts == NULL)
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
                 mlq_json_add(obj, "rho", mlq_json_array(sp->rho, n_pairs_of(sp->n_used))) != 0 ||
                 cJSON_AddNumberToObject(obj, "t_max", sp->t_max) == NULL
             ? -1
             : 0;
    free(counts);
    return rc;
}

static int svm_params_load(mlq_model *m, const cJSON *obj, const char *path, mlq_err *err)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, "kernel");
    svm_params *sp = mlq_calloc(1, sizeof *sp);
    double *tmp = NULL;
    size_t c, n_used, deg, total = 0;
    int kern;

    if (sp == NULL)
        return mlq_err_set(err, path, 0, "out of memory");
    m->params = sp;
    if (it == NULL)
        return mlq_err_set(err, path, 0, "missing field 'svm.kernel'");
    if (!cJSON_IsString(it) || (kern = kernel_of(it->valuestring)) < 0)
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
    it = cJSON_GetObjectItemCaseSensitive(obj, "classes");
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
    sp->rho = mlq_calloc(n_pairs_of(n_used), sizeof *sp->rho);
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
    if (sp->sv == NULL || sp->coef == NULL || set_first(sp) != 0)
        return mlq_err_set(err, path, 0, "out of memory");
    return mlq_json_get_matrix(obj, "support_vectors", "svm", total, m->n_features, sp->sv, path,
                               err) != 0 ||
                   mlq_json_get_matrix(obj, "dual_coef", "svm", n_used - 1, total, sp->coef, path,
                                       err) != 0 ||
                   mlq_json_get_array(obj, "rho", "svm", n_pairs_of(n_used), sp->rho, path, err) != 0
               ? -1
               : 0;
}

static const mlq_opt svm_opts[] = {
    {"kernel", MLQ_OPT_CHOICE, "rbf", 0, 0, false, "linear|rbf|poly", "kernel function"},
    {"C", MLQ_OPT_NUM, "1", 0, 1e6, true, NULL, "penalty of margin violations (> 0)"},
    {"gamma", MLQ_OPT_NUM, "scale", 0, 1e6, true, "scale",
     "rbf/poly kernel coefficient (> 0), or scale = 1 / (features x variance)"},
    {"degree", MLQ_OPT_INT, "3", 1, 10, false, NULL, "poly kernel degree"},
    {"coef0", MLQ_OPT_NUM, "0", -1e6, 1e6, false, NULL, "poly kernel constant term"},
    {"tol", MLQ_OPT_NUM, "1e-3", 0, 1, true, NULL,
     "stop when the largest KKT violation of the working pair is below tol"},
    {"max-iter", MLQ_OPT_INT, "10000000", 1, 1e12, false, NULL,
     "SMO iterations per class pair at most; beyond it training fails"},
    {"class-weight", MLQ_OPT_CHOICE, "none", 0, 0, false, "none|balanced",
     "balanced: C of class c times rows / (classes x rows of c)"},
    {"cache-mb", MLQ_OPT_INT, "200", 1, 1e6, false, NULL, "kernel cache bound in MiB"},
};

static mlq_task svm_task(const cJSON *hyper)
{
    (void)hyper;
    return MLQ_TASK_CLASSIFY;
}

const mlq_algo mlq_algo_svm = {
    .name = "svm",
    .summary = "support vector machine (C-SVC by SMO, one-vs-one voting; linear, rbf or poly kernel)",
    .task = svm_task,
    .bits = "16",
    .opts = svm_opts,
    .n_opts = sizeof svm_opts / sizeof svm_opts[0],
    .train = svm_train,
    .params_save = svm_params_save,
    .params_load = svm_params_load,
    .params_free = svm_params_free,
    .predict = svm_predict,
    .device_build = mlq_svm_device_build,
    .device_predict = mlq_svm_device_predict,
    .device_free = mlq_svm_device_free,
    .export_body = mlq_svm_export_body,
    .info = mlq_svm_info,
    .n_outputs = svm_n_outputs,
    .host_scores = svm_host_scores,
    .host_proba = NULL,   /* no Platt scaling is trained: no probabilities */
    .device_scores = mlq_svm_device_scores,
    .device_proba = NULL,
};
