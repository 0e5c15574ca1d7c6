// CPU side of the fused CD update (models/rbm/fused_cd.hpp): plain loops written so that GCC
// vectorises them, plus AVX-512 intrinsics for the Philox draws (with a portable scalar
// fallback). Single-threaded on purpose: one update of a 64 x 64 machine at batch 200 is
// ~130 us of work, below what an OpenMP team start-up pays back on a shared machine;
// parallelism belongs to whole machines (temperatures), not to one update.
#if defined(__AVX512F__)
#include <immintrin.h>
#endif
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "core/fast_exp.hpp"
#include "core/philox.hpp"
#include "models/rbm/fused_cd.hpp"

namespace fl::rbm {

#ifdef FL_HAVE_CUDA
std::unique_ptr<CdKernels> make_cd_kernels_cuda();  // cuda/rbm_kernels.cu
#endif

// Shared with the tests through the CdKernels interface only.
namespace {

// S[i] = 1 if uniform_at(key, step, i) < P[i] else 0, for i < n: element i uses the words
// (0, 1) or (2, 3) of Philox block i / 2, as u01_double. With AVX-512 (+ BMI2) 16 blocks are
// computed at once (32-bit lanes; 32 x 32 -> 64-bit products with vpmuludq on the even and odd
// elements, which GCC's auto-vectoriser does not find) and compared in double, 8 at a time;
// the scalar loop is the portable fallback and handles the tail.
void bernoulli_draws(PhiloxKey key, std::uint64_t step, std::int64_t n, const float* P, float* S) {
  std::int64_t i = 0;
#if defined(__AVX512F__) && defined(__AVX512DQ__) && defined(__BMI2__)
  using namespace philox_detail;
  std::uint32_t k0[10], k1[10];
  for (int r = 0; r < 10; ++r) k0[r] = key.seed + r * kW0, k1[r] = key.stream + r * kW1;
  const __m512i m0 = _mm512_set1_epi64(kM0), m1 = _mm512_set1_epi64(kM1);
  const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  const __m512i even_idx = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i odd_idx = _mm512_add_epi32(even_idx, _mm512_set1_epi32(1));
  const __m512i step_lo = _mm512_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(step)));
  const __m512i step_hi = _mm512_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(step >> 32)));
  const __m512d half = _mm512_set1_pd(0.5), scale = _mm512_set1_pd(0x1.0p-53);
  const __m512 ones = _mm512_set1_ps(1.0f);
  constexpr __mmask16 kOdd = 0xAAAA;
  // (hi, lo) 32-bit halves of the 16 products a_e * m.
  auto mulhilo16 = [&](__m512i a, __m512i mult, __m512i& hi, __m512i& lo) {
    const __m512i even = _mm512_mul_epu32(a, mult), odd = _mm512_mul_epu32(_mm512_srli_epi64(a, 32), mult);
    lo = _mm512_mask_blend_epi32(kOdd, even, _mm512_slli_epi64(odd, 32));
    hi = _mm512_mask_blend_epi32(kOdd, _mm512_srli_epi64(even, 32), odd);
  };
  // u01_double(hi, lo) < p for 8 lanes (256-bit halves of the words and probabilities).
  auto less8 = [&](__m256i hi, __m256i lo, __m256 p) -> unsigned {
    const __m512i bits = _mm512_srli_epi64(
        _mm512_or_si512(_mm512_slli_epi64(_mm512_cvtepu32_epi64(hi), 32), _mm512_cvtepu32_epi64(lo)), 11);
    const __m512d u = _mm512_mul_pd(_mm512_add_pd(_mm512_cvtepu64_pd(bits), half), scale);
    return _mm512_cmp_pd_mask(u, _mm512_cvtps_pd(p), _CMP_LT_OQ);
  };
  // kGroups independent groups of 16 blocks per iteration: the 10 rounds are a serial
  // dependency chain (multiply latency), so interleaving groups keeps the multipliers busy.
  constexpr int kGroups = 4;
  for (; i + 32 * kGroups <= n; i += 32 * kGroups) {
    const std::uint64_t lane0 = static_cast<std::uint64_t>(i / 2);
    if (static_cast<std::uint32_t>(lane0) > 0xFFFFFFFFu - 16u * kGroups) break;  // the low counter word would carry
    __m512i c0[kGroups], c1[kGroups], c2[kGroups], c3[kGroups];
    for (int g = 0; g < kGroups; ++g) {
      const auto first = static_cast<std::uint32_t>(lane0) + 16u * static_cast<std::uint32_t>(g);
      c0[g] = _mm512_add_epi32(_mm512_set1_epi32(static_cast<int>(first)), iota);
      c1[g] = _mm512_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(lane0 >> 32)));
      c2[g] = step_lo, c3[g] = step_hi;
    }
    for (int r = 0; r < 10; ++r) {
      const __m512i key0 = _mm512_set1_epi32(static_cast<int>(k0[r])), key1 = _mm512_set1_epi32(static_cast<int>(k1[r]));
      for (int g = 0; g < kGroups; ++g) {
        __m512i hi0, lo0, hi1, lo1;
        mulhilo16(c0[g], m0, hi0, lo0);
        mulhilo16(c2[g], m1, hi1, lo1);
        // hi ^ c ^ key in one ternary-logic op (truth table 0x96 = three-way xor).
        c0[g] = _mm512_ternarylogic_epi32(hi1, c1[g], key0, 0x96);
        c2[g] = _mm512_ternarylogic_epi32(hi0, c3[g], key1, 0x96);
        c1[g] = lo1, c3[g] = lo0;
      }
    }
    for (int g = 0; g < kGroups; ++g) {
      // Lane l of the group holds elements 2l (words 0, 1) and 2l + 1 (words 2, 3).
      const std::int64_t e = i + 32 * g;
      const __m512 p_lo = _mm512_loadu_ps(P + e), p_hi = _mm512_loadu_ps(P + e + 16);
      const __m512 p_even = _mm512_permutex2var_ps(p_lo, even_idx, p_hi);
      const __m512 p_odd = _mm512_permutex2var_ps(p_lo, odd_idx, p_hi);
      const unsigned even =
          less8(_mm512_castsi512_si256(c0[g]), _mm512_castsi512_si256(c1[g]), _mm512_castps512_ps256(p_even)) |
          less8(_mm512_extracti64x4_epi64(c0[g], 1), _mm512_extracti64x4_epi64(c1[g], 1), _mm512_extractf32x8_ps(p_even, 1))
              << 8;
      const unsigned odd =
          less8(_mm512_castsi512_si256(c2[g]), _mm512_castsi512_si256(c3[g]), _mm512_castps512_ps256(p_odd)) |
          less8(_mm512_extracti64x4_epi64(c2[g], 1), _mm512_extracti64x4_epi64(c3[g], 1), _mm512_extractf32x8_ps(p_odd, 1))
              << 8;
      const unsigned mask = _pdep_u32(even, 0x55555555u) | _pdep_u32(odd, 0xAAAAAAAAu);
      _mm512_storeu_ps(S + e, _mm512_maskz_mov_ps(static_cast<__mmask16>(mask), ones));
      _mm512_storeu_ps(S + e + 16, _mm512_maskz_mov_ps(static_cast<__mmask16>(mask >> 16), ones));
    }
  }
