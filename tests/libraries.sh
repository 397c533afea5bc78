#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# libraries.sh -- mlq as a library of other build systems.
#
#   Manifests   library.properties, library.json, zephyr/module.yml,
#               zephyr/Kconfig: they parse, carry the fields their formats
#               require and mlq's version, and every path they name exists;
#               cmake/mlq_sources.cmake lists exactly src/*.c.
#   Arduino     the sketch's number reader against (float)strtod; the
#               library from examples/arduino/library.sh (zip layout, files
#               equal to the sources, the sources built for the ATmega328P
#               with the project's warnings); the example and sketches for
#               five models built for arduino:avr:uno with arduino-builder
#               (no warning from mlq's files), run in simavr
#               (examples/firmware/avr/avrsim.c) on every iris row plus bad
#               lines, and compared with `mlq predict --device` line for
#               line; a sketch that includes nothing but an exported header;
#               pack.sh's self-contained sketch folder.
#   CMake       tests/cmake_consumer built against mlq through
#               add_subdirectory and through find_package after
#               `cmake --install`, with the project's warnings, run and
#               compared with `mlq predict --device`; the version file
#               refuses another minor version; a consumer's install does not
#               install mlq; zephyr/CMakeLists.txt run with stand-ins for
#               Zephyr's CMake functions (tests/cmake_consumer/zephyr_stub).
#
#   bash tests/libraries.sh       (MLQ: the CLI, default build/mlq;
#                                  AVRSIM: a built avrsim, default: built here)
#
# Needs cmake, arduino-builder, arduino-core-avr, gcc-avr, avr-libc,
# libsimavr-dev, python3. PlatformIO and Zephyr themselves are not run.
. "$(dirname "$0")/cli_lib.sh"
# check NAME CMD...: ok when CMD succeeds, else FAIL NAME with its output.
check() {
    local name=$1
    shift
    if "$@" >"$T/check.log" 2>&1; then ok; else bad "$name: $(tail -n 5 "$T/check.log")"; fi
}

cd "$ROOT" || exit 1
[ -x "$MLQ" ] || { echo "libraries.sh: no mlq CLI at $MLQ (run make)" >&2; exit 2; }
# The project's warning flags, from the Makefile.
# shellcheck disable=SC2016
WARN=$(printf 'print-warn:\n\t@echo $(WARN)\n' | make -s --no-print-directory -f Makefile -f - print-warn)
case $WARN in *-Werror*) ;; *) echo "libraries.sh: cannot read WARN from the Makefile" >&2; exit 2 ;; esac
VERSION=$(awk '/^#define MLQ_VERSION_(MAJOR|MINOR|PATCH) / { v = v (v == "" ? "" : ".") $3 } END { print v }' \
    include/mlq/mlq.h)

# ---- manifests ---------------------------------------------------------------
check "manifests" python3 - "$VERSION" <<'EOF'
import glob, json, os, re, sys

version = sys.argv[1]
errors = []
def need(cond, what):
    if not cond:
        errors.append(what)

# library.properties: Arduino library specification rev. 2.2 (1.5 format).
props = {}
for n, line in enumerate(open("library.properties", encoding="utf-8"), 1):
    line = line.rstrip("\n")
    if not line.strip() or line.lstrip().startswith("#"):
        continue
    need("=" in line, "library.properties:%d: not key=value" % n)
    k, _, v = line.partition("=")
    need(k not in props, "library.properties: %s twice" % k)
    props[k] = v
for k in ("name", "version", "author", "maintainer", "sentence", "paragraph", "category", "url",
          "architectures"):
    need(props.get(k, "").strip() != "", "library.properties: no %s" % k)
need(props.get("name") == "mlq", "library.properties: name is not mlq")
need(props.get("version") == version, "library.properties: version %s, mlq.h says %s" % (props.get("version"), version))
need(props.get("category") in ("Display", "Communication", "Signal Input/Output", "Sensors", "Device Control",
                               "Timing", "Data Storage", "Data Processing", "Other"),
     "library.properties: category not one of the specification's")
need(props.get("includes") == "mlq.h", "library.properties: includes is not mlq.h")

