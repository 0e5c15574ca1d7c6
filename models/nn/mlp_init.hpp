#pragma once
// Initial parameters of one replica, drawn on the host from one Philox stream.
#include <cstdint>
#include <vector>

#include "core/philox.hpp"
#include "models/nn/mlp_spec.hpp"

namespace fl::nn {

// Standard normal truncated to [-2, 2] by rejection; its variance is kTruncatedNormalVar.
double truncated_standard_normal(PhiloxStream& rng);
// Var of N(0,1) restricted to |z| < 2 (Keras divides the stddev by its square root).
inline constexpr double kTruncatedNormalVar = 0.7737413083761709;  // 0.87962566103423978^2

// All parameters of one replica in the MlpSpec layout (draw order: W_1, b_1, W_2, ...).
std::vector<double> init_parameters(const MlpSpec& spec, PhiloxKey key);

}  // namespace fl::nn
