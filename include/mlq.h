/* SPDX-License-Identifier: MIT */
/*
 * mlq.h -- every mlq device header in one include, under a top-level name
 * for the build systems that find a library by the headers it provides
 * (the Arduino builder, PlatformIO's dependency finder):
 *
 *   #include <mlq.h>
 *
 * An exported model header includes it when ARDUINO is defined, so that a
 * sketch needs nothing but the model header.
 */
#ifndef MLQ_H
#define MLQ_H

#include "mlq/mlq.h"

#endif /* MLQ_H */
