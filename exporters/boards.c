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
    {"uno", "ATmega328P (Arduino Uno, Nano)", "__AVR_ATmega328P__", "avr", 32256, 2048, 0, 32767, 0},
    /* the vector table (228 bytes) precedes the constants */
    {"mega", "ATmega2560 (Arduino Mega 2560)", "__AVR_ATmega2560__", "avr", 253952, 8192, 65536 - 256, 32767, 1},
    {"m0", "Cortex-M0 (nRF51822: BBC micro:bit v1)", "__ARM_ARCH_6M__", "m0", 262144, 16384, 0, 0, 0},
    {"m4", "Cortex-M4F (STM32F401RE: Nucleo-F401RE)", "__ARM_ARCH_7EM__", "m4", 524288, 98304, 0, 0, 0},
    {"rv32", "RISC-V rv32imac (GD32VF103CB: Longan Nano)", "__riscv", "rv32", 131072, 32768, 0, 0, 0},
};

/* The figures make bench measured for kernel on board's core, or NULL. */
static const mlq_cost *cost_of(const char *kernel, const mlq_board *board)
{
    size_t i;

    for (i = 0; i < mlq_n_costs; i++)
        if (strcmp(mlq_costs[i].core, board->core) == 0 && strcmp(mlq_costs[i].kernel, kernel) == 0)
            return &mlq_costs[i];
    return NULL;
}

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

const char *mlq_board_insn_unit(const mlq_board *board)
{
    return strcmp(board->core, "avr") == 0 ? "cycles" : "instructions";
}

/* Bytes of constants below data_max, and of the largest array an object holds, on board. */
static size_t near_bytes(const mlq_device *dev, const mlq_board *board)
{
    return dev->predict_bytes - (board->far ? dev->far_bytes : 0);
}

static size_t object_bytes(const mlq_device *dev, const mlq_board *board)
{
    size_t far = board->far ? 0 : dev->far_bytes; /* elsewhere the far array is a C object */

    return far > dev->largest_array ? far : dev->largest_array;
}

int mlq_fit_estimate(const mlq_device *dev, const mlq_board *board, size_t flash_budget,
                     size_t sram_budget, mlq_fit *fit)
{
    size_t own = 0;
    int certain;
    const char *bound = dev->side->own_code != NULL ? dev->side->own_code(dev, board->core, &own) : NULL;
    const mlq_cost *c = cost_of(bound != NULL ? bound : mlq_device_kernel(dev), board);

    memset(fit, 0, sizeof *fit);
    fit->board = board;
    if (c == NULL)
        return -1;
    fit->code = bound != NULL ? own : c->code;
    fit->code_estimated = bound != NULL;
    fit->frame = c->frame;
    fit->flash = dev->predict_bytes + fit->code;
    fit->sram = fit->frame + dev->work_bytes + 2 * dev->model->n_features;
    fit->flash_budget = flash_budget != 0 ? flash_budget : board->flash;
    fit->sram_budget = sram_budget != 0 ? sram_budget : board->sram;
    certain = fit->sram <= fit->sram_budget &&
              (board->data_max == 0 || near_bytes(dev, board) <= board->data_max) &&
              (board->array_max == 0 || object_bytes(dev, board) <= board->array_max);
    fit->fits = certain && fit->flash <= fit->flash_budget;
    /* an estimated code may be 30% high: the header stops only if 70% of it would not fit */
    fit->stops = !certain || (double)dev->predict_bytes +
                                     (fit->code_estimated ? 0.7 : 1.0) * (double)fit->code >
                                 (double)fit->flash_budget;
    return 0;
}

char *mlq_fit_excess(const mlq_fit *fit, const mlq_device *dev, char *buf, size_t n)
{
    size_t len = 0;
    const size_t data_max = fit->board->data_max, array_max = fit->board->array_max;
    const size_t near = near_bytes(dev, fit->board), largest = object_bytes(dev, fit->board);

    buf[0] = '\0';
    if (fit->flash > fit->flash_budget)
        len += (size_t)snprintf(buf + len, n - len, "%zu bytes of flash", fit->flash - fit->flash_budget);
    if (fit->sram > fit->sram_budget && len < n)
        len += (size_t)snprintf(buf + len, n - len, "%s%zu bytes of SRAM", len ? ", " : "",
                                fit->sram - fit->sram_budget);
    if (data_max != 0 && near > data_max && len < n)
        len += (size_t)snprintf(buf + len, n - len,
                                "%s%zu bytes of constants beyond the %zu that 16-bit data pointers reach",
                                len ? ", " : "", near - data_max, data_max);
    if (array_max != 0 && largest > array_max && len < n)
        snprintf(buf + len, n - len, "%sone array of %zu bytes, over the %zu an AVR object may have",
                 len ? ", " : "", largest, array_max);
    return buf;
}

void mlq_fit_work(const mlq_device *dev, const double *x, size_t rows, double w[2])
{
    if (x == NULL)
        rows = 0;
    if (dev->side->work != NULL) {
        dev->side->work(dev, rows > 0 ? x : NULL, rows, w);
        return;
    }
    w[0] = (double)dev->n_coef;
    w[1] = (double)dev->n_outputs;
}

int mlq_fit_insns(const mlq_device *dev, const mlq_board *board, const double *x, size_t rows,
                  double *insns)
{
    const mlq_cost *c = cost_of(mlq_device_kernel(dev), board);
    double w[2], v;

    if (c == NULL || !c->has_insns)
        return -1;
    mlq_fit_work(dev, x, rows, w);
    v = c->insn[0] + c->insn[1] * w[0] + c->insn[2] * w[1] +
        c->insn[3] * (double)dev->model->n_features;
    *insns = v > 0.0 ? v : 0.0;
    return 0;
}

size_t mlq_fit_insns_cores(const mlq_device *dev, const double *x, size_t rows,
                           const mlq_board **out, double *insns, size_t max)
{
    size_t i, j, n = 0;

    for (i = 0; i < sizeof boards / sizeof boards[0] && n < max; i++) {
        for (j = 0; j < i && strcmp(boards[j].core, boards[i].core) != 0; j++)
            ;
        if (j == i && mlq_fit_insns(dev, &boards[i], x, rows, &insns[n]) == 0)
            out[n++] = &boards[i];
    }
    return n;
}

const char *mlq_fit_advice(const mlq_device *dev)
{
    return dev->side->smaller(dev);
}
