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

// exp(y) for y in [-708, 0]: y = k ln2 + r with |r| <= ln2/2 (Cody-Waite, two-part ln2),
// e^r by its degree-13 Taylor polynomial (truncation < 1e-17 relative), 2^k from the bits.
inline LanesD exp_nonpositive(LanesD y) {
  constexpr double kLog2e = 1.4426950408889634074;
  constexpr double kLn2Hi = 0.693147180369123816490;   // ln 2 rounded to 32 significant bits
  constexpr double kLn2Lo = 1.90821492927058770002e-10;  // ln 2 - kLn2Hi
  constexpr double kShift = 6755399441055744.0;          // 1.5 * 2^52: rounds to an integer
  const LanesD shifted = y * kLog2e + kShift;
  const LanesD k = shifted - kShift;
  // k sits in the low mantissa bits of `shifted`; reading them keeps the loop vectorised.
  const LanesI ki = std::bit_cast<LanesI>(shifted) - std::bit_cast<std::int64_t>(kShift);
  const LanesD r = (y - k * kLn2Hi) - k * kLn2Lo;
  constexpr auto coeff = [] {  // 1/n!, n = 0..13
    std::array<double, 14> c{1.0};
    for (int n = 1; n < 14; ++n) c[n] = c[n - 1] / n;
    return c;
  }();
  LanesD p = splat(coeff[13]);
  for (int n = 12; n >= 0; --n) p = p * r + coeff[n];
  const LanesI bits = (ki + 1023) << 52;
  return p * std::bit_cast<LanesD>(bits);
}

// tanh to a few ulp. |x| < 0.625: Lambert's continued fraction x/(1 + x^2/(3 + x^2/(5 + ...)))
// truncated after 2*kDepth+1 and evaluated as one ratio (its convergent numerator and
// denominator by the three-term recurrence: one division); |x| >= 0.625: (1 - e)/(1 + e)
// with e = exp(-2|x|), free of cancellation there. Both are computed for every lane and
// selected per lane before the one division.
inline LanesD tanh_lanes(LanesD x) {
  constexpr int kDepth = 7;  // measured 2.8 ulp worst case over [0, 3]
  constexpr double kSmall = 0.625;
  const LanesD a = x < 0 ? -x : x;
  const LanesD a2 = a * a;
  // Bottom-up: v_k = (2k+1) + a^2 / v_{k+1} = P/Q, carried as (P, Q) without dividing.
  LanesD P = splat(2.0 * kDepth + 1), Q = splat(1.0);
  for (int k = kDepth - 1; k >= 0; --k) {
    const LanesD next = (2.0 * k + 1) * P + a2 * Q;
    Q = P;
    P = next;
  }
  const LanesD e = exp_nonpositive(-2.0 * (a > 20.0 ? splat(20.0) : a));
  const auto small = a < kSmall;  // select numerator and denominator, then divide once
  const LanesD t = (small ? a * Q : 1.0 - e) / (small ? P : 1.0 + e);
  return x < 0 ? -t : t;
}

// Single precision goes through the double version (the fused float path is not
// performance-critical: the paper's dynamics need float64).
inline LanesF tanh_lanes(LanesF x) {
  return __builtin_convertvector(tanh_lanes(__builtin_convertvector(x, LanesD)), LanesF);
}

}  // namespace fl::nn::lanes
