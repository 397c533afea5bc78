/* SPDX-License-Identifier: MIT */
/*
 * The decision tree and random forest model on the host: trees of split
 * nodes in preorder, each leaf a class distribution in units of
 * 1/MLQ_TREE_LEAF_SCALE. The model's class is the largest sum of its trees'
 * leaf distributions (a single tree: the largest entry of its leaf's), the
 * lowest class on ties; its scores and probabilities are the sums /
 * (MLQ_TREE_LEAF_SCALE x trees), with the very integers the device adds.
 * A regression model's leaves hold a mean target in standardized units
 * instead, and its one score is the mean of its trees' leaves.
 * The model-file parameters (validated: shapes, ranges, preorder links),
 * the options and the two host tables; the trainer (CART) is
 * train_tree.c, the device side exporters/export_tree.c.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "algo.h"
#include "mlq/tree.h"
#include "tree_params.h"

/* ---- parameters ----------------------------------------------------------- */

static void tree_one_free(tree_one *t)
{
    free(t->feature);
    free(t->threshold);
    free(t->left);
    free(t->right);
    free(t->cls);
    free(t->value);
    free(t->mean);
    memset(t, 0, sizeof *t);
}

void tree_params_free(void *params)
{
    tree_params *tp = params;
    size_t t;

    if (tp == NULL)
        return;
    for (t = 0; tp->trees != NULL && t < tp->n_trees; t++)
        tree_one_free(&tp->trees[t]);
    free(tp->trees);
    free(tp);
}

int tree_one_reserve(tree_one *t, size_t n, size_t k)
{
    int *f = mlq_realloc(t->feature, n, sizeof *f);
    double *th, *mean;
    int *l, *r, *c, *v;

    if (f == NULL)
        return -1;
    t->feature = f;
    if ((th = mlq_realloc(t->threshold, n, sizeof *th)) == NULL)
        return -1;
    t->threshold = th;
    if ((l = mlq_realloc(t->left, n, sizeof *l)) == NULL)
        return -1;
    t->left = l;
    if ((r = mlq_realloc(t->right, n, sizeof *r)) == NULL)
        return -1;
    t->right = r;
    if (k == 0) { /* regression */
        if ((mean = mlq_realloc(t->mean, n, sizeof *mean)) == NULL)
            return -1;
        t->mean = mean;
        return 0;
    }
    if ((c = mlq_realloc(t->cls, n, sizeof *c)) == NULL)
        return -1;
    t->cls = c;
    if ((v = mlq_realloc(t->value, n * k, sizeof *v)) == NULL)
        return -1;
    t->value = v;
    return 0;
}

int tree_is_forest(const mlq_model *m)
{
    return m->algo == &mlq_algo_forest;
}

/* ---- model file ------------------------------------------------------------------------- */

static int tree_params_save(const mlq_model *m, cJSON *obj)
{
    const tree_params *tp = m->params;
    cJSON *trees = cJSON_CreateArray();
    size_t t, i;

    if (mlq_json_add(obj, "trees", trees) != 0)
        return -1;
    for (t = 0; t < tp->n_trees; t++) {
        const tree_one *tr = &tp->trees[t];
        cJSON *o = cJSON_CreateObject(), *value = NULL;

        /* Each item belongs to its parent as soon as it is made (or
         * mlq_json_add deleted it): nothing leaks when memory runs out. */
        if (mlq_json_add(trees, NULL, o) != 0 ||
            mlq_json_add(o, "feature", mlq_json_int_array(tr->feature, tr->n_nodes)) != 0 ||
            mlq_json_add(o, "threshold", mlq_json_array(tr->threshold, tr->n_nodes)) != 0 ||
            mlq_json_add(o, "left", mlq_json_int_array(tr->left, tr->n_nodes)) != 0 ||
            mlq_json_add(o, "right", mlq_json_int_array(tr->right, tr->n_nodes)) != 0)
            return -1;
        if (tp->n_classes == 0) { /* regression: each leaf's value */
            if (mlq_json_add(o, "value", mlq_json_array(tr->mean, tr->n_nodes)) != 0)
                return -1;
            continue;
        }
        if (mlq_json_add(o, "class", mlq_json_int_array(tr->cls, tr->n_nodes)) != 0 ||
            mlq_json_add(o, "value", value = cJSON_CreateArray()) != 0)
            return -1;
        for (i = 0; i < tr->n_nodes; i++)
            if (mlq_json_add(value, NULL, mlq_json_int_array(tr->value + i * tp->n_classes, tp->n_classes)) != 0)
                return -1;
    }
    return 0;
}

