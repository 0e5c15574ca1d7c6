// CUDA flow kernels: the element-wise parts of coupling layers, the base density, the
// standardisation backward and the phi^4 action with its gradient, calling the same FL_HD
// formulas as the CPU implementation (models/flows/*_math.hpp, models/lattice/phi4/action.hpp).
// Per-sample reductions (log q, S) use one thread per sample; element-wise maps one thread
// per element.
#include <thrust/device_ptr.h>
#include <thrust/inner_product.h>
#include <thrust/reduce.h>

#include <vector>

#include "core/philox.hpp"
#include "cuda/common.cuh"
#include "models/flows/activation_math.hpp"
#include "models/flows/coupling_math.hpp"
#include "models/flows/flow_kernels.hpp"
#include "models/flows/spline_math.hpp"
#include "models/lattice/phi4/lattice.hpp"

namespace fl::flows {
namespace {

template <class M>
void require_contiguous(const M& m, const char* what) {
  if (!m.contiguous()) throw std::invalid_argument(std::string("flow kernels (cuda): ") + what + " must be contiguous");
}

template <class T>
class CudaFlowKernels final : public FlowKernels<T> {
 public:
  explicit CudaFlowKernels(int L) : FlowKernels<T>(L) {
    const std::vector<int> nbr = phi4::checkerboard_neighbours(L);
    nbr_ = cuda::DeviceArray<int>(nbr.size());
    FL_CUDA_CHECK(cudaMemcpy(nbr_.get(), nbr.data(), nbr.size() * sizeof(int), cudaMemcpyHostToDevice));
    counter_ = cuda::DeviceArray<unsigned long long>(1);
  }

  void box_muller(MatrixView<T> z) override {
    require_contiguous(z, "z");
    T* zd = z.data;
    cuda::for_each_index(z.rows * z.cols / 2, [=] __device__(std::int64_t j) {
      T z0, z1;
      fl::box_muller(zd[2 * j], zd[2 * j + 1], z0, z1);
      zd[2 * j] = z0;
      zd[2 * j + 1] = z1;
    });
  }

  void add_gaussian_log_density(MatrixView<const T> z, double constant, VectorView<double> log_q) override {
    const T* zd = z.data;
    double* lq = log_q.data;
    const index_t rows = z.rows, ld = z.ld;
    cuda::for_each_index(z.cols, [=] __device__(std::int64_t b) {
      double s = 0;
      for (index_t i = 0; i < rows; ++i) s += static_cast<double>(zd[i + b * ld]) * zd[i + b * ld];
      lq[b] += -0.5 * s + constant;
    });
  }

  void bias_activation(UnaryOp op, VectorView<const T> bias, MatrixView<T> x) override {
    require_contiguous(x, "x");
    T* xd = x.data;
    const T* bd = bias.size > 0 ? bias.data : nullptr;
    const index_t rows = x.rows;
    cuda::for_each_index(x.rows * x.cols, [=] __device__(std::int64_t k) {
      const T v = bd ? xd[k] + bd[k % rows] : xd[k];
      xd[k] = activate(op, v);
    });
  }

  void activation_backward(UnaryOp op, MatrixView<const T> y, MatrixView<T> g) override {
    if (op == UnaryOp::identity) return;
    require_contiguous(y, "y");
    require_contiguous(g, "g");
    const T* yd = y.data;
    T* gd = g.data;
    cuda::for_each_index(g.rows * g.cols, [=] __device__(std::int64_t k) {
      gd[k] *= activation_derivative_from_output(op, yd[k]);
    });
  }

  void add_constant(VectorView<double> log_q, double value) override {
    double* lq = log_q.data;
    cuda::for_each_index(log_q.size, [=] __device__(std::int64_t b) { lq[b] += value; });
  }

