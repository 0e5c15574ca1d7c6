#pragma once
// Local Metropolis and HMC over many independent chains (the backend-specific part of the
// phi^4 samplers). Fields are a V x n_chains column-major matrix in lexicographic site order,
// living on the engine's device. The CPU engine runs chains in parallel with OpenMP; the
// CUDA engine (cuda/phi4_kernels.cu) runs one thread per chain with the same FL_HD code.
#include <cstdint>
#include <memory>

#include "core/backend.hpp"
#include "models/lattice/phi4/action.hpp"

namespace fl::phi4 {

struct HmcParams {
  double step_size = 0.1;
  int n_steps = 10;  // trajectory length = step_size * n_steps
  double jitter = 0.2;  // each trajectory's step is step_size * (1 +- jitter), uniform
};

class Phi4Engine {
 public:
  virtual ~Phi4Engine() = default;
  // One sweep of every chain; accepted[c] = fraction of site updates accepted in chain c.
  virtual void metropolis_sweep(MatrixView<double> fields, Couplings c, double delta,
                                std::uint32_t seed, std::uint64_t sweep,
                                VectorView<double> accepted) = 0;
  // One trajectory of every chain; delta_h[c] = H_end - H_start, accepted[c] = 0 or 1.
  virtual void hmc_trajectory(MatrixView<double> fields, Couplings c, const HmcParams& params,
                              std::uint32_t seed, std::uint64_t trajectory,
                              VectorView<double> delta_h, VectorView<double> accepted) = 0;
  int L() const { return L_; }

 protected:
  explicit Phi4Engine(int L) : L_(L) {}
  int L_;
};

std::unique_ptr<Phi4Engine> make_phi4_engine(Backend& backend, int L);
#ifdef FL_HAVE_CUDA
std::unique_ptr<Phi4Engine> make_phi4_engine_cuda(Backend& backend, int L);
#endif

}  // namespace fl::phi4
