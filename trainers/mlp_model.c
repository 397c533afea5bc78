/* SPDX-License-Identifier: MIT */
/*
 * The multilayer perceptron model on the host: fully connected layers on
 * standardized inputs, ReLU or tanh hidden units, a softmax output (one
 * unit per class) or, for a regression (--task regress), one linear output
 * unit, the prediction in standardized target units; the largest
 * activation of every hidden unit on the training rows (the calibration
 * the exporter derives the device's activation scales from).
 * Its forward pass, options, model-file parameters and host table; the
 * trainer is train_mlp.c, the device side exporters/export_mlp.c.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "algo.h"
#include "mlp_params.h"

static const char *const act_names[] = {"relu", "tanh"};

/* ---- parameters ---------------------------------------------------------- */

void mlp_params_free(void *params)
{
    mlp_params *mp = params;
    size_t l;

    if (mp == NULL)
        return;
    for (l = 0; l < mp->n_layers; l++) {
        if (mp->w != NULL)
            free(mp->w[l]);
        if (mp->b != NULL)
            free(mp->b[l]);
    }
    free(mp->w);
    free(mp->b);
    free(mp->size);
    free(mp->act_max);
    free(mp);
}

mlp_params *mlp_params_alloc(const size_t *size, size_t n_layers)
{
    mlp_params *mp = mlq_calloc(1, sizeof *mp);
    size_t l;

    if (mp == NULL)
        return NULL;
    mp->n_layers = n_layers;
    mp->size = mlq_calloc(n_layers + 1, sizeof *mp->size);
    mp->w = mlq_calloc(n_layers, sizeof *mp->w);
    mp->b = mlq_calloc(n_layers, sizeof *mp->b);
    if (mp->size == NULL || mp->w == NULL || mp->b == NULL) {
        mlp_params_free(mp);
        return NULL;
    }
    memcpy(mp->size, size, (n_layers + 1) * sizeof *size);
    mp->act_max = mlq_calloc(mlp_n_hidden_units(mp), sizeof *mp->act_max);
    if (mp->act_max == NULL) {
        mlp_params_free(mp);
        return NULL;
    }
    for (l = 0; l < n_layers; l++) {
        mp->w[l] = mlq_calloc(size[l + 1] * size[l], sizeof **mp->w);
        mp->b[l] = mlq_calloc(size[l + 1], sizeof **mp->b);
        if (mp->w[l] == NULL || mp->b[l] == NULL) {
            mlp_params_free(mp);
            return NULL;
        }
    }
    return mp;
}

size_t mlp_n_hidden_units(const mlp_params *mp)
{
    size_t l, n = 0;

    for (l = 1; l < mp->n_layers; l++)
        n += mp->size[l];
    return n;
}

size_t mlp_max_width(const mlp_params *mp)
{
    size_t l, wmax = 0;

    for (l = 0; l <= mp->n_layers; l++)
        if (mp->size[l] > wmax)
            wmax = mp->size[l];
    return wmax;
}

double mlp_activate(mlp_activation a, double v)
{
    return a == MLP_RELU ? (v > 0 ? v : 0.0) : tanh(v);
}

size_t mlp_forward_row(const mlp_params *mp, const double *z, double *logits, double *scratch)
{
    size_t wmax = mlp_max_width(mp), l, o, j, best = 0;
    const double *in = z;
    double *bufs[2] = {scratch, scratch + wmax};

    for (l = 0; l < mp->n_layers; l++) {
        size_t n_in = mp->size[l], n_out = mp->size[l + 1];
        int last = l + 1 == mp->n_layers;
        double *out = last ? logits : bufs[l & 1];

        for (o = 0; o < n_out; o++) {
            const double *w = mp->w[l] + o * n_in;
            double s = mp->b[l][o];

            for (j = 0; j < n_in; j++)
                s += w[j] * in[j];
            out[o] = last ? s : mlp_activate(mp->activation, s);
        }
        in = out;
    }
    for (o = 1; o < mp->size[mp->n_layers]; o++)
        if (logits[o] > logits[best]) /* strict: ties keep the lower class, as the device */
            best = o;
    return best;
}

/* A regression network's prediction is its score; its class is always 0. */
static int mlp_predict(const mlq_model *m, const double *z)
{
    const mlp_params *mp = m->params;
    size_t w = mlp_max_width(mp);
    double *buf = malloc((3 * w) * sizeof *buf);
    int cls = -1;

    if (buf != NULL)
        cls = (int)mlp_forward_row(mp, z, buf + 2 * w, buf);
    free(buf);
    return cls;
}

static size_t mlp_n_outputs(const mlq_model *m)
{
    const mlp_params *mp = m->params;

    return mp->size[mp->n_layers];
}

/* The float network's logits (a regression's one output, the prediction in
 * standardized target units): the quantity whose Q15.16 the device's scores are. */
