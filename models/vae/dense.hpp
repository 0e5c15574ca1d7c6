#pragma once
// Dense layer Y = W X + b with samples in columns, and its hand-written backward.
#include <string>

#include "core/buffer.hpp"
#include "models/vae/params.hpp"

namespace fl::vae {

// out[:, 0] (+)= A * ones: the row sums of A accumulated into a column (beta = 1 adds).
template <class T>
void add_row_sums(Backend& be, MatrixView<const T> A, MatrixView<T> out, Buffer<T>& ones, T beta) {
  if (ones.size() < A.cols) {
    ones = Buffer<T>(be, A.cols);
    be.fill(ones.view(), T(1));
  }
  be.gemm(Trans::no, Trans::no, T(1), A, MatrixView<const T>(ones.data(), A.cols, 1, be.device()), beta, out);
}

template <class T>
class Dense {
 public:
  Dense() = default;
  Dense(ParamSet<T>& params, const std::string& name, index_t in, index_t out, double init_stddev)
      : params_(&params),
        W_(params.add(name + ".W", out, in, init_stddev)),
        b_(params.add(name + ".b", out, 1, 0.0)) {}

  index_t in() const { return W_.cols; }
  index_t out() const { return W_.rows; }

  void forward(Backend& be, MatrixView<const T> X, MatrixView<T> Y) {
    be.gemm(Trans::no, Trans::no, T(1), MatrixView<const T>(params_->value(W_)), X, T(0), Y);
    be.add_column_vector(VectorView<const T>(params_->value_vec(b_)), Y);
  }

  // dW += dY X^T, db += row sums of dY, and dX = W^T dY + beta_dx dX when dX is given.
  void backward(Backend& be, MatrixView<const T> X, MatrixView<const T> dY, MatrixView<T> dX,
                T beta_dx = T(0)) {
    be.gemm(Trans::no, Trans::yes, T(1), dY, X, T(1), params_->grad(W_));
    add_row_sums(be, dY, params_->grad(b_), ones_, T(1));
    if (dX.data)
      be.gemm(Trans::yes, Trans::no, T(1), MatrixView<const T>(params_->value(W_)), dY, beta_dx, dX);
  }

 private:
  ParamSet<T>* params_ = nullptr;
  ParamSlot W_, b_;
  Buffer<T> ones_;
};

}  // namespace fl::vae
