#pragma once
// The CPU backend's operations as free functions (internal to core/). CpuBackend's do_*
// hooks forward here; shape checks already happened in the Backend wrappers.
//   cpu_linalg.cpp      gemm, batched gemm, syrk, Cholesky, eigh (OpenBLAS / LAPACKE)
//   cpu_elementwise.cpp reductions, maps, axpy & co, optimiser steps (OpenMP)
//   cpu_random.cpp      Philox fills (OpenMP, layout of core/philox.hpp)
#include <cstdint>

#include "core/backend.hpp"

namespace fl::cpu_ops {

// --- linear algebra ---------------------------------------------------------------------
template <class T>
void gemm(Trans ta, Trans tb, T alpha, MatrixView<const T> A, MatrixView<const T> B, T beta,
          MatrixView<T> C);
template <class T>
void gemm_strided_batched(Trans ta, Trans tb, index_t batch, T alpha, MatrixView<const T> A,
                          index_t sA, MatrixView<const T> B, index_t sB, T beta, MatrixView<T> C,
                          index_t sC);
template <class T>
void syrk(Trans trans, T alpha, MatrixView<const T> A, T beta, MatrixView<T> C);
CholeskyInfo cholesky(MatrixView<double> A, const CholeskyOptions& options);
void cholesky_solve(MatrixView<const double> L, MatrixView<double> B);
void eigh(MatrixView<double> A, VectorView<double> w);

// --- element-wise and reductions --------------------------------------------------------
template <class T> void copy2d(MatrixView<const T> src, MatrixView<T> dst);
template <class T> double sum(VectorView<const T> x);
template <class T> double dot(VectorView<const T> x, VectorView<const T> y);
template <class T> double nrm2(VectorView<const T> x);
template <class T> double max_abs(VectorView<const T> x);
template <class T> void row_sums(MatrixView<const T> A, VectorView<T> out);
template <class T> void col_sums(MatrixView<const T> A, VectorView<T> out);
template <class T> void map(UnaryOp op, bool derivative, VectorView<const T> x, VectorView<T> y);
template <class T> void fill(VectorView<T> x, T value);
template <class T> void scale(T alpha, VectorView<T> x);
template <class T> void axpy(T alpha, VectorView<const T> x, VectorView<T> y);
template <class T> void mul(VectorView<const T> x, VectorView<const T> y, VectorView<T> z);
template <class T> void add_column_vector(VectorView<const T> b, MatrixView<T> Y);
template <class T>
void sgd_step(const SgdParams& p, VectorView<T> w, VectorView<const T> g, VectorView<T> velocity);
template <class T>
void adam_step(const AdamParams& p, std::int64_t step, VectorView<T> w, VectorView<const T> g,
               VectorView<T> m, VectorView<T> v);

// --- random fills -----------------------------------------------------------------------
template <class T> void fill_uniform(VectorView<T> x, PhiloxKey key, std::uint64_t step);
template <class T>
void fill_normal(VectorView<T> x, PhiloxKey key, std::uint64_t step, T mean, T stddev);
template <class T>
void fill_bernoulli(VectorView<T> x, VectorView<const T> p, PhiloxKey key, std::uint64_t step);
void fill_raw(VectorView<std::uint32_t> x, PhiloxKey key, std::uint64_t step);

}  // namespace fl::cpu_ops
