/* SPDX-License-Identifier: MIT */
/*
 * rowsfile.h -- the input-rows file read by predict.c and bench.c
 * (through semihosting) and written by rows.c (on the host).
 *
 *   float rows:  uint32 n_rows, uint32 n_features,
 *                float32 x[n_rows][n_features]
 *   Q15 rows:    uint32 ROWS_Q15_MAGIC, uint32 n_rows, uint32 n_features,
 *                int16 x[n_rows][n_features]   (Q1.15, already scaled)
 *   int16 rows:  uint32 ROWS_I16_MAGIC, uint32 n_rows, uint32 n_features,
 *                int16 x[n_rows][n_features]   (raw values, training units)
 *
 * All little-endian, no padding. Q15 and int16 files are recognised by their
 * first word; no float file has that many rows. The firmware reads one row at a time,
 * so n_rows is bounded only by the file.
 */
#ifndef MLQ_FIRMWARE_ROWSFILE_H
#define MLQ_FIRMWARE_ROWSFILE_H

#include <stdint.h>
#include <stdio.h>

#define ROWS_Q15_MAGIC 0x3531514Du /* bytes "MQ15" */
#define ROWS_I16_MAGIC 0x3631494Du /* bytes "MI16" */

typedef struct rows_header {
    uint32_t n_rows;
    uint32_t n_features;
    int q15; /* 1 when the rows are int16 Q1.15 */
    int i16; /* 1 when the rows are raw int16 values */
} rows_header;

/* Reads a little-endian uint32; returns 0 on success. */
static inline int rows_read_u32(FILE *f, uint32_t *v)
{
    unsigned char b[4];
    if (fread(b, 1, sizeof b, f) != sizeof b)
        return -1;
    *v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
    return 0;
}

/* Reads the header; returns 0 on success, -1 on a short file. */
static inline int rows_read_header(FILE *f, rows_header *h)
{
    uint32_t w;
    if (rows_read_u32(f, &w) != 0)
        return -1;
    h->q15 = (w == ROWS_Q15_MAGIC);
    h->i16 = (w == ROWS_I16_MAGIC);
    if ((h->q15 || h->i16) && rows_read_u32(f, &w) != 0)
        return -1;
    h->n_rows = w;
    return rows_read_u32(f, &h->n_features);
}

#endif /* MLQ_FIRMWARE_ROWSFILE_H */
