/* SPDX-License-Identifier: MIT */
/*
 * mlq -- train on the host, export fixed-point C headers, compare host and
 * device predictions. `mlq help` lists the commands and the exit codes.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "algo.h"
#include "boards.h"
#include "csv.h"
#include "export.h"
#include "metrics.h"
#include "mlq/score.h"
#include "model.h"

enum { EXIT_OK = 0, EXIT_INPUT = 1, EXIT_USAGE = 2 };

static int fail(int code, const mlq_err *err)
{
    fprintf(stderr, "mlq: %s\n", err->msg);
    return code;
}

#define USAGE(...)                                                                             \
    do {                                                                                       \
        mlq_err_set(&err, NULL, 0, __VA_ARGS__);                                               \
        return fail(EXIT_USAGE, &err);                                                         \
    } while (0)

/* ---- help ---------------------------------------------------------------- */

static const struct command_help {
    const char *name, *usage, *text;
} helps[] = {
    {"train", "mlq train ALGO --data TRAIN.csv --out MODEL.json [--label COL] [--seed N] [--quiet] [ALGO options]",
     "Train ALGO on TRAIN.csv and write the model file. Features are standardized\n"
     "on the training rows (mean, population sd; a constant feature gets scale 1 and\n"
     "takes no part). The label column is --label COL, else 'label', else (classifiers\n"
     "only) the last column; clustering uses labels only to report purity.\n"
     "--seed N (default 1) makes training deterministic. Progress goes to stderr when\n"
     "it is a terminal; --quiet silences it.\n"},
    {"export", "mlq export MODEL.json --name NAME --out NAME.h [--bits 8|16] [--target BOARD]",
     "Quantize MODEL.json and write a self-contained C header: const model arrays\n"
     "(flash), the class names, and for float, Q1.15 (_q15) and raw int16 (_i16)\n"
     "input NAME_predict, NAME_scores (one Q15.16 score per output) and, where the\n"
     "model defines probabilities, NAME_proba (Q15, summing to 32768). NAME must be a\n"
     "C identifier that starts with a letter and is not mlq's own (mlq, mlq_*, MLQ_*).\n"
     "Reports how many coefficients saturated; a model the device cannot represent is\n"
     "refused. --bits chooses the activation width where a model offers a choice\n"
     "(k-means: 16 only); predict --device and compare take it too. --target BOARD\n"
     "warns when the model will not fit that board (see info), and the header then\n"
     "stops with #error when it is compiled for that chip.\n"},
    {"predict", "mlq predict MODEL.json DATA.csv [--device [--bits N]] [--ids] [--scores] [--proba]",
     "Print one line per row: the predicted class name for classifiers (its id with\n"
     "--ids), the cluster id for clustering, 1 (anomaly) or 0 for anomaly detection.\n"
     "--scores adds the model's scores (one per output; the header's NAME_scores),\n"
     "--proba its probabilities where it defines them. --device runs the fixed-point\n"
     "device code (the same quantizer and kernels as the firmware) instead of the\n"
     "float model and prints the integers the firmware gets: scores in Q15.16\n"
     "(value x 65536), probabilities in Q15 (x 32768). DATA.csv needs no label column.\n"},
    {"compare", "mlq compare MODEL.json TEST.csv [--json] [--bits N]",
     "Run the float model and the fixed-point device code on the same rows; report\n"
     "agreement (share of rows with the same prediction), host vs device accuracy\n"
     "(classifiers), purity (clustering) or detection and false alarm rates (anomaly\n"
     "detection; label 0 is normal) when TEST.csv has labels, the largest, median and\n"
     "99th-percentile host vs device difference of the scores and probabilities, and\n"
     "the confusion matrix of the device predictions. --json prints one JSON object:\n"
     "rows, agreement, host_accuracy/device_accuracy or host_purity/device_purity (or\n"
     "host_detection/device_detection, host_false_alarm/device_false_alarm),\n"
     "max/median/p99_score_diff, max/median/p99_proba_diff, coefficients, clipped,\n"
     "flash_bytes.\n"},
    {"info", "mlq info MODEL.json [--target BOARD [--flash BYTES] [--ram BYTES]]",
     "Print the model's classes, parameters, training report, and device\n"
     "flash/RAM/stack estimates. --target BOARD (uno, mega, m0, m4, rv32) says whether\n"
     "the model fits that board: flash for its constants and the code of its entry,\n"
     "SRAM for the deepest stack, scratch and input, from the figures make bench\n"
     "measured on that core; --flash and --ram give another board's sizes for the same\n"
     "core. A model that does not fit gets a line saying by how much and what would\n"
     "make it smaller.\n"},
    {"split", "mlq split DATA.csv --train TRAIN.csv --test TEST.csv [--test-size 0.3] [--seed N] [--label COL]",
     "Split DATA.csv into a training and a test file, stratified by class when the\n"
     "file has labels (each class gives round(test-size x its rows) to the test\n"
     "part); deterministic for a seed (default 1). Rows keep their order.\n"},
    {"help", "mlq help [COMMAND]", "Show the commands, or one command's options.\n"},
};

static void print_exit_codes(FILE *f)
{
    fputs("\nExit codes:\n"
          "  0  success\n"
          "  1  bad input: a file that cannot be read, a malformed CSV or model file,\n"
          "     degenerate data, or a failed write (no partial output file is left)\n"
          "  2  usage: unknown command, option or algorithm, or a bad option value\n"
          "Errors are one line on stderr: \"mlq: FILE:LINE: what is wrong\".\n",
          f);
}

static void print_algo_opts(FILE *f, const mlq_algo *a)
{
    size_t i;

    fprintf(f, "  %-8s %s\n", a->name, a->summary);
    for (i = 0; i < a->n_opts; i++) {
        const mlq_opt *o = &a->opts[i];

        fprintf(f, "      --%-12s %s", o->name, o->help);
        if (o->def != NULL)
            fprintf(f, " (default %s)", o->def);
        fputc('\n', f);
    }
}

