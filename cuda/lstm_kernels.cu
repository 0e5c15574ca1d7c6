// CUDA implementation of the VAE engine (models/vae/vae_engine.hpp): fused LSTM gates,
// softmax cross-entropy, token-input gather/scatter, scheduled-sampling token choice and the latent
// layer. The formulas are the FL_HD functions of models/vae/lstm_cell.hpp, shared with the
// CPU engine; GEMMs stay in the backend (cuBLAS). Default stream throughout.
#include <cmath>

#include "core/philox.hpp"
#include "cuda/common.cuh"
#include "models/vae/lstm_cell.hpp"
#include "models/vae/vae_engine.hpp"

namespace fl::vae {
namespace {

using fl::cuda::for_each_index;

template <class T>
void forward_gates(MatrixView<T> G, VectorView<const T> b, T fb, MatrixView<const T> cp, MatrixView<T> c,
                   MatrixView<T> h) {
  const index_t H = c.rows;
  T* g = G.data;
  const T* bias = b.data;
  const T* c_prev = cp.data;
  T* cd = c.data;
  T* hd = h.data;
  const index_t ldg = G.ld, ldp = cp.ld, ldc = c.ld, ldh = h.ld;
  for_each_index(H * c.cols, [=] __device__(std::int64_t k) {
    const index_t j = k % H, n = k / H;
    T* col = g + n * ldg;
    lstm_cell_forward(col[j], col[H + j], col[2 * H + j], col[3 * H + j], bias[j], bias[H + j], bias[2 * H + j],
                      bias[3 * H + j], fb, c_prev[j + n * ldp], cd[j + n * ldc], hd[j + n * ldh]);
  });
}

template <class T>
void backward_gates(MatrixView<const T> G, MatrixView<const T> cp, MatrixView<const T> c, MatrixView<const T> dh,
                    MatrixView<T> dc, MatrixView<T> dG) {
  const index_t H = c.rows;
  const T* g = G.data;
  const T* c_prev = cp.data;
  const T* cd = c.data;
  const T* dhd = dh.data;
  T* dcd = dc.data;
  T* dg = dG.data;
  const index_t ldg = G.ld, ldp = cp.ld, ldc = c.ld, ldh = dh.ld, lddc = dc.ld, lddg = dG.ld;
  for_each_index(H * c.cols, [=] __device__(std::int64_t k) {
    const index_t j = k % H, n = k / H;
    const T* col = g + n * ldg;
    T* d = dg + n * lddg;
    T& dcj = dcd[j + n * lddc];
    lstm_cell_backward(col[j], col[H + j], col[2 * H + j], col[3 * H + j], c_prev[j + n * ldp], cd[j + n * ldc],
                       dhd[j + n * ldh], dcj, d[j], d[H + j], d[2 * H + j], d[3 * H + j], dcj);
  });
}

template <class T>
void xent(MatrixView<const T> L, VectorView<const std::int32_t> tg, T scale, MatrixView<T> dL, VectorView<T> loss) {
  const index_t K = L.rows, ldl = L.ld, ldd = dL.ld;
  const T* x0 = L.data;
  const std::int32_t* t0 = tg.data;
  T* d0 = dL.data;
  T* l0 = loss.data;
  for_each_index(L.cols, [=] __device__(std::int64_t n) {
    const T* x = x0 + n * ldl;
    T* d = d0 + n * ldd;
    const int t = t0[n];
    if (t < 0) {
      for (index_t k = 0; k < K; ++k) d[k] = T(0);
      l0[n] = T(0);
      return;
    }
    T m = x[0];
    for (index_t k = 1; k < K; ++k) m = x[k] > m ? x[k] : m;
    double z = 0;
    for (index_t k = 0; k < K; ++k) z += exp(static_cast<double>(x[k] - m));
    const double log_z = log(z) + static_cast<double>(m);
    for (index_t k = 0; k < K; ++k)
      d[k] = scale * static_cast<T>(exp(static_cast<double>(x[k]) - log_z) - (k == t ? 1.0 : 0.0));
    l0[n] = static_cast<T>(log_z - static_cast<double>(x[t]));
  });
}

template <class T>
void gather(MatrixView<const T> W, VectorView<const std::int32_t> idx, MatrixView<T> out) {
  const index_t R = out.rows, ldw = W.ld, ldo = out.ld;
  const T* w = W.data;
  const std::int32_t* id = idx.data;
  T* o = out.data;
  for_each_index(R * out.cols, [=] __device__(std::int64_t k) {
    const index_t r = k % R, n = k / R;
    const std::int32_t c = id[n];
    o[r + n * ldo] = c < 0 ? T(0) : w[r + c * ldw];
  });
}

// One thread per row, columns in order: deterministic (no atomics), coalesced across rows.
template <class T>
void scatter_add(MatrixView<const T> src, VectorView<const std::int32_t> idx, MatrixView<T> W) {
  const index_t N = src.cols, lds = src.ld, ldw = W.ld;
  const T* s = src.data;
  const std::int32_t* id = idx.data;
  T* w = W.data;
  for_each_index(W.rows, [=] __device__(std::int64_t r) {
    for (index_t n = 0; n < N; ++n) {
      const std::int32_t c = id[n];
      if (c >= 0) w[r + c * ldw] += s[r + n * lds];
    }
  });
}

template <class T>
void choose(MatrixView<const T> L, VectorView<const std::int32_t> truth, double p, bool argmax, PhiloxKey key,
            std::uint64_t step, VectorView<std::int32_t> out) {
  const index_t K = L.rows, ld = L.ld;
  const T* x0 = L.data;
  const std::int32_t* tr = truth.data;
  std::int32_t* o = out.data;
  for_each_index(L.cols, [=] __device__(std::int64_t n) {
    PhiloxStream rng(key, step, static_cast<std::uint64_t>(n));
    const double u_mix = rng.uniform(), u_draw = rng.uniform();
    if (u_mix >= p) {
      o[n] = tr[n];
      return;
    }
    const T* x = x0 + n * ld;
    index_t best = 0;
    for (index_t k = 1; k < K; ++k)
      if (x[k] > x[best]) best = k;
    if (!argmax) {
      double z = 0;
      for (index_t k = 0; k < K; ++k) z += exp(static_cast<double>(x[k] - x[best]));
      double acc = 0;
      index_t pick = K - 1;
      for (index_t k = 0; k < K; ++k) {
        acc += exp(static_cast<double>(x[k] - x[best]));
        if (acc > u_draw * z) {
          pick = k;
          break;
        }
      }
      best = pick;
    }
    o[n] = static_cast<std::int32_t>(best);
  });
}

template <class T>
void latent_fwd(MatrixView<const T> mu, MatrixView<const T> S, MatrixView<const T> eps, MatrixView<T> sigma,
                MatrixView<T> z, VectorView<T> kl) {
  const index_t Z = mu.rows, lm = mu.ld, ls = S.ld, le = eps.ld, lsg = sigma.ld, lz = z.ld;
  const T *m0 = mu.data, *s0 = S.data, *e0 = eps.data;
  T *sg0 = sigma.data, *z0 = z.data, *k0 = kl.data;
  for_each_index(mu.cols, [=] __device__(std::int64_t n) {
    double k = 0;
    for (index_t u = 0; u < Z; ++u) {
      const T m = m0[u + n * lm];
      const T s = vae_softplus(s0[u + n * ls]);
      sg0[u + n * lsg] = s;
      z0[u + n * lz] = m + s * e0[u + n * le];
      k += 0.5 * (double(m) * m + double(s) * s - 1.0 - 2.0 * log(double(s)));
    }
    k0[n] = static_cast<T>(k);
  });
}

template <class T>
void latent_bwd(MatrixView<const T> mu, MatrixView<const T> S, MatrixView<const T> eps, MatrixView<const T> sigma,
                MatrixView<const T> dz, VectorView<const T> w, MatrixView<T> dmu, MatrixView<T> dS) {
  const index_t Z = mu.rows, lm = mu.ld, ls = S.ld, le = eps.ld, lsg = sigma.ld, lz = dz.ld, ldm = dmu.ld, lds = dS.ld;
  const T *m0 = mu.data, *s0 = S.data, *e0 = eps.data, *sg0 = sigma.data, *dz0 = dz.data, *w0 = w.data;
  T *dm0 = dmu.data, *ds0 = dS.data;
  for_each_index(Z * mu.cols, [=] __device__(std::int64_t k) {
    const index_t u = k % Z, n = k / Z;
    const T wn = w0[n];
    const T g = dz0[u + n * lz];
    const T s = sg0[u + n * lsg];
    dm0[u + n * ldm] = g + wn * m0[u + n * lm];
    const T dsigma = g * e0[u + n * le] + wn * (s - T(1) / s);
    ds0[u + n * lds] = dsigma * lstm_sigmoid(s0[u + n * ls]);
  });
}

class CudaVaeEngine final : public VaeEngine {
 public:
  FL_VAE_ENGINE_FORWARD_TO_KERNELS(float)
  FL_VAE_ENGINE_FORWARD_TO_KERNELS(double)
};

}  // namespace

std::unique_ptr<VaeEngine> make_vae_engine_cuda(Backend&) { return std::make_unique<CudaVaeEngine>(); }

}  // namespace fl::vae
