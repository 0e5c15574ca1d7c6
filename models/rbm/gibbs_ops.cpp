#include "models/rbm/gibbs_ops.hpp"

#include <algorithm>
#include <bit>
#include <stdexcept>

#include "core/philox.hpp"

namespace fl::rbm {

// Range reduction x = k ln 2 + r with |r| <= ln2 / 2 (ln 2 split in two parts so k ln 2 is
// exact; k rounded with the 1.5 * 2^52 trick), then the Taylor series of e^r to degree 13
// (truncation error < 2e-17 relative) by Horner, and 2^k assembled in the exponent bits.
// Branch-free straight-line code, so GCC vectorises loops over it.
inline double exp_kernel(double x) {
  x = x < -708.0 ? -708.0 : (x > 709.0 ? 709.0 : x);
  constexpr double kShift = 6755399441055744.0;  // 1.5 * 2^52
  const double k = (x * 1.4426950408889634074 + kShift) - kShift;
  const double r = (x - k * 6.93147180369123816490e-01) - k * 1.90821492927058770002e-10;
  double p = 1.0 / 6227020800.0;
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  const std::int64_t bits = (static_cast<std::int64_t>(k) + 1023) << 52;
  return p * std::bit_cast<double>(bits);
}

double exp_vectorisable(double x) { return exp_kernel(x); }

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
    for (index_t i = 0; i < m; ++i) x[i] = 1.0 / (1.0 + exp_kernel(-x[i]));
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
    for (index_t i = b; i < e; ++i) prob[i - b] = 1.0 / (1.0 + exp_kernel(-z.data[i]));
    for (index_t i = b; i < e; ++i) x.data[i] = u[i - b] < prob[i - b] ? 1.0 : 0.0;
    if (p.size != 0)
      for (index_t i = b; i < e; ++i) p.data[i] = prob[i - b];
  }
}

}  // namespace fl::rbm
