#pragma once
// CPU product with a pre-packed left operand, for the LSTM recurrence: per time step the
// same weight matrix W_h (4H x H, or its transpose in back-propagation) multiplies a thin
// matrix (H x N, N = the batch). A BLAS GEMM re-packs W_h on every call, which costs ~20 %
// of an LSTM step at N = 64; here W_h is packed once per pass into panels of kRows rows
// (column k of a panel = kRows consecutive values) and every step streams the panels
// through a register-blocked kernel (kRows x kCols accumulators, GCC/Clang vector types).
#include <vector>

#include "core/view.hpp"

namespace fl::vae {

template <class T>
class PackedMatrix {
 public:
  static constexpr index_t kLanes = 64 / static_cast<index_t>(sizeof(T));  // one 512-bit vector
  static constexpr index_t kRows = 2 * kLanes;                              // rows per panel
  static constexpr index_t kCols = 8;                                       // columns per block

  // Packs op(W), op = transpose or not; W is host memory, column-major with leading dim ld.
  void pack(MatrixView<const T> W, bool transpose);
  index_t rows() const { return rows_; }
  index_t cols() const { return cols_; }

  // C = op(W) B + beta C (beta 0 or 1); B: cols() x N, C: rows() x N, host memory.
  void multiply(MatrixView<const T> B, T beta, MatrixView<T> C) const;

 private:
  index_t rows_ = 0, cols_ = 0;
  std::vector<T> panels_;  // ceil(rows / kRows) panels of cols x kRows values
};

}  // namespace fl::vae
