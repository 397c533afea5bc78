/* SPDX-License-Identifier: MIT */
#include "export.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "algo.h"
#include "boards.h"
#include "device_algo.h"

/* ---- the device model on the host ---------------------------------------- */

/* The device table of m's algorithm; NULL with err when it has none. */
static const mlq_device_algo *side_of(const mlq_model *m, mlq_err *err)
{
    const mlq_device_algo *side = mlq_device_algo_of(m);

    if (side == NULL)
        mlq_err_set(err, mlq_model_file(m), 0,
                    "algorithm '%s' has no device side in this version of mlq", m->algo->name);
    return side;
}

const char *mlq_device_bits(const mlq_model *m)
{
    const mlq_device_algo *side = mlq_device_algo_of(m);

    return side != NULL ? side->bits : "16";
}

const char *mlq_device_kernel(const mlq_device *dev)
{
    return mlq_model_task(dev->model) == MLQ_TASK_REGRESS ? dev->kern.scores : dev->kern.predict;
}

void mlq_device_info(FILE *f, const mlq_device *dev)
{
    dev->side->info(f, dev);
}

int mlq_device_after_train(mlq_model *m, const mlq_dataset *d, mlq_err *err)
{
    const mlq_device_algo *side = side_of(m, err);

    if (side == NULL)
        return -1;
    return side->after_train != NULL ? side->after_train(m, d, err) : 0;
}

void mlq_device_note_array(mlq_device *dev, size_t bytes)
{
    if (bytes > dev->largest_array)
        dev->largest_array = bytes;
}

void mlq_device_note_far(mlq_device *dev, size_t bytes)
{
    dev->far_bytes = bytes;
}

int mlq_device_build(const mlq_model *m, unsigned bits, mlq_device *dev, mlq_err *err)
{
    memset(dev, 0, sizeof *dev);
    dev->model = m;
    if ((dev->side = side_of(m, err)) == NULL)
        return -1;
    dev->bits = bits != 0 ? bits : 16;
    dev->bits_asked = bits;
    strcpy(dev->kern.work, "0");
    if (mlq_quant_build(dev, err) != 0)
        return -1;
    if (dev->side->build(dev, err) != 0 ||
        (mlq_model_task(m) == MLQ_TASK_REGRESS && mlq_regress_build(dev, err) != 0)) {
        mlq_device_free(dev);
        return -1;
    }
    if (dev->predict_bytes == 0)
        dev->predict_bytes = dev->flash_bytes;
    dev->work = malloc(dev->work_bytes > 0 ? dev->work_bytes : 1);
    if (dev->work == NULL) {
        mlq_device_free(dev);
        return mlq_err_set(err, mlq_model_file(m), 0, "out of memory");
    }
    return 0;
}

void mlq_device_free(mlq_device *dev)
{
    if (dev == NULL)
        return;
    if (dev->impl != NULL && dev->side != NULL)
        dev->side->free(dev);
    mlq_quant_free(dev);
    free(dev->work);
    memset(dev, 0, sizeof *dev);
}

const char *mlq_model_file(const mlq_model *m)
{
    return m->path != NULL ? m->path : m->source;
}

int mlq_device_refuse(const mlq_device *dev, mlq_err *err, const char *field, const char *fmt, ...)
{
    const mlq_model *m = dev->model;
    char what[768];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return mlq_err_set(err, mlq_model_file(m), 0, "field '%s': %s", field, what);
}

/* What to run on a quantized row. */
typedef enum run_kind { RUN_PREDICT, RUN_SCORES, RUN_PROBA } run_kind;

/*
 * Run one raw row exactly as the firmware would: each feature rounded to
 * float (the firmware's input type), quantized by mlq_quant_f32_to_q15,
 * then handed over in Q1.15 to the algorithm's device kernel.
 */
