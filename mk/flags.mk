# SPDX-License-Identifier: MIT
# Compiler flags shared by the Makefile (which includes this file) and
# examples/firmware/run (which reads it with sed): one NAME := VALUE per
# line, no continuation lines, no make functions.
WARN := -std=c99 -pedantic -Wall -Wextra -Wconversion -Wsign-conversion -Wshadow -Wcast-qual -Wcast-align -Wstrict-prototypes -Wmissing-prototypes -Wvla -Wundef -Wdouble-promotion -Werror
# Device code is compiled with -ffp-contract=off everywhere so that the one
# float step (input quantization) rounds identically on every target.
DEVFLAGS := -ffp-contract=off
CPU_m0 := -mcpu=cortex-m0 -mthumb -mfloat-abi=soft
CPU_m3 := -mcpu=cortex-m3 -mthumb -mfloat-abi=soft
CPU_m4 := -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16
CPU_m7 := -mcpu=cortex-m7 -mthumb -mfloat-abi=soft
CPU_m7f := -mcpu=cortex-m7 -mthumb -mfloat-abi=hard -mfpu=fpv5-d16
CPU_rv32 := -march=rv32imac -mabi=ilp32
CPU_rv32f := -march=rv32imafc -mabi=ilp32f
CPU_uno := -mmcu=atmega328p
CPU_mega := -mmcu=atmega2560
