# SPDX-License-Identifier: MIT
# fuzz.mk -- the libFuzzer targets of tests/fuzz (included by the Makefile).
#
#   make fuzz                 build with clang (ASan + UBSan + libFuzzer) in
#                             build/fuzz, run each target FUZZ_SECONDS (30)
#                             on its corpus; fails on the first crash
#   make fuzz FUZZ_SECONDS=3600               an hour per target
#   make fuzz FUZZ_JOBS=4 FUZZ_FLAGS=-workers=4   four processes per target
#   make fuzz FUZZ_TARGETS=model              one target
#   make fuzz-build           only build FUZZ_BUILD/fuzz/fuzz_{csv,model,export}
#
# Each run starts from the committed seeds (tests/fuzz/corpus/TARGET) and the
# regression inputs (tests/fuzz/regress/TARGET) and keeps what it learns in
# FUZZ_BUILD/corpus/TARGET, so that later runs go on from there; a crash is
# written to FUZZ_BUILD/crash/TARGET-* and replayed with
# `FUZZ_BUILD/fuzz/fuzz_TARGET FILE`. The same targets, built without
# libFuzzer, replay the seeds and the regression inputs in every `make unit`
# (tests/test_fuzz_regress.c).

FUZZ_TARGETS ?= csv model export
FUZZ_SECONDS ?= 30
FUZZ_JOBS    ?= 1
FUZZ_BUILD   ?= build/fuzz
# libFuzzer's random seed: fixed, so that make check mutates the same way
# every time (FUZZ_SEED=0 draws one, for long runs)
FUZZ_SEED    ?= 1
# More libFuzzer flags, e.g. FUZZ_FLAGS=-rss_limit_mb=4096
FUZZ_FLAGS   ?=
FUZZ_CPPFLAGS = $(sort $(CPPFLAGS) -Iinclude -Itrainers -Iexporters) -Itests/fuzz

FUZZ_OBJ  := $(patsubst %.c,$(BUILD)/obj/%.o,$(filter-out tests/fuzz/main.c,$(wildcard tests/fuzz/*.c)))
FUZZ_BINS := $(FUZZ_TARGETS:%=$(BUILD)/fuzz/fuzz_%)

.PHONY: fuzz fuzz-build fuzz-targets

$(BUILD)/obj/tests/fuzz/%.o: tests/fuzz/%.c tests/fuzz/fuzz.h $(wildcard include/mlq/*.h trainers/*.h exporters/*.h)
	@mkdir -p $(@D)
	$(CC) $(FUZZ_CPPFLAGS) $(HOSTDEFS) $(WARN) $(OPT) $(SANFLAGS) -c $< -o $@

# Built only in the libFuzzer mode (make fuzz-build sets it).
$(BUILD)/fuzz/fuzz_%: tests/fuzz/main.c $(FUZZ_OBJ) $(HOST_LIBS) $(BUILD)/libmlq.a
	@mkdir -p $(@D)
	$(CC) $(FUZZ_CPPFLAGS) $(HOSTDEFS) $(WARN) $(OPT) -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=all -DMLQ_FUZZ_TARGET=mlq_fuzz_$* -o $@ $< $(FUZZ_OBJ) \
	    $(HOST_LIBS) $(BUILD)/libmlq.a $(LDLIBS)

fuzz-targets: $(FUZZ_BINS)

fuzz-build:
	$(MAKE) BUILD=$(FUZZ_BUILD) CC=clang SAN=fuzz fuzz-targets

# libFuzzer's -jobs mode writes each job's output to fuzz-JOB.log in the
# current folder: the runs happen in FUZZ_BUILD/log/TARGET.
fuzz: fuzz-build
	@set -e; top=$$(pwd); case "$(FUZZ_BUILD)" in /*) b=$(FUZZ_BUILD) ;; *) b=$$top/$(FUZZ_BUILD) ;; esac; \
	for t in $(FUZZ_TARGETS); do \
	    mkdir -p $$b/corpus/$$t $$b/crash $$b/log/$$t; rm -f $$b/log/$$t/fuzz-*.log; \
	    dict=$$t; [ $$t != export ] || dict=model; \
	    regress=$$top/tests/fuzz/regress/$$t; [ -d $$regress ] || regress=; \
	    echo "== fuzz_$$t: $(FUZZ_SECONDS) s, $(FUZZ_JOBS) job(s)"; \
	    if ! (cd $$b/log/$$t && $$b/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -jobs=$(FUZZ_JOBS) \
	            -timeout=20 -seed=$(FUZZ_SEED) -dict=$$top/tests/fuzz/$$dict.dict -artifact_prefix=$$b/crash/$$t- \
	            $(FUZZ_FLAGS) $$b/corpus/$$t $$top/tests/fuzz/corpus/$$t $$regress \
	            >/dev/null 2>&1); then \
	        tail -n 60 $$b/log/$$t/fuzz-*.log; echo "fuzz_$$t FAILED: see $(FUZZ_BUILD)/crash/$$t-*"; exit 1; \
	    fi; \
	    grep -h -E '^(Done|#[0-9]+.*DONE)' $$b/log/$$t/fuzz-*.log || true; \
	done

# The regression test replays the targets' seeds and regression inputs in
# every unit build: it links the target sources (without libFuzzer).
$(BUILD)/tests/test_fuzz_regress: tests/test_fuzz_regress.c $(FUZZ_OBJ) $(HOST_LIBS) $(BUILD)/libmlq.a
	@mkdir -p $(@D)
	$(CC) $(FUZZ_CPPFLAGS) $(HOSTDEFS) $(WARN) $(OPT) $(SANFLAGS) -o $@ $< $(FUZZ_OBJ) \
	    $(HOST_LIBS) $(BUILD)/libmlq.a -lcmocka $(LDLIBS)
