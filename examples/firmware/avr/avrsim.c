/* SPDX-License-Identifier: MIT */
/*
 * avrsim.c -- runs one AVR firmware (ELF) in libsimavr for the mlq firmware
 * runner: the firmware's UART0 is the host's stdin/stdout pair, as a serial
 * cable would be, and it ends with an exit status like a host program.
 *
 *   avrsim --mcu atmega328p|atmega2560 [--freq HZ] [--max-cycles N]
 *          [--input FILE [--serial [--line-gap N] [--idle N]]] [-v] FIRMWARE.elf
 *
 * What the firmware sees (board_avr.c is the other side):
 *   UART0 receiver   the 4-byte little-endian length of FILE, then its
 *                    bytes (nothing at all without --input), fed as fast
 *                    as the UART's receive FIFO accepts them (XON/XOFF);
 *   UART0 transmitter copied to stdout byte for byte;
 *   GPIOR1 (write)   one byte of the firmware's stderr, copied to stderr;
 *   GPIOR2 (write)   latches the cycle counter; each read of GPIOR2 then
 *                    returns the next of its 8 bytes, least significant
 *                    first: an exact count of the AVR's clock cycles;
 *   GPIOR0 (write)   the exit status (the low byte of exit()'s argument).
 * The run ends when the firmware sleeps with interrupts off (exit() does
 * that after writing GPIOR0).
 *
 * For firmware that talks over a serial line like an Arduino sketch:
 *   --serial         FILE's bytes as they are, without the length first;
 *   --line-gap N     one line of FILE at a time: each line (through its
 *                    '\n') goes once the firmware has transmitted nothing for
 *                    N cycles since the previous line went (the first: since
 *                    the start), as a person or a script waits for the banner
 *                    and for each answer (a sketch's receive buffer overflows
 *                    when rows come faster than its answers leave);
 *   --idle N         end the run, status 0, once all of FILE has gone and the
 *                    firmware has then transmitted nothing for N cycles (for
 *                    firmware that never exits).
 *
 * Exit status: the firmware's; 1 with one line on stderr when it crashed
 * (an invalid opcode, a write outside RAM: "firmware: fault at pc=0x...:
 * what"), when it ran past --max-cycles, or when it stopped without an
 * exit status; 4 when its stack grew into its static data (below _end,
 * the end of .data/.bss/.noinit: "firmware: stack overflow ..."),
 * i.e. it does not fit the MCU's SRAM; 64 for a usage error, 2 when FILE
 * or the ELF cannot be read.
 *
 * Built by ../run on demand: cc avrsim.c -lsimavr -lelf.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <simavr/avr_uart.h>
#include <simavr/sim_avr.h>
#include <simavr/sim_elf.h>
#include <simavr/sim_io.h>
#include <simavr/sim_irq.h>

/* Data-space addresses, the same on the ATmega328P and ATmega2560. */
#define ADDR_GPIOR0 0x3E
#define ADDR_GPIOR1 0x4A
#define ADDR_GPIOR2 0x4B

static struct {
    FILE *out;              /* the host's stdout (the library's is /dev/null) */
    int verbose;
    /* UART0 input: the length header, then the file */
    unsigned char *in;
    size_t in_len, in_pos;
    int xoff;
    int serial;               /* --serial: no length header */
    unsigned long long gap;   /* --line-gap: quiet cycles before the next line, 0 = no pacing */
    unsigned long long idle;  /* --idle: quiet cycles that end the run, 0 = never */
    unsigned long long quiet_from; /* cycle of the last byte sent or transmitted */
    int line_sent;            /* a line went; wait for the gap */
    avr_t *avr;
    avr_irq_t *uart_in;
    /* the firmware's end */
    int have_status, status;
    int fault;
    char fault_msg[256];
    /* cycle counter latch */
    uint64_t latch;
    unsigned latch_pos;
} sim;

