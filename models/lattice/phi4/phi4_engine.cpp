#include "models/lattice/phi4/phi4_engine.hpp"

#include <stdexcept>
#include <vector>

#include "core/error.hpp"
#include "models/lattice/phi4/lattice.hpp"
#include "models/lattice/phi4/sweeps.hpp"

namespace fl::phi4 {
namespace {

void check_shapes(int volume, MatrixView<double> fields, index_t n_out) {
  if (fields.rows != volume || fields.ld != fields.rows)
    throw std::invalid_argument("phi4 engine: fields must be a contiguous V x n_chains matrix");
  if (n_out != fields.cols) throw std::invalid_argument("phi4 engine: one output per chain");
}

class CpuPhi4Engine final : public Phi4Engine {
 public:
  explicit CpuPhi4Engine(int L) : Phi4Engine(L), nbr_(lexicographic_neighbours(L)) {}

  void metropolis_sweep(MatrixView<double> fields, Couplings c, double delta, std::uint32_t seed,
                        std::uint64_t sweep, VectorView<double> accepted) override {
    const int volume = L_ * L_;
    check_shapes(volume, fields, accepted.size);
    const index_t chains = fields.cols;
#pragma omp parallel for schedule(static)
    for (index_t ch = 0; ch < chains; ++ch) {
      const PhiloxKey key{seed, static_cast<std::uint32_t>(ch)};
      const int n = metropolis_sweep_chain(fields.data + ch * volume, nbr_.data(), volume, c,
                                           delta, key, sweep);
      accepted.data[ch] = static_cast<double>(n) / volume;
    }
  }

  void hmc_trajectory(MatrixView<double> fields, Couplings c, const HmcParams& params,
                      std::uint32_t seed, std::uint64_t trajectory, VectorView<double> delta_h,
                      VectorView<double> accepted) override {
    const int volume = L_ * L_;
    check_shapes(volume, fields, accepted.size);
    check_shapes(volume, fields, delta_h.size);
    const index_t chains = fields.cols;
#pragma omp parallel
    {
      std::vector<double> scratch(3 * static_cast<std::size_t>(volume));
#pragma omp for schedule(static)
      for (index_t ch = 0; ch < chains; ++ch) {
        const PhiloxKey key{seed, static_cast<std::uint32_t>(ch)};
        const bool acc = hmc_trajectory_chain(
            fields.data + ch * volume, scratch.data(), scratch.data() + volume,
            scratch.data() + 2 * volume, nbr_.data(), volume, c, params.step_size,
            params.jitter, params.n_steps, key, trajectory, delta_h.data + ch);
        accepted.data[ch] = acc ? 1.0 : 0.0;
      }
    }
  }

 private:
  std::vector<int> nbr_;
};

}  // namespace

std::unique_ptr<Phi4Engine> make_phi4_engine(Backend& backend, int L) {
  if (backend.device() == Device::cuda) {
#ifdef FL_HAVE_CUDA
    return make_phi4_engine_cuda(backend, L);
#else
    throw InputError("device: the CUDA phi^4 engine is not compiled in");
#endif
  }
  return std::make_unique<CpuPhi4Engine>(L);
}

}  // namespace fl::phi4
