/* SPDX-License-Identifier: MIT */
#include "model.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "algo.h"
#include "csv.h"

/* Largest model file we read: far above any model that fits a device. */
#define MODEL_MAX_BYTES (256L * 1024 * 1024)

int mlq_model_train(mlq_model *m, const mlq_algo *algo, const mlq_dataset *d, cJSON *hyper,
                    unsigned long seed, int progress, unsigned char *is_constant, mlq_err *err)
{
    double *z = NULL;
    int rc = -1;

    memset(m, 0, sizeof *m);
    m->algo = algo;
    m->seed = seed;
    m->hyper = hyper;
    if (d->n_features > 65535)
        return mlq_err_set(err, d->path, 1, "%zu features: the device format allows at most 65535",
                           d->n_features);
    if ((algo->task(hyper) == MLQ_TASK_REGRESS) != (d->t != NULL))
        return mlq_err_set(err, d->path, 0, "%s", d->t != NULL ? "a target column is for --task regress"
                                                               : "--task regress needs a target column");
    if (d->y != NULL && d->n_classes > 65535)
        return mlq_err_set(err, d->path, 0, "label column '%s' has %zu classes: a model holds at most 65535",
                           d->label_name, d->n_classes);
    m->training = cJSON_CreateObject();
    m->source = mlq_strdup(d->path);
    m->train_rows = d->n_rows;
    m->n_features = d->n_features;
    m->mean = mlq_calloc(d->n_features, sizeof *m->mean);
    m->scale = mlq_calloc(d->n_features, sizeof *m->scale);
    m->feature_names = mlq_strings_dup(d->feature_names, d->n_features);
    if (d->y != NULL) {
        m->class_names = mlq_strings_dup(d->class_names, d->n_classes);
        m->n_classes = m->class_names != NULL ? d->n_classes : 0;
    }
    z = mlq_calloc(d->n_rows * d->n_features, sizeof *z);
    if (m->training == NULL || m->source == NULL || m->mean == NULL || m->scale == NULL ||
        m->feature_names == NULL || (d->y != NULL && m->class_names == NULL) || z == NULL ||
        (d->label_name != NULL && (m->label_name = mlq_strdup(d->label_name)) == NULL))
        mlq_err_set(err, d->path, 0, "out of memory (%zu rows x %zu features)", d->n_rows,
                    d->n_features);
    else if ((d->t == NULL || mlq_model_fit_target(m, d, err) == 0) &&
             mlq_model_fit_scaling(m, d, z, is_constant, err) >= 0) {
        /* The trainers check GSL's return codes themselves (gsl_rng_alloc
         * out of memory, a singular covariance): GSL's handler, abort by
         * default, is off while they run, then the caller's is back. */
        gsl_error_handler_t *gsl_handler = gsl_set_error_handler_off();

        rc = algo->train(m, d, z, progress != 0, err);
        gsl_set_error_handler(gsl_handler);
    }
    free(z);
    return rc;
}

void mlq_model_free(mlq_model *m)
{
    if (m == NULL)
        return;
    if (m->algo != NULL && m->params != NULL)
        m->algo->params_free(m->params);
    free(m->source);
    free(m->path);
    mlq_strings_free(m->feature_names, m->n_features);
    mlq_strings_free(m->class_names, m->n_classes);
    free(m->label_name);
    free(m->mean);
    free(m->scale);
    cJSON_Delete(m->hyper);
    cJSON_Delete(m->training);
    memset(m, 0, sizeof *m);
}

/* ---- JSON helpers ------------------------------------------------------ */

static const cJSON *field(const cJSON *obj, const char *key, const char *ctx, const char *path,
                          mlq_err *err)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);

    if (it == NULL)
        mlq_err_set(err, path, 0, "missing field '%s%s%s'", ctx ? ctx : "", ctx ? "." : "", key);
    return it;
}

