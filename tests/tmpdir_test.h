/* SPDX-License-Identifier: MIT */
/*
 * tmpdir_test.h -- a fresh folder for the files of one test program. The
 * including file defines its name pattern first,
 *     static char dir[] = "/tmp/mlq_test_NAME_XXXXXX";
 * tmpdir_setup makes it (mkdtemp) and tmpdir_teardown removes it with all it
 * holds, as the group setup and teardown of cmocka_run_group_tests or from
 * setups that do more; tmpdir_file writes a file in it.
 */
#ifndef MLQ_TMPDIR_TEST_H
#define MLQ_TMPDIR_TEST_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Remove path and, if it is a folder, everything below it; 0 or -1. */
static inline int tmpdir_remove(const char *path)
{
    struct stat st;
    DIR *dp;
    struct dirent *e;
    int rc = 0;

    if (lstat(path, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode))
        return unlink(path);
    dp = opendir(path);
    if (dp == NULL)
        return -1;
    while ((e = readdir(dp)) != NULL) {
        char sub[1024];

        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if ((size_t)snprintf(sub, sizeof sub, "%s/%s", path, e->d_name) >= sizeof sub ||
            tmpdir_remove(sub) != 0)
            rc = -1;
    }
    closedir(dp);
    return rmdir(path) != 0 ? -1 : rc;
}

/* Write text to the file `name` in the folder; its path (kept until the next call).
 * Include after cmocka.h. */
static inline const char *tmpdir_file(const char *name, const char *text)
{
    static char path[256];
    FILE *f;

    assert_true((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) < sizeof path);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static inline int tmpdir_setup(void **state)
{
    (void)state;
    return mkdtemp(dir) != NULL ? 0 : -1;
}

static inline int tmpdir_teardown(void **state)
{
    (void)state;
    return tmpdir_remove(dir);
}

#endif /* MLQ_TMPDIR_TEST_H */
