// CPU backend: Philox4x32-10 fills. Each Philox block is computed once and spread over the
// elements it feeds, exactly per the layout documented in core/philox.hpp (uniform_at /
// normal_at give the same values element by element; tests/core/rng_*.cpp check it).
// Parallel over tiles of blocks; the output never depends on the thread count.
#include <algorithm>

#include "core/cpu_ops.hpp"
#include "core/philox.hpp"

namespace fl::cpu_ops {

namespace {

// Philox blocks are generated in tiles of kTile consecutive lanes: the tight loop over a
// tile vectorises (AVX2/AVX-512), the per-element conversion follows.
constexpr index_t kTile = 64;

// f(block, first_element, element_count) for every block of `per_block` elements covering
// [0, n); block b uses lane b.
template <class F>
void for_blocks(index_t n, index_t per_block, PhiloxKey key, std::uint64_t step, F&& f) {
  const index_t blocks = (n + per_block - 1) / per_block;
  const index_t tiles = (blocks + kTile - 1) / kTile;
  // Every element depends only on its own index: any split over threads gives the same fill.
#pragma omp parallel for schedule(static) if (tiles > 16)
  for (index_t t = 0; t < tiles; ++t) {
    U32x4 tile[kTile];
    const index_t b0 = t * kTile, count = std::min(kTile, blocks - b0);
    for (index_t l = 0; l < kTile; ++l)
      tile[l] = philox_block(key, static_cast<std::uint64_t>(b0 + l), step);
    for (index_t l = 0; l < count; ++l) {
      const index_t first = (b0 + l) * per_block;
      f(tile[l], first, std::min(per_block, n - first));
    }
  }
}

// The uniforms a block yields: 2 doubles (words 0-1, 2-3) or 4 floats (one word each).
inline void block_uniforms(const U32x4& blk, double u[2]) {
  u[0] = u01_double(blk.v[0], blk.v[1]);
  u[1] = u01_double(blk.v[2], blk.v[3]);
}
inline void block_uniforms(const U32x4& blk, float u[4]) {
  for (int k = 0; k < 4; ++k) u[k] = u01_float(blk.v[k]);
}

template <class T>
constexpr index_t per_block() {
  return 16 / sizeof(T);  // 128 bits per block: 2 doubles or 4 floats
}

}  // namespace

template <class T>
void fill_uniform(VectorView<T> x, PhiloxKey key, std::uint64_t step) {
  for_blocks(x.size, per_block<T>(), key, step, [&](const U32x4& blk, index_t first, index_t count) {
    T u[per_block<T>()];
    block_uniforms(blk, u);
    for (index_t k = 0; k < count; ++k) x.data[first + k] = u[k];
  });
}

template <class T>
void fill_normal(VectorView<T> x, PhiloxKey key, std::uint64_t step, T mean, T stddev) {
  // Box-Muller on consecutive pairs of a block's uniforms.
  for_blocks(x.size, per_block<T>(), key, step, [&](const U32x4& blk, index_t first, index_t count) {
    T u[per_block<T>()], z[per_block<T>()];
    block_uniforms(blk, u);
    for (index_t k = 0; k < per_block<T>(); k += 2) box_muller(u[k], u[k + 1], z[k], z[k + 1]);
    for (index_t k = 0; k < count; ++k) x.data[first + k] = mean + stddev * z[k];
  });
}

template <class T>
void fill_bernoulli(VectorView<T> x, VectorView<const T> p, PhiloxKey key, std::uint64_t step) {
  for_blocks(x.size, per_block<T>(), key, step, [&](const U32x4& blk, index_t first, index_t count) {
    T u[per_block<T>()];
    block_uniforms(blk, u);
    for (index_t k = 0; k < count; ++k) x.data[first + k] = u[k] < p.data[first + k] ? T(1) : T(0);
  });
}

void fill_raw(VectorView<std::uint32_t> x, PhiloxKey key, std::uint64_t step) {
  for_blocks(x.size, 4, key, step, [&](const U32x4& blk, index_t first, index_t count) {
    for (index_t k = 0; k < count; ++k) x.data[first + k] = blk.v[k];
  });
}

#define FL_INSTANTIATE(T)                                                                      \
  template void fill_uniform<T>(VectorView<T>, PhiloxKey, std::uint64_t);                      \
  template void fill_normal<T>(VectorView<T>, PhiloxKey, std::uint64_t, T, T);                 \
  template void fill_bernoulli<T>(VectorView<T>, VectorView<const T>, PhiloxKey, std::uint64_t);
FL_INSTANTIATE(float)
FL_INSTANTIATE(double)
#undef FL_INSTANTIATE

}  // namespace fl::cpu_ops