static int cmd_help(int argc, char **argv)
{
    size_t i;

    if (argc >= 1) {
        for (i = 0; i < sizeof helps / sizeof helps[0]; i++) {
            if (strcmp(argv[0], helps[i].name) == 0) {
                printf("usage: %s\n\n%s", helps[i].usage, helps[i].text);
                if (strcmp(argv[0], "train") == 0) {
                    size_t a;

                    puts("\nALGO and its options:");
                    for (a = 0; mlq_algos[a] != NULL; a++)
                        print_algo_opts(stdout, mlq_algos[a]);
                }
                return EXIT_OK;
            }
        }
        fprintf(stderr, "mlq: help: unknown command '%s' (try 'mlq help')\n", argv[0]);
        return EXIT_USAGE;
    }
    puts("mlq " MLQ_VERSION_STRING " -- fixed-point classical ML for microcontrollers\n\nCommands:");
    for (i = 0; i < sizeof helps / sizeof helps[0]; i++)
        printf("  %s\n", helps[i].usage);
    fputs("\nALGO:", stdout);
    for (i = 0; mlq_algos[i] != NULL; i++)
        if (mlq_algos[i]->train != NULL)
            printf(" %s", mlq_algos[i]->name);
    for (i = 0; mlq_algos[i] != NULL && mlq_algos[i]->train != NULL; i++)
        ;
    if (mlq_algos[i] != NULL) {
        fputs(" (not available in this version:", stdout);
        for (i = 0; mlq_algos[i] != NULL; i++)
            if (mlq_algos[i]->train == NULL)
                printf(" %s", mlq_algos[i]->name);
        putchar(')');
    }
    puts("\n'mlq help COMMAND' shows a command's options.");
    print_exit_codes(stdout);
    return EXIT_OK;
}

/* ---- option parsing ------------------------------------------------------- */

/* Options shared by the commands: name, takes a value, where it goes. */
typedef struct opt_slot {
    const char *name;
    int has_value;
    const char **value; /* for options with a value */
    int *flag;          /* for flags */
} opt_slot;

static int word_in(const char *word, const char *words)
{
    size_t n = strlen(word);
    const char *p = words;

    while (p != NULL && *p != '\0') {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);

        if (len == n && strncmp(p, word, n) == 0)
            return 1;
        p = bar ? bar + 1 : NULL;
    }
    return 0;
}

/* An MLQ_OPT_INT_LIST value: "N" or "N,N,...", each a whole number in
 * [min, max]; stored as the text itself. */
static int set_int_list_opt(const mlq_opt *o, const char *text, cJSON *hyper, mlq_err *err)
{
    const char *p = text;

    for (;;) {
        char *end;
        double v;

        errno = 0;
        v = (*p >= '0' && *p <= '9') || *p == '-' ? strtod(p, &end) : 0.0;
        if (!((*p >= '0' && *p <= '9') || *p == '-') || end == p || errno == ERANGE ||
            v != floor(v) || (*end != ',' && *end != '\0'))
            return mlq_err_set(err, NULL, 0,
                               "--%s: '%s' is not a list of whole numbers separated by commas "
                               "(e.g. 32 or 32,16)",
                               o->name, text);
        if (v < o->min || v > o->max)
            return mlq_err_set(err, NULL, 0, "--%s: %g in '%s' is out of range: must be >= %g and <= %g",
                               o->name, v, text, o->min, o->max);
        if (*end == '\0')
            break;
        p = end + 1;
    }
    return cJSON_AddStringToObject(hyper, o->name, text) ? 0 : -1;
}

/* Validate one algorithm option value and store it in hyper. */
static int set_algo_opt(const mlq_opt *o, const char *text, cJSON *hyper, mlq_err *err)
{
    char *end;
    double v;

    if (o->words != NULL && word_in(text, o->words))
        return cJSON_AddStringToObject(hyper, o->name, text) ? 0 : -1;
    if (o->kind == MLQ_OPT_INT_LIST)
        return set_int_list_opt(o, text, hyper, err);
    if (o->kind == MLQ_OPT_CHOICE)
        return mlq_err_set(err, NULL, 0, "--%s: '%s' is not one of %s", o->name, text, o->words);
    errno = 0;
    v = strtod(text, &end);
    if (end == text || *end != '\0' || errno == ERANGE || !isfinite(v))
        return mlq_err_set(err, NULL, 0, "--%s: '%s' is not a %s%s%s", o->name, text,
                           o->kind == MLQ_OPT_INT ? "whole number" : "number",
                           o->words ? " or one of " : "", o->words ? o->words : "");
    if (o->kind == MLQ_OPT_INT && v != floor(v))
        return mlq_err_set(err, NULL, 0, "--%s: '%s' is not a whole number", o->name, text);
    if (v < o->min || v > o->max || (o->min_open && v == o->min))
        return mlq_err_set(err, NULL, 0, "--%s: %s is out of range: must be %s %g and <= %g",
                           o->name, text, o->min_open ? ">" : ">=", o->min, o->max);
    return cJSON_AddNumberToObject(hyper, o->name, v) ? 0 : -1;
}

/*
 * Parse argv against the command's slots and (for train) the algorithm's
 * options. Positional arguments go to pos[] (at most max_pos).
 */
static int parse_args(int argc, char **argv, const opt_slot *slots, size_t n_slots,
                      const mlq_algo *algo, cJSON *hyper, const char **pos, size_t max_pos,
                      size_t *n_pos, const char *cmd, mlq_err *err)
{
    int i;
    size_t s;

    *n_pos = 0;
    for (i = 0; i < argc; i++) {
        const char *a = argv[i];
        int found = 0;

        if (strncmp(a, "--", 2) != 0 || a[2] == '\0') {
            if (*n_pos == max_pos)
                return mlq_err_set(err, NULL, 0, "%s: unexpected argument '%s' (see 'mlq help %s')",
                                   cmd, a, cmd);
            pos[(*n_pos)++] = a;
            continue;
        }
        for (s = 0; s < n_slots && !found; s++) {
            if (strcmp(a + 2, slots[s].name) != 0)
                continue;
            found = 1;
            if (!slots[s].has_value) {
                *slots[s].flag = 1;
            } else if (i + 1 >= argc) {
                return mlq_err_set(err, NULL, 0, "%s: %s needs a value", cmd, a);
            } else {
                *slots[s].value = argv[++i];
            }
        }
        for (s = 0; algo != NULL && s < algo->n_opts && !found; s++) {
            if (strcmp(a + 2, algo->opts[s].name) != 0)
                continue;
            found = 1;
            if (algo->opts[s].kind == MLQ_OPT_FLAG) { /* no value */
                if (cJSON_GetObjectItemCaseSensitive(hyper, algo->opts[s].name) != NULL)
                    return mlq_err_set(err, NULL, 0, "%s: %s given twice", cmd, a);
                if (cJSON_AddTrueToObject(hyper, algo->opts[s].name) == NULL)
                    return -1;
                continue;
            }
            if (i + 1 >= argc)
                return mlq_err_set(err, NULL, 0, "%s: %s needs a value", cmd, a);
            if (cJSON_GetObjectItemCaseSensitive(hyper, algo->opts[s].name) != NULL)
                return mlq_err_set(err, NULL, 0, "%s: %s given twice", cmd, a);
            if (set_algo_opt(&algo->opts[s], argv[++i], hyper, err) != 0)
                return -1;
        }
        if (!found)
            return mlq_err_set(err, NULL, 0, "%s: unknown option '%s' (see 'mlq help %s')", cmd, a,
                               cmd);
    }
    /* Defaults, and the options without one are required. */
    for (s = 0; algo != NULL && s < algo->n_opts; s++) {
        const mlq_opt *o = &algo->opts[s];

        if (cJSON_GetObjectItemCaseSensitive(hyper, o->name) != NULL)
            continue;
        if (o->kind == MLQ_OPT_FLAG) { /* absent flag: false */
            if (cJSON_AddFalseToObject(hyper, o->name) == NULL)
                return -1;
            continue;
        }
        if (o->def == NULL)
            return mlq_err_set(err, NULL, 0, "%s %s: --%s is required", cmd, algo->name, o->name);
        if (set_algo_opt(o, o->def, hyper, err) != 0)
            return -1;
    }
    return 0;
}

