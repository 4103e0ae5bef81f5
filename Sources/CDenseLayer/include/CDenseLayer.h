#ifndef MLOPS_CDENSELAYER_H
#define MLOPS_CDENSELAYER_H

/// One layer of a neural network on `rows` rows: for each row of `input` (`inner` ≥ 1 floats), `output`
/// (`columns` floats) gets `row · weights + bias`, through ReLU when `relu` is nonzero. `weights` is
/// `[inner, padded_columns]` row-major and `bias` has `padded_columns` values; `padded_columns` is a multiple of 8
/// at least `columns`, the padding zeros. The product is summed in float32 over blocks of 256 inner indices
/// (ascending, with fused multiply-adds where the processor has them: AVX2 and FMA on x86-64, chosen at run
/// time), each block's sum added to the output; then the bias is added in float32. `input` and `output` must not
/// overlap.
void mlops_dense_layer(const float *input, long rows, long inner, const float *weights, long padded_columns,
                       long columns, const float *bias, int relu, float *output);

/// The same layer through the portable kernel whatever the processor has: what `mlops_dense_layer` runs
/// without AVX2 and FMA, and on other architectures (tests compare the two).
void mlops_dense_layer_portable(const float *input, long rows, long inner, const float *weights,
                                long padded_columns, long columns, const float *bias, int relu, float *output);

#endif
