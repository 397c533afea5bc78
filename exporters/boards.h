/* SPDX-License-Identifier: MIT */
/*
 * boards.h -- will a model fit a board? The boards mlq knows, and an
 * estimate of a model's flash and SRAM on them from the figures `make
 * bench` measured (bench/costs.tsv, compiled into mlq).
 *
 *   mlq_fit fit;
 *   if (mlq_fit_estimate(&dev, mlq_board_find("uno"), 0, 0, &fit) == 0 && !fit.fits) ...
 */
#ifndef MLQ_BOARDS_H
#define MLQ_BOARDS_H

#include <stddef.h>

struct mlq_device;

/** A board: the core whose measured costs apply, and what it offers an application. */
typedef struct mlq_board {
    const char *name;      /* --target name: uno, mega, m0, m4, rv32 */
    const char *desc;      /* the chip and example boards */
    const char *mcu_macro; /* the compiler's macro for the chip, for the header's #error */
    const char *core;      /* whose measured costs apply (bench/costs.tsv): m0, m4, rv32, avr */
    size_t flash, sram;    /* bytes of flash an application may use, bytes of SRAM */
    size_t data_max;       /* most bytes of constants the kernels can address (AVR: 16-bit
                              data pointers reach the first 64 KiB of flash), 0: no limit */
    size_t array_max;      /* most bytes of one array (AVR: 32767, size_t has 16 bits), 0: no limit */
    int far;               /* far arrays (mlq/types.h) lie beyond data_max, in assembly, with no
                              array_max (AVR with ELPM) */
} mlq_board;

/**
 * One row of bench/costs.tsv, compiled into mlq as mlq_costs[mlq_n_costs]
 * (the Makefile's $(BUILD)/gen/costs.c): what `make bench` measured of one
 * kernel on one core. The instructions of one NAME_predict call (float
 * entry; AVR: cycles) are modelled as
 *     insn[0] + insn[1] w0 + insn[2] w1 + insn[3] D
 * with w the work of the call (mlq_fit_work) and D the features the entry
 * quantizes; has_insns is 0 where no model was fitted.
 */
typedef struct mlq_cost {
    const char *core, *kernel;
    size_t code, frame; /* bytes of the kernel's code, of its stack frame */
    int has_insns;
    double insn[4];
} mlq_cost;
extern const mlq_cost mlq_costs[];
extern const size_t mlq_n_costs;

/** The known boards' names for messages: "uno, mega, m0, m4, rv32". */
const char *mlq_board_names(void);

/** The board called name, or NULL. */
const mlq_board *mlq_board_find(const char *name);

/** What board's instruction figures count: "cycles" on AVR (simavr), else "instructions". */
const char *mlq_board_insn_unit(const mlq_board *board);

/** The estimate for one model on one board. */
typedef struct mlq_fit {
    const mlq_board *board;       /* the board whose costs were used */
    size_t flash, sram;           /* estimated need: constants + code; stack + scratch + input */
    size_t flash_budget, sram_budget;
    size_t code, frame;           /* the measured code bytes and stack frame of the model's kernel */
    int fits;                     /* flash, SRAM and the addressable constants all within budget */
    int code_estimated;           /* code is the model's own (the tree code layout), estimated
                                     within about 30% (device_algo.h, own_code) */
    int stops;                    /* a header exported with this fit stops with #error on
                                     its board: the model does not fit, and not only by an
                                     estimated code that may be 30% high (SRAM, constants,
                                     or flash even with 70% of that code) */
} mlq_fit;

/**
 * Estimate dev's need on board (flash: the constants and the code that a
 * firmware calling NAME_predict links, the code as `make bench` measured
 * it on that core, or for a model that is its own code, the tree code
 * layout, that code as its device table estimates it;
 * SRAM: the deepest stack of that entry, its scratch and its input buffer,
 * nothing static). flash_budget and sram_budget replace the board's own
 * figures when not 0. 0, or -1 when no figure was measured for this
 * model's kernel on that core.
 */
int mlq_fit_estimate(const struct mlq_device *dev, const mlq_board *board, size_t flash_budget,
                     size_t sram_budget, mlq_fit *fit);

/**
 * Why a model does not fit, as "1234 bytes of flash, 56 bytes of SRAM"
 * (and on AVR the constants beyond what its data pointers reach, an array
 * larger than an object may be), into buf of n bytes; buf.
 */
char *mlq_fit_excess(const mlq_fit *fit, const struct mlq_device *dev, char *buf, size_t n);

/**
 * The work of one NAME_predict call of dev, averaged over the raw rows
 * x[rows][n_features] where it depends on the input (rows 0: a typical
 * figure): its device table's hook `work` (device_algo.h), else w[0] =
 * n_coef and w[1] = n_outputs.
 */
void mlq_fit_work(const struct mlq_device *dev, const double *x, size_t rows, double w[2]);

/**
 * Estimate the instructions of one NAME_predict call (float entry; on AVR
 * clock cycles) of dev on board's core, over the raw rows x[rows]
 * [n_features] (rows may be 0, x then NULL), from the cost model of its
 * kernel in bench/costs.tsv (mlq_cost). 0, or -1 when no model was fitted
 * for this kernel on that core.
 */
int mlq_fit_insns(const struct mlq_device *dev, const mlq_board *board, const double *x, size_t rows,
                  double *insns);

/**
 * mlq_fit_insns on every core with a fitted model, once per core (its first
 * board): up to max boards into boards[] and their estimates into insns[];
 * returns how many.
 */
size_t mlq_fit_insns_cores(const struct mlq_device *dev, const double *x, size_t rows,
                           const mlq_board **boards, double *insns, size_t max);

/** One line saying what would make dev smaller, for a model that does not fit. */
const char *mlq_fit_advice(const struct mlq_device *dev);

#endif /* MLQ_BOARDS_H */
