// fieldlearn rbm-ising: RBMs trained on Ising configurations (2D L x L at many temperatures
// and a 1D chain), monitored with exact or AIS log-likelihoods, compared with Monte Carlo and
// exact results, and analysed through their effective n-point couplings.
#include <cmath>
#include <cstdio>
#include <string>

#include "core/error.hpp"
#include "core/io/files.hpp"
#include "core/io/npy.hpp"
#include "experiments/experiment.hpp"
#include "experiments/rbm_ising/rbm_ising_study.hpp"
#include "models/lattice/ising/generate.hpp"

namespace fl {
namespace {

constexpr const char* kDefaults = R"(# rbm-ising: RBMs on Ising configurations (arXiv:1810.11503)
seed = 1

[ising2d]
enabled = true
L = 8
temperatures = [1.8, 1.9, 2.0, 2.1, 2.2, 2.3, 2.4, 2.5, 2.6, 2.7, 2.8, 2.9, 3.0]
n_configs = 100000        # training configurations per temperature
algorithm = "wolff"       # Monte Carlo used to generate them: wolff | metropolis
data_dir = ""             # read configs_T<T>.npy from an ising-generate run instead

[chain1d]
enabled = true
N = 6
boundary = "open"         # open | periodic
T = 1.0
n_configs = 10000         # drawn with the exact independent sampler

[rbm]
n_hidden = 0              # 0: as many hidden as visible units
init_std = 0.01

[train]
batch_size = 200
momentum = 0.0
weight_decay = 0.0
persistent = false        # PCD-k instead of CD-k
fused = true              # float fused CD path; false: the double-precision generic reference path
stage_learning_rates = [0.1, 0.01, 0.0001]
stage_k = [1, 5, 5]
stage_epochs = [3000, 1000, 1000]

[monitor]
every = 10                # epochs between monitoring points
log_z = "auto"            # exact | ais | auto (exact when the smaller layer has <= 24 units)
ais_betas = 14500
ais_runs = 100
ll_max_configs = 10000    # data rows used for the average log-likelihood

[couplings]
spin_samples = 2000       # uniform spin configurations for the +-1-language couplings when n_v > 20
                          # (Monte Carlo with error bars; exact Walsh transform when n_v <= 20)

[sampling]                # RBM Gibbs chains for the Ising observables
chains = 100
thermalization = 1000
samples_per_chain = 100
spacing = 10
)";

int as_int(const Config& c, const std::string& key) {
  const auto v = c.get_int(key);
  require(v >= -(1LL << 31) && v < (1LL << 31), key + ": out of range");
  return static_cast<int>(v);
}

rbm_ising::StudySettings settings_from(const Config& c, std::uint32_t seed) {
  rbm_ising::StudySettings s;
  s.seed = seed;
  s.n_hidden = as_int(c, "rbm.n_hidden");
  s.init_std = c.get_double("rbm.init_std");
  require(s.n_hidden >= 0, "rbm.n_hidden: must be >= 0");
  require(s.init_std >= 0, "rbm.init_std: must be >= 0");
  s.train.batch_size = as_int(c, "train.batch_size");
  s.train.momentum = c.get_double("train.momentum");
  s.train.weight_decay = c.get_double("train.weight_decay");
  s.train.persistent = c.get_bool("train.persistent");
  s.train.fused = c.get_bool("train.fused");
  s.spin_samples = c.get_int("couplings.spin_samples");
  require(s.spin_samples >= 2, "couplings.spin_samples: need at least 2");
  s.train.seed = seed;
  const auto lr = c.get_double_list("train.stage_learning_rates");
  const auto k = c.get_int_list("train.stage_k");
  const auto ep = c.get_int_list("train.stage_epochs");
  require(lr.size() == k.size() && k.size() == ep.size(),
          "train.stage_*: stage_learning_rates, stage_k and stage_epochs must have the same length");
  for (std::size_t i = 0; i < lr.size(); ++i) {
    require(k[i] >= 1 && k[i] < (1 << 20), "train.stage_k: k must be >= 1");
    require(ep[i] >= 0 && ep[i] < (1 << 30), "train.stage_epochs: must be >= 0");
    s.stages.push_back({lr[i], static_cast<int>(k[i]), static_cast<int>(ep[i])});
  }
  rbm::validate(s.train, s.stages);
  s.monitor_every = as_int(c, "monitor.every");
  require(s.monitor_every >= 1, "monitor.every: must be >= 1");
  s.log_z_mode = c.get_string("monitor.log_z");
  require(s.log_z_mode == "exact" || s.log_z_mode == "ais" || s.log_z_mode == "auto",
          "monitor.log_z: must be exact, ais or auto");
  s.ais_betas = as_int(c, "monitor.ais_betas");
  s.ais_runs = as_int(c, "monitor.ais_runs");
  require(s.ais_betas >= 10, "monitor.ais_betas: need at least 10");
  require(s.ais_runs >= 2, "monitor.ais_runs: need at least 2");
  s.ll_max_configs = c.get_int("monitor.ll_max_configs");
  require(s.ll_max_configs >= 1, "monitor.ll_max_configs: must be >= 1");
  s.gibbs.n_chains = as_int(c, "sampling.chains");
  s.gibbs.thermalization = as_int(c, "sampling.thermalization");
  s.gibbs.n_samples = as_int(c, "sampling.samples_per_chain");
  s.gibbs.spacing = as_int(c, "sampling.spacing");
  s.gibbs.seed = seed + 17;
  require(s.gibbs.n_chains >= 2 && s.gibbs.n_samples >= 1 && s.gibbs.spacing >= 1 && s.gibbs.thermalization >= 0,
          "sampling: chains >= 2, samples_per_chain >= 1, spacing >= 1, thermalization >= 0");
  return s;
}

std::string temperature_tag(double T) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "T%.4f", T);
  return buf;
}

