#pragma once
// Helpers of the CUDA-vs-CPU parity tests: the CPU backend is the reference, the CUDA
// backend must agree with it. Every test skips when no usable CUDA device is present.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/backend.hpp"
#include "core/buffer.hpp"
#include "core/philox.hpp"

namespace fl::gpu_test {

// The process's CUDA backend, made once; nullptr when no usable device is present.
inline Backend* shared_gpu() {
  static std::unique_ptr<Backend> b = cuda_status().usable ? make_backend("cuda") : nullptr;
  return b.get();
}


// Normalised squared error sum (a - ref)^2 / sum ref^2 (absolute when ref is all zeros).
template <class T>
double nse(const std::vector<T>& a, const std::vector<T>& ref) {
  EXPECT_EQ(a.size(), ref.size());
  double num = 0, den = 0;
  for (std::size_t i = 0; i < a.size() && i < ref.size(); ++i) {
    const double d = double(a[i]) - double(ref[i]);
    num += d * d;
    den += double(ref[i]) * double(ref[i]);
  }
  return den > 0 ? num / den : num;
}

// Index of the first element where a and b differ (bitwise equality of values), -1 when
// equal; sizes must match. Keeps failure messages short for million-element vectors.
template <class T>
long long first_mismatch(const std::vector<T>& a, const std::vector<T>& b) {
  if (a.size() != b.size()) return static_cast<long long>(std::min(a.size(), b.size()));
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!(a[i] == b[i])) return static_cast<long long>(i);
  return -1;
}

// Per-precision tolerance on nse for ops whose two implementations differ only in
// summation order / FMA use / last-ulp libm differences: (relative error)^2 with a relative
// error of ~1e-5 for float (24-bit mantissa, sums of ~100 terms) and ~1e-12 for double.
template <class T>
constexpr double kTol = 0;
template <>
inline constexpr double kTol<float> = 1e-10;
template <>
inline constexpr double kTol<double> = 1e-24;

// Deterministic host data, uniform in [lo, hi).
template <class T>
std::vector<T> random_values(index_t n, std::uint32_t seed, double lo = -1, double hi = 1) {
  PhiloxStream s(PhiloxKey{seed, 0xC0FFEEu}, 0);
  std::vector<T> v(static_cast<std::size_t>(n));
  for (auto& x : v) x = static_cast<T>(lo + (hi - lo) * s.uniform());
  return v;
}

// The same host data on both backends. Matrices are stored with padding rows so views are
// strided (ld > rows); comparing the whole storage also proves the padding is untouched.
template <class T>
struct Twin {
  Matrix<T> cpu, gpu;
  index_t rows = 0, pad = 0;

  MatrixView<T> cpu_view() { return cpu.view().row_block(pad, rows); }
  MatrixView<T> gpu_view() { return gpu.view().row_block(pad, rows); }
  VectorView<T> cpu_flat() { return cpu.flat(); }
  VectorView<T> gpu_flat() { return gpu.flat(); }
  double nse() const { return gpu_test::nse(gpu.to_host(), cpu.to_host()); }
};

template <class T>
Twin<T> twin(Backend& cpu, Backend& gpu, index_t rows, index_t cols, std::uint32_t seed,
             index_t pad = 0, double lo = -1, double hi = 1) {
  const auto host = random_values<T>((rows + 2 * pad) * cols, seed, lo, hi);
  Twin<T> t;
  t.cpu = Matrix<T>::from_host(cpu, rows + 2 * pad, cols, host);
  t.gpu = Matrix<T>::from_host(gpu, rows + 2 * pad, cols, host);
  t.rows = rows;
  t.pad = pad;
  return t;
}

// Every output of an engine or kernel run, by name, as doubles: a run on the reference
// backend and one on the backend under test are compared name by name. The cpu tests run the
// same functions twice on the CPU (the comparison must then be exact), which checks the test
// logic on machines without a GPU.
using Outputs = std::map<std::string, std::vector<double>>;

template <class T>
std::vector<double> as_doubles(const std::vector<T>& v) {
  return std::vector<double>(v.begin(), v.end());
}

// EXPECTs nse(other[name], ref[name]) <= tolerance for every output (same names, same sizes),
// and that every reference output has a non-zero entry (an all-zero output would compare
// equal however wrong the other side is).
inline void expect_outputs_agree(const Outputs& ref, const Outputs& other, double tolerance) {
  ASSERT_EQ(ref.size(), other.size());
  for (const auto& [name, r] : ref) {
    const auto it = other.find(name);
    ASSERT_NE(it, other.end()) << name;
    ASSERT_EQ(it->second.size(), r.size()) << name;
    EXPECT_TRUE(std::any_of(r.begin(), r.end(), [](double x) { return x != 0; })) << name << " is all zeros";
    EXPECT_LE(nse(it->second, r), tolerance) << name;
  }
}

class GpuTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const CudaStatus status = cuda_status();
    if (!status.usable) GTEST_SKIP() << status.message;
    gpu_ = make_backend("cuda");
  }
  Backend& cpu() { return cpu_backend(); }
  Backend& gpu() { return *gpu_; }

 private:
  std::unique_ptr<Backend> gpu_;
};

template <class T>
class GpuTypedTest : public GpuTest {};

using Precisions = ::testing::Types<float, double>;

}  // namespace fl::gpu_test

// First statement of a test that needs shared_gpu().
#define FL_REQUIRE_GPU()          \
  if (!fl::gpu_test::shared_gpu()) \
  GTEST_SKIP() << "no usable CUDA device: " << fl::cuda_status().message
