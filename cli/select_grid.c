/* SPDX-License-Identifier: MIT */
/* mlq select: the grid of candidates (select.h). */
#include "select.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "algo.h"
#include "options.h"

enum { FOR_CLASSIFY = 1, FOR_REGRESS = 2 };

/*
 * A family of candidates: an algorithm, options they all have, and one or
 * two options with the values tried (every combination): 42 candidates
 * for classification, 22 for regression. Small on purpose: vowel (990 rows,
 * 11 classes) with 5 grouped folds takes under a minute on one core.
 */
typedef struct sel_family {
    const char *algo;
    int task;                  /* FOR_REGRESS: --task regress comes first */
    const char *fixed;         /* "" or options every candidate has */
    const char *opt1, *vals1;  /* "--C", "0.1|1|10" */
    const char *opt2, *vals2;  /* a second option, or NULL */
} sel_family;

static const sel_family grid[] = {
    {"linear", FOR_CLASSIFY, "", "--C", "0.1|1|10", NULL, NULL},
    {"tree", FOR_CLASSIFY, "", "--max-depth", "3|5|8|12", "--min-samples-leaf", "1|5"},
    {"forest", FOR_CLASSIFY, "", "--trees", "5|10|20|40", "--max-depth", "6|10"},
    {"gmm", FOR_CLASSIFY, "--per-class --covariance diag", "--components", "1|2|4", NULL, NULL},
    {"gmm", FOR_CLASSIFY, "--per-class --covariance full --reg-covar 1e-2", "--components", "1|2", NULL, NULL},
    {"svm", FOR_CLASSIFY, "--kernel linear", "--C", "0.1|1|10", NULL, NULL},
    {"svm", FOR_CLASSIFY, "--kernel rbf", "--C", "1|10|100", NULL, NULL},
    {"svm", FOR_CLASSIFY, "--kernel poly", "--degree", "2|3", NULL, NULL},
    {"mlp", FOR_CLASSIFY, "", "--hidden", "16|32|64|128", "--bits", "8|16"},
    {"mlp", FOR_CLASSIFY, "--hidden 32,16", "--bits", "8|16", NULL, NULL},
    {"linear", FOR_REGRESS, "", "--alpha", "0.1|1|10", NULL, NULL},
    {"tree", FOR_REGRESS, "", "--max-depth", "3|5|8", "--min-samples-leaf", "1|5"},
    {"forest", FOR_REGRESS, "", "--trees", "10|20", "--max-depth", "6|10"},
    {"svm", FOR_REGRESS, "--kernel rbf", "--C", "1|10", NULL, NULL},
    {"svm", FOR_REGRESS, "--kernel linear", "--C", "0.1|1", NULL, NULL},
    {"mlp", FOR_REGRESS, "", "--hidden", "16|32", "--bits", "8|16"},
};

enum { N_FAMILIES = sizeof grid / sizeof grid[0] };

/* Word i of vals ("a|b|c") into buf of n; 0, or -1 past the last. */
static int value(const char *vals, size_t i, char *buf, size_t n)
{
    const char *p = vals;

    for (; i > 0 && p != NULL; i--)
        if ((p = strchr(p, '|')) != NULL)
            p++;
    if (p == NULL)
        return -1;
    snprintf(buf, n, "%.*s", (int)strcspn(p, "|"), p);
    return 0;
}

/* Is name[len] in the comma-separated list (NULL: every name is)? */
static int listed(const char *list, const char *name, size_t len)
{
    const char *p = list;

    if (list == NULL)
        return 1;
    while (*p != '\0') {
        size_t w = strcspn(p, ",");

        if (w == len && strncmp(p, name, len) == 0)
            return 1;
        p += w + (p[w] == ',');
    }
    return 0;
}

/* The first name of the comma-separated list that the grid does not have, or NULL; its length in *len. */
static const char *unknown_algo(const char *list, size_t *len)
{
    const char *p = list;
    size_t f;

    while (p != NULL && *p != '\0') {
        int known = 0;

        *len = strcspn(p, ",");
        for (f = 0; f < N_FAMILIES; f++)
            known |= strlen(grid[f].algo) == *len && strncmp(grid[f].algo, p, *len) == 0;
        if (!known)
            return p;
        p += *len + (p[*len] == ',');
    }
    return NULL;
}