#define FIELD_ERR(problem)                                                                     \
    mlq_err_set(err, path, 0, "field '%s%s%s' " problem, ctx ? ctx : "", ctx ? "." : "", key)

int mlq_json_get_number(const cJSON *obj, const char *key, const char *ctx, double *out,
                        const char *path, mlq_err *err)
{
    const cJSON *it = field(obj, key, ctx, path, err);

    if (it == NULL)
        return -1;
    if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble))
        return FIELD_ERR("must be a finite number");
    *out = it->valuedouble;
    return 0;
}

int mlq_json_get_size(const cJSON *obj, const char *key, const char *ctx, size_t min, size_t max,
                      size_t *out, const char *path, mlq_err *err)
{
    double v;

    if (mlq_json_get_number(obj, key, ctx, &v, path, err) != 0)
        return -1;
    if (v != floor(v) || v < (double)min || v > (double)max)
        return mlq_err_set(err, path, 0, "field '%s%s%s' must be an integer in [%zu, %zu], not %g",
                           ctx ? ctx : "", ctx ? "." : "", key, min, max, v);
    *out = (size_t)v;
    return 0;
}

static int get_numbers(const cJSON *arr, size_t n, double *out, const char *ctx, const char *key,
                       const char *path, mlq_err *err, long row)
{
    const cJSON *it;
    size_t i = 0;

    if (!cJSON_IsArray(arr))
        return row < 0 ? FIELD_ERR("must be an array")
                       : mlq_err_set(err, path, 0, "field '%s%s%s' row %ld must be an array",
                                     ctx ? ctx : "", ctx ? "." : "", key, row);
    if ((size_t)cJSON_GetArraySize(arr) != n) {
        char where[32] = "";

        if (row >= 0)
            snprintf(where, sizeof where, " row %ld", row);
        return mlq_err_set(err, path, 0, "field '%s%s%s'%s has %d entries, expected %zu",
                           ctx ? ctx : "", ctx ? "." : "", key, where, cJSON_GetArraySize(arr), n);
    }
    cJSON_ArrayForEach(it, arr)
    {
        if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble))
            return mlq_err_set(err, path, 0, "field '%s%s%s' entry %zu must be a finite number",
                               ctx ? ctx : "", ctx ? "." : "", key, i);
        out[i++] = it->valuedouble;
    }
    return 0;
}

int mlq_json_get_array(const cJSON *obj, const char *key, const char *ctx, size_t n, double *out,
                       const char *path, mlq_err *err)
{
    const cJSON *arr = field(obj, key, ctx, path, err);

    if (arr == NULL)
        return -1;
    return get_numbers(arr, n, out, ctx, key, path, err, -1);
}

int mlq_json_get_matrix(const cJSON *obj, const char *key, const char *ctx, size_t rows,
                        size_t cols, double *out, const char *path, mlq_err *err)
{
    const cJSON *arr = field(obj, key, ctx, path, err), *row;
    size_t r = 0;

    if (arr == NULL)
        return -1;
    if (!cJSON_IsArray(arr))
        return FIELD_ERR("must be an array of arrays");
    if ((size_t)cJSON_GetArraySize(arr) != rows)
        return mlq_err_set(err, path, 0, "field '%s%s%s' has %d rows, expected %zu",
                           ctx ? ctx : "", ctx ? "." : "", key, cJSON_GetArraySize(arr), rows);
    cJSON_ArrayForEach(row, arr)
    {
        if (get_numbers(row, cols, out + r * cols, ctx, key, path, err, (long)r) != 0)
            return -1;
        r++;
    }
    return 0;
}

int mlq_json_add(cJSON *obj, const char *key, cJSON *item)
{
    if (item == NULL)
        return -1;
    if (!(key == NULL ? cJSON_AddItemToArray(obj, item) : cJSON_AddItemToObject(obj, key, item))) {
        cJSON_Delete(item);
        return -1;
    }
    return 0;
}

