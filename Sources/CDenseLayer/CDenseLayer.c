// The dense-layer kernel in C rather than Swift: Swift cannot compile one function for a processor feature and
// choose it at run time, and the portable x86-64 baseline (SSE2, no FMA) reaches half the multiply-adds a cycle
// of AVX2 with FMA. The same source is compiled twice, once for AVX2 + FMA, and the first call picks one.
#include "CDenseLayer.h"

#include <string.h>

typedef float lanes __attribute__((vector_size(32)));

// The inner index is taken in blocks: each block's products are summed in float32 in registers, and the blocks'
// sums added in double. A single float32 sum over thousands of products drifts further from the exact result
// than ONNX Runtime's blocked sums do; within one block (every layer of up to 256 inputs) the result is the
// float32 sum itself.
enum { BLOCK = 256 };

// Two rows at a time, 32 columns (four vectors) at a time: eight sums stay in registers over a block of the
// inner index, each weight vector loaded once for both rows. The helpers are defined with each kernel: a
// vector of eight floats crosses a call only between functions compiled for the same processor features.
#define DENSE_LAYER_KERNEL(name, attributes)                                                                     \
    attributes static inline lanes name##_load(const float *source) {                                            \
        lanes value;                                                                                             \
        memcpy(&value, source, sizeof value);                                                                    \
        return value;                                                                                            \
    }                                                                                                            \
    attributes static inline lanes name##_broadcast(float value) {                                               \
        return (lanes){value, value, value, value, value, value, value, value};                                  \
    }                                                                                                            \
    /* Adds a block's sums to the row's totals (the first block sets them), for the real columns. */            \
    attributes static inline void name##_add(lanes sum, double *output, long count, int first_block) {          \
        float values[8];                                                                                         \
        memcpy(values, &sum, sizeof values);                                                                     \
        for (long lane = 0; lane < count && lane < 8; lane++)                                                    \
            output[lane] = first_block ? (double)values[lane] : output[lane] + (double)values[lane];             \
    }                                                                                                            \
    attributes static void name(const double *input, long rows, long inner, const float *weights, long padded,  \
                                long columns, const float *bias, int relu, double *output, float *scratch) {    \
        long groups = padded / 8;                                                                                \
        for (long row = 0; row < rows; row += 2) {                                                               \
            long pair = rows - row >= 2 ? 2 : 1;                                                                 \
            float *first = scratch, *second = scratch + inner;                                                   \
            for (long k = 0; k < inner; k++) {                                                                   \
                first[k] = (float)input[row * inner + k];                                                        \
                second[k] = pair == 2 ? (float)input[(row + 1) * inner + k] : 0.0f;                              \
            }                                                                                                    \
            double *targets[2] = {output + row * columns, output + (row + pair - 1) * columns};                  \
            for (long start = 0; start < inner; start += BLOCK) {                                                \
                long end = inner - start > BLOCK ? start + BLOCK : inner;                                        \
                int first_block = start == 0;                                                                    \
                long group = 0;                                                                                  \
                for (; group + 4 <= groups; group += 4) {                                                        \
                    lanes a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0}, b0 = {0}, b1 = {0}, b2 = {0}, b3 = {0};        \
                    const float *source = weights + start * padded + group * 8;                                  \
                    for (long k = start; k < end; k++, source += padded) {                                       \
                        lanes x = name##_broadcast(first[k]), y = name##_broadcast(second[k]);                   \
                        lanes w0 = name##_load(source), w1 = name##_load(source + 8),                            \
                              w2 = name##_load(source + 16), w3 = name##_load(source + 24);                      \
                        a0 += x * w0, a1 += x * w1, a2 += x * w2, a3 += x * w3;                                  \
                        b0 += y * w0, b1 += y * w1, b2 += y * w2, b3 += y * w3;                                  \
                    }                                                                                            \
                    lanes sums[2][4] = {{a0, a1, a2, a3}, {b0, b1, b2, b3}};                                     \
                    for (long r = 0; r < pair; r++)                                                              \
                        for (long g = 0; g < 4; g++) {                                                           \
                            long column = (group + g) * 8;                                                       \
                            name##_add(sums[r][g], targets[r] + column, columns - column, first_block);          \
                        }                                                                                        \
                }                                                                                                \
                for (; group < groups; group++) {                                                                \
                    lanes a = {0}, b = {0};                                                                      \
                    const float *source = weights + start * padded + group * 8;                                  \
                    for (long k = start; k < end; k++, source += padded) {                                       \
                        lanes w = name##_load(source);                                                           \
                        a += name##_broadcast(first[k]) * w, b += name##_broadcast(second[k]) * w;               \
                    }                                                                                            \
                    long column = group * 8;                                                                     \
                    name##_add(a, targets[0] + column, columns - column, first_block);                           \
                    if (pair == 2) name##_add(b, targets[1] + column, columns - column, first_block);            \
                }                                                                                                \
            }                                                                                                    \
            /* The sum rounded to float, the bias added in float, ReLU (NaN passes, as in ONNX Runtime). */     \
            for (long r = 0; r < pair; r++)                                                                      \
                for (long column = 0; column < columns; column++) {                                              \
                    float value = (float)targets[r][column] + bias[column];                                      \
                    targets[r][column] = relu && value < 0 ? 0.0 : (double)value;                                \
                }                                                                                                \
        }                                                                                                        \
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

void mlops_dense_layer(const double *input, long rows, long inner, const float *weights, long padded_columns,
                       long columns, const float *bias, int relu, double *output, float *scratch) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    if (has_avx2_fma()) {
        dense_layer_avx2(input, rows, inner, weights, padded_columns, columns, bias, relu, output, scratch);
        return;
    }
#endif
    dense_layer_portable(input, rows, inner, weights, padded_columns, columns, bias, relu, output, scratch);
}

void mlops_dense_layer_portable(const double *input, long rows, long inner, const float *weights,
                                long padded_columns, long columns, const float *bias, int relu, double *output,
                                float *scratch) {
    dense_layer_portable(input, rows, inner, weights, padded_columns, columns, bias, relu, output, scratch);
}