/* Integer array `key` of tree t: exactly n integers in [lo, hi]. */
static int load_ints(const cJSON *o, const char *key, const char *algo, size_t t, size_t n,
                     long lo, long hi, int *out, const char *path, mlq_err *err)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, key), *it;
    size_t i = 0;

    if (!cJSON_IsArray(a) || (size_t)cJSON_GetArraySize(a) != n)
        return mlq_err_set(err, path, 0, "field '%s.trees[%zu].%s' must be an array of %zu integers",
                           algo, t, key, n);
    cJSON_ArrayForEach(it, a)
    {
        double v = it->valuedouble;

        if (!cJSON_IsNumber(it) || v != floor(v) || v < (double)lo || v > (double)hi)
            return mlq_err_set(err, path, 0,
                               "field '%s.trees[%zu].%s' node %zu must be an integer in [%ld, %ld]",
                               algo, t, key, i, lo, hi);
        out[i++] = (int)v;
    }
    return 0;
}

/* A classifier's leaves of tree t: "class" and "value" (k integers per node,
 * leaves summing to MLQ_TREE_LEAF_SCALE, split nodes 0). */
static int load_class_leaves(const mlq_model *m, const cJSON *o, const char *ctx, size_t t,
                             tree_one *tr, size_t k, const char *path, mlq_err *err)
{
    const cJSON *value = cJSON_GetObjectItemCaseSensitive(o, "value"), *row, *it;
    size_t n = tr->n_nodes, i = 0, c;

    if (load_ints(o, "class", m->algo->name, t, n, -1, (long)k - 1, tr->cls, path, err) != 0)
        return -1;
    if (!cJSON_IsArray(value) || (size_t)cJSON_GetArraySize(value) != n)
        return mlq_err_set(err, path, 0, "field '%s.value' must be an array of %zu rows", ctx, n);
    cJSON_ArrayForEach(row, value)
    {
        size_t sum = 0;

        if (!cJSON_IsArray(row) || (size_t)cJSON_GetArraySize(row) != k)
            return mlq_err_set(err, path, 0, "field '%s.value' node %zu must be an array of %zu integers",
                               ctx, i, k);
        c = 0;
        cJSON_ArrayForEach(it, row)
        {
            double v = it->valuedouble;

            if (!cJSON_IsNumber(it) || v != floor(v) || v < 0 || v > MLQ_TREE_LEAF_SCALE)
                return mlq_err_set(err, path, 0,
                                   "field '%s.value' node %zu entry %zu must be an integer in [0, %d]",
                                   ctx, i, c, MLQ_TREE_LEAF_SCALE);
            tr->value[i * k + c++] = (int)v;
            sum += (size_t)v;
        }
        if (tr->feature[i] < 0 ? sum != MLQ_TREE_LEAF_SCALE : sum != 0)
            return mlq_err_set(err, path, 0, "field '%s.value' node %zu must sum to %d",
                               ctx, i, tr->feature[i] < 0 ? MLQ_TREE_LEAF_SCALE : 0);
        i++;
    }
    return 0;
}

/* A regression tree's leaves: "value", one number per node, 0 at split
 * nodes, and at a leaf the mean of training targets: within the target's
 * training range in standardized units (up to rounding). */
static int load_reg_leaves(const mlq_model *m, const cJSON *o, const char *ctx, tree_one *tr,
                           const char *path, mlq_err *err)
{
    double lo = (m->target_min - m->target_mean) / m->target_scale;
    double hi = (m->target_max - m->target_mean) / m->target_scale, slack = 1e-9 * (hi - lo);
    size_t i;

    if (mlq_json_get_array(o, "value", ctx, tr->n_nodes, tr->mean, path, err) != 0)
        return -1;
    for (i = 0; i < tr->n_nodes; i++) {
        double v = tr->mean[i];

        if (tr->feature[i] >= 0 && v != 0.0)
            return mlq_err_set(err, path, 0, "field '%s.value' node %zu: a split node's value is 0", ctx, i);
        if (tr->feature[i] < 0 && !(v >= lo - slack && v <= hi + slack))
            return mlq_err_set(err, path, 0,
                               "field '%s.value' node %zu: %.17g is outside the target's training "
                               "range in standardized units, [%.17g, %.17g]", ctx, i, v, lo, hi);
    }
    return 0;
}

