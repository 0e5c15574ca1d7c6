#include "experiments/flow_phi4/settings.hpp"

#include "core/error.hpp"

namespace fl::flow_phi4 {

const char* const kDefaults = R"(
# flow-phi4: normalizing flows as trivializing maps for 2D lattice phi^4 (docs/flow-phi4.md)
seed = 1234
mode = "single"            # single: train + sample one lattice; scaling: cost vs L
sampler = "flow"           # flow | hmc | metropolis
precision = "float"        # network precision: float | double (log-weights always double)
n_samples = 10000          # measured configurations (flow chain length; chains: in total)
n_thermalise = 200         # discarded updates per chain
proposal_batch = 2000      # flow proposals generated per pass
compare_baselines = true   # with sampler = flow, also run HMC and local Metropolis

[lattice]
L = 6

[action]
parametrisation = "ising"  # ising (beta, lambda) | albergo (m2, lambda) | standard (m2, g = lambda)
beta = 0.537
lambda = 0.5
m2 = -4.0

[flow]
layers = 3                 # affine blocks (pairs of coupling layers)
hidden = 0                 # hidden width; 0 = V (the h = V rule)
hidden_layers = 1
activation = "tanh"
final_tanh = false
z2 = true
standardise = true
spline_layers = 0          # rational-quadratic spline blocks after the affine ones
spline_knots = 8
spline_interval = 5.0
rescale = true

[train]
steps = 2000
batch = 1000
learning_rate = 0.005
cosine = true
eval_every = 100           # measure MH acceptance every this many steps
eval_samples = 2000        # proposals per acceptance measurement
checkpoint_every = 500

[hmc]
n_chains = 16
step_size = 0.15
n_steps = 8
tune = true

[metropolis]
n_chains = 16
delta = 1.5

[scaling]
L = [6, 8, 10, 12]
beta = [0.537, 0.576, 0.601, 0.616]
targets = [0.3, 0.5, 0.7]
baseline_measurements = 2000   # per-chain measurements of the HMC/Metropolis tau runs
)";

namespace {
int as_int(const Config& c, const std::string& key, std::int64_t lo, std::int64_t hi) {
  const std::int64_t v = c.get_int(key);
  if (v < lo || v > hi)
    throw InputError(key + ": must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " +
                     std::to_string(v));
  return static_cast<int>(v);
}
}  // namespace

phi4::Couplings Settings::couplings() const {
  const phi4::Couplings c = parametrisation == phi4::Parametrisation::ising
                                ? phi4::ising_couplings(beta, lambda)
                                : phi4::make_couplings(parametrisation, m2, lambda);
  phi4::validate(c, "action");
  return c;
}

flows::FlowSpec Settings::flow_for(int L) const {
  flows::FlowSpec s = flow;
  s.L = L;
  const index_t width = hidden_width > 0 ? hidden_width : static_cast<index_t>(L) * L;
  s.hidden.assign(static_cast<std::size_t>(hidden_layers), width);
  s.validate();
  return s;
}

Settings parse_settings(const Config& c, std::uint32_t seed) {
  Settings s;
  s.mode = c.get_string("mode");
  if (s.mode != "single" && s.mode != "scaling") throw InputError("mode: expected single or scaling");
  s.sampler = c.get_string("sampler");
  if (s.sampler != "flow" && s.sampler != "hmc" && s.sampler != "metropolis")
    throw InputError("sampler: expected flow, hmc or metropolis");
  s.precision = c.get_string("precision");
  if (s.precision != "float" && s.precision != "double") throw InputError("precision: expected float or double");
  s.n_samples = as_int(c, "n_samples", 100, 1LL << 30);
  s.n_thermalise = as_int(c, "n_thermalise", 0, 1LL << 30);
  s.proposal_batch = as_int(c, "proposal_batch", 1, 1 << 24);
  s.compare_baselines = c.get_bool("compare_baselines");
  s.parametrisation = phi4::parametrisation_from_name(c.get_string("action.parametrisation"));
  s.beta = c.get_double("action.beta");
  s.lambda = c.get_double("action.lambda");
  s.m2 = c.get_double("action.m2");
  s.L = as_int(c, "lattice.L", 2, 1024);

  s.flow.affine_blocks = as_int(c, "flow.layers", 0, 1000);
  s.hidden_width = as_int(c, "flow.hidden", 0, 1 << 20);
  s.hidden_layers = as_int(c, "flow.hidden_layers", 1, 100);
  s.flow.activation = unary_op_from_name(c.get_string("flow.activation"));
  s.flow.final_tanh = c.get_bool("flow.final_tanh");
  s.flow.z2 = c.get_bool("flow.z2");
  s.flow.standardise = c.get_bool("flow.standardise");
  s.flow.spline_blocks = as_int(c, "flow.spline_layers", 0, 1000);
  s.flow.spline_knots = as_int(c, "flow.spline_knots", 2, 32);
  s.flow.spline_interval = c.get_double("flow.spline_interval");
  s.flow.rescale = c.get_bool("flow.rescale");

  s.train.steps = as_int(c, "train.steps", 0, 1LL << 30);
  const std::int64_t batch = c.get_int("train.batch");
  if (batch <= 0) throw InputError("train.batch: must be positive, got " + std::to_string(batch));
  s.train.batch = batch;
  s.train.learning_rate = c.get_double("train.learning_rate");
  if (!(s.train.learning_rate > 0)) throw InputError("train.learning_rate: must be positive");
  s.train.cosine = c.get_bool("train.cosine");
  s.train.seed = seed;
  s.eval_every = as_int(c, "train.eval_every", 1, 1LL << 30);
  s.eval_samples = as_int(c, "train.eval_samples", 100, 1LL << 30);
  s.checkpoint_every = as_int(c, "train.checkpoint_every", 1, 1LL << 30);

  s.hmc.n_chains = as_int(c, "hmc.n_chains", 1, 1 << 20);
  s.hmc.hmc.step_size = c.get_double("hmc.step_size");
  s.hmc.hmc.n_steps = as_int(c, "hmc.n_steps", 1, 100000);
  if (!(s.hmc.hmc.step_size > 0)) throw InputError("hmc.step_size: must be positive");
  s.hmc.tune_hmc = c.get_bool("hmc.tune");
  s.metropolis.n_chains = as_int(c, "metropolis.n_chains", 1, 1 << 20);
  s.metropolis.metropolis_delta = c.get_double("metropolis.delta");
  if (!(s.metropolis.metropolis_delta > 0)) throw InputError("metropolis.delta: must be positive");
  for (phi4::ChainSettings* ch : {&s.hmc, &s.metropolis}) {
    ch->seed = seed;
    ch->n_thermalise = s.n_thermalise;
  }

  for (std::int64_t L : c.get_int_list("scaling.L")) s.scaling_L.push_back(static_cast<int>(L));
  s.scaling_beta = c.get_double_list("scaling.beta");
  s.scaling_targets = c.get_double_list("scaling.targets");
  s.baseline_measurements = as_int(c, "scaling.baseline_measurements", 20, 1LL << 30);
  if (s.scaling_L.size() != s.scaling_beta.size())
    throw InputError("scaling.L / scaling.beta: lists must have the same length");
  for (double t : s.scaling_targets)
    if (!(t > 0 && t < 1)) throw InputError("scaling.targets: acceptance targets must lie in (0, 1)");

  (void)s.couplings();  // validates the action (negative quartic coupling etc.)
  if (s.sampler == "flow" || s.mode == "scaling") (void)s.flow_for(s.L);  // odd L, bad widths
  return s;
}

}  // namespace fl::flow_phi4
