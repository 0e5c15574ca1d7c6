#include "models/flows/flow_kernels.hpp"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include "core/error.hpp"
#include "core/philox.hpp"
#include "models/flows/activation_math.hpp"
#include "models/flows/coupling_math.hpp"
#include "models/flows/spline_math.hpp"
#include "models/lattice/phi4/lattice.hpp"

namespace fl::flows {
namespace {

// Below this many elements a loop runs on one thread (a parallel region costs more).
constexpr index_t kParallelMin = 1 << 14;

template <class T>
class CpuFlowKernels final : public FlowKernels<T> {
 public:
  explicit CpuFlowKernels(int L) : FlowKernels<T>(L), nbr_(phi4::checkerboard_neighbours(L)) {}

  void box_muller(MatrixView<T> z) override {
    if (!z.contiguous() || z.rows * z.cols % 2) throw std::invalid_argument("box_muller: needs a contiguous, even-sized matrix");
    const index_t pairs = z.rows * z.cols / 2;
    if constexpr (std::is_same_v<T, float>) {
      // Eigen's vectorised log/sin/cos on de-interleaved tiles (libm's are scalar).
      constexpr index_t kTile = 256;
      using Tile = Eigen::Array<float, kTile, 1>;
#pragma omp parallel for schedule(static) if (pairs > kParallelMin)
      for (index_t t0 = 0; t0 < pairs; t0 += kTile) {
        const index_t n = std::min(kTile, pairs - t0);
        Tile u1 = Tile::Constant(0.5f), u2 = Tile::Zero();
        float* p = z.data + 2 * t0;
        for (index_t j = 0; j < n; ++j) {
          u1[j] = p[2 * j];
          u2[j] = p[2 * j + 1];
        }
        const Tile r = (-2.0f * u1.log()).sqrt();
        const Tile theta = 6.2831853071795864769f * u2;
        const Tile c = r * theta.cos(), sn = r * theta.sin();
        for (index_t j = 0; j < n; ++j) {
          p[2 * j] = c[j];
          p[2 * j + 1] = sn[j];
        }
      }
    } else {
#pragma omp parallel for schedule(static) if (pairs > kParallelMin)
      for (index_t j = 0; j < pairs; ++j) fl::box_muller(z.data[2 * j], z.data[2 * j + 1], z.data[2 * j], z.data[2 * j + 1]);
    }
  }

  void add_gaussian_log_density(MatrixView<const T> z, double constant, VectorView<double> log_q) override {
#pragma omp parallel for schedule(static) if (z.rows * z.cols > kParallelMin)
    for (index_t b = 0; b < z.cols; ++b) {
      const T* col = z.data + b * z.ld;
      double s = 0;
#pragma omp simd reduction(+ : s)
      for (index_t i = 0; i < z.rows; ++i) s += static_cast<double>(col[i]) * col[i];
      log_q.data[b] += -0.5 * s + constant;
    }
  }

  void bias_activation(UnaryOp op, VectorView<const T> bias, MatrixView<T> x) override {
    const bool has_bias = bias.size > 0;
#pragma omp parallel for schedule(static) if (x.rows * x.cols > kParallelMin)
    for (index_t b = 0; b < x.cols; ++b) {
      T* col = x.data + b * x.ld;
      if (has_bias)
#pragma omp simd
        for (index_t i = 0; i < x.rows; ++i) col[i] += bias.data[i];
      switch (op) {  // one loop per activation, so each vectorises
        case UnaryOp::identity: break;
        case UnaryOp::tanh:
          if constexpr (std::is_same_v<T, float>) {
            // Eigen's rational tanh: half the cost of the exp-based fast_tanh, error ~2e-7.
            Eigen::Map<Eigen::ArrayXf> c(col, x.rows);
            c = c.tanh();
          } else {
#pragma omp simd
            for (index_t i = 0; i < x.rows; ++i) col[i] = fast_tanh(col[i]);
          }
          break;
        default:
          for (index_t i = 0; i < x.rows; ++i) col[i] = activate(op, col[i]);
      }
    }
  }

  void activation_backward(UnaryOp op, MatrixView<const T> y, MatrixView<T> g) override {
    if (op == UnaryOp::identity) return;
#pragma omp parallel for schedule(static) if (g.rows * g.cols > kParallelMin)
    for (index_t b = 0; b < g.cols; ++b) {
      const T* yc = y.data + b * y.ld;
      T* gc = g.data + b * g.ld;
      if (op == UnaryOp::tanh)
#pragma omp simd
        for (index_t i = 0; i < g.rows; ++i) gc[i] *= T(1) - yc[i] * yc[i];
      else
        for (index_t i = 0; i < g.rows; ++i) gc[i] *= activation_derivative_from_output(op, yc[i]);
    }
  }

