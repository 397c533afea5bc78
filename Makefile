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
WARN    := -std=c99 -pedantic -Wall -Wextra -Wconversion -Wsign-conversion \
           -Wshadow -Wcast-qual -Wcast-align -Wstrict-prototypes \
           -Wmissing-prototypes -Wvla -Wundef -Wdouble-promotion -Werror
# Device code is compiled with -ffp-contract=off everywhere so that the one
# float step (input quantization) rounds identically on every target.
DEVFLAGS := -ffp-contract=off
CPPFLAGS := -Iinclude -Itrainers -Iexporters
HOSTDEFS := -D_POSIX_C_SOURCE=200809L
LDLIBS  := -lgsl -lgslcblas -lcjson -lm

ifeq ($(SAN),1)
  OPT     := -O1 -g -fno-omit-frame-pointer
  SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all
endif

DEV_SRC   := $(wildcard src/*.c)
HOST_SRC  := $(filter-out trainers/main.c,$(wildcard trainers/*.c)) $(wildcard exporters/*.c)
TEST_SRC  := $(wildcard tests/test_*.c)

DEV_OBJ   := $(DEV_SRC:%.c=$(BUILD)/obj/%.o)
HOST_OBJ  := $(HOST_SRC:%.c=$(BUILD)/obj/%.o)
TESTS     := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)

.PHONY: all deps demo check bench cross unit cli-test qemu-test cxx-headers \
        nm-check m0-lmul-check clean
.DEFAULT_GOAL := all

all: $(BUILD)/libmlq.a $(BUILD)/mlq

$(BUILD)/obj/src/%.o: src/%.c $(wildcard include/mlq/*.h)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(WARN) $(DEVFLAGS) $(OPT) $(SANFLAGS) -c $< -o $@

$(BUILD)/obj/%.o: %.c $(wildcard include/mlq/*.h trainers/*.h exporters/*.h)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(HOSTDEFS) $(WARN) $(OPT) $(SANFLAGS) -c $< -o $@

$(BUILD)/libmlq.a: $(DEV_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/libmlqhost.a: $(HOST_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/mlq: $(BUILD)/obj/trainers/main.o $(BUILD)/libmlqhost.a $(BUILD)/libmlq.a
	$(CC) $(OPT) $(SANFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/%.c $(BUILD)/libmlqhost.a $(BUILD)/libmlq.a $(wildcard tests/*.h)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(HOSTDEFS) $(WARN) $(OPT) $(SANFLAGS) -o $@ $< \
	    $(BUILD)/libmlqhost.a $(BUILD)/libmlq.a -lcmocka $(LDLIBS)

# Unit tests of one build variant (cmocka); run from the top so that tests
# find data/ and tests/vectors/.
unit: $(TESTS) $(BUILD)/mlq
	@set -e; for t in $(TESTS); do echo "== $$t"; $$t; done

# ---------------------------------------------------------------------------
# Dependencies (Debian). Installs only what is missing.
DEB_PKGS := make gcc clang libgsl-dev libcjson-dev libcmocka-dev \
            gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm g++
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
