/* SPDX-License-Identifier: MIT */
#include "host.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mlq_err_set(mlq_err *err, const char *file, long line, const char *fmt, ...)
{
    size_t used = 0;
    va_list ap;
    char *p;

    if (err == NULL)
        return -1;
    err->msg[0] = '\0';
    if (file != NULL && line > 0)
        used = (size_t)snprintf(err->msg, sizeof err->msg, "%s:%ld: ", file, line);
    else if (file != NULL)
        used = (size_t)snprintf(err->msg, sizeof err->msg, "%s: ", file);
    if (used >= sizeof err->msg)
        used = sizeof err->msg - 1;
    va_start(ap, fmt);
    vsnprintf(err->msg + used, sizeof err->msg - used, fmt, ap);
    va_end(ap);
    /* One line, always: a path or a cell may carry a newline. */
    for (p = err->msg; *p != '\0'; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    return -1;
}

void *mlq_calloc(size_t n, size_t size)
{
    if (n == 0 || size == 0)
        return calloc(1, 1);
    if (n > SIZE_MAX / size)
        return NULL;
    return calloc(n, size);
}

void *mlq_realloc(void *p, size_t n, size_t size)
{
    if (n == 0 || size == 0)
        return realloc(p, 1);
    if (n > SIZE_MAX / size)
        return NULL;
    return realloc(p, n * size);
}

char *mlq_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);

    if (d != NULL)
        memcpy(d, s, n);
    return d;
}

char **mlq_strings_dup(char *const *s, size_t n)
{
    char **d = mlq_calloc(n, sizeof *d);
    size_t i;

    for (i = 0; d != NULL && i < n; i++) {
        if ((d[i] = mlq_strdup(s[i])) == NULL) {
            mlq_strings_free(d, i);
            d = NULL;
        }
    }
    return d;
}

void mlq_strings_free(char **s, size_t n)
{
    size_t i;

    if (s == NULL)
        return;
    for (i = 0; i < n; i++)
        free(s[i]);
    free(s);
}