/* Structure: preorder links (children after their parent), one parent per
 * node, leaves without links (and in a classifier with a class, split nodes
 * with class -1); then the depth. */
static int check_links(tree_one *tr, const char *ctx, const char *path, mlq_err *err)
{
    size_t n = tr->n_nodes, i, *dep;
    unsigned char *seen = mlq_calloc(n, 1);
    int rc = -1;

    if (seen == NULL)
        return mlq_err_set(err, path, 0, "out of memory");
    for (i = 0; i < n; i++) {
        int l = tr->left[i], r = tr->right[i];

        if (tr->feature[i] < 0) {
            if (l != -1 || r != -1 || (tr->cls != NULL && tr->cls[i] < 0)) {
                mlq_err_set(err, path, 0, "field '%s' node %zu: a leaf (feature -1) needs left = right = -1%s",
                            ctx, i, tr->cls != NULL ? " and a class" : "");
                goto done;
            }
            continue;
        }
        if (tr->cls != NULL && tr->cls[i] != -1) {
            mlq_err_set(err, path, 0, "field '%s' node %zu: a split node has class -1", ctx, i);
            goto done;
        }
        if (l <= (int)i || r <= (int)i || l == r || seen[l] || seen[r]) {
            mlq_err_set(err, path, 0,
                        "field '%s' node %zu: child links %d and %d must be distinct nodes in "
                        "(%zu, %zu) not linked from elsewhere",
                        ctx, i, l, r, i, n);
            goto done;
        }
        seen[l] = seen[r] = 1;
    }
    for (i = 1; i < n; i++) {
        if (!seen[i]) {
            mlq_err_set(err, path, 0, "field '%s' node %zu is not linked from any node", ctx, i);
            goto done;
        }
    }
    /* Depth: children follow parents, so one forward pass suffices. */
    if ((dep = mlq_calloc(n, sizeof *dep)) == NULL) {
        mlq_err_set(err, path, 0, "out of memory");
        goto done;
    }
    tr->depth = 0;
    for (i = 0; i < n; i++) {
        if (dep[i] > tr->depth)
            tr->depth = dep[i];
        if (tr->feature[i] >= 0)
            dep[tr->left[i]] = dep[tr->right[i]] = dep[i] + 1;
    }
    free(dep);
    rc = 0;
done:
    free(seen);
    return rc;
}

static int load_tree(const mlq_model *m, const cJSON *o, size_t t, tree_one *tr, size_t k,
                     const char *path, mlq_err *err)
{
    const char *algo = m->algo->name;
    const cJSON *feat = cJSON_GetObjectItemCaseSensitive(o, "feature");
    size_t n;
    char ctx[64];

    if (!cJSON_IsObject(o))
        return mlq_err_set(err, path, 0, "field '%s.trees[%zu]' must be an object", algo, t);
    if (!cJSON_IsArray(feat) || cJSON_GetArraySize(feat) < 1 || cJSON_GetArraySize(feat) > (1 << 24))
        return mlq_err_set(err, path, 0, "field '%s.trees[%zu].feature' must be an array of 1..%d nodes",
                           algo, t, 1 << 24);
    n = (size_t)cJSON_GetArraySize(feat);
    if (tree_one_reserve(tr, n, k) != 0)
        return mlq_err_set(err, path, 0, "out of memory");
    tr->n_nodes = n;
    snprintf(ctx, sizeof ctx, "%s.trees[%zu]", algo, t);
    if (load_ints(o, "feature", algo, t, n, -1, (long)m->n_features - 1, tr->feature, path, err) != 0 ||
        mlq_json_get_array(o, "threshold", ctx, n, tr->threshold, path, err) != 0 ||
        load_ints(o, "left", algo, t, n, -1, (long)n - 1, tr->left, path, err) != 0 ||
        load_ints(o, "right", algo, t, n, -1, (long)n - 1, tr->right, path, err) != 0 ||
        (k > 0 ? load_class_leaves(m, o, ctx, t, tr, k, path, err)
               : load_reg_leaves(m, o, ctx, tr, path, err)) != 0)
        return -1;
    return check_links(tr, ctx, path, err);
}

