#include "models/lattice/qho/qho_engine.hpp"

#include <cmath>
#include <stdexcept>
#include <vector>

#include "models/lattice/qho/qho_updates.hpp"

namespace fl::qho {
namespace {

void check_fields(const QhoParams& p, MatrixView<const double> fields) {
  if (fields.rows != p.n_t || fields.ld != p.n_t)
    throw std::invalid_argument("qho engine: fields must be contiguous n_t x n_chains");
}

class CpuQhoEngine final : public QhoEngine {
 public:
  SweepStats metropolis(const QhoParams& p, MatrixView<double> fields, double step_size, int n_sweeps,
                        std::uint32_t seed, std::uint64_t first_step) override {
    check_fields(p, fields);
    std::int64_t accepted = 0;
#pragma omp parallel for schedule(static) reduction(+ : accepted)
    for (index_t c = 0; c < fields.cols; ++c) {
      double* x = fields.data + c * fields.ld;
      for (int s = 0; s < n_sweeps; ++s) {
        PhiloxStream rng({seed, static_cast<std::uint32_t>(c)}, first_step + s);
        accepted += metropolis_sweep_chain(p, x, step_size, rng);
      }
    }
    return {accepted, static_cast<std::int64_t>(fields.cols) * n_sweeps * p.n_t, 0.0};
  }

  SweepStats hmc(const QhoParams& p, MatrixView<double> fields, double eps, int n_leapfrog, int n_trajectories,
                 std::uint32_t seed, std::uint64_t first_step) override {
    check_fields(p, fields);
    std::int64_t accepted = 0;
    double sum_exp = 0.0;
#pragma omp parallel reduction(+ : accepted, sum_exp)
    {
      std::vector<double> saved(p.n_t), mom(p.n_t);
#pragma omp for schedule(static)
      for (index_t c = 0; c < fields.cols; ++c) {
        double* x = fields.data + c * fields.ld;
        for (int s = 0; s < n_trajectories; ++s) {
          PhiloxStream rng({seed, static_cast<std::uint32_t>(c)}, first_step + s);
          double dh = 0.0;
          accepted += hmc_trajectory_chain(p, x, saved.data(), mom.data(), eps, n_leapfrog, rng, dh);
          sum_exp += std::exp(-dh);
        }
      }
    }
    const std::int64_t proposed = static_cast<std::int64_t>(fields.cols) * n_trajectories;
    return {accepted, proposed, proposed > 0 ? sum_exp / proposed : 0.0};
  }

  void measure(const QhoParams& p, MatrixView<const double> fields, MatrixView<double> cx,
               MatrixView<double> cx3) override {
    check_fields(p, fields);
#pragma omp parallel for schedule(static)
    for (index_t c = 0; c < fields.cols; ++c)
      measure_correlators(p, fields.data + c * fields.ld, cx.data + c * cx.ld, cx3.data + c * cx3.ld);
  }
};

}  // namespace

std::unique_ptr<QhoEngine> make_qho_engine(Backend& backend) {
  if (backend.device() == Device::cuda) {
#ifdef FL_HAVE_CUDA
    return make_qho_engine_cuda(backend);
#else
    throw std::logic_error("qho engine: a CUDA backend without CUDA support compiled in");
#endif
  }
  return std::make_unique<CpuQhoEngine>();
}

}  // namespace fl::qho