cJSON *mlq_json_int_array(const int *v, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    size_t i;

    for (i = 0; a != NULL && i < n; i++) {
        if (mlq_json_add(a, NULL, cJSON_CreateNumber(v[i])) != 0) {
            cJSON_Delete(a);
            return NULL;
        }
    }
    return a;
}

cJSON *mlq_json_array(const double *v, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    size_t i;

    for (i = 0; a != NULL && i < n; i++) {
        cJSON *num = isfinite(v[i]) ? cJSON_CreateNumber(v[i]) : NULL;

        if (num == NULL || !cJSON_AddItemToArray(a, num)) {
            cJSON_Delete(num);
            cJSON_Delete(a);
            return NULL;
        }
    }
    return a;
}

cJSON *mlq_json_matrix(const double *v, size_t rows, size_t cols)
{
    cJSON *a = cJSON_CreateArray();
    size_t r;

    for (r = 0; a != NULL && r < rows; r++) {
        cJSON *row = mlq_json_array(v + r * cols, cols);

        if (row == NULL || !cJSON_AddItemToArray(a, row)) {
            cJSON_Delete(row);
            cJSON_Delete(a);
            return NULL;
        }
    }
    return a;
}

static cJSON *string_array(char *const *s, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    size_t i;

    for (i = 0; a != NULL && i < n; i++) {
        cJSON *str = cJSON_CreateString(s[i]);

        if (str == NULL || !cJSON_AddItemToArray(a, str)) {
            cJSON_Delete(str);
            cJSON_Delete(a);
            return NULL;
        }
    }
    return a;
}

static int get_strings(const cJSON *obj, const char *key, size_t *n_out, char ***out,
                       const char *path, mlq_err *err)
{
    const char *ctx = NULL;
    const cJSON *arr = field(obj, key, NULL, path, err), *it;
    size_t n, i = 0;
    char **s;

    if (arr == NULL)
        return -1;
    if (!cJSON_IsArray(arr))
        return FIELD_ERR("must be an array of strings");
    n = (size_t)cJSON_GetArraySize(arr);
    s = mlq_calloc(n, sizeof *s);
    if (s == NULL)
        return mlq_err_set(err, path, 0, "out of memory");
    cJSON_ArrayForEach(it, arr)
    {
        if (!cJSON_IsString(it) || it->valuestring[0] == '\0') {
            mlq_strings_free(s, n);
            return mlq_err_set(err, path, 0, "field '%s' entry %zu must be a non-empty string",
                               key, i);
        }
        s[i] = mlq_strdup(it->valuestring);
        if (s[i++] == NULL) {
            mlq_strings_free(s, n);
            return mlq_err_set(err, path, 0, "out of memory");
        }
    }
    *n_out = n;
    *out = s;
    return 0;
}

/* ---- load -------------------------------------------------------------- */

static char *read_file(const char *path, size_t *len, mlq_err *err)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long size;

    if (f == NULL) {
        mlq_err_set(err, path, 0, "cannot open: %s", strerror(errno));
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        mlq_err_set(err, path, 0, "cannot read: %s", strerror(errno));
    } else if (size == 0) {
        mlq_err_set(err, path, 0, "empty file, not a model");
    } else if (size > MODEL_MAX_BYTES) {
        mlq_err_set(err, path, 0, "%ld bytes is too large for a model file", size);
    } else if ((buf = malloc((size_t)size + 1)) == NULL) {
        mlq_err_set(err, path, 0, "out of memory");
    } else if (fread(buf, 1, (size_t)size, f) != (size_t)size) {
        mlq_err_set(err, path, 0, "cannot read: %s", strerror(errno));
        free(buf);
        buf = NULL;
    } else {
        buf[size] = '\0';
        *len = (size_t)size;
    }
    fclose(f);
    return buf;
}

