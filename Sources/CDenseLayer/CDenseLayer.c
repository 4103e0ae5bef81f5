// The dense-layer kernel in C rather than Swift: Swift cannot compile one function for a processor feature and
// choose it at run time, and the portable x86-64 baseline (SSE2, no FMA) reaches half the multiply-adds a cycle
// of AVX2 with FMA. The same source is compiled twice, portably and for AVX2 + FMA, and each call picks one.
#include "CDenseLayer.h"

#include <string.h>

typedef float lanes __attribute__((vector_size(32)));

// The inner index is taken in blocks of 256, as ONNX Runtime's blocked GEMM does: each block's products are summed
// in registers, then added to the output. A single sum over thousands of products drifts further from ONNX
// Runtime's result than 1e-5; every layer of up to 256 inputs is one block.
enum { BLOCK = 256 };

// Which part of the inner index a block's sums cover: all of it, the first block of several, or a later one.
enum part { ONLY, FIRST, LATER };

// Two rows at a time, 32 columns (four vectors) at a time: eight sums stay in registers over a block of the
// inner index, each weight vector loaded once for both rows. The helpers are defined with each kernel: a
// vector of eight floats crosses a call only between functions compiled for the same processor features.
#define DENSE_LAYER_KERNEL(name, attributes)                                                                         \
    attributes static inline lanes name##_load(const float *source) {                                                \
        lanes value;                                                                                                 \
        memcpy(&value, source, sizeof value);                                                                        \
        return value;                                                                                                \
    }                                                                                                                \
    attributes static inline lanes name##_broadcast(float value) {                                                   \
        return (lanes){value, value, value, value, value, value, value, value};                                      \
    }                                                                                                                \
    /* Writes a block's sums for the real columns: the finished values when it is the only block (the bias */        \
    /* added, ReLU applied: NaN passes, as in ONNX Runtime), else the first block's sums or them added to the */     \
    /* earlier blocks'. */                                                                                           \
    attributes static inline void name##_put(lanes sum, const float *bias, int relu, float *output, long count,      \
                                             enum part part) {                                                       \
        if (part == ONLY) sum = sum + name##_load(bias);                                                             \
        float values[8];                                                                                             \
        memcpy(values, &sum, sizeof values);                                                                         \
        for (long lane = 0; lane < count && lane < 8; lane++) {                                                      \
            float value = values[lane];                                                                              \
            if (part == ONLY && relu && value < 0) value = 0;                                                        \
            output[lane] = part == LATER ? output[lane] + value : value;                                             \
        }                                                                                                            \
    }                                                                                                                \
    attributes static void name(const float *input, long rows, long inner, const float *weights, long padded,        \
                                long columns, const float *bias, int relu, float *output) {                          \
        long groups = padded / 8;                                                                                    \
        for (long row = 0; row < rows; row += 2) {                                                                   \
            long pair = rows - row >= 2 ? 2 : 1;                                                                     \
            /* A lone last row is read twice; only its first copy is written. */                                     \
            const float *first = input + row * inner, *second = input + (row + pair - 1) * inner;                    \
            float *targets[2] = {output + row * columns, output + (row + pair - 1) * columns};                       \
            for (long start = 0; start < inner; start += BLOCK) {                                                    \
                long end = inner - start > BLOCK ? start + BLOCK : inner;                                            \
                enum part part = end - start == inner ? ONLY : start == 0 ? FIRST : LATER;                           \
                long group = 0;                                                                                      \
                for (; group + 4 <= groups; group += 4) {                                                            \
                    lanes a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0}, b0 = {0}, b1 = {0}, b2 = {0}, b3 = {0};            \
                    const float *source = weights + start * padded + group * 8;                                      \
                    for (long k = start; k < end; k++, source += padded) {                                           \
                        lanes x = name##_broadcast(first[k]), y = name##_broadcast(second[k]);                       \
                        lanes w0 = name##_load(source), w1 = name##_load(source + 8),                                \
                              w2 = name##_load(source + 16), w3 = name##_load(source + 24);                          \
                        a0 += x * w0, a1 += x * w1, a2 += x * w2, a3 += x * w3;                                      \
                        b0 += y * w0, b1 += y * w1, b2 += y * w2, b3 += y * w3;                                      \
                    }                                                                                                \
                    lanes sums[2][4] = {{a0, a1, a2, a3}, {b0, b1, b2, b3}};                                         \
                    for (long r = 0; r < pair; r++)                                                                  \
                        for (long g = 0; g < 4; g++) {                                                               \
                            long column = (group + g) * 8;                                                           \
                            name##_put(sums[r][g], bias + column, relu, targets[r] + column, columns - column,       \
                                       part);                                                                        \
                        }                                                                                            \
                }                                                                                                    \
                /* The last vectors one at a time, even and odd inner indices summed apart: four */                  \
                /* multiply-adds in flight instead of two waiting on each other. */                                  \
                for (; group < groups; group++) {                                                                    \
                    lanes a = {0}, b = {0}, odd_a = {0}, odd_b = {0};                                                \
                    const float *source = weights + start * padded + group * 8;                                      \
                    long k = start;                                                                                  \
                    for (; k + 1 < end; k += 2, source += 2 * padded) {                                              \
                        lanes w = name##_load(source), odd_w = name##_load(source + padded);                         \
                        a += name##_broadcast(first[k]) * w, b += name##_broadcast(second[k]) * w;                   \
                        odd_a += name##_broadcast(first[k + 1]) * odd_w;                                             \
                        odd_b += name##_broadcast(second[k + 1]) * odd_w;                                            \
                    }                                                                                                \
                    if (k < end) {                                                                                   \
                        lanes w = name##_load(source);                                                               \
                        a += name##_broadcast(first[k]) * w, b += name##_broadcast(second[k]) * w;                   \
                    }                                                                                                \
                    a += odd_a, b += odd_b;                                                                          \
                    long column = group * 8;                                                                         \
                    name##_put(a, bias + column, relu, targets[0] + column, columns - column, part);                 \
                    if (pair == 2) name##_put(b, bias + column, relu, targets[1] + column, columns - column, part);  \
                }                                                                                                    \
            }                                                                                                        \
            /* Several blocks: the bias added to the sum, then ReLU. */                                              \
            for (long r = 0; r < pair && inner > BLOCK; r++)                                                         \
                for (long column = 0; column < columns; column++) {                                                  \
                    float value = targets[r][column] + bias[column];                                                 \
                    targets[r][column] = relu && value < 0 ? 0 : value;                                              \
                }                                                                                                    \
        }                                                                                                            \
    }

DENSE_LAYER_KERNEL(dense_layer_portable, )

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
DENSE_LAYER_KERNEL(dense_layer_avx2, __attribute__((target("avx2,fma"))))

// Reads what the runtime's start-up found (cpuid and the operating system's register support): a few loads.
static int has_avx2_fma(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#endif

void mlops_dense_layer(const float *input, long rows, long inner, const float *weights, long padded_columns,
                       long columns, const float *bias, int relu, float *output) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    if (has_avx2_fma()) {
        dense_layer_avx2(input, rows, inner, weights, padded_columns, columns, bias, relu, output);
        return;
    }
#endif
    dense_layer_portable(input, rows, inner, weights, padded_columns, columns, bias, relu, output);
}

void mlops_dense_layer_portable(const float *input, long rows, long inner, const float *weights,
                                long padded_columns, long columns, const float *bias, int relu, float *output) {
    dense_layer_portable(input, rows, inner, weights, padded_columns, columns, bias, relu, output);
}