static int parse_seed(const char *text, unsigned long *seed, mlq_err *err)
{
    char *end;
    unsigned long v;

    errno = 0;
    if (text[0] == '-' || (v = strtoul(text, &end, 10), end == text) || *end != '\0' ||
        errno == ERANGE || v > 0xFFFFFFFFul)
        return mlq_err_set(err, NULL, 0, "--seed: '%s' is not a whole number in [0, 4294967295]",
                           text);
    *seed = v;
    return 0;
}

/* ---- shared steps ---------------------------------------------------------- */

/* Read DATA.csv for an existing model: same feature columns, the model's classes. */
static int read_for_model(const mlq_model *m, const char *path, mlq_dataset *d, mlq_err *err)
{
    size_t j;

    if (mlq_csv_read(path, m->label_name, MLQ_LABEL_IF_PRESENT, m->class_names, m->n_classes, d,
                     err) != 0)
        return -1;
    if (d->n_features != m->n_features) {
        mlq_err_set(err, path, 1, "%zu feature columns, but the model was trained on %zu",
                    d->n_features, m->n_features);
        mlq_dataset_free(d);
        return -1;
    }
    for (j = 0; j < m->n_features; j++) {
        if (strcmp(d->feature_names[j], m->feature_names[j]) != 0) {
            mlq_err_set(err, path, 1, "feature column %zu is '%s', the model expects '%s'", j + 1,
                        d->feature_names[j], m->feature_names[j]);
            mlq_dataset_free(d);
            return -1;
        }
    }
    return 0;
}

/* Host (float) predictions of every row; -1 when memory is short. */
static int predict_host(const mlq_model *m, const mlq_dataset *d, int *out)
{
    double *z = mlq_calloc(m->n_features, sizeof *z);
    size_t i;

    if (z == NULL)
        return -1;
    for (i = 0; i < d->n_rows; i++) {
        mlq_model_standardize(m, d->x + i * d->n_features, z);
        out[i] = m->algo->predict(m, z);
    }
    free(z);
    return 0;
}

static int predict_device(const mlq_device *dev, const mlq_dataset *d, int *out, mlq_err *err)
{
    size_t i;

    for (i = 0; i < d->n_rows; i++) {
        mlq_status s = mlq_device_predict(dev, d->x + i * d->n_features, &out[i]);

        if (s != MLQ_OK)
            return mlq_err_set(err, d->path, d->line[i], "device predict failed: %s",
                               mlq_status_str(s));
    }
    return 0;
}

/* Number of distinct output ids a prediction vector can hold: max + 1. */
static size_t n_outputs(const int *pred, size_t n)
{
    size_t i, k = 0;

    for (i = 0; i < n; i++)
        if (pred[i] >= 0 && (size_t)pred[i] + 1 > k)
            k = (size_t)pred[i] + 1;
    return k;
}

/* Confusion matrix of the device predictions: one row per true class, one
 * column per predicted class (or cluster). */
static int print_confusion(const mlq_model *m, const mlq_dataset *d, const int *pred,
                           size_t n_out)
{
    size_t *counts = mlq_calloc(d->n_classes * n_out, sizeof *counts), t, p;

    if (counts == NULL)
        return -1;
    mlq_confusion(d->y, pred, d->n_rows, d->n_classes, n_out, counts);
    printf("\ndevice predictions (columns: %s) by true class (rows):\n%-14s",
           mlq_model_task(m) == MLQ_TASK_CLUSTER ? "cluster" : "class", "");
    for (p = 0; p < n_out; p++)
        printf(" %6zu", p);
    putchar('\n');
    for (t = 0; t < d->n_classes; t++) {
        printf("%-14.14s", d->class_names[t]);
        for (p = 0; p < n_out; p++)
            printf(" %6zu", counts[t * n_out + p]);
        putchar('\n');
    }
    free(counts);
    return 0;
}

/*
 * Quantize m for the device with the activation width `bits` (text of
 * --bits, or NULL for the default). Returns EXIT_OK, EXIT_USAGE for a width
 * the algorithm does not offer, or EXIT_INPUT; err set on failure.
 */
static int device_open(const mlq_model *m, const char *bits, const char *cmd, mlq_device *dev,
                       mlq_err *err)
{
    unsigned width = 0;

    memset(dev, 0, sizeof *dev);
    if (bits != NULL) {
        if (!word_in(bits, mlq_device_bits(m))) {
            mlq_err_set(err, NULL, 0, "%s: --bits %s: a %s model offers --bits %s", cmd, bits,
                        m->algo->name, mlq_device_bits(m));
            return EXIT_USAGE;
        }
        width = (unsigned)atoi(bits);
    }
    return mlq_device_build(m, width, dev, err) == 0 ? EXIT_OK : EXIT_INPUT;
}

/* ---- commands -------------------------------------------------------------- */

