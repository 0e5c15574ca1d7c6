// CUDA engine of the infinite-width kernel recursion: one thread per matrix element, calling
// the same FL_HD formulas as the CPU engine (models/kernels/infinite_width_formulas.hpp).
#include <algorithm>
#include <climits>
#include <stdexcept>

#include "cuda/common.cuh"
#include "models/kernels/infinite_width.hpp"

namespace fl::kernels {
namespace {

// Threads cover rows in x and columns in y; the columns are grid-strided because gridDim.y is
// limited to 65535 (more than ~1M columns would not launch otherwise).
__global__ void kernel_matrix(KernelRecursionParams p, const double* gram, index_t ldg, const double* n1,
                              const double* n2, index_t rows, index_t cols, bool symmetric, double* nngp,
                              index_t ldk, double* ntk, index_t ldt) {
  const index_t i = blockIdx.x * static_cast<index_t>(blockDim.x) + threadIdx.x;
  if (i >= rows) return;
  for (index_t j = blockIdx.y * static_cast<index_t>(blockDim.y) + threadIdx.y; j < cols;
       j += static_cast<index_t>(gridDim.y) * blockDim.y) {
    if (symmetric && i > j) continue;
    const double g = symmetric && i == j ? n1[i] : gram[i + j * ldg];
    double k, t;
    kernel_entry(p, g, n1[i], n2[j], k, t);
    nngp[i + j * ldk] = k;
    ntk[i + j * ldt] = t;
    if (symmetric && i < j) {
      nngp[j + i * ldk] = k;
      ntk[j + i * ldt] = t;
    }
  }
}

__global__ void kernel_diagonal(KernelRecursionParams p, const double* norms, index_t n, double* nngp, double* ntk) {
  FL_GRID_STRIDE_LOOP(i, n) kernel_entry(p, norms[i], norms[i], norms[i], nngp[i], ntk[i]);
}

class CudaKernelRecursionEngine final : public KernelRecursionEngine {
 public:
  void apply(const KernelRecursionParams& p, MatrixView<const double> gram, VectorView<const double> n1,
             VectorView<const double> n2, bool symmetric, MatrixView<double> nngp, MatrixView<double> ntk) override {
    if (gram.rows == 0 || gram.cols == 0) return;
    cuda::require_device_views("kernel recursion (cuda)", gram, n1, n2, nngp, ntk);
    const dim3 block(16, 16);
    const index_t row_tiles = (gram.rows + 15) / 16, col_tiles = (gram.cols + 15) / 16;
    if (row_tiles > INT_MAX) throw std::invalid_argument("kernel recursion (cuda): too many rows");
    const dim3 grid(static_cast<unsigned>(row_tiles), static_cast<unsigned>(std::min<index_t>(col_tiles, 65535)));
    kernel_matrix<<<grid, block>>>(p, gram.data, gram.ld, n1.data, n2.data, gram.rows, gram.cols, symmetric,
                                   nngp.data, nngp.ld, ntk.data, ntk.ld);
    FL_CUDA_CHECK(cudaGetLastError());
  }
  void diagonal(const KernelRecursionParams& p, VectorView<const double> norms, VectorView<double> nngp,
                VectorView<double> ntk) override {
    if (norms.size == 0) return;
    cuda::require_device_views("kernel recursion (cuda)", norms, nngp, ntk);
    kernel_diagonal<<<cuda::grid_size(norms.size), cuda::kBlockSize>>>(p, norms.data, norms.size, nngp.data,
                                                                            ntk.data);
    FL_CUDA_CHECK(cudaGetLastError());
  }
};

}  // namespace

std::unique_ptr<KernelRecursionEngine> make_kernel_recursion_engine_cuda(Backend&) {
  return std::make_unique<CudaKernelRecursionEngine>();
}

}  // namespace fl::kernels
