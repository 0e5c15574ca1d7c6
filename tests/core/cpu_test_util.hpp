#pragma once
// Helpers shared by the CPU backend tests: random host data (std::mt19937_64, independent
// of the Philox code under test) and naive reference loops.
#include <cstdint>
#include <random>
#include <vector>

#include "core/backend.hpp"
#include "core/buffer.hpp"

namespace fl::test {

template <class T>
std::vector<T> random_vector(std::size_t n, std::uint64_t seed, double lo = -1, double hi = 1) {
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> dist(lo, hi);
  std::vector<T> v(n);
  for (auto& x : v) x = static_cast<T>(dist(gen));
  return v;
}

// A host matrix with leading dimension ld >= rows (padding filled with a sentinel so that
// reading or writing it shows up in the checks).
template <class T>
struct HostMatrix {
  index_t rows, cols, ld;
  std::vector<T> data;
  HostMatrix(index_t r, index_t c, index_t l, T fill = T(0))
      : rows(r), cols(c), ld(l), data(static_cast<std::size_t>(l * (c > 0 ? c : 1)), fill) {}
  T& operator()(index_t i, index_t j) { return data[static_cast<std::size_t>(i + j * ld)]; }
  T operator()(index_t i, index_t j) const { return data[static_cast<std::size_t>(i + j * ld)]; }
  MatrixView<T> view() { return {data.data(), rows, cols, ld, Device::cpu}; }
  MatrixView<const T> cview() const { return {data.data(), rows, cols, ld, Device::cpu}; }
};

template <class T>
HostMatrix<T> random_matrix(index_t rows, index_t cols, index_t ld, std::uint64_t seed) {
  HostMatrix<T> m(rows, cols, ld, T(-777));  // sentinel in the padding rows
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> dist(-1, 1);
  for (index_t j = 0; j < cols; ++j)
    for (index_t i = 0; i < rows; ++i) m(i, j) = static_cast<T>(dist(gen));
  return m;
}

// Element (i, j) of op(X).
template <class T>
T op_at(const HostMatrix<T>& X, Trans t, index_t i, index_t j) {
  return t == Trans::no ? X(i, j) : X(j, i);
}

// A well-conditioned symmetric positive definite matrix X X^T / n + I / 2.
inline HostMatrix<double> random_spd(index_t n, index_t ld, std::uint64_t seed) {
  const auto X = random_matrix<double>(n, n, n, seed);
  HostMatrix<double> A(n, n, ld, -777.0);
  for (index_t i = 0; i < n; ++i)
    for (index_t j = 0; j < n; ++j) {
      double s = 0;
      for (index_t k = 0; k < n; ++k) s += X(i, k) * X(j, k);
      A(i, j) = s / static_cast<double>(n) + (i == j ? 0.5 : 0.0);
    }
  return A;
}

}  // namespace fl::test
