#include "models/flows/flow.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <sstream>

#include "core/error.hpp"
#include "models/flows/affine_coupling.hpp"
#include "models/flows/global_rescale.hpp"
#include "models/flows/spline_coupling.hpp"

namespace fl::flows {

std::vector<index_t> FlowSpec::hidden_widths() const {
  return hidden.empty() ? std::vector<index_t>{static_cast<index_t>(L) * L} : hidden;
}

std::string FlowSpec::describe() const {
  std::ostringstream os;
  os << "L=" << L << " affine_blocks=" << affine_blocks << " hidden=[";
  const auto widths = hidden_widths();
  for (std::size_t i = 0; i < widths.size(); ++i) os << (i ? "," : "") << widths[i];
  os << "] act=" << unary_op_name(activation) << " final_tanh=" << final_tanh << " z2=" << z2
     << " standardise=" << standardise << " spline_blocks=" << spline_blocks << " knots=" << spline_knots
     << " interval=" << spline_interval << " rescale=" << rescale;
  return os.str();
}

void FlowSpec::validate() const {
  if (L < 2 || L % 2 != 0)
    throw InputError("lattice.L: the checkerboard coupling layers need an even L >= 2, got " + std::to_string(L));
  if (affine_blocks < 0 || spline_blocks < 0) throw InputError("flow.layers: must be non-negative");
  if (affine_blocks + spline_blocks == 0) throw InputError("flow.layers: the flow needs at least one block");
  for (index_t h : hidden_widths())
    if (h <= 0) throw InputError("flow.hidden: widths must be positive");
  if (spline_blocks > 0 && (spline_knots < 2 || !(spline_interval > 0)))
    throw InputError("flow.spline_knots / flow.spline_interval: need K >= 2 and a > 0");
}

template <class T>
Flow<T>::Flow(Backend& backend, const FlowSpec& spec, std::uint32_t seed)
    : backend_(backend), spec_(spec) {
  spec_.validate();
  kernels_ = make_flow_kernels<T>(backend, spec_.L);
  index_t offset = 0;
  for (int b = 0; b < spec_.affine_blocks; ++b)
    for (int active = 0; active < 2; ++active) {
      AffineSpec a{active, spec_.hidden_widths(), spec_.activation, spec_.final_tanh, spec_.z2, spec_.standardise};
      layers_.push_back(std::make_unique<AffineCoupling<T>>(backend, *kernels_, spec_.L, a, offset));
      offset += layers_.back()->n_params();
    }
  for (int b = 0; b < spec_.spline_blocks; ++b)
    for (int active = 0; active < 2; ++active) {
      SplineSpec s{active, spec_.hidden_widths(), spec_.activation, spec_.spline_knots, spec_.spline_interval,
                   spec_.standardise};
      layers_.push_back(std::make_unique<SplineCoupling<T>>(backend, *kernels_, spec_.L, s, offset));
      offset += layers_.back()->n_params();
    }
  if (spec_.rescale) {
    layers_.push_back(std::make_unique<GlobalRescale<T>>(backend, *kernels_, spec_.L, offset));
    offset += 1;
  }
  n_params_ = offset;
  std::vector<T> host(static_cast<std::size_t>(n_params_));
  for (std::size_t l = 0; l < layers_.size(); ++l)
    layers_[l]->initialise(host, PhiloxKey{seed, static_cast<std::uint32_t>(0x10000 + 2 * l)});
  params_ = Buffer<T>::from_host(backend, host);
  grads_ = Buffer<T>::zeros(backend, n_params_);
}

template <class T>
Flow<T>::~Flow() = default;

template <class T>
void Flow<T>::sample(FlowBatch<T>& batch, PhiloxKey key, std::uint64_t step, FlowMode mode) {
  // Two Philox steps per draw: one per checkerboard half. Uniforms, then Box-Muller in the
  // flow kernels: the same normals as Backend::fill_normal (to rounding), vectorised.
  for (int p = 0; p < 2; ++p) {
    backend_.fill_uniform(batch.half[p].flat(), key, 2 * step + p);
    kernels_->box_muller(batch.half[p].view());
  }
  forward(batch, mode);
}

template <class T>
void Flow<T>::forward(FlowBatch<T>& batch, FlowMode mode) {
  const double V = static_cast<double>(spec_.L) * spec_.L;
  backend_.fill(batch.log_q.view(), 0.0);
  batch.modified[0] = batch.modified[1] = false;
  kernels_->add_gaussian_log_density(batch.half[0].view(), -0.5 * V * std::log(2 * std::numbers::pi), batch.log_q.view());
  kernels_->add_gaussian_log_density(batch.half[1].view(), 0.0, batch.log_q.view());
  for (auto& layer : layers_) layer->forward(batch, params_.view(), mode);
}

template <class T>
void Flow<T>::compute_action(FlowBatch<T>& batch, const phi4::Couplings& c) {
  MatrixView<T> none{};
  kernels_->action(batch.half[0].view(), batch.half[1].view(), c, batch.action.view(), T(0), none, none);
}

template <class T>
double Flow<T>::loss_and_gradient(FlowBatch<T>& batch, const phi4::Couplings& c) {
  const index_t B = batch.size();
  const T w = static_cast<T>(1.0 / static_cast<double>(B));
  kernels_->action(batch.half[0].view(), batch.half[1].view(), c, batch.action.view(), w, batch.grad[0].view(),
                   batch.grad[1].view());
  for (std::size_t l = layers_.size(); l-- > 0;) layers_[l]->backward(batch, params_.view(), grads_.view(), w);
  return (backend_.sum(VectorView<const double>(batch.log_q.view())) +
          backend_.sum(VectorView<const double>(batch.action.view()))) / static_cast<double>(B);
}

template <class T>
double Flow<T>::spline_outside_fraction() const {
  double worst = 0;
  for (const auto& layer : layers_)
    if (const auto* spline = dynamic_cast<const SplineCoupling<T>*>(layer.get()))
      worst = std::max(worst, spline->outside_fraction());
  return worst;
}

template <class T>
std::vector<double> Flow<T>::frozen_state() const {
  std::vector<double> s;
  for (const auto& layer : layers_)
    for (double x : layer->frozen_state()) s.push_back(x);
  return s;
}

template <class T>
void Flow<T>::set_frozen_state(const std::vector<double>& state) {
  std::size_t at = 0;
  for (auto& layer : layers_) {
    const std::size_t n = layer->frozen_state().size();
    if (at + n > state.size()) throw InputError("checkpoint: frozen statistics do not match the flow");
    layer->set_frozen_state(std::vector<double>(state.begin() + at, state.begin() + at + n));
    at += n;
  }
  if (at != state.size()) throw InputError("checkpoint: frozen statistics do not match the flow");
}

template class Flow<float>;
template class Flow<double>;

}  // namespace fl::flows
