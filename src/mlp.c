/* SPDX-License-Identifier: MIT */
#include "mlq/mlp.h"

#include "mlq/fixed.h"
#include "mlq/score.h"

#include "dsp.h"

/* [385] tanh(i / 64) for i = 0..384 in Q1.15, rounded, 1.0 saturated to 32767 (in flash). */
static const uint16_t tanh_tab[385] MLQ_FLASH = {
        0,   512,  1024,  1535,  2045,  2555,  3063,  3570,  4075,  4578,  5079,  5577,
     6073,  6566,  7056,  7542,  8025,  8505,  8980,  9452,  9919, 10382, 10840, 11294,
    11743, 12186, 12625, 13058, 13486, 13909, 14326, 14737, 15143, 15542, 15936, 16324,
    16706, 17082, 17452, 17816, 18173, 18525, 18870, 19209, 19542, 19869, 20189, 20504,
    20813, 21115, 21411, 21702, 21986, 22265, 22538, 22804, 23066, 23321, 23571, 23815,
    24054, 24287, 24516, 24738, 24956, 25168, 25376, 25578, 25776, 25969, 26157, 26340,
    26519, 26694, 26864, 27029, 27191, 27348, 27502, 27651, 27797, 27938, 28076, 28211,
    28341, 28469, 28592, 28713, 28830, 28944, 29055, 29163, 29268, 29370, 29470, 29566,
    29660, 29751, 29840, 29926, 30010, 30091, 30170, 30247, 30322, 30394, 30465, 30533,
    30600, 30664, 30727, 30788, 30847, 30904, 30960, 31014, 31067, 31118, 31167, 31215,
    31262, 31307, 31351, 31394, 31435, 31476, 31515, 31553, 31589, 31625, 31659, 31693,
    31726, 31757, 31788, 31817, 31846, 31874, 31901, 31928, 31953, 31978, 32002, 32025,
    32048, 32070, 32091, 32112, 32132, 32151, 32170, 32188, 32206, 32223, 32240, 32256,
    32271, 32287, 32301, 32316, 32329, 32343, 32356, 32368, 32381, 32392, 32404, 32415,
    32426, 32436, 32447, 32456, 32466, 32475, 32484, 32493, 32501, 32509, 32517, 32525,
    32532, 32540, 32547, 32553, 32560, 32566, 32573, 32579, 32584, 32590, 32596, 32601,
    32606, 32611, 32616, 32620, 32625, 32629, 32634, 32638, 32642, 32646, 32649, 32653,
    32657, 32660, 32663, 32667, 32670, 32673, 32676, 32678, 32681, 32684, 32686, 32689,
    32691, 32694, 32696, 32698, 32700, 32702, 32704, 32706, 32708, 32710, 32712, 32714,
    32715, 32717, 32718, 32720, 32721, 32723, 32724, 32726, 32727, 32728, 32729, 32731,
    32732, 32733, 32734, 32735, 32736, 32737, 32738, 32739, 32740, 32741, 32741, 32742,
    32743, 32744, 32745, 32745, 32746, 32747, 32747, 32748, 32749, 32749, 32750, 32750,
    32751, 32751, 32752, 32752, 32753, 32753, 32754, 32754, 32755, 32755, 32755, 32756,
    32756, 32757, 32757, 32757, 32758, 32758, 32758, 32759, 32759, 32759, 32759, 32760,
    32760, 32760, 32760, 32761, 32761, 32761, 32761, 32762, 32762, 32762, 32762, 32762,
    32762, 32763, 32763, 32763, 32763, 32763, 32763, 32764, 32764, 32764, 32764, 32764,
    32764, 32764, 32764, 32765, 32765, 32765, 32765, 32765, 32765, 32765, 32765, 32765,
    32765, 32765, 32766, 32766, 32766, 32766, 32766, 32766, 32766, 32766, 32766, 32766,
    32766, 32766, 32766, 32766, 32766, 32766, 32767, 32767, 32767, 32767, 32767, 32767,
    32767, 32767, 32767, 32767, 32767, 32767, 32767, 32767, 32767, 32767, 32767, 32767,
    32767, 32767, 32767, 32767, 32767, 32767, 32767, 32767, 32767, 32767, 32767, 32767,
    32767, 32767, 32767, 32767, 32767, 32767, 32767, 32767, 32767, 32767, 32767, 32767,
    32767

};

