#include "models/rbm/gibbs_ops.hpp"

#include <algorithm>
#include <stdexcept>

#include "core/fast_exp.hpp"
#include "core/philox.hpp"

namespace fl::rbm {


void sigmoid_inplace(Backend& backend, VectorView<double> z) {
  if (backend.device() != Device::cpu) {
    backend.map(UnaryOp::sigmoid, VectorView<const double>(z), z);
    return;
  }
  constexpr index_t kChunk = 4096;
  const index_t chunks = (z.size + kChunk - 1) / kChunk;
#pragma omp parallel for schedule(static) if (chunks >= 16)  // small passes: no team start-up
  for (index_t c = 0; c < chunks; ++c) {
    double* x = z.data + c * kChunk;
    const index_t m = std::min(kChunk, z.size - c * kChunk);
    for (index_t i = 0; i < m; ++i) x[i] = 1.0 / (1.0 + branchless_exp(-x[i]));
  }
}

void sigmoid_bernoulli(Backend& backend, VectorView<const double> z, VectorView<double> p, VectorView<double> x,
                       PhiloxKey key, std::uint64_t step) {
  if (x.size != z.size || (p.size != 0 && p.size != z.size))
    throw std::invalid_argument("sigmoid_bernoulli: sizes differ");
  if (backend.device() != Device::cpu) {
    // Generic path: two backend ops (same random numbers as the fused CPU loop).
    if (p.size == 0) throw std::invalid_argument("sigmoid_bernoulli: the device path needs a probability buffer");
    backend.map(UnaryOp::sigmoid, z, p);
    backend.fill_bernoulli(x, VectorView<const double>(p), key, step);
    return;
  }
  const index_t n = z.size;
  constexpr index_t kChunk = 4096;  // even, so chunks start on a Philox block boundary
  const index_t chunks = (n + kChunk - 1) / kChunk;
#pragma omp parallel for schedule(static) if (chunks >= 16)  // small passes: no team start-up
  for (index_t c = 0; c < chunks; ++c) {
    const index_t b = c * kChunk, e = std::min(n, b + kChunk);
    double u[kChunk], prob[kChunk];
    for (index_t i = b; i < e; i += 2) {  // Philox blocks: two uniforms each
      const U32x4 r = philox_block(key, static_cast<std::uint64_t>(i / 2), step);
      u[i - b] = u01_double(r.v[0], r.v[1]);
      u[i - b + 1] = u01_double(r.v[2], r.v[3]);
    }
    for (index_t i = b; i < e; ++i) prob[i - b] = 1.0 / (1.0 + branchless_exp(-z.data[i]));
    for (index_t i = b; i < e; ++i) x.data[i] = u[i - b] < prob[i - b] ? 1.0 : 0.0;
    if (p.size != 0)
      for (index_t i = b; i < e; ++i) p.data[i] = prob[i - b];
  }
}

}  // namespace fl::rbm
