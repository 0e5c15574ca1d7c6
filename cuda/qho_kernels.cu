// CUDA engine of the lattice oscillator: one thread per chain for Metropolis sweeps and HMC
// trajectories (the FL_HD updates of models/lattice/qho/qho_updates.hpp, same Philox streams
// as the CPU engine), one thread per (chain, tau) for the correlator measurement.
#include <stdexcept>

#include "cuda/common.cuh"
#include "models/lattice/qho/qho_engine.hpp"
#include "models/lattice/qho/qho_updates.hpp"

namespace fl::qho {
namespace {

__global__ void metropolis_kernel(QhoParams p, double* fields, index_t ld, index_t chains, double step_size,
                                  int n_sweeps, std::uint32_t seed, std::uint64_t first_step,
                                  unsigned long long* accepted) {
  const index_t c = blockIdx.x * static_cast<index_t>(blockDim.x) + threadIdx.x;
  if (c >= chains) return;
  double* x = fields + c * ld;
  unsigned long long acc = 0;
  for (int s = 0; s < n_sweeps; ++s) {
    PhiloxStream rng({seed, static_cast<std::uint32_t>(c)}, first_step + s);
    acc += metropolis_sweep_chain(p, x, step_size, rng);
  }
  atomicAdd(accepted, acc);
}

__global__ void hmc_kernel(QhoParams p, double* fields, index_t ld, index_t chains, double* scratch, double eps,
                           int n_leapfrog, int n_traj, std::uint32_t seed, std::uint64_t first_step,
                           unsigned long long* accepted, double* exp_sum) {
  const index_t c = blockIdx.x * static_cast<index_t>(blockDim.x) + threadIdx.x;
  if (c >= chains) return;
  double* x = fields + c * ld;
  double* saved = scratch + 2 * c * p.n_t;
  double* mom = saved + p.n_t;
  unsigned long long acc = 0;
  double es = 0.0;
  for (int s = 0; s < n_traj; ++s) {
    PhiloxStream rng({seed, static_cast<std::uint32_t>(c)}, first_step + s);
    double dh = 0.0;
    acc += hmc_trajectory_chain(p, x, saved, mom, eps, n_leapfrog, rng, dh);
    es += exp(-dh);
  }
  atomicAdd(accepted, acc);
  atomicAdd(exp_sum, es);
}

// One thread per (tau, chain) pair, flattened: a 2D grid with one row per chain would be
// limited to 65535 chains (gridDim.y).
__global__ void measure_kernel(QhoParams p, const double* fields, index_t ld, index_t chains, double* cx,
                               index_t ldx, double* cx3, index_t ldx3) {
  FL_GRID_STRIDE_LOOP(k, p.n_t * chains) {
    const int tau = static_cast<int>(k % p.n_t);
    const index_t c = k / p.n_t;
    const double* x = fields + c * ld;
    double s1 = 0.0, s3 = 0.0;
    for (int i = 0; i < p.n_t; ++i) {
      const int j = i + tau < p.n_t ? i + tau : i + tau - p.n_t;
      const double xi = x[i], xj = x[j];
      s1 += xi * xj;
      s3 += xi * xi * xi * xj * xj * xj;
    }
    cx[tau + c * ldx] = s1 / p.n_t;
    cx3[tau + c * ldx3] = s3 / p.n_t;
  }
}

// Device counters for one launch, read back after it.
struct Counters {
  unsigned long long accepted = 0;
  double exp_sum = 0.0;
};

class CudaQhoEngine final : public QhoEngine {
 public:
  explicit CudaQhoEngine(Backend& backend) : backend_(backend) {
    counters_ = static_cast<Counters*>(backend_.allocate(sizeof(Counters)));
  }
  ~CudaQhoEngine() override {
    backend_.deallocate(counters_);
    if (scratch_) backend_.deallocate(scratch_);
  }

  SweepStats metropolis(const QhoParams& p, MatrixView<double> fields, double step_size, int n_sweeps,
                        std::uint32_t seed, std::uint64_t first_step) override {
    check(p, fields);
    backend_.memset_zero(counters_, sizeof(Counters));
    if (n_sweeps > 0 && fields.cols > 0) {
      metropolis_kernel<<<blocks(fields.cols), kThreads>>>(p, fields.data, fields.ld, fields.cols, step_size, n_sweeps,
                                                            seed, first_step, &counters_->accepted);
      FL_CUDA_CHECK(cudaGetLastError());
    }
    const Counters h = read();
    return {static_cast<std::int64_t>(h.accepted), static_cast<std::int64_t>(fields.cols) * n_sweeps * p.n_t, 0.0};
  }

  SweepStats hmc(const QhoParams& p, MatrixView<double> fields, double eps, int n_leapfrog, int n_trajectories,
                 std::uint32_t seed, std::uint64_t first_step) override {
    check(p, fields);
    const std::size_t need = sizeof(double) * 2 * static_cast<std::size_t>(p.n_t) * fields.cols;
    if (need > scratch_bytes_) {
      if (scratch_) backend_.deallocate(scratch_);
      scratch_ = static_cast<double*>(backend_.allocate(need));
      scratch_bytes_ = need;
    }
    backend_.memset_zero(counters_, sizeof(Counters));
    if (n_trajectories > 0 && fields.cols > 0) {
      hmc_kernel<<<blocks(fields.cols), kThreads>>>(p, fields.data, fields.ld, fields.cols, scratch_, eps, n_leapfrog,
                                                     n_trajectories, seed, first_step, &counters_->accepted,
                                                     &counters_->exp_sum);
      FL_CUDA_CHECK(cudaGetLastError());
    }
    const Counters h = read();
    const std::int64_t proposed = static_cast<std::int64_t>(fields.cols) * n_trajectories;
    return {static_cast<std::int64_t>(h.accepted), proposed, proposed > 0 ? h.exp_sum / proposed : 0.0};
  }

  void measure(const QhoParams& p, MatrixView<const double> fields, MatrixView<double> cx,
               MatrixView<double> cx3) override {
    check(p, fields);
    for (const MatrixView<double>& out : {cx, cx3})
      if (out.rows != p.n_t || out.cols != fields.cols || out.ld < out.rows)
        throw std::invalid_argument("qho engine: correlators must be n_t x n_chains");
    cuda::require_device_views("qho engine (cuda)", cx, cx3);
    const index_t pairs = static_cast<index_t>(p.n_t) * fields.cols;
    if (pairs == 0) return;
    measure_kernel<<<cuda::grid_size(pairs), cuda::kBlockSize>>>(p, fields.data, fields.ld, fields.cols, cx.data,
                                                                cx.ld, cx3.data, cx3.ld);
    FL_CUDA_CHECK_LAUNCH();
  }

 private:
  static constexpr int kThreads = 64;
  static unsigned blocks(index_t n) { return static_cast<unsigned>((n + kThreads - 1) / kThreads); }
  static void check(const QhoParams& p, MatrixView<const double> fields) {
    cuda::require_device_views("qho engine (cuda)", fields);
    if (fields.rows != p.n_t || fields.ld != p.n_t)
      throw std::invalid_argument("qho engine: fields must be contiguous n_t x n_chains");
  }
  Counters read() {
    Counters h;
    backend_.download_bytes(&h, counters_, sizeof(Counters));
    return h;
  }

  Backend& backend_;
  Counters* counters_ = nullptr;
  double* scratch_ = nullptr;
  std::size_t scratch_bytes_ = 0;
};

}  // namespace

std::unique_ptr<QhoEngine> make_qho_engine_cuda(Backend& backend) { return std::make_unique<CudaQhoEngine>(backend); }

}  // namespace fl::qho