static mlq_status run_row(const mlq_device *dev, const double *x, run_kind kind, void *out)
{
    const mlq_device_algo *a = dev->side;
    size_t p = dev->model->n_features, j;
    float fs[256], *f = fs;
    mlq_q15_t qs[256], *q = qs;
    mlq_status s = MLQ_ERR_BUFFER;

    if (kind == RUN_PROBA && dev->kern.proba == NULL)
        return MLQ_ERR_MODEL;
    if (p > 256) {
        f = mlq_calloc(p, sizeof *f);
        q = mlq_calloc(p, sizeof *q);
    }
    if (f != NULL && q != NULL) {
        for (j = 0; j < p; j++)
            f[j] = (float)x[j];
        s = mlq_quant_f32_to_q15(&dev->quant, f, (uint16_t)p, q);
        if (s == MLQ_OK && kind == RUN_PREDICT) {
            uint16_t id;

            s = a->predict(dev, q, &id);
            if (s == MLQ_OK)
                *(int *)out = id;
        } else if (s == MLQ_OK) {
            s = kind == RUN_SCORES ? a->scores(dev, q, out) : a->proba(dev, q, out);
        }
    }
    if (f != fs)
        free(f);
    if (q != qs)
        free(q);
    return s;
}

mlq_status mlq_device_predict(const mlq_device *dev, const double *x, int *out)
{
    return run_row(dev, x, RUN_PREDICT, out);
}

mlq_status mlq_device_scores(const mlq_device *dev, const double *x, int32_t *scores)
{
    return run_row(dev, x, RUN_SCORES, scores);
}

mlq_status mlq_device_proba(const mlq_device *dev, const double *x, uint16_t *proba)
{
    return run_row(dev, x, RUN_PROBA, proba);
}

/* ---- header writing ------------------------------------------------------ */

const char *mlq_export_name_problem(const char *name)
{
    const char *c;
    size_t n;

    if (name == NULL || !isalpha((unsigned char)name[0]) || (unsigned char)name[0] > 127)
        return "is not a C identifier starting with a letter";
    for (c = name; *c != '\0'; c++)
        if ((unsigned char)*c > 127 || !(isalnum((unsigned char)*c) || *c == '_'))
            return "is not a C identifier (letters, digits and '_')";
    n = strlen(name);
    if (n > 64)
        return "is longer than 64 characters";
    if ((n == 3 || (n > 3 && name[3] == '_')) && tolower((unsigned char)name[0]) == 'm' &&
        tolower((unsigned char)name[1]) == 'l' && tolower((unsigned char)name[2]) == 'q')
        return "collides with mlq's own names (mlq, mlq_*, MLQ_*)";
    return NULL;
}

/* The three entries of each input form. */
static const struct entry {
    const char *verb; /* NAME_<verb><suffix> */
    const char *out;  /* type of the output array, NULL for predict */
} entries[] = {{"predict", NULL}, {"scores", "int32_t"}, {"proba", "uint16_t"}};

static const char *entry_kernel(const mlq_kernels *k, size_t e)
{
    return e == 0 ? k->predict : e == 1 ? k->scores : k->proba;
}

/* NAME_<verb>_q15: the kernel on a Q1.15 input, with the scratch on the stack. */
static void emit_q15_entry(FILE *f, const mlq_device *dev, const char *name, size_t e)
{
    const struct entry *en = &entries[e];
    const char *work = dev->work_bytes > 0 ? "work, sizeof work" : "NULL, 0";

    if (en->out == NULL)
        fprintf(f, "static inline int %s_predict_q15(const mlq_q15_t *x)\n{\n", name);
    else
        fprintf(f, "static inline int %s_%s_q15(const mlq_q15_t *x, %s *out)\n{\n", name, en->verb,
                en->out);
    if (dev->work_bytes > 0)
        fprintf(f, "    mlq_work_t work[MLQ_WORK_ELEMS(%s_WORK_BYTES)];\n", name);
    if (en->out == NULL)
        fprintf(f, "    uint16_t id MLQ_ID_INIT;\n"
                   "    mlq_status s = %s(&%s_model, x, %s_N_FEATURES, %s, &id);\n\n"
                   "    return s == MLQ_OK ? (int)id : (int)s;\n}\n\n",
                dev->kern.predict, name, name, work);
    else
        fprintf(f, "    mlq_status s = %s(&%s_model, x, %s_N_FEATURES, %s, out);\n\n"
                   "    return s == MLQ_OK ? (int)mlq_%s_argmax(out, %s_N_OUTPUTS) : (int)s;\n}\n\n",
                entry_kernel(&dev->kern, e), name, name, work, e == 1 ? "score" : "proba", name);
}

