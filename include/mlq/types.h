/* SPDX-License-Identifier: MIT */
/*
 * mlq/types.h -- scalar types, status codes and assertions shared by every
 * mlq device module.
 *
 *   #include <mlq/types.h>
 *   mlq_q15_t x = 16384;            // 0.5 in Q1.15
 *   mlq_status s = some_call(...);  // MLQ_OK (0) or a negative error
 *
 * Device code includes only <stdint.h>, <stddef.h> and <stdbool.h>, and on
 * AVR <avr/pgmspace.h> (here, and nowhere else).
 */
#ifndef MLQ_TYPES_H
#define MLQ_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#if defined(__AVR__)
#include <avr/pgmspace.h> /* MLQ_FLASH and the MLQ_RD_* reads below */
#endif

/* Device code floors with >> on negative integers (the tree's float keys,
 * the int16 input path, the SVM's polynomial steps, the MLP's
 * requantization); every supported compiler shifts signed values
 * arithmetically, and this guard refuses one that does not. */
#if (-1 >> 1) != -1
#error "mlq needs an arithmetic right shift of negative integers"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** Q1.15 fixed point: value = raw / 2^15, range [-1, 1 - 2^-15]. */
typedef int16_t mlq_q15_t;
/** Q1.31 fixed point: value = raw / 2^31, range [-1, 1 - 2^-31]. */
typedef int32_t mlq_q31_t;

/*
 * MLQ_FORMAT is the device format of every model struct and of the
 * exported header's contract (entry points, scratch, scores). Each
 * exported header stops with #error when it was written for another
 * format; re-export it with this mlq.
 */
#define MLQ_FORMAT 5

/** Result of every fallible device call: MLQ_OK (0) or a negative error. */
typedef enum mlq_status {
    MLQ_OK = 0,
    MLQ_ERR_SIZE = -1,    /**< a length argument does not match the model */
    MLQ_ERR_INPUT = -2,   /**< an input value is not a number (NaN) */
    MLQ_ERR_MODEL = -3,   /**< the model struct is inconsistent */
    MLQ_ERR_BUFFER = -4   /**< caller-owned scratch is too small */
} mlq_status;

/**
 * One-line English description of a status code (never NULL). On AVR the
 * text is in flash like every other constant of the library: print it with
 * fputs_P or printf_P("%S"), or in a sketch with
 * Serial.print((const __FlashStringHelper *)mlq_status_str(s)).
 */
const char *mlq_status_str(mlq_status status);

/*
 * Scratch. A kernel that needs scratch takes (void *work, size_t work_size)
 * and says how much through mlq_X_work_size(model) and MLQ_X_WORK_BYTES(...).
 * Declare it as an array of mlq_work_t: the union makes the array aligned
 * for the widest type any kernel stores there, by the language itself, on
 * every target (8 bytes on Arm and RISC-V, 1 on AVR, whose int64_t is
 * 1-aligned):
 *
 *   static mlq_work_t work[MLQ_WORK_ELEMS(MLQ_GMM_WORK_BYTES(8, 9))];
 *   mlq_gmm_predict_q15(&model, q, 9, work, sizeof work, &id);
 *
 * Kernels reject (MLQ_ERR_BUFFER) scratch that is too small or not aligned
 * as mlq_work_t is (MLQ_WORK_ALIGN), never by assuming that a uint32_t
 * array is word-aligned.
 */
typedef union mlq_work {
    int64_t i64;
    uint64_t u64;
    int32_t i32;
    uint32_t u32;
    void *ptr;
} mlq_work_t;

/** Elements of mlq_work_t that hold `bytes` bytes of scratch (0 for 0). */
#define MLQ_WORK_ELEMS(bytes) (((size_t)(bytes) + sizeof(mlq_work_t) - 1u) / sizeof(mlq_work_t))

/** The alignment of mlq_work_t, in bytes, as the compiler lays it out. */
typedef struct mlq_work_align {
    char c;
    mlq_work_t w;
} mlq_work_align;
#define MLQ_WORK_ALIGN offsetof(mlq_work_align, w)

/** Is p aligned as mlq_work_t is? */
#define MLQ_WORK_ALIGNED(p) (((uintptr_t)(const void *)(p) % MLQ_WORK_ALIGN) == 0u)

/*
 * Scores. Every model's mlq_X_scores_q15 writes one int32_t score per
 * output (class, cluster, or normal / anomaly) in Q15.16 (value = score /
 * 2^MLQ_SCORE_FRAC) of a quantity each model's header names (a
 * log-likelihood, a logit, a negative squared distance, votes), and the
 * index of the largest score, the lowest on ties, is what
 * mlq_X_predict_q15 returns (mlq/score.h).
 */
#define MLQ_SCORE_FRAC 16

/** Probabilities (mlq_X_proba_q15) are uint16_t in Q15: they sum to exactly this. */
#define MLQ_PROBA_ONE 32768u