static int tree_params_load(mlq_model *m, const cJSON *obj, const char *path, mlq_err *err)
{
    const cJSON *trees = cJSON_GetObjectItemCaseSensitive(obj, "trees"), *o;
    tree_params *tp;
    size_t t = 0, n;

    if (trees == NULL)
        return mlq_err_set(err, path, 0, "missing field '%s.trees'", m->algo->name);
    if (!cJSON_IsArray(trees) || cJSON_GetArraySize(trees) < 1 || cJSON_GetArraySize(trees) > 65535)
        return mlq_err_set(err, path, 0, "field '%s.trees' must be an array of 1..65535 trees",
                           m->algo->name);
    n = (size_t)cJSON_GetArraySize(trees);
    if (!tree_is_forest(m) && n != 1)
        return mlq_err_set(err, path, 0, "field 'tree.trees' must hold exactly one tree");
    tp = mlq_calloc(1, sizeof *tp);
    if (tp == NULL || (tp->trees = mlq_calloc(n, sizeof *tp->trees)) == NULL) {
        free(tp);
        return mlq_err_set(err, path, 0, "out of memory");
    }
    tp->n_trees = n;
    tp->n_classes = m->n_classes;
    m->params = tp;
    cJSON_ArrayForEach(o, trees)
    {
        if (load_tree(m, o, t, &tp->trees[t], tp->n_classes, path, err) != 0)
            return -1;
        t++;
    }
    return 0;
}

/* ---- float predict ------------------------------------------------------------------------ */

/* Leaf node of tree tr for the standardized row z. */
static size_t leaf_of(const tree_one *tr, const double *z)
{
    size_t i = 0;

    while (tr->feature[i] >= 0)
        i = (size_t)(z[tr->feature[i]] <= tr->threshold[i] ? tr->left[i] : tr->right[i]);
    return i;
}

/* sums[c] = the trees' leaf distributions added for z: the very integers
 * the device adds (mlq/tree.h), exact in double (below 2^24). */
static void leaf_sums(const tree_params *tp, const double *z, double *sums)
{
    size_t k = tp->n_classes, t, c;

    for (c = 0; c < k; c++)
        sums[c] = 0.0;
    for (t = 0; t < tp->n_trees; t++) {
        const tree_one *tr = &tp->trees[t];
        const int *v = tr->value + leaf_of(tr, z) * k;

        for (c = 0; c < k; c++)
            sums[c] += v[c];
    }
}

/* The class of the largest leaf distribution sum, the lowest on ties (a
 * single tree: the largest entry of its leaf's distribution, which the
 * device's leaf_class holds). */
static int tree_predict(const mlq_model *m, const double *z)
{
    const tree_params *tp = m->params;
    double buf[256], *sums = buf;
    size_t c, best = 0;

    if (tp->n_classes == 0) /* regression: one output */
        return 0;
    if (tp->n_classes > 256 && (sums = mlq_calloc(tp->n_classes, sizeof *sums)) == NULL)
        return 0; /* out of memory: class 0 (trainer and compare report it elsewhere) */
    leaf_sums(tp, z, sums);
    for (c = 1; c < tp->n_classes; c++)
        if (sums[c] > sums[best]) /* strict: ties keep the lower class, as on the device */
            best = c;
    if (sums != buf)
        free(sums);
    return (int)best;
}

/* Scores and probabilities alike: each class's average leaf probability,
 * sum / (MLQ_TREE_LEAF_SCALE x trees), summing to 1; the division keeps
 * the order of the sums, so the largest is tree_predict's class.
 * Regression: the one score is the mean of the trees' leaf values. */
static void tree_host_scores(const mlq_model *m, const double *z, double *scores)
{
    const tree_params *tp = m->params;
    double total = (double)MLQ_TREE_LEAF_SCALE * (double)tp->n_trees;
    size_t c, t;

    if (tp->n_classes == 0) {
        scores[0] = 0.0;
        for (t = 0; t < tp->n_trees; t++)
            scores[0] += tp->trees[t].mean[leaf_of(&tp->trees[t], z)];
        scores[0] /= (double)tp->n_trees;
        return;
    }
    leaf_sums(tp, z, scores);
    for (c = 0; c < tp->n_classes; c++)
        scores[c] /= total;
}

