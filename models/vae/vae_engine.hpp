#pragma once
// The element-wise work of the LSTM VAE that is not a GEMM: fused LSTM gates, softmax
// cross-entropy, token-input gather/scatter, scheduled-sampling token choice, the reparameterised
// latent. CPU implementation in vae_engine.cpp (OpenMP over columns), CUDA in
// cuda/lstm_kernels.cu; both call the FL_HD formulas of lstm_cell.hpp.
// Matrices are column-major with one sequence (or one sequence step) per column.
#include <cstdint>
#include <memory>

#include "core/backend.hpp"

namespace fl::vae {

class VaeEngine {
 public:
  virtual ~VaeEngine() = default;

#define FL_VAE_ENGINE_OPS(T)                                                                      \
  /* G (4H x N): pre-activations without bias in, activations out; c, h (H x N) written. */    \
  virtual void lstm_forward_gates(MatrixView<T> G, VectorView<const T> bias, T forget_bias,      \
                                  MatrixView<const T> c_prev, MatrixView<T> c, MatrixView<T> h) = 0; \
  /* dh: gradient w.r.t. h'; dc: in = gradient w.r.t. c', out = gradient w.r.t. c_prev. */     \
  virtual void lstm_backward_gates(MatrixView<const T> G, MatrixView<const T> c_prev,            \
                                   MatrixView<const T> c, MatrixView<const T> dh,               \
                                   MatrixView<T> dc, MatrixView<T> dG) = 0;                      \
  /* Column n: loss[n] = -log softmax(logits_n)[target_n], dlogits = scale (softmax - onehot). \
     Targets < 0 are ignored (zero loss and gradient). */                                      \
  virtual void softmax_cross_entropy(MatrixView<const T> logits, VectorView<const std::int32_t> targets, \
                                     T scale, MatrixView<T> dlogits, VectorView<T> loss) = 0;     \
  /* out[:, n] = W[:, idx[n]] (a zero column where idx[n] < 0) = W one_hot(idx): the input   \
     projection of token inputs without the one-hot matrix. */                                  \
  virtual void gather_columns(MatrixView<const T> W, VectorView<const std::int32_t> idx,         \
                              MatrixView<T> out) = 0;                                            \
  /* W[:, idx[n]] += src[:, n] for n = 0, 1, ... in order (idx[n] < 0 skipped) = src one_hot^T. */ \
  virtual void scatter_add_columns(MatrixView<const T> src, VectorView<const std::int32_t> idx,  \
                                   MatrixView<T> W) = 0;                                         \
  /* Next decoder inputs: column n takes truth[n] with probability 1 - p_sample, otherwise     \
     a token drawn from softmax(logits_n) (or its argmax when argmax is set). Philox stream  \
     (key, step), lane n. */                                                                     \
  virtual void choose_tokens(MatrixView<const T> logits, VectorView<const std::int32_t> truth,    \
                             double p_sample, bool argmax, PhiloxKey key, std::uint64_t step,     \
                             VectorView<std::int32_t> out) = 0;                                    \
  /* sigma = softplus(S), z = mu + sigma eps, kl[n] = sum_u (mu^2 + sigma^2 - 1 - ln sigma^2)/2 */ \
  virtual void latent_forward(MatrixView<const T> mu, MatrixView<const T> S,                      \
                              MatrixView<const T> eps, MatrixView<T> sigma, MatrixView<T> z,      \
                              VectorView<T> kl) = 0;                                              \
  /* dmu = dz + w_n mu,  dS = (dz eps + w_n (sigma - 1/sigma)) softplus'(S): w_n = kl_weight[n] */ \
  virtual void latent_backward(MatrixView<const T> mu, MatrixView<const T> S,                     \
                               MatrixView<const T> eps, MatrixView<const T> sigma,               \
                               MatrixView<const T> dz, VectorView<const T> kl_weight,             \
                               MatrixView<T> dmu, MatrixView<T> dS) = 0;

  FL_VAE_ENGINE_OPS(float)
  FL_VAE_ENGINE_OPS(double)
#undef FL_VAE_ENGINE_OPS
};

// The overrides of a concrete engine for element type T, each forwarding to a function template
// that the engine's source file defines before the class (same arguments): forward_gates,
// backward_gates, xent, gather, scatter_add, choose, latent_fwd, latent_bwd. Used by the CPU
// engine (vae_engine.cpp) and the CUDA engine (cuda/lstm_kernels.cu).
#define FL_VAE_ENGINE_FORWARD_TO_KERNELS(T)                                                        \
  void lstm_forward_gates(MatrixView<T> G, VectorView<const T> b, T fb, MatrixView<const T> cp,    \
                          MatrixView<T> c, MatrixView<T> h) override {                             \
    forward_gates(G, b, fb, cp, c, h);                                                             \
  }                                                                                                \
  void lstm_backward_gates(MatrixView<const T> G, MatrixView<const T> cp, MatrixView<const T> c,   \
                           MatrixView<const T> dh, MatrixView<T> dc, MatrixView<T> dG) override {  \
    backward_gates(G, cp, c, dh, dc, dG);                                                          \
  }                                                                                                \
  void softmax_cross_entropy(MatrixView<const T> L, VectorView<const std::int32_t> tg, T scale,    \
                             MatrixView<T> dL, VectorView<T> loss) override {                      \
    xent(L, tg, scale, dL, loss);                                                                  \
  }                                                                                                \
  void gather_columns(MatrixView<const T> W, VectorView<const std::int32_t> idx, MatrixView<T> out) override { \
    gather(W, idx, out);                                                                           \
  }                                                                                                \
  void scatter_add_columns(MatrixView<const T> src, VectorView<const std::int32_t> idx,            \
                           MatrixView<T> W) override {                                             \
    scatter_add(src, idx, W);                                                                      \
  }                                                                                                \
  void choose_tokens(MatrixView<const T> L, VectorView<const std::int32_t> truth, double p,        \
                     bool argmax, PhiloxKey key, std::uint64_t step,                               \
                     VectorView<std::int32_t> out) override {                                      \
    choose(L, truth, p, argmax, key, step, out);                                                   \
  }                                                                                                \
  void latent_forward(MatrixView<const T> mu, MatrixView<const T> S, MatrixView<const T> eps,      \
                      MatrixView<T> sigma, MatrixView<T> z, VectorView<T> kl) override {           \
    latent_fwd(mu, S, eps, sigma, z, kl);                                                          \
  }                                                                                                \
  void latent_backward(MatrixView<const T> mu, MatrixView<const T> S, MatrixView<const T> eps,     \
                       MatrixView<const T> sigma, MatrixView<const T> dz,                          \
                       VectorView<const T> w, MatrixView<T> dmu, MatrixView<T> dS) override {      \
    latent_bwd(mu, S, eps, sigma, dz, w, dmu, dS);                                                 \
  }

// The engine for `backend`'s device (CPU, or CUDA when compiled in).
std::unique_ptr<VaeEngine> make_vae_engine(Backend& backend);

#ifdef FL_HAVE_CUDA
std::unique_ptr<VaeEngine> make_vae_engine_cuda(Backend& backend);  // cuda/lstm_kernels.cu
#endif

}  // namespace fl::vae