mlq_q15_t mlq_mlp_tanh_q15(mlq_q15_t u)
{
    uint32_t a = u < 0 ? (uint32_t)(-(int32_t)u) : (uint32_t)u, i = a >> 6, v;

    if (i >= 384u) {
        v = 32767u;
    } else {
        uint32_t t0 = MLQ_RD_U16(&tanh_tab[i]), t1 = MLQ_RD_U16(&tanh_tab[i + 1u]); /* t1 >= t0 */

        v = t0 + (((t1 - t0) * (a & 63u) + 32u) >> 6);
    }
    return u < 0 ? (mlq_q15_t)(-(int32_t)v) : (mlq_q15_t)v;
}

/*
 * The model struct and its layers are in flash (MLQ_FLASH, mlq/types.h).
 * Every entry copies the model struct with MLQ_MODEL_IN_RAM, and each
 * layer's struct, one at a time, before it runs or checks it; the helpers
 * below take those copies (m, L) and read the arrays they point to
 * (weights, biases, multipliers), which stay in flash, with MLQ_RD_*.
 */

/* Scratch bytes of every entry of m (MLQ_MLP_WORK_BYTES). */
static size_t work_bytes(const mlq_mlp_q15 *m)
{
    return MLQ_MLP_WORK_BYTES(m->max_width, m->bits, m->n_classes);
}

/* Bytes of one ping-pong buffer. */
static size_t half_bytes(const mlq_mlp_q15 *m)
{
    return work_bytes(m) / 2u;
}

size_t mlq_mlp_work_size(const mlq_mlp_q15 *model)
{
    MLQ_MODEL_IN_RAM(mlq_mlp_q15, m, model);

    MLQ_ASSERT(model != NULL);
    return work_bytes(m);
}

/* Do L's weights and biases keep every partial sum within int32 for inputs
 * of magnitude at most max_in (mlq_mlp_predict_q15), and are its
 * multipliers, if any, non-negative? */
static int layer_ok(const mlq_mlp_layer *L, uint32_t max_in)
{
    uint32_t row = MLQ_MLP_ROW_LEN((uint32_t)L->n_in), o, j;
    int64_t lim = (int64_t)INT32_MAX - (int64_t)L->n_in * max_in * 127;
    const int8_t *w = L->w;

    for (o = 0; o < L->n_out; o++, w += row) {
        int64_t b = MLQ_RD_I32(&L->bias[o]);

        if (b > lim || b < -lim || (L->mul != NULL && MLQ_RD_I32(&L->mul[o]) < 0))
            return 0;
        for (j = 0; j < L->n_in; j++) /* the padding is never summed against an input */
            if (MLQ_RD_I8(&w[j]) == INT8_MIN)
                return 0;
    }
    return 1;
}

mlq_status mlq_mlp_check(const mlq_mlp_q15 *model)
{
    MLQ_MODEL_IN_RAM(mlq_mlp_q15, m, model);
    uint32_t l, prev, last, low;

    MLQ_ASSERT(model != NULL);
    if (m->n_layers == 0 || m->layers == NULL || (m->bits != 8u && m->bits != 16u) ||
        (m->act != MLQ_MLP_RELU && m->act != MLQ_MLP_TANH) || m->n_classes == 0 ||
        m->n_classes > 32767u || m->n_features == 0 || m->score_mul < 1 || m->score_shift > 62u)
        return MLQ_ERR_MODEL;
#if SIZE_MAX < 0xFFFFFu
    /* 16-bit size_t (AVR): the scratch size must not wrap. */
    if (8u * (((uint32_t)m->max_width * (m->bits / 8u) + 3u) / 4u) > SIZE_MAX ||
        8u * (uint32_t)m->n_classes > SIZE_MAX)
        return MLQ_ERR_MODEL;
#endif
    low = m->act == MLQ_MLP_RELU ? 33u : 1u;
    prev = m->n_features;
    last = m->n_layers - 1u;
    for (l = 0; l <= last; l++) {
        MLQ_MODEL_IN_RAM(mlq_mlp_layer, L, &m->layers[l]);
        int in16 = l == 0 || m->bits == 16u;

        if (L->n_in != prev || L->n_out == 0 || L->w == NULL || L->bias == NULL ||
            (in16 && L->n_in > MLQ_MLP_MAX_IN16))
            return MLQ_ERR_MODEL;
        if (l == last ? L->n_out != m->n_classes || L->mul != NULL || L->shift != 0u
                      : L->mul == NULL || L->shift < low || L->shift > 62u || L->n_out > m->max_width)
            return MLQ_ERR_MODEL;
        if (!layer_ok(L, in16 ? 32768u : 255u))
            return MLQ_ERR_MODEL;
        prev = L->n_out;
    }
    return MLQ_OK;
}