/* NAME_<verb><suffix> for float (suffix "") or raw int16 ("_i16") input:
 * quantize, then the _q15 entry. */
static void emit_quantizing_entry(FILE *f, const char *name, size_t e, int i16)
{
    const struct entry *en = &entries[e];
    const char *in = i16 ? "int16_t" : "float", *sfx = i16 ? "_i16" : "";

    if (en->out == NULL)
        fprintf(f, "static inline int %s_predict%s(const %s *x)\n{\n", name, sfx, in);
    else
        fprintf(f, "static inline int %s_%s%s(const %s *x, %s *out)\n{\n", name, en->verb, sfx, in,
                en->out);
    fprintf(f, "    mlq_q15_t q[%s_N_FEATURES] MLQ_ALIGN4;\n"
               "    mlq_status s = mlq_quant_%s_to_q15(&%s_quant%s, x, %s_N_FEATURES, q);\n\n"
               "    return s != MLQ_OK ? (int)s : %s_%s_q15(q%s);\n}\n\n",
            name, i16 ? "i16" : "f32", name, i16 ? "_i16" : "", name, name, en->verb,
            en->out ? ", out" : "");
}

/* The entries of every input form; a regression model's predict entries
 * come last, on its scores entries (export_regress.c). */
static void emit_entries(FILE *f, const mlq_device *dev, const char *name)
{
    int regress = mlq_model_task(dev->model) == MLQ_TASK_REGRESS;
    size_t n_entries = dev->kern.proba != NULL ? 3 : 2, e, e0 = regress ? 1 : 0;

    fputs(regress ? "/* Entries on a Q1.15 input (mlq/quant.h). Each returns 0, or a negative mlq_status,\n"
                    " * and writes out only when it succeeds. */\n"
                  : "/* Entries on a Q1.15 input (mlq/quant.h). Each returns the predicted id >= 0, or a\n"
                    " * negative mlq_status, and writes out only when it succeeds. */\n", f);
    for (e = e0; e < n_entries; e++)
        emit_q15_entry(f, dev, name, e);
    fputs("/* Entries on float features in the training CSV's units and column order\n"
          " * (a NaN is MLQ_ERR_INPUT, infinities saturate). */\n", f);
    if (dev->side->export_float != NULL)
        dev->side->export_float(f, dev, name);
    else
        for (e = e0; e < n_entries; e++)
            emit_quantizing_entry(f, name, e, 0);
    if (dev->raw_center != NULL)
        fputs("/* Entries on raw int16 values (ADC counts, ...) in the training CSV's units, with\n"
              " * integer arithmetic only: within one Q15 step of the float path's input. */\n", f);
    else
        fputs("/* Entries on raw int16 values: this model has no int16 path (see NAME_quant_i16), so\n"
              " * they return MLQ_ERR_MODEL. */\n", f);
    for (e = e0; e < n_entries; e++)
        emit_quantizing_entry(f, name, e, 1);
    if (regress)
        mlq_regress_entries(f, name);
    /* An algorithm that writes its own float entries checks their model in NAME_check_f32. */
    fprintf(f, "/** Check the model's constants once, e.g. at start-up: MLQ_OK (0), or MLQ_ERR_MODEL\n"
               " *  when they are inconsistent (the exporter checked them; the entries above check\n"
               " *  only sizes per call). */\n"
               "static inline int %s_check(void)\n{\n", name);
    if (dev->side->export_float != NULL)
        fprintf(f, "    if (%s_check_f32() != MLQ_OK)\n        return (int)MLQ_ERR_MODEL;\n", name);
    fprintf(f, "    return (int)%s(&%s_model);\n}\n\n", dev->kern.check, name);
}

