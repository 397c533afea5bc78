/* SPDX-License-Identifier: MIT */
#include "boards.h"

#include <stdio.h>
#include <string.h>

#include "device_algo.h"
#include "export.h"

/*
 * Flash is what an application may use (the Uno's bootloader takes 512
 * bytes of its 32 KiB), SRAM all of it: the estimate already counts the
 * model's stack, and the application's own needs are the user's.
 */
static const mlq_board boards[] = {
    {"uno", "ATmega328P (Arduino Uno, Nano)", "__AVR_ATmega328P__", "avr", 32256, 2048, 0, 32767},
    /* the vector table (228 bytes) precedes the constants */
    {"mega", "ATmega2560 (Arduino Mega 2560)", "__AVR_ATmega2560__", "avr", 253952, 8192, 65536 - 256, 32767},
    {"m0", "Cortex-M0 (nRF51822: BBC micro:bit v1)", "__ARM_ARCH_6M__", "m0", 262144, 16384, 0, 0},
    {"m4", "Cortex-M4F (STM32F401RE: Nucleo-F401RE)", "__ARM_ARCH_7EM__", "m4", 524288, 98304, 0, 0},
    {"rv32", "RISC-V rv32imac (GD32VF103CB: Longan Nano)", "__riscv", "rv32", 131072, 32768, 0, 0},
};

/* The figures make bench measured (bench/costs.tsv, compiled in). */
typedef struct mlq_cost {
    const char *board, *kernel;
    size_t code, frame;
} mlq_cost;
extern const mlq_cost mlq_costs[];
extern const size_t mlq_n_costs;

const char *mlq_board_names(void)
{
    static char names[64];
    size_t i, len = 0;

    if (names[0] == '\0')
        for (i = 0; i < sizeof boards / sizeof boards[0]; i++)
            len += (size_t)snprintf(names + len, sizeof names - len, "%s%s", i > 0 ? ", " : "",
                                    boards[i].name);
    return names;
}

const mlq_board *mlq_board_find(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof boards / sizeof boards[0]; i++)
        if (strcmp(boards[i].name, name) == 0)
            return &boards[i];
    return NULL;
}

int mlq_fit_estimate(const mlq_device *dev, const mlq_board *board, size_t flash_budget,
                     size_t sram_budget, mlq_fit *fit)
{
    size_t i;

    memset(fit, 0, sizeof *fit);
    fit->board = board;
    for (i = 0; i < mlq_n_costs; i++) {
        if (strcmp(mlq_costs[i].board, board->core) == 0 &&
            strcmp(mlq_costs[i].kernel, mlq_device_kernel(dev)) == 0)
            break;
    }
    if (i == mlq_n_costs)
        return -1;
    fit->code = mlq_costs[i].code;
    fit->frame = mlq_costs[i].frame;
    fit->flash = dev->predict_bytes + fit->code;
    fit->sram = fit->frame + dev->work_bytes + 2 * dev->model->n_features;
    fit->flash_budget = flash_budget != 0 ? flash_budget : board->flash;
    fit->sram_budget = sram_budget != 0 ? sram_budget : board->sram;
    fit->fits = fit->flash <= fit->flash_budget && fit->sram <= fit->sram_budget &&
                (board->data_max == 0 || dev->predict_bytes <= board->data_max) &&
                (board->array_max == 0 || dev->largest_array <= board->array_max);
    return 0;
}

char *mlq_fit_excess(const mlq_fit *fit, const mlq_device *dev, char *buf, size_t n)
{
    size_t len = 0;
    const size_t data_max = fit->board->data_max, array_max = fit->board->array_max;

    buf[0] = '\0';
    if (fit->flash > fit->flash_budget)
        len += (size_t)snprintf(buf + len, n - len, "%zu bytes of flash", fit->flash - fit->flash_budget);
    if (fit->sram > fit->sram_budget && len < n)
        len += (size_t)snprintf(buf + len, n - len, "%s%zu bytes of SRAM", len ? ", " : "",
                                fit->sram - fit->sram_budget);
    if (data_max != 0 && dev->predict_bytes > data_max && len < n)
        len += (size_t)snprintf(buf + len, n - len,
                                "%s%zu bytes of constants beyond the %zu that 16-bit data pointers reach",
                                len ? ", " : "", dev->predict_bytes - data_max, data_max);
    if (array_max != 0 && dev->largest_array > array_max && len < n)
        snprintf(buf + len, n - len, "%sone array of %zu bytes, over the %zu an AVR object may have",
                 len ? ", " : "", dev->largest_array, array_max);
    return buf;
}

const char *mlq_fit_advice(const mlq_device *dev)
{
    return dev->side->smaller(dev);
}