# library.json: PlatformIO's manifest.
lj = json.load(open("library.json", encoding="utf-8"))
need(lj.get("name") == "mlq", "library.json: name is not mlq")
need(lj.get("version") == version, "library.json: version %s, mlq.h says %s" % (lj.get("version"), version))
need(isinstance(lj.get("description"), str) and 0 < len(lj["description"]) <= 255, "library.json: description")
need(re.fullmatch(r"[a-z0-9-]+", str(lj.get("name"))) is not None, "library.json: name not slug style")
build = lj.get("build", {})
src, inc = build.get("srcDir", "src"), build.get("includeDir", "include")
need(os.path.isdir(src) and glob.glob(os.path.join(src, "*.c")), "library.json: srcDir %s has no C sources" % src)
need(os.path.isdir(inc), "library.json: includeDir %s missing" % inc)
for h in lj.get("headers", []):
    need(os.path.isfile(os.path.join(inc, h)), "library.json: header %s not in %s" % (h, inc))
for p in lj.get("export", {}).get("include", []):
    need(glob.glob(p), "library.json: export.include %s names nothing" % p)
known = {"$schema", "name", "version", "description", "keywords", "homepage", "repository", "authors",
         "license", "frameworks", "platforms", "headers", "examples", "dependencies", "export", "scripts",
         "build"}
need(not set(lj) - known, "library.json: unknown fields %s" % sorted(set(lj) - known))

