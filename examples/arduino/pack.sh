#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# pack.sh -- assemble a self-contained Arduino sketch folder for one exported
# model: the mlq_predict sketch, the header, a model.h naming it, and mlq's
# device headers (mlq.h, mlq/*.h) and sources, so that it builds without the
# mlq library installed. (With the library installed, the sketch needs only
# mlq_predict.ino, csv_row.c, csv_row.h, model.h and the header: see
# library.sh.)
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
cp "$root"/examples/arduino/mlq_predict/{mlq_predict.ino,csv_row.h,csv_row.c} "$out/"
cp "$header" "$out/$name.h"
cp "$root"/include/mlq/*.h "$out/mlq/"
cp "$root"/src/*.c "$root"/src/*.h "$out/"
if [ -f "$root/include/mlq.h" ]; then
    cp "$root/include/mlq.h" "$out/mlq.h"
else
    printf '/* mlq.h -- every mlq device header. */\n#include "mlq/mlq.h"\n' >"$out/mlq.h"
fi
# model.h: the example's, bound to this header.
sed -e "s|^#include \"iris_tree.h\"\$|#include \"$name.h\"|" \
    -e "s|^#define MODEL iris_tree\$|#define MODEL $name|" \
    "$root/examples/arduino/mlq_predict/model.h" >"$out/model.h"
grep -q "^#define MODEL $name\$" "$out/model.h" ||
    { echo "pack.sh: could not bind model.h to $name" >&2; exit 1; }
echo "$out"
