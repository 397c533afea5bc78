/* SPDX-License-Identifier: MIT */
/*
 * model_edit_test.h -- for the model-file tests: change one field of a good
 * model file and require that loading it fails with exactly one message, or
 * splice text into it and require a message that names the field.
 * Include after cmocka.h, cjson/cJSON.h and model.h.
 */
#ifndef MLQ_MODEL_EDIT_TEST_H
#define MLQ_MODEL_EDIT_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Read the model file good, set obj.key (obj NULL: the top level) to the
 * JSON text value (NULL: remove the key), write the result to path, and
 * require mlq_model_load(path) to fail with "PATH: want".
 */
static inline void expect_edited_model_error(const char *good, const char *path, const char *obj,
                                             const char *key, const char *value, const char *want)
{
    FILE *f = fopen(good, "r");
    char buf[1 << 16], msg[512], *text;
    size_t n;
    cJSON *root, *o;
    mlq_model back;
    mlq_err err;

    assert_non_null(f);
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    root = cJSON_Parse(buf);
    assert_non_null(root);
    o = obj != NULL ? cJSON_GetObjectItemCaseSensitive(root, obj) : root;
    cJSON_DeleteItemFromObjectCaseSensitive(o, key);
    if (value != NULL)
        cJSON_AddItemToObject(o, key, cJSON_Parse(value));
    text = cJSON_Print(root);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    free(text);
    cJSON_Delete(root);
    assert_int_equal(mlq_model_load(path, &back, &err), -1);
    snprintf(msg, sizeof msg, "%s: %s", path, want);
    assert_string_equal(err.msg, msg);
}

/* Save m to path and return the file's text (free it). */
static inline char *saved_model_text(const mlq_model *m, const char *path)
{
    mlq_err err = {{0}};
    FILE *f;
    long len;
    char *text;

    assert_int_equal(mlq_model_save(path, m, &err), 0);
    f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    len = ftell(f);
    assert_true(len >= 0);
    assert_int_equal(fseek(f, 0, SEEK_SET), 0);
    text = calloc((size_t)len + 1, 1);
    assert_non_null(text);
    assert_int_equal(fread(text, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    return text;
}

/*
 * For edits the JSON tree cannot make (a key renamed, a value of another
 * type spliced in): write text with the first `from` after `within` (the
 * start of the algorithm's object, say "\"svm\":") replaced by `to` to path,
 * and require mlq_model_load(path) to fail with a message that contains
 * want.
 */
static inline void expect_spliced_model_error(const char *text, const char *within, const char *from,
                                              const char *to, const char *path, const char *want)
{
    const char *obj = strstr(text, within), *at = obj != NULL ? strstr(obj, from) : NULL;
    FILE *f;
    mlq_model back;
    mlq_err err;

    if (at == NULL)
        fail_msg("no '%s' after '%s' in the model file", from, within);
    f = fopen(path, "wb");
    assert_non_null(f);
    fwrite(text, 1, (size_t)(at - text), f);
    fputs(to, f);
    fputs(at + strlen(from), f);
    fclose(f);
    assert_int_equal(mlq_model_load(path, &back, &err), -1);
    if (strstr(err.msg, want) == NULL)
        fail_msg("'%s' lacks '%s'", err.msg, want);
}

#endif /* MLQ_MODEL_EDIT_TEST_H */