static int cmd_train(int argc, char **argv)
{
    const char *data = NULL, *out = NULL, *label = NULL, *seed_text = NULL, *pos[1];
    int quiet = 0, rc = EXIT_INPUT, constant = 0;
    size_t n_pos, j;
    unsigned long seed = 1;
    const mlq_algo *algo;
    mlq_dataset d = {0};
    mlq_model m = {0};
    mlq_err err = {{0}};
    cJSON *hyper;
    int *pred = NULL;
    unsigned char *is_const = NULL;
    const opt_slot slots[] = {{"data", 1, &data, NULL}, {"out", 1, &out, NULL},
                              {"label", 1, &label, NULL}, {"seed", 1, &seed_text, NULL},
                              {"quiet", 0, NULL, &quiet}};

    if (argc < 1 || strncmp(argv[0], "--", 2) == 0)
        USAGE("train: which algorithm? (see 'mlq help train')");
    algo = mlq_algo_find(argv[0]);
    if (algo == NULL)
        USAGE("train: unknown algorithm '%s' (see 'mlq help train')", argv[0]);
    if (algo->train == NULL)
        USAGE("train: algorithm '%s' is not available in this version of mlq", argv[0]);
    hyper = cJSON_CreateObject();
    if (hyper == NULL) {
        mlq_err_set(&err, NULL, 0, "out of memory");
        return fail(EXIT_INPUT, &err);
    }
    if (parse_args(argc - 1, argv + 1, slots, sizeof slots / sizeof slots[0], algo, hyper, pos, 0,
                   &n_pos, "train", &err) != 0 ||
        (seed_text != NULL && parse_seed(seed_text, &seed, &err) != 0)) {
        cJSON_Delete(hyper);
        return fail(EXIT_USAGE, &err);
    }
    if (data == NULL || out == NULL) {
        cJSON_Delete(hyper);
        USAGE("train: --data and --out are required");
    }
    if (mlq_csv_read(data, label,
                     algo->task(hyper) == MLQ_TASK_CLASSIFY ? MLQ_LABEL_REQUIRED : MLQ_LABEL_OPTIONAL,
                     NULL, 0, &d, &err) != 0) {
        cJSON_Delete(hyper);
        goto done;
    }
    is_const = mlq_calloc(d.n_features, 1);
    pred = mlq_calloc(d.n_rows, sizeof *pred);
    if (is_const == NULL || pred == NULL) {
        cJSON_Delete(hyper);
        mlq_err_set(&err, data, 0, "out of memory (%zu rows x %zu features)", d.n_rows,
                    d.n_features);
        goto done;
    }
    if (mlq_model_train(&m, algo, &d, hyper, seed, !quiet && isatty(STDERR_FILENO), is_const,
                        &err) != 0 ||
        mlq_device_after_train(&m, &d, &err) != 0)
        goto done;
    for (j = 0; j < d.n_features; j++)
        constant += is_const[j];
    if (constant > 0 && !quiet) {
        fprintf(stderr, "mlq: note: %s: %d constant feature%s (", data, constant,
                constant > 1 ? "s" : "");
        for (j = 0; j < d.n_features; j++)
            if (is_const[j])
                fprintf(stderr, "%s%s", m.feature_names[j], --constant > 0 ? ", " : "");
        fputs(") standardize to 0 and take no part\n", stderr);
    }
    if (d.y != NULL) {
        if (predict_host(&m, &d, pred) != 0) {
            mlq_err_set(&err, data, 0, "out of memory");
            goto done;
        }
        if (algo->task(m.hyper) == MLQ_TASK_CLUSTER)
            cJSON_AddNumberToObject(m.training, "host_purity",
                                    mlq_purity(d.y, pred, d.n_rows, d.n_classes, n_outputs(pred, d.n_rows)));
        else if (algo->task(m.hyper) == MLQ_TASK_CLASSIFY)
            cJSON_AddNumberToObject(m.training, "host_accuracy",
                                    mlq_agreement(d.y, pred, d.n_rows));
    }
    if (mlq_model_save(out, &m, &err) != 0)
        goto done;
    rc = EXIT_OK;
done:
    if (rc != EXIT_OK)
        fail(rc, &err);
    free(pred);
    free(is_const);
    mlq_dataset_free(&d);
    mlq_model_free(&m);
    return rc;
}

/* The board of --target (NULL when not given); EXIT_USAGE with err for an unknown name. */
static int find_target(const char *target, const char *cmd, const mlq_board **board, mlq_err *err)
{
    *board = NULL;
    if (target == NULL)
        return EXIT_OK;
    *board = mlq_board_find(target);
    if (*board != NULL)
        return EXIT_OK;
    mlq_err_set(err, NULL, 0, "%s: --target '%s' is not a board mlq knows (%s)", cmd, target,
                mlq_board_names());
    return EXIT_USAGE;
}

/* A byte count of --flash or --ram: a whole number from 1 to 2^32. */
static int parse_bytes(const char *text, const char *opt, size_t *out, mlq_err *err)
{
    char *end;
    unsigned long v;

    *out = 0;
    if (text == NULL)
        return 0;
    errno = 0;
    if (text[0] < '0' || text[0] > '9' || (v = strtoul(text, &end, 10), *end != '\0') ||
        errno == ERANGE || v == 0 || v > 4294967296ul)
        return mlq_err_set(err, NULL, 0, "%s: '%s' is not a number of bytes from 1 to 4294967296",
                           opt, text);
    *out = (size_t)v;
    return 0;
}