static void usage(void)
{
    fprintf(stderr, "usage: avrsim --mcu atmega328p|atmega2560 [--freq HZ] [--max-cycles N]\n"
                    "              [--input FILE [--serial [--line-gap N] [--idle N]]] [-v] FIRMWARE.elf\n");
    exit(64);
}

/* simavr's messages: an error from the core means the firmware crashed
 * (an invalid opcode is only logged there, so this is where it is caught);
 * the rest is shown with -v only. Colour escapes are dropped. */
static void logger(avr_t *avr, const int level, const char *format, va_list ap)
{
    char buf[sizeof sim.fault_msg];
    size_t i, j;

    (void)avr;
    if (level > LOG_ERROR && !sim.verbose)
        return;
    vsnprintf(buf, sizeof buf, format, ap);
    for (i = j = 0; buf[i] != '\0'; i++) {
        if (buf[i] == '\033') {
            while (buf[i] != '\0' && buf[i] != 'm')
                i++;
            if (buf[i] == '\0')
                break;
            continue;
        }
        if (buf[i] != '\n')
            buf[j++] = buf[i];
    }
    buf[j] = '\0';
    if (level == LOG_ERROR && !sim.fault) {
        sim.fault = 1;
        snprintf(sim.fault_msg, sizeof sim.fault_msg, "%s", buf);
    }
    if (sim.verbose)
        fprintf(stderr, "simavr: %s\n", buf);
}

/* Never sleep in host time (the default sleeps while the AVR does). */
static void no_sleep(avr_t *avr, avr_cycle_count_t how_long)
{
    (void)avr;
    (void)how_long;
}

static void feed(void)
{
    if (sim.line_sent) {
        if (sim.avr->cycle - sim.quiet_from < sim.gap)
            return;
        sim.line_sent = 0;
    }
    while (!sim.xoff && sim.in_pos < sim.in_len) {
        unsigned char c = sim.in[sim.in_pos++];

        avr_raise_irq(sim.uart_in, c);
        sim.quiet_from = sim.avr->cycle;
        if (c == '\n' && sim.gap != 0) {
            sim.line_sent = 1;
            break;
        }
    }
}

static void on_xon(avr_irq_t *irq, uint32_t value, void *param)
{
    (void)irq;
    (void)param;
    (void)value;
    sim.xoff = 0;
    feed();
}

static void on_xoff(avr_irq_t *irq, uint32_t value, void *param)
{
    (void)irq;
    (void)param;
    sim.xoff = value != 0;
}

static void on_tx(avr_irq_t *irq, uint32_t value, void *param)
{
    (void)irq;
    (void)param;
    putc((int)(value & 0xFFu), sim.out);
    sim.quiet_from = sim.avr->cycle;
}

static void on_status(avr_t *avr, avr_io_addr_t addr, uint8_t v, void *param)
{
    (void)avr;
    (void)addr;
    (void)param;
    sim.status = v;
    sim.have_status = 1;
}

static void on_stderr(avr_t *avr, avr_io_addr_t addr, uint8_t v, void *param)
{
    (void)avr;
    (void)addr;
    (void)param;
    fflush(sim.out);
    putc(v, stderr);
}

static void on_latch(avr_t *avr, avr_io_addr_t addr, uint8_t v, void *param)
{
    (void)addr;
    (void)param;
    (void)v;
    sim.latch = avr->cycle;
    sim.latch_pos = 0;
}

static uint8_t on_counter(avr_t *avr, avr_io_addr_t addr, void *param)
{
    uint8_t b;

    (void)avr;
    (void)addr;
    (void)param;
    b = sim.latch_pos < 8u ? (uint8_t)(sim.latch >> (8u * sim.latch_pos)) : 0u;
    sim.latch_pos++;
    return b;
}