#endif
  for (; i < n; ++i) S[i] = uniform_at(key, step, static_cast<std::uint64_t>(i), 0.0) < static_cast<double>(P[i]) ? 1.0f : 0.0f;
}

class CpuCdKernels final : public CdKernels {
 public:
  void gather(const std::uint8_t* data, const std::int64_t* rows, int n_v, int B, float* X) override {
    for (int col = 0; col < B; ++col) {
      const std::uint8_t* src = data + rows[col] * n_v;
      float* dst = X + static_cast<std::int64_t>(col) * n_v;
      for (int j = 0; j < n_v; ++j) dst[j] = static_cast<float>(src[j]);
    }
  }

  void sample(const float* Z, const float* bias, int n, int B, PhiloxKey key, std::uint64_t step, float* P, float* S,
              float sign) override {
    if (S != nullptr && sign != 1.0f) throw std::invalid_argument("CdKernels::sample: draws need sign = 1");
    // Probabilities first (column by column: the bias is per row), then the draws.
    for (int col = 0; col < B; ++col) {
      const float* z = Z + static_cast<std::int64_t>(col) * n;
      float* p = P + static_cast<std::int64_t>(col) * n;
      for (int r = 0; r < n; ++r) p[r] = sign / (1.0f + branchless_expf(-(z[r] + bias[r])));
    }
    if (S != nullptr) bernoulli_draws(key, step, static_cast<std::int64_t>(n) * B, P, S);
  }

  void transpose(const float* A, int rows, int cols, float* AT) override {
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < cols; ++c) AT[c + static_cast<std::int64_t>(cols) * r] = A[r + static_cast<std::int64_t>(rows) * c];
  }

  double bias_gradients(const float* X, const float* Z, int n_v, int n_h, int B, float* gb, float* gc) override {
    const float scale = -1.0f / static_cast<float>(B);
    const float* V0 = X;
    const float* Vk = X + static_cast<std::int64_t>(n_v) * B;
    for (int j = 0; j < n_v; ++j) gb[j] = 0;
    for (int i = 0; i < n_h; ++i) gc[i] = 0;
    // (V0 - V_k)^2 = |V0 - V_k| for bits: per-unit counts, so the loop has no serial reduction.
    counts_.assign(static_cast<std::size_t>(n_v), 0.0f);  // allocates on the first call only
    float* counts = counts_.data();
    for (int col = 0; col < B; ++col) {
      const float* a = V0 + static_cast<std::int64_t>(col) * n_v;
      const float* v = Vk + static_cast<std::int64_t>(col) * n_v;
      for (int j = 0; j < n_v; ++j) {
        const float d = a[j] - v[j];
        gb[j] += d;
        counts[j] += d * d;
      }
    }
    double recon = 0;
    for (int j = 0; j < n_v; ++j) recon += counts[j];
    // Z = [PH0 | -PH_k]: the row sums over all 2B columns give sum (PH0 - PH_k).
    for (int col = 0; col < 2 * B; ++col) {
      const float* z = Z + static_cast<std::int64_t>(col) * n_h;
      for (int i = 0; i < n_h; ++i) gc[i] += z[i];
    }
    for (int j = 0; j < n_v; ++j) gb[j] *= scale;
    for (int i = 0; i < n_h; ++i) gc[i] *= scale;
    return recon;
  }

 private:
  std::vector<float> counts_;
};

}  // namespace

std::unique_ptr<CdKernels> make_cd_kernels(Backend& backend) {
  if (backend.device() == Device::cpu) return std::make_unique<CpuCdKernels>();
#ifdef FL_HAVE_CUDA
  return make_cd_kernels_cuda();
#else
  throw std::logic_error("make_cd_kernels: a non-CPU backend without CUDA support compiled in");
#endif
}

}  // namespace fl::rbm
