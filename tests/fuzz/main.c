/* SPDX-License-Identifier: MIT */
/* The libFuzzer entry of one target, chosen with -DMLQ_FUZZ_TARGET=mlq_fuzz_X (fuzz.mk). */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return MLQ_FUZZ_TARGET(data, size);
}
