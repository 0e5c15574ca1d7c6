// CUDA side of the fused CD update (models/rbm/fused_cd.hpp): the elementwise parts as single
// kernels (the GEMMs and the SGD step run through the CUDA backend: cuBLAS and its optimiser
// kernels). The draws use uniform_at() with the layout of Backend::fill_bernoulli<double>, so
// CPU and GPU samples agree except where a uniform falls between the two devices' float
// sigmoids (expf differs from the CPU polynomial in the last bits).
#include <memory>
#include <stdexcept>
#include <vector>

#include "core/philox.hpp"
#include "cuda/common.cuh"
#include "models/rbm/fused_cd.hpp"

namespace fl::rbm {
namespace {

using fl::cuda::DeviceArray;
using fl::cuda::for_each_index;

class CudaCdKernels final : public CdKernels {
 public:
  // The hooks are public (nvcc's extended lambdas may not sit in private member functions).
  void gather(const std::uint8_t* data, const std::int64_t* rows, int n_v, int B, float* X) override {
    for_each_index(static_cast<std::int64_t>(n_v) * B, [=] __device__(std::int64_t i) {
      const std::int64_t col = i / n_v, j = i % n_v;
      X[i] = static_cast<float>(data[rows[col] * n_v + j]);
    });
  }

  void sample(const float* Z, const float* bias, int n, int B, PhiloxKey key, std::uint64_t step, float* P, float* S,
              float sign) override {
    if (S != nullptr && sign != 1.0f) throw std::invalid_argument("CdKernels::sample: draws need sign = 1");
    for_each_index(static_cast<std::int64_t>(n) * B, [=] __device__(std::int64_t i) {
      const float p = 1.0f / (1.0f + expf(-(Z[i] + bias[i % n])));
      if (S != nullptr) S[i] = uniform_at(key, step, static_cast<std::uint64_t>(i), 0.0) < static_cast<double>(p) ? 1.0f : 0.0f;
      P[i] = sign * p;  // P may alias Z: element i is read above before it is written
    });
  }

  void transpose(const float* A, int rows, int cols, float* AT) override {
    for_each_index(static_cast<std::int64_t>(rows) * cols, [=] __device__(std::int64_t i) {
      const std::int64_t r = i % rows, c = i / rows;
      AT[c + static_cast<std::int64_t>(cols) * r] = A[i];
    });
  }

  double bias_gradients(const float* X, const float* Z, int n_v, int n_h, int B, float* gb, float* gc) override {
    if (counts_.size() < static_cast<std::size_t>(n_v)) counts_ = DeviceArray<float>(static_cast<std::size_t>(n_v));
    float* counts = counts_.get();
    const float scale = -1.0f / static_cast<float>(B);
    const std::int64_t ld_half = static_cast<std::int64_t>(n_v) * B;
    // One thread per visible unit (sums over the batch), then one per hidden unit (over 2B).
    for_each_index(n_v, [=] __device__(std::int64_t j) {
      float d_sum = 0, sq = 0;
      for (int col = 0; col < B; ++col) {
        const float d = X[j + static_cast<std::int64_t>(col) * n_v] - X[ld_half + j + static_cast<std::int64_t>(col) * n_v];
        d_sum += d, sq += d * d;
      }
      gb[j] = scale * d_sum;
      counts[j] = sq;
    });
    for_each_index(n_h, [=] __device__(std::int64_t i) {
      float s = 0;
      for (int col = 0; col < 2 * B; ++col) s += Z[i + static_cast<std::int64_t>(col) * n_h];
      gc[i] = scale * s;
    });
    host_counts_.resize(static_cast<std::size_t>(n_v));  // allocates on the first call only
    FL_CUDA_CHECK(cudaMemcpy(host_counts_.data(), counts, sizeof(float) * n_v, cudaMemcpyDeviceToHost));
    double recon = 0;
    for (float c : host_counts_) recon += c;
    return recon;
  }

 private:
  DeviceArray<float> counts_;
  std::vector<float> host_counts_;
};

}  // namespace

std::unique_ptr<CdKernels> make_cd_kernels_cuda() { return std::make_unique<CudaCdKernels>(); }

}  // namespace fl::rbm
