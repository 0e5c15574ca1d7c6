#pragma once
// A normalizing flow for lattice phi^4: Gaussian base N(0, 1)^V, then checkerboard coupling
// layers (affine, rational-quadratic spline) and an optional learnable global rescaling.
// Parameters live in one flat buffer (one Adam step updates everything). T is the network
// precision (float for training is fine); log q, S and log-weights are float64.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/flows/layer.hpp"
#include "models/lattice/phi4/action.hpp"

namespace fl::flows {

struct FlowSpec {
  int L = 6;
  int affine_blocks = 3;          // pairs of affine layers (even then odd update)
  std::vector<index_t> hidden;    // hidden widths of every s/t net; empty: one layer of V
  UnaryOp activation = UnaryOp::tanh;
  bool final_tanh = false;        // anvil v0.9 has none; legacy_nvp.yml sets it
  bool z2 = true;                 // odd nets and |s| (affine layers only)
  bool standardise = true;        // divide passive inputs by their batch standard deviation
  int spline_blocks = 0;          // pairs of rational-quadratic spline layers (after affine)
  int spline_knots = 8;           // K segments
  double spline_interval = 5.0;   // the spline acts on [-a, a], identity outside
  bool rescale = true;            // learnable global rescaling, last

  std::vector<index_t> hidden_widths() const;  // hidden, or {V} when empty
  std::string describe() const;                // the architecture, for checkpoints and logs
  void validate() const;                       // InputError for impossible settings
};

template <class T>
class Flow {
 public:
  Flow(Backend& backend, const FlowSpec& spec, std::uint32_t seed);
  ~Flow();

  const FlowSpec& spec() const { return spec_; }
  index_t n_params() const { return n_params_; }
  Buffer<T>& params() { return params_; }
  Buffer<T>& grads() { return grads_; }
  Backend& backend() const { return backend_; }
  FlowKernels<T>& kernels() { return *kernels_; }

  // Fills batch.half with z ~ N(0, 1) (Philox (key, step)) and maps it to phi.
  void sample(FlowBatch<T>& batch, PhiloxKey key, std::uint64_t step, FlowMode mode);
  // batch.half holds z on entry and phi on exit; log_q = log r(z) - log |det df/dz|.
  void forward(FlowBatch<T>& batch, FlowMode mode);
  // batch.action = S(phi).
  void compute_action(FlowBatch<T>& batch, const phi4::Couplings& c);
  // After forward: reverse-KL loss (1/B) sum_b (log q + S) and its parameter gradient
  // (path gradient through S) written into grads().
  double loss_and_gradient(FlowBatch<T>& batch, const phi4::Couplings& c);

  // Largest fraction of spline inputs that fell outside [-a, a] (identity there) in the last
  // forward pass; 0 without spline layers. Anvil warns above 0.1%.
  double spline_outside_fraction() const;

  std::vector<double> frozen_state() const;
  void set_frozen_state(const std::vector<double>& state);

 private:
  Backend& backend_;
  FlowSpec spec_;
  std::unique_ptr<FlowKernels<T>> kernels_;
  std::vector<std::unique_ptr<Layer<T>>> layers_;
  index_t n_params_ = 0;
  Buffer<T> params_, grads_;
};

}  // namespace fl::flows