/*
 * MLQ_ASSERT checks programming errors (NULL pointers) in debug builds.
 * Define MLQ_ASSERT before including any mlq header to route it to your own
 * handler; by default it compiles to nothing, so release firmware carries no
 * check and no string.
 */
#ifndef MLQ_ASSERT
#define MLQ_ASSERT(cond) ((void)0)
#endif

/*
 * MLQ_MAYBE_UNUSED marks the constants of an exported header, so firmware
 * that includes a header and calls only one of its entry points compiles
 * cleanly under -Wall -Werror.
 */
#if defined(__GNUC__) || defined(__clang__)
#define MLQ_MAYBE_UNUSED __attribute__((unused))
#else
#define MLQ_MAYBE_UNUSED
#endif

/*
 * MLQ_INLINE declares a device-library helper that must be inlined into its
 * caller (static inline, and always_inline where the compiler has it), so
 * that a loop calling it keeps its values in registers and is specialized
 * for constant arguments; MLQ_NOINLINE one that must stay out of line, so
 * that a rarely taken path does not weigh on its caller's registers.
 */
#if defined(__GNUC__) || defined(__clang__)
#define MLQ_INLINE static inline __attribute__((always_inline))
#define MLQ_NOINLINE __attribute__((noinline))
#else
#define MLQ_INLINE static inline
#define MLQ_NOINLINE
#endif

/*
 * MLQ_ALIGN4 word-aligns exported arrays and input buffers, so that kernels
 * can read two Q15 values per load (and four per load-multiple) on cores
 * with the DSP extension. Kernels stay correct on unaligned data.
 */
#if defined(__GNUC__) || defined(__clang__)
#define MLQ_ALIGN4 __attribute__((aligned(4)))
#else
#define MLQ_ALIGN4
#endif

/*
 * MLQ_ROW_LEN(n) is the number of entries a row of n Q1.15 values takes in
 * a model's arrays (k-means centroids, SVM support vectors and weights,
 * GMM factor rows): n rounded up to even, the one extra entry of an odd
 * row a zero pad, so that each row of a word-aligned array starts on a
 * word. Exporters lay rows out with it, kernels step through them with it,
 * and the model checks reject a pad that is not 0. Computed in the type of
 * n, which must be unsigned (or promote to unsigned with the 1u) and hold
 * n + 1: uint32_t in the kernels, size_t on the host.
 */
#define MLQ_ROW_LEN(n) (((n) + 1u) / 2u * 2u)

/*
 * Constants in flash, on every target. On AVR, const data stays in flash
 * only when it is defined PROGMEM and read with program-memory loads:
 * exported headers define every model array and struct MLQ_FLASH, the
 * library its tables, and kernels read them only through the macros below
 * (MLQ_RD_* for one value, MLQ_MODEL_IN_RAM for a model struct, copied to
 * the stack once per call). Everywhere else MLQ_FLASH is empty and the
 * macros are plain loads, so the code is what it would be without them.
 * On AVR a model's constants must lie in the first 64 KiB of flash (data
 * pointers have 16 bits), but for the far array below, and models handed
 * to the kernels must be in flash, as exported headers define them.
 */
#if defined(__AVR__)
#define MLQ_FLASH PROGMEM
#define MLQ_RD_U8(p) ((uint8_t)pgm_read_byte(p))
#define MLQ_RD_I8(p) ((int8_t)pgm_read_byte(p))
#define MLQ_RD_U16(p) ((uint16_t)pgm_read_word(p))
#define MLQ_RD_I16(p) ((int16_t)pgm_read_word(p))
#define MLQ_RD_U32(p) ((uint32_t)pgm_read_dword(p))
#define MLQ_RD_I32(p) ((int32_t)pgm_read_dword(p))
#define MLQ_RD_I64(p) ((int64_t)((uint64_t)pgm_read_dword(p) | \
                                 (uint64_t)pgm_read_dword((const uint32_t *)(const void *)(p) + 1) << 32))
