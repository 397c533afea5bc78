/* SPDX-License-Identifier: MIT */
/*
 * startup.c -- minimal Cortex-M startup for the mlq QEMU firmware.
 *
 * Vector table, Reset_Handler (copy .data, zero .bss, enable the FPU on
 * ARMv7E-M, start newlib's semihosting I/O, run constructors,
 * exit(main(argc, argv)) with the semihosting command line),
 * and a fault handler that reports the faulting PC over semihosting and
 * stops QEMU with a non-zero status, so a crashing firmware never hangs the
 * caller; bench.c's stack painter. Works unchanged on ARMv6-M (Cortex-M0)
 * and ARMv7-M/ARMv7E-M.
 */
#include <stdint.h>
#include <stdlib.h>

#include "board.h"

int main(int argc, char **argv);
void initialise_monitor_handles(void);
void __libc_init_array(void);
void Reset_Handler(void);
void Fault_Handler(void);
void SysTick_Handler(void);
void _init(void);
void _fini(void);

/* Linker-script symbols (see ld/sections.ld). */
extern uint32_t __data_load[], __data_start[], __data_end[];
extern uint32_t __bss_start[], __bss_end[];
extern uint32_t __stack_top[];

/* With -nostartfiles there is no crti.o/crtn.o; __libc_init_array still
 * calls _init() and exit() calls _fini(), so both exist and do nothing:
 * constructors run from .init_array, which the linker script keeps. */
void _init(void) {}
void _fini(void) {}

/* Number of ticks the SysTick interrupt has counted down through zero
 * (bench.c reads it; the handler lives here so the vector table is fixed). */
volatile uint32_t board_systick_wraps;

void SysTick_Handler(void)
{
    board_systick_wraps++;
}

/* Semihosting call: r0 = operation, r1 = argument block; BKPT 0xAB is the
 * M-profile trap that QEMU intercepts when semihosting is enabled. */
