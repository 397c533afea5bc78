/* SPDX-License-Identifier: MIT */
/*
 * mlq export: model file -> quantized device model -> C header.
 * mlq info: what a model file holds and what its device model will cost.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "export_tree.h"
#include "json.h"
#include "options.h"

/* ---- export ----------------------------------------------------------------- */

enum { E_NAME, E_OUT, E_BITS, E_TARGET, E_LAYOUT, E_QUIET, E_N };

static const cli_opt export_opts[E_N] = {
    [E_NAME] = {"name", "NAME",
                "the prefix of everything the header defines: a C identifier (letters, digits, "
                "'_', at most 64) that starts with a letter and is not mlq's own (mlq, mlq_*, MLQ_*)",
                1, NULL},
    [E_OUT] = {"out", "NAME.h", "the header to write", 1, NULL},
    [E_BITS] = {"bits", "8|16",
                "the activation width, where the model offers a choice (k-means, GMMs, trees and "
                "SVMs: 16 only); default the model's own",
                0, NULL},
    [E_TARGET] = {"target", "BOARD",
                  "warn when the model will not fit BOARD (see mlq help info); the header then "
                  "stops with #error when it is compiled for that chip. BOARD is one of",
                  0, mlq_board_names},
    [E_LAYOUT] = {"layout", "array|code",
                  "trees and forests: 'array' (default) writes the trees as constant node arrays "
                  "that the library's kernels walk; 'code' writes them as C code, each tree a chain "
                  "of comparisons with integer thresholds (several times faster, the same results "
                  "bit for bit, larger for large forests: mlq info shows both layouts' flash)",
                  0, NULL},
    [E_QUIET] = {"quiet", NULL, "no 'wrote' line on stderr", 0, NULL},
};

/* The fit of dev on board for the header's #error (NULL: none), with the warnings. */
static const mlq_fit *export_fit(const mlq_device *dev, const mlq_board *board, const char *model,
                                 mlq_fit *fit)
{
    char why[320];

    if (board == NULL)
        return NULL;
    if (mlq_fit_estimate(dev, board, 0, 0, fit) != 0) {
        fprintf(stderr, "mlq: warning: %s: no measured cost of this kernel on %s: fit not checked\n",
                model, board->name);
        return NULL;
    }
    if (!fit->fits)
        fprintf(stderr, "mlq: warning: %s: does not fit %s (%s): too large by %s%s; %s; to make "
                        "it smaller: %s\n",
                model, board->name, board->desc, mlq_fit_excess(fit, dev, why, sizeof why),
                fit->code_estimated ? " (with the code layout's code as estimated, within about 30%)"
                                    : "",
                fit->stops ? "the header stops with #error on that chip"
                                        : "the linker will tell", mlq_fit_advice(dev));
    return fit;
}