/*
 * Two rows against the inputs, added to *pa and *pb modulo 2^32: 16-bit
 * inputs (in16; weight groups of four in the order j, j+2, j+1, j+3, the
 * last n % 4 weights in natural order) or 8-bit unsigned inputs (natural
 * order; n a multiple of four: the zero-padded row). One loop serves both widths,
 * so that a network with 8-bit activations links one. Every product is of
 * an int32_t and an int8_t, so none is computed in a 16-bit int. The rows
 * are in flash: the portable path reads them with MLQ_RD_I8, the DSP path
 * (Arm only, where flash is read by ordinary loads) a word at a time, at
 * any address (src/dsp.h): SXTB16 unpacks two int8 weights (bytes 0 and 2,
 * or with ROR 8 bytes 1 and 3) into two int16 halves, UXTB16 two uint8
 * inputs the same way, and SMLAD adds both products of two halfword pairs.
 * On a big-endian core the 8-bit path needs nothing (inputs and weights
 * unpack alike); the 16-bit path takes its two input words in the other
 * order.
 */
MLQ_INLINE void dot2(const void *in, int in16, const int8_t *wa, const int8_t *wb,
                     uint32_t n, uint32_t *pa, uint32_t *pb)
{
    const uint8_t *x = (const uint8_t *)in;
    uint32_t a = *pa, b = *pb, k = n >> 2, t = n & 3u;

#if MLQ_DSP
    for (; k > 0; k--) {
        uint32_t xa, xb, u = mlq_ld32(wa), v = mlq_ld32(wb);

        if (in16) { /* (x0, x1) and (x2, x3) against (w0, w1) and (w2, w3) */
#if defined(__ARM_BIG_ENDIAN)
            /* x0 is the high half of its word, and SXTB16 picks the
             * weight bytes the other way round: the words trade places */
            xa = mlq_ld32(x + 4);
            xb = mlq_ld32(x);
#else
            xa = mlq_ld32(x);
            xb = mlq_ld32(x + 4);
#endif
            x += 8;
        } else { /* (x0, x2) and (x1, x3), unsigned, against the same bytes of the weights */
            uint32_t xv = mlq_ld32(x);

            xa = mlq_uxtb16(xv);
            xb = mlq_uxtb16_ror8(xv);
            x += 4;
        }
        a = mlq_smlad(xa, mlq_sxtb16(u), a);
        b = mlq_smlad(xa, mlq_sxtb16(v), b);
        a = mlq_smlad(xb, mlq_sxtb16_ror8(u), a);
        b = mlq_smlad(xb, mlq_sxtb16_ror8(v), b);
        wa += 4;
        wb += 4;
    }
#else
    for (; k > 0; k--) {
        int32_t x0, x1, x2, x3;

        if (in16) { /* in the order of the weights: j, j+2, j+1, j+3 */
            const int16_t *p = (const int16_t *)(const void *)x;

            x0 = p[0];
            x1 = p[2];
            x2 = p[1];
            x3 = p[3];
            x += 8;
        } else {
            const uint8_t *p = x;

            x0 = p[0];
            x1 = p[1];
            x2 = p[2];
            x3 = p[3];
            x += 4;
        }
        a += (uint32_t)(x0 * MLQ_RD_I8(&wa[0]) + x1 * MLQ_RD_I8(&wa[1]) + x2 * MLQ_RD_I8(&wa[2]) +
                        x3 * MLQ_RD_I8(&wa[3]));
        b += (uint32_t)(x0 * MLQ_RD_I8(&wb[0]) + x1 * MLQ_RD_I8(&wb[1]) + x2 * MLQ_RD_I8(&wb[2]) +
                        x3 * MLQ_RD_I8(&wb[3]));
        wa += 4;
        wb += 4;
    }
#endif
    for (; t > 0; t--) { /* 16-bit inputs only */
        int32_t xi = *(const int16_t *)(const void *)x;

        a += (uint32_t)(xi * MLQ_RD_I8(wa++));
        b += (uint32_t)(xi * MLQ_RD_I8(wb++));
        x += 2;
    }
    *pa = a;
    *pb = b;
}

