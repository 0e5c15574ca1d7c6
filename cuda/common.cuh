#pragma once
// Shared helpers for every cuda/*.cu file: error-checking macros that throw (never abort),
// launch-size helpers and a grid-stride loop. All fieldlearn CUDA work runs on the default
// stream, so a kernel launch followed by FL_CUDA_CHECK(cudaGetLastError()) is the pattern.
#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cusolverDn.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>

#include "core/view.hpp"

namespace fl::cuda {

[[noreturn]] inline void throw_cuda_failure(const char* what, const char* expr, const char* file,
                                            int line, const std::string& detail) {
  throw std::runtime_error(std::string(file) + ":" + std::to_string(line) + ": " + what + " " +
                           expr + " failed: " + detail);
}

inline const char* cusolver_status_string(cusolverStatus_t s) {
  switch (s) {
    case CUSOLVER_STATUS_SUCCESS: return "CUSOLVER_STATUS_SUCCESS";
    case CUSOLVER_STATUS_NOT_INITIALIZED: return "CUSOLVER_STATUS_NOT_INITIALIZED";
    case CUSOLVER_STATUS_ALLOC_FAILED: return "CUSOLVER_STATUS_ALLOC_FAILED";
    case CUSOLVER_STATUS_INVALID_VALUE: return "CUSOLVER_STATUS_INVALID_VALUE";
    case CUSOLVER_STATUS_ARCH_MISMATCH: return "CUSOLVER_STATUS_ARCH_MISMATCH";
    case CUSOLVER_STATUS_EXECUTION_FAILED: return "CUSOLVER_STATUS_EXECUTION_FAILED";
    case CUSOLVER_STATUS_INTERNAL_ERROR: return "CUSOLVER_STATUS_INTERNAL_ERROR";
    case CUSOLVER_STATUS_MATRIX_TYPE_NOT_SUPPORTED: return "CUSOLVER_STATUS_MATRIX_TYPE_NOT_SUPPORTED";
    case CUSOLVER_STATUS_NOT_SUPPORTED: return "CUSOLVER_STATUS_NOT_SUPPORTED";
    default: return "cusolver status (see cusolver_common.h)";
  }
}

}  // namespace fl::cuda

#define FL_CUDA_CHECK(expr)                                                                 \
  do {                                                                                      \
    const cudaError_t fl_err_ = (expr);                                                     \
    if (fl_err_ != cudaSuccess)                                                             \
      ::fl::cuda::throw_cuda_failure("CUDA", #expr, __FILE__, __LINE__,                     \
                                     std::string(cudaGetErrorName(fl_err_)) + ": " +       \
                                         cudaGetErrorString(fl_err_));                      \
  } while (0)

#define FL_CUBLAS_CHECK(expr)                                                               \
  do {                                                                                      \
    const cublasStatus_t fl_st_ = (expr);                                                   \
    if (fl_st_ != CUBLAS_STATUS_SUCCESS)                                                    \
      ::fl::cuda::throw_cuda_failure("cuBLAS", #expr, __FILE__, __LINE__,                   \
                                     cublasGetStatusString(fl_st_));                        \
  } while (0)

#define FL_CUSOLVER_CHECK(expr)                                                             \
  do {                                                                                      \
    const cusolverStatus_t fl_st_ = (expr);                                                 \
    if (fl_st_ != CUSOLVER_STATUS_SUCCESS)                                                  \
      ::fl::cuda::throw_cuda_failure("cuSOLVER", #expr, __FILE__, __LINE__,                 \
                                     ::fl::cuda::cusolver_status_string(fl_st_));           \
  } while (0)

// Checks the launch of the kernel just issued (configuration errors surface here;
// asynchronous faults surface at the next synchronising call).
#define FL_CUDA_CHECK_LAUNCH() FL_CUDA_CHECK(cudaGetLastError())

// for (i = global thread index; i < n; i += total threads): every kernel written with it is
// correct for any grid size, so launches can cap the grid.
#define FL_GRID_STRIDE_LOOP(i, n)                                                          \
  for (std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;  \
       i < static_cast<std::int64_t>(n);                                                    \
       i += static_cast<std::int64_t>(blockDim.x) * gridDim.x)

namespace fl::cuda {

constexpr int kBlockSize = 256;
// Enough blocks to fill an H100/H200 several times over; grid-stride loops cover the rest.
constexpr std::int64_t kMaxGridBlocks = 4096;

// Blocks for n independent items with `block` threads each (at least 1, at most the cap).
inline unsigned grid_size(std::int64_t n, int block = kBlockSize,
                          std::int64_t max_blocks = kMaxGridBlocks) {
  const std::int64_t blocks = (n + block - 1) / block;
  return static_cast<unsigned>(std::clamp<std::int64_t>(blocks, 1, max_blocks));
}

template <class F>
__global__ void for_each_index_kernel(std::int64_t n, F f) {
  FL_GRID_STRIDE_LOOP(i, n) { f(i); }
}

// Runs f(i) for i in [0, n) on the default stream. f is a __device__ (extended) lambda
// capturing by value; requires nvcc --extended-lambda (set in CMakeLists.txt).
template <class F>
void for_each_index(std::int64_t n, F f) {
  if (n <= 0) return;
  for_each_index_kernel<<<grid_size(n), kBlockSize>>>(n, f);
  FL_CUDA_CHECK_LAUNCH();
}

// Throws std::invalid_argument unless every non-empty view lives on the CUDA device: a host
// pointer dereferenced in a kernel is a sticky cudaErrorIllegalAddress that ends the process's
// CUDA context, so the engines check what the Backend wrappers check for the backend's ops.
inline bool on_device_or_empty(const auto& view) {
  if constexpr (requires { view.size; })
    return view.size == 0 || view.device == Device::cuda;
  else
    return view.rows == 0 || view.cols == 0 || view.device == Device::cuda;
}
template <class... Views>
void require_device_views(const char* who, const Views&... views) {
  if (!(on_device_or_empty(views) && ...))
    throw std::invalid_argument(std::string(who) + ": an operand is not on the cuda device");
}

// Owning device array for scratch space inside a .cu file (cudaMalloc/cudaFree, no managed
// memory). Move-only; freeing errors at process exit are ignored on purpose.
template <class T>
class DeviceArray {
 public:
  DeviceArray() = default;
  explicit DeviceArray(std::size_t n) : size_(n) {
    if (n > 0) FL_CUDA_CHECK(cudaMalloc(reinterpret_cast<void**>(&data_), n * sizeof(T)));
  }
  ~DeviceArray() {
    if (data_) cudaFree(data_);
  }
  DeviceArray(DeviceArray&& o) noexcept : data_(o.data_), size_(o.size_) {
    o.data_ = nullptr;
    o.size_ = 0;
  }
  DeviceArray& operator=(DeviceArray&& o) noexcept {
    std::swap(data_, o.data_);
    std::swap(size_, o.size_);
    return *this;
  }
  DeviceArray(const DeviceArray&) = delete;
  DeviceArray& operator=(const DeviceArray&) = delete;

  T* get() const { return data_; }
  std::size_t size() const { return size_; }

 private:
  T* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace fl::cuda
