/* SPDX-License-Identifier: MIT */
#include "mlq/types.h"

/* In flash on AVR (MLQ_FLASH), where the pointer returned is a flash address. */
static const char s_ok[] MLQ_FLASH = "ok";
static const char s_size[] MLQ_FLASH = "length does not match the model";
static const char s_input[] MLQ_FLASH = "input is not a number";
static const char s_model[] MLQ_FLASH = "inconsistent model";
static const char s_buffer[] MLQ_FLASH = "scratch buffer too small";
static const char s_unknown[] MLQ_FLASH = "unknown status";

/* Comparisons, not a switch: a switch may become a lookup table of
 * pointers in .rodata, which AVR copies to SRAM. */
const char *mlq_status_str(mlq_status status)
{
    if (status == MLQ_OK)
        return s_ok;
    if (status == MLQ_ERR_SIZE)
        return s_size;
    if (status == MLQ_ERR_INPUT)
        return s_input;
    if (status == MLQ_ERR_MODEL)
        return s_model;
    if (status == MLQ_ERR_BUFFER)
        return s_buffer;
    return s_unknown;
}