static int cmd_export(int argc, char **argv)
{
    const char *name = NULL, *out = NULL, *bits = NULL, *target = NULL, *pos[1];
    size_t n_pos;
    mlq_err err = {{0}};
    mlq_model m;
    mlq_device dev;
    mlq_fit fit;
    char why[320];
    const mlq_board *board;
    int rc = EXIT_INPUT, have_fit = 0;
    const opt_slot slots[] = {{"name", 1, &name, NULL}, {"out", 1, &out, NULL},
                              {"bits", 1, &bits, NULL}, {"target", 1, &target, NULL}};

    if (parse_args(argc, argv, slots, 4, NULL, NULL, pos, 1, &n_pos, "export", &err) != 0)
        return fail(EXIT_USAGE, &err);
    if (n_pos != 1 || name == NULL || out == NULL)
        USAGE("export: usage: mlq export MODEL.json --name NAME --out NAME.h");
    if (mlq_export_name_problem(name) != NULL)
        USAGE("export: --name '%s' %s", name, mlq_export_name_problem(name));
    if (find_target(target, "export", &board, &err) != EXIT_OK)
        return fail(EXIT_USAGE, &err);
    if (mlq_model_load(pos[0], &m, &err) != 0)
        return fail(EXIT_INPUT, &err);
    if ((rc = device_open(&m, bits, "export", &dev, &err)) == EXIT_OK) {
        rc = EXIT_INPUT;
        have_fit = board != NULL && mlq_fit_estimate(&dev, board, 0, 0, &fit) == 0;
        if (board != NULL && !have_fit)
            fprintf(stderr, "mlq: warning: %s: no measured cost of this kernel on %s: fit not checked\n",
                    pos[0], board->name);
        else if (have_fit && !fit.fits)
            fprintf(stderr, "mlq: warning: %s: does not fit %s (%s): too large by %s; the header "
                            "stops with #error on that chip; to make it smaller: %s\n",
                    pos[0], board->name, board->desc, mlq_fit_excess(&fit, &dev, why, sizeof why),
                    mlq_fit_advice(&dev));
        if (mlq_export_header(&dev, name, out, have_fit ? &fit : NULL, &err) == 0) {
            rc = EXIT_OK;
            fprintf(stderr, "mlq: wrote %s: %zu coefficients, %zu saturated, %zu bytes of flash%s\n",
                    out, dev.n_coef, dev.clipped, dev.flash_bytes,
                    dev.raw_center == NULL ? "; no int16 input path" : "");
        }
        mlq_device_free(&dev);
    }
    mlq_model_free(&m);
    return rc == EXIT_OK ? rc : fail(rc, &err);
}

/* One row of `predict`: the prediction, then its scores and probabilities
 * as asked, host floats or the device's integers. 0, or -1 with err. */
static int print_row(const mlq_model *m, const mlq_device *dev, const mlq_dataset *d, size_t i,
                     int ids, int scores, int proba, double *z, double *hv, int32_t *sv,
                     uint16_t *pv, mlq_err *err)
{
    const double *x = d->x + i * d->n_features;
    size_t k = m->algo->n_outputs(m), j;
    mlq_status st = MLQ_OK;
    int pred;

    mlq_model_standardize(m, x, z);
    if (dev != NULL)
        st = mlq_device_predict(dev, x, &pred);
    else
        pred = m->algo->predict(m, z);
    if (st != MLQ_OK)
        return mlq_err_set(err, d->path, d->line[i], "device predict failed: %s", mlq_status_str(st));
    if (mlq_model_task(m) == MLQ_TASK_CLASSIFY && !ids)
        fputs(m->class_names[pred], stdout);
    else
        printf("%d", pred); /* class or cluster id, or 1 = anomaly / 0 = normal */
    if (scores && dev != NULL) {
        if ((st = mlq_device_scores(dev, x, sv)) != MLQ_OK)
            return mlq_err_set(err, d->path, d->line[i], "device scores failed: %s",
                               mlq_status_str(st));
        for (j = 0; j < k; j++)
            printf(" %ld", (long)sv[j]);
    } else if (scores) {
        m->algo->host_scores(m, z, hv);
        for (j = 0; j < k; j++)
            printf(" %.6g", hv[j]);
    }
    if (proba && dev != NULL) {
        if ((st = mlq_device_proba(dev, x, pv)) != MLQ_OK)
            return mlq_err_set(err, d->path, d->line[i], "device proba failed: %s",
                               mlq_status_str(st));
        for (j = 0; j < k; j++)
            printf(" %u", (unsigned)pv[j]);
    } else if (proba) {
        m->algo->host_proba(m, z, hv);
        for (j = 0; j < k; j++)
            printf(" %.6f", hv[j]);
    }
    putchar('\n');
    return 0;
}

/* Does model m define probabilities? */
static int has_proba(const mlq_model *m)
{
    double *z = mlq_calloc(m->n_features, sizeof *z), *p = mlq_calloc(m->algo->n_outputs(m), sizeof *p);
    int ok = z != NULL && p != NULL && m->algo->host_proba != NULL && m->algo->host_proba(m, z, p) == 0;

    free(z);
    free(p);
    return ok;
}

static int cmd_predict(int argc, char **argv)
{
    const char *pos[2], *bits = NULL;
    int device = 0, ids = 0, scores = 0, proba = 0, rc = EXIT_INPUT;
    size_t n_pos, i, k;
    mlq_err err = {{0}};
    mlq_model m = {0};
    mlq_device dev = {0};
    mlq_dataset d = {0};
    double *z = NULL, *hv = NULL;
    int32_t *sv = NULL;
    uint16_t *pv = NULL;
    const opt_slot slots[] = {{"device", 0, NULL, &device}, {"bits", 1, &bits, NULL},
                              {"ids", 0, NULL, &ids},       {"scores", 0, NULL, &scores},
                              {"proba", 0, NULL, &proba}};

    if (parse_args(argc, argv, slots, sizeof slots / sizeof slots[0], NULL, NULL, pos, 2, &n_pos,
                   "predict", &err) != 0)
        return fail(EXIT_USAGE, &err);
    if (n_pos != 2)
        USAGE("predict: usage: mlq predict MODEL.json DATA.csv [--device [--bits N]] [--ids] "
              "[--scores] [--proba]");
    if (mlq_model_load(pos[0], &m, &err) != 0)
        return fail(EXIT_INPUT, &err);
    if (proba && !has_proba(&m)) {
        mlq_err_set(&err, pos[0], 0, "--proba: this %s model defines no probabilities", m.algo->name);
        rc = EXIT_USAGE;
        goto done;
    }
    if (device && (rc = device_open(&m, bits, "predict", &dev, &err)) != EXIT_OK)
        goto done;
    rc = EXIT_INPUT;
    if (read_for_model(&m, pos[1], &d, &err) != 0)
        goto done;
    k = m.algo->n_outputs(&m);
    z = mlq_calloc(m.n_features, sizeof *z);
    hv = mlq_calloc(k, sizeof *hv);
    sv = mlq_calloc(k, sizeof *sv);
    pv = mlq_calloc(k, sizeof *pv);
    if (z == NULL || hv == NULL || sv == NULL || pv == NULL) {
        mlq_err_set(&err, pos[1], 0, "out of memory");
        goto done;
    }
    for (i = 0; i < d.n_rows; i++)
        if (print_row(&m, device ? &dev : NULL, &d, i, ids, scores, proba, z, hv, sv, pv, &err) != 0)
            goto done;
    if (fflush(stdout) != 0 || ferror(stdout)) {
        mlq_err_set(&err, "<stdout>", 0, "write failed");
        goto done;
    }
    rc = EXIT_OK;
done:
    if (rc != EXIT_OK)
        fail(rc, &err);
    free(z);
    free(hv);
    free(sv);
    free(pv);
    mlq_device_free(&dev);
    mlq_dataset_free(&d);
    mlq_model_free(&m);
    return rc;
}

