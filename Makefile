# SPDX-License-Identifier: MIT
#
# mlq -- fixed-point classical ML for microcontrollers.
#
#   make            host library (build/libmlq.a) and the CLI (build/mlq)
#   make deps       install the Debian packages mlq needs (sudo when not root)
#   make demo       train, export, run on an emulated Cortex-M4F, print a table
#   make check      every test: unit (gcc and clang, ASan+UBSan), CLI, QEMU
#   make bench      device benchmark in QEMU; writes bench/results.md
#   make cross      device library for Cortex-M0/M3/M4F/M7 + arm-none-eabi-size
#
# BUILD selects the output folder, so sanitizer and compiler variants never
# mix objects: `make BUILD=build/clang CC=clang`.

CC      ?= cc
BUILD   ?= build
OPT     ?= -O2 -g
SAN     ?=
# WARN, DEVFLAGS and the CPU flags of every board (shared with the firmware runner).
include mk/flags.mk
# The layers, each compiled with the include paths of itself and the layers
# below it only, so that an include against the data flow (device library
# <- trainers <- exporters <- CLI) does not compile: the device library
# sees include/; trainers/ also itself; exporters/ also trainers/ (it reads
# the host model); the CLI, the tests and the tools see everything.
DEV_CPPFLAGS    := -Iinclude
TRAIN_CPPFLAGS  := -Iinclude -Itrainers
EXPORT_CPPFLAGS := -Iinclude -Itrainers -Iexporters
CPPFLAGS        := -Iinclude -Itrainers -Iexporters
HOSTDEFS := -D_POSIX_C_SOURCE=200809L
LDLIBS  := -lgsl -lgslcblas -lcjson -lm

ifeq ($(SAN),1)
  OPT     := -O1 -g -fno-omit-frame-pointer
  SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all
endif
# Libraries instrumented for libFuzzer (clang): make BUILD=build/fuzz CC=clang SAN=fuzz fuzz
ifeq ($(SAN),fuzz)
  OPT     := -O1 -g -fno-omit-frame-pointer
  SANFLAGS := -fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=all
endif