/* enum NAME_class and NAME_CLASS_NAMES of a classifier. -1 when memory is short. */
static int emit_classes(FILE *f, const mlq_model *m, const char *name)
{
    char (*ids)[64] = mlq_calloc(m->n_classes, sizeof *ids);
    size_t c, k;

    if (ids == NULL)
        return -1;
    /* Identifiers made from the names; a repeat gets its class id appended. */
    for (c = 0; c < m->n_classes; c++) {
        mlq_text_ident(ids[c], 40, m->class_names[c]);
        for (k = 0; k < c; k++)
            if (strcmp(ids[k], ids[c]) == 0)
                break;
        if (k < c)
            snprintf(ids[c] + strlen(ids[c]), 24, "_%zu", c);
    }
    fprintf(f, "/* Class ids; NAME_CLASS_NAMES[id] is the class's label in the training CSV (in flash:\n"
               " * on AVR read the pointer with MLQ_RD_PTR(&NAME_CLASS_NAMES[id]) and the string with\n"
               " * the _P functions, e.g. fputs_P or Serial.print((const __FlashStringHelper *)p)). */\n"
               "enum %s_class {\n", name);
    for (c = 0; c < m->n_classes; c++)
        fprintf(f, "    %s_CLASS_%s = %zu%s\n", name, ids[c], c, c + 1 < m->n_classes ? "," : "");
    fputs("};\n", f);
    for (c = 0; c < m->n_classes; c++) {
        fprintf(f, "static const char %s_class_name_%zu[] MLQ_FLASH = \"", name, c);
        mlq_emit_text(f, m->class_names[c], MLQ_TEXT_STRING);
        fputs("\";\n", f);
    }
    fprintf(f, "MLQ_MAYBE_UNUSED static const char *const %s_CLASS_NAMES[%zu] MLQ_FLASH = {\n", name,
            m->n_classes);
    for (c = 0; c < m->n_classes; c++)
        fprintf(f, "    %s_class_name_%zu%s\n", name, c, c + 1 < m->n_classes ? "," : "");
    fputs("};\n\n", f);
    free(ids);
    return 0;
}

