#pragma once
// Philox4x32-10 (Salmon et al., SC'11), the counter-based generator of Random123 and of
// cuRAND's Philox. Written once as host-device code so CPU and CUDA produce the same bits.
//
// Convention used throughout fieldlearn:
//   key     = (seed, stream)      one stream per chain / replica / buffer
//   counter = (lane, step)        lane: 64-bit position inside the stream, step: 64-bit epoch
// so results never depend on how work is split across threads.
#include <cmath>
#include <cstdint>

#include "core/hd.hpp"

namespace fl {

struct PhiloxKey {
  std::uint32_t seed = 0;
  std::uint32_t stream = 0;
};

struct U32x4 {
  std::uint32_t v[4];
};

namespace philox_detail {
constexpr std::uint32_t kM0 = 0xD2511F53u, kM1 = 0xCD9E8D57u;
constexpr std::uint32_t kW0 = 0x9E3779B9u, kW1 = 0xBB67AE85u;

FL_HD void mulhilo(std::uint32_t a, std::uint32_t b, std::uint32_t& hi, std::uint32_t& lo) {
  const std::uint64_t p = static_cast<std::uint64_t>(a) * b;
  hi = static_cast<std::uint32_t>(p >> 32);
  lo = static_cast<std::uint32_t>(p);
}
}  // namespace philox_detail

// One Philox4x32-10 block: 4 independent 32-bit words for a (key, counter) pair.
FL_HD U32x4 philox4x32_10(U32x4 ctr, std::uint32_t k0, std::uint32_t k1) {
  using namespace philox_detail;
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      k0 += kW0;
      k1 += kW1;
    }
    std::uint32_t hi0, lo0, hi1, lo1;
    mulhilo(kM0, ctr.v[0], hi0, lo0);
    mulhilo(kM1, ctr.v[2], hi1, lo1);
    ctr = U32x4{{hi1 ^ ctr.v[1] ^ k0, lo1, hi0 ^ ctr.v[3] ^ k1, lo0}};
  }
  return ctr;
}

FL_HD U32x4 philox_block(PhiloxKey key, std::uint64_t lane, std::uint64_t step) {
  U32x4 ctr{{static_cast<std::uint32_t>(lane), static_cast<std::uint32_t>(lane >> 32),
             static_cast<std::uint32_t>(step), static_cast<std::uint32_t>(step >> 32)}};
  return philox4x32_10(ctr, key.seed, key.stream);
}

// Uniform in the open interval (0, 1): safe for log() in Box-Muller.
FL_HD double u01_double(std::uint32_t hi, std::uint32_t lo) {
  const std::uint64_t bits = ((static_cast<std::uint64_t>(hi) << 32) | lo) >> 11;  // 53 bits
  return (static_cast<double>(bits) + 0.5) * 0x1.0p-53;
}
FL_HD float u01_float(std::uint32_t x) {
  return (static_cast<float>(x >> 8) + 0.5f) * 0x1.0p-24f;
}

// Box-Muller: two standard normals from two uniforms in (0, 1).
FL_HD void box_muller(double u1, double u2, double& z0, double& z1) {
  const double r = sqrt(-2.0 * log(u1));
  const double theta = 6.283185307179586476925 * u2;
  z0 = r * cos(theta);
  z1 = r * sin(theta);
}
FL_HD void box_muller(float u1, float u2, float& z0, float& z1) {
  const float r = sqrtf(-2.0f * logf(u1));
  const float theta = 6.2831853071795864769f * u2;
  z0 = r * cosf(theta);
  z1 = r * sinf(theta);
}

// Element i of a random fill. The block layout is part of the contract (tested CPU vs CUDA):
//   uniform<double>:  element i  <- block i/2, words (2(i%2), 2(i%2)+1)
//   uniform<float>:   element i  <- block i/4, word i%4
//   normal<double>:   pair i/2   <- block i/2, both uniforms of that block
//   normal<float>:    element i  <- block i/4, Box-Muller on words (0,1) or (2,3)
FL_HD double uniform_at(PhiloxKey key, std::uint64_t step, std::uint64_t i, double) {
  const U32x4 b = philox_block(key, i / 2, step);
  const int w = 2 * static_cast<int>(i % 2);
  return u01_double(b.v[w], b.v[w + 1]);
}
FL_HD float uniform_at(PhiloxKey key, std::uint64_t step, std::uint64_t i, float) {
  const U32x4 b = philox_block(key, i / 4, step);
  return u01_float(b.v[i % 4]);
}
FL_HD double normal_at(PhiloxKey key, std::uint64_t step, std::uint64_t i, double) {
  const U32x4 b = philox_block(key, i / 2, step);
  double z0, z1;
  box_muller(u01_double(b.v[0], b.v[1]), u01_double(b.v[2], b.v[3]), z0, z1);
  return (i % 2) ? z1 : z0;
}
FL_HD float normal_at(PhiloxKey key, std::uint64_t step, std::uint64_t i, float) {
  const U32x4 b = philox_block(key, i / 4, step);
  const int pair = static_cast<int>((i % 4) / 2);
  float z0, z1;
  box_muller(u01_float(b.v[2 * pair]), u01_float(b.v[2 * pair + 1]), z0, z1);
  return (i % 2) ? z1 : z0;
}

// Sequential draws from one stream, for host code and for per-thread loops in kernels
// (e.g. one chain's Metropolis sweep). Consumes one block per 4 words.
class PhiloxStream {
 public:
  FL_HD PhiloxStream(PhiloxKey key, std::uint64_t step, std::uint64_t lane = 0)
      : key_(key), step_(step), lane_(lane) {}

  FL_HD std::uint32_t next_u32() {
    if (used_ == 4) {
      block_ = philox_block(key_, lane_++, step_);
      used_ = 0;
    }
    return block_.v[used_++];
  }
  FL_HD double uniform() {
    const std::uint32_t hi = next_u32();
    return u01_double(hi, next_u32());
  }
  FL_HD float uniform_float() { return u01_float(next_u32()); }
  FL_HD double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double z0, z1;
    const double u1 = uniform();
    box_muller(u1, uniform(), z0, z1);
    spare_ = z1;
    has_spare_ = true;
    return z0;
  }
  // Uniform integer in [0, n) (n > 0), Lemire's multiply-shift; bias < n / 2^32.
  FL_HD std::uint32_t below(std::uint32_t n) {
    return static_cast<std::uint32_t>((static_cast<std::uint64_t>(next_u32()) * n) >> 32);
  }
  FL_HD std::uint64_t lane() const { return lane_; }

 private:
  PhiloxKey key_;
  std::uint64_t step_;
  std::uint64_t lane_;
  U32x4 block_{};
  int used_ = 4;
  double spare_ = 0.0;
  bool has_spare_ = false;
};

}  // namespace fl