#define MLQ_RD_PTR(p) pgm_read_ptr(p)
#define MLQ_MODEL_IN_RAM(type, name, model)                                                     \
    type name##_in_ram;                                                                         \
    const type *name = (const type *)memcpy_P(&name##_in_ram, (model), sizeof(type))
#else
#define MLQ_FLASH
#define MLQ_RD_U8(p) (*(p))
#define MLQ_RD_I8(p) (*(p))
#define MLQ_RD_U16(p) (*(p))
#define MLQ_RD_I16(p) (*(p))
#define MLQ_RD_U32(p) (*(p))
#define MLQ_RD_I32(p) (*(p))
#define MLQ_RD_I64(p) (*(p))
#define MLQ_RD_PTR(p) (*(p))
#define MLQ_MODEL_IN_RAM(type, name, model) const type *name = (model)
#endif

/*
 * Far arrays: the one array of a model that can outgrow 64 KiB (SVM support
 * vectors, GMM factors; digits' take 80 to 90 KB). A model struct holds it
 * as an mlq_far_q15 and kernels read it through an mlq_far_at position:
 *
 *   mlq_far_at a = MLQ_FAR_AT(m->sv);     // its first entry
 *   a = MLQ_FAR_ADD(a, row);              // row entries further
 *   int16_t v = MLQ_FAR_RD_I16(a, j);     // its j-th entry from there
 *
 * On an AVR with more than 64 KiB of flash (ELPM: ATmega1280/2560, 1284)
 * a 16-bit pointer cannot reach the array, so the exported header emits it
 * in assembly (MLQ_FAR_ARRAY: avr-gcc refuses a C object over 32 KiB) into
 * a section linked after the other constants, with its 24-bit address in a
 * 4-byte constant in low flash; mlq_far_q15 points to that constant and a
 * position is a flash byte address, read with ELPM (pgm_read_word_far).
 * MLQ_FAR_NEAR turns a pointer to other flash data into a position. On
 * every other target (the ATmega328P included) mlq_far_q15 is
 * const mlq_q15_t * and the macros are the pointer's own operations, so
 * the code is what it would be without them.
 */
#if defined(__AVR__) && defined(__AVR_HAVE_ELPM__)
#define MLQ_FAR_FLASH 1
typedef const uint32_t *mlq_far_q15;
typedef uint32_t mlq_far_at;
#define MLQ_FAR_AT(a) MLQ_RD_U32(a)
#define MLQ_FAR_NEAR(p) ((mlq_far_at)(uintptr_t)(p))
#define MLQ_FAR_ADD(a, i) ((a) + 2u * (uint32_t)(i))
#define MLQ_FAR_RD_I16(a, i) ((int16_t)pgm_read_word_far(MLQ_FAR_ADD(a, i)))
/* In a header, MLQ_FAR_ARRAY(sym, id, values...): the array in a .text
 * section (which the linker places after every .progmem section), its
 * address in .progmem (sym_at to C), each a COMDAT group named after sym
 * and id, a digest of the values: one copy is linked however many
 * translation units include the header, and two models of the same name in
 * two translation units keep their own arrays. The sections around the
 * statement are left as they were. */
#define MLQ_FAR_STR_(...) #__VA_ARGS__
#define MLQ_FAR_NAME_(sym, id) #sym "_" #id /* the array's symbol and group */
#define MLQ_FAR_GROUP_(section, name) \
    ".pushsection " section "." name ",\"aG\",@progbits," name ",comdat\n.weak " name "\n" name ":\n"
#define MLQ_FAR_ARRAY(sym, id, ...)                                                           \
    extern const uint32_t sym##_at __asm__(MLQ_FAR_NAME_(sym, id) "_at") MLQ_FLASH;            \
    __asm__(MLQ_FAR_GROUP_(".text.mlq_far", MLQ_FAR_NAME_(sym, id))                            \
            ".short " MLQ_FAR_STR_(__VA_ARGS__) "\n.popsection\n"                               \
            MLQ_FAR_GROUP_(".progmem.mlq_far", MLQ_FAR_NAME_(sym, id) "_at")                   \
            ".long " MLQ_FAR_NAME_(sym, id) "\n.popsection\n")
#define MLQ_FAR_REF(sym) (&sym##_at)
#else
#define MLQ_FAR_FLASH 0
typedef const int16_t *mlq_far_q15;
typedef const int16_t *mlq_far_at;
#define MLQ_FAR_AT(a) (a)
#define MLQ_FAR_NEAR(p) (p)
#define MLQ_FAR_ADD(a, i) ((a) + (i))
#define MLQ_FAR_RD_I16(a, i) MLQ_RD_I16(&(a)[i])
#define MLQ_FAR_REF(sym) (sym)
#endif

/*
 * The initializer of the class id in the exported headers' entries. The
 * kernels write it whenever they return MLQ_OK, but avr-gcc 5.4 with link-
 * time optimisation (the Arduino builder's) warns that it may be used
 * uninitialized; elsewhere it is left out, which saves a store per call.
 */
#if defined(__AVR__)
#define MLQ_ID_INIT = 0
#else
#define MLQ_ID_INIT
#endif

/*
 * MLQ_F32_BITS(x, j) is the IEEE-754 bit pattern of the float x[j] as a
 * uint32_t, read without float arithmetic (the tree's float keys, the
 * integer input quantizer). GCC and clang read it with one integer load
 * through a may_alias type; other compilers copy it through a union, which
 * C99 allows.
 */
#if defined(__GNUC__) || defined(__clang__)
typedef uint32_t mlq_f32_bits_t __attribute__((may_alias));
#define MLQ_F32_BITS(x, j) (((const mlq_f32_bits_t *)(const void *)(x))[j])
#else
static inline uint32_t mlq_f32_bits(const float *x, size_t j)
{
    union {
        float f;
        uint32_t u;
    } v;

    v.f = x[j];
    return v.u;
}
#define MLQ_F32_BITS(x, j) mlq_f32_bits((x), (j))
#endif

#ifdef __cplusplus
}
#endif

#endif /* MLQ_TYPES_H */
