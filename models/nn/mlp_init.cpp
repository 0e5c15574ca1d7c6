#include "models/nn/mlp_init.hpp"

#include <cmath>

namespace fl::nn {

double truncated_standard_normal(PhiloxStream& rng) {
  for (;;) {
    const double z = rng.normal();
    if (std::fabs(z) < 2.0) return z;
  }
}

std::vector<double> init_parameters(const MlpSpec& spec, PhiloxKey key) {
  spec.validate();
  PhiloxStream rng(key, 0);
  std::vector<double> p(static_cast<std::size_t>(spec.n_params()));
  for (index_t l = 1; l <= spec.layers(); ++l) {
    const double fan_in = static_cast<double>(spec.sizes[l - 1]);
    const double fan_out = static_cast<double>(spec.sizes[l]);
    const index_t w0 = spec.weight_offset(l), b0 = spec.bias_offset(l);
    const index_t nw = spec.sizes[l] * spec.sizes[l - 1];
    double w_std = 1.0, b_std = 0.0;
    switch (spec.init) {
      case InitScheme::glorot_truncated:
        w_std = std::sqrt(spec.c_w / (fan_in + fan_out) / kTruncatedNormalVar);
        b_std = 0.0;  // Keras "zeros"
        break;
      case InitScheme::glorot_normal:
        w_std = std::sqrt(spec.c_w / (fan_in + fan_out));
        b_std = std::sqrt(spec.c_b);
        break;
      case InitScheme::standard:
        w_std = std::sqrt(spec.c_w / fan_in);
        b_std = std::sqrt(spec.c_b);
        break;
      case InitScheme::ntk:
        w_std = 1.0;  // the scales sit in the forward pass
        b_std = spec.c_b > 0 ? 1.0 : 0.0;
        break;
    }
    for (index_t i = 0; i < nw; ++i)
      p[w0 + i] = w_std * (spec.init == InitScheme::glorot_truncated ? truncated_standard_normal(rng)
                                                                      : rng.normal());
    for (index_t i = 0; i < spec.sizes[l]; ++i) p[b0 + i] = b_std > 0 ? b_std * rng.normal() : 0.0;
  }
  return p;
}

}  // namespace fl::nn
