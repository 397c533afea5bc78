/* SPDX-License-Identifier: MIT */
/*
 * csv_row.h -- read comma-separated feature rows one byte at a time, each
 * number read to the very float that `mlq predict` gives the device code.
 *
 *   static float x[N];
 *   static csv_row row;
 *   csv_row_init(&row, x, N);
 *   ...for every byte c received:
 *   switch (csv_row_feed(&row, c)) {
 *   case CSV_ROW_DONE:  use x[0..N)                          break;
 *   case CSV_ROW_MORE:  case CSV_ROW_EMPTY:                  break;
 *   default:            the line was rejected (row.error_field says where)
 *   }
 *
 * A line ends at '\n' ('\r' is ignored). Its fields are numbers as mlq's
 * CSV reader takes them: [+-]digits[.digits][(e|E)[+-]digits], with blanks
 * (space, tab) and one pair of double quotes allowed around them; no
 * "nan" or "inf". Each is converted as `mlq predict` converts it, strtod
 * to double then a cast to float, both rounding to nearest, ties to even,
 * in integer arithmetic only (avr-libc's strtod and float arithmetic are
 * not correctly rounded), so a row gives the firmware the same bits as the
 * host. A field may have at most CSV_ROW_FIELD_MAX bytes.
 *
 * Plain C99, no libc beyond <stddef.h> and <stdint.h>, no float arithmetic.
 */
#ifndef CSV_ROW_H
#define CSV_ROW_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Longest field, in bytes (blanks and quotes included). */
#define CSV_ROW_FIELD_MAX 40

/** What csv_row_feed() says about the byte it took. */
typedef enum csv_row_event {
    CSV_ROW_MORE = 0,       /**< the line goes on */
    CSV_ROW_DONE = 1,       /**< a line ended with n numbers: x[0..n) holds them */
    CSV_ROW_EMPTY = 2,      /**< a line ended with nothing but blanks on it */
    CSV_ROW_BAD_NUMBER = -1, /**< a line ended; field error_field is not a number */
    CSV_ROW_TOO_FEW = -2,   /**< a line ended with fewer than n fields */
    CSV_ROW_TOO_MANY = -3,  /**< a line ended with more than n fields */
    CSV_ROW_TOO_LONG = -4   /**< a line ended; field error_field is too long */
} csv_row_event;

/** Reader state: one field's text and the row read so far. */
typedef struct csv_row {
    float *x;             /**< n floats, written as their fields end */
    uint16_t n;           /**< fields per row */
    uint16_t field;       /**< index of the field being read */
    uint16_t error_field; /**< the field of the line's first error */
    int8_t error;         /**< 0, or the line's first error (a csv_row_event < 0) */
    uint8_t len;          /**< bytes in text */
    char text[CSV_ROW_FIELD_MAX];
} csv_row;

/** Start reading rows of n floats into x. */
void csv_row_init(csv_row *r, float *x, uint16_t n);

/** Take one byte; see csv_row_event. After any event but CSV_ROW_MORE the
 *  next byte starts a new line. */
csv_row_event csv_row_feed(csv_row *r, char c);

/**
 * The float of the number s[0..len) (see above) exactly as
 * (float)strtod(s) gives it: 0 on success, -1 when s is not such a number
 * (out untouched). Magnitudes beyond FLT_MAX give infinities and those
 * below the smallest subnormal's half give zeros, as the cast does.
 */
int csv_float(const char *s, size_t len, float *out);

#ifdef __cplusplus
}
#endif

#endif /* CSV_ROW_H */
