#pragma once
// Lanes: a fixed-width SIMD vector (GCC/Clang vector extension) holding one value per replica
// of a group of kLanes replicas. Code written on Lanes<T> reads like the scalar code of one
// network but computes kLanes networks at once, at full SIMD width whatever the layer sizes.
// Plus a vectorised tanh in double precision (libm's tanh is scalar and dominated the
// per-epoch cost of the fused training step).
#include <array>
#include <bit>
#include <cstdint>

namespace fl::nn::lanes {

constexpr int kLanes = 8;  // 512-bit vectors of doubles (AVX-512; 2 x 256-bit on AVX2)

typedef double LanesD __attribute__((vector_size(kLanes * sizeof(double))));
typedef float LanesF __attribute__((vector_size(kLanes * sizeof(float))));
typedef std::int64_t LanesI __attribute__((vector_size(kLanes * sizeof(std::int64_t))));

// Lanes<T>: the vector of kLanes values of T (attributes cannot apply to a template parameter).
template <class T> struct LanesOf;
template <> struct LanesOf<double> { using type = LanesD; };
template <> struct LanesOf<float> { using type = LanesF; };
template <class T>
using Lanes = typename LanesOf<T>::type;

template <class T>
inline Lanes<T> splat(T x) {
  return Lanes<T>{} + x;
}

// expm1(y) = e^y - 1 for y in [-708, 0]: y = k ln2 + r with k = ceil(y / ln2), so that
// r in (-ln2, 0] (Cody-Waite, two-part ln2); e^r - 1 = r q(r) with q the degree-15 Taylor
// polynomial of (e^r - 1)/r (truncation < 1e-17 relative); then
// e^y - 1 = 2^k (e^r - 1) + (2^k - 1), two terms of the same sign: no cancellation.
inline LanesD expm1_nonpositive(LanesD y) {
  constexpr double kLog2e = 1.4426950408889634074;
  constexpr double kLn2Hi = 0.693147180369123816490;     // ln 2 rounded to 32 significant bits
  constexpr double kLn2Lo = 1.90821492927058770002e-10;  // ln 2 - kLn2Hi
  constexpr double kShift = 6755399441055744.0;          // 1.5 * 2^52: rounds to an integer
  const LanesD shifted = (y * kLog2e + 0.5) + kShift;    // round(y / ln2 + 1/2) = ceil(y / ln2)
  const LanesD k = shifted - kShift;
  // k sits in the low mantissa bits of `shifted`; reading them keeps the loop vectorised.
  const LanesI ki = std::bit_cast<LanesI>(shifted) - std::bit_cast<std::int64_t>(kShift);
  const LanesD r = (y - k * kLn2Hi) - k * kLn2Lo;
  constexpr auto coeff = [] {  // 1/(n+1)!, n = 0..15
    std::array<double, 16> c{};
    double f = 1;
    for (int n = 0; n < 16; ++n) c[n] = f /= (n + 1);
    return c;
  }();
  LanesD q = splat(coeff[15]);
  for (int n = 14; n >= 0; --n) q = q * r + coeff[n];
  const LanesD two_k = std::bit_cast<LanesD>((ki + 1023) << 52);
  return two_k * (r * q) + (two_k - 1.0);
}

// tanh |x| = -m / (2 + m) with m = expm1(-2|x|): accurate for small and large |x| alike
// (3.1 ulp worst case measured against long-double tanh); |x| is clamped at 20, where
// tanh = 1 in double precision.
inline LanesD tanh_lanes(LanesD x) {
  const LanesD a = x < 0 ? -x : x;
  const LanesD m = expm1_nonpositive(-2.0 * (a > 20.0 ? splat(20.0) : a));
  const LanesD t = (0.0 - m) / (2.0 + m);  // 0 - m: +0 at x = 0
  return x < 0 ? -t : t;
}

// Single precision goes through the double version (the fused float path is not
// performance-critical: the paper's dynamics need float64).
inline LanesF tanh_lanes(LanesF x) {
  return __builtin_convertvector(tanh_lanes(__builtin_convertvector(x, LanesD)), LanesF);
}

}  // namespace fl::nn::lanes