  void affine_forward(MatrixView<T> v, MatrixView<const T> s_raw, MatrixView<const T> t, bool abs_s,
                      VectorView<double> log_q, MatrixView<T> v_copy) override {
    T* vd = v.data;
    T* cd = v_copy.cols > 0 ? v_copy.data : nullptr;
    const T *sd = s_raw.data, *td = t.data;
    double* lq = log_q.data;
    const index_t rows = v.rows, lv = v.ld, ls = s_raw.ld, lt = t.ld, lc = v_copy.ld;
    cuda::for_each_index(v.cols, [=] __device__(std::int64_t b) {
      double sum_s = 0;
      for (index_t i = 0; i < rows; ++i) {
        const T s = effective_scale(sd[i + b * ls], abs_s);
        const T y = affine_apply(vd[i + b * lv], s, td[i + b * lt]);
        vd[i + b * lv] = y;
        if (cd) cd[i + b * lc] = y;
        sum_s += s;
      }
      lq[b] += sum_s;
    });
  }

  void affine_backward(MatrixView<const T> v_out, MatrixView<T> g, MatrixView<const T> s_raw, bool abs_s, T w,
                       MatrixView<T> g_s_raw, MatrixView<T> g_t) override {
    require_contiguous(v_out, "v_out");
    require_contiguous(g, "g");
    require_contiguous(s_raw, "s_raw");
    require_contiguous(g_s_raw, "g_s_raw");
    require_contiguous(g_t, "g_t");
    const T *vo = v_out.data, *sd = s_raw.data;
    T *gd = g.data, *gs = g_s_raw.data, *gt = g_t.data;
    cuda::for_each_index(g.rows * g.cols, [=] __device__(std::int64_t k) {
      affine_backward_element(gd[k], vo[k], sd[k], abs_s, w, gd[k], gs[k], gt[k]);
    });
  }

  index_t spline_forward(MatrixView<T> v, MatrixView<const T> theta, int K, double a,
                         VectorView<double> log_q) override {
    T* vd = v.data;
    const T* th = theta.data;
    double* lq = log_q.data;
    const index_t rows = v.rows, lv = v.ld, lth = theta.ld;
    const int P = 3 * K - 1;
    unsigned long long* outside = counter_.get();
    FL_CUDA_CHECK(cudaMemset(outside, 0, sizeof(unsigned long long)));
    cuda::for_each_index(v.cols, [=] __device__(std::int64_t b) {
      double sum_log = 0;
      unsigned long long out = 0;
      for (index_t i = 0; i < rows; ++i) {
        const double x = vd[i + b * lv];
        double y, lg;
        spline_forward_element(x, th + P * i + b * lth, K, a, y, lg);
        out += !(x > -a && x < a);
        vd[i + b * lv] = static_cast<T>(y);
        sum_log += lg;
      }
      lq[b] -= sum_log;
      if (out) atomicAdd(outside, out);
    });
    unsigned long long host = 0;
    FL_CUDA_CHECK(cudaMemcpy(&host, outside, sizeof(host), cudaMemcpyDeviceToHost));
    return static_cast<index_t>(host);
  }

  void spline_backward(MatrixView<const T> v_in, MatrixView<const T> theta, int K, double a, T w, MatrixView<T> g,
                       MatrixView<T> g_theta) override {
    const T *vi = v_in.data, *th = theta.data;
    T *gd = g.data, *gth = g_theta.data;
    const index_t rows = g.rows, lg = g.ld, lv = v_in.ld, lth = theta.ld, lgth = g_theta.ld;
    const int P = 3 * K - 1;
    cuda::for_each_index(g.rows * g.cols, [=] __device__(std::int64_t k) {
      const index_t i = k % rows, b = k / rows;
      double gx;
      spline_backward_element(static_cast<double>(vi[i + b * lv]), th + P * i + b * lth, K, a,
                              static_cast<double>(gd[i + b * lg]), -static_cast<double>(w), gx,
                              gth + P * i + b * lgth);
      gd[i + b * lg] = static_cast<T>(gx);
    });
  }