static long line_of(const char *text, const char *pos)
{
    long line = 1;

    for (; text < pos && *text != '\0'; text++)
        line += *text == '\n';
    return line;
}

static int load_target(mlq_model *m, const cJSON *root, const char *path, mlq_err *err);

static int load_common(mlq_model *m, const cJSON *root, const char *path, mlq_err *err)
{
    const char *ctx = NULL, *key;
    const cJSON *it, *sc, *data;
    double v;
    size_t n;

    key = "format";
    it = field(root, key, NULL, path, err);
    if (it == NULL)
        return -1;
    if (!cJSON_IsString(it) || strcmp(it->valuestring, "mlq-model") != 0)
        return mlq_err_set(err, path, 0, "not an mlq model file (field 'format' is not \"mlq-model\")");
    if (mlq_json_get_number(root, "version", NULL, &v, path, err) != 0)
        return -1;
    if (v != MLQ_MODEL_VERSION)
        return mlq_err_set(err, path, 0, "model format version %g is not supported (this mlq reads version %d)",
                           v, MLQ_MODEL_VERSION);
    key = "algorithm";
    it = field(root, key, NULL, path, err);
    if (it == NULL)
        return -1;
    if (!cJSON_IsString(it))
        return FIELD_ERR("must be a string");
    m->algo = mlq_algo_find(it->valuestring);
    if (m->algo == NULL)
        return mlq_err_set(err, path, 0, "unknown algorithm '%s'", it->valuestring);
    if (m->algo->train == NULL)
        return mlq_err_set(err, path, 0, "algorithm '%s' is not available in this version of mlq",
                           it->valuestring);

    key = "data";
    data = field(root, key, NULL, path, err);
    if (data == NULL)
        return -1;
    if (!cJSON_IsObject(data))
        return FIELD_ERR("must be an object");
    ctx = "data";
    key = "path";
    it = field(data, key, ctx, path, err);
    if (it == NULL)
        return -1;
    if (!cJSON_IsString(it))
        return FIELD_ERR("must be a string");
    if ((m->source = mlq_strdup(it->valuestring)) == NULL)
        return mlq_err_set(err, path, 0, "out of memory");
    if (mlq_json_get_size(data, "rows", ctx, 1, (size_t)1 << 40, &m->train_rows, path, err) != 0)
        return -1;
    ctx = NULL;
    if (mlq_json_get_size(root, "seed", NULL, 0, 0xFFFFFFFFu, &n, path, err) != 0)
        return -1;
    m->seed = (unsigned long)n;

    if (get_strings(root, "feature_names", &m->n_features, &m->feature_names, path, err) != 0)
        return -1;
    if (m->n_features == 0 || m->n_features > 65535)
        return mlq_err_set(err, path, 0, "field 'feature_names' must have 1..65535 entries, not %zu",
                           m->n_features);
    if (get_strings(root, "class_names", &m->n_classes, &m->class_names, path, err) != 0)
        return -1;
    if (m->n_classes > 65535)
        return mlq_err_set(err, path, 0, "field 'class_names' has more than 65535 entries");
    key = "label_name";
    it = field(root, key, NULL, path, err);
    if (it == NULL)
        return -1;
    if (cJSON_IsString(it)) {
        if ((m->label_name = mlq_strdup(it->valuestring)) == NULL)
            return mlq_err_set(err, path, 0, "out of memory");
    } else if (!cJSON_IsNull(it)) {
        return FIELD_ERR("must be a string or null");
    }
    key = "scaling";
    sc = field(root, key, NULL, path, err);
    if (sc == NULL)
        return -1;
    if (!cJSON_IsObject(sc))
        return FIELD_ERR("must be an object");
    m->mean = mlq_calloc(m->n_features, sizeof *m->mean);
    m->scale = mlq_calloc(m->n_features, sizeof *m->scale);
    if (m->mean == NULL || m->scale == NULL)
        return mlq_err_set(err, path, 0, "out of memory");
    if (mlq_json_get_array(sc, "mean", "scaling", m->n_features, m->mean, path, err) != 0 ||
        mlq_json_get_array(sc, "scale", "scaling", m->n_features, m->scale, path, err) != 0 ||
        mlq_json_get_number(sc, "input_range", "scaling", &m->input_range, path, err) != 0)
        return -1;
    for (n = 0; n < m->n_features; n++)
        if (!(m->scale[n] > 0))
            return mlq_err_set(err, path, 0, "field 'scaling.scale' entry %zu must be > 0", n);
    if (!(m->input_range >= 1 && m->input_range <= 65536) ||
        frexp(m->input_range, &(int){0}) != 0.5)
        return mlq_err_set(err, path, 0, "field 'scaling.input_range' must be a power of two in [1, 65536]");

    key = "hyperparameters";
    it = field(root, key, NULL, path, err);
    if (it == NULL)
        return -1;
    if (!cJSON_IsObject(it))
        return FIELD_ERR("must be an object");
    m->hyper = cJSON_Duplicate(it, 1);
    key = "training";
    it = field(root, key, NULL, path, err);
    if (it == NULL)
        return -1;
    if (!cJSON_IsObject(it))
        return FIELD_ERR("must be an object");
    m->training = cJSON_Duplicate(it, 1);
    if (m->hyper == NULL || m->training == NULL)
        return mlq_err_set(err, path, 0, "out of memory");
    if (mlq_model_task(m) == MLQ_TASK_CLASSIFY && m->n_classes < 2)
        return mlq_err_set(err, path, 0, "a %s model needs at least 2 class names", m->algo->name);
    return mlq_model_task(m) == MLQ_TASK_REGRESS ? load_target(m, root, path, err) : 0;
}