/* round(acc * mul / 2^shift), ties upward, for shift in 1..32: the 64-bit
 * product rounded and saturated to int32. Out of line: only tanh models
 * use shifts this small. */
static MLQ_NOINLINE int32_t requant_wide(int32_t acc, int32_t mul, uint32_t shift)
{
    int64_t r = ((((int64_t)acc * mul) >> (shift - 1u)) + 1) >> 1;

    return mlq_sat_q31(r);
}

/* round(acc * mul / 2^shift), ties upward, shift in 1..62 (see mlq/mlp.h):
 * above 32, the high word of the exact product and a rounding shift in 32
 * bits (|result| <= 2^30). `wide` is 0 in the ReLU loops, whose shifts
 * mlq_mlp_check keeps above 32. */
MLQ_INLINE int32_t requant(int32_t acc, int32_t mul, uint32_t shift, int wide)
{
    if (!wide || shift > 32u) {
        uint32_t s = shift - 32u;

        return ((int32_t)(((int64_t)acc * mul) >> 32) + ((int32_t)1 << (s - 1u))) >> s;
    }
    return requant_wide(acc, mul, shift);
}

/* The activation of one hidden accumulator, `out_bits` wide (mlq/mlp.h):
 * 16 bits: tanh in Q1.15, ReLU in [0, 32767]; 8 bits (unsigned): tanh in
 * Q1.7 plus 128, ReLU in [0, 255]. tanh_layer: 1 tanh, 0 ReLU, -1 ReLU in
 * a ReLU-only loop (shift > 32). */
MLQ_INLINE int32_t activate(int32_t acc, int32_t mul, uint32_t shift, uint32_t out_bits,
                            int tanh_layer)
{
    int32_t r = requant(acc, mul, shift, tanh_layer >= 0), v;

    if (tanh_layer > 0) {
        v = mlq_mlp_tanh_q15((mlq_q15_t)(r < -32768 ? -32768 : r > 32767 ? 32767 : r));
        if (out_bits == 8u) { /* ((v + 128) >> 8, at most 127) + 128; v >= -32767 */
            v = (v + 32896) >> 8;
            v = v > 255 ? 255 : v;
        }
        return v;
    }
    if (r < 0) /* ReLU and saturation in one clamp */
        return 0;
    if (out_bits == 16u)
        return r > 32767 ? 32767 : r;
    return r > 255 ? 255 : r;
}

/*
 * One layer: acc_o = bias_o + w[o] . in for every output o, two rows at a
 * time (sharing every input load; an odd last row is paired with itself).
 * A hidden layer (mul not NULL) stores activation(requant(acc_o))
 * `out_bits` wide into out; the output layer returns the index of the
 * largest acc_o (ties: the lowest) and, with `store`, writes them into out
 * as int32_t. in16 says whether the inputs are 16-bit, tanh_layer as for
 * activate(). L is the layer's struct copied to RAM (run()), its weights,
 * biases and multipliers are in flash. Inlined into the layer functions
 * below with in16, out_bits, store and (for the ReLU loops) tanh_layer
 * constant.
 */
MLQ_INLINE uint32_t layer(const mlq_mlp_layer *L, const void *in, int in16, void *out,
                          uint32_t out_bits, int tanh_layer, int store)
{
    uint32_t n_in = L->n_in, n_out = L->n_out, row = MLQ_MLP_ROW_LEN(n_in), o;
    uint32_t shift = L->shift, best_o = 0;
    const int8_t *w = L->w;
    const int32_t *bias = L->bias, *mul = L->mul;
    int32_t best = 0;

    /* 8-bit outputs: zeros up to the padded row that the next layer reads
     * (the last word of the outputs; the buffers are word-aligned). */
    if (mul != NULL && out_bits == 8u && (n_out & 3u) != 0)
        ((uint32_t *)out)[n_out >> 2] = 0;
    for (o = 0; o < n_out; o += 2u, w += 2u * row) {
        uint32_t two = o + 1u < n_out;
        uint32_t a = (uint32_t)MLQ_RD_I32(&bias[o]), b = (uint32_t)MLQ_RD_I32(&bias[o + two]);

        dot2(in, in16, w, w + two * row, in16 ? n_in : row, &a, &b);
        if (mul != NULL) {
            int32_t va = activate((int32_t)a, MLQ_RD_I32(&mul[o]), shift, out_bits, tanh_layer);
            int32_t vb =
                activate((int32_t)b, MLQ_RD_I32(&mul[o + two]), shift, out_bits, tanh_layer);

            if (out_bits == 16u) {
                ((int16_t *)out)[o] = (int16_t)va;
                ((int16_t *)out)[o + two] = (int16_t)vb;
            } else {
                ((uint8_t *)out)[o] = (uint8_t)va;
                ((uint8_t *)out)[o + two] = (uint8_t)vb;
            }
            continue;
        }
        if (store) {
            ((int32_t *)out)[o] = (int32_t)a;
            ((int32_t *)out)[o + two] = (int32_t)b;
        }
        if (o == 0 || (int32_t)a > best) { /* strict: ties keep the lower index */
            best = (int32_t)a;
            best_o = o;
        }
        if ((int32_t)b > best) { /* b is a again when the row is paired with itself */
            best = (int32_t)b;
            best_o = o + 1u;
        }
    }
    return best_o;
}

