#pragma once
// Many-chain Monte Carlo for the lattice oscillator on a Backend (engine pattern: the CPU
// implementation is qho_engine.cpp, the CUDA one cuda/qho_kernels.cu; both call the FL_HD
// updates of qho_updates.hpp). Fields are n_t x n_chains, one chain per column, on the backend.
// Chain c uses Philox key (seed, c) and counter step = first_step + sweep index.
#include <cstdint>
#include <memory>

#include "core/backend.hpp"
#include "models/lattice/qho/qho_action.hpp"

namespace fl::qho {

struct SweepStats {
  std::int64_t accepted = 0;  // accepted site updates (Metropolis) or trajectories (HMC)
  std::int64_t proposed = 0;
  double mean_exp_minus_dh = 0.0;  // HMC only: <exp(-dH)>, should be 1 within errors
};

class QhoEngine {
 public:
  virtual ~QhoEngine() = default;
  virtual SweepStats metropolis(const QhoParams& p, MatrixView<double> fields, double step_size, int n_sweeps,
                                std::uint32_t seed, std::uint64_t first_step) = 0;
  virtual SweepStats hmc(const QhoParams& p, MatrixView<double> fields, double eps, int n_leapfrog,
                         int n_trajectories, std::uint32_t seed, std::uint64_t first_step) = 0;
  // Translation-averaged correlators of every chain: cx, cx3 are n_t x n_chains.
  virtual void measure(const QhoParams& p, MatrixView<const double> fields, MatrixView<double> cx,
                       MatrixView<double> cx3) = 0;
};

std::unique_ptr<QhoEngine> make_qho_engine(Backend& backend);
#ifdef FL_HAVE_CUDA
std::unique_ptr<QhoEngine> make_qho_engine_cuda(Backend& backend);
#endif

}  // namespace fl::qho