static int run_export(int argc, char **argv)
{
    cli_args a;
    mlq_err err = {{0}};
    mlq_model m;
    mlq_device dev;
    mlq_fit fit;
    const mlq_board *board = NULL;
    const char *name, *out;
    int rc = cli_parse(&cli_export, NULL, argc, argv, NULL, &a, &err);

    if (rc != CLI_RUN)
        return rc == CLI_HELP ? cli_stdout_end() : cli_fail(EXIT_USAGE, &err);
    name = a.val[E_NAME];
    out = a.val[E_OUT];
    if (mlq_export_name_problem(name) != NULL)
        mlq_err_set(&err, NULL, 0, "export: --name '%s' %s", name, mlq_export_name_problem(name));
    else if (CLI_GIVEN(&a, E_LAYOUT) && strcmp(a.val[E_LAYOUT], "array") != 0 &&
             strcmp(a.val[E_LAYOUT], "code") != 0)
        mlq_err_set(&err, NULL, 0, "export: --layout must be array or code, not '%s'", a.val[E_LAYOUT]);
    else
        cli_find_target(a.val[E_TARGET], "export", &board, &err);
    if (err.msg[0] != '\0')
        return cli_fail(EXIT_USAGE, &err);
    if (cli_files(a.pos[0], out, NULL, &err) != 0 || mlq_model_load(a.pos[0], &m, &err) != 0)
        return cli_fail(EXIT_INPUT, &err);
    if ((rc = cli_device_open(&m, a.val[E_BITS], "export", &dev, &err)) == EXIT_OK) {
        rc = EXIT_INPUT;
        if (CLI_GIVEN(&a, E_LAYOUT) && mlq_tree_set_layout(&dev, a.val[E_LAYOUT], &err) != 0) {
            char why[sizeof err.msg];

            snprintf(why, sizeof why, "%s", err.msg);
            mlq_err_set(&err, NULL, 0, "export: %s", why);
            rc = EXIT_USAGE;
        } else if (mlq_export_header(&dev, name, out, export_fit(&dev, board, a.pos[0], &fit), &err) == 0) {
            char alone[64] = "";

            if (dev.predict_bytes != dev.flash_bytes)
                snprintf(alone, sizeof alone, " (%zu with NAME_predict alone)", dev.predict_bytes);
            cli_wrote(CLI_GIVEN(&a, E_QUIET), out, "%zu coefficients, %zu saturated, %zu bytes of "
                      "constants%s%s", dev.n_coef, dev.clipped, dev.flash_bytes, alone,
                      dev.raw_center == NULL ? "; no int16 input path" : "");
            if (!CLI_GIVEN(&a, E_QUIET) && dev.note[0] != '\0')
                fprintf(stderr, "mlq: note: %s\n", dev.note);
            rc = EXIT_OK;
        }
        mlq_device_free(&dev);
    }
    mlq_model_free(&m);
    return rc == EXIT_OK ? rc : cli_fail(rc, &err);
}

const cli_cmd cli_export = {
    "export", "MODEL.json", 1, 1, export_opts, E_N,
    "Quantize MODEL.json and write a self-contained C header: const model arrays\n"
    "(flash), the class names, and for float, Q1.15 (_q15) and raw int16 (_i16)\n"
    "input NAME_predict, NAME_scores (one Q15.16 score per output) and, where the\n"
    "model defines probabilities, NAME_proba (Q15, summing to 32768). Reports how\n"
    "many coefficients saturated; a model the device cannot represent is refused.\n",
    run_export,
};

/* ---- info ------------------------------------------------------------------- */

enum { I_TARGET, I_FLASH, I_RAM, I_LAYOUT, I_JSON, I_N };

static const cli_opt info_opts[I_N] = {
    [I_TARGET] = {"target", "BOARD",
                  "say whether the model fits BOARD: flash for its constants and the code of its "
                  "entry, SRAM for the deepest stack, scratch and input, from the figures make "
                  "bench measured on that core; if it does not, by how much and what would make "
                  "it smaller; and about how many instructions (AVR: clock cycles) one "
                  "NAME_predict call takes there, from the cost model make bench fitted. BOARD is "
                  "one of",
                  0, mlq_board_names},
    [I_FLASH] = {"flash", "BYTES",
                 "with --target: the flash of another board with the same core, a whole number "
                 "from 1 to 4294967296",
                 0, NULL},
    [I_RAM] = {"ram", "BYTES", "with --target: the SRAM of another board with the same core", 0, NULL},
    [I_LAYOUT] = {"layout", "array|code",
                  "with --target, for a tree or forest: the fit of that layout (default array; "
                  "the code layout's code is estimated, within about 30%)",
                  0, NULL},
    [I_JSON] = {"json", NULL,
                "print everything as one JSON object: the model's fields, the algorithm's "
                "device lines under \"device\" (keys as the text's labels, '_' for spaces), "
                "flash_bytes, predict_flash_bytes, coefficients, clipped, work_bytes, kernel, "
                "flash_estimate and, with --target, \"target\"",
                0, NULL},
};