/* Host vs device outputs of every row: the largest |host - device| of the
 * scores (device / 2^16) and, with pdiff, of the probabilities (device /
 * 32768), one value per row; and the rows where each side's largest score
 * (the lowest index on ties) is its prediction. 0, or -1 with err. */
typedef struct output_diffs {
    double *sdiff, *pdiff;          /* [rows]; pdiff NULL when the model has no probabilities */
    size_t host_argmax, dev_argmax; /* rows whose argmax of scores is the prediction */
} output_diffs;

static size_t argmax_d(const double *v, size_t n)
{
    size_t j, best = 0;

    for (j = 1; j < n; j++)
        if (v[j] > v[best])
            best = j;
    return best;
}

static int diff_outputs(const mlq_model *m, const mlq_device *dev, const mlq_dataset *d,
                        const int *host, const int *devp, output_diffs *o, mlq_err *err)
{
    size_t k = m->algo->n_outputs(m), i, j;
    double *hs = mlq_calloc(k, sizeof *hs), *z = mlq_calloc(m->n_features, sizeof *z);
    int32_t *ds = mlq_calloc(k, sizeof *ds);
    uint16_t *dp = mlq_calloc(k, sizeof *dp);
    int rc = 0;

    if (hs == NULL || z == NULL || ds == NULL || dp == NULL)
        rc = mlq_err_set(err, d->path, 0, "out of memory");
    for (i = 0; rc == 0 && i < d->n_rows; i++) {
        const double *x = d->x + i * d->n_features;
        mlq_status st = mlq_device_scores(dev, x, ds);

        if (st == MLQ_OK && o->pdiff != NULL)
            st = mlq_device_proba(dev, x, dp);
        if (st != MLQ_OK) {
            rc = mlq_err_set(err, d->path, d->line[i], "device scores failed: %s",
                             mlq_status_str(st));
            break;
        }
        mlq_model_standardize(m, x, z);
        m->algo->host_scores(m, z, hs);
        o->host_argmax += argmax_d(hs, k) == (size_t)host[i];
        o->dev_argmax += mlq_score_argmax(ds, (uint16_t)k) == devp[i];
        o->sdiff[i] = 0.0;
        for (j = 0; j < k; j++) {
            /* The device's Q15.16 saturates: compare within its range. */
            double h = hs[j] < -32768.0 ? -32768.0 : hs[j] > INT32_MAX / 65536.0 ? INT32_MAX / 65536.0 : hs[j];

            if (fabs(h - ds[j] / 65536.0) > o->sdiff[i])
                o->sdiff[i] = fabs(h - ds[j] / 65536.0);
        }
        if (o->pdiff == NULL)
            continue;
        m->algo->host_proba(m, z, hs);
        o->pdiff[i] = 0.0;
        for (j = 0; j < k; j++)
            if (fabs(hs[j] - dp[j] / 32768.0) > o->pdiff[i])
                o->pdiff[i] = fabs(hs[j] - dp[j] / 32768.0);
    }
    free(hs);
    free(z);
    free(ds);
    free(dp);
    return rc;
}

/* Share of rows whose prediction is 1 among rows whose label is (or is not) 0. */
static double flag_rate(const int *y, const int *pred, size_t n, int normal)
{
    size_t i, rows = 0, hit = 0;

    for (i = 0; i < n; i++) {
        if ((y[i] == 0) == normal) {
            rows++;
            hit += pred[i] == 1;
        }
    }
    return rows > 0 ? (double)hit / (double)rows : 0.0;
}

/* "max X, median Y, 99th percentile Z" of v[n] (sorted in place), as text or JSON fields. */
static void print_stats(const char *what, double *v, size_t n, int json)
{
    double p99 = mlq_percentile(v, n, 99.0), med = mlq_percentile(v, n, 50.0), max = v[n - 1];

    if (json)
        printf(", \"max_%s_diff\": %.6g, \"median_%s_diff\": %.6g, \"p99_%s_diff\": %.6g", what,
               max, what, med, what, p99);
    else
        printf("%-11s |host - device| max %.4g, median %.4g, 99th percentile %.4g\n", what, max,
               med, p99);
}

