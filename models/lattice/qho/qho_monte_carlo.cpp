#include "models/lattice/qho/qho_monte_carlo.hpp"

#include <Eigen/Dense>
#include <cmath>

#include "core/buffer.hpp"
#include "core/error.hpp"
#include "core/philox.hpp"
#include "models/lattice/qho/qho_exact.hpp"

namespace fl::qho {

Algorithm algorithm_from_name(const std::string& name, const std::string& where) {
  if (name == "metropolis") return Algorithm::metropolis;
  if (name == "hmc") return Algorithm::hmc;
  if (name == "exact") return Algorithm::exact;
  throw InputError(where + ": unknown algorithm '" + name + "' (use metropolis, hmc or exact)");
}

void validate(const MonteCarloConfig& c, const std::string& where) {
  require(c.n_chains >= 1, where + ".n_chains: must be >= 1");
  require(c.n_configs >= c.n_chains && c.n_configs % c.n_chains == 0,
          where + ".n_configs: must be a positive multiple of n_chains");
  require(c.n_therm >= 0 && c.n_skip >= 1, where + ": n_therm must be >= 0 and n_skip >= 1");
  require(c.metropolis_step > 0 && c.hmc_step > 0 && c.hmc_leapfrog >= 1,
          where + ": step sizes must be > 0 and hmc_leapfrog >= 1");
}

namespace {

// Independent draws from exp(-x^T A x / 2) via the Cholesky factor of A^{-1}.
CorrelatorSeries exact_samples(const QhoParams& p, const MonteCarloConfig& c) {
  const int N = p.n_t;
  Eigen::MatrixXd A = Eigen::MatrixXd::Zero(N, N);
  for (int i = 0; i < N; ++i) {
    A(i, i) = 2.0 * p.m / p.a + p.a * p.m * p.omega * p.omega;
    A(i, wrap_next(i, N)) -= p.m / p.a;
    A(i, wrap_prev(i, N)) -= p.m / p.a;
  }
  const Eigen::MatrixXd L = Eigen::LLT<Eigen::MatrixXd>(A.inverse()).matrixL();
  CorrelatorSeries s;
  s.n_chains = c.n_chains;
  s.per_chain = c.n_configs / c.n_chains;
  s.n_t = N;
  s.cx.resize(static_cast<std::size_t>(c.n_configs) * N);
  s.cx3.resize(s.cx.size());
#pragma omp parallel for schedule(static)
  for (int chain = 0; chain < c.n_chains; ++chain) {
    Eigen::VectorXd z(N), x(N);
    for (int k = 0; k < s.per_chain; ++k) {
      PhiloxStream rng({c.seed, static_cast<std::uint32_t>(chain)}, static_cast<std::uint64_t>(k));
      for (int i = 0; i < N; ++i) z(i) = rng.normal();
      x.noalias() = L * z;
      const std::size_t off = (static_cast<std::size_t>(chain) * s.per_chain + k) * N;
      measure_correlators(p, x.data(), s.cx.data() + off, s.cx3.data() + off);
    }
  }
  return s;
}

}  // namespace

CorrelatorSeries run_monte_carlo(Backend& backend, const QhoParams& p, const MonteCarloConfig& c,
                                 Progress* progress) {
  validate(p);
  validate(c);
  if (c.algorithm == Algorithm::exact) return exact_samples(p, c);

  const int N = p.n_t, chains = c.n_chains, per_chain = c.n_configs / c.n_chains;
  auto engine = make_qho_engine(backend);
  // Hot start: independent N(0, a/m) per site, then thermalisation.
  Matrix<double> fields(backend, N, chains);
  backend.fill_normal(fields.flat(), PhiloxKey{c.seed, 0xFFFFFFFFu}, 0, 0.0, std::sqrt(p.a / p.m));
  Matrix<double> cx(backend, N, chains), cx3(backend, N, chains);
  const double metropolis_step = c.metropolis_step * std::sqrt(p.a / p.m);
  std::uint64_t step = 0;
  const auto advance = [&](int n) {
    SweepStats st = c.algorithm == Algorithm::metropolis
                        ? engine->metropolis(p, fields.view(), metropolis_step, n, c.seed, step)
                        : engine->hmc(p, fields.view(), c.hmc_step, c.hmc_leapfrog, n, c.seed, step);
    step += static_cast<std::uint64_t>(n);
    return st;
  };
  advance(c.n_therm);

  CorrelatorSeries s;
  s.n_chains = chains;
  s.per_chain = per_chain;
  s.n_t = N;
  s.cx.resize(static_cast<std::size_t>(c.n_configs) * N);
  s.cx3.resize(s.cx.size());
  std::vector<double> hx(static_cast<std::size_t>(N) * chains), hx3(hx.size());
  double exp_sum = 0.0;
  for (int k = 0; k < per_chain; ++k) {
    const SweepStats st = advance(c.n_skip);
    s.stats.accepted += st.accepted;
    s.stats.proposed += st.proposed;
    exp_sum += st.mean_exp_minus_dh * static_cast<double>(st.proposed);
    engine->measure(p, fields.view(), cx.view(), cx3.view());
    backend.download<double>(cx.flat(), hx.data());
    backend.download<double>(cx3.flat(), hx3.data());
    for (int chain = 0; chain < chains; ++chain)
      for (int t = 0; t < N; ++t) {
        const std::size_t dst = (static_cast<std::size_t>(chain) * per_chain + k) * N + t;
        s.cx[dst] = hx[static_cast<std::size_t>(chain) * N + t];
        s.cx3[dst] = hx3[static_cast<std::size_t>(chain) * N + t];
      }
    if (progress) progress->update(k + 1);
  }
  if (c.algorithm == Algorithm::hmc && s.stats.proposed > 0)
    s.stats.mean_exp_minus_dh = exp_sum / static_cast<double>(s.stats.proposed);
  return s;
}

}  // namespace fl::qho
