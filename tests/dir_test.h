/* SPDX-License-Identifier: MIT */
/*
 * dir_test.h -- what the tests that write files ask of a folder: how many
 * entries it holds (csv_test.h, outfile_test.h), so that a refused write can
 * be shown to leave nothing behind.
 */
#ifndef MLQ_DIR_TEST_H
#define MLQ_DIR_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <string.h>

/* Number of entries in a directory besides "." and "..". */
static inline int dir_entries(const char *path)
{
    DIR *dp = opendir(path);
    struct dirent *e;
    int n = 0;

    assert_non_null(dp);
    while ((e = readdir(dp)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(dp);
    return n;
}

#endif /* MLQ_DIR_TEST_H */