static int cmd_compare(int argc, char **argv)
{
    const char *pos[2], *bits = NULL;
    int json = 0, rc = EXIT_INPUT, *host = NULL, *devp = NULL;
    size_t n_pos, n_out;
    mlq_err err = {{0}};
    mlq_model m = {0};
    mlq_device dev = {0};
    mlq_dataset d = {0};
    double agree, h = 0, dv = 0;
    output_diffs od = {NULL, NULL, 0, 0};
    mlq_task task;
    const char *metric;
    const opt_slot slots[] = {{"json", 0, NULL, &json}, {"bits", 1, &bits, NULL}};

    if (parse_args(argc, argv, slots, 2, NULL, NULL, pos, 2, &n_pos, "compare", &err) != 0)
        return fail(EXIT_USAGE, &err);
    if (n_pos != 2)
        USAGE("compare: usage: mlq compare MODEL.json TEST.csv [--json] [--bits N]");
    if (mlq_model_load(pos[0], &m, &err) != 0)
        return fail(EXIT_INPUT, &err);
    if ((rc = device_open(&m, bits, "compare", &dev, &err)) != EXIT_OK)
        goto done;
    rc = EXIT_INPUT;
    if (read_for_model(&m, pos[1], &d, &err) != 0)
        goto done;
    task = mlq_model_task(&m);
    host = mlq_calloc(d.n_rows, sizeof *host);
    devp = mlq_calloc(d.n_rows, sizeof *devp);
    od.sdiff = mlq_calloc(d.n_rows, sizeof *od.sdiff);
    if (dev.kern.proba != NULL)
        od.pdiff = mlq_calloc(d.n_rows, sizeof *od.pdiff);
    if (host == NULL || devp == NULL || od.sdiff == NULL ||
        (dev.kern.proba != NULL && od.pdiff == NULL) || predict_host(&m, &d, host) != 0) {
        mlq_err_set(&err, pos[1], 0, "out of memory");
        goto done;
    }
    if (predict_device(&dev, &d, devp, &err) != 0 ||
        diff_outputs(&m, &dev, &d, host, devp, &od, &err) != 0)
        goto done;
    agree = mlq_agreement(host, devp, d.n_rows);
    n_out = dev.n_outputs;
    metric = task == MLQ_TASK_CLUSTER ? "purity" : task == MLQ_TASK_ANOMALY ? "detection" : "accuracy";
    if (d.y != NULL) {
        if (task == MLQ_TASK_CLUSTER) {
            h = mlq_purity(d.y, host, d.n_rows, d.n_classes, n_out);
            dv = mlq_purity(d.y, devp, d.n_rows, d.n_classes, n_out);
        } else if (task == MLQ_TASK_ANOMALY) {
            h = flag_rate(d.y, host, d.n_rows, 0);
            dv = flag_rate(d.y, devp, d.n_rows, 0);
        } else {
            h = mlq_agreement(d.y, host, d.n_rows);
            dv = mlq_agreement(d.y, devp, d.n_rows);
        }
    }
    if (json) {
        printf("{\"model\": \"%s\", \"algorithm\": \"%s\", \"rows\": %zu, \"agreement\": %.6f", pos[0],
               m.algo->name, d.n_rows, agree);
        if (d.y != NULL)
            printf(", \"host_%s\": %.6f, \"device_%s\": %.6f", metric, h, metric, dv);
        if (d.y != NULL && task == MLQ_TASK_ANOMALY)
            printf(", \"host_false_alarm\": %.6f, \"device_false_alarm\": %.6f",
                   flag_rate(d.y, host, d.n_rows, 1), flag_rate(d.y, devp, d.n_rows, 1));
        printf(", \"scores\": \"%s\"", dev.kern.scores_are);
        print_stats("score", od.sdiff, d.n_rows, 1);
        if (od.pdiff != NULL)
            print_stats("proba", od.pdiff, d.n_rows, 1);
        printf(", \"host_argmax_agreement\": %.6f, \"device_argmax_agreement\": %.6f",
               (double)od.host_argmax / (double)d.n_rows, (double)od.dev_argmax / (double)d.n_rows);
        printf(", \"coefficients\": %zu, \"clipped\": %zu, \"flash_bytes\": %zu, \"predict_flash_bytes\": %zu, "
               "\"work_bytes\": %zu, \"kernel\": \"%s\"}\n", dev.n_coef, dev.clipped, dev.flash_bytes,
               dev.predict_bytes, dev.work_bytes, dev.kern.predict);
    } else {
        printf("model       %s (%s, %zu features, %zu %s)\n", pos[0], m.algo->name, m.n_features,
               n_out, task == MLQ_TASK_CLUSTER ? "clusters" : task == MLQ_TASK_ANOMALY ? "outputs" : "classes");
        printf("data        %s (%zu rows)\n", pos[1], d.n_rows);
        printf("agreement   %.2f%% (%zu of %zu rows: host float == device fixed point)\n",
               100.0 * agree, (size_t)floor(agree * (double)d.n_rows + 0.5), d.n_rows);
        if (d.y != NULL && task == MLQ_TASK_ANOMALY)
            printf("detection   host %.2f%%, device %.2f%% of rows with label != 0 flagged\n"
                   "false alarm host %.2f%%, device %.2f%% of rows with label 0 flagged\n",
                   100.0 * h, 100.0 * dv, 100.0 * flag_rate(d.y, host, d.n_rows, 1),
                   100.0 * flag_rate(d.y, devp, d.n_rows, 1));
        else if (d.y != NULL)
            printf("%-11s host %.2f%%, device %.2f%%\n", metric, 100.0 * h, 100.0 * dv);
        print_stats("scores", od.sdiff, d.n_rows, 0);
        if (od.pdiff != NULL)
            print_stats("proba", od.pdiff, d.n_rows, 0);
        printf("argmax      of the scores == the prediction on %zu (host) and %zu (device) of %zu rows\n",
               od.host_argmax, od.dev_argmax, d.n_rows);
        printf("quantized   %zu coefficients, %zu saturated; %zu bytes of flash\n", dev.n_coef,
               dev.clipped, dev.flash_bytes);
        if (d.y != NULL && task != MLQ_TASK_ANOMALY && print_confusion(&m, &d, devp, n_out) != 0) {
            mlq_err_set(&err, pos[1], 0, "out of memory");
            goto done;
        }
    }
    rc = EXIT_OK;
done:
    if (rc != EXIT_OK)
        fail(rc, &err);
    free(host);
    free(devp);
    free(od.sdiff);
    free(od.pdiff);
    mlq_device_free(&dev);
    mlq_dataset_free(&d);
    mlq_model_free(&m);
    return rc;
}

/* The `target` line of mlq info: does dev fit board (with the budgets given)? */
static void print_fit(const mlq_device *dev, const mlq_board *board, size_t flash, size_t ram)
{
    mlq_fit fit;
    char why[320];

    if (mlq_fit_estimate(dev, board, flash, ram, &fit) != 0) {
        printf("target            %s: no measured cost of %s on this core (make bench measures it)\n",
               board->name, dev->kern.predict);
        return;
    }
    printf("target            %s, %s: %s\n", board->name, board->desc, fit.fits ? "fits" : "DOES NOT FIT");
    printf("  flash           about %zu of %zu bytes (constants %zu + code %zu)\n", fit.flash,
           fit.flash_budget, dev->predict_bytes, fit.code);
    printf("  SRAM            about %zu of %zu bytes (stack %zu + scratch %zu + input %zu), no static RAM\n",
           fit.sram, fit.sram_budget, fit.frame, dev->work_bytes, 2 * dev->model->n_features);
    if (fit.fits)
        return;
    printf("  too large by    %s", mlq_fit_excess(&fit, dev, why, sizeof why));
    printf("; to make it smaller: %s\n", mlq_fit_advice(dev));
}

