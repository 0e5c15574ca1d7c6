#include "models/vae/vae_engine.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/philox.hpp"
#include "models/vae/lstm_cell.hpp"

namespace fl::vae {
namespace {

// Below this many elements a parallel region costs more than it saves.
constexpr index_t kParallelWork = 1 << 15;

// The unit loops are `omp simd`: the cell formulas are branch-free and (float) call no libm.
template <class T>
void forward_gates(MatrixView<T> G, VectorView<const T> b, T fb, MatrixView<const T> cp,
                   MatrixView<T> c, MatrixView<T> h) {
  const index_t H = c.rows;
#pragma omp parallel for schedule(static) if (c.rows * c.cols > kParallelWork)
  for (index_t n = 0; n < c.cols; ++n) {
    T* gi = G.data + n * G.ld;
    T* gf = gi + H;
    T* gg = gi + 2 * H;
    T* go = gi + 3 * H;
    const T* bi = b.data;
    const T* cpn = cp.data + n * cp.ld;
    T* cn = c.data + n * c.ld;
    T* hn = h.data + n * h.ld;
#pragma omp simd
    for (index_t j = 0; j < H; ++j)
      lstm_cell_forward(gi[j], gf[j], gg[j], go[j], bi[j], bi[H + j], bi[2 * H + j], bi[3 * H + j], fb, cpn[j],
                        cn[j], hn[j]);
  }
}

template <class T>
void backward_gates(MatrixView<const T> G, MatrixView<const T> cp, MatrixView<const T> c,
                    MatrixView<const T> dh, MatrixView<T> dc, MatrixView<T> dG) {
  const index_t H = c.rows;
#pragma omp parallel for schedule(static) if (c.rows * c.cols > kParallelWork)
  for (index_t n = 0; n < c.cols; ++n) {
    const T* g = G.data + n * G.ld;
    const T* cpn = cp.data + n * cp.ld;
    const T* cn = c.data + n * c.ld;
    const T* dhn = dh.data + n * dh.ld;
    T* dcn = dc.data + n * dc.ld;
    T* d = dG.data + n * dG.ld;
#pragma omp simd
    for (index_t j = 0; j < H; ++j)
      lstm_cell_backward(g[j], g[H + j], g[2 * H + j], g[3 * H + j], cpn[j], cn[j], dhn[j], dcn[j], d[j],
                         d[H + j], d[2 * H + j], d[3 * H + j], dcn[j]);
  }
}

template <class T>
void xent(MatrixView<const T> L, VectorView<const std::int32_t> tg, T scale, MatrixView<T> dL,
          VectorView<T> loss) {
  const index_t K = L.rows;
#pragma omp parallel for schedule(static) if (L.rows * L.cols > kParallelWork)
  for (index_t n = 0; n < L.cols; ++n) {
    const T* x = L.data + n * L.ld;
    T* d = dL.data + n * dL.ld;
    const int t = tg.data[n];
    if (t < 0) {
      for (index_t k = 0; k < K; ++k) d[k] = T(0);
      loss.data[n] = T(0);
      continue;
    }
    T m = x[0];
    for (index_t k = 1; k < K; ++k) m = x[k] > m ? x[k] : m;
    double z = 0;
    for (index_t k = 0; k < K; ++k) z += std::exp(static_cast<double>(x[k] - m));
    const double log_z = std::log(z) + static_cast<double>(m);
    for (index_t k = 0; k < K; ++k)
      d[k] = scale * static_cast<T>(std::exp(static_cast<double>(x[k]) - log_z) - (k == t ? 1.0 : 0.0));
    loss.data[n] = static_cast<T>(log_z - static_cast<double>(x[t]));
  }
}

template <class T>
void gather(MatrixView<const T> W, VectorView<const std::int32_t> idx, MatrixView<T> out) {
#pragma omp parallel for schedule(static) if (out.rows * out.cols > kParallelWork)
  for (index_t n = 0; n < out.cols; ++n) {
    T* o = out.data + n * out.ld;
    const std::int32_t k = idx.data[n];
    if (k < 0) {
      for (index_t r = 0; r < out.rows; ++r) o[r] = T(0);
      continue;
    }
    const T* w = W.data + k * W.ld;
    for (index_t r = 0; r < out.rows; ++r) o[r] = w[r];
  }
}

// Parallel over row chunks, columns in order: deterministic, no two threads share an entry.
template <class T>
void scatter_add(MatrixView<const T> src, VectorView<const std::int32_t> idx, MatrixView<T> W) {
  constexpr index_t kRows = 256;
  const index_t chunks = (W.rows + kRows - 1) / kRows;
#pragma omp parallel for schedule(static) if (src.rows * src.cols > kParallelWork)
  for (index_t q = 0; q < chunks; ++q) {
    const index_t r0 = q * kRows, r1 = std::min(W.rows, r0 + kRows);
    for (index_t n = 0; n < src.cols; ++n) {
      const std::int32_t k = idx.data[n];
      if (k < 0) continue;
      const T* s = src.data + n * src.ld;
      T* w = W.data + k * W.ld;
#pragma omp simd
      for (index_t r = r0; r < r1; ++r) w[r] += s[r];
    }
  }
}

template <class T>
void choose(MatrixView<const T> L, VectorView<const std::int32_t> truth, double p, bool argmax,
            PhiloxKey key, std::uint64_t step, VectorView<std::int32_t> out) {
  const index_t K = L.rows;
#pragma omp parallel for schedule(static) if (L.rows * L.cols > kParallelWork)
  for (index_t n = 0; n < L.cols; ++n) {
    PhiloxStream rng(key, step, static_cast<std::uint64_t>(n));
    const double u_mix = rng.uniform(), u_draw = rng.uniform();
    if (u_mix >= p) {
      out.data[n] = truth.data[n];
      continue;
    }
    const T* x = L.data + n * L.ld;
    index_t best = 0;
    for (index_t k = 1; k < K; ++k)
      if (x[k] > x[best]) best = k;
    if (!argmax) {
      double z = 0;
      for (index_t k = 0; k < K; ++k) z += std::exp(static_cast<double>(x[k] - x[best]));
      double acc = 0;
      const double target = u_draw * z;
      index_t pick = K - 1;
      for (index_t k = 0; k < K; ++k) {
        acc += std::exp(static_cast<double>(x[k] - x[best]));
        if (acc > target) {
          pick = k;
          break;
        }
      }
      best = pick;
    }
    out.data[n] = static_cast<std::int32_t>(best);
  }
}

template <class T>
void latent_fwd(MatrixView<const T> mu, MatrixView<const T> S, MatrixView<const T> eps,
                MatrixView<T> sigma, MatrixView<T> z, VectorView<T> kl) {
#pragma omp parallel for schedule(static) if (mu.rows * mu.cols > kParallelWork)
  for (index_t n = 0; n < mu.cols; ++n) {
    double k = 0;
    for (index_t u = 0; u < mu.rows; ++u) {
      const T m = mu.data[u + n * mu.ld];
      const T s = vae_softplus(S.data[u + n * S.ld]);
      sigma.data[u + n * sigma.ld] = s;
      z.data[u + n * z.ld] = m + s * eps.data[u + n * eps.ld];
      k += 0.5 * (double(m) * m + double(s) * s - 1.0 - 2.0 * std::log(double(s)));
    }
    kl.data[n] = static_cast<T>(k);
  }
}

template <class T>
void latent_bwd(MatrixView<const T> mu, MatrixView<const T> S, MatrixView<const T> eps,
                MatrixView<const T> sigma, MatrixView<const T> dz, VectorView<const T> w,
                MatrixView<T> dmu, MatrixView<T> dS) {
#pragma omp parallel for schedule(static) if (mu.rows * mu.cols > kParallelWork)
  for (index_t n = 0; n < mu.cols; ++n) {
    const T wn = w.data[n];
    for (index_t u = 0; u < mu.rows; ++u) {
      const T g = dz.data[u + n * dz.ld];
      const T s = sigma.data[u + n * sigma.ld];
      dmu.data[u + n * dmu.ld] = g + wn * mu.data[u + n * mu.ld];
      const T dsigma = g * eps.data[u + n * eps.ld] + wn * (s - T(1) / s);
      dS.data[u + n * dS.ld] = dsigma * lstm_sigmoid(S.data[u + n * S.ld]);
    }
  }
}

class CpuVaeEngine final : public VaeEngine {
 public:
  FL_VAE_ENGINE_FORWARD_TO_KERNELS(float)
  FL_VAE_ENGINE_FORWARD_TO_KERNELS(double)
};

}  // namespace

std::unique_ptr<VaeEngine> make_vae_engine(Backend& backend) {
  if (backend.device() == Device::cuda) {
#ifdef FL_HAVE_CUDA
    return make_vae_engine_cuda(backend);
#else
    throw std::logic_error("make_vae_engine: CUDA backend without CUDA support compiled in");
#endif
  }
  return std::make_unique<CpuVaeEngine>();
}

}  // namespace fl::vae
