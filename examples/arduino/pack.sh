#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# pack.sh -- assemble a ready-to-open Arduino sketch folder for one exported
# model: the sketch, the header, mlq's device headers and sources, model.h.
#
#   examples/arduino/pack.sh build/pipeline/iris/iris_kmeans.h iris_kmeans build/arduino
#   -> build/arduino/mlq_predict/ (open mlq_predict.ino in the Arduino IDE)
set -eu
[ $# -eq 3 ] || { echo "usage: $0 HEADER NAME OUTDIR" >&2; exit 64; }
header=$1 name=$2 out=$3/mlq_predict
root=$(cd "$(dirname "$0")/../.." && pwd)
[ -f "$header" ] || { echo "pack.sh: no such header: $header" >&2; exit 2; }
rm -rf "$out"
mkdir -p "$out/mlq"
cp "$root/examples/arduino/mlq_predict/mlq_predict.ino" "$out/"
cp "$header" "$out/$name.h"
cp "$root"/include/mlq/*.h "$out/mlq/"
cp "$root"/src/*.c "$out/"
cat >"$out/model.h" <<EOT
/* Written by examples/arduino/pack.sh: the model this sketch runs. */
#include "$name.h"
#define MODEL_PREDICT ${name}_predict
#define MODEL_N_FEATURES ${name}_N_FEATURES
EOT
echo "$out"