static int cmd_info(int argc, char **argv)
{
    const char *pos[1], *target = NULL, *flash_text = NULL, *ram_text = NULL;
    size_t n_pos, flash, ram;
    mlq_err err = {{0}};
    mlq_model m;
    mlq_device dev;
    const mlq_board *board;
    char *hyper, *training;
    const opt_slot slots[] = {{"target", 1, &target, NULL}, {"flash", 1, &flash_text, NULL},
                              {"ram", 1, &ram_text, NULL}};

    if (parse_args(argc, argv, slots, 3, NULL, NULL, pos, 1, &n_pos, "info", &err) != 0 ||
        find_target(target, "info", &board, &err) != EXIT_OK ||
        parse_bytes(flash_text, "info: --flash", &flash, &err) != 0 ||
        parse_bytes(ram_text, "info: --ram", &ram, &err) != 0)
        return fail(EXIT_USAGE, &err);
    if (n_pos != 1)
        USAGE("info: usage: mlq info MODEL.json [--target BOARD [--flash BYTES] [--ram BYTES]]");
    if (board == NULL && (flash_text != NULL || ram_text != NULL))
        USAGE("info: --flash and --ram need --target, the core whose measured costs apply (%s)",
              mlq_board_names());
    if (mlq_model_load(pos[0], &m, &err) != 0)
        return fail(EXIT_INPUT, &err);
    if (mlq_device_build(&m, 0, &dev, &err) != 0) {
        mlq_model_free(&m);
        return fail(EXIT_INPUT, &err);
    }
    hyper = cJSON_PrintUnformatted(m.hyper);
    training = cJSON_PrintUnformatted(m.training);
    printf("model             %s\n", pos[0]);
    printf("algorithm         %s\n", m.algo->name);
    printf("trained on        %s (%zu rows), seed %lu\n", m.source, m.train_rows, m.seed);
    printf("features          %zu\n", m.n_features);
    if (m.n_classes > 0) {
        size_t c;

        printf("classes           %zu (label column '%s'):", m.n_classes, m.label_name);
        for (c = 0; c < m.n_classes; c++)
            printf(" %zu=%s", c, m.class_names[c]);
        putchar('\n');
    }
    printf("hyperparameters   %s\n", hyper ? hyper : "?");
    printf("training          %s\n", training ? training : "?");
    printf("input range       %g standard deviations = full Q1.15 scale\n", m.input_range);
    mlq_device_info(stdout, &dev);
    printf("device flash      %zu bytes of constants (model + input quantization)", dev.flash_bytes);
    if (dev.predict_bytes != dev.flash_bytes)
        printf("; %zu of them with NAME_predict alone", dev.predict_bytes);
    putchar('\n');
    printf("quantized         %zu coefficients, %zu saturated\n", dev.n_coef, dev.clipped);
    if (board != NULL)
        print_fit(&dev, board, flash, ram);
    free(hyper);
    free(training);
    mlq_device_free(&dev);
    mlq_model_free(&m);
    return EXIT_OK;
}

static int cmd_split(int argc, char **argv)
{
    const char *train = NULL, *test = NULL, *size_text = NULL, *seed_text = NULL, *label = NULL,
               *pos[1];
    size_t n_pos, n_train, n_test, *tr = NULL, *te = NULL;
    unsigned long seed = 1;
    double frac = 0.3;
    mlq_err err = {{0}};
    mlq_dataset d = {0};
    int rc = EXIT_INPUT;
    char *end;
    const opt_slot slots[] = {{"train", 1, &train, NULL}, {"test", 1, &test, NULL},
                              {"test-size", 1, &size_text, NULL}, {"seed", 1, &seed_text, NULL},
                              {"label", 1, &label, NULL}};

    if (parse_args(argc, argv, slots, 5, NULL, NULL, pos, 1, &n_pos, "split", &err) != 0 ||
        (seed_text != NULL && parse_seed(seed_text, &seed, &err) != 0))
        return fail(EXIT_USAGE, &err);
    if (n_pos != 1 || train == NULL || test == NULL)
        USAGE("split: usage: mlq split DATA.csv --train TRAIN.csv --test TEST.csv [--test-size 0.3]");
    if (size_text != NULL) {
        frac = strtod(size_text, &end);
        if (end == size_text || *end != '\0' || !(frac > 0.0 && frac < 1.0))
            USAGE("split: --test-size: '%s' is not a number between 0 and 1", size_text);
    }
    if (mlq_csv_read(pos[0], label, MLQ_LABEL_OPTIONAL, NULL, 0, &d, &err) != 0)
        return fail(EXIT_INPUT, &err);
    tr = mlq_calloc(d.n_rows, sizeof *tr);
    te = mlq_calloc(d.n_rows, sizeof *te);
    if (tr == NULL || te == NULL ||
        mlq_split_stratified(d.y, d.n_rows, d.n_classes, frac, seed, tr, &n_train, te,
                             &n_test) != 0) {
        mlq_err_set(&err, pos[0], 0, "out of memory");
    } else if (n_train == 0 || n_test == 0) {
        mlq_err_set(&err, pos[0], 0, "%zu rows cannot be split into two non-empty parts",
                    d.n_rows);
    } else if (mlq_csv_write(train, &d, tr, n_train, &err) == 0) {
        if (mlq_csv_write(test, &d, te, n_test, &err) == 0)
            rc = EXIT_OK;
        else
            remove(train); /* both files or neither */
    }
    free(tr);
    free(te);
    mlq_dataset_free(&d);
    if (rc == EXIT_OK)
        fprintf(stderr, "mlq: split %s: %zu training rows -> %s, %zu test rows -> %s\n", pos[0],
                n_train, train, n_test, test);
    return rc == EXIT_OK ? rc : fail(rc, &err);
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(int, char **);
    } cmds[] = {{"train", cmd_train},     {"export", cmd_export}, {"predict", cmd_predict},
                {"compare", cmd_compare}, {"info", cmd_info},     {"split", cmd_split},
                {"help", cmd_help}};
    size_t i;

    gsl_set_error_handler_off();
    if (argc < 2) {
        cmd_help(0, NULL);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
        return cmd_help(0, NULL);
    if (strcmp(argv[1], "--version") == 0) {
        puts("mlq " MLQ_VERSION_STRING);
        return EXIT_OK;
    }
    for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (strcmp(argv[1], cmds[i].name) == 0)
            return cmds[i].run(argc - 2, argv + 2);
    fprintf(stderr, "mlq: unknown command '%s' (try 'mlq help')\n", argv[1]);
    return EXIT_USAGE;
}
