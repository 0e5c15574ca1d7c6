#include "experiments/ntk_pdf/analysis_outputs.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/io/files.hpp"
#include "core/io/npy.hpp"
#include "models/pdf/ensemble_analysis.hpp"
#include "models/pdf/frozen_ntk.hpp"

namespace fl::ntk_pdf {

namespace {

void write_npy_matrix(const std::filesystem::path& p, const Eigen::MatrixXd& rows_by_cols) {
  // numpy shape (rows, cols) in C order.
  const Eigen::Matrix<double, -1, -1, Eigen::RowMajor> rm = rows_by_cols;
  write_npy(p, std::vector<double>(rm.data(), rm.data() + rm.size()), {rm.rows(), rm.cols()});
}

std::size_t checkpoint_index(const TrainingHistory& h, std::int64_t epoch) {
  for (std::size_t c = 0; c < h.epochs.size(); ++c)
    if (h.epochs[c] == epoch) return c;
  throw std::logic_error("epoch " + std::to_string(epoch) + " is not a checkpoint");
}

double rel_l2(const Eigen::MatrixXd& a, const Eigen::MatrixXd& ref) { return (a - ref).norm() / ref.norm(); }

}  // namespace

std::int64_t lazy_onset(const TrainingHistory& h, double threshold) {
  std::int64_t onset = -1;
  for (std::size_t c = h.epochs.size(); c-- > 1;) {
    if (h.ntk_delta.row(static_cast<Eigen::Index>(c)).mean() >= threshold) break;
    onset = h.epochs[c - 1];
  }
  return onset;
}

void write_training_series(const std::filesystem::path& dir, const std::string& prefix,
                           const TrainingHistory& h, double lazy_threshold, nlohmann::json& metrics,
                           const std::string& sfx) {
  const Eigen::Index n_ck = static_cast<Eigen::Index>(h.epochs.size());
  std::vector<std::string> cols = {"epoch", "t", "chi2_mean", "ntk_norm_mean", "ntk_norm_std",
                                   "ntk_delta_mean", "ntk_delta_max"};
  const int n_eig = static_cast<int>(std::min<Eigen::Index>(10, h.eigenvalues.cols()));
  for (int k = 1; k <= n_eig; ++k) cols.push_back("lambda_" + std::to_string(k));
  CsvTable t(cols);
  double delta_max = 0;
  for (Eigen::Index c = 0; c < n_ck; ++c) {
    const Eigen::RowVectorXd nrm = h.ntk_norm.row(c);
    const double mean = nrm.mean(), sd = std::sqrt((nrm.array() - mean).square().sum() / std::max<Eigen::Index>(1, nrm.size() - 1));
    std::vector<double> row = {double(h.epochs[c]), h.time_per_epoch * double(h.epochs[c]), h.chi2.row(c).mean(),
                               mean, sd, h.ntk_delta.row(c).mean(), h.ntk_delta.row(c).maxCoeff()};
    for (int k = 0; k < n_eig; ++k) row.push_back(h.eigenvalues(c, k));
    t.add_row(row);
    if (c > 0) delta_max = std::max(delta_max, h.ntk_delta.row(c).mean());
  }
  t.write(dir / (prefix + "training.csv"));
  write_npy_matrix(dir / (prefix + "ntk_delta.npy"), h.ntk_delta);
  write_npy_matrix(dir / (prefix + "ntk_eigenvalues.npy"), h.eigenvalues);
  const Eigen::RowVectorXd n0 = h.ntk_norm.row(0);
  const double m0 = n0.mean();
  metrics["ntk_norm0_mean" + sfx] = m0;
  metrics["ntk_norm0_std" + sfx] = std::sqrt((n0.array() - m0).square().sum() / std::max<Eigen::Index>(1, n0.size() - 1));
  metrics["ntk_delta_max" + sfx] = delta_max;
  metrics["ntk_delta_final" + sfx] = n_ck > 1 ? h.ntk_delta.row(n_ck - 1).mean() : 0.0;
  metrics["lazy_onset_epoch" + sfx] = lazy_onset(h, lazy_threshold);
  metrics["chi2_final" + sfx] = h.chi2.row(n_ck - 1).mean();
}

void analyse_fit(const std::filesystem::path& dir, const TrainingHistory& h, const AnalysisSettings& a,
                 const pdf::FitProblem& p, const Eigen::MatrixXd& Y, const Eigen::VectorXd& grid,
                 const Eigen::VectorXd& f_in, const Eigen::VectorXd& level1, nlohmann::json& metrics) {
  const std::int64_t T_end = h.epochs.back();
  const Eigen::MatrixXd& f0 = h.f.front();
  const Eigen::MatrixXd& f_end = h.f.back();
  const double dt = h.time_per_epoch;
  const int R = static_cast<int>(f0.cols());
  const bool have_truth = f_in.size() == grid.size();

  // -- frozen-NTK solutions at every T_ref, compared with training -------------------------
  std::vector<std::int64_t> trefs = a.t_ref_list;
  if (std::find(trefs.begin(), trefs.end(), a.t_ref) == trefs.end()) trefs.push_back(a.t_ref);
  std::sort(trefs.begin(), trefs.end());
  CsvTable avt({"t_ref", "from_prior", "epoch", "rel_l2"});
  std::vector<pdf::FrozenNtkSolution> main_solutions;
  for (std::int64_t tr : trefs) {
    std::vector<pdf::FrozenNtkSolution> sols;
    for (const auto& th : h.theta.at(tr)) sols.emplace_back(th, p, a.eps_tol);
    const Eigen::MatrixXd& f_ref = h.f[checkpoint_index(h, tr)];
    const std::size_t stride = std::max<std::size_t>(1, h.epochs.size() / 50);
    for (std::size_t c = 0; c < h.epochs.size(); c += stride) {
      const std::int64_t e = h.epochs[c];
      // From the prior (paper): f_0 with Theta(T_ref), t = eta T.
      avt.add_row({double(tr), 1, double(e), rel_l2(pdf::analytic_ensemble(sols, f0, Y, dt * e).f(), h.f[c])});
      if (e >= tr)  // from the trained f(T_ref), t = eta (T - T_ref)
        avt.add_row({double(tr), 0, double(e), rel_l2(pdf::analytic_ensemble(sols, f_ref, Y, dt * (e - tr)).f(), h.f[c])});
    }
    const double gap = rel_l2(pdf::analytic_ensemble(sols, f_ref, Y, dt * (T_end - tr)).f(), f_end);
    if (tr == a.t_ref) {
      metrics["analytic_vs_trained_rel_l2"] = gap;
      metrics["analytic_vs_trained_rel_l2_from_prior"] = rel_l2(pdf::analytic_ensemble(sols, f0, Y, dt * T_end).f(), f_end);
      main_solutions = std::move(sols);
    }
  }
  avt.write(dir / "analytic_vs_trained.csv");

  // -- spectra at T_ref: NTK eigenvalues and H_perp eigenvalues (replica means) ----------
  {
    const auto& th = h.theta.at(a.t_ref);
    Eigen::VectorXd lam = Eigen::VectorXd::Zero(grid.size()), hp = Eigen::VectorXd::Zero(grid.size());
    Eigen::VectorXd count = Eigen::VectorXd::Zero(grid.size());
    for (int k = 0; k < R; ++k) {
      lam += pdf::eigenvalues_descending(th[k]) / R;
      const auto& hk = main_solutions[k].h();
      for (Eigen::Index i = 0; i < hk.size(); ++i) hp[i] += hk[i], count[i] += 1;
    }
    CsvTable sp({"k", "ntk_lambda_mean", "hperp_mean", "replicas_with_mode"});
    for (Eigen::Index i = 0; i < grid.size(); ++i)
      sp.add_row({double(i + 1), lam[i], count[i] > 0 ? hp[i] / count[i] : 0.0, count[i]});
    sp.write(dir / "spectrum_tref.csv");
    metrics["d_perp_mean"] = count.sum() / R;
    metrics["hperp_max_over_lambda_max"] = (hp[0] / std::max(1.0, count[0])) / lam[0];
    // alignment of Theta(T_ref) of replica 0 with M, and the reconstruction error C(r)
    write_npy_matrix(dir / "alignment_tref_replica0.npy", pdf::alignment(th[0], p.M));
    if (have_truth) {
      CsvTable rc({"epoch", "r", "C_r_mean"});
      for (const auto& [e, ths] : h.theta) {
        Eigen::VectorXd c = Eigen::VectorXd::Zero(grid.size());
        for (const auto& t : ths) c += pdf::reconstruction_error(t, f_in) / double(ths.size());
        for (Eigen::Index r = 0; r < std::min<Eigen::Index>(10, c.size()); ++r) rc.add_row({double(e), double(r + 1), c[r]});
      }
      rc.write(dir / "reconstruction_error.csv");
    }
  }

  // -- covariance split vs x and bias/variance vs T (prior f_0, Theta(T_ref), t = eta T) --
  {
    CsvTable cs({"epoch", "x", "f_mean", "sd_total", "c00", "c0y", "cyy"});
    for (std::int64_t e : a.cov_epochs) {
      const auto ens = pdf::analytic_ensemble(main_solutions, f0, Y, dt * e);
      const auto split = pdf::covariance_split(ens);
      const Eigen::VectorXd fm = ens.f().rowwise().mean();
      for (Eigen::Index i = 0; i < grid.size(); ++i)
        cs.add_row({double(e), grid[i], fm[i], std::sqrt(std::max(0.0, split.c00(i, i) + split.c0y(i, i) + split.cyy(i, i))),
                    split.c00(i, i), split.c0y(i, i), split.cyy(i, i)});
    }
    cs.write(dir / "covariance_split.csv");
  }
  if (have_truth) {
    CsvTable bv({"epoch", "t", "bias", "bias_u", "bias_v", "bias_uv", "variance", "variance_u",
                 "variance_v", "variance_uv", "delta_uf0", "delta_vy", "trained_epoch", "trained_bias",
                 "trained_variance"});
    std::vector<double> Ts;
    for (double T = 10; T <= 100.0 * std::max<std::int64_t>(T_end, 10); T *= std::pow(10.0, 0.125)) Ts.push_back(T);
    Ts.push_back(std::numeric_limits<double>::infinity());
    for (double T : Ts) {
      const auto ens = pdf::analytic_ensemble(main_solutions, f0, Y, dt * T);
      const auto b = pdf::bias_variance(ens, f_in, p);
      // Linear-method test statistics: Delta[U f0] = E[U f0] - E[U] E[f0], Delta[V Y] likewise.
      const Eigen::VectorXd f0bar = f0.rowwise().mean(), ybar = Y.rowwise().mean();
      Eigen::VectorXd ubar_f0bar = Eigen::VectorXd::Zero(grid.size()), vbar_ybar = ubar_f0bar;
      for (int k = 0; k < R; ++k)
        ubar_f0bar += main_solutions[k].apply_U(dt * T, f0bar) / R, vbar_ybar += main_solutions[k].apply_V(dt * T, ybar) / R;
      const double d_uf0 = (ens.uf0.rowwise().mean() - ubar_f0bar).norm();
      const double d_vy = (ens.vy.rowwise().mean() - vbar_ybar).norm();
      double te = std::numeric_limits<double>::quiet_NaN(), tb = te, tv = te;
      // The trained ensemble at the checkpoint nearest to T (its own epoch in trained_epoch).
      if (std::isfinite(T) && T <= T_end) {
        std::size_t c = 0;
        while (c + 1 < h.epochs.size() && std::abs(h.epochs[c + 1] - T) < std::abs(h.epochs[c] - T)) ++c;
        pdf::AnalyticEnsemble tr{h.f[c], Eigen::MatrixXd::Zero(grid.size(), R)};
        const auto bt = pdf::bias_variance(tr, f_in, p);
        te = static_cast<double>(h.epochs[c]), tb = bt.bias, tv = bt.variance;
      }
      bv.add_row({T, dt * T, b.bias, b.bias_u, b.bias_v, b.bias_uv, b.variance, b.variance_u, b.variance_v,
                  b.variance_uv, d_uf0, d_vy, te, tb, tv});
    }
    bv.write(dir / "bias_variance.csv");

    // NNPDF closure estimators on the trained ensemble at the end of training.
    const auto ce = pdf::closure_estimators(f_end, f_in, level1, p);
    metrics["bias"] = ce.bias;
    metrics["variance"] = ce.variance;
    metrics["r_bv"] = ce.r_bv;
    metrics["xi_1sigma"] = ce.xi_1sigma;
    metrics["delta_chi2"] = ce.delta_chi2;
    // t -> infinity of the analytic solution, and at L0 its agreement with f_in on the
    // image of Theta (the part of f_in orthogonal to ker Theta).
    const auto inf = pdf::analytic_ensemble(main_solutions, f0, Y, std::numeric_limits<double>::infinity());
    write_npy_matrix(dir / "f_analytic_inf.npy", inf.f().transpose());
  } else {
    for (const char* k : {"bias", "variance", "r_bv", "xi_1sigma", "delta_chi2"}) metrics[k] = nullptr;
  }

  // -- PDFs: prior, trained at the end, truth --------------------------------------------
  CsvTable pdfs({"x", "f0_mean", "f0_sd", "f_mean", "f_sd", "f_in"});
  for (Eigen::Index i = 0; i < grid.size(); ++i) {
    auto msd = [&](const Eigen::MatrixXd& m) {
      const double mu = m.row(i).mean();
      return std::pair{mu, std::sqrt((m.row(i).array() - mu).square().sum() / R)};
    };
    const auto [m0, s0] = msd(f0);
    const auto [m1, s1] = msd(f_end);
    pdfs.add_row({grid[i], m0, s0, m1, s1, have_truth ? f_in[i] : std::nan("")});
  }
  pdfs.write(dir / "pdf.csv");
  std::vector<double> fall;
  for (const auto& f : h.f) fall.insert(fall.end(), f.data(), f.data() + f.size());
  write_npy(dir / "f_checkpoints.npy", fall, {static_cast<std::int64_t>(h.f.size()), R, grid.size()});
}

}  // namespace fl::ntk_pdf