static int read_input(const char *path)
{
    FILE *f = fopen(path, "rb");
    long n;

    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || n > 0x7FFFFFFFL ||
        fseek(f, 0, SEEK_SET) != 0) {
        fprintf(stderr, "avrsim: %s: %s\n", path, strerror(errno));
        if (f != NULL)
            fclose(f);
        return -1;
    }
    sim.in = malloc((size_t)n + 4u);
    if (sim.in == NULL) {
        fclose(f);
        fprintf(stderr, "avrsim: %s: out of memory\n", path);
        return -1;
    }
    sim.in[0] = (unsigned char)n;
    sim.in[1] = (unsigned char)(n >> 8);
    sim.in[2] = (unsigned char)(n >> 16);
    sim.in[3] = (unsigned char)(n >> 24);
    if (fread(sim.in + (sim.serial ? 0 : 4), 1, (size_t)n, f) != (size_t)n) {
        fclose(f);
        fprintf(stderr, "avrsim: %s: read error\n", path);
        return -1;
    }
    fclose(f);
    sim.in_len = (size_t)n + (sim.serial ? 0u : 4u);
    return 0;
}

/* The end of static data (_end: .data, .bss and .noinit; the heap would
 * start there), as a data address. */
static int static_end(const elf_firmware_t *fw, uint16_t *addr)
{
    uint32_t i;

    for (i = 0; i < fw->symbolcount; i++) {
        if (strcmp(fw->symbol[i]->symbol, "_end") == 0) {
            *addr = (uint16_t)(fw->symbol[i]->addr & 0xFFFFu);
            return 0;
        }
    }
    return -1;
}