static void mlp_host_scores(const mlq_model *m, const double *z, double *scores)
{
    const mlp_params *mp = m->params;
    size_t w = mlp_max_width(mp), k;
    double *buf = malloc(2 * w * sizeof *buf);

    if (buf == NULL) { /* the caller has no error path here: NaN shows in compare */
        for (k = 0; k < mp->size[mp->n_layers]; k++)
            scores[k] = (double)NAN;
        return;
    }
    mlp_forward_row(mp, z, scores, buf);
    free(buf);
}

/* The softmax of the logits, the probabilities the network was trained for
 * (-1 for a regression: it has none). */
static int mlp_host_proba(const mlq_model *m, const double *z, double *proba)
{
    const mlp_params *mp = m->params;
    size_t n = mp->size[mp->n_layers];

    if (mlq_model_task(m) == MLQ_TASK_REGRESS)
        return -1;
    mlp_host_scores(m, z, proba);
    mlq_softmax(proba, n);
    return 0;
}

/* ---- the model file ----------------------------------------------------- */

static int mlp_params_save(const mlq_model *m, cJSON *obj)
{
    const mlp_params *mp = m->params;
    cJSON *layers = cJSON_CreateArray();
    double *sizes = mlq_calloc(mp->n_layers + 1, sizeof *sizes);
    size_t l;
    int rc = -1;

    /* obj owns layers from here on (or mlq_json_add deleted it). */
    if (mlq_json_add(obj, "layers", layers) != 0 || sizes == NULL) {
        free(sizes);
        return -1;
    }
    for (l = 0; l <= mp->n_layers; l++)
        sizes[l] = (double)mp->size[l];
    for (l = 0; l < mp->n_layers; l++) {
        cJSON *layer = cJSON_CreateObject();

        if (mlq_json_add(layers, NULL, layer) != 0 ||
            mlq_json_add(layer, "weights", mlq_json_matrix(mp->w[l], mp->size[l + 1], mp->size[l])) != 0 ||
            mlq_json_add(layer, "bias", mlq_json_array(mp->b[l], mp->size[l + 1])) != 0) {
            free(sizes);
            return -1;
        }
    }
    if (mlq_json_add(obj, "activation", cJSON_CreateString(act_names[mp->activation])) == 0 &&
        cJSON_AddNumberToObject(obj, "bits", mp->bits) != NULL &&
        mlq_json_add(obj, "sizes", mlq_json_array(sizes, mp->n_layers + 1)) == 0 &&
        mlq_json_add(obj, "act_max", mlq_json_array(mp->act_max, mlp_n_hidden_units(mp))) == 0)
        rc = 0;
    free(sizes);
    return rc;
}

static int mlp_params_load(mlq_model *m, const cJSON *obj, const char *path, mlq_err *err)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, "activation"), *layers, *layer;
    size_t bits, n_sizes, l, *size;
    double *tmp;
    mlp_params *mp;
    int act, regress = mlq_model_task(m) == MLQ_TASK_REGRESS;

    if (it == NULL)
        return mlq_err_set(err, path, 0, "missing field 'mlp.activation'");
    if (!cJSON_IsString(it) || (strcmp(it->valuestring, "relu") != 0 && strcmp(it->valuestring, "tanh") != 0))
        return mlq_err_set(err, path, 0, "field 'mlp.activation' must be \"relu\" or \"tanh\"");
    act = strcmp(it->valuestring, "tanh") == 0 ? MLP_TANH : MLP_RELU;
    if (mlq_json_get_size(obj, "bits", "mlp", 8, 16, &bits, path, err) != 0)
        return -1;
    if (bits != 8 && bits != 16)
        return mlq_err_set(err, path, 0, "field 'mlp.bits' must be 8 or 16");
    it = cJSON_GetObjectItemCaseSensitive(obj, "sizes");
    if (it == NULL)
        return mlq_err_set(err, path, 0, "missing field 'mlp.sizes'");
    if (!cJSON_IsArray(it) || cJSON_GetArraySize(it) < 2 || cJSON_GetArraySize(it) > MLP_MAX_HIDDEN + 2)
        return mlq_err_set(err, path, 0, "field 'mlp.sizes' must be an array of 2..%d layer widths",
                           MLP_MAX_HIDDEN + 2);
    n_sizes = (size_t)cJSON_GetArraySize(it);
    tmp = mlq_calloc(n_sizes, sizeof *tmp);
    size = mlq_calloc(n_sizes, sizeof *size);
    if (tmp == NULL || size == NULL) {
        free(tmp);
        free(size);
        return mlq_err_set(err, path, 0, "out of memory");
    }
    if (mlq_json_get_array(obj, "sizes", "mlp", n_sizes, tmp, path, err) != 0) {
        free(tmp);
        free(size);
        return -1;
    }
    for (l = 0; l < n_sizes; l++) {
        if (tmp[l] != floor(tmp[l]) || tmp[l] < 1 || tmp[l] > 65535) {
            free(tmp);
            free(size);
            return mlq_err_set(err, path, 0, "field 'mlp.sizes' entry %zu must be an integer in [1, 65535]", l);
        }
        size[l] = (size_t)tmp[l];
    }
    free(tmp);
    if (size[0] != m->n_features || size[n_sizes - 1] != (regress ? 1 : m->n_classes)) {
        if (regress)
            mlq_err_set(err, path, 0,
                        "field 'mlp.sizes' must start with the %zu features and end with 1 (the one "
                        "output of a regression)", m->n_features);
        else
            mlq_err_set(err, path, 0,
                        "field 'mlp.sizes' must start with the %zu features and end with the %zu classes",
                        m->n_features, m->n_classes);
        free(size);
        return -1;
    }
    mp = mlp_params_alloc(size, n_sizes - 1);
    free(size);
    if (mp == NULL)
        return mlq_err_set(err, path, 0, "out of memory");
    m->params = mp;
    mp->activation = (mlp_activation)act;
    mp->bits = (unsigned)bits;
    layers = cJSON_GetObjectItemCaseSensitive(obj, "layers");
    if (layers == NULL)
        return mlq_err_set(err, path, 0, "missing field 'mlp.layers'");
    if (!cJSON_IsArray(layers) || (size_t)cJSON_GetArraySize(layers) != mp->n_layers)
        return mlq_err_set(err, path, 0, "field 'mlp.layers' must be an array of %zu layers",
                           mp->n_layers);
    l = 0;
    cJSON_ArrayForEach(layer, layers)
    {
        char ctx[32];

        snprintf(ctx, sizeof ctx, "mlp.layers[%zu]", l);
        if (!cJSON_IsObject(layer))
            return mlq_err_set(err, path, 0, "field '%s' must be an object", ctx);
        if (mlq_json_get_matrix(layer, "weights", ctx, mp->size[l + 1], mp->size[l], mp->w[l], path,
                                err) != 0 ||
            mlq_json_get_array(layer, "bias", ctx, mp->size[l + 1], mp->b[l], path, err) != 0)
            return -1;
        l++;
    }
    if (mlq_json_get_array(obj, "act_max", "mlp", mlp_n_hidden_units(mp), mp->act_max, path, err) != 0)
        return -1;
    for (l = 0; l < mlp_n_hidden_units(mp); l++)
        if (!(mp->act_max[l] >= 0))
            return mlq_err_set(err, path, 0, "field 'mlp.act_max' entry %zu must be >= 0", l);
    return 0;
}

