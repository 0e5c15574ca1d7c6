// CUDA phi^4 engine: one thread per chain runs the same FL_HD sweep and trajectory code as the
// CPU engine (models/lattice/phi4/sweeps.hpp), so chains are statistically identical.
#include <vector>

#include "cuda/common.cuh"
#include "models/lattice/phi4/lattice.hpp"
#include "models/lattice/phi4/phi4_engine.hpp"
#include "models/lattice/phi4/sweeps.hpp"

namespace fl::phi4 {
namespace {

class CudaPhi4Engine final : public Phi4Engine {
 public:
  explicit CudaPhi4Engine(int L) : Phi4Engine(L) {
    const std::vector<int> nbr = lexicographic_neighbours(L);
    nbr_ = cuda::DeviceArray<int>(nbr.size());
    FL_CUDA_CHECK(cudaMemcpy(nbr_.get(), nbr.data(), nbr.size() * sizeof(int), cudaMemcpyHostToDevice));
  }

  void metropolis_sweep(MatrixView<double> fields, Couplings c, double delta, std::uint32_t seed,
                        std::uint64_t sweep, VectorView<double> accepted) override {
    const int V = L_ * L_;
    check(fields, accepted.size);
    cuda::require_device_views("phi4 engine (cuda)", accepted);
    double* phi = fields.data;
    double* acc = accepted.data;
    const int* nbr = nbr_.get();
    cuda::for_each_index(fields.cols, [=] __device__(std::int64_t ch) {
      const PhiloxKey key{seed, static_cast<std::uint32_t>(ch)};
      acc[ch] = static_cast<double>(metropolis_sweep_chain(phi + ch * V, nbr, V, c, delta, key, sweep)) / V;
    });
  }

  void hmc_trajectory(MatrixView<double> fields, Couplings c, const HmcParams& p, std::uint32_t seed,
                      std::uint64_t trajectory, VectorView<double> delta_h, VectorView<double> accepted) override {
    const int V = L_ * L_;
    check(fields, accepted.size);
    check(fields, delta_h.size);
    cuda::require_device_views("phi4 engine (cuda)", accepted, delta_h);
    const std::size_t need = 3 * static_cast<std::size_t>(V) * fields.cols;
    if (scratch_.size() < need) scratch_ = cuda::DeviceArray<double>(need);
    double* phi = fields.data;
    double* acc = accepted.data;
    double* dh = delta_h.data;
    double* scratch = scratch_.get();
    const int* nbr = nbr_.get();
    const double eps = p.step_size, jitter = p.jitter;
    const int n_steps = p.n_steps;
    cuda::for_each_index(fields.cols, [=] __device__(std::int64_t ch) {
      double* s = scratch + 3 * V * ch;
      const PhiloxKey key{seed, static_cast<std::uint32_t>(ch)};
      acc[ch] = hmc_trajectory_chain(phi + ch * V, s, s + V, s + 2 * V, nbr, V, c, eps, jitter, n_steps, key,
                                     trajectory, dh + ch)
                    ? 1.0
                    : 0.0;
    });
  }

 private:
  void check(MatrixView<double> fields, index_t n_out) const {
    cuda::require_device_views("phi4 engine (cuda)", fields);
    if (fields.rows != L_ * L_ || fields.ld != fields.rows || n_out != fields.cols)
      throw std::invalid_argument("phi4 engine: fields must be a contiguous V x n_chains matrix");
  }
  cuda::DeviceArray<int> nbr_;
  cuda::DeviceArray<double> scratch_;
};

}  // namespace

std::unique_ptr<Phi4Engine> make_phi4_engine_cuda(Backend&, int L) { return std::make_unique<CudaPhi4Engine>(L); }

}  // namespace fl::phi4
