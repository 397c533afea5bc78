/* SPDX-License-Identifier: MIT */
/*
 * board_rv32.c -- the RISC-V rv32 side of the mlq QEMU firmware (QEMU
 * -M virt, picolibc with --crt0=semihost, which sets up the C runtime,
 * passes the semihosting command line as argv and exits with main's
 * status).
 *
 * - stdout and stderr: picolibc's semihosting streams write every byte
 *   with SYS_WRITEC, which QEMU sends to its stderr. These replace them:
 *   two handles on ":tt" opened for writing and appending, which QEMU maps
 *   to its own stdout and stderr; stdout is written in 256-byte blocks
 *   (fflush, and exit, write the rest).
 * - faults: a trap handler that prints the cause and the faulting PC on
 *   stderr and stops QEMU with status 1 (picolibc's own prints a register
 *   dump on stdout).
 * - bench.c's stack painter.
 */
#include <semihost.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "board.h"

static int out_fd = -1, err_fd = -1;
static char out_buf[256];
static size_t out_len;

static int out_flush(FILE *f)
{
    (void)f;
    if (out_len > 0u && out_fd >= 0) {
        uintptr_t left = sys_semihost_write(out_fd, out_buf, out_len);
        out_len = 0;
        if (left != 0u)
            return EOF;
    }
    return 0;
}

static int out_put(char c, FILE *f)
{
    out_buf[out_len++] = c;
    if (out_len == sizeof out_buf && out_flush(f) != 0)
        return EOF;
    return (unsigned char)c;
}

static int err_put(char c, FILE *f)
{
    (void)f;
    if (err_fd < 0 || sys_semihost_write(err_fd, &c, 1) != 0u)
        return EOF;
    return (unsigned char)c;
}

static int no_get(FILE *f)
{
    (void)f;
    return EOF;
}

static FILE board_out = FDEV_SETUP_STREAM(out_put, NULL, out_flush, _FDEV_SETUP_WRITE);
static FILE board_err = FDEV_SETUP_STREAM(err_put, NULL, NULL, _FDEV_SETUP_WRITE);
static FILE board_in = FDEV_SETUP_STREAM(NULL, no_get, NULL, _FDEV_SETUP_READ);
FILE *const stdin = &board_in;
FILE *const stdout = &board_out;
FILE *const stderr = &board_err;

void board_trap(void);
void board_fault_report(uint32_t mcause, uint32_t mepc, uint32_t mtval);

static void flush_at_exit(void)
{
    out_flush(stdout);
}

/* Before main (picolibc's crt0 runs the constructors): the console
 * handles, the trap vector (mtvec, CSR 0x305), the flush at exit. */
__attribute__((constructor)) static void board_init(void)
{
    uintptr_t vec = (uintptr_t)board_trap;

    out_fd = sys_semihost_open(":tt", SH_OPEN_W);
    err_fd = sys_semihost_open(":tt", SH_OPEN_A);
    __asm__ volatile(".insn i 0x73, 1, x0, %0, 0x305" : : "r"(vec) : "memory");
    atexit(flush_at_exit);
}

/* The trap entry: a fresh stack at the top of RAM (the fault may come
 * from a bad stack pointer), then mcause, mepc, mtval (CSRs 0x342, 0x341,
 * 0x343) to board_fault_report. mtvec needs 4-byte alignment. */
__asm__(".section .text.board_trap, \"ax\", @progbits\n"
        ".balign 4\n"
        ".global board_trap\n"
        ".type board_trap, @function\n"
        "board_trap:\n"
        "    la sp, __stack\n"
        "    .insn i 0x73, 2, a0, x0, 0x342\n"
        "    .insn i 0x73, 2, a1, x0, 0x341\n"
        "    .insn i 0x73, 2, a2, x0, 0x343\n"
        "    j board_fault_report\n"
        ".size board_trap, . - board_trap\n");

static void put_hex(char *at, uint32_t v)
{
    int i;
    for (i = 0; i < 8; i++) {
        uint32_t nib = (v >> (4 * (7 - i))) & 0xFu;
        at[i] = (char)(nib < 10u ? '0' + nib : 'a' + nib - 10u);
    }
}

/* Reports the trap on stderr and stops QEMU with status 1. Uses no stdio:
 * the fault may have come from inside it. */
void board_fault_report(uint32_t mcause, uint32_t mepc, uint32_t mtval)
{
    static char msg[] = "firmware: fault (mcause 0x________, mtval 0x________) at pc=0x________\n";

    put_hex(msg + 26, mcause);
    put_hex(msg + 44, mtval);
    put_hex(msg + 62, mepc);
    if (err_fd >= 0)
        sys_semihost_write(err_fd, msg, sizeof msg - 1u);
    else
        sys_semihost_write0(msg);
    sys_semihost_exit(ADP_Stopped_RunTimeErrorUnknown, 1);
}

/* bench_paint(lo, hi, pattern) fills the words [lo, hi) and touches no
 * stack itself, so it may paint the free stack right below its caller. */
__asm__(".section .text.bench_paint, \"ax\", @progbits\n"
        ".balign 2\n"
        ".global bench_paint\n"
        ".type bench_paint, @function\n"
        "bench_paint:\n"
        "1:  bgeu a0, a1, 2f\n"
        "    sw a2, 0(a0)\n"
        "    addi a0, a0, 4\n"
        "    j 1b\n"
        "2:  ret\n"
        ".size bench_paint, . - bench_paint\n");
