#pragma once
// The elementwise half of an RBM Gibbs step, fused: p = sigmoid(z) and x ~ Bernoulli(p) in
// one pass. The random layout is exactly Backend::fill_bernoulli's (element i uses
// uniform_at(key, step, i)), so the fused CPU path and the generic path (map + fill_bernoulli,
// used on CUDA) draw the same samples up to the last bit of exp().
#include <cstdint>

#include "core/backend.hpp"

namespace fl::rbm {

// `p` may alias `z` (in place); on a CPU backend it may also be empty when the
// probabilities are not needed.
void sigmoid_bernoulli(Backend& backend, VectorView<const double> z, VectorView<double> p, VectorView<double> x,
                       PhiloxKey key, std::uint64_t step);

// z <- sigmoid(z) in place (vectorised on the CPU, Backend::map elsewhere).
void sigmoid_inplace(Backend& backend, VectorView<double> z);

}  // namespace fl::rbm