// Configurations of an ising-generate run: shape (n, L, L), uint8, values {0, 1}.
std::vector<std::uint8_t> read_configs(const std::filesystem::path& file, int L) {
  const NpyArray a = read_npy(file);
  const std::string name = file.string();
  require(a.type == NpyType::u8 || a.type == NpyType::boolean, name + ": configurations must be uint8");
  require(a.shape.size() == 3 && a.shape[1] == L && a.shape[2] == L && a.shape[0] >= 1,
          name + ": expected shape (n, " + std::to_string(L) + ", " + std::to_string(L) + ")");
  auto v = a.to_u8();
  for (auto x : v) require(x <= 1, name + ": configurations must be binary (0 or 1)");
  return v;
}

void run_rbm_ising(RunContext& ctx) {
  const Config& cfg = ctx.config;
  const auto settings = settings_from(cfg, ctx.seed);
  rbm_ising::Study study(ctx.backend, settings, ctx.out.path(), ctx.quiet);
  const bool do_2d = cfg.get_bool("ising2d.enabled"), do_1d = cfg.get_bool("chain1d.enabled");
  if (do_2d) {
    const int L = as_int(cfg, "ising2d.L");
    require(L >= 2 && L <= 1024, "ising2d.L: must be in [2, 1024]");
    study.check_feasible(L * L);
  }
  if (do_1d) {
    const int N = as_int(cfg, "chain1d.N");
    require(N >= 2 && N <= 1 << 20, "chain1d.N: must be at least 2");
    study.check_feasible(N);
  }

  if (do_2d) {
    ising::GenerateOptions g;
    g.lattice = {2, as_int(cfg, "ising2d.L"), ising::Boundary::periodic};
    g.temperatures = cfg.get_double_list("ising2d.temperatures");
    g.n_configs = cfg.get_int("ising2d.n_configs");
    g.algorithm = ising::algorithm_from_name(cfg.get_string("ising2d.algorithm"));
    g.seed = ctx.seed;
    g.thermalization = 1000;
    g.pilot = 2000;
    g.chains_per_temperature = 8;
    g.wolff_clusters = 2;
    ising::validate(g);
    const std::string dir = cfg.get_string("ising2d.data_dir");
    std::vector<ising::TemperatureSamples> data;
    if (dir.empty()) {
      auto progress = ctx.progress("rbm-ising: Monte Carlo data", 100);
      data = ising::generate_ising_samples(ctx.backend, g, &progress);
    } else {
      for (double T : g.temperatures) {
        ising::TemperatureSamples ts;
        ts.T = T;
        ts.configs = read_configs(std::filesystem::path(dir) / ("configs_" + temperature_tag(T) + ".npy"), g.lattice.L);
        data.push_back(std::move(ts));
      }
    }
    nlohmann::json temps = nlohmann::json::array();
    for (const auto& d : data) temps.push_back(study.run_temperature(g.lattice, d, temperature_tag(d.T), dir.empty()));
    ctx.metrics["temperatures"] = temps;
    ctx.metrics["lattice"] = {{"dim", 2}, {"L", g.lattice.L}, {"boundary", "periodic"}};
  }
  if (do_1d) {
    const ising::IsingLattice lat{1, as_int(cfg, "chain1d.N"),
                                  ising::boundary_from_name(cfg.get_string("chain1d.boundary"))};
    ising::GenerateOptions g;
    g.lattice = lat;
    g.temperatures = {cfg.get_double("chain1d.T")};
    g.n_configs = cfg.get_int("chain1d.n_configs");
    g.algorithm = ising::Algorithm::exact;
    g.seed = ctx.seed + 1;
    ising::validate(g);
    const auto data = ising::generate_ising_samples(ctx.backend, g);
    ctx.metrics["chain1d"] = study.run_temperature(lat, data[0], "chain1d", true);
  }
  ctx.metrics["conventions"] =
      "loglik per configuration in nats; J2 in {0,1} language (perfect RBM: 4J/T on bonds); "
      "h_vertical = J2/8 over vertical pairs without wrap-around (authors' plot); "
      "e = <E>/N, cv = Var(E)/(N T^2), chi = N Var(|m|)/T";
}

}  // namespace

FL_REGISTER_EXPERIMENT(rbm_ising, "rbm-ising",
                       "RBMs trained on Ising data: AIS log-likelihoods, observables, n-point couplings", kDefaults,
                       run_rbm_ising);

}  // namespace fl