# zephyr/module.yml: a minimal YAML reader (mappings, lists, scalars), then
# Zephyr's schema (scripts/zephyr_module.py) on the result.
def read_yaml(path):
    root, stack = {}, [(-1, None)]
    stack = [(-1, root)]
    lines = open(path, encoding="utf-8").read().splitlines()
    for n, raw in enumerate(lines, 1):
        line = raw.split(" #")[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if not line.strip():
            continue
        need("\t" not in raw, "%s:%d: tab" % (path, n))
        ind = len(line) - len(line.lstrip(" "))
        body = line.strip()
        while stack and ind <= stack[-1][0]:
            stack.pop()
        parent = stack[-1][1]
        if body.startswith("- "):
            need(isinstance(parent, list), "%s:%d: list item outside a list" % (path, n))
            if isinstance(parent, list):
                parent.append(body[2:].strip())
            continue
        key, sep, val = body.partition(":")
        need(sep == ":" and key and " " not in key.strip(), "%s:%d: not 'key: value'" % (path, n))
        need(isinstance(parent, dict) and key not in parent, "%s:%d: key %s misplaced" % (path, n, key))
        if not isinstance(parent, dict):
            continue
        val = val.strip()
        if val:
            parent[key] = {"true": True, "false": False}.get(val.lower(), val.strip("'\""))
        else:
            nxt = next((l for l in lines[n:] if l.strip() and not l.lstrip().startswith("#")), "")
            child = [] if nxt.strip().startswith("- ") else {}
            parent[key] = child
            stack.append((ind, child))
    return root

my = read_yaml("zephyr/module.yml")
try:
    import yaml
    need(yaml.safe_load(open("zephyr/module.yml")) == my, "zephyr/module.yml: PyYAML reads it otherwise")
except ImportError:
    pass
need(set(my) <= {"name", "build", "tests", "samples", "boards", "blobs"}, "module.yml: unknown top keys")
need(my.get("name") == "mlq", "module.yml: name is not mlq")
b = my.get("build", {})
need(isinstance(b, dict) and set(b) <= {"cmake", "kconfig", "cmake-ext", "kconfig-ext", "sysbuild-cmake",
                                         "sysbuild-kconfig", "sysbuild-cmake-ext", "sysbuild-kconfig-ext",
                                         "depends", "settings"}, "module.yml: unknown build keys")
need(os.path.isfile(os.path.join(b.get("cmake", "zephyr"), "CMakeLists.txt")),
     "module.yml: build.cmake is no folder with a CMakeLists.txt")
need(os.path.isfile(b.get("kconfig", "zephyr/Kconfig")), "module.yml: build.kconfig is no file")
kconfig = open(b.get("kconfig", "zephyr/Kconfig")).read()
need(re.search(r"^config MLQ\n\tbool \"", kconfig, re.M), "Kconfig: no bool 'config MLQ'")
zc = open(os.path.join(b.get("cmake", "zephyr"), "CMakeLists.txt")).read()
need("if(CONFIG_MLQ)" in zc, "zephyr/CMakeLists.txt: not under CONFIG_MLQ")
for p in re.findall(r"\$\{MLQ_TOP\}/([A-Za-z0-9_./-]+)", zc):
    need(os.path.exists(p), "zephyr/CMakeLists.txt: %s does not exist" % p)

# cmake/mlq_sources.cmake: exactly src/*.c.
m = re.search(r"set\(MLQ_SOURCES\s+([^)]*)\)", open("cmake/mlq_sources.cmake").read())
listed = sorted(m.group(1).split()) if m else []
need(listed == sorted(glob.glob("src/*.c")),
     "cmake/mlq_sources.cmake lists %s, src/ has %s" % (listed, sorted(glob.glob("src/*.c"))))

if errors:
    print("\n".join(errors))
    sys.exit(1)
EOF

# ---- the models ----------------------------------------------------------------
# All 150 iris rows, features only; the same with a header for mlq predict.
tail -n +2 data/iris.csv | cut -d, -f1-4 >"$T/rows.csv"
{ head -n 1 data/iris.csv | cut -d, -f1-4; cat "$T/rows.csv"; } >"$T/rows_h.csv"
mkdir -p "$T/models"
# model NAME TRAIN-ARGS...: train on iris, export NAME.h, write NAME.want,
# the lines `mlq predict --device` prints (scores, and probabilities where
# the model has them).
model() {
    local name=$1 out="--scores"
    shift
    "$MLQ" train "$@" --data data/iris.csv --out "$T/models/$name.json" --quiet &&
        "$MLQ" export "$T/models/$name.json" --name "$name" --out "$T/models/$name.h" 2>/dev/null || return 1
    ! grep -q "${name}_proba_q15(" "$T/models/$name.h" || out="$out --proba"
    # shellcheck disable=SC2086
    "$MLQ" predict "$T/models/$name.json" "$T/rows_h.csv" --device $out >"$T/models/$name.want"
}
models() {
    model iris_tree tree --seed 1 && model iris_km kmeans --k 3 --seed 1 && model iris_svm svm --kernel linear &&
        model iris_mlp mlp --hidden 8 --seed 1 && model iris_gmm gmm --components 3 --seed 1
}
check "train and export the iris models" models

# ---- the sketch's number reader ------------------------------------------------
reader() {
    # shellcheck disable=SC2086
    ${CC:-cc} $WARN -O2 -Iexamples/arduino/mlq_predict examples/arduino/csv_row_check.c \
        examples/arduino/mlq_predict/csv_row.c -lm -o "$T/csv_row_check" && "$T/csv_row_check" data/*.csv
}
check "csv_row.c against (float)strtod" reader

# ---- Arduino -------------------------------------------------------------------
mkdir -p "$T/core-cache"
ARDUINO_BUILDER=(arduino-builder -compile -hardware /usr/share/arduino/hardware
    -hardware /usr/share/arduino-builder -tools /usr/share/arduino-builder
    -warnings all -prefs=compiler.cpp.extra_flags=-DDECIMAL_DIG=__DECIMAL_DIG__ -build-cache "$T/core-cache")
# build_sketch DIR [LIBDIR [FQBN]]: arduino-builder on DIR/DIR.ino into
# DIR.build, for FQBN (default the Uno); fails on an error or on a warning
# from any file but the Arduino core's.
build_sketch() {
    local dir=$1 libs=${2:-} fqbn=${3:-arduino:avr:uno} sketch
    sketch=$dir/$(basename "$dir").ino
    rm -rf "$dir.build"
    mkdir -p "$dir.build"
    if [ -n "$libs" ]; then
        "${ARDUINO_BUILDER[@]}" -fqbn "$fqbn" -libraries "$libs" -build-path "$dir.build" "$sketch" >"$dir.log" 2>&1
    else
        "${ARDUINO_BUILDER[@]}" -fqbn "$fqbn" -build-path "$dir.build" "$sketch" >"$dir.log" 2>&1
    fi || { grep -m 5 -E 'error|Error' "$dir.log"; return 1; }
    if grep 'warning:' "$dir.log" | grep -v '^/usr/share/arduino/'; then return 1; fi
    [ -f "$dir.build/$(basename "$sketch").elf" ]
}

LIBS=$T/arduino-libs
check "library.sh packages the Arduino library" env MLQ="$MLQ" bash examples/arduino/library.sh "$T/out"
mkdir -p "$LIBS"
check "the zip holds mlq/ and nothing else, and unpacks" python3 - "$T/out/mlq-arduino.zip" "$LIBS" <<'EOF'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = z.namelist()
bad = [n for n in names if not n.startswith("mlq/") or ".." in n]
if bad or not names:
    sys.exit("entries outside mlq/: %s" % bad[:5])
z.extractall(sys.argv[2])
EOF
L=$LIBS/mlq
layout_ok() {
    local f
    [ -f "$L/library.properties" ] && cmp -s library.properties "$L/library.properties" || return 1
    grep -q '#include "mlq/mlq.h"' "$L/src/mlq.h" || return 1
    for f in include/mlq/*.h; do cmp -s "$f" "$L/src/mlq/$(basename "$f")" || { echo "$f"; return 1; }; done
    for f in src/*.c src/*.h; do cmp -s "$f" "$L/src/$(basename "$f")" || { echo "$f"; return 1; }; done
    for f in mlq_predict.ino model.h csv_row.h csv_row.c; do
        cmp -s "examples/arduino/mlq_predict/$f" "$L/examples/mlq_predict/$f" || { echo "$f"; return 1; }
    done
    # and nothing else: library.properties, LICENSE, src/mlq.h, the sources,
    # the example's 4 files and its model
    [ -f "$L/examples/mlq_predict/iris_tree.h" ] &&
        [ "$(find "$L" -type f | wc -l)" -eq $((8 + $(find include/mlq src -maxdepth 1 -name '*.[ch]' | wc -l))) ]
}
check "library layout: library.properties, src/mlq.h, src/mlq/*.h, src/*.c, src/*.h, examples/" layout_ok

# The library's sources as packaged, for the Uno's ATmega328P, with the
# project's warnings (arduino-builder compiles them with -w or -Wall only);
# and the sketch's reader.
avr_strict() {
    local f
    for f in "$L"/src/*.c "$L"/examples/mlq_predict/csv_row.c; do
        # shellcheck disable=SC2086
        avr-gcc -mmcu=atmega328p -Os $WARN -ffp-contract=off -c "$f" -o "$T/avr.o" || return 1
    done
}
check "library sources build for the ATmega328P with the project's warnings" avr_strict

# The example as a user opens it from the installed library.
cp -r "$L/examples/mlq_predict" "$T/mlq_predict"
check "the example builds for arduino:avr:uno" build_sketch "$T/mlq_predict" "$LIBS"

# A sketch with nothing but an exported header in it.
mkdir -p "$T/bare"
cp "$T/models/iris_km.h" "$T/bare/"
cat >"$T/bare/bare.ino" <<'EOF'
#include "iris_km.h"

void setup() { Serial.begin(115200); }
void loop()
{
    static const float x[iris_km_N_FEATURES] = {5.1f, 3.5f, 1.4f, 0.2f};
    Serial.println(iris_km_predict(x));
}
EOF
check "a sketch that includes only an exported header builds (the header names the library)" \
    build_sketch "$T/bare" "$LIBS"

# sketch_for NAME [FQBN]: the example bound to model NAME, with the library.
sketch_for() {
    local name=$1 fqbn=${2:-} d=$T/sk_$1
    rm -rf "$d"
    mkdir -p "$d"
    cp "$L"/examples/mlq_predict/{csv_row.c,csv_row.h} "$d/"
    cp "$L/examples/mlq_predict/mlq_predict.ino" "$d/sk_$name.ino"
    cp "$T/models/$name.h" "$d/"
    sed -e "s|^#include \"iris_tree.h\"\$|#include \"$name.h\"|" -e "s|^#define MODEL iris_tree\$|#define MODEL $name|" \
        "$L/examples/mlq_predict/model.h" >"$d/model.h"
    build_sketch "$d" "$LIBS" "$fqbn"
}
MODELS="iris_km iris_svm iris_mlp iris_gmm"
for m in $MODELS; do
    check "the example bound to $m builds for arduino:avr:uno" sketch_for "$m"
done

# pack.sh's folder builds with no library at all.
packed() {
    examples/arduino/pack.sh "$T/models/iris_svm.h" iris_svm "$T/pack" >/dev/null && build_sketch "$T/pack/mlq_predict"
}
check "pack.sh's self-contained sketch folder builds for arduino:avr:uno" packed

# In simavr: every row, and lines the sketch must refuse, in between.
{
    head -n 40 "$T/rows.csv"
    printf '5.1,3.5,1.4\n\n5.1,x,1.4,0.2\n1,2,3,4,5\n'
    tail -n +41 "$T/rows.csv"
} >"$T/serial.txt"
# avrsim built as examples/firmware/run builds it, unless AVRSIM names one.
AVRSIM=${AVRSIM:-}
# shellcheck disable=SC2086
if [ -z "$AVRSIM" ]; then
    AVRSIM=$T/avrsim
    if [ ! -f examples/firmware/avr/avrsim.c ]; then
        bad "simavr: examples/firmware/avr/avrsim.c is missing"
        AVRSIM=
    elif ! grep -q -- '--line-gap' examples/firmware/avr/avrsim.c; then
        bad "simavr: avrsim has no --serial/--line-gap/--idle (a sketch needs them)"
        AVRSIM=
    elif ! ${CC:-cc} $WARN -O2 examples/firmware/avr/avrsim.c -lsimavr -o "$AVRSIM" 2>"$T/avrsim.log"; then
        bad "simavr: avrsim does not build: $(head -n 3 "$T/avrsim.log")"
        AVRSIM=
    fi
fi
# run_sketch DIR WANT: the sketch's ELF in simavr, one line at a time,
# against WANT (the model's `mlq predict --device` lines).
run_sketch() {
    local dir=$1 want=$2 elf
    elf=$dir.build/$(basename "$dir").ino.elf
    "$AVRSIM" --mcu atmega328p --input "$T/serial.txt" --serial --line-gap 200000 --idle 2000000 \
        --max-cycles 400000000 "$elf" >"$dir.out" || return 1
    # The sketch's own lines start with "# ": the banner, then the 3 refusals
    # (the empty line gets no answer).
    [ "$(grep -c '^# ' "$dir.out")" -eq 4 ] || { echo "expected 4 '# ' lines:"; grep '^# ' "$dir.out"; return 1; }
    if ! grep -q '^# line 41: too few fields' "$dir.out" || ! grep -q '^# line 43: field 2 is not a number' "$dir.out" ||
        ! grep -q '^# line 44: too many fields' "$dir.out"; then
        echo "refusals:"
        grep '^# ' "$dir.out"
        return 1
    fi
    grep -v '^# ' "$dir.out" | diff - "$want" | head -n 5
    [ "${PIPESTATUS[1]}" -eq 0 ]
}
if [ -n "$AVRSIM" ]; then
    check "simavr: the example (iris_tree) prints what mlq predict --device prints" \
        run_sketch "$T/mlq_predict" "$T/models/iris_tree.want"
    for m in $MODELS; do
        if [ -f "$T/sk_$m.build/sk_$m.ino.elf" ]; then
            check "simavr: $m prints what mlq predict --device prints" run_sketch "$T/sk_$m" "$T/models/$m.want"
        fi
    done
fi

# The Mega: the example bound to the digits RBF SVM (105 KB of constants,
# its support vectors a far array read beyond 64 KiB; mlq/types.h), built
# for arduino:avr:mega and run in simavr on 4 digits rows (1 s of the
# Mega's time each: a row goes once the last answer is 2 s old).
digits_model() {
    "$MLQ" train svm --kernel rbf --C 1 --gamma scale --data data/digits.csv --out "$T/models/digits_svm.json" \
        --quiet && "$MLQ" export "$T/models/digits_svm.json" --name digits_svm --out "$T/models/digits_svm.h" \
        --target mega && ! grep -q '#error.*does not fit' "$T/models/digits_svm.h" &&
        head -n 5 data/digits.csv | cut -d, -f1-64 >"$T/digits_h.csv" && tail -n +2 "$T/digits_h.csv" >"$T/digits.txt" &&
        "$MLQ" predict "$T/models/digits_svm.json" "$T/digits_h.csv" --device --scores >"$T/models/digits_svm.want"
}
run_mega() {
    local elf=$T/sk_digits_svm.build/sk_digits_svm.ino.elf
    "$AVRSIM" --mcu atmega2560 --input "$T/digits.txt" --serial --line-gap 32000000 --idle 32000000 \
        --max-cycles 1000000000 "$elf" >"$T/mega.out" || return 1
    grep -v '^# ' "$T/mega.out" | diff - "$T/models/digits_svm.want" || { head -c 600 "$T/mega.out"; return 1; }
}
check "the digits RBF SVM exported for the mega" digits_model
check "the example bound to the digits RBF SVM builds for arduino:avr:mega" \
    sketch_for digits_svm arduino:avr:mega:cpu=atmega2560
[ -z "$AVRSIM" ] || check "simavr: the digits RBF SVM on the Mega prints what mlq predict --device prints" run_mega

# ---- CMake ---------------------------------------------------------------------
# consumer_ok BUILD: run its consumer on the rows, against iris_tree.want.
consumer_ok() {
    "$1/consumer" <"$T/rows.csv" >"$1.out" && diff "$1.out" "$T/models/iris_tree.want" >/dev/null
}
# cm NAME SRC BUILD ARGS...: configure and build with the project's warnings.
cm() {
    local src=$1 b=$2
    shift 2
    if ! cmake -S "$src" -B "$b" -DCMAKE_BUILD_TYPE=Release "-DCMAKE_C_FLAGS=$WARN" \
        -DCMAKE_EXPORT_COMPILE_COMMANDS=ON "$@" >"$b.log" 2>&1 ||
        ! cmake --build "$b" --parallel 2 >>"$b.log" 2>&1; then
        tail -n 15 "$b.log"
        return 1
    fi
}
M=$T/models

check "CMake: consumer through add_subdirectory builds" cm tests/cmake_consumer "$T/sub" \
    -DMLQ_SOURCE_DIR="$ROOT" -DMODEL_DIR="$M"
check "CMake: add_subdirectory consumer prints what mlq predict --device prints" consumer_ok "$T/sub"
# Under add_subdirectory mlq adds no install rules to its user's project.
sub_install() {
    cmake --install "$T/sub" --prefix "$T/sub-prefix" >/dev/null && [ -z "$(find "$T/sub-prefix" -type f 2>/dev/null)" ]
}
check "CMake: a consumer's install does not install mlq" sub_install

alone() { cm "$ROOT" "$T/lib" && cmake --install "$T/lib" --prefix "$T/prefix" >"$T/install.log"; }
check "CMake: mlq alone configures, builds and installs" alone
no_cli() {
    [ -f "$T/lib/libmlq.a" ] && [ -z "$(find "$T/lib" -type f -name mlq -perm -u+x)" ] &&
        ! grep -qi "gsl\|cjson" "$T/lib/CMakeCache.txt"
}
check "CMake: mlq alone builds the device library, not the CLI" no_cli
installed_ok() {
    local f lib
    for f in include/mlq/*.h; do [ -f "$T/prefix/$f" ] || { echo "no $f"; return 1; }; done
    lib=$(find "$T/prefix" -name libmlq.a)
    [ -n "$lib" ] || { echo "no libmlq.a"; return 1; }
    for f in mlqConfig.cmake mlqConfigVersion.cmake mlqTargets.cmake; do
        [ -f "$(dirname "$lib")/cmake/mlq/$f" ] || { echo "no LIBDIR/cmake/mlq/$f"; return 1; }
    done
}
check "CMake: the install has the headers, libmlq.a and the package files" installed_ok
check "CMake: consumer through find_package builds" cm tests/cmake_consumer "$T/pkg" \
    -DCMAKE_PREFIX_PATH="$T/prefix" -DMODEL_DIR="$M"
check "CMake: find_package consumer prints what mlq predict --device prints" consumer_ok "$T/pkg"
against_install() {
    grep -q -- "$T/prefix/include" "$T/pkg/compile_commands.json" &&
        ! grep -q -- "$ROOT/include" "$T/pkg/compile_commands.json"
}
check "CMake: find_package consumer compiles against the install, not the sources" against_install
other_minor() {
    ! cmake -S tests/cmake_consumer -B "$T/pkg9" -DCMAKE_PREFIX_PATH="$T/prefix" -DMODEL_DIR="$M" \
        -DMLQ_REQUIRED_VERSION=0.1 >"$T/pkg9.log" 2>&1 && grep -q 'requested version "0.1"' "$T/pkg9.log"
}
check "CMake: find_package refuses another minor version" other_minor
check "Zephyr: zephyr/CMakeLists.txt with stand-ins for Zephyr builds the consumer" \
    cm tests/cmake_consumer/zephyr_stub "$T/zep" -DMLQ_SOURCE_DIR="$ROOT" -DMODEL_DIR="$M"
check "Zephyr: the stand-in build prints what mlq predict --device prints" consumer_ok "$T/zep"

echo "libraries: $pass passed, $fail failed"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
