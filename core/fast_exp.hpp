#pragma once
// exp(x) without branches or library calls, so that the CPU loops calling it vectorise
// (libm's exp is an opaque call that keeps them scalar). Host only: device code uses CUDA's.
//
// x = n ln2 + r with |r| <= ln2 / 2 (Cody-Waite: ln2 split in two so n ln2 is exact; n
// rounded by adding and subtracting 1.5 * 2^mantissa_bits, as a rounding call would not
// vectorise), e^r by its Taylor polynomial, 2^n written into the exponent bits. x is clamped
// to where 2^n stays a normal number.
#include <cstdint>

namespace fl {

// float: degree 7 (relative error < 2e-7), x clamped to [-87, 88].

inline float branchless_expf(float x) {
  x = x < -87.0f ? -87.0f : x;
  x = x > 88.0f ? 88.0f : x;
  constexpr float kRound = 12582912.0f;
  const float n = (x * 1.44269504089f + kRound) - kRound;
  const float r = (x - n * 0.693145751953125f) - n * 1.428606765330187e-06f;
  float p = 1.0f / 5040.0f;
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  const int bits = (static_cast<int>(n) + 127) << 23;  // 2^n, n in -126..127
  float scale;
  __builtin_memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

// double: degree 13 (truncation < 2e-17 relative; about 1 ulp overall), x clamped to [-708, 709].
inline double branchless_exp(double x) {
  x = x < -708.0 ? -708.0 : (x > 709.0 ? 709.0 : x);
  constexpr double kRound = 6755399441055744.0;  // 1.5 * 2^52
  const double n = (x * 1.4426950408889634074 + kRound) - kRound;
  const double r = (x - n * 6.93147180369123816490e-01) - n * 1.90821492927058770002e-10;
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
  const std::int64_t bits = (static_cast<std::int64_t>(n) + 1023) << 52;  // 2^n
  double scale;
  __builtin_memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

}  // namespace fl