  std::pair<double, double> copy_with_moments(MatrixView<const T> v, MatrixView<T> out) override {
    require_contiguous(v, "v");
    require_contiguous(out, "out");
    const index_t n = v.rows * v.cols;
    FL_CUDA_CHECK(cudaMemcpy(out.data, v.data, n * sizeof(T), cudaMemcpyDeviceToDevice));
    const auto first = thrust::device_pointer_cast(v.data), last = thrust::device_pointer_cast(v.data + n);
    const double sum = thrust::reduce(first, last, 0.0);
    const double sum_sq = thrust::inner_product(first, last, first, 0.0);
    return {sum, sum_sq};
  }

  void standardise_backward(MatrixView<const T> g_x, MatrixView<const T> v, double sigma, double v_mean, bool frozen,
                            MatrixView<T> g_v) override {
    require_contiguous(g_x, "g_x");
    require_contiguous(v, "v");
    require_contiguous(g_v, "g_v");
    const index_t n = v.rows * v.cols;
    double gv = 0;
    if (!frozen)
      gv = thrust::inner_product(thrust::device_pointer_cast(g_x.data), thrust::device_pointer_cast(g_x.data + n),
                                 thrust::device_pointer_cast(v.data), 0.0);
    const double c = frozen ? 0.0 : gv / ((n - 1) * sigma * sigma * sigma);
    const double inv_sigma = 1.0 / sigma;
    const T *gxd = g_x.data, *vd = v.data;
    T* gvd = g_v.data;
    cuda::for_each_index(n, [=] __device__(std::int64_t k) {
      gvd[k] += static_cast<T>(inv_sigma * gxd[k] - c * (vd[k] - v_mean));
    });
  }

  void action(MatrixView<const T> even, MatrixView<const T> odd, const phi4::Couplings& c, VectorView<double> S, T w,
              MatrixView<T> g_even, MatrixView<T> g_odd) override {
    const int V = this->L_ * this->L_, half = V / 2;
    const index_t B = even.cols;
    if (gathered_.size() < static_cast<std::size_t>(V * B)) gathered_ = cuda::DeviceArray<T>(V * B);
    T* phi = gathered_.get();
    const T *ev = even.data, *od = odd.data;
    const index_t le = even.ld, lo = odd.ld;
    cuda::for_each_index(V * B, [=] __device__(std::int64_t k) {
      const index_t i = k % V, b = k / V;
      phi[k] = i < half ? ev[i + b * le] : od[(i - half) + b * lo];
    });
    const int* nbr = nbr_.get();
    double* Sd = S.data;
    cuda::for_each_index(B, [=] __device__(std::int64_t b) { Sd[b] = phi4::action(phi + b * V, nbr, V, c); });
    if (g_even.cols == 0) return;
    T *ge = g_even.data, *go = g_odd.data;
    const index_t lge = g_even.ld, lgo = g_odd.ld;
    cuda::for_each_index(V * B, [=] __device__(std::int64_t k) {
      const index_t i = k % V, b = k / V;
      const T g = static_cast<T>(w * phi4::action_gradient(phi + b * V, nbr, static_cast<int>(i), c));
      if (i < half)
        ge[i + b * lge] = g;
      else
        go[(i - half) + b * lgo] = g;
    });
  }

 private:
  cuda::DeviceArray<int> nbr_;
  cuda::DeviceArray<unsigned long long> counter_;
  cuda::DeviceArray<T> gathered_;
};

}  // namespace

template <class T>
std::unique_ptr<FlowKernels<T>> make_flow_kernels_cuda(Backend&, int L) {
  return std::make_unique<CudaFlowKernels<T>>(L);
}

template std::unique_ptr<FlowKernels<float>> make_flow_kernels_cuda<float>(Backend&, int);
template std::unique_ptr<FlowKernels<double>> make_flow_kernels_cuda<double>(Backend&, int);

}  // namespace fl::flows
