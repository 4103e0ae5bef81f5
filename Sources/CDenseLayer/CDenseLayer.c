// The dense-layer kernel in C rather than Swift: Swift cannot compile one function for a processor feature and
// choose it at run time, and the portable x86-64 baseline (SSE2, no FMA) reaches half the multiply-adds a cycle
// of AVX2 with FMA. The same source is compiled twice, once for AVX2 + FMA, and the first call picks one.
#include "CDenseLayer.h"

#include <string.h>

typedef float lanes __attribute__((vector_size(32)));

// Two rows at a time, 32 columns (four vectors) at a time: eight sums stay in registers over the inner index,
// each weight vector loaded once for both rows.
// The helpers are defined with each kernel: a vector of eight floats crosses a call only between functions
// compiled for the same processor features.
#define DENSE_LAYER_KERNEL(name, attributes)                                                                     \
    attributes static inline lanes name##_load(const float *source) {                                            \
        lanes value;                                                                                             \
        memcpy(&value, source, sizeof value);                                                                    \
        return value;                                                                                            \
    }                                                                                                            \
    attributes static inline lanes name##_broadcast(float value) {                                               \
        return (lanes){value, value, value, value, value, value, value, value};                                  \
    }                                                                                                            \
    /* Adds the bias, applies ReLU (NaN passes unchanged, as in ONNX Runtime), writes the real columns. */       \
    attributes static inline void name##_finish(lanes sum, const float *bias, int relu, double *output,         \
                                                long count) {                                                    \
        sum = sum + name##_load(bias);                                                                           \
        float values[8];                                                                                         \
        memcpy(values, &sum, sizeof values);                                                                     \
        for (long lane = 0; lane < count && lane < 8; lane++)                                                    \
            output[lane] = relu && values[lane] < 0 ? 0.0 : (double)values[lane];                                \
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
            long group = 0;                                                                                      \
            for (; group + 4 <= groups; group += 4) {                                                            \
                lanes a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0}, b0 = {0}, b1 = {0}, b2 = {0}, b3 = {0};            \
                const float *source = weights + group * 8;                                                       \
                for (long k = 0; k < inner; k++, source += padded) {                                             \
                    lanes x = name##_broadcast(first[k]), y = name##_broadcast(second[k]);                                     \
                    lanes w0 = name##_load(source), w1 = name##_load(source + 8), w2 = name##_load(source + 16),                      \
                          w3 = name##_load(source + 24);                                                                \
                    a0 += x * w0, a1 += x * w1, a2 += x * w2, a3 += x * w3;                                      \
                    b0 += y * w0, b1 += y * w1, b2 += y * w2, b3 += y * w3;                                      \
                }                                                                                                \
                lanes sums[2][4] = {{a0, a1, a2, a3}, {b0, b1, b2, b3}};                                         \
                for (long r = 0; r < pair; r++)                                                                  \
                    for (long g = 0; g < 4; g++) {                                                               \
                        long column = (group + g) * 8;                                                           \
                        name##_finish(sums[r][g], bias + column, relu, output + (row + r) * columns + column,           \
                               columns - column);                                                                \
                    }                                                                                            \
            }                                                                                                    \
            for (; group < groups; group++) {                                                                    \
                lanes a = {0}, b = {0};                                                                          \
                const float *source = weights + group * 8;                                                       \
                for (long k = 0; k < inner; k++, source += padded) {                                             \
                    lanes w = name##_load(source);                                                                      \
                    a += name##_broadcast(first[k]) * w, b += name##_broadcast(second[k]) * w;                                 \
                }                                                                                                \
                long column = group * 8;                                                                         \
                name##_finish(a, bias + column, relu, output + row * columns + column, columns - column);               \
                if (pair == 2)                                                                                   \
                    name##_finish(b, bias + column, relu, output + (row + 1) * columns + column, columns - column);     \
            }                                                                                                    \
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
