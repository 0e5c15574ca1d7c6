#include "experiments/ntk_pdf/training_run.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/io/npy.hpp"
#include "core/progress.hpp"
#include "models/nn/ensemble_mlp.hpp"
#include "models/pdf/frozen_ntk.hpp"
#include "models/pdf/replica_trainer.hpp"

namespace fl::ntk_pdf {

namespace {

void write_matrix(const std::filesystem::path& p, const Eigen::MatrixXd& m) {
  std::vector<double> v(m.data(), m.data() + m.size());
  write_npy(p, v, {m.cols(), m.rows()});  // C-order of the transpose = column-major of m
}

Eigen::MatrixXd read_matrix(const std::filesystem::path& p) {
  const NpyArray a = read_npy(p);
  if (a.shape.size() != 2) input_error(p.string() + ": expected a 2-d array");
  const auto v = a.to_f64();
  return Eigen::Map<const Eigen::MatrixXd>(v.data(), a.shape[1], a.shape[0]);
}

// All the state a resumed run needs, as .npy files in the run directory.
struct Snapshot {
  std::filesystem::path dir;
  std::string prefix;
  std::filesystem::path file(const std::string& name) const { return dir / (prefix + "resume_" + name + ".npy"); }
};

template <class T>
void save_snapshot(const Snapshot& s, nn::EnsembleMlp<T>& net, const TrainingHistory& h, std::int64_t epoch) {
  const auto p = net.parameters_host();
  write_matrix(s.file("params"), Eigen::Map<const Eigen::Matrix<T, -1, -1>>(p.data(), net.n_params(), net.replicas()).template cast<double>());
  const Eigen::Index n_ck = static_cast<Eigen::Index>(h.epochs.size()), ng = h.f.front().rows();
  Eigen::MatrixXd f(ng * net.replicas(), n_ck);
  for (Eigen::Index c = 0; c < n_ck; ++c) f.col(c) = h.f[c].reshaped();
  write_matrix(s.file("f"), f);
  write_matrix(s.file("ntk_norm"), h.ntk_norm.topRows(n_ck));
  write_matrix(s.file("ntk_delta"), h.ntk_delta.topRows(n_ck));
  write_matrix(s.file("eigenvalues"), h.eigenvalues.topRows(n_ck));
  write_matrix(s.file("chi2"), h.chi2.topRows(n_ck));
  for (const auto& [e, th] : h.theta) {
    Eigen::MatrixXd all(ng * ng, static_cast<Eigen::Index>(th.size()));
    for (std::size_t r = 0; r < th.size(); ++r) all.col(r) = th[r].reshaped();
    write_matrix(s.file("theta_" + std::to_string(e)), all);
  }
  // The epoch is written last: a snapshot counts only once it is there.
  write_matrix(s.file("epoch"), Eigen::MatrixXd::Constant(1, 1, static_cast<double>(epoch)));
}

template <class T>
std::int64_t load_snapshot(const Snapshot& s, nn::EnsembleMlp<T>& net, TrainingHistory& h,
                           const std::vector<std::int64_t>& keep, Eigen::Index ng) {
  if (!std::filesystem::exists(s.file("epoch"))) return 0;
  const auto epoch = static_cast<std::int64_t>(read_matrix(s.file("epoch"))(0, 0));
  const Eigen::MatrixXd p = read_matrix(s.file("params"));
  std::vector<T> pv(p.size());
  for (Eigen::Index i = 0; i < p.size(); ++i) pv[i] = static_cast<T>(p.data()[i]);
  net.set_parameters_host(pv);
  const Eigen::MatrixXd f = read_matrix(s.file("f"));
  const Eigen::Index R = net.replicas();
  h.f.clear();
  h.epochs.clear();
  const Eigen::MatrixXd norm = read_matrix(s.file("ntk_norm")), delta = read_matrix(s.file("ntk_delta")),
                        eig = read_matrix(s.file("eigenvalues")), chi2 = read_matrix(s.file("chi2"));
  for (Eigen::Index c = 0; c < f.cols(); ++c) {
    h.f.push_back(f.col(c).reshaped(ng, R));
    h.ntk_norm.row(c) = norm.row(c);
    h.ntk_delta.row(c) = delta.row(c);
    h.eigenvalues.row(c) = eig.row(c);
    h.chi2.row(c) = chi2.row(c);
  }
  for (std::int64_t e : keep)
    if (std::filesystem::exists(s.file("theta_" + std::to_string(e)))) {
      const Eigen::MatrixXd all = read_matrix(s.file("theta_" + std::to_string(e)));
      auto& th = h.theta[e];
      for (Eigen::Index r = 0; r < R; ++r) th.push_back(all.col(r).reshaped(ng, ng));
    }
  return epoch;
}

// Gradient descent on the (locally) quadratic loss is stable while eta lambda_max(Theta M) < 2;
// a replica beyond that diverges to inf/NaN. Stop with the reason instead of analysing NaN.
void check_finite(const Eigen::MatrixXd& f, std::int64_t epoch, const std::vector<Eigen::MatrixXd>& last_theta,
                  const pdf::FitProblem& problem, double dt) {
  for (Eigen::Index r = 0; r < f.cols(); ++r) {
    if (f.col(r).allFinite()) continue;
    std::string why;
    if (!last_theta.empty()) {
      const Eigen::VectorXcd ev = Eigen::EigenSolver<Eigen::MatrixXd>(last_theta[r] * problem.M, false).eigenvalues();
      why = "; dt * lambda_max(Theta M) at the previous checkpoint = " + std::to_string(dt * ev.real().maxCoeff()) +
            ", stable below 2";
    }
    input_error("train.learning_rate: replica " + std::to_string(r) + " diverged (non-finite f at epoch " +
                std::to_string(epoch) + why + "); lower the learning rate");
  }
}

template <class T>
TrainingHistory run(Backend& backend, const TrainingSettings& s, const pdf::FitProblem& problem,
                    const Eigen::MatrixXd& Y, const Eigen::VectorXd& grid, bool quiet, bool resume) {
  require(s.epochs >= 0, "train.epochs: must be non-negative");
  require(s.checkpoint_every > 0, "train.checkpoint_every: must be positive");
  nn::EnsembleMlp<T> net(backend, s.spec, s.replicas);
  net.initialize(s.seed);
  pdf::ReplicaTrainer<T> trainer(net, problem, Y, grid, s.input, s.learning_rate, s.keras_chi2);
  const Eigen::Index ng = grid.size(), R = s.replicas;
  const Eigen::Index n_ck = static_cast<Eigen::Index>(s.epochs / s.checkpoint_every) + 1;
  TrainingHistory h;
  h.time_per_epoch = trainer.time_per_epoch();
  h.ntk_norm = h.ntk_delta = h.chi2 = Eigen::MatrixXd::Zero(n_ck, R);
  h.eigenvalues = Eigen::MatrixXd::Zero(n_ck, ng);
  const Snapshot snap{s.resume_dir, s.label};

  std::int64_t start = 0;
  if (resume) start = load_snapshot(snap, net, h, s.keep_theta_at, ng);
  trainer.set_epoch(start);
  std::vector<Eigen::MatrixXd> prev_theta;
  if (start > 0) prev_theta = trainer.ntk();

  // The networks themselves (replica r = row r, MlpSpec layout) and Theta_0, so that other
  // programs can reproduce the run's kernels and gradients (bench/peers/ntk_compare.py).
  auto write_parameters = [&](const std::string& name) {
    if (s.resume_dir.empty()) return;
    const auto p = net.parameters_host();
    write_matrix(s.resume_dir / (s.label + name), Eigen::Map<const Eigen::Matrix<T, -1, -1>>(p.data(), net.n_params(), R).template cast<double>());
  };
  auto checkpoint = [&](std::int64_t epoch) {
    const Eigen::Index c = static_cast<Eigen::Index>(epoch / s.checkpoint_every);
    h.epochs.push_back(epoch);
    h.f.push_back(trainer.f());
    check_finite(h.f.back(), epoch, prev_theta, problem, trainer.time_per_epoch());
    std::vector<Eigen::MatrixXd> theta = trainer.ntk();
    Eigen::VectorXd eig_mean = Eigen::VectorXd::Zero(ng);
    for (Eigen::Index r = 0; r < R; ++r) {
      h.ntk_norm(c, r) = theta[r].norm();
      h.ntk_delta(c, r) = prev_theta.empty() ? 0.0 : (theta[r] - prev_theta[r]).norm() / prev_theta[r].norm();
      eig_mean += pdf::eigenvalues_descending(theta[r]) / static_cast<double>(R);
      h.chi2(c, r) = problem.chi2(h.f.back().col(r), Y.col(r)) / static_cast<double>(problem.n_dat());
    }
    h.eigenvalues.row(c) = eig_mean.transpose();
    if (std::find(s.keep_theta_at.begin(), s.keep_theta_at.end(), epoch) != s.keep_theta_at.end())
      h.theta[epoch] = theta;
    if (epoch == 0 && !s.resume_dir.empty()) {
      Eigen::MatrixXd all(ng * ng, R);
      for (Eigen::Index r = 0; r < R; ++r) all.col(r) = theta[r].reshaped();
      write_matrix(s.resume_dir / (s.label + "ntk_init.npy"), all);
    }
    prev_theta = std::move(theta);
  };

  // Epochs already recorded before the snapshot: rebuild the bookkeeping only.
  for (std::int64_t e = 0; e <= start && start > 0; e += s.checkpoint_every) h.epochs.push_back(e);
  h.epochs.resize(h.f.size());
  if (start == 0) {
    checkpoint(0);
    write_parameters("params_init.npy");
  }
  Progress progress(s.label.empty() ? "train" : s.label + "train", s.epochs, quiet);
  for (std::int64_t e = start + 1; e <= s.epochs; ++e) {
    trainer.step();
    if (e % s.checkpoint_every == 0) {
      checkpoint(e);
      progress.update(e, "chi2/N " + std::to_string(h.chi2.row(e / s.checkpoint_every).mean()));
      if (s.resume_every > 0 && e % s.resume_every == 0 && e < s.epochs) save_snapshot(snap, net, h, e);
    }
  }
  progress.finish();
  write_parameters("params_final.npy");
  // A finished run needs no snapshot: drop it so the run directory holds results only.
  if (!s.resume_dir.empty())
    for (const auto& entry : std::filesystem::directory_iterator(s.resume_dir))
      if (entry.path().filename().string().rfind(s.label + "resume_", 0) == 0) std::filesystem::remove(entry.path());
  return h;
}

}  // namespace

TrainingHistory train_replicas(Backend& backend, const TrainingSettings& s, const pdf::FitProblem& problem,
                               const Eigen::MatrixXd& Y, const Eigen::VectorXd& grid, bool quiet,
                               bool resume) {
  return s.single_precision ? run<float>(backend, s, problem, Y, grid, quiet, resume)
                            : run<double>(backend, s, problem, Y, grid, quiet, resume);
}

}  // namespace fl::ntk_pdf
