#include "models/nn/mlp_spec.hpp"

#include <cmath>

#include "core/error.hpp"

namespace fl::nn {

std::string init_scheme_name(InitScheme s) {
  switch (s) {
    case InitScheme::glorot_truncated: return "glorot_truncated";
    case InitScheme::glorot_normal: return "glorot_normal";
    case InitScheme::standard: return "standard";
    case InitScheme::ntk: return "ntk";
  }
  return "?";
}

InitScheme init_scheme_from_name(const std::string& name) {
  for (auto s : {InitScheme::glorot_truncated, InitScheme::glorot_normal, InitScheme::standard,
                 InitScheme::ntk})
    if (init_scheme_name(s) == name) return s;
  input_error("unknown initialisation '" + name +
              "' (known: glorot_truncated, glorot_normal, standard, ntk)");
}

MlpSpec MlpSpec::make(index_t n_in, const std::vector<index_t>& hidden, index_t n_out,
                      UnaryOp hidden_act, UnaryOp output) {
  MlpSpec s;
  s.sizes.push_back(n_in);
  for (index_t h : hidden) {
    s.sizes.push_back(h);
    s.activations.push_back(hidden_act);
  }
  s.sizes.push_back(n_out);
  s.activations.push_back(output);
  return s;
}

index_t MlpSpec::n_params() const {
  index_t p = 0;
  for (index_t l = 1; l <= layers(); ++l) p += sizes[l] * (sizes[l - 1] + 1);
  return p;
}

index_t MlpSpec::weight_offset(index_t l) const {
  index_t p = 0;
  for (index_t k = 1; k < l; ++k) p += sizes[k] * (sizes[k - 1] + 1);
  return p;
}

double MlpSpec::weight_scale(index_t l) const {
  return init == InitScheme::ntk ? std::sqrt(c_w / static_cast<double>(sizes[l - 1])) : 1.0;
}

double MlpSpec::bias_scale(index_t) const { return init == InitScheme::ntk ? std::sqrt(c_b) : 1.0; }

void MlpSpec::validate() const {
  require(sizes.size() >= 2, "net: need at least an input and an output layer");
  require(activations.size() + 1 == sizes.size(), "net: one activation per layer is required");
  for (index_t n : sizes) require(n > 0, "net.widths: every layer width must be positive");
  require(c_w > 0 && c_b >= 0, "net: need c_w > 0 and c_b >= 0");
}

}  // namespace fl::nn
