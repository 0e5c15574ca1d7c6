#pragma once
// Architecture and initialisation of a fully connected network (shared by the NTK, GP and
// VAE studies). Layer l (1..L) maps n_{l-1} -> n_l:
//   z_l = alpha_l W_l a_{l-1} + beta_l b_l,   a_l = act_l(z_l),   a_0 = input.
// alpha_l, beta_l are 1 in the standard parameterisation and sqrt(c_w/n_{l-1}), sqrt(c_b)
// in the NTK parameterisation (weights and biases then drawn from N(0, 1)).
#include <cstdint>
#include <string>
#include <vector>

#include "core/backend.hpp"

namespace fl::nn {

enum class InitScheme : std::uint8_t {
  // Keras GlorotNormal, the authors' code: normal truncated at 2 sigma, rescaled so that
  // Var(W) = c_w / (fan_in + fan_out) (Keras: c_w = 2); zero biases.
  glorot_truncated,
  // The paper's text: Gaussian Var(W) = c_w / (fan_in + fan_out), Var(b) = c_b.
  glorot_normal,
  // Gaussian Var(W) = c_w / fan_in, Var(b) = c_b (LeCun/He style, the NNGP convention).
  standard,
  // NTK parameterisation: W, b ~ N(0, 1); the forward pass scales by alpha_l, beta_l.
  ntk,
};
std::string init_scheme_name(InitScheme s);
InitScheme init_scheme_from_name(const std::string& name);  // InputError on unknown names

struct MlpSpec {
  std::vector<index_t> sizes;         // n_0 (inputs), n_1, ..., n_L (outputs)
  std::vector<UnaryOp> activations;   // one per layer 1..L (the last is usually identity)
  InitScheme init = InitScheme::glorot_truncated;
  double c_w = 2.0;
  double c_b = 0.0;

  // n_in -> hidden widths (all with `hidden`) -> n_out with `output` activation.
  static MlpSpec make(index_t n_in, const std::vector<index_t>& hidden, index_t n_out,
                      UnaryOp hidden_act = UnaryOp::tanh, UnaryOp output = UnaryOp::identity);

  index_t layers() const { return static_cast<index_t>(sizes.size()) - 1; }
  index_t n_in() const { return sizes.front(); }
  index_t n_out() const { return sizes.back(); }
  // Flat parameter layout of one replica: for l = 1..L, W_l (n_l x n_{l-1}, column-major)
  // followed by b_l (n_l).
  index_t n_params() const;
  index_t weight_offset(index_t l) const;  // l in 1..L
  index_t bias_offset(index_t l) const { return weight_offset(l) + sizes[l] * sizes[l - 1]; }
  double weight_scale(index_t l) const;    // alpha_l
  double bias_scale(index_t l) const;      // beta_l
  void validate() const;                   // InputError on impossible architectures
};

}  // namespace fl::nn
