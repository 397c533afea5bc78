/* SPDX-License-Identifier: MIT */
/*
 * main.c -- a program built against mlq::mlq that runs an exported model:
 * reads CSV rows of 4 features from stdin (no header, no label) and prints
 * for each the line `mlq predict MODEL.json ROWS.csv --device --scores
 * --proba` prints: class name, scores, probabilities.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iris_tree.h"

/* The class name of id (in flash on AVR, a plain pointer here). */
static const char *class_name(int id)
{
#ifdef MLQ_RD_PTR
    return (const char *)MLQ_RD_PTR(&iris_tree_CLASS_NAMES[id]);
#else
    return iris_tree_CLASS_NAMES[id];
#endif
}

int main(void)
{
    char line[1024];
    float x[iris_tree_N_FEATURES];
    int32_t s[iris_tree_N_OUTPUTS];
    uint16_t p[iris_tree_N_OUTPUTS];

    if (iris_tree_check() != MLQ_OK) {
        fprintf(stderr, "consumer: iris_tree_check failed\n");
        return 1;
    }
    while (fgets(line, sizeof line, stdin) != NULL) {
        char *cell = line, *end;
        int j, y;

        for (j = 0; j < iris_tree_N_FEATURES; j++) {
            x[j] = (float)strtod(cell, &end);
            if (end == cell || (*end != ',' && j + 1 < iris_tree_N_FEATURES)) {
                fprintf(stderr, "consumer: bad row: %s", line);
                return 1;
            }
            cell = end + 1;
        }
        y = iris_tree_predict(x);
        if (y < 0 || iris_tree_scores(x, s) != y || iris_tree_proba(x, p) != y) {
            fprintf(stderr, "consumer: the entries disagree on a row: %s", line);
            return 1;
        }
        fputs(class_name(y), stdout);
        for (j = 0; j < iris_tree_N_OUTPUTS; j++)
            printf(" %ld", (long)s[j]);
        for (j = 0; j < iris_tree_N_OUTPUTS; j++)
            printf(" %u", (unsigned)p[j]);
        putchar('\n');
    }
    return 0;
}
