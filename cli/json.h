/* SPDX-License-Identifier: MIT */
/*
 * json.h -- the --json documents of the commands, built with cJSON and
 * printed on one line as `{"key": value, ...}`.
 *
 *   cJSON *doc = cJSON_CreateObject();
 *   cli_json_str(doc, "model", path);   // any bytes: escaped, invalid UTF-8 as U+FFFD
 *   cli_json_num(doc, "rows", 45);      // not finite: null
 *   if (cli_json_print(doc, &err) != 0) ...  // prints, frees doc; out of memory: -1
 *
 * The adders take a NULL object (a failed cli_json_obj) and remember any
 * failure, which cli_json_print then reports as out of memory: a document
 * is printed whole or not at all.
 */
#ifndef MLQ_CLI_JSON_H
#define MLQ_CLI_JSON_H

#include <stddef.h>

#include "host.h"

struct cJSON;

/** Add text under key (append when key is NULL and obj an array); NULL text: null. */
void cli_json_str(struct cJSON *obj, const char *key, const char *text);
/** Add a number (exact to 15 digits and more; not finite: null). */
void cli_json_num(struct cJSON *obj, const char *key, double v);
/** Add a number rounded to 6 significant digits, as the text reports print it. */
void cli_json_round(struct cJSON *obj, const char *key, double v);
void cli_json_bool(struct cJSON *obj, const char *key, int v);
/** Add item (a cJSON tree, e.g. a copy of the model's); NULL item counts as a failure. */
void cli_json_add(struct cJSON *obj, const char *key, struct cJSON *item);
/** Add and return a new object or array under key (NULL on failure). */
struct cJSON *cli_json_obj(struct cJSON *obj, const char *key);
struct cJSON *cli_json_arr(struct cJSON *obj, const char *key);
/** An array of n strings. */
void cli_json_strs(struct cJSON *obj, const char *key, char *const *s, size_t n);

/** Print doc on stdout as one line and free it. 0, or -1 with err (out of memory). */
int cli_json_print(struct cJSON *doc, mlq_err *err);

#endif /* MLQ_CLI_JSON_H */
