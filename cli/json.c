/* SPDX-License-Identifier: MIT */
#include "json.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static int failed; /* an adder failed since the last cli_json_print */

/* cli_json_add: 0, or -1 with item deleted. */
static int add(cJSON *obj, const char *key, cJSON *item)
{
    if (obj == NULL || item == NULL) {
        cJSON_Delete(item);
        failed = 1;
        return -1;
    }
    if (!(key == NULL ? cJSON_AddItemToArray(obj, item) : cJSON_AddItemToObject(obj, key, item))) {
        cJSON_Delete(item);
        failed = 1;
        return -1;
    }
    return 0;
}

void cli_json_add(cJSON *obj, const char *key, cJSON *item)
{
    add(obj, key, item);
}

/* Length of the valid UTF-8 sequence at p (1..4), or 0. */
static size_t utf8_len(const unsigned char *p)
{
    size_t n, i;
    unsigned long c;

    if (p[0] < 0x80)
        return 1;
    n = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC2 ? 2 : 0;
    if (n == 0 || p[0] > 0xF4)
        return 0;
    c = p[0] & (0x7Fu >> n);
    for (i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        c = c << 6 | (p[i] & 0x3Fu);
    }
    /* overlong forms, surrogates, beyond U+10FFFF */
    if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
        (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    return n;
}

/* text with every byte that is not valid UTF-8 replaced by U+FFFD (JSON is UTF-8). */
static char *utf8_clean(const char *text)
{
    const unsigned char *p = (const unsigned char *)text;
    char *out = mlq_calloc(3 * strlen(text) + 1, 1), *q = out;

    while (out != NULL && *p != '\0') {
        size_t n = utf8_len(p);

        if (n == 0) {
            memcpy(q, "\xEF\xBF\xBD", 3);
            q += 3;
            p++;
        } else {
            memcpy(q, p, n);
            q += n;
            p += n;
        }
    }
    return out;
}

void cli_json_str(cJSON *obj, const char *key, const char *text)
{
    char *clean;

    if (text == NULL) {
        cli_json_add(obj, key, cJSON_CreateNull());
        return;
    }
    clean = utf8_clean(text);
    cli_json_add(obj, key, clean != NULL ? cJSON_CreateString(clean) : NULL);
    free(clean);
}

void cli_json_num(cJSON *obj, const char *key, double v)
{
    cli_json_add(obj, key, cJSON_CreateNumber(v));
}

void cli_json_round(cJSON *obj, const char *key, double v)
{
    char buf[32];

    snprintf(buf, sizeof buf, "%.6g", v);
    cli_json_num(obj, key, strtod(buf, NULL));
}

void cli_json_bool(cJSON *obj, const char *key, int v)
{
    cli_json_add(obj, key, cJSON_CreateBool(v));
}

cJSON *cli_json_obj(cJSON *obj, const char *key)
{
    cJSON *o = cJSON_CreateObject();

    return add(obj, key, o) == 0 ? o : NULL;
}

cJSON *cli_json_arr(cJSON *obj, const char *key)
{
    cJSON *a = cJSON_CreateArray();

    return add(obj, key, a) == 0 ? a : NULL;
}

void cli_json_strs(cJSON *obj, const char *key, char *const *s, size_t n)
{
    cJSON *a = cli_json_arr(obj, key);
    size_t i;

    for (i = 0; i < n; i++)
        cli_json_str(a, NULL, s[i]);
}

int cli_json_print(cJSON *doc, mlq_err *err)
{
    char *text = doc != NULL && !failed ? cJSON_PrintUnformatted(doc) : NULL;
    const char *p;
    int in_string = 0;

    failed = 0;
    cJSON_Delete(doc);
    if (text == NULL)
        return mlq_err_set(err, NULL, 0, "out of memory");
    /* cJSON's compact form with a space after each ':' and ',' between tokens. */
    for (p = text; *p != '\0'; p++) {
        putchar(*p);
        if (in_string && *p == '\\')
            putchar(*++p);
        else if (*p == '"')
            in_string = !in_string;
        else if (!in_string && (*p == ':' || *p == ','))
            putchar(' ');
    }
    putchar('\n');
    free(text);
    return 0;
}
