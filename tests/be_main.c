/* SPDX-License-Identifier: MIT */
/*
 * be_main.c -- a Linux user-mode program (no libc) that runs one exported
 * model on the rows compiled in with it and prints what
 * `mlq predict --device --ids --scores [--proba]` prints. tests/bigendian.sh
 * builds it for a Cortex-M4F core in little- and big-endian byte order and
 * runs both under qemu-arm and qemu-armeb.
 */
#include <stddef.h>
#include <stdint.h>

#include MODEL_HEADER
#include MODEL_ROWS

#define PASTE2(a, b) a##b
#define PASTE(a, b) PASTE2(a, b)
#define M(x) PASTE(MODEL, x)

void _start(void);
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);

void *memcpy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    while (n-- > 0)
        *d++ = *s++;
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;

    while (n-- > 0)
        *d++ = (unsigned char)c;
    return dst;
}

static long sys(long n, long a, long b, long c)
{
    register long r0 __asm__("r0") = a;
    register long r1 __asm__("r1") = b;
    register long r2 __asm__("r2") = c;
    register long r7 __asm__("r7") = n;

    __asm__ volatile("svc 0" : "+r"(r0) : "r"(r1), "r"(r2), "r"(r7) : "memory");
    return r0;
}

static char buf[4096];
static size_t used;

static void flush(void)
{
    sys(4, 1, (long)buf, (long)used);
    used = 0;
}

static void put(char c)
{
    if (used == sizeof buf)
        flush();
    buf[used++] = c;
}

static void put_int(long v)
{
    char d[24];
    int n = 0;
    unsigned long u = v < 0 ? 0ul - (unsigned long)v : (unsigned long)v;

    if (v < 0)
        put('-');
    do {
        d[n++] = (char)('0' + u % 10u);
        u /= 10u;
    } while (u != 0);
    while (n > 0)
        put(d[--n]);
}

void _start(void)
{
    size_t i, j;

    for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int32_t s[M(_N_OUTPUTS)];
        int y = M(_predict)(rows[i]);

        if (y < 0) {
            put_int(y);
            put('\n');
            continue;
        }
        put_int(y);
        if (M(_scores)(rows[i], s) != y)
            put('!');
        for (j = 0; j < M(_N_OUTPUTS); j++) {
            put(' ');
            put_int(s[j]);
        }
#ifdef MODEL_PROBA
        {
            uint16_t p[M(_N_OUTPUTS)];

            if (M(_proba)(rows[i], p) != y)
                put('!');
            for (j = 0; j < M(_N_OUTPUTS); j++) {
                put(' ');
                put_int(p[j]);
            }
        }
#endif
        put('\n');
    }
    flush();
    sys(1, 0, 0, 0);
    for (;;) {
    }
}
