#pragma once
// The fast CD-k / PCD-k update: the same algorithm and the same random numbers as the
// generic double-precision path of RbmTrainer (its reference in tests), with
//   - float parameters and float GEMMs (the issue allows float for training; log-likelihoods,
//     AIS weights and exact log Z stay in double elsewhere),
//   - every buffer allocated once, data columns gathered straight from the uint8 rows,
//   - the sigmoid fused with the Bernoulli draw and the bias add (one device kernel),
//   - the negative-phase probabilities written negated, so the weight gradient is two GEMMs
//     accumulating into one buffer, G = -(1/B) (PH0 V0^T + (-PH_k) V_k^T), in the descent
//     sign that Backend::sgd_step expects.
// The GEMMs and the SGD step go through the Backend; only the elementwise parts are
// device-specific (CdKernels: vectorised CPU loops here, kernels in cuda/rbm_kernels.cu).
#include <cstdint>
#include <memory>
#include <vector>

#include "core/buffer.hpp"
#include "models/rbm/rbm.hpp"

namespace fl::rbm {

// Device-specific elementwise parts of one CD update. Matrices are column-major, contiguous.
class CdKernels {
 public:
  virtual ~CdKernels() = default;
  // X(:, b) = data row rows[b] (n_v bytes, {0,1}) as floats, b < B.
  virtual void gather(const std::uint8_t* data, const std::int64_t* rows, int n_v, int B, float* X) = 0;
  // P = sign * sigmoid(Z + bias (per row)) for the n x B matrix Z (P may alias Z), and, when
  // S is not null, S = 1 where uniform_at(key, step, i) < sigmoid(...) (the layout of
  // Backend::fill_bernoulli<double>, element i = flat index), else 0. Draws need sign = 1.
  virtual void sample(const float* Z, const float* bias, int n, int B, PhiloxKey key, std::uint64_t step, float* P,
                      float* S, float sign) = 0;
  // AT (cols x rows) = A^T for the rows x cols matrix A.
  virtual void transpose(const float* A, int rows, int cols, float* AT) = 0;
  // From X = [V0 | V_k] (n_v x 2B) and Z = [PH0 | -PH_k] (n_h x 2B): the descent-direction
  // bias gradients gb = -(1/B) sum_b (V0 - V_k), gc = -(1/B) sum_b (PH0 - PH_k); returns
  // sum (V0 - V_k)^2.
  virtual double bias_gradients(const float* X, const float* Z, int n_v, int n_h, int B, float* gb, float* gc) = 0;
};
std::unique_ptr<CdKernels> make_cd_kernels(Backend& backend);

struct FusedCdOptions {
  int batch_size = 200;
  bool persistent = false;
  double momentum = 0.0;
  double weight_decay = 0.0;
  std::uint32_t seed = 1;
};

class FusedCd {
 public:
  // `data`: n_samples rows of n_v values in {0,1}; copied to the device once when the
  // backend is not the CPU.
  FusedCd(Backend& backend, int n_v, int n_h, const std::vector<std::uint8_t>& data, const FusedCdOptions& options);

  // Float working copy of the machine's parameters, and back.
  void load(const Rbm& rbm);
  void store(Rbm& rbm) const;
  // The updates of one epoch on batches order[bi B .. (bi + 1) B) for bi < n_batches;
  // `rng_step` advances by 2k per update exactly as in the generic path. Returns the summed
  // reconstruction errors (mean over units and samples per update).
  double run_updates(const std::vector<std::int64_t>& order, std::int64_t n_batches, double learning_rate, int k,
                     std::uint64_t& rng_step);
  // Ascent-direction CD-k gradient on the first B rows of `rows` (no update), for tests.
  RbmParams gradient(const std::vector<std::uint8_t>& rows, int k, std::uint64_t& rng_step);
  // The negative chains' visible states (n_v x B).
  std::vector<double> negative_samples() const;

 private:
  // Gradient (descent sign) into grad_ for the batch already in X_(:, 0:B); returns the
  // reconstruction error sum.
  double compute_gradient(int k, std::uint64_t& rng_step);
  void gather(const std::uint8_t* data, const std::int64_t* rows);

  Backend& be_;
  int n_v_, n_h_, B_;
  FusedCdOptions opt_;
  std::unique_ptr<CdKernels> kernels_;
  const std::vector<std::uint8_t>& host_data_;
  Buffer<std::uint8_t> device_data_;  // non-CPU backends only
  Buffer<std::int64_t> device_rows_;
  Buffer<float> params_, grad_, velocity_;  // [W | b | c]
  Buffer<float> WT_;                         // W^T: the visible GEMM as NN (faster in OpenBLAS than TN)
  Buffer<float> X_, Z_, H_, PV_;            // [V0 | V_k], [PH0 | -PH_k], hidden samples, visible logits
  bool chains_started_ = false;
};

}  // namespace fl::rbm
