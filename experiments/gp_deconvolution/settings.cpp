#include "experiments/gp_deconvolution/settings.hpp"

#include "core/error.hpp"

namespace fl::gp_deconvolution {

namespace {
int get_int32(const Config& c, const std::string& key) {
  const auto v = c.get_int(key);
  require(v >= -2147483647 && v <= 2147483647, key + ": out of range");
  return static_cast<int>(v);
}
}  // namespace

Settings parse_settings(const Config& c) {
  Settings s;
  s.op = qho::operator_from_name(c.get_string("operator"), "operator");
  s.qho = {c.get_double("qho.m"), c.get_double("qho.omega"), c.get_double("qho.a"), get_int32(c, "qho.n_t")};
  qho::validate(s.qho, "qho");
  s.mc.algorithm = qho::algorithm_from_name(c.get_string("qho.algorithm"), "qho.algorithm");
  s.mc.n_chains = get_int32(c, "qho.n_chains");
  s.mc.n_configs = get_int32(c, "qho.n_configs");
  s.mc.n_therm = get_int32(c, "qho.n_therm");
  s.mc.n_skip = get_int32(c, "qho.n_skip");
  s.mc.metropolis_step = c.get_double("qho.metropolis_step");
  s.mc.hmc_step = c.get_double("qho.hmc_step");
  s.mc.hmc_leapfrog = get_int32(c, "qho.hmc_leapfrog");
  s.mc.seed = static_cast<std::uint32_t>(c.get_int("seed"));
  qho::validate(s.mc, "qho");
  s.correlator_file = c.get_string("input.correlator_file");

  const std::string fold = c.get_string("analysis.fold");
  require(fold == "standard" || fold == "repo", "analysis.fold: use standard or repo");
  s.fold = fold == "standard" ? qho::FoldConvention::standard : qho::FoldConvention::repo;
  s.block_size = get_int32(c, "analysis.block_size");
  s.n_boot = get_int32(c, "analysis.n_boot");
  s.n_test_samples = get_int32(c, "analysis.n_test_samples");
  s.energy_t1 = get_int32(c, "analysis.energy_t1");
  s.energy_t2 = get_int32(c, "analysis.energy_t2");
  require(s.block_size >= 1, "analysis.block_size: must be >= 1");
  require(s.correlator_file.empty() ? s.block_size <= s.mc.n_configs / s.mc.n_chains : true,
          "analysis.block_size: larger than the measurements per chain");
  require(s.n_boot >= 20, "analysis.n_boot: must be >= 20");
  require(s.n_test_samples >= 0 && s.n_test_samples <= s.n_boot, "analysis.n_test_samples: must be in [0, n_boot]");
  require(s.energy_t1 >= 0 && s.energy_t2 > s.energy_t1 && s.energy_t2 <= s.qho.n_t / 2,
          "analysis.energy_t1/energy_t2: need 0 <= t1 < t2 <= n_t/2");

  s.inverse.n_tau = get_int32(c, "inverse_problem.n_tau");
  s.inverse.time_extent = c.get_double("inverse_problem.time_extent");
  s.inverse.n_omega = get_int32(c, "inverse_problem.n_omega");
  s.inverse.omega_min = c.get_double("inverse_problem.omega_min");
  s.inverse.omega_max = c.get_double("inverse_problem.omega_max");
  s.inverse.validate("inverse_problem");
  require(s.inverse.n_tau <= s.qho.n_t / 2 + 1, "inverse_problem.n_tau: more slices than the folded correlator has");
  s.smear_sigma = c.get_double("inverse_problem.smear_sigma");
  require(s.smear_sigma > 0, "inverse_problem.smear_sigma: must be > 0");

  s.train.family = spectral::family_from_name(c.get_string("train_set.family"), "train_set.family");
  s.train.size = get_int32(c, "train_set.size");
  s.train.seed = static_cast<std::uint32_t>(c.get_int("train_set.seed"));
  s.train.n_peaks = get_int32(c, "train_set.n_peaks");
  s.train.peak_sigma = c.get_double("train_set.peak_sigma");
  s.train.mu_min = c.get_double("train_set.mu_min");
  s.train.mu_max = c.get_double("train_set.mu_max");
  s.train.weight_min = c.get_double("train_set.weight_min");
  s.train.weight_max = c.get_double("train_set.weight_max");
  s.train.repo_peak_norm = c.get_bool("train_set.repo_peak_norm");
  s.train.chebyshev_terms = get_int32(c, "train_set.chebyshev_terms");
  s.train.e0_min = c.get_double("train_set.e0_min");
  s.train.e0_max = c.get_double("train_set.e0_max");
  s.train.e_max = c.get_double("train_set.e_max");
  s.train.validate("train_set");

  s.kernel.activation = unary_op_from_name(c.get_string("kernel.activation"));
  s.kernel.hidden_layers = get_int32(c, "kernel.depth");
  s.kernel.sigma_w = c.get_double("kernel.sigma_w");
  s.kernel.sigma_b = c.get_double("kernel.sigma_b");
  s.kernel.quadrature_degree = get_int32(c, "kernel.quadrature_degree");
  s.kernel.repo_ntk_variant = c.get_bool("kernel.repo_ntk_variant");
  kernels::recursion_params(s.kernel, "kernel");  // validates
  s.gp.diag_reg = c.get_double("kernel.diag_reg");
  s.gp.cholesky.max_jitter = c.get_double("kernel.max_jitter");
  require(s.gp.diag_reg >= 0 && s.gp.cholesky.max_jitter >= 0, "kernel.diag_reg/max_jitter: must be >= 0");
  s.ntk_time = c.get_double("kernel.ntk_time");
  require(s.ntk_time >= 0, "kernel.ntk_time: must be >= 0 (0 = infinite time)");

  s.bg.lambda = c.get_double("backus_gilbert.lambda");
  s.bg.omega_max = c.get_double("backus_gilbert.omega_max");
  s.bg.quadrature_panels = get_int32(c, "backus_gilbert.quadrature_panels");
  s.bg.validate("backus_gilbert");
  s.linear_gp.amplitude = c.get_double("linear_gp.amplitude");
  s.linear_gp.length = c.get_double("linear_gp.length");
  s.linear_gp.omega_max = c.get_double("linear_gp.omega_max");
  s.linear_gp.n_omega = get_int32(c, "linear_gp.n_omega");
  s.linear_gp.validate("linear_gp");

  s.network.widths = c.get_int_list("nn.widths");
  const std::string param = c.get_string("nn.parameterization");
  require(param == "ntk" || param == "standard", "nn.parameterization: use ntk or standard");
  s.network.ntk_parameterization = param == "ntk";
  s.network.hidden_layers = s.kernel.hidden_layers;
  s.network.sigma_w = s.kernel.sigma_w;
  s.network.sigma_b = s.kernel.sigma_b;
  s.network.replicas = get_int32(c, "nn.replicas");
  s.network.epochs = get_int32(c, "nn.epochs");
  s.network.batch_size = get_int32(c, "nn.batch_size");
  s.network.learning_rate = c.get_double("nn.learning_rate");
  s.network.lr_step = get_int32(c, "nn.lr_step");
  s.network.lr_gamma = c.get_double("nn.lr_gamma");
  s.network.antithetic = c.get_bool("nn.antithetic");
  s.network.validate("nn");
  return s;
}

}  // namespace fl::gp_deconvolution
