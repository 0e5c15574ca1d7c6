#include "models/kernels/empirical_ntk.hpp"

#include <stdexcept>

#include <Eigen/Dense>

namespace fl::kernels {

template <class T>
void EmpiricalNtk<T>::ensure(index_t R, index_t B) {
  if (R == R_ && B == B_) return;
  R_ = R, B_ = B;
  ones_ = Buffer<T>(*backend_, R * B);
  backend_->fill<T>(ones_.view(), T(1));
  delta_gram_ = Buffer<T>(*backend_, R * B * B);
  input_gram_ = Buffer<T>(*backend_, R * B * B);
}

template <class T>
void EmpiricalNtk<T>::compute(nn::EnsembleMlp<T>& net, MatrixView<const T> X, VectorView<T> theta) {
  const auto& spec = net.spec();
  if (spec.n_out() != 1) throw std::invalid_argument("EmpiricalNtk: the network must have one output");
  const index_t R = net.replicas(), B = X.cols, BB = B * B;
  if (theta.size != R * BB) throw std::invalid_argument("EmpiricalNtk: theta must hold R * B * B values");
  ensure(R, B);
  const Device dev = backend_->device();
  net.forward(X, 0);
  net.backward_deltas(MatrixView<const T>(ones_.data(), B, R, dev));  // D_l = df/dz_l

  if (net.fused_cpu()) {  // one OpenMP loop over replicas, Gram products with Eigen
    using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
#pragma omp parallel for schedule(static)
    for (index_t r = 0; r < R; ++r) {
      Eigen::Map<Mat> th(theta.data + r * BB, B, B);
      th.setZero();
      for (index_t l = 1; l <= spec.layers(); ++l) {
        const T alpha = T(spec.weight_scale(l)), beta = T(spec.bias_scale(l));
        const auto in = net.layer_input(l);
        const Eigen::Map<const Mat> A(in.data + r * net.layer_input_stride(l), in.rows, B);
        const Eigen::Map<const Mat> D(net.delta(l).data + r * net.delta_stride(l), spec.sizes[l], B);
        const Mat dd = D.transpose() * D;
        Mat aa = alpha * alpha * (A.transpose() * A);
        aa.array() += beta * beta;
        th.array() += dd.array() * aa.array();
      }
    }
    return;
  }
  MatrixView<T> Gd(delta_gram_.data(), B, B, dev), Ga(input_gram_.data(), B, B, dev);
  MatrixView<const T> ones_col(ones_.data(), B, 1, dev), ones_row(ones_.data(), 1, B, 1, dev);
  backend_->fill<T>(theta, T(0));
  for (index_t l = 1; l <= spec.layers(); ++l) {
    const double alpha = spec.weight_scale(l), beta = spec.bias_scale(l);
    backend_->gemm_strided_batched<T>(Trans::yes, Trans::no, R, T(1), net.delta(l), net.delta_stride(l),
                                      net.delta(l), net.delta_stride(l), T(0), Gd, BB);
    // Ga = beta^2 1 1^T + alpha^2 A^T A: the bias "input" is a constant 1 per sample.
    backend_->gemm_strided_batched<T>(Trans::no, Trans::no, R, T(beta * beta), ones_col, 0, ones_row,
                                      0, T(0), Ga, BB);
    backend_->gemm_strided_batched<T>(Trans::yes, Trans::no, R, T(alpha * alpha), net.layer_input(l),
                                      net.layer_input_stride(l), net.layer_input(l),
                                      net.layer_input_stride(l), T(1), Ga, BB);
    backend_->mul<T>(delta_gram_.view(), input_gram_.view(), delta_gram_.view());
    backend_->axpy<T>(T(1), delta_gram_.view(), theta);
  }
}

template class EmpiricalNtk<float>;
template class EmpiricalNtk<double>;

}  // namespace fl::kernels
