/* SPDX-License-Identifier: MIT */
/*
 * mlq -- train on the host, export fixed-point C headers, compare host and
 * device predictions. `mlq help` lists the commands, the conventions and
 * the exit codes.
 *
 * cli/: this dispatch; options.c (cli_parse, the value parsers) and help.c
 * over the commands' tables (options.h); the commands (cmd_train.c,
 * cmd_predict.c, cmd_compare.c, cmd_export.c: export and info,
 * cmd_split.c, cmd_cv.c, cmd_select.c with select_*.c), each defining its
 * table; common.c for their shared steps, cv_run.c for the cross-validation
 * of cv and select, and json.c for their --json documents.
 */
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "model.h"
#include "options.h"

const cli_cmd *const cli_commands[] = {&cli_train, &cli_export, &cli_predict, &cli_compare, &cli_info,
                                       &cli_split, &cli_cv,     &cli_select,  &cli_help_cmd, NULL};

int main(int argc, char **argv)
{
    size_t i;

    gsl_set_error_handler_off();
    if (argc < 2) {
        cli_help_all(stdout);
        cli_stdout_end();
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        cli_help_all(stdout);
        return cli_stdout_end();
    }
    if (strcmp(argv[1], "--version") == 0) {
        puts("mlq " MLQ_VERSION_STRING);
        return cli_stdout_end();
    }
    for (i = 0; cli_commands[i] != NULL; i++)
        if (strcmp(argv[1], cli_commands[i]->name) == 0)
            return cli_commands[i]->run(argc - 1, argv + 1);
    fprintf(stderr, "mlq: unknown command '%s' (try 'mlq help')\n", argv[1]);
    return EXIT_USAGE;
}