/* The layer loops a firmware links: by input width (in16 -1: either, said
 * at run time by in16_now), output width, whether tanh is possible (said
 * at run time by tanh_now) and whether the logits are stored (the _acc
 * loops of the scores and proba entries). Out of line, so that each exists
 * once; the 8-bit networks run all their layers (16-bit inputs first,
 * then 8-bit) through one loop. A firmware that calls only the predict
 * entry links no store (which would cost registers in the loop). */
#define MLP_RELU_FN(fname, in16, out_bits, store)                                               \
    static MLQ_NOINLINE uint32_t fname(const mlq_mlp_layer *L, const void *in, int in16_now,      \
                                       void *out)                                                 \
    {                                                                                             \
        return layer(L, in, (in16) < 0 ? in16_now : (in16), out, out_bits, -1, store);           \
    }
#define MLP_ANY_FN(fname, in16, out_bits, store)                                                \
    static MLQ_NOINLINE uint32_t fname(const mlq_mlp_layer *L, const void *in, int in16_now,      \
                                       int tanh_now, void *out)                                   \
    {                                                                                             \
        return layer(L, in, (in16) < 0 ? in16_now : (in16), out, out_bits, tanh_now, store);    \
    }
MLP_RELU_FN(layer_16_16_relu, 1, 16u, 0)
MLP_RELU_FN(layer_x_8_relu, -1, 8u, 0)
MLP_ANY_FN(layer_16_16_any, 1, 16u, 0)
MLP_ANY_FN(layer_x_8_any, -1, 8u, 0)
MLP_RELU_FN(layer_16_16_relu_acc, 1, 16u, 1)
MLP_RELU_FN(layer_x_8_relu_acc, -1, 8u, 1)
MLP_ANY_FN(layer_16_16_any_acc, 1, 16u, 1)
MLP_ANY_FN(layer_x_8_any_acc, -1, 8u, 1)

/* The checks every entry makes per call (mlq/mlp.h): relu_bits is 16 or 8
 * for the ReLU entries, 0 for the generic ones. */
static mlq_status gate(const mlq_mlp_q15 *m, uint16_t n_features, const void *work,
                       size_t work_size, uint32_t relu_bits)
{
    if (n_features != m->n_features)
        return MLQ_ERR_SIZE;
    if (relu_bits != 0u && (m->bits != relu_bits || m->act != MLQ_MLP_RELU))
        return MLQ_ERR_MODEL;
    if (work == NULL || !MLQ_WORK_ALIGNED(work) || work_size < work_bytes(m))
        return MLQ_ERR_BUFFER;
    return MLQ_OK;
}

/*
 * The network on x. Hidden layers write their activations into the two
 * halves of work in turn, the last layer (with store) its accumulators as
 * int32_t; returns the argmax of those and sets *logits to where they are.
 * relu_bits as for gate(): each ReLU entry links only its loop, the
 * generic entries the two loops that take tanh.
 */