int mlq_export_header(const mlq_device *dev, const char *name, const char *path,
                      const mlq_fit *fit, mlq_err *err)
{
    const mlq_model *m = dev->model;
    mlq_task task = mlq_model_task(m);
    const char *problem = mlq_export_name_problem(name);
    const char *outputs = task == MLQ_TASK_CLUSTER ? "clusters"
                          : task == MLQ_TASK_ANOMALY ? "outputs (0 normal, 1 anomaly)"
                          : task == MLQ_TASK_REGRESS ? "output (regression)"
                                                     : "classes";
    mlq_outfile out;
    char guard[80], why[320];
    size_t i;

    if (problem != NULL)
        return mlq_err_set(err, NULL, 0, "--name '%s' %s", name, problem);
    for (i = 0; name[i] != '\0'; i++)
        guard[i] = (char)toupper((unsigned char)name[i]);
    strcpy(guard + i, "_H");
    if (mlq_out_open(&out, path, err) != 0)
        return -1;
    fprintf(out.f, "/* generated by mlq v%s from ", MLQ_VERSION_STRING);
    mlq_emit_text(out.f, mlq_base_name(m->source), MLQ_TEXT_COMMENT);
    fprintf(out.f,
            " (%zu rows) seed=%lu */\n"
            "/* %s: %s, %zu features, %zu %s. Flash: %zu bytes of constants.\n"
            " * Use: compile the .c files of mlq's src/ with the firmware, with mlq's include/ on the\n"
            " * include path (or its include/mlq/ folder next to this file), then\n",
            m->train_rows, m->seed, name, m->algo->name, m->n_features, dev->n_outputs, outputs,
            dev->flash_bytes);
    if (task == MLQ_TASK_REGRESS)
        fprintf(out.f,
                " *   int st = %s_predict(x, &y);  x: %s_N_FEATURES floats, training CSV column order;\n"
                " *                                  y: int32_t, the target x 2^%s_Y_FRAC\n"
                " *   int st = %s_value(x, &v);    v: float, the target\n"
                " *   int st = %s_scores(x, s);    s: 1 int32_t, the standardized prediction, Q15.16\n",
                name, name, name, name, name);
    else
        fprintf(out.f,
                " *   int id = %s_predict(x);     x: %s_N_FEATURES floats, training CSV column order\n"
                " *   int id = %s_scores(x, s);   s: %s_N_OUTPUTS int32_t, Q15.16 (see %s_SCORE_FRAC)\n",
                name, name, name, name, name);
    if (dev->kern.proba != NULL)
        fprintf(out.f, " *   int id = %s_proba(x, p);    p: %s_N_OUTPUTS uint16_t, Q15, sum 32768\n",
                name, name);
    fprintf(out.f,
            " * and the same with _q15 (Q1.15 input) and _i16 (raw int16 input). Negative %s are\n"
            " * errors (mlq_status); outputs are written only on success. */\n"
            "#ifndef %s\n#define %s\n\n"
            "#ifdef ARDUINO\n"
            "#include \"mlq.h\" /* names the mlq library to the Arduino builder, which then puts its src/ on the include path */\n"
            "#endif\n"
            "#include \"%s\"\n#include \"mlq/score.h\"\n\n"
            "#if !defined(MLQ_FORMAT) || MLQ_FORMAT != %d\n"
            "#error \"%s was exported for mlq device format %d: re-export it with this mlq\"\n"
            "#endif\n\n",
            task == MLQ_TASK_REGRESS ? "returns" : "ids", guard, guard, dev->kern.header, MLQ_FORMAT, name,
            MLQ_FORMAT);
    if (fit != NULL && fit->stops)
        fprintf(out.f, "#if defined(%s)\n"
                       "#error \"%s does not fit %s (%s): too large by %s (mlq info MODEL --target %s)\"\n"
                       "#endif\n\n",
                fit->board->mcu_macro, name, fit->board->name, fit->board->desc,
                mlq_fit_excess(fit, dev, why, sizeof why), fit->board->name);
    fprintf(out.f, "#define %s_N_FEATURES %zu\n#define %s_N_OUTPUTS %zu\n", name, m->n_features,
            name, dev->n_outputs);
    if (task == MLQ_TASK_CLASSIFY)
        fprintf(out.f, "#define %s_N_CLASSES %zu\n", name, dev->n_outputs);
    else if (task == MLQ_TASK_CLUSTER)
        fprintf(out.f, "#define %s_N_CLUSTERS %zu\n", name, dev->n_outputs);
    fprintf(out.f, "/* %s_scores: %s, Q15.16 (value = score / 2^%d). */\n#define %s_SCORE_FRAC %d\n",
            name, dev->kern.scores_are, MLQ_SCORE_FRAC, name, MLQ_SCORE_FRAC);
    fprintf(out.f, "/* 1 when this header defines %s_CLASS_NAMES (classifiers), %s_proba, and when\n"
                   " * it is a regression model (%s_predict writes the target). */\n"
                   "#define %s_HAS_CLASS_NAMES %d\n#define %s_HAS_PROBA %d\n#define %s_IS_REGRESSION %d\n",
            name, name, name, name, task == MLQ_TASK_CLASSIFY, name, dev->kern.proba != NULL, name,
            task == MLQ_TASK_REGRESS);
    fprintf(out.f, "/* Scratch of one call, on the stack in the entries below (%zu bytes here). */\n"
                   "#define %s_WORK_BYTES %s\n\n",
            dev->work_bytes, name, dev->kern.work);
    if (task == MLQ_TASK_CLASSIFY && emit_classes(out.f, m, name) != 0)
        goto oom;
    if (dev->side->export_body(out.f, dev, name) != 0)
        goto oom;
    fputc('\n', out.f);
    if (task == MLQ_TASK_REGRESS)
        mlq_regress_emit(out.f, dev, name);
    mlq_quant_emit(out.f, dev, name);
    emit_entries(out.f, dev, name);
    fprintf(out.f, "#endif /* %s */\n", guard);
    return mlq_out_commit(&out, err);
oom:
    mlq_out_abort(&out);
    return mlq_err_set(err, path, 0, "out of memory while writing the header");
}