/* The `target` lines of mlq info: does dev fit board (with the budgets given)? */
static void print_fit(const mlq_device *dev, const mlq_board *board, size_t flash, size_t ram)
{
    mlq_fit fit;
    char why[320];
    double insns;

    if (mlq_fit_estimate(dev, board, flash, ram, &fit) != 0) {
        printf("target            %s: no measured cost of %s on this core (make bench measures it)\n",
               board->name, mlq_device_kernel(dev));
        return;
    }
    printf("target            %s, %s: %s\n", board->name, board->desc, fit.fits ? "fits" : "DOES NOT FIT");
    printf("  flash           about %zu of %zu bytes (constants %zu + code %zu%s)\n", fit.flash,
           fit.flash_budget, dev->predict_bytes, fit.code,
           fit.code_estimated ? ", the code layout's, estimated within about 30%" : "");
    printf("  SRAM            about %zu of %zu bytes (stack %zu + scratch %zu + input %zu), no static RAM\n",
           fit.sram, fit.sram_budget, fit.frame, dev->work_bytes, 2 * dev->model->n_features);
    if (mlq_fit_insns(dev, board, NULL, 0, &insns) == 0)
        printf("  per inference   about %.0f %s (NAME_predict, from the cost model make bench fitted)\n",
               insns, mlq_board_insn_unit(board));
    else if (fit.code_estimated)
        printf("  per inference   not estimated for the code layout (make bench measures the bundled "
               "trees and forests in both layouts)\n");
    else
        printf("  per inference   no cost model of %s on this core (make bench fits it)\n",
               mlq_device_kernel(dev));
    if (fit.fits)
        return;
    printf("  too large by    %s", mlq_fit_excess(&fit, dev, why, sizeof why));
    printf("; to make it smaller: %s\n", mlq_fit_advice(dev));
}

static void json_fit(cJSON *doc, const mlq_device *dev, const mlq_board *board, size_t flash,
                     size_t ram)
{
    cJSON *t = cli_json_obj(doc, "target");
    mlq_fit fit;
    char why[320];
    double insns;
    int measured = mlq_fit_estimate(dev, board, flash, ram, &fit) == 0;

    cli_json_str(t, "board", board->name);
    cli_json_str(t, "description", board->desc);
    cli_json_str(t, "core", board->core);
    cli_json_bool(t, "measured", measured);
    if (!measured)
        return;
    cli_json_bool(t, "fits", fit.fits);
    cli_json_num(t, "flash", (double)fit.flash);
    cli_json_num(t, "flash_budget", (double)fit.flash_budget);
    cli_json_num(t, "constants", (double)dev->predict_bytes);
    cli_json_num(t, "code", (double)fit.code);
    cli_json_bool(t, "code_estimated", fit.code_estimated);
    cli_json_num(t, "sram", (double)fit.sram);
    cli_json_num(t, "sram_budget", (double)fit.sram_budget);
    cli_json_num(t, "stack", (double)fit.frame);
    cli_json_num(t, "scratch", (double)dev->work_bytes);
    cli_json_num(t, "input", 2.0 * (double)dev->model->n_features);
    cli_json_str(t, "too_large_by", fit.fits ? NULL : mlq_fit_excess(&fit, dev, why, sizeof why));
    cli_json_str(t, "advice", fit.fits ? NULL : mlq_fit_advice(dev));
    cli_json_str(t, "insn_unit", mlq_board_insn_unit(board));
    if (mlq_fit_insns(dev, board, NULL, 0, &insns) == 0)
        cli_json_round(t, "insns", insns);
    else
        cli_json_add(t, "insns", cJSON_CreateNull());
}

enum { LABEL_COLS = 18 }; /* info's lines: "%-18s%s", label and text */