  void add_constant(VectorView<double> log_q, double value) override {
    for (index_t b = 0; b < log_q.size; ++b) log_q.data[b] += value;
  }

  void affine_forward(MatrixView<T> v, MatrixView<const T> s_raw, MatrixView<const T> t, bool abs_s,
                      VectorView<double> log_q, MatrixView<T> v_copy) override {
    // One instantiation per (|s|, copy) so that the inner loop has no branches and vectorises.
    const bool copy = v_copy.cols > 0;
    if (abs_s)
      copy ? affine_forward_loop<true, true>(v, s_raw, t, log_q, v_copy) : affine_forward_loop<true, false>(v, s_raw, t, log_q, v_copy);
    else
      copy ? affine_forward_loop<false, true>(v, s_raw, t, log_q, v_copy) : affine_forward_loop<false, false>(v, s_raw, t, log_q, v_copy);
  }

  void affine_backward(MatrixView<const T> v_out, MatrixView<T> g, MatrixView<const T> s_raw, bool abs_s,
                       T w, MatrixView<T> g_s_raw, MatrixView<T> g_t) override {
    abs_s ? affine_backward_loop<true>(v_out, g, s_raw, w, g_s_raw, g_t)
          : affine_backward_loop<false>(v_out, g, s_raw, w, g_s_raw, g_t);
  }

  index_t spline_forward(MatrixView<T> v, MatrixView<const T> theta, int K, double a,
                         VectorView<double> log_q) override {
    const int P = 3 * K - 1;
    index_t outside = 0;
#pragma omp parallel for schedule(static) reduction(+ : outside)
    for (index_t b = 0; b < v.cols; ++b) {
      double sum_log = 0;
      for (index_t i = 0; i < v.rows; ++i) {
        T& x = v.data[i + b * v.ld];
        double y, lg;
        spline_forward_element(static_cast<double>(x), theta.data + P * i + b * theta.ld, K, a, y, lg);
        if (!(x > -a && x < a)) ++outside;
        x = static_cast<T>(y);
        sum_log += lg;
      }
      log_q.data[b] -= sum_log;
    }
    return outside;
  }

  void spline_backward(MatrixView<const T> v_in, MatrixView<const T> theta, int K, double a, T w, MatrixView<T> g,
                       MatrixView<T> g_theta) override {
    const int P = 3 * K - 1;
#pragma omp parallel for schedule(static)
    for (index_t b = 0; b < g.cols; ++b)
      for (index_t i = 0; i < g.rows; ++i) {
        T& gi = g.data[i + b * g.ld];
        double gx;
        spline_backward_element(static_cast<double>(v_in.data[i + b * v_in.ld]), theta.data + P * i + b * theta.ld,
                                K, a, static_cast<double>(gi), -static_cast<double>(w), gx,
                                g_theta.data + P * i + b * g_theta.ld);
        gi = static_cast<T>(gx);
      }
  }

  std::pair<double, double> copy_with_moments(MatrixView<const T> v, MatrixView<T> out) override {
    double sum = 0, sum_sq = 0;
#pragma omp parallel for schedule(static) reduction(+ : sum, sum_sq) if (v.rows * v.cols > kParallelMin)
    for (index_t b = 0; b < v.cols; ++b) {
      const T* in = v.data + b * v.ld;
      T* o = out.data + b * out.ld;
      double s1 = 0, s2 = 0;
#pragma omp simd reduction(+ : s1, s2)
      for (index_t i = 0; i < v.rows; ++i) {
        const T x = in[i];
        o[i] = x;
        s1 += x;
        s2 += static_cast<double>(x) * x;
      }
      sum += s1;
      sum_sq += s2;
    }
    return {sum, sum_sq};
  }