static int tree_host_proba(const mlq_model *m, const double *z, double *proba)
{
    if (m->n_classes == 0) /* regression: no probabilities */
        return -1;
    tree_host_scores(m, z, proba);
    return 0;
}

/* ---- the two algorithms --------------------------------------------------------------------- */

static mlq_task tree_task(const cJSON *hyper)
{
    return mlq_hyper_regress(hyper) ? MLQ_TASK_REGRESS : MLQ_TASK_CLASSIFY;
}

/* Regression splits by variance reduction (scikit-learn's squared_error):
 * --criterion and --class-weight are for classification. */
#define COMMON_OPTS(features_default, features_help)                                             \
    {"criterion", MLQ_OPT_CHOICE, "gini", 0, 0, false, "gini|entropy",                           \
     "classification's split quality", MLQ_FOR_CLASSIFY},                                        \
    {"max-depth", MLQ_OPT_INT, "10", 1, 1000, false, "none",                                     \
     "deepest leaf (root = depth 0), or none", MLQ_FOR_ANY},                                     \
    {"min-samples-leaf", MLQ_OPT_INT, "1", 1, 1e9, false, NULL,                                  \
     "rows a leaf must keep at least (distinct rows of the bootstrap sample in a forest)",       \
     MLQ_FOR_ANY},                                                                               \
    {"min-samples-split", MLQ_OPT_INT, "2", 2, 1e9, false, NULL,                                 \
     "rows a node needs to be split", MLQ_FOR_ANY},                                              \
    {"class-weight", MLQ_OPT_CHOICE, "none", 0, 0, false, "none|balanced",                       \
     "balanced: weight each class by rows / (classes x rows of the class)", MLQ_FOR_CLASSIFY},   \
    {"max-features", MLQ_OPT_INT, features_default, 1, 65535, false, "sqrt|all",                 \
     "features examined per split: a number, sqrt(features) or all" features_help, MLQ_FOR_ANY}

static const mlq_opt tree_opts[] = {MLQ_OPT_TASK, COMMON_OPTS("all", "")};

static const mlq_opt forest_opts[] = {
    MLQ_OPT_TASK,
    {"trees", MLQ_OPT_INT, "10", 1, 65535, false, NULL, "trees, each on a bootstrap sample", MLQ_FOR_ANY},
    COMMON_OPTS("sqrt", " (with --task regress the default is all, as scikit-learn's "
                        "RandomForestRegressor's)"),
};

/* scikit-learn's RandomForestRegressor examines every feature by default. */
static const mlq_opt_default forest_regress_defaults[] = {{"max-features", "all"}, {NULL, NULL}};

static size_t tree_n_outputs(const mlq_model *m)
{
    return m->n_classes > 0 ? m->n_classes : 1; /* regression: one output */
}

const mlq_algo mlq_algo_tree = {
    .name = "tree",
    .summary = "decision tree (CART); predict = the largest class of the leaf reached, or with --task "
               "regress its mean target (variance reduction)",
    .task = tree_task,
    .opts = tree_opts,
    .n_opts = sizeof tree_opts / sizeof tree_opts[0],
    .train = tree_train,
    .params_save = tree_params_save,
    .params_load = tree_params_load,
    .params_free = tree_params_free,
    .predict = tree_predict,
    .n_outputs = tree_n_outputs,
    .host_scores = tree_host_scores,
    .host_proba = tree_host_proba,
};

const mlq_algo mlq_algo_forest = {
    .name = "forest",
    .summary = "random forest (bootstrap CART trees); predict = largest summed leaf distribution, or "
               "with --task regress the mean of the leaves' targets",
    .task = tree_task,
    .opts = forest_opts,
    .n_opts = sizeof forest_opts / sizeof forest_opts[0],
    .regress_defaults = forest_regress_defaults,
    .train = tree_train,
    .params_save = tree_params_save,
    .params_load = tree_params_load,
    .params_free = tree_params_free,
    .predict = tree_predict,
    .n_outputs = tree_n_outputs,
    .host_scores = tree_host_scores,
    .host_proba = tree_host_proba,
};
