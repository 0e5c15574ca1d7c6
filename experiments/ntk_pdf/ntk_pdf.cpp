// `fieldlearn ntk-pdf`: NTK analysis of PDF fits (arXiv:2512.24116). Trains N_rep replicas of
// an NNPDF-style network on FK-table data in a closure test, tracks the empirical NTK, and
// compares training with the frozen-NTK analytic solution. See docs/ntk-pdf.md.
#include <cmath>
#include <limits>

#include "core/buffer.hpp"
#include "core/error.hpp"
#include "core/io/files.hpp"
#include "core/io/npy.hpp"
#include "experiments/experiment.hpp"
#include "experiments/ntk_pdf/analysis_outputs.hpp"
#include "experiments/ntk_pdf/init_study.hpp"
#include "experiments/ntk_pdf/training_run.hpp"
#include "models/pdf/closure.hpp"
#include "models/pdf/frozen_ntk.hpp"
#include "models/pdf/lo_fk_generator.hpp"

namespace fl::ntk_pdf {
namespace {

constexpr const char* kDefaults = R"(# fieldlearn ntk-pdf: defaults (the paper's setup on the built-in LO data)
seed = 2143141
replicas = 100

[data]
dir = ""                  # empty: built-in LO FK generator; else FK.npy, Cy.npy, data.npy, fk_grid.npy, ...

[net]
widths = [25, 20]
activation = "tanh"
input = "x"               # "x" or "x_logx"
init = "glorot_truncated" # glorot_truncated (authors' code), glorot_normal (paper text), standard, ntk
c_w = 2.0
c_b = 0.0
precision = "double"      # "double" or "float" (network, J and Theta)

[closure]
level = "1"               # 0, 1, 2 or "real" (integers are accepted)
draw_l1 = false           # false: the data set's fixed L1 noise vector

[train]
epochs = 50000
learning_rate = 1e-5
checkpoint_every = 100
loss = "half_chi2"        # "half_chi2" (t = eta T) or "keras_chi2" (chi2, t = 2 eta T)
resume_every = 5000       # epochs between resume snapshots (0 = none)

[analysis]
t_ref = 10000             # epoch of the frozen NTK for the headline numbers
t_ref_list = [1000, 3000, 5000, 10000]
eps_tol = 1e-7
lazy_threshold = 1e-3     # delta Theta per checkpoint interval below which training is lazy
cov_epochs = [50, 500, 5000, 50000]

[compare]
widths = [100, 100]       # a second architecture trained the same way ([] = none)

[init_study]
widths = [10, 25, 100, 1000]   # [n, n] networks: NTK at initialisation vs width
replicas = 100
)";

std::vector<index_t> to_index(const std::vector<std::int64_t>& v) { return {v.begin(), v.end()}; }

nn::MlpSpec make_spec(const Config& c, const std::vector<index_t>& widths, nn::InputMap input) {
  for (index_t w : widths) require(w > 0, "net.widths: widths must be positive");
  nn::MlpSpec s = nn::MlpSpec::make(nn::input_dim(input), widths, 1, unary_op_from_name(c.get_string("net.activation")));
  s.init = nn::init_scheme_from_name(c.get_string("net.init"));
  s.c_w = c.get_double("net.c_w");
  s.c_b = c.get_double("net.c_b");
  s.validate();
  return s;
}

void run(RunContext& ctx) {
  const Config& c = ctx.config;
  // ---- data --------------------------------------------------------------------------
  const std::string dir = c.get_string("data.dir");
  const pdf::FkDataset data = dir.empty() ? pdf::generate_lo_dataset() : pdf::load_fk_dataset(dir);
  const pdf::FitProblem problem = pdf::make_fit_problem(data);
  ctx.metrics["data"] = data.origin;
  ctx.metrics["n_dat"] = data.n_dat();
  ctx.metrics["m_rank"] = pdf::numerical_rank(problem.M, c.get_double("analysis.eps_tol"));

  pdf::ClosureOptions closure;
  closure.level = pdf::closure_level_from_string(c.get_as_string("closure.level"));
  closure.draw_l1 = c.get_bool("closure.draw_l1");
  closure.seed = ctx.seed;
  const int replicas = static_cast<int>(c.get_int("replicas"));
  require(replicas >= 2, "replicas: need at least 2 replicas");
  const Eigen::MatrixXd Y = pdf::closure_data(data, closure, replicas);
  const bool have_truth = data.f_true.size() == data.n_grid();
  const Eigen::VectorXd level1 = have_truth ? pdf::level1_data(data, closure) : data.data;
  ctx.metrics["closure_level"] = pdf::closure_level_name(closure.level);
  // The loss as a quadratic form, 1/2 chi^2_r = 1/2 f^T M f - b_r^T f + const.
  write_npy(ctx.out.path() / "fit_M.npy", std::vector<double>(problem.M.data(), problem.M.data() + problem.M.size()),
            {problem.M.rows(), problem.M.cols()});
  const Eigen::MatrixXd b = problem.fk_cinv * Y;  // N_grid x R; written C-order as R x N_grid
  write_npy(ctx.out.path() / "fit_b.npy", std::vector<double>(b.data(), b.data() + b.size()), {b.cols(), b.rows()});

  // ---- training ------------------------------------------------------------------------
  TrainingSettings ts;
  ts.input = nn::input_map_from_name(c.get_string("net.input"));
  ts.spec = make_spec(c, to_index(c.get_int_list("net.widths")), ts.input);
  const std::string precision = c.get_string("net.precision");
  require(precision == "double" || precision == "float", "net.precision: must be \"double\" or \"float\"");
  ts.single_precision = precision == "float";
  ts.replicas = replicas;
  ts.epochs = c.get_int("train.epochs");
  ts.learning_rate = c.get_double("train.learning_rate");
  ts.checkpoint_every = c.get_int("train.checkpoint_every");
  const std::string loss = c.get_string("train.loss");
  require(loss == "half_chi2" || loss == "keras_chi2", "train.loss: must be \"half_chi2\" or \"keras_chi2\"");
  ts.keras_chi2 = loss == "keras_chi2";
  ts.seed = ctx.seed;
  ts.resume_every = c.get_int("train.resume_every");
  ts.resume_dir = ctx.out.path();
  require(ts.epochs > 0 && ts.checkpoint_every > 0 && ts.epochs % ts.checkpoint_every == 0,
          "train.epochs: must be a positive multiple of train.checkpoint_every");

  AnalysisSettings as;
  as.t_ref = c.get_int("analysis.t_ref");
  as.t_ref_list = c.get_int_list("analysis.t_ref_list");
  as.eps_tol = c.get_double("analysis.eps_tol");
  as.lazy_threshold = c.get_double("analysis.lazy_threshold");
  as.cov_epochs = c.get_int_list("analysis.cov_epochs");
  std::erase_if(as.t_ref_list, [&](std::int64_t t) { return t > ts.epochs; });
  auto check_epoch = [&](std::int64_t e, const std::string& key) {
    require(e >= 0 && e <= ts.epochs && e % ts.checkpoint_every == 0,
            key + ": " + std::to_string(e) + " must be a checkpoint epoch (multiple of train.checkpoint_every, <= train.epochs)");
  };
  check_epoch(as.t_ref, "analysis.t_ref");
  for (auto e : as.t_ref_list) check_epoch(e, "analysis.t_ref_list");
  ts.keep_theta_at = as.t_ref_list;
  ts.keep_theta_at.push_back(as.t_ref);
  ts.keep_theta_at.push_back(ts.epochs);

  const TrainingHistory hist = train_replicas(ctx.backend, ts, problem, Y, data.grid, ctx.quiet, ctx.resume);
  write_training_series(ctx.out.path(), "", hist, as.lazy_threshold, ctx.metrics, "");
  analyse_fit(ctx.out.path(), hist, as, problem, Y, data.grid, have_truth ? data.f_true : Eigen::VectorXd(),
              level1, ctx.metrics);
  if (have_truth && closure.level == pdf::ClosureLevel::l0) {
    // At L0, lim V Y = f_in_perp + Mcal_inf M f_in_par: how close it is to the part of f_in
    // outside ker Theta(T_ref) (replica mean of the relative distance).
    const auto& th = hist.theta.at(as.t_ref);
    const double inf = std::numeric_limits<double>::infinity();
    double acc = 0;
    for (int k = 0; k < replicas; ++k) {
      const pdf::FrozenNtkSolution sol(th[k], problem, as.eps_tol);
      const Eigen::VectorXd f_perp = data.f_true - sol.P_parallel() * data.f_true;
      acc += (sol.apply_V(inf, Y.col(k)) - f_perp).norm() / f_perp.norm() / replicas;
    }
    ctx.metrics["l0_tinf_vs_fin_perp"] = acc;
  }

  // ---- the wider network ---------------------------------------------------------------
  const auto cmp = c.get_int_list("compare.widths");
  if (!cmp.empty()) {
    TrainingSettings tc = ts;
    tc.spec = make_spec(c, to_index(cmp), ts.input);
    tc.label = "compare_";
    tc.keep_theta_at = {};
    const TrainingHistory hc = train_replicas(ctx.backend, tc, problem, Y, data.grid, ctx.quiet, ctx.resume);
    write_training_series(ctx.out.path(), "compare_", hc, as.lazy_threshold, ctx.metrics, "_compare");
  }

  // ---- NTK at initialisation vs width ---------------------------------------------------
  const auto iw = c.get_int_list("init_study.widths");
  if (!iw.empty()) {
    InitStudySettings is;
    for (auto w : iw) is.specs.push_back(make_spec(c, {static_cast<index_t>(w), static_cast<index_t>(w)}, ts.input));
    is.replicas = static_cast<int>(c.get_int("init_study.replicas"));
    is.seed = ctx.seed;
    run_init_study(ctx.backend, is, data.grid, ts.input, ctx.out.path(), ctx.metrics);
  }
}

}  // namespace
}  // namespace fl::ntk_pdf

FL_REGISTER_EXPERIMENT(ntk_pdf, "ntk-pdf", "NTK analysis of PDF fits (arXiv:2512.24116)",
                       fl::ntk_pdf::kDefaults, fl::ntk_pdf::run);
