/* SPDX-License-Identifier: MIT */
#include "mlq/types.h"

const char *mlq_status_str(mlq_status status)
{
    switch (status) {
    case MLQ_OK: return "ok";
    case MLQ_ERR_SIZE: return "length does not match the model";
    case MLQ_ERR_INPUT: return "input is not a number";
    case MLQ_ERR_MODEL: return "inconsistent model";
    case MLQ_ERR_BUFFER: return "scratch buffer too small";
    }
    return "unknown status";
}
