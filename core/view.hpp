#pragma once
// Non-owning views over device memory. Column-major (BLAS/cuBLAS convention): element
// (i, j) of a matrix view sits at data[i + j * ld]. A view knows where its memory lives;
// backends check this instead of copying behind the caller's back.
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "core/device.hpp"

namespace fl {

using index_t = std::int64_t;

template <class T>
struct VectorView {
  T* data = nullptr;
  index_t size = 0;
  Device device = Device::cpu;

  VectorView() = default;
  VectorView(T* d, index_t n, Device dev) : data(d), size(n), device(dev) {}
  // A view of non-const elements converts to a view of const elements.
  template <class U, class = std::enable_if_t<std::is_same_v<const U, T> && !std::is_same_v<U, T>>>
  VectorView(const VectorView<U>& o) : data(o.data), size(o.size), device(o.device) {}

  VectorView segment(index_t offset, index_t n) const { return {data + offset, n, device}; }
};

template <class T>
struct MatrixView {
  T* data = nullptr;
  index_t rows = 0;
  index_t cols = 0;
  index_t ld = 0;  // leading dimension (>= rows)
  Device device = Device::cpu;

  MatrixView() = default;
  MatrixView(T* d, index_t r, index_t c, index_t l, Device dev)
      : data(d), rows(r), cols(c), ld(l), device(dev) {}
  MatrixView(T* d, index_t r, index_t c, Device dev) : MatrixView(d, r, c, r, dev) {}
  template <class U, class = std::enable_if_t<std::is_same_v<const U, T> && !std::is_same_v<U, T>>>
  MatrixView(const MatrixView<U>& o)
      : data(o.data), rows(o.rows), cols(o.cols), ld(o.ld), device(o.device) {}

  bool contiguous() const { return ld == rows || cols <= 1; }
  // Columns [c0, c0 + n): still a valid strided view.
  MatrixView col_block(index_t c0, index_t n) const { return {data + c0 * ld, rows, n, ld, device}; }
  // Rows [r0, r0 + n) of every column.
  MatrixView row_block(index_t r0, index_t n) const { return {data + r0, n, cols, ld, device}; }
  VectorView<T> col(index_t c) const { return {data + c * ld, rows, device}; }
  // The whole storage as one vector; only for contiguous views.
  VectorView<T> flat() const { return {data, rows * cols, device}; }
};

template <class T>
using ConstVectorView = VectorView<const T>;
template <class T>
using ConstMatrixView = MatrixView<const T>;

}  // namespace fl
