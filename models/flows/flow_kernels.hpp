#pragma once
// The element-wise parts of a flow pass that are not plain BLAS or Backend maps: the coupling
// transforms, the Gaussian base density, the backward of batch standardisation and the phi^4
// action with its gradient on checkerboard-split fields. CPU here (OpenMP over samples);
// CUDA in cuda/flow_kernels.cu. Matrices are (V/2) x B, contiguous, samples in columns.
#include <memory>
#include <utility>

#include "core/backend.hpp"
#include "models/lattice/phi4/action.hpp"

namespace fl::flows {

template <class T>
class FlowKernels {
 public:
  virtual ~FlowKernels() = default;
  // Box-Muller in place on a contiguous matrix of uniforms in (0, 1): each flat pair
  // (u1, u2) = (z[2j], z[2j+1]) becomes sqrt(-2 ln u1) (cos 2 pi u2, sin 2 pi u2) -- the
  // layout of Backend::fill_normal, so uniforms from fill_uniform give the same normals.
  virtual void box_muller(MatrixView<T> z) = 0;
  // log_q[b] += -1/2 sum_i z(i, b)^2 + constant
  virtual void add_gaussian_log_density(MatrixView<const T> z, double constant,
                                        VectorView<double> log_q) = 0;
  // x(i, b) <- act(x(i, b) + bias(i)) in place (bias may be empty).
  virtual void bias_activation(UnaryOp op, VectorView<const T> bias, MatrixView<T> x) = 0;
  // g <- g * act'(.) with the derivative computed from the activation's output y.
  virtual void activation_backward(UnaryOp op, MatrixView<const T> y, MatrixView<T> g) = 0;
  // log_q[b] += value
  virtual void add_constant(VectorView<double> log_q, double value) = 0;
  // v <- (v - t) exp(-s), s = s_raw or |s_raw|; log_q[b] += sum_i s(i, b). When v_copy has
  // columns the result is also stored there (the copy backward needs, in the same pass).
  virtual void affine_forward(MatrixView<T> v, MatrixView<const T> s_raw, MatrixView<const T> t,
                              bool abs_s, VectorView<double> log_q, MatrixView<T> v_copy) = 0;
  // g (in: dL/dv', out: dL/dv); w = dL/d(log q) of every sample.
  virtual void affine_backward(MatrixView<const T> v_out, MatrixView<T> g, MatrixView<const T> s_raw,
                               bool abs_s, T w, MatrixView<T> g_s_raw, MatrixView<T> g_t) = 0;
  // Rational-quadratic splines: theta is (P * rows) x B with P = 3K - 1 numbers per element
  // (element i uses rows [P i, P i + P)). v <- g(v), log_q[b] -= sum_i log g'(v_i).
  // Returns the number of elements outside [-a, a] (left unchanged).
  virtual index_t spline_forward(MatrixView<T> v, MatrixView<const T> theta, int K, double a,
                                 VectorView<double> log_q) = 0;
  // v_in: the layer's input; g (in: dL/dv', out: dL/dv); g_theta written.
  virtual void spline_backward(MatrixView<const T> v_in, MatrixView<const T> theta, int K, double a, T w,
                               MatrixView<T> g, MatrixView<T> g_theta) = 0;
  // out = v (same shape, contiguous); returns (sum, sum of squares) of v over all elements in
  // float64, in the same pass.
  virtual std::pair<double, double> copy_with_moments(MatrixView<const T> v, MatrixView<T> out) = 0;
  // x = v / sigma with sigma = sqrt(Var(v) + eps) over all elements (v_mean = mean(v)); v is
  // the unscaled input. g_v += dL/dv given g_x = dL/dx; with frozen = true sigma is a
  // constant (g_v += g_x / sigma).
  virtual void standardise_backward(MatrixView<const T> g_x, MatrixView<const T> v, double sigma,
                                    double v_mean, bool frozen, MatrixView<T> g_v) = 0;
  // S[b] for phi = (even half, odd half) in checkerboard order; when g_even has columns also
  // g = w dS/dphi (overwritten).
  virtual void action(MatrixView<const T> even, MatrixView<const T> odd, const phi4::Couplings& c,
                      VectorView<double> S, T w, MatrixView<T> g_even, MatrixView<T> g_odd) = 0;
  int L() const { return L_; }

 protected:
  explicit FlowKernels(int L) : L_(L) {}
  int L_;
};

template <class T>
std::unique_ptr<FlowKernels<T>> make_flow_kernels(Backend& backend, int L);
#ifdef FL_HAVE_CUDA
template <class T>
std::unique_ptr<FlowKernels<T>> make_flow_kernels_cuda(Backend& backend, int L);
#endif

}  // namespace fl::flows
