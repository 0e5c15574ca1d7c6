// Philox4x32-10 (core/philox.hpp) against Random123's reference implementation and its
// published known-answer vectors, and the CPU backend's fills against the documented
// element layout.
#include <gtest/gtest.h>
#include <omp.h>

#include <Random123/philox.h>

#include <random>

#include "core/backend.hpp"
#include "core/philox.hpp"

namespace fl {
namespace {

U32x4 reference_philox(U32x4 ctr, std::uint32_t k0, std::uint32_t k1) {
  r123::Philox4x32_R<10> gen;
  r123::Philox4x32_R<10>::ctr_type c = {{ctr.v[0], ctr.v[1], ctr.v[2], ctr.v[3]}};
  r123::Philox4x32_R<10>::key_type k = {{k0, k1}};
  const auto out = gen(c, k);
  return U32x4{{out[0], out[1], out[2], out[3]}};
}

TEST(RngPhilox, KnownAnswerVectorsOfRandom123) {
  // From Random123's kat_vectors (philox4x32, 10 rounds): counter, key -> output.
  struct Kat {
    U32x4 ctr;
    std::uint32_t k0, k1;
    U32x4 out;
  };
  const Kat kats[] = {
      {{{0, 0, 0, 0}}, 0, 0, {{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}}},
      {{{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}}, 0xffffffff, 0xffffffff,
       {{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}}},
      {{{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}}, 0xa4093822, 0x299f31d0,
       {{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}}},
  };
  for (const Kat& k : kats) {
    const U32x4 got = philox4x32_10(k.ctr, k.k0, k.k1);
    const U32x4 ref = reference_philox(k.ctr, k.k0, k.k1);
    for (int w = 0; w < 4; ++w) {
      EXPECT_EQ(got.v[w], k.out.v[w]) << "word " << w;
      EXPECT_EQ(ref.v[w], k.out.v[w]) << "Random123 itself, word " << w;
    }
  }
}

TEST(RngPhilox, MatchesRandom123ForRandomKeysAndCounters) {
  std::mt19937 mt(2024);
  auto gen = [&mt] { return static_cast<std::uint32_t>(mt()); };
  for (int trial = 0; trial < 2000; ++trial) {
    const U32x4 ctr{{gen(), gen(), gen(), gen()}};
    const std::uint32_t k0 = gen(), k1 = gen();
    const U32x4 got = philox4x32_10(ctr, k0, k1), ref = reference_philox(ctr, k0, k1);
    for (int w = 0; w < 4; ++w) ASSERT_EQ(got.v[w], ref.v[w]) << "trial " << trial;
  }
  // The fieldlearn mapping: counter = (lane lo, lane hi, step lo, step hi), key = (seed, stream).
  const PhiloxKey key{0x12345678u, 0x9abcdef0u};
  const std::uint64_t lane = 0x0000000500000007ull, step = 0x0000000b0000000dull;
  const U32x4 got = philox_block(key, lane, step);
  const U32x4 ref = reference_philox(U32x4{{7, 5, 13, 11}}, key.seed, key.stream);
  for (int w = 0; w < 4; ++w) EXPECT_EQ(got.v[w], ref.v[w]);
}

template <class T>
VectorView<T> vv(std::vector<T>& v) {
  return {v.data(), static_cast<index_t>(v.size()), Device::cpu};
}

// Sizes that end inside a block and span several parallel chunks.
constexpr std::size_t kOddSize = 3 * 4 * 16384 + 7;

TEST(RngFills, FollowTheDocumentedElementLayout) {
  Backend& be = cpu_backend();
  const PhiloxKey key{42, 7};
  const std::uint64_t step = 3;
  std::vector<std::uint32_t> raw(kOddSize);
  be.fill_raw(vv(raw), key, step);
  for (std::size_t i = 0; i < raw.size(); ++i)
    ASSERT_EQ(raw[i], philox_block(key, i / 4, step).v[i % 4]) << i;

  std::vector<double> ud(kOddSize), nd(kOddSize);
  std::vector<float> uf(kOddSize), nf(kOddSize);
  be.fill_uniform(vv(ud), key, step);
  be.fill_uniform(vv(uf), key, step);
  be.fill_normal(vv(nd), key, step, 1.5, 2.0);
  be.fill_normal(vv(nf), key, step, -1.0f, 0.5f);
  for (std::size_t i = 0; i < kOddSize; ++i) {
    ASSERT_EQ(ud[i], uniform_at(key, step, i, 0.0)) << i;
    ASSERT_EQ(uf[i], uniform_at(key, step, i, 0.0f)) << i;
    ASSERT_EQ(nd[i], 1.5 + 2.0 * normal_at(key, step, i, 0.0)) << i;
    ASSERT_EQ(nf[i], -1.0f + 0.5f * normal_at(key, step, i, 0.0f)) << i;
    ASSERT_TRUE(ud[i] > 0 && ud[i] < 1 && uf[i] > 0 && uf[i] < 1);
  }

  // PhiloxStream walks the same raw words, lane by lane.
  PhiloxStream stream(key, step);
  for (std::size_t i = 0; i < 64; ++i) ASSERT_EQ(stream.next_u32(), raw[i]);
}

TEST(RngFills, BernoulliEdgeProbabilitiesAreExact) {
  std::vector<double> p = {0.0, 1.0, -0.5, 1.5, 0.0, 1.0, 0.0}, x(7, 0.5);
  cpu_backend().fill_bernoulli<double>(vv(x), {p.data(), 7, Device::cpu}, {1, 2}, 0);
  EXPECT_EQ(x, (std::vector<double>{0, 1, 0, 1, 0, 1, 0}));
  // Same uniforms as fill_uniform: x_i = [u_i < p_i].
  std::vector<float> pf(1001), xf(1001), uf(1001);
  for (std::size_t i = 0; i < pf.size(); ++i) pf[i] = static_cast<float>(i) / 1000.0f;
  cpu_backend().fill_bernoulli<float>(vv(xf), {pf.data(), 1001, Device::cpu}, {9, 9}, 4);
  cpu_backend().fill_uniform<float>(vv(uf), {9, 9}, 4);
  for (std::size_t i = 0; i < pf.size(); ++i) ASSERT_EQ(xf[i], uf[i] < pf[i] ? 1.0f : 0.0f);
}

TEST(RngFills, IdenticalForAnyThreadCount) {
  const int saved = omp_get_max_threads();
  std::vector<double> n1(kOddSize), n3(kOddSize);
  std::vector<float> u1(kOddSize), u3(kOddSize);
  std::vector<std::uint32_t> r1(kOddSize), r3(kOddSize);
  const PhiloxKey key{5, 6};
  omp_set_num_threads(1);
  cpu_backend().fill_normal(vv(n1), key, 2);
  cpu_backend().fill_uniform(vv(u1), key, 2);
  cpu_backend().fill_raw(vv(r1), key, 2);
  omp_set_num_threads(3);
  cpu_backend().fill_normal(vv(n3), key, 2);
  cpu_backend().fill_uniform(vv(u3), key, 2);
  cpu_backend().fill_raw(vv(r3), key, 2);
  omp_set_num_threads(saved);
  EXPECT_EQ(n1, n3);
  EXPECT_EQ(u1, u3);
  EXPECT_EQ(r1, r3);
}

}  // namespace
}  // namespace fl