/* Family g's options with values v1 and v2 (as the command line has them) into buf of n. */
static void family_opts(const sel_family *g, const char *v1, const char *v2, char *buf, size_t n)
{
    snprintf(buf, n, "%s%s%s%s %s%s%s%s%s", g->task == FOR_REGRESS ? "--task regress " : "", g->fixed,
             *g->fixed ? " " : "", g->opt1, v1, g->opt2 ? " " : "", g->opt2 ? g->opt2 : "", g->opt2 ? " " : "",
             g->opt2 ? v2 : "");
}

size_t sel_grid(const char *algos, int regress, sel_cand *c, size_t max, mlq_err *err)
{
    const char *bad;
    size_t f, i, j, n = 0, len = 0;

    if ((bad = unknown_algo(algos, &len)) != NULL) {
        mlq_err_set(err, NULL, 0, "select: --algos: '%.*s' is not one of the algorithms select tries "
                    "(linear, tree, forest, gmm, svm, mlp; separated by commas)", (int)len, bad);
        return 0;
    }
    for (f = 0; f < N_FAMILIES; f++) {
        const sel_family *g = &grid[f];
        char v1[16], v2[16] = "";

        if (g->task != (regress ? FOR_REGRESS : FOR_CLASSIFY) || !listed(algos, g->algo, strlen(g->algo)))
            continue;
        for (i = 0; value(g->vals1, i, v1, sizeof v1) == 0; i++) {
            for (j = 0; g->opt2 == NULL ? j == 0 : value(g->vals2, j, v2, sizeof v2) == 0; j++) {
                if (c != NULL && n < max) {
                    memset(&c[n], 0, sizeof c[n]);
                    c[n].algo = g->algo;
                    family_opts(g, v1, v2, c[n].opts, sizeof c[n].opts);
                }
                n++;
            }
        }
    }
    if (n == 0)
        mlq_err_set(err, NULL, 0, "select: --algos %s: none of them %s", algos,
                    regress ? "regresses (gmm does not)" : "classifies");
    return n;
}

const char *sel_grid_text(void)
{
    static char text[1400];
    size_t f, len = 0;
    int task;

    if (text[0] != '\0')
        return text;
    for (task = FOR_CLASSIFY; task <= FOR_REGRESS; task++) {
        const char *sep = task == FOR_CLASSIFY ? "classification: " : "; with --task regress: ";

        for (f = 0; f < N_FAMILIES && len < sizeof text; f++) {
            const sel_family *g = &grid[f];

            if (g->task != task)
                continue;
            len += (size_t)snprintf(text + len, sizeof text - len, "%s%s%s%s %s %s%s%s%s%s", sep, g->algo,
                                    *g->fixed ? " " : "", g->fixed, g->opt1, g->vals1, g->opt2 ? " " : "",
                                    g->opt2 ? g->opt2 : "", g->opt2 ? " " : "", g->opt2 ? g->vals2 : "");
            sep = ", ";
        }
    }
    return text;
}

int sel_hyper(const sel_cand *c, const mlq_algo **algo, cJSON **hyper, mlq_err *err)
{
    static const cli_cmd none = {"select", "", 0, 0, NULL, 0, "", NULL};
    char buf[sizeof c->opts], name[32], *argv[16];
    int argc = 0, rc;
    char *p;

    *hyper = NULL;
    *algo = mlq_algo_find(c->algo);
    snprintf(buf, sizeof buf, "%s", c->opts);
    snprintf(name, sizeof name, "%s", c->algo);
    argv[argc++] = name;
    for (p = strtok(buf, " "); p != NULL && argc < 15; p = strtok(NULL, " "))
        argv[argc++] = p;
    argv[argc] = NULL;
    if (*algo == NULL || (*hyper = cJSON_CreateObject()) == NULL)
        return mlq_err_set(err, NULL, 0, "select: %s: %s", c->algo, *algo == NULL ? "unknown" : "out of memory");
    {
        cli_args a;

        rc = cli_parse(&none, *algo, argc, argv, *hyper, &a, err);
    }
    if (rc != CLI_RUN) {
        cJSON_Delete(*hyper);
        *hyper = NULL;
        return -1;
    }
    return 0;
}