  void standardise_backward(MatrixView<const T> g_x, MatrixView<const T> v, double sigma, double v_mean,
                            bool frozen, MatrixView<T> g_v) override {
    // x = v / sigma, sigma^2 = Var(v) + eps (unbiased variance over all N elements):
    // dL/dv_i = g_i / sigma - (sum_j g_j v_j) (v_i - v_mean) / ((N - 1) sigma^3).
    const index_t n = v.rows * v.cols;
    double gv = 0;
    if (!frozen)
      for (index_t b = 0; b < v.cols; ++b) {
        const T* gc = g_x.data + b * g_x.ld;
        const T* vc = v.data + b * v.ld;
#pragma omp simd reduction(+ : gv)
        for (index_t i = 0; i < v.rows; ++i) gv += static_cast<double>(gc[i]) * vc[i];
      }
    const T c = static_cast<T>(frozen ? 0.0 : gv / ((n - 1) * sigma * sigma * sigma));
    const T inv_sigma = static_cast<T>(1.0 / sigma), mean = static_cast<T>(v_mean);
#pragma omp parallel for schedule(static) if (n > kParallelMin)
    for (index_t b = 0; b < v.cols; ++b) {
      const T* gc = g_x.data + b * g_x.ld;
      const T* vc = v.data + b * v.ld;
      T* out = g_v.data + b * g_v.ld;
#pragma omp simd
      for (index_t i = 0; i < v.rows; ++i) out[i] += inv_sigma * gc[i] - c * (vc[i] - mean);
    }
  }

  void action(MatrixView<const T> even, MatrixView<const T> odd, const phi4::Couplings& c,
              VectorView<double> S, T w, MatrixView<T> g_even, MatrixView<T> g_odd) override {
    const int V = this->L_ * this->L_, half = V / 2;
    const bool want_grad = g_even.cols > 0;
#pragma omp parallel
    {
      std::vector<T> phi(V);
#pragma omp for schedule(static)
      for (index_t b = 0; b < even.cols; ++b) {
        for (int i = 0; i < half; ++i) {
          phi[i] = even.data[i + b * even.ld];
          phi[half + i] = odd.data[i + b * odd.ld];
        }
        S.data[b] = phi4::action(phi.data(), nbr_.data(), V, c);
        if (want_grad)
          for (int i = 0; i < half; ++i) {
            g_even.data[i + b * g_even.ld] = static_cast<T>(w * phi4::action_gradient(phi.data(), nbr_.data(), i, c));
            g_odd.data[i + b * g_odd.ld] = static_cast<T>(w * phi4::action_gradient(phi.data(), nbr_.data(), half + i, c));
          }
      }
    }
  }

 private:
  template <bool AbsS, bool Copy>
  void affine_forward_loop(MatrixView<T> v, MatrixView<const T> s_raw, MatrixView<const T> t,
                           VectorView<double> log_q, MatrixView<T> v_copy) {
#pragma omp parallel for schedule(static) if (v.rows * v.cols > kParallelMin)
    for (index_t b = 0; b < v.cols; ++b) {
      T* x = v.data + b * v.ld;
      T* x_copy = Copy ? v_copy.data + b * v_copy.ld : nullptr;
      const T* sr = s_raw.data + b * s_raw.ld;
      const T* tt = t.data + b * t.ld;
      double sum_s = 0;
#pragma omp simd reduction(+ : sum_s)
      for (index_t i = 0; i < v.rows; ++i) {
        const T s = AbsS ? std::abs(sr[i]) : sr[i];
        const T y = affine_apply(x[i], s, tt[i]);
        x[i] = y;
        if constexpr (Copy) x_copy[i] = y;
        sum_s += s;
      }
      log_q.data[b] += sum_s;
    }
  }

  template <bool AbsS>
  void affine_backward_loop(MatrixView<const T> v_out, MatrixView<T> g, MatrixView<const T> s_raw, T w,
                            MatrixView<T> g_s_raw, MatrixView<T> g_t) {
#pragma omp parallel for schedule(static) if (g.rows * g.cols > kParallelMin)
    for (index_t b = 0; b < g.cols; ++b) {
      T* gc = g.data + b * g.ld;
      const T* vo = v_out.data + b * v_out.ld;
      const T* sr = s_raw.data + b * s_raw.ld;
      T* gs = g_s_raw.data + b * g_s_raw.ld;
      T* gt = g_t.data + b * g_t.ld;
#pragma omp simd
      for (index_t i = 0; i < g.rows; ++i) affine_backward_element(gc[i], vo[i], sr[i], AbsS, w, gc[i], gs[i], gt[i]);
    }
  }

  std::vector<int> nbr_;
};

}  // namespace

template <class T>
std::unique_ptr<FlowKernels<T>> make_flow_kernels(Backend& backend, int L) {
  if (backend.device() == Device::cuda) {
#ifdef FL_HAVE_CUDA
    return make_flow_kernels_cuda<T>(backend, L);
#else
    throw InputError("device: the CUDA flow kernels are not compiled in");
#endif
  }
  return std::make_unique<CpuFlowKernels<T>>(L);
}

template std::unique_ptr<FlowKernels<float>> make_flow_kernels<float>(Backend&, int);
template std::unique_ptr<FlowKernels<double>> make_flow_kernels<double>(Backend&, int);

}  // namespace fl::flows