static const mlq_opt mlp_opts[] = {
    MLQ_OPT_TASK,
    {"hidden", MLQ_OPT_INT_LIST, "32", 1, 65535, false, NULL,
     "hidden layer widths, e.g. 32 or 32,16", MLQ_FOR_ANY},
    {"activation", MLQ_OPT_CHOICE, "relu", 0, 0, false, "relu|tanh", "hidden-layer activation", MLQ_FOR_ANY},
    {"optimizer", MLQ_OPT_CHOICE, "adam", 0, 0, false, "adam|sgd",
     "Adam, or SGD with momentum (--momentum)", MLQ_FOR_ANY},
    {"lr", MLQ_OPT_NUM, "0.001", 0, 10, true, NULL, "learning rate (> 0)", MLQ_FOR_ANY},
    {"momentum", MLQ_OPT_NUM, "0.9", 0, 1, false, NULL, "momentum of SGD (< 1)", MLQ_FOR_ANY},
    {"batch", MLQ_OPT_INT, "32", 1, 1e9, false, NULL, "rows per minibatch", MLQ_FOR_ANY},
    {"epochs", MLQ_OPT_INT, "200", 1, 1e7, false, NULL, "passes over the training rows at most", MLQ_FOR_ANY},
    {"l2", MLQ_OPT_NUM, "1e-4", 0, 1e6, false, NULL,
     "L2 penalty on the weights (0.5 x l2 x sum of squares per row)", MLQ_FOR_ANY},
    {"validation", MLQ_OPT_NUM, "0", 0, 0.9, false, NULL,
     "share of rows held out for early stopping (0: none)", MLQ_FOR_ANY},
    {"patience", MLQ_OPT_INT, "10", 1, 1e7, false, NULL,
     "early stopping: epochs without a better validation loss", MLQ_FOR_ANY},
    {"bits", MLQ_OPT_CHOICE, "16", 0, 0, false, "8|16",
     "activation width of the device model (export --bits overrides it)", MLQ_FOR_ANY},
};

static mlq_task mlp_task(const cJSON *hyper)
{
    return mlq_hyper_regress(hyper) ? MLQ_TASK_REGRESS : MLQ_TASK_CLASSIFY;
}

const mlq_algo mlq_algo_mlp = {
    .name = "mlp",
    .summary = "multilayer perceptron (ReLU or tanh; softmax, or a linear output with --task regress; "
               "Adam or SGD); int8 weights on the device",
    .task = mlp_task,
    .opts = mlp_opts,
    .n_opts = sizeof mlp_opts / sizeof mlp_opts[0],
    .train = mlp_train,
    .params_save = mlp_params_save,
    .params_load = mlp_params_load,
    .params_free = mlp_params_free,
    .predict = mlp_predict,
    .n_outputs = mlp_n_outputs,
    .host_scores = mlp_host_scores,
    .host_proba = mlp_host_proba,
};
