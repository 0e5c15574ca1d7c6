#include "models/vae/packed_gemm.hpp"

#include <algorithm>
#include <cstring>

namespace fl::vae {

namespace {

// One 512-bit vector; aligned(sizeof(T)) allows unaligned loads and stores.
template <class T>
struct Vector;
template <>
struct Vector<float> {
  typedef float type __attribute__((vector_size(64), aligned(4)));
};
template <>
struct Vector<double> {
  typedef double type __attribute__((vector_size(64), aligned(8)));
};

// C block (kRows x nc, nc <= kCols, rows r0.. clipped to mr) of op(W) B for one panel.
template <class T>
void panel_block(const T* panel, index_t K, const T* B, index_t ldb, index_t nc, T beta, T* C, index_t ldc,
                 index_t mr) {
  using V = typename Vector<T>::type;
  constexpr index_t L = PackedMatrix<T>::kLanes, NC = PackedMatrix<T>::kCols;
  V acc0[NC], acc1[NC];
  for (index_t j = 0; j < NC; ++j) acc0[j] = acc1[j] = V{};
  const T* b[NC];  // past the last column, repeat it (the results are not stored)
  for (index_t j = 0; j < NC; ++j) b[j] = B + std::min(j, nc - 1) * ldb;
  const V* a = reinterpret_cast<const V*>(panel);
  for (index_t k = 0; k < K; ++k, a += 2) {
    const V a0 = a[0], a1 = a[1];
    for (index_t j = 0; j < NC; ++j) {
      const T bj = b[j][k];
      acc0[j] += a0 * bj;
      acc1[j] += a1 * bj;
    }
  }
  for (index_t j = 0; j < nc; ++j) {
    T out[2 * L];
    std::memcpy(out, &acc0[j], sizeof(V));
    std::memcpy(out + L, &acc1[j], sizeof(V));
    T* c = C + j * ldc;
    if (beta == T(0))
      for (index_t r = 0; r < mr; ++r) c[r] = out[r];
    else
      for (index_t r = 0; r < mr; ++r) c[r] += out[r];
  }
}

}  // namespace

template <class T>
void PackedMatrix<T>::pack(MatrixView<const T> W, bool transpose) {
  rows_ = transpose ? W.cols : W.rows;
  cols_ = transpose ? W.rows : W.cols;
  const index_t n_panels = (rows_ + kRows - 1) / kRows;
  panels_.assign(static_cast<std::size_t>(n_panels * cols_ * kRows), T(0));
  for (index_t p = 0; p < n_panels; ++p) {
    T* panel = panels_.data() + p * cols_ * kRows;
    const index_t r1 = std::min(rows_, (p + 1) * kRows);
    for (index_t k = 0; k < cols_; ++k)
      for (index_t r = p * kRows; r < r1; ++r)
        panel[k * kRows + (r - p * kRows)] = transpose ? W.data[k + r * W.ld] : W.data[r + k * W.ld];
  }
}

template <class T>
void PackedMatrix<T>::multiply(MatrixView<const T> B, T beta, MatrixView<T> C) const {
  const index_t n_panels = (rows_ + kRows - 1) / kRows, N = C.cols;
  const index_t col_blocks = (N + kCols - 1) / kCols;
  // Panel-major: one panel (cols x kRows values) stays in cache across the column blocks.
#pragma omp parallel for schedule(static) collapse(2) if (rows_ * cols_ * N > (1 << 24))
  for (index_t p = 0; p < n_panels; ++p)
    for (index_t q = 0; q < col_blocks; ++q) {
      const index_t j0 = q * kCols;
      panel_block(panels_.data() + p * cols_ * kRows, cols_, B.data + j0 * B.ld, B.ld, std::min(kCols, N - j0), beta,
                  C.data + p * kRows + j0 * C.ld, C.ld, std::min(kRows, rows_ - p * kRows));
    }
}

template class PackedMatrix<float>;
template class PackedMatrix<double>;

}  // namespace fl::vae