/* The algorithm's info lines (mlq_device_info) as {"label": "text"}, labels with '_' for spaces. */
static void json_device_lines(cJSON *doc, const mlq_device *dev)
{
    char *text = NULL, *line, *next;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    cJSON *o = cli_json_obj(doc, "device");

    if (f == NULL) {
        cli_json_add(o, "lines", NULL); /* out of memory */
        return;
    }
    mlq_device_info(f, dev);
    if (fclose(f) != 0 || text == NULL) {
        cli_json_add(o, "lines", NULL);
        free(text);
        return;
    }
    for (line = text; *line != '\0'; line = next) {
        char key[LABEL_COLS + 1], *k;
        size_t n = strcspn(line, "\n");

        next = line + n + (line[n] == '\n');
        line[n] = '\0';
        snprintf(key, sizeof key, "%.*s", LABEL_COLS, line);
        for (k = key + strlen(key); k > key && k[-1] == ' '; k--)
            k[-1] = '\0';
        for (k = key; *k != '\0'; k++)
            *k = *k == ' ' ? '_' : *k;
        if (key[0] != '\0')
            cli_json_str(o, key, n > LABEL_COLS ? line + LABEL_COLS + strspn(line + LABEL_COLS, " ") : "");
    }
    free(text);
}

static int print_json(const mlq_model *m, const mlq_device *dev, const mlq_board *board, size_t flash,
                      size_t ram, mlq_err *err)
{
    cJSON *doc = cJSON_CreateObject();

    cli_json_str(doc, "model", m->path);
    cli_json_str(doc, "algorithm", m->algo->name);
    cli_json_str(doc, "data", m->source);
    cli_json_num(doc, "rows", (double)m->train_rows);
    cli_json_num(doc, "seed", (double)m->seed);
    cli_json_num(doc, "features", (double)m->n_features);
    cli_json_strs(doc, "feature_names", m->feature_names, m->n_features);
    cli_json_str(doc, "label", m->label_name);
    cli_json_strs(doc, "classes", m->class_names, m->n_classes);
    cli_json_add(doc, "hyperparameters", cJSON_Duplicate(m->hyper, 1));
    cli_json_add(doc, "training", cJSON_Duplicate(m->training, 1));
    cli_json_num(doc, "input_range", m->input_range);
    if (mlq_model_task(m) == MLQ_TASK_REGRESS) {
        cJSON *t = cli_json_obj(doc, "target");

        cli_json_num(t, "mean", m->target_mean);
        cli_json_num(t, "scale", m->target_scale);
        cli_json_num(t, "min", m->target_min);
        cli_json_num(t, "max", m->target_max);
        cli_json_num(t, "y_frac", dev->y_frac);
    }
    json_device_lines(doc, dev);
    cli_device_json(doc, dev);
    if (board != NULL)
        json_fit(doc, dev, board, flash, ram);
    return cli_json_print(doc, err);
}

static void print_text(const mlq_model *m, const mlq_device *dev, const mlq_board *board, size_t flash,
                       size_t ram)
{
    char *hyper = cJSON_PrintUnformatted(m->hyper), *training = cJSON_PrintUnformatted(m->training);
    char text[256];
    size_t c;

    printf("model             %s\n", m->path);
    printf("algorithm         %s\n", m->algo->name);
    printf("trained on        %s (%zu rows), seed %lu\n", m->source, m->train_rows, m->seed);
    printf("features          %zu\n", m->n_features);
    if (m->n_classes > 0) {
        printf("classes           %zu (label column '%s'):", m->n_classes, m->label_name);
        for (c = 0; c < m->n_classes; c++)
            printf(" %zu=%s", c, m->class_names[c]);
        putchar('\n');
    }
    if (mlq_model_task(m) == MLQ_TASK_REGRESS)
        printf("target            '%s': mean %.6g, sd %.6g, training range %.6g to %.6g\n"
               "device output     int32 in units of 2^%d (NAME_Y_FRAC %d)\n",
               m->label_name, m->target_mean, m->target_scale, m->target_min, m->target_max, -dev->y_frac,
               dev->y_frac);
    printf("hyperparameters   %s\n", hyper ? hyper : "?");
    printf("training          %s\n", training ? training : "?");
    printf("input range       %g standard deviations = full Q1.15 scale\n", m->input_range);
    mlq_device_info(stdout, dev);
    printf("device flash      %zu bytes of constants (model + input quantization)", dev->flash_bytes);
    if (dev->predict_bytes != dev->flash_bytes)
        printf("; %zu of them with NAME_predict alone", dev->predict_bytes);
    putchar('\n');
    printf("firmware flash    %s\n", cli_flash_text(dev, text, sizeof text));
    printf("quantized         %zu coefficients, %zu saturated\n", dev->n_coef, dev->clipped);
    if (board != NULL)
        print_fit(dev, board, flash, ram);
    free(hyper);
    free(training);
}