DEV_SRC   := $(wildcard src/*.c)
TRAIN_SRC := $(wildcard trainers/*.c)
EXPORT_SRC := $(wildcard exporters/*.c)
HOST_SRC  := $(TRAIN_SRC) $(EXPORT_SRC)
CLI_SRC   := $(wildcard cli/*.c)
TEST_SRC  := $(wildcard tests/test_*.c)

DEV_OBJ   := $(DEV_SRC:%.c=$(BUILD)/obj/%.o)
TRAIN_OBJ := $(TRAIN_SRC:%.c=$(BUILD)/obj/%.o)
EXPORT_OBJ := $(EXPORT_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/costs.o
HOST_OBJ  := $(TRAIN_OBJ) $(EXPORT_OBJ)
CLI_OBJ   := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
# The host libraries, in link order (exporters use trainers; tests and
# tools link them before libmlq.a, which both use).
HOST_LIBS  = $(BUILD)/libmlqexport.a $(BUILD)/libmlqtrain.a
TESTS     := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)

.PHONY: all deps demo check bench cross unit cxx-headers nm-check layer-check arduino clean
.DEFAULT_GOAL := all

all: $(BUILD)/libmlq.a $(BUILD)/mlq

$(BUILD)/obj/src/%.o: src/%.c $(wildcard include/mlq/*.h src/*.h)
	@mkdir -p $(@D)
	$(CC) $(DEV_CPPFLAGS) $(WARN) $(DEVFLAGS) $(OPT) $(SANFLAGS) -c $< -o $@

$(BUILD)/obj/trainers/%.o: trainers/%.c $(wildcard include/mlq/*.h trainers/*.h)
	@mkdir -p $(@D)
	$(CC) $(TRAIN_CPPFLAGS) $(HOSTDEFS) $(WARN) $(OPT) $(SANFLAGS) -c $< -o $@

$(BUILD)/obj/exporters/%.o: exporters/%.c $(wildcard include/mlq/*.h trainers/*.h exporters/*.h)
	@mkdir -p $(@D)
	$(CC) $(EXPORT_CPPFLAGS) $(HOSTDEFS) $(WARN) $(OPT) $(SANFLAGS) -c $< -o $@

$(BUILD)/obj/%.o: %.c $(wildcard include/mlq/*.h trainers/*.h exporters/*.h cli/*.h)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(HOSTDEFS) $(WARN) $(OPT) $(SANFLAGS) -c $< -o $@

# The costs make bench measured (bench/costs.tsv), compiled into mlq for
# `mlq info --target` (exporters/boards.c): per core and kernel the code and
# stack frame bytes, then optionally the four coefficients of the
# instruction model (numbers, or four "-" where none was fitted).
COST_NUM := ^-?[0-9]+([.][0-9]+)?(e[-+]?[0-9]+)?$$
$(BUILD)/gen/costs.c: bench/costs.tsv
	@mkdir -p $(@D)
	awk -F'\t' 'BEGIN { print "/* generated from bench/costs.tsv */"; print "#include \"boards.h\""; \
	    print "const mlq_cost mlq_costs[] = {"; n = 0 } \
	    function insn(f) { return $$f ~ /$(COST_NUM)/ } \
	    /^[^#]/ && !((NF == 4 || NF == 8) && $$1 ~ /^[a-z0-9]+$$/ && $$2 ~ /^mlq_[a-z0-9_]+$$/ && \
	        $$3 ~ /^[0-9]+$$/ && $$4 ~ /^[0-9]+$$/ && (NF == 4 || (insn(5) && insn(6) && insn(7) && \
	        insn(8)) || ($$5 == "-" && $$6 == "-" && $$7 == "-" && $$8 == "-"))) { \
	        print FILENAME ":" NR ": not CORE KERNEL CODE FRAME [C0 C1 C2 C3]" > "/dev/stderr"; exit 1 } \
	    /^[^#]/ && (NF == 4 || $$5 == "-") { printf "    {\"%s\", \"%s\", %d, %d, 0, {0, 0, 0, 0}},\n", \
	        $$1, $$2, $$3, $$4; n++; next } \
	    /^[^#]/ { printf "    {\"%s\", \"%s\", %d, %d, 1, {%s, %s, %s, %s}},\n", $$1, $$2, $$3, $$4, \
	        $$5, $$6, $$7, $$8; n++ } \
	    END { if (n == 0) print "    {\"\", \"\", 0, 0, 0, {0, 0, 0, 0}},"; print "};"; \
	    printf "const size_t mlq_n_costs = %d;\n", n }' $< >$@.tmp && mv $@.tmp $@

$(BUILD)/obj/gen/costs.o: $(BUILD)/gen/costs.c exporters/boards.h
	@mkdir -p $(@D)
	$(CC) -Iexporters $(WARN) $(OPT) $(SANFLAGS) -c $< -o $@