/* The "target" object of a regression model. */
static int load_target(mlq_model *m, const cJSON *root, const char *path, mlq_err *err)
{
    const char *key = "target";
    const cJSON *t = field(root, key, NULL, path, err);

    if (t == NULL)
        return -1;
    if (!cJSON_IsObject(t))
        return mlq_err_set(err, path, 0, "field 'target' must be an object");
    if (m->label_name == NULL || m->n_classes != 0)
        return mlq_err_set(err, path, 0, "a regression model names its target in 'label_name' and has "
                           "no 'class_names'");
    if (mlq_json_get_number(t, "mean", key, &m->target_mean, path, err) != 0 ||
        mlq_json_get_number(t, "scale", key, &m->target_scale, path, err) != 0 ||
        mlq_json_get_number(t, "min", key, &m->target_min, path, err) != 0 ||
        mlq_json_get_number(t, "max", key, &m->target_max, path, err) != 0)
        return -1;
    if (!(m->target_scale > 0.0) || !(m->target_min < m->target_max) ||
        !(m->target_mean >= m->target_min && m->target_mean <= m->target_max))
        return mlq_err_set(err, path, 0, "field 'target': needs scale > 0 and min <= mean <= max, min < max");
    return 0;
}

int mlq_model_load(const char *path, mlq_model *m, mlq_err *err)
{
    const char *end = NULL, *ctx = NULL, *key;
    const cJSON *params;
    cJSON *root;
    size_t len = 0;
    char *text;
    int rc = -1;

    memset(m, 0, sizeof *m);
    text = read_file(path, &len, err);
    if (text == NULL)
        return -1;
    root = cJSON_ParseWithLengthOpts(text, len + 1, &end, 1); /* the NUL ends it */
    if (root == NULL) {
        if (end == NULL)
            end = cJSON_GetErrorPtr();
        mlq_err_set(err, path, end ? line_of(text, end) : 0, "not valid JSON");
    } else if (!cJSON_IsObject(root)) {
        mlq_err_set(err, path, 0, "not an mlq model file (top level is not an object)");
    } else if (load_common(m, root, path, err) == 0) {
        key = m->algo->name;
        params = field(root, key, NULL, path, err);
        if (params != NULL && !cJSON_IsObject(params))
            FIELD_ERR("must be an object");
        else if (params != NULL)
            rc = m->algo->params_load(m, params, path, err);
    }
    cJSON_Delete(root);
    free(text);
    if (rc == 0 && (m->path = mlq_strdup(path)) == NULL)
        rc = mlq_err_set(err, path, 0, "out of memory");
    if (rc != 0)
        mlq_model_free(m);
    return rc;
}

