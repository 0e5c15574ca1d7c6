#pragma once
// Custom kernels of the CUDA backend (everything cuBLAS/cuSOLVER do not provide):
// deterministic reductions, element-wise maps, optimiser steps, Philox fills and the small
// matrix fix-ups around the BLAS/LAPACK calls. Free functions (not CudaBackend members) so
// that they may define extended __device__ lambdas. All run on the default stream; operands
// are device pointers already checked by the Backend wrappers.
#include <cstdint>

#include "core/backend.hpp"

namespace fl::cuda::ops {

// Reductions: two passes of fixed-shape block trees accumulated in double, so the result
// depends only on the input (never on timing). `scratch` must hold kReductionScratch
// doubles of device memory.
constexpr std::int64_t kMaxReductionBlocks = 1024;
constexpr std::int64_t kReductionScratch = kMaxReductionBlocks + 1;

template <class T> double sum(VectorView<const T> x, double* scratch);
template <class T> double dot(VectorView<const T> x, VectorView<const T> y, double* scratch);
template <class T> double nrm2(VectorView<const T> x, double* scratch);
template <class T> double max_abs(VectorView<const T> x, double* scratch);
double mean_diagonal(MatrixView<const double> A, double* scratch);
// Number of NaN/Inf entries of A (only the lower triangle, diagonal included, when lower_only).
std::int64_t count_non_finite(MatrixView<const double> A, bool lower_only, double* scratch);

template <class T> void row_sums(MatrixView<const T> A, VectorView<T> out);
template <class T> void col_sums(MatrixView<const T> A, VectorView<T> out);

// Element-wise.
template <class T> void map(UnaryOp op, bool derivative, VectorView<const T> x, VectorView<T> y);
template <class T> void fill(VectorView<T> x, T value);
template <class T> void scale(T alpha, VectorView<T> x);
template <class T> void axpy(T alpha, VectorView<const T> x, VectorView<T> y);
template <class T> void mul(VectorView<const T> x, VectorView<const T> y, VectorView<T> z);
template <class T> void add_column_vector(VectorView<const T> b, MatrixView<T> Y);

// Matrix fix-ups. C_b <- beta C_b for `batch` matrices C + b*stride (beta = 0 writes zeros,
// ignoring NaN/Inf already there, as BLAS does).
template <class T> void scale_matrices(MatrixView<T> C, std::int64_t batch, std::int64_t stride, T beta);
// Upper triangle <- transpose of the lower triangle (square C).
template <class T> void mirror_lower_to_upper(MatrixView<T> C);
void zero_strict_upper(MatrixView<double> A);
void add_to_diagonal(MatrixView<double> A, double value);

// Optimisers (formulas documented at the definitions).
template <class T>
void sgd_step(const SgdParams& p, VectorView<T> w, VectorView<const T> g, VectorView<T> velocity);
template <class T>
void adam_step(const AdamParams& p, std::int64_t step, VectorView<T> w, VectorView<const T> g,
               VectorView<T> m, VectorView<T> v);

// Philox fills: element i gets exactly the value of core/philox.hpp's uniform_at/normal_at
// (same block layout), one thread per Philox block.
template <class T> void fill_uniform(VectorView<T> x, PhiloxKey key, std::uint64_t step);
template <class T> void fill_normal(VectorView<T> x, PhiloxKey key, std::uint64_t step, T mean, T stddev);
template <class T>
void fill_bernoulli(VectorView<T> x, VectorView<const T> p, PhiloxKey key, std::uint64_t step);
void fill_raw(VectorView<std::uint32_t> x, PhiloxKey key, std::uint64_t step);

}  // namespace fl::cuda::ops