$(BUILD)/libmlq.a: $(DEV_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/libmlqtrain.a: $(TRAIN_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/libmlqexport.a: $(EXPORT_OBJ)
	@rm -f $@
	ar rcs $@ $^

# The firmware runner's rows tool (examples/firmware/run rows): CSV rows to
# the firmware's binary rows files, through mlq's own CSV reader.
$(BUILD)/tools/rows: examples/firmware/rows.c examples/firmware/rowsfile.h $(BUILD)/libmlqtrain.a \
                     $(BUILD)/libmlq.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(HOSTDEFS) $(WARN) -O2 -Iexamples/firmware -o $@.tmp$$$$ $< \
	    $(BUILD)/libmlqtrain.a $(BUILD)/libmlq.a $(LDLIBS) && mv -f $@.tmp$$$$ $@

$(BUILD)/mlq: $(CLI_OBJ) $(HOST_LIBS) $(BUILD)/libmlq.a
	$(CC) $(OPT) $(SANFLAGS) -o $@ $^ $(LDLIBS)

# test_select compiles the CLI's ranking (cli/select_rank.c) into itself.
$(BUILD)/tests/test_select: cli/select_rank.c cli/select.h cli/cv.h
$(BUILD)/tests/%: tests/%.c $(HOST_LIBS) $(BUILD)/libmlq.a $(wildcard tests/*.h)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(HOSTDEFS) $(WARN) $(OPT) $(SANFLAGS) -o $@ $< \
	    $(HOST_LIBS) $(BUILD)/libmlq.a -lcmocka $(LDLIBS)

# The integer input quantizer of cores without an FPU, on the host: the
# quantizer tests again, with src/quant.c built with MLQ_QUANT_INT=1 and
# linked ahead of the library's own quant.o.
TESTS += $(BUILD)/tests/test_quant_int

$(BUILD)/obj/quant_int.o: src/quant.c $(wildcard include/mlq/*.h src/*.h)
	@mkdir -p $(@D)
	$(CC) $(DEV_CPPFLAGS) $(WARN) $(DEVFLAGS) $(OPT) $(SANFLAGS) -DMLQ_QUANT_INT=1 -c $< -o $@

$(BUILD)/tests/test_quant_int: tests/test_quant.c $(BUILD)/obj/quant_int.o $(HOST_LIBS) \
                               $(BUILD)/libmlq.a $(wildcard tests/*.h)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(HOSTDEFS) $(WARN) $(OPT) $(SANFLAGS) -o $@ $< $(BUILD)/obj/quant_int.o \
	    $(HOST_LIBS) $(BUILD)/libmlq.a -lcmocka $(LDLIBS)

# Unit tests of one build variant (cmocka); run from the top so that tests
# find data/.
unit: $(TESTS) $(BUILD)/mlq
	@set -e; for t in $(TESTS); do echo "== $$t"; $$t; done

# ---------------------------------------------------------------------------
# Cross builds of the device library (src/) for the Cortex-M cores (CPU_*
# in mk/flags.mk). -fstack-usage writes a .su file per object for the stack
# report.
ARM_CC   := arm-none-eabi-gcc
ARM_SIZE := arm-none-eabi-size
ARM_OPT  ?= -O2
ARM_CPUS := m0 m3 m4 m7
ARM_FLAGS = -Iinclude $(WARN) $(DEVFLAGS) -ffreestanding -ffunction-sections -fdata-sections \
            -fstack-usage $(ARM_OPT)

define arm_lib
$(BUILD)/arm/$(1)/obj/%.o: src/%.c $(wildcard include/mlq/*.h src/*.h)
	@mkdir -p $$(@D)
	$(ARM_CC) $(CPU_$(1)) $$(ARM_FLAGS) -c $$< -o $$@
$(BUILD)/arm/$(1)/libmlq.a: $(DEV_SRC:src/%.c=$(BUILD)/arm/$(1)/obj/%.o)
	@rm -f $$@
	arm-none-eabi-ar rcs $$@ $$^
endef
$(foreach c,$(ARM_CPUS),$(eval $(call arm_lib,$(c))))

# RISC-V rv32imac (no FPU) and AVR (ATmega328P; ATmega2560, whose far
# arrays are read with ELPM), objects only: the firmware runner links them
# into firmware for those boards.
RV_CC    := riscv64-unknown-elf-gcc
AVR_CC   := avr-gcc
CROSS_rv32 := $(RV_CC) $(CPU_rv32) -O2
CROSS_avr  := $(AVR_CC) $(CPU_uno) -Os
CROSS_mega := $(AVR_CC) $(CPU_mega) -Os
define other_lib
$(BUILD)/$(1)/obj/%.o: src/%.c $(wildcard include/mlq/*.h src/*.h)
	@mkdir -p $$(@D)
	$(CROSS_$(1)) -Iinclude $$(WARN) $$(DEVFLAGS) -ffreestanding -ffunction-sections -fdata-sections \
	    -fstack-usage -c $$< -o $$@
endef
$(foreach c,rv32 avr mega,$(eval $(call other_lib,$(c))))
OTHER_OBJ := $(foreach c,rv32 avr mega,$(DEV_SRC:src/%.c=$(BUILD)/$(c)/obj/%.o))

cross: $(ARM_CPUS:%=$(BUILD)/arm/%/libmlq.a) $(OTHER_OBJ)
	@for c in $(ARM_CPUS); do echo "== Cortex-$$c"; $(ARM_SIZE) -t $(BUILD)/arm/$$c/libmlq.a | tail -n 1; done
	@echo "== RISC-V rv32imac"; riscv64-unknown-elf-size -t $(BUILD)/rv32/obj/*.o | tail -n 1
	@echo "== AVR ATmega328P"; avr-size -t $(BUILD)/avr/obj/*.o | tail -n 1
	@echo "== AVR ATmega2560"; avr-size -t $(BUILD)/mega/obj/*.o | tail -n 1

# Device rules on the built objects: nothing but mlq_ and the compiler's
# own __aeabi_ helpers may be undefined (no malloc, printf, exit, libm);
# kernels other than the input quantizer use no float helper, and on the
# cores without an FPU (M0, M3, soft-float M7) nothing does; the k-means
# kernel and the shared dot product call no 64-bit multiply helper on M0.
nm-check: cross $(BUILD)/libmlq.a
	@bad=$$(nm -u $(BUILD)/libmlq.a | awk 'NF==2 {print $$2}' | grep -v '^mlq_' | sort -u); \
	if [ -n "$$bad" ]; then echo "host libmlq.a needs: $$bad"; exit 1; fi
	@for c in $(ARM_CPUS); do \
	    bad=$$(arm-none-eabi-nm -u $(BUILD)/arm/$$c/libmlq.a | awk 'NF==2 {print $$2}' | grep -v -e '^mlq_' -e '^__aeabi_' | sort -u); \
	    if [ -n "$$bad" ]; then echo "Cortex-$$c libmlq.a needs: $$bad"; exit 1; fi; \
	    for o in $(BUILD)/arm/$$c/obj/*.o; do \
	        case $$c/$$o in m4/*/quant.o) continue;; esac; \
	        f=$$(arm-none-eabi-nm -u $$o | grep -E '__aeabi_(f|d|i2f|ui2f|l2f|ul2f)' || true); \
	        if [ -n "$$f" ]; then echo "$$o uses float: $$f"; exit 1; fi; \
	    done; \
	done
	@python3 bench/bench.py --lmul-check --build $(BUILD)
	@bad=$$(riscv64-unknown-elf-nm -u $(BUILD)/rv32/obj/*.o | awk 'NF==2 {print $$2}' | sort -u | \
	    grep -v -e '^mlq_' -e '^__' ; riscv64-unknown-elf-nm -u $(BUILD)/rv32/obj/*.o | \
	    grep -E '__(add|sub|mul|div|neg)[sd]f3|__(fix|float)|__(extend|trunc)[sd]f|__(eq|ne|lt|le|gt|ge|un)[sd]f2'); \
	if [ -n "$$bad" ]; then echo "rv32imac objects need: $$bad"; exit 1; fi
	@bad=$$(avr-nm -u $(BUILD)/avr/obj/*.o $(BUILD)/mega/obj/*.o | awk 'NF==2 {print $$2}' | sort -u | \
	    grep -v -e '^mlq_' -e '^memcpy_P$$' -e '^__' ; avr-nm -u $(BUILD)/avr/obj/*.o $(BUILD)/mega/obj/*.o | \
	    grep -E '__do_copy_data|__do_clear_bss|__(add|sub|mul|div)sf3|__(fix|float)'); \
	if [ -n "$$bad" ]; then echo "AVR objects need: $$bad"; exit 1; fi
	@for o in $(BUILD)/avr/obj/*.o $(BUILD)/mega/obj/*.o; do \
	    avr-objdump -h $$o | awk -v o=$$o '$$2 ~ /^\.(data|bss|rodata)/ && $$3 != "00000000" { print o ": " $$2 " of 0x" $$3 " bytes in SRAM"; bad = 1 } END { exit bad }' || exit 1; \
	done
	@echo "nm-check: device objects are freestanding (no libc, no float helper but in quant.o on M4F, no lmul in k-means or mlq_dot_q15 on M0; no float helper on rv32imac; on AVR nothing in SRAM, only memcpy_P from avr-libc)"

# The layers' include paths hold only for includes by name: no source may
# reach into another folder with a relative path.
layer-check:
	@bad=$$(grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[^"]*\.\./' src/*.[ch] include/mlq/*.h \
	    trainers/*.[ch] exporters/*.[ch] cli/*.[ch] || true); \
	if [ -n "$$bad" ]; then echo "includes by relative path, past the layers:"; echo "$$bad"; exit 1; fi
	@echo "layer-check: no include by relative path in src/, include/, trainers/, exporters/, cli/"

# Every public header compiles as C++ (stb's rule) with strict warnings.
cxx-headers:
	@for h in include/mlq/*.h; do \
	    echo '#include "'$$h'"' | g++ -std=c++11 -Wall -Wextra -Werror -pedantic -Iinclude -I. -x c++ -fsyntax-only - || exit 1; \
	done; echo "cxx-headers: every include/mlq header compiles as C++11"

# ---------------------------------------------------------------------------
# Every test. Unit tests under ASan+UBSan with gcc and with clang; the CLI as
# a user meets it (sanitized binary; the out-of-memory case uses the plain
# one, since ASan reserves address space); device rules on the objects;
# headers as C++; `mlq info/export --target` against the boards; the
# Arduino and CMake consumers and the other manifests; the Cortex-M4 DSP
# paths in big-endian order; the firmware runner's own checks; the
# application examples (shuttle anomaly detection, speaker-independent vowel
# MLP on M0, diabetes regression on M0 and the Uno, which fail when the
# firmware differs from the device code; the model selection for vowel on
# M0 and the Uno, which fails when the choice does not fit its board);
# then the device code on emulated Cortex-M0/M3/M4F/M7, RISC-V rv32imac and
# rv32imafc, and AVR ATmega328P/ATmega2560 against `mlq predict --device`.
check:
	$(MAKE) BUILD=build/gcc-san CC=gcc SAN=1 unit
	$(MAKE) BUILD=build/clang-san CC=clang SAN=1 unit
	$(MAKE) all cross nm-check cxx-headers layer-check
	MLQ=build/gcc-san/mlq MLQ_PLAIN=build/mlq bash tests/cli.sh
	MLQ=build/gcc-san/mlq bash tests/cli_options.sh
	MLQ=build/gcc-san/mlq bash tests/cli_json.sh
	MLQ=build/gcc-san/mlq bash tests/cli_io.sh
	MLQ=build/gcc-san/mlq bash tests/cli_regress.sh
	MLQ=build/gcc-san/mlq MLQ_PLAIN=build/mlq bash tests/cli_select.sh
	$(MAKE) fuzz
	MLQ=build/mlq bash tests/fit.sh
	MLQ=build/mlq bash tests/libraries.sh
	MLQ=build/mlq bash tests/bigendian.sh
	bash tests/dsp.sh
	python3 bench/test_bench.py
	bash examples/firmware/selftest.sh
	bash examples/gmm_anomaly.sh
	bash examples/mlp_vowel.sh
	bash examples/regression.sh
	bash examples/select_vowel.sh
	bash tests/device.sh

# The main job: k-means on a bundled dataset, exported, run on an emulated
# Cortex-M4F; prints host vs device agreement, flash, RAM, stack and
# instructions per inference.
demo: all
	@bash examples/demo.sh
	@echo
	@bash examples/gmm_anomaly.sh
	@echo
	@bash examples/mlp_vowel.sh
	@echo
	@bash examples/regression.sh
	@echo
	@bash examples/select_vowel.sh

# Device benchmark in QEMU; writes bench/results.md.
bench: all
	python3 bench/bench.py --build $(BUILD)

# The Arduino library (examples/arduino/library.sh): $(BUILD)/arduino/mlq/
# and $(BUILD)/mlq-arduino.zip for the IDE's "Add .ZIP Library".
arduino: $(BUILD)/mlq
	MLQ=$(BUILD)/mlq bash examples/arduino/library.sh $(BUILD)

# ---------------------------------------------------------------------------
# Dependencies (Debian). Installs only what is missing.
# g++ compiles the headers as C++; libclang-rt-dev holds clang's sanitizer
# runtimes; python3-sklearn is the independent float reference of make bench;
# qemu-user runs the big-endian Cortex-M4 check (qemu-armeb); gcc-avr,
# avr-libc, simavr and libsimavr-dev build and run the AVR boards (uno,
# mega), gcc-riscv64-unknown-elf, picolibc and qemu-system-misc the RISC-V
# one (rv32); arduino-builder, arduino-core-avr and cmake build the library
# consumers of tests/libraries.sh; strace stops the CLI in the middle of a
# write for the signal cases of tests/cli_io.sh.
DEB_PKGS := make gcc g++ clang libclang-rt-dev libgsl-dev libcjson-dev libcmocka-dev \
            gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm qemu-user python3 python3-sklearn \
            gcc-avr avr-libc simavr libsimavr-dev gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf \
            qemu-system-misc arduino-builder arduino-core-avr cmake strace
deps:
	@missing=""; for p in $(DEB_PKGS); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "deps: all present"; exit 0; fi; \
	echo "deps: installing$$missing"; \
	if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO=sudo; fi; \
	$$SUDO apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing

clean:
	rm -rf build

# The fuzz targets (tests/fuzz/): make fuzz
-include tests/fuzz/fuzz.mk
