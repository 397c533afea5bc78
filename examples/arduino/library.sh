#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# library.sh -- assemble mlq as an Arduino library (specification rev. 2.2,
# "1.5 format") and zip it for the IDE's "Add .ZIP Library".
#
#   examples/arduino/library.sh [OUT]          (OUT defaults to build)
#   -> OUT/arduino/mlq/          library.properties, LICENSE,
#                                src/mlq.h (the one include for sketches),
#                                src/mlq/*.h (include/mlq), src/*.c and src/*.h (src),
#                                examples/mlq_predict/ (the sketch and its model)
#      OUT/mlq-arduino.zip       the same folder, mlq/ at the top
#      OUT/arduino/iris_tree.json  the example's model, for tests
#
# The example's model is trained and exported here, with the CLI named by
# $MLQ (default OUT/mlq): a decision tree on data/iris.csv, seed 1.
# Needs bash, python3 (zipfile) and the CLI; prints the zip's path.
set -eu
out=${1:-build}
root=$(cd "$(dirname "$0")/../.." && pwd)
mlq=${MLQ:-$out/mlq}
die() { echo "library.sh: $*" >&2; exit 1; }

[ -x "$mlq" ] || die "no mlq CLI at $mlq (run make, or set MLQ)"
# The library's version is the device library's.
version=$(awk '/^#define MLQ_VERSION_(MAJOR|MINOR|PATCH) / { v = v (v == "" ? "" : ".") $3 } END { print v }' \
    "$root/include/mlq/mlq.h")
props_version=$(sed -n 's/^version=//p' "$root/library.properties")
[ "$version" = "$props_version" ] ||
    die "library.properties says version $props_version, include/mlq/mlq.h says $version"

lib=$out/arduino/mlq
ex=$lib/examples/mlq_predict
rm -rf "$lib" "$out/mlq-arduino.zip"
mkdir -p "$lib/src/mlq" "$ex"
cp "$root/library.properties" "$root/LICENSE" "$lib/"
cp "$root"/include/mlq/*.h "$lib/src/mlq/"
cp "$root"/src/*.c "$root"/src/*.h "$lib/src/"
if [ -f "$root/include/mlq.h" ]; then
    cp "$root/include/mlq.h" "$lib/src/mlq.h"
else
    cat >"$lib/src/mlq.h" <<'EOF'
/* SPDX-License-Identifier: MIT */
/* mlq.h -- the mlq library's one include for sketches: every device header. */
#include "mlq/mlq.h"
EOF
fi
cp "$root"/examples/arduino/mlq_predict/{mlq_predict.ino,model.h,csv_row.h,csv_row.c} "$ex/"
"$mlq" train tree --data "$root/data/iris.csv" --out "$out/arduino/iris_tree.json" --seed 1 --quiet
msg=$("$mlq" export "$out/arduino/iris_tree.json" --name iris_tree --out "$ex/iris_tree.h" 2>&1) ||
    die "export of the example's model failed: $msg"

# A reproducible zip: sorted entries, fixed times, mlq/ at the top.
python3 - "$out/arduino" "$out/mlq-arduino.zip" <<'EOF'
import os, sys, zipfile
top, dest = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(dest + ".tmp", "w", zipfile.ZIP_DEFLATED) as z:
    for d, dirs, files in os.walk(os.path.join(top, "mlq")):
        dirs.sort()
        for f in sorted(files):
            path = os.path.join(d, f)
            info = zipfile.ZipInfo(os.path.relpath(path, top), (1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(path, "rb") as fh:
                z.writestr(info, fh.read())
os.replace(dest + ".tmp", dest)
EOF
echo "$out/mlq-arduino.zip"
