/* SPDX-License-Identifier: MIT */
/*
 * The model loader, load-save-load: every input either fails with one line
 * naming the file, or loads into a model that saves, loads again and saves
 * to the very same bytes (nothing is lost or changed on the way).
 */
#include "fuzz.h"

#include "model.h"

int mlq_fuzz_model(const uint8_t *data, size_t size)
{
    char in[MLQ_FUZZ_PATH], first[MLQ_FUZZ_PATH], second[MLQ_FUZZ_PATH];
    mlq_model a, b;
    mlq_err err = {{0}};

    mlq_fuzz_put(mlq_fuzz_path(in, "in.json"), data, size);
    mlq_fuzz_path(first, "first.json");
    mlq_fuzz_path(second, "second.json");
    if (mlq_model_load(in, &a, &err) != 0) {
        mlq_fuzz_check_err(&err, in, "mlq_model_load");
        mlq_model_free(&a); /* empty after a failed load: safe */
        return 0;
    }
    if (mlq_model_save(first, &a, &err) != 0)
        mlq_fuzz_fail("a loaded model does not save: %s", err.msg);
    if (mlq_model_load(first, &b, &err) != 0)
        mlq_fuzz_fail("a saved model does not load: %s", err.msg);
    if (mlq_model_save(second, &b, &err) != 0)
        mlq_fuzz_fail("a reloaded model does not save: %s", err.msg);
    if (!mlq_fuzz_same_file(first, second))
        mlq_fuzz_fail("load-save-load-save changes the model file");
    mlq_model_free(&a);
    mlq_model_free(&b);
    return 0;
}