MLQ_INLINE uint16_t run(const mlq_mlp_q15 *m, const mlq_q15_t *x, uint8_t *work,
                        uint32_t relu_bits, int store, int32_t **logits)
{
    const void *in = x;
    const mlq_mlp_layer *next = m->layers, *end = next + m->n_layers;
    uint8_t *out = work, *other = work + half_bytes(m);
    uint32_t best = 0, bits = relu_bits != 0u ? relu_bits : m->bits;
    int tanh_now = relu_bits == 0u && m->act == MLQ_MLP_TANH;

    for (; next < end; next++) {
        MLQ_MODEL_IN_RAM(mlq_mlp_layer, L, next);
        uint8_t *done = out;
        int in16 = bits == 16u || in == (const void *)x;

        if (relu_bits == 16u)
            best = store ? layer_16_16_relu_acc(L, in, 1, out) : layer_16_16_relu(L, in, 1, out);
        else if (relu_bits == 8u)
            best = store ? layer_x_8_relu_acc(L, in, in16, out) : layer_x_8_relu(L, in, in16, out);
        else if (bits == 16u)
            best = store ? layer_16_16_any_acc(L, in, 1, tanh_now, out)
                         : layer_16_16_any(L, in, 1, tanh_now, out);
        else
            best = store ? layer_x_8_any_acc(L, in, in16, tanh_now, out)
                         : layer_x_8_any(L, in, in16, tanh_now, out);
        in = done;
        out = other;
        other = done;
    }
    *logits = (int32_t *)(void *)other; /* the last layer's output */
    return (uint16_t)best;
}

/* Exact accumulators acc[n_classes] -> Q15.16 logits s (mlq/mlp.h; s may
 * be acc), with the winner kept on top. */
static void to_scores(const mlq_mlp_q15 *m, const int32_t *acc, int32_t *s, uint16_t best)
{
    uint32_t c, n = m->n_classes, shift = m->score_shift;
    int64_t half = shift > 0u ? (int64_t)1 << (shift - 1u) : 0;

    for (c = 0; c < n; c++) /* |acc * mul| < 2^62: no overflow */
        s[c] = mlq_sat_q31(((int64_t)acc[c] * m->score_mul + half) >> shift);
    mlq_score_keep_winner(s, (uint16_t)n, best);
}

/* What an entry gives besides the status. */
enum { OUT_CLASS, OUT_SCORES, OUT_PROBA };

/* One entry: the per-call checks, the network, then the class, the scores
 * or the probabilities into out (written only on MLQ_OK). */
MLQ_INLINE mlq_status entry(const mlq_mlp_q15 *model, const mlq_q15_t *x, uint16_t n_features,
                            void *work, size_t work_size, uint32_t relu_bits, int kind, void *out)
{
    MLQ_MODEL_IN_RAM(mlq_mlp_q15, m, model);
    int32_t *logits;
    uint16_t best;
    mlq_status s = gate(m, n_features, work, work_size, relu_bits);

    if (s != MLQ_OK)
        return s;
    best = run(m, x, (uint8_t *)work, relu_bits, kind != OUT_CLASS, &logits);
    if (kind == OUT_CLASS) {
        *(uint16_t *)out = best;
    } else if (kind == OUT_SCORES) {
        to_scores(m, logits, (int32_t *)out, best);
    } else {
        to_scores(m, logits, logits, best);
        mlq_proba_softmax(logits, m->n_classes, best, (uint16_t *)out);
    }
    return MLQ_OK;
}

/* The nine entries: {generic, relu16, relu8} x {predict, scores, proba}. */
#define MLP_ENTRY(fname, out_type, relu_bits, kind)                                               \
    mlq_status fname(const mlq_mlp_q15 *model, const mlq_q15_t *x, uint16_t n_features,          \
                     void *work, size_t work_size, out_type *out)                                 \
    {                                                                                             \
        MLQ_ASSERT(model != NULL && x != NULL && out != NULL);                                    \
        return entry(model, x, n_features, work, work_size, relu_bits, kind, out);                \
    }
MLP_ENTRY(mlq_mlp_predict_q15, uint16_t, 0u, OUT_CLASS)
MLP_ENTRY(mlq_mlp_scores_q15, int32_t, 0u, OUT_SCORES)
MLP_ENTRY(mlq_mlp_proba_q15, uint16_t, 0u, OUT_PROBA)
MLP_ENTRY(mlq_mlp_relu16_predict_q15, uint16_t, 16u, OUT_CLASS)
MLP_ENTRY(mlq_mlp_relu16_scores_q15, int32_t, 16u, OUT_SCORES)
MLP_ENTRY(mlq_mlp_relu16_proba_q15, uint16_t, 16u, OUT_PROBA)
MLP_ENTRY(mlq_mlp_relu8_predict_q15, uint16_t, 8u, OUT_CLASS)
MLP_ENTRY(mlq_mlp_relu8_scores_q15, int32_t, 8u, OUT_SCORES)
MLP_ENTRY(mlq_mlp_relu8_proba_q15, uint16_t, 8u, OUT_PROBA)