static uint32_t semihost(uint32_t op, const void *arg)
{
    register uint32_t r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

#define SH_SYS_WRITE0 0x04u
#define SH_SYS_GET_CMDLINE 0x15u
#define SH_SYS_EXIT 0x18u
/* ADP_Stopped_RunTimeErrorUnknown: QEMU exits with status 1. */
#define SH_ADP_RUNTIME_ERROR 0x20023u

void board_fault_report(const uint32_t *frame, uint32_t ipsr);

/* Any fault or unexpected interrupt lands here. A naked entry, so that no
 * prologue moves the stack pointer before it is read: the hardware frame
 * (r0-r3, r12, lr, pc, xpsr) is at MSP on entry (firmware runs on MSP only). */
__attribute__((naked)) void Fault_Handler(void)
{
    __asm__ volatile("mov r0, sp\n\t"
                     "mrs r1, ipsr\n\t"
                     "ldr r2, =board_fault_report\n\t"
                     "bx r2\n\t"
                     ".ltorg");
}

/* Reports the exception number and the faulting PC on the semihosting
 * console and stops the emulator with status 1. Uses no libc: the fault may
 * have come from inside it. */
void board_fault_report(const uint32_t *frame, uint32_t ipsr)
{
    static char msg[] = "firmware: fault (exception 0x__) at pc=0x________\n";
    uint32_t pc = 0;
    uintptr_t f = (uintptr_t)frame;
    int i;

    if (f >= 0x20000000u && f + 32u <= (uintptr_t)__stack_top && (f & 3u) == 0u)
        pc = frame[6];
    for (i = 0; i < 2; i++) {
        uint32_t nib = (ipsr >> (4 * (1 - i))) & 0xFu;
        msg[29 + i] = (char)(nib < 10u ? '0' + nib : 'a' + nib - 10u);
    }
    for (i = 0; i < 8; i++) {
        uint32_t nib = (pc >> (4 * (7 - i))) & 0xFu;
        msg[41 + i] = (char)(nib < 10u ? '0' + nib : 'a' + nib - 10u);
    }
    semihost(SH_SYS_WRITE0, msg);
    semihost(SH_SYS_EXIT, (const void *)SH_ADP_RUNTIME_ERROR);
    for (;;) {
    }
}

/* The command line QEMU passes (-semihosting-config ...,arg=A,arg=B), split
 * on spaces into argv; argv[0] is the first word. */
#define BOARD_CMDLINE_MAX 256
#define BOARD_ARGV_MAX 8
static char cmdline[BOARD_CMDLINE_MAX];
static char *argv_words[BOARD_ARGV_MAX + 1];

static int board_args(void)
{
    struct {
        char *buf;
        uint32_t len;
    } block = {cmdline, sizeof cmdline - 1};
    static char fallback[] = "firmware";
    char *p = cmdline;
    int argc = 0;

    if (semihost(SH_SYS_GET_CMDLINE, &block) != 0 || block.len >= sizeof cmdline)
        block.len = 0;
    cmdline[block.len] = '\0';
    while (*p != '\0' && argc < BOARD_ARGV_MAX) {
        while (*p == ' ')
            *p++ = '\0';
        if (*p == '\0')
            break;
        argv_words[argc++] = p;
        while (*p != '\0' && *p != ' ')
            p++;
    }
    if (argc == 0)
        argv_words[argc++] = fallback;
    argv_words[argc] = NULL;
    return argc;
}

void Reset_Handler(void)
{
    uint32_t *src = __data_load, *dst = __data_start;

#if defined(__ARM_ARCH_7EM__)
    /* CPACR: full access to CP10/CP11 (the FPU), before any float code.
     * Harmless on a core without an FPU (the bits read as zero). */
    BOARD_REG(0xE000ED88u) |= 0xFu << 20;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
    /* Plain loops, not memcpy/memset: libc is not initialised yet. */
    while (dst < __data_end)
        *dst++ = *src++;
    for (dst = __bss_start; dst < __bss_end; dst++)
        *dst = 0;

    initialise_monitor_handles();
    __libc_init_array();
    {
        int argc = board_args();
        exit(main(argc, argv_words));
    }
}

/* Vector table: initial MSP, 15 system exceptions, 32 external interrupts
 * (more than any firmware here enables). Only Reset and SysTick are real. */
typedef void (*board_vector)(void);
__attribute__((section(".vectors"), used)) static const board_vector vectors[16 + 32] = {
    (board_vector)(uintptr_t)__stack_top,
    Reset_Handler,
    Fault_Handler, /* NMI */
    Fault_Handler, /* HardFault */
    Fault_Handler, /* MemManage */
    Fault_Handler, /* BusFault */
    Fault_Handler, /* UsageFault */
    0, 0, 0, 0,
    Fault_Handler, /* SVCall */
    Fault_Handler, /* DebugMon */
    0,
    Fault_Handler, /* PendSV */
    SysTick_Handler,
    Fault_Handler, Fault_Handler, Fault_Handler, Fault_Handler,
    Fault_Handler, Fault_Handler, Fault_Handler, Fault_Handler,
    Fault_Handler, Fault_Handler, Fault_Handler, Fault_Handler,
    Fault_Handler, Fault_Handler, Fault_Handler, Fault_Handler,
    Fault_Handler, Fault_Handler, Fault_Handler, Fault_Handler,
    Fault_Handler, Fault_Handler, Fault_Handler, Fault_Handler,
    Fault_Handler, Fault_Handler, Fault_Handler, Fault_Handler,
    Fault_Handler, Fault_Handler, Fault_Handler, Fault_Handler,
};

/* bench_paint(lo, hi, pattern) fills the words [lo, hi) and touches no
 * stack itself, so it may paint the free stack right below its caller. */
__asm__(".syntax unified\n"
        ".section .text.bench_paint, \"ax\", %progbits\n"
        ".thumb\n"
        ".balign 2\n"
        ".global bench_paint\n"
        ".type bench_paint, %function\n"
        ".thumb_func\n"
        "bench_paint:\n"
        "1:  cmp r0, r1\n"
        "    bhs 2f\n"
        "    str r2, [r0]\n"
        "    adds r0, r0, #4\n"
        "    b 1b\n"
        "2:  bx lr\n"
        ".size bench_paint, . - bench_paint\n");
