/* SPDX-License-Identifier: MIT */
/*
 * board.h -- the few Cortex-M registers and startup symbols the mlq
 * firmware uses. Shared by startup.c, predict.c and bench.c.
 */
#ifndef MLQ_FIRMWARE_BOARD_H
#define MLQ_FIRMWARE_BOARD_H

#include <stdint.h>

#define BOARD_REG(addr) (*(volatile uint32_t *)(uintptr_t)(addr))

/* SysTick (ARMv6-M and ARMv7-M System Control Space). */
#define BOARD_SYST_CSR BOARD_REG(0xE000E010u)
#define BOARD_SYST_RVR BOARD_REG(0xE000E014u)
#define BOARD_SYST_CVR BOARD_REG(0xE000E018u)
#define BOARD_SYST_CSR_ENABLE 0x1u
#define BOARD_SYST_CSR_TICKINT 0x2u
#define BOARD_SYST_CSR_CLKSOURCE 0x4u   /* 1 = processor clock */
#define BOARD_SYST_RELOAD 0x00FFFFFFu   /* 24-bit counter */

/* Incremented by SysTick_Handler (startup.c) each time the counter wraps. */
extern volatile uint32_t board_systick_wraps;

/* Top of RAM, the initial main stack pointer (linker script). */
extern uint32_t __stack_top[];

#endif /* MLQ_FIRMWARE_BOARD_H */
