/* SPDX-License-Identifier: MIT */
#include "host.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>

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

int mlq_out_open(mlq_outfile *out, const char *path, mlq_err *err)
{
    static const char suffix[] = ".tmpXXXXXX";
    int fd;

    out->f = NULL;
    out->path = NULL;
    out->tmp = NULL;
    if (strcmp(path, "-") == 0) {
        out->f = stdout;
        return 0;
    }
    out->path = mlq_strdup(path);
    out->tmp = malloc(strlen(path) + sizeof suffix);
    if (out->path == NULL || out->tmp == NULL) {
        free(out->tmp);
        out->tmp = NULL;
        mlq_out_abort(out);
        return mlq_err_set(err, path, 0, "out of memory");
    }
    strcpy(out->tmp, path);
    strcat(out->tmp, suffix);
    fd = mkstemp(out->tmp);
    if (fd < 0) {
        free(out->tmp);
        out->tmp = NULL;
        mlq_out_abort(out);
        return mlq_err_set(err, path, 0, "cannot create output file: %s", strerror(errno));
    }
    out->f = fdopen(fd, "w");
    if (out->f == NULL) {
        close(fd);
        mlq_out_abort(out);
        return mlq_err_set(err, path, 0, "cannot open output file: %s", strerror(errno));
    }
    return 0;
}

int mlq_out_commit(mlq_outfile *out, mlq_err *err)
{
    int failed;

    if (out->path == NULL) { /* stdout */
        if (fflush(stdout) != 0 || ferror(stdout))
            return mlq_err_set(err, "<stdout>", 0, "write failed: %s", strerror(errno));
        return 0;
    }
    failed = fflush(out->f) != 0 || ferror(out->f);
    if (fclose(out->f) != 0)
        failed = 1;
    out->f = NULL;
    if (failed || rename(out->tmp, out->path) != 0) {
        mlq_err_set(err, out->path, 0, "cannot write output file: %s", strerror(errno));
        mlq_out_abort(out);
        return -1;
    }
    free(out->tmp);
    free(out->path);
    out->tmp = NULL;
    out->path = NULL;
    return 0;
}

void mlq_out_abort(mlq_outfile *out)
{
    if (out->f != NULL && out->f != stdout)
        fclose(out->f);
    out->f = NULL;
    if (out->tmp != NULL)
        remove(out->tmp);
    free(out->tmp);
    free(out->path);
    out->tmp = NULL;
    out->path = NULL;
}
