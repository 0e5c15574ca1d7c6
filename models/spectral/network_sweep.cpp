#include "models/spectral/network_sweep.hpp"

#include <chrono>
#include <cmath>
#include <numeric>

#include "core/buffer.hpp"
#include "core/error.hpp"
#include "core/philox.hpp"
#include "core/progress.hpp"
#include "models/nn/ensemble_mlp.hpp"

namespace fl::spectral {

void NetworkSweepConfig::validate(const std::string& where) const {
  require(!widths.empty(), where + ".widths: must not be empty");
  for (auto w : widths) require(w >= 1, where + ".widths: every width must be >= 1");
  require(hidden_layers >= 1, where + ": need at least one hidden layer");
  require(!antithetic || replicas % 2 == 0, where + ".antithetic: needs an even number of replicas");
  require(replicas >= 1 && epochs >= 0 && batch_size >= 0, where + ": need replicas >= 1, epochs >= 0, batch_size >= 0");
  require(optimizer == "adam" || optimizer == "gd", where + ".optimizer: use adam or gd");
  require(learning_rate > 0 && lr_gamma > 0 && lr_step >= 0, where + ": need learning_rate > 0, lr_gamma > 0, lr_step >= 0");
}

namespace {

using Real = float;  // network training in single precision; losses and means accumulated in double

Matrix<Real> to_real(Backend& backend, MatrixView<const double> A) {
  std::vector<double> h(static_cast<std::size_t>(A.rows * A.cols));
  for (index_t j = 0; j < A.cols; ++j)
    backend.download<double>(A.col(j), h.data() + j * A.rows);
  return Matrix<Real>::from_host(backend, A.rows, A.cols, std::vector<Real>(h.begin(), h.end()));
}

// cot(:, r) = scale * (out(:, r) - y) for every replica r.
void residual(Backend& backend, MatrixView<const Real> out, VectorView<const Real> y, Real scale, Matrix<Real>& cot) {
  backend.copy(out, cot.view());
  for (index_t r = 0; r < cot.cols(); ++r) backend.axpy(Real(-1), y, cot.col(r));
  backend.scale(scale, cot.flat());
}

WidthResult train_one_width(Backend& backend, const NetworkSweepConfig& c, std::int64_t width, std::uint32_t stream0,
                            const Matrix<Real>& X, const Matrix<Real>& Y, const Matrix<Real>& Xtest,
                            std::uint32_t seed, bool quiet) {
  const index_t n_in = X.rows(), n_out = Y.rows(), N = X.cols(), R = c.replicas;
  nn::MlpSpec spec = nn::MlpSpec::make(n_in, std::vector<index_t>(c.hidden_layers, width), n_out, UnaryOp::relu,
                                       UnaryOp::identity);
  if (c.ntk_parameterization) {
    spec.init = nn::InitScheme::ntk;
    spec.c_w = c.sigma_w * c.sigma_w;
    spec.c_b = c.sigma_b * c.sigma_b;
  } else {
    spec.init = nn::InitScheme::standard;
    spec.c_w = 1.0 / 3.0;  // PyTorch's nn.Linear default: U(-1/sqrt(fan_in), 1/sqrt(fan_in)), variance 1/(3 fan_in)
    spec.c_b = 0.0;
  }
  nn::EnsembleMlp<Real> net(backend, spec, R);
  net.initialize(seed, stream0);
  if (c.antithetic) {
    std::vector<Real> all = net.parameters_host();
    const index_t L = spec.layers(), w0 = spec.weight_offset(L), end = spec.bias_offset(L) + spec.sizes[L];
    for (index_t r = 1; r < R; r += 2)
      for (index_t i = 0; i < net.n_params(); ++i)
        all[r * net.n_params() + i] = (i >= w0 && i < end ? Real(-1) : Real(1)) * all[(r - 1) * net.n_params() + i];
    net.set_parameters_host(all);
  }
  const index_t P = net.n_params();
  Buffer<Real> grad(backend, R * P), m = Buffer<Real>::zeros(backend, R * P), v = Buffer<Real>::zeros(backend, R * P);

  const index_t B = c.batch_size > 0 ? std::min<index_t>(c.batch_size, N) : N;
  Matrix<Real> Xb(backend, n_in, B), Yb(backend, n_out, B);
  std::vector<index_t> order(static_cast<std::size_t>(N));
  std::iota(order.begin(), order.end(), 0);

  WidthResult res;
  res.width = width;
  const auto start = std::chrono::steady_clock::now();
  Progress progress("nn width " + std::to_string(width), c.epochs, quiet);
  std::int64_t iteration = 0;
  for (int epoch = 0; epoch < c.epochs; ++epoch) {
    if (c.shuffle) {  // Fisher-Yates from the Philox stream (seed, stream0) at step = epoch
      PhiloxStream rng({seed, stream0 + 0x40000000u}, static_cast<std::uint64_t>(epoch));
      for (index_t i = N - 1; i > 0; --i) std::swap(order[i], order[rng.below(static_cast<std::uint32_t>(i + 1))]);
    }
    for (index_t first = 0; first < N; first += B) {
      const index_t b = std::min(B, N - first);
      for (index_t k = 0; k < b; ++k) {
        backend.copy<Real>(X.col(order[first + k]), Xb.col(k));
        backend.copy<Real>(Y.col(order[first + k]), Yb.col(k));
      }
      const MatrixView<const Real> xb = MatrixView<const Real>(Xb.view()).col_block(0, b);
      const MatrixView<const Real> out = net.forward(xb);
      Matrix<Real> cot(backend, out.rows, out.cols);
      const Real scale = c.mean_loss ? Real(2.0 / double(n_out * b)) : Real(1);
      residual(backend, out, VectorView<const Real>(Yb.flat()).segment(0, n_out * b), scale, cot);
      net.backward(cot.view(), grad.view());
      const double lr = c.learning_rate * (c.lr_step > 0 ? std::pow(c.lr_gamma, double(iteration / c.lr_step)) : 1.0);
      ++iteration;
      if (c.optimizer == "adam") {
        AdamParams ap;
        ap.learning_rate = lr;
        backend.adam_step<Real>(ap, iteration, net.parameters(), grad.view(), m.view(), v.view());
      } else {
        SgdParams sp;
        sp.learning_rate = lr;
        backend.sgd_step<Real>(sp, net.parameters(), grad.view(), VectorView<Real>());
      }
      res.samples_processed += b * R;
    }
    progress.update(epoch + 1);
  }
  progress.finish();
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  {  // training loss on the whole set
    const MatrixView<const Real> out = net.forward(X.view());
    Matrix<Real> diff(backend, out.rows, out.cols);
    residual(backend, out, Y.flat(), Real(1), diff);
    const double norm = backend.nrm2<Real>(diff.flat());
    res.final_loss = norm * norm / double(R * n_out * N);
  }
  // Ensemble mean on the test inputs.
  const MatrixView<const Real> out = net.forward(Xtest.view());
  std::vector<Real> host(static_cast<std::size_t>(out.rows * out.cols));
  backend.download<Real>(out.flat(), host.data());
  const index_t M = Xtest.cols();
  std::vector<double> mean(static_cast<std::size_t>(n_out * M), 0.0);
  for (index_t r = 0; r < R; ++r)
    for (index_t i = 0; i < n_out * M; ++i) mean[i] += host[r * n_out * M + i] / double(R);
  double spread = 0.0;
  for (index_t r = 0; r < R; ++r)
    for (index_t i = 0; i < n_out; ++i) spread += std::pow(host[r * n_out * M + i] - mean[i], 2) / double(R);
  res.replica_spread_l2 = std::sqrt(spread);
  res.ensemble_mean_central.assign(mean.begin(), mean.begin() + n_out);
  for (index_t j = 1; j < M; ++j) res.ensemble_mean_samples.emplace_back(mean.begin() + j * n_out, mean.begin() + (j + 1) * n_out);
  return res;
}

}  // namespace

std::vector<WidthResult> train_width_sweep(Backend& backend, const NetworkSweepConfig& config,
                                           MatrixView<const double> X, MatrixView<const double> Y,
                                           MatrixView<const double> Xtest, std::uint32_t seed, bool quiet) {
  config.validate();
  if (X.cols != Y.cols || X.rows != Xtest.rows || Xtest.cols < 1)
    throw std::invalid_argument("train_width_sweep: inconsistent shapes");
  const Matrix<Real> Xr = to_real(backend, X), Yr = to_real(backend, Y), Tr = to_real(backend, Xtest);
  std::vector<WidthResult> out;
  for (std::size_t k = 0; k < config.widths.size(); ++k)
    out.push_back(train_one_width(backend, config, config.widths[k], static_cast<std::uint32_t>(k * 65536u), Xr, Yr,
                                  Tr, seed, quiet));
  return out;
}

}  // namespace fl::spectral
