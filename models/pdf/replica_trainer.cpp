#include "models/pdf/replica_trainer.hpp"

#include "core/error.hpp"

namespace fl::pdf {

namespace {
template <class T>
Matrix<T> upload(Backend& be, const Eigen::MatrixXd& m) {
  std::vector<T> h(static_cast<std::size_t>(m.size()));
  for (Eigen::Index j = 0; j < m.cols(); ++j)
    for (Eigen::Index i = 0; i < m.rows(); ++i) h[i + j * m.rows()] = static_cast<T>(m(i, j));
  return Matrix<T>::from_host(be, m.rows(), m.cols(), h);
}
}  // namespace

template <class T>
ReplicaTrainer<T>::ReplicaTrainer(nn::EnsembleMlp<T>& net, const FitProblem& problem,
                                  const Eigen::MatrixXd& Y, const Eigen::VectorXd& grid,
                                  nn::InputMap input, double learning_rate, bool keras_chi2)
    : net_(&net), backend_(&net.backend()), n_grid_(grid.size()), R_(net.replicas()),
      eta_(learning_rate), keras_(keras_chi2), ntk_(net.backend()) {
  require(net.spec().n_out() == 1, "net: a PDF network has one output");
  require(net.spec().n_in() == nn::input_dim(input), "net: input dimension does not match net.input");
  require(Y.cols() == R_ && Y.rows() == problem.n_dat(), "training data: wrong shape");
  require(problem.n_grid() == n_grid_, "grid: length does not match the FK table");
  require(learning_rate > 0, "train.learning_rate: must be positive");
  const std::vector<double> xg(grid.data(), grid.data() + grid.size());
  const auto feats = nn::input_features(xg, input);
  X_ = upload<T>(*backend_, Eigen::Map<const Eigen::MatrixXd>(feats.data(), nn::input_dim(input), n_grid_));
  M_ = upload<T>(*backend_, problem.M);
  b_ = upload<T>(*backend_, problem.fk_cinv * Y);
  g_ = Matrix<T>(*backend_, n_grid_, R_);
  grad_ = Buffer<T>(*backend_, R_ * net.n_params());
  theta_ = Buffer<T>(*backend_, R_ * n_grid_ * n_grid_);
}

template <class T>
void ReplicaTrainer<T>::step() {
  const T s = keras_ ? T(2) : T(1);
  if (net_->fused_cpu()) {  // the CPU backend: X_, M_ and b_ are host memory
    if (!fused_)
      fused_ = std::make_unique<nn::FusedQuadraticGd<T>>(net_->spec(), R_, n_grid_, X_.data(), M_.data(), b_.data(), s);
    fused_->step(net_->parameters().data, T(eta_));
    ++epoch_;
    return;
  }
  MatrixView<const T> F = net_->forward(X_.view());
  backend_->gemm<T>(Trans::no, Trans::no, s, M_.view(), F, T(0), g_.view());
  backend_->axpy<T>(-s, b_.flat(), g_.flat());
  net_->backward(g_.view(), grad_.view());
  backend_->axpy<T>(T(-eta_), grad_.view(), net_->parameters());
  ++epoch_;
}

template <class T>
Eigen::MatrixXd ReplicaTrainer<T>::f() {
  std::vector<T> h(static_cast<std::size_t>(n_grid_ * R_));
  backend_->download(net_->forward(X_.view()).flat(), h.data());
  Eigen::MatrixXd out(n_grid_, R_);
  for (index_t i = 0; i < n_grid_ * R_; ++i) out.data()[i] = static_cast<double>(h[i]);
  return out;
}

template <class T>
std::vector<Eigen::MatrixXd> ReplicaTrainer<T>::ntk() {
  ntk_.compute(*net_, X_.view(), theta_.view());
  const auto h = theta_.to_host();
  std::vector<Eigen::MatrixXd> out(static_cast<std::size_t>(R_), Eigen::MatrixXd(n_grid_, n_grid_));
  for (index_t r = 0; r < R_; ++r)
    for (index_t i = 0; i < n_grid_ * n_grid_; ++i)
      out[r].data()[i] = static_cast<double>(h[r * n_grid_ * n_grid_ + i]);
  return out;
}

template class ReplicaTrainer<float>;
template class ReplicaTrainer<double>;

}  // namespace fl::pdf