static int run_info(int argc, char **argv)
{
    cli_args a;
    mlq_err err = {{0}};
    mlq_model m;
    mlq_device dev;
    const mlq_board *board = NULL;
    size_t flash = 0, ram = 0;
    int rc = cli_parse(&cli_info, NULL, argc, argv, NULL, &a, &err);

    if (rc == CLI_HELP)
        return cli_stdout_end();
    if (rc != CLI_RUN || cli_find_target(a.val[I_TARGET], "info", &board, &err) != EXIT_OK ||
        cli_bytes(a.val[I_FLASH], "info: --flash", &flash, &err) != 0 ||
        cli_bytes(a.val[I_RAM], "info: --ram", &ram, &err) != 0)
        return cli_fail(EXIT_USAGE, &err);
    if (board == NULL && (CLI_GIVEN(&a, I_FLASH) || CLI_GIVEN(&a, I_RAM))) {
        mlq_err_set(&err, NULL, 0, "info: --flash and --ram need --target, the core whose measured "
                    "costs apply (%s)", mlq_board_names());
        return cli_fail(EXIT_USAGE, &err);
    }
    if (board == NULL && CLI_GIVEN(&a, I_LAYOUT)) {
        mlq_err_set(&err, NULL, 0, "info: --layout needs --target (without it, info shows both "
                    "layouts' flash)");
        return cli_fail(EXIT_USAGE, &err);
    }
    if (mlq_model_load(a.pos[0], &m, &err) != 0)
        return cli_fail(EXIT_INPUT, &err);
    if (mlq_device_build(&m, 0, &dev, &err) != 0) {
        mlq_model_free(&m);
        return cli_fail(EXIT_INPUT, &err);
    }
    if (CLI_GIVEN(&a, I_LAYOUT) && mlq_tree_set_layout(&dev, a.val[I_LAYOUT], &err) != 0) {
        char why[sizeof err.msg];

        snprintf(why, sizeof why, "%s", err.msg);
        mlq_err_set(&err, NULL, 0, "info: %s", why);
        mlq_device_free(&dev);
        mlq_model_free(&m);
        return cli_fail(EXIT_USAGE, &err);
    }
    if (CLI_GIVEN(&a, I_JSON))
        rc = print_json(&m, &dev, board, flash, ram, &err) == 0 ? cli_stdout_end() : cli_fail(EXIT_INPUT, &err);
    else
        print_text(&m, &dev, board, flash, ram);
    mlq_device_free(&dev);
    mlq_model_free(&m);
    return CLI_GIVEN(&a, I_JSON) ? rc : cli_stdout_end();
}

const cli_cmd cli_info = {
    "info", "MODEL.json", 1, 1, info_opts, I_N,
    "Print the model's classes, parameters, training report, its device model,\n"
    "the flash its constants take, and the flash a firmware calling NAME_predict\n"
    "needs on each core make bench measured (constants + code).\n",
    run_info,
};