/* ---- save -------------------------------------------------------------- */


int mlq_model_save(const char *path, const mlq_model *m, mlq_err *err)
{
    cJSON *root = cJSON_CreateObject(), *data, *sc, *params, *tg;
    mlq_outfile out;
    char *text = NULL;
    int ok;

    ok = root != NULL && mlq_json_add(root, "format", cJSON_CreateString("mlq-model")) == 0 &&
         mlq_json_add(root, "version", cJSON_CreateNumber(MLQ_MODEL_VERSION)) == 0 &&
         mlq_json_add(root, "algorithm", cJSON_CreateString(m->algo->name)) == 0 &&
         mlq_json_add(root, "mlq_version", cJSON_CreateString(MLQ_VERSION_STRING)) == 0 &&
         mlq_json_add(root, "data", data = cJSON_CreateObject()) == 0 &&
         mlq_json_add(data, "path", cJSON_CreateString(m->source)) == 0 &&
         mlq_json_add(data, "rows", cJSON_CreateNumber((double)m->train_rows)) == 0 &&
         mlq_json_add(root, "seed", cJSON_CreateNumber((double)m->seed)) == 0 &&
         mlq_json_add(root, "feature_names", string_array(m->feature_names, m->n_features)) == 0 &&
         mlq_json_add(root, "label_name",
             m->label_name ? cJSON_CreateString(m->label_name) : cJSON_CreateNull()) == 0 &&
         mlq_json_add(root, "class_names", string_array(m->class_names, m->n_classes)) == 0 &&
         mlq_json_add(root, "scaling", sc = cJSON_CreateObject()) == 0 &&
         mlq_json_add(sc, "mean", mlq_json_array(m->mean, m->n_features)) == 0 &&
         mlq_json_add(sc, "scale", mlq_json_array(m->scale, m->n_features)) == 0 &&
         mlq_json_add(sc, "input_range", cJSON_CreateNumber(m->input_range)) == 0 &&
         (mlq_model_task(m) != MLQ_TASK_REGRESS ||
          (mlq_json_add(root, "target", tg = cJSON_CreateObject()) == 0 &&
           mlq_json_add(tg, "mean", cJSON_CreateNumber(m->target_mean)) == 0 &&
           mlq_json_add(tg, "scale", cJSON_CreateNumber(m->target_scale)) == 0 &&
           mlq_json_add(tg, "min", cJSON_CreateNumber(m->target_min)) == 0 &&
           mlq_json_add(tg, "max", cJSON_CreateNumber(m->target_max)) == 0)) &&
         mlq_json_add(root, "hyperparameters", cJSON_Duplicate(m->hyper, 1)) == 0 &&
         mlq_json_add(root, "training", cJSON_Duplicate(m->training, 1)) == 0 &&
         mlq_json_add(root, m->algo->name, params = cJSON_CreateObject()) == 0 &&
         m->algo->params_save(m, params) == 0;
    if (ok)
        text = cJSON_Print(root);
    cJSON_Delete(root);
    if (text == NULL)
        return mlq_err_set(err, path, 0,
                           "cannot write model: a parameter is not finite (NaN or inf) or memory is short");
    if (mlq_out_open(&out, path, err) != 0) {
        free(text);
        return -1;
    }
    fputs(text, out.f);
    fputc('\n', out.f);
    free(text);
    return mlq_out_commit(&out, err);
}
