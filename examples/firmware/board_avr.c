/* SPDX-License-Identifier: MIT */
/*
 * board_avr.c -- the AVR side of the mlq firmware (ATmega328P, ATmega2560),
 * run by avr/avrsim.c in libsimavr; what the two agree on:
 *
 * - stdin and stdout are UART0 at the fastest rate it has (U2X, UBRR 0:
 *   F_CPU / 8, 2 Mbit/s at 16 MHz, 8N1). The rows arrive on it, after
 *   their length (4 bytes, little-endian): stdin ends there.
 * - stderr: each byte is written to GPIOR1; avrsim copies it to its stderr.
 * - exit(status) waits for the UART to finish, writes status to GPIOR0 and
 *   sleeps with interrupts off, which ends the simulation (exit is wrapped:
 *   -Wl,--wrap=exit).
 * - the cycle counter (board.h) is read through GPIOR2.
 * - bench.c's stack painter.
 */
#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/sleep.h>
#include <stdint.h>
#include <stdio.h>

#include "board.h"

static uint8_t tx_used;

static int uart_put(char c, FILE *f)
{
    (void)f;
    while (!(UCSR0A & _BV(UDRE0))) {
    }
    UCSR0A = (uint8_t)(UCSR0A | _BV(TXC0)); /* writing 1 clears TXC0 */
    UDR0 = (uint8_t)c;
    tx_used = 1;
    return 0;
}

static uint8_t uart_byte(void)
{
    while (!(UCSR0A & _BV(RXC0))) {
    }
    return UDR0;
}

/* Bytes of input left; the first read takes the length. */
static uint32_t in_left;
static uint8_t in_started;

static int uart_get(FILE *f)
{
    (void)f;
    if (!in_started) {
        uint8_t i;
        in_started = 1;
        for (i = 0; i < 4u; i++)
            in_left |= (uint32_t)uart_byte() << (8u * i);
    }
    if (in_left == 0u)
        return _FDEV_EOF;
    in_left--;
    return uart_byte();
}

static int err_put(char c, FILE *f)
{
    (void)f;
    GPIOR1 = (uint8_t)c;
    return 0;
}

static FILE uart_out = FDEV_SETUP_STREAM(uart_put, NULL, _FDEV_SETUP_WRITE);
static FILE uart_in = FDEV_SETUP_STREAM(NULL, uart_get, _FDEV_SETUP_READ);
static FILE err_out = FDEV_SETUP_STREAM(err_put, NULL, _FDEV_SETUP_WRITE);

/* Before main (avr-libc runs constructors from .init6). */
__attribute__((constructor)) static void board_init(void)
{
    UCSR0A = _BV(U2X0); /* before UBRR0: the rate is taken when UBRR0L is written */
    UBRR0H = 0;
    UBRR0L = 0;
    UCSR0C = _BV(UCSZ01) | _BV(UCSZ00);
    UCSR0B = _BV(RXEN0) | _BV(TXEN0);
    stdout = &uart_out;
    stdin = &uart_in;
    stderr = &err_out;
}

void __wrap_exit(int status) __attribute__((noreturn));
void __wrap_exit(int status)
{
    if (tx_used) {
        while (!(UCSR0A & _BV(TXC0))) {
        }
    }
    GPIOR0 = (uint8_t)status;
    cli();
    sleep_enable();
    for (;;)
        sleep_cpu();
}

/*
 * bench_paint(lo, hi, pattern) fills the words [lo, hi) and touches no
 * stack itself. The AVR's call pushed the return address right below the
 * caller's stack, inside [lo, hi): it is popped first and pushed back at the
 * end, where the measured call will push its own. lo in r25:r24, hi in
 * r23:r22, pattern in r21..r18.
 */
#if defined(__AVR_3_BYTE_PC__)
#define BOARD_POP_PC_HIGH "    pop r0\n"
#define BOARD_PUSH_PC_HIGH "    push r0\n"
#else
#define BOARD_POP_PC_HIGH ""
#define BOARD_PUSH_PC_HIGH ""
#endif
__asm__(".section .text.bench_paint, \"ax\", @progbits\n"
        ".global bench_paint\n"
        ".type bench_paint, @function\n"
        "bench_paint:\n"
        BOARD_POP_PC_HIGH
        "    pop r31\n"
        "    pop r30\n"
        "    movw r26, r24\n"
        "1:  cp r26, r22\n"
        "    cpc r27, r23\n"
        "    brsh 2f\n"
        "    st X+, r18\n"
        "    st X+, r19\n"
        "    st X+, r20\n"
        "    st X+, r21\n"
        "    rjmp 1b\n"
        "2:  push r30\n"
        "    push r31\n"
        BOARD_PUSH_PC_HIGH
        "    ret\n"
        ".size bench_paint, . - bench_paint\n");