int main(int argc, char **argv)
{
    const char *mcu = NULL, *input = NULL, *elf = NULL;
    unsigned long long max_cycles = 0;
    unsigned long freq = 16000000ul;
    elf_firmware_t fw;
    avr_t *avr;
    uint32_t flags = 0;
    uint16_t floor_addr = 0;
    int have_floor, i, fd, state;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--mcu") == 0 && i + 1 < argc)
            mcu = argv[++i];
        else if (strcmp(argv[i], "--freq") == 0 && i + 1 < argc)
            freq = strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--max-cycles") == 0 && i + 1 < argc)
            max_cycles = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--input") == 0 && i + 1 < argc)
            input = argv[++i];
        else if (strcmp(argv[i], "--serial") == 0)
            sim.serial = 1;
        else if (strcmp(argv[i], "--line-gap") == 0 && i + 1 < argc)
            sim.gap = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--idle") == 0 && i + 1 < argc)
            sim.idle = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "-v") == 0)
            sim.verbose = 1;
        else if (argv[i][0] != '-' && elf == NULL)
            elf = argv[i];
        else
            usage();
    }
    if (mcu == NULL || elf == NULL || freq == 0 || ((sim.gap != 0 || sim.idle != 0) && !sim.serial) ||
        (sim.serial && input == NULL))
        usage();
    sim.line_sent = sim.gap != 0; /* the first line too waits for a quiet gap (after a banner) */

    /* libsimavr prints progress on stdout: keep the real stdout for the
     * firmware's UART and send the library's to stderr (-v) or nowhere. */
    fflush(stdout);
    fd = dup(1);
    if (fd < 0 || (sim.out = fdopen(fd, "wb")) == NULL) {
        perror("avrsim: stdout");
        return 2;
    }
    if (freopen(sim.verbose ? "/dev/stderr" : "/dev/null", "w", stdout) == NULL) {
        perror("avrsim: /dev/null");
        return 2;
    }
    avr_global_logger_set(logger);

    if (input != NULL && read_input(input) != 0)
        return 2;
    memset(&fw, 0, sizeof fw);
    if (elf_read_firmware(elf, &fw) != 0) {
        fprintf(stderr, "avrsim: %s: cannot read the ELF file\n", elf);
        return 2;
    }
    have_floor = static_end(&fw, &floor_addr) == 0;
    avr = avr_make_mcu_by_name(mcu);
    if (avr == NULL) {
        fprintf(stderr, "avrsim: unknown MCU '%s'\n", mcu);
        return 64;
    }
    avr_init(avr);
    sim.avr = avr;
    avr->sleep = no_sleep;
    avr->gdb_port = 0;
    snprintf(fw.mmcu, sizeof fw.mmcu, "%s", mcu);
    fw.frequency = (uint32_t)freq;
    avr_load_firmware(avr, &fw);
    avr->frequency = (uint32_t)freq;
    avr->log = sim.verbose ? LOG_TRACE : LOG_ERROR;

    /* UART0: no console echo, no host sleep while the firmware polls. */
    avr_ioctl(avr, AVR_IOCTL_UART_GET_FLAGS('0'), &flags);
    flags &= ~(uint32_t)(AVR_UART_FLAG_STDIO | AVR_UART_FLAG_POLL_SLEEP);
    avr_ioctl(avr, AVR_IOCTL_UART_SET_FLAGS('0'), &flags);
    sim.uart_in = avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_INPUT);
    avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUTPUT),
                            on_tx, NULL);
    avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUT_XON),
                            on_xon, NULL);
    avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUT_XOFF),
                            on_xoff, NULL);
    avr_register_io_write(avr, ADDR_GPIOR0, on_status, NULL);
    avr_register_io_write(avr, ADDR_GPIOR1, on_stderr, NULL);
    avr_register_io_write(avr, ADDR_GPIOR2, on_latch, NULL);
    avr_register_io_read(avr, ADDR_GPIOR2, on_counter, NULL);

    for (;;) {
        uint16_t sp;
        uint32_t pc = avr->pc;
        /* `out SPH` and `out SREG` sit between the two halves of a stack
         * pointer update (SPH, SREG, SPL in every prologue and epilogue):
         * SP is not checked right after them. */
        unsigned op = 0;
        int sp_halfway;

        if (pc + 1u <= avr->flashend)
            op = (unsigned)(avr->flash[pc] | avr->flash[pc + 1u] << 8);
        sp_halfway = (op & 0xFE0Fu) == 0xBE0Eu || (op & 0xFE0Fu) == 0xBE0Fu;

        state = avr_run(avr);
        if (state == cpu_Done)
            break;
        if (state == cpu_Crashed || sim.fault) {
            fflush(sim.out);
            fprintf(stderr, "firmware: fault at pc=0x%05lx: %s\n", (unsigned long)pc,
                    sim.fault_msg[0] != '\0' ? sim.fault_msg : "simavr stopped the core");
            return 1;
        }
        sp = (uint16_t)(avr->data[R_SPL] | avr->data[R_SPH] << 8);
        if (have_floor && !sp_halfway && (uint32_t)sp + 1u < floor_addr) {
            fflush(sim.out);
            fprintf(stderr,
                    "firmware: stack overflow at pc=0x%05lx: SP=0x%04x is below the end of static "
                    "data (0x%04x): it does not fit the %s's SRAM\n",
                    (unsigned long)pc, (unsigned)sp, (unsigned)floor_addr, mcu);
            return 4;
        }
        if (max_cycles != 0 && avr->cycle > max_cycles) {
            fflush(sim.out);
            fprintf(stderr, "firmware: no end after %llu cycles (--max-cycles), stopped at "
                    "pc=0x%05lx\n", max_cycles, (unsigned long)pc);
            return 1;
        }
        if (sim.line_sent)
            feed();
        if (sim.idle != 0 && sim.in_pos == sim.in_len && avr->cycle - sim.quiet_from >= sim.idle)
            break; /* --idle: a firmware that never exits has said all it will */
    }
    if (fflush(sim.out) != 0) {
        perror("avrsim: stdout");
        return 2;
    }
    if (sim.idle != 0 && !sim.have_status)
        return 0;
    if (!sim.have_status) {
        fprintf(stderr, "firmware: stopped without an exit status\n");
        return 1;
    }
    return sim.status;
}
