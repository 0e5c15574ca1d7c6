#include "models/rbm/fused_cd.hpp"

#include <numeric>

#include "core/error.hpp"

namespace fl::rbm {

FusedCd::FusedCd(Backend& backend, int n_v, int n_h, const std::vector<std::uint8_t>& data,
                 const FusedCdOptions& options)
    : be_(backend), n_v_(n_v), n_h_(n_h), opt_(options), kernels_(make_cd_kernels(backend)), host_data_(data) {
  require(!data.empty() && data.size() % n_v == 0, "rbm data: size is not a multiple of the visible units");
  const auto n_samples = static_cast<std::int64_t>(data.size() / n_v);
  B_ = static_cast<int>(std::min<std::int64_t>(opt_.batch_size, n_samples));
  const index_t n_params = static_cast<index_t>(n_h) * n_v + n_v + n_h;
  params_ = Buffer<float>(be_, n_params);
  grad_ = Buffer<float>::zeros(be_, n_params);
  velocity_ = Buffer<float>::zeros(be_, n_params);
  WT_ = Buffer<float>(be_, static_cast<index_t>(n_h) * n_v);
  X_ = Buffer<float>::zeros(be_, static_cast<index_t>(n_v) * 2 * B_);
  Z_ = Buffer<float>::zeros(be_, static_cast<index_t>(n_h) * 2 * B_);
  H_ = Buffer<float>::zeros(be_, static_cast<index_t>(n_h) * B_);
  PV_ = Buffer<float>::zeros(be_, static_cast<index_t>(n_v) * B_);
  if (be_.device() != Device::cpu) {
    device_data_ = Buffer<std::uint8_t>::from_host(be_, data);
    device_rows_ = Buffer<std::int64_t>(be_, n_samples);
  }
}

void FusedCd::load(const Rbm& rbm) {
  require(rbm.n_v() == n_v_ && rbm.n_h() == n_h_, "FusedCd::load: shape mismatch");
  const RbmParams p = rbm.to_params();
  std::vector<float> flat;
  flat.reserve(static_cast<std::size_t>(params_.size()));
  for (double x : p.W) flat.push_back(static_cast<float>(x));
  for (double x : p.b) flat.push_back(static_cast<float>(x));
  for (double x : p.c) flat.push_back(static_cast<float>(x));
  be_.upload(flat.data(), params_.view());
}

void FusedCd::store(Rbm& rbm) const {
  const std::vector<float> flat = params_.to_host();
  RbmParams p = RbmParams::zeros(n_v_, n_h_);
  const std::size_t nw = p.W.size();
  for (std::size_t i = 0; i < nw; ++i) p.W[i] = flat[i];
  for (int j = 0; j < n_v_; ++j) p.b[j] = flat[nw + j];
  for (int i = 0; i < n_h_; ++i) p.c[i] = flat[nw + n_v_ + i];
  rbm.set_params(p);
}

void FusedCd::gather(const std::uint8_t* data, const std::int64_t* rows) { kernels_->gather(data, rows, n_v_, B_, X_.data()); }

double FusedCd::compute_gradient(int k, std::uint64_t& rng_step) {
  const Device dev = be_.device();
  const index_t nw = static_cast<index_t>(n_h_) * n_v_;
  const float* b = params_.data() + nw;
  const float* c = b + n_v_;
  const PhiloxKey key{opt_.seed, 1};
  MatrixView<const float> W(params_.data(), n_h_, n_v_, dev);
  // The visible GEMM as NN with a transposed copy of W when the batch is large enough for
  // the copy to pay (OpenBLAS's NN small-matrix kernel is ~20 % faster than TN).
  const bool use_wt = B_ >= 32;
  if (use_wt) kernels_->transpose(params_.data(), n_h_, n_v_, WT_.data());
  MatrixView<const float> WT(WT_.data(), n_v_, n_h_, dev);
  float* V0 = X_.data();
  float* Vk = X_.data() + static_cast<index_t>(n_v_) * B_;
  float* PH0 = Z_.data();
  float* PHk = Z_.data() + static_cast<index_t>(n_h_) * B_;
  auto hidden_logits = [&](float* V, float* Z) {
    be_.gemm<float>(Trans::no, Trans::no, 1.0f, W, MatrixView<const float>(V, n_v_, B_, dev), 0.0f,
                    MatrixView<float>(Z, n_h_, B_, dev));
  };
  // Positive phase, and the start of the negative chain (data for CD, persistent for PCD).
  if (opt_.persistent && chains_started_) {
    hidden_logits(V0, PH0);
    hidden_logits(Vk, PHk);
    kernels_->sample(PH0, c, n_h_, B_, key, 0, PH0, nullptr, 1.0f);
    kernels_->sample(PHk, c, n_h_, B_, key, rng_step++, PHk, H_.data(), 1.0f);
  } else {
    hidden_logits(V0, PH0);
    kernels_->sample(PH0, c, n_h_, B_, key, rng_step++, PH0, H_.data(), 1.0f);
  }
  for (int t = 1; t <= k; ++t) {
    MatrixView<const float> H(H_.data(), n_h_, B_, dev);
    MatrixView<float> PV(PV_.data(), n_v_, B_, dev);
    if (use_wt) be_.gemm<float>(Trans::no, Trans::no, 1.0f, WT, H, 0.0f, PV);
    else be_.gemm<float>(Trans::yes, Trans::no, 1.0f, W, H, 0.0f, PV);
    kernels_->sample(PV_.data(), b, n_v_, B_, key, rng_step++, PV_.data(), Vk, 1.0f);
    hidden_logits(Vk, PHk);
    if (t < k) kernels_->sample(PHk, c, n_h_, B_, key, rng_step++, PHk, H_.data(), 1.0f);
    else kernels_->sample(PHk, c, n_h_, B_, key, 0, PHk, nullptr, -1.0f);  // probabilities, negated
  }
  chains_started_ = true;
  // Descent direction: gW = -(1/B) (PH0 V0^T + (-PH_k) V_k^T). Two GEMMs with inner size B
  // rather than one with 2B: OpenBLAS takes its small-matrix path for these (25 % faster).
  const float scale = -1.0f / static_cast<float>(B_);
  MatrixView<float> gW(grad_.data(), n_h_, n_v_, dev);
  be_.gemm<float>(Trans::no, Trans::yes, scale, MatrixView<const float>(PH0, n_h_, B_, dev),
                  MatrixView<const float>(V0, n_v_, B_, dev), 0.0f, gW);
  be_.gemm<float>(Trans::no, Trans::yes, scale, MatrixView<const float>(PHk, n_h_, B_, dev),
                  MatrixView<const float>(Vk, n_v_, B_, dev), 1.0f, gW);
  return kernels_->bias_gradients(X_.data(), Z_.data(), n_v_, n_h_, B_, grad_.data() + nw, grad_.data() + nw + n_v_);
}

double FusedCd::run_updates(const std::vector<std::int64_t>& order, std::int64_t n_batches, double learning_rate,
                            int k, std::uint64_t& rng_step) {
  require(n_batches * B_ <= static_cast<std::int64_t>(order.size()), "FusedCd: order too short for the batches");
  const std::uint8_t* data = host_data_.data();
  const std::int64_t* rows = order.data();
  if (be_.device() != Device::cpu) {
    be_.upload(order.data(), VectorView<std::int64_t>(device_rows_.data(), static_cast<index_t>(order.size()), be_.device()));
    data = device_data_.data();
    rows = device_rows_.data();
  }
  const index_t nw = static_cast<index_t>(n_h_) * n_v_, nb = n_v_ + n_h_;
  const SgdParams w_step{learning_rate, opt_.momentum, opt_.weight_decay};
  const SgdParams bias_step{learning_rate, opt_.momentum, 0.0};
  double recon = 0;
  for (std::int64_t bi = 0; bi < n_batches; ++bi) {
    gather(data, rows + bi * B_);
    recon += compute_gradient(k, rng_step) / (static_cast<double>(B_) * n_v_);
    be_.sgd_step<float>(w_step, params_.view().segment(0, nw), VectorView<const float>(grad_.view().segment(0, nw)),
                        velocity_.view().segment(0, nw));
    be_.sgd_step<float>(bias_step, params_.view().segment(nw, nb),
                        VectorView<const float>(grad_.view().segment(nw, nb)), velocity_.view().segment(nw, nb));
  }
  return recon;
}

RbmParams FusedCd::gradient(const std::vector<std::uint8_t>& rows, int k, std::uint64_t& rng_step) {
  require(rows.size() >= static_cast<std::size_t>(B_) * n_v_, "FusedCd::gradient: need batch_size rows");
  std::vector<std::int64_t> identity(B_);
  std::iota(identity.begin(), identity.end(), 0);
  if (be_.device() == Device::cpu) {
    gather(rows.data(), identity.data());
  } else {
    const std::vector<std::uint8_t> first(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(B_) * n_v_);
    auto d = Buffer<std::uint8_t>::from_host(be_, first);
    auto r = Buffer<std::int64_t>::from_host(be_, identity);
    gather(d.data(), r.data());
  }
  compute_gradient(k, rng_step);
  const std::vector<float> g = grad_.to_host();
  RbmParams p = RbmParams::zeros(n_v_, n_h_);
  const std::size_t nw = p.W.size();
  for (std::size_t i = 0; i < nw; ++i) p.W[i] = -g[i];
  for (int j = 0; j < n_v_; ++j) p.b[j] = -g[nw + j];
  for (int i = 0; i < n_h_; ++i) p.c[i] = -g[nw + n_v_ + i];
  return p;
}

std::vector<double> FusedCd::negative_samples() const {
  const std::vector<float> x = X_.to_host();
  return std::vector<double>(x.begin() + static_cast<std::ptrdiff_t>(n_v_) * B_, x.end());
}

}  // namespace fl::rbm
