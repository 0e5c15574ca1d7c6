#pragma once
// exp(x) in float without branches or library calls, so that the CPU loops calling it
// vectorise (libm's expf is an opaque call that keeps them scalar). Host only: device code
// uses CUDA's expf.
//
// x = n ln2 + r with |r| <= ln2 / 2 (Cody-Waite, ln2 split in two), e^r by its Taylor
// polynomial of degree 7 (relative error < 2e-7), 2^n written into the exponent bits.
// x is clamped to [-87, 88], where 2^n stays a normal float.
namespace fl {

inline float branchless_expf(float x) {
  x = x < -87.0f ? -87.0f : x;
  x = x > 88.0f ? 88.0f : x;
  // n = round(x / ln2) by adding and subtracting 1.5 * 2^23 (a rounding call would not vectorise).
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

}  // namespace fl
