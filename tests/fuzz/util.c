/* SPDX-License-Identifier: MIT */
#include "fuzz.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[4096];

static void remove_dir(void)
{
    char cmd[sizeof dir + 16];

    if (dir[0] != '\0' && snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir) < (int)sizeof cmd &&
        system(cmd) != 0)
        fprintf(stderr, "fuzz: cannot remove %s\n", dir);
}

const char *mlq_fuzz_path(char *buf, const char *name)
{
    if (dir[0] == '\0') {
        const char *tmp = getenv("TMPDIR");

        snprintf(dir, sizeof dir - 16, "%s", tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
        strcat(dir, "/mlqfuzzXXXXXX");
        if (mkdtemp(dir) == NULL)
            mlq_fuzz_fail("cannot create a temporary folder %s", dir);
        atexit(remove_dir);
    }
    if (strlen(name) > MLQ_FUZZ_PATH - sizeof dir - 2)
        mlq_fuzz_fail("file name %s too long", name);
    snprintf(buf, MLQ_FUZZ_PATH, "%s/%s", dir, name);
    return buf;
}

const char *mlq_fuzz_put(const char *path, const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");

    if (f == NULL || (size > 0 && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
        mlq_fuzz_fail("cannot write %s", path);
    return path;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0, got;

    if (f == NULL)
        mlq_fuzz_fail("cannot open %s", path);
    do {
        if (n == cap && (buf = realloc(buf, cap = 2 * cap + 4096)) == NULL)
            mlq_fuzz_fail("out of memory reading %s", path);
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    fclose(f);
    *len = n;
    return buf;
}

int mlq_fuzz_same_file(const char *a, const char *b)
{
    size_t na, nb;
    char *ta = slurp(a, &na), *tb = slurp(b, &nb);
    int same = na == nb && memcmp(ta, tb, na) == 0;

    free(ta);
    free(tb);
    return same;
}

void mlq_fuzz_check_err(const mlq_err *err, const char *path, const char *call)
{
    size_t n = path != NULL ? strlen(path) : 0;

    if (err->msg[0] == '\0' ||
        (path != NULL && (strncmp(err->msg, path, n) != 0 || err->msg[n] != ':' || err->msg[n + 1] == '\0')))
        mlq_fuzz_fail("%s failed with '%s', which does not start with '%s:'", call, err->msg,
                      path != NULL ? path : "");
    if (strpbrk(err->msg, "\r\n") != NULL)
        mlq_fuzz_fail("%s failed with a message of more than one line: '%s'", call, err->msg);
}

void mlq_fuzz_fail(const char *fmt, ...)
{
    va_list ap;

    fputs("fuzz: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}
