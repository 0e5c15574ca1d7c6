// CUDA engine of the infinite-width kernel recursion: one thread per matrix element, calling
// the same FL_HD formulas as the CPU engine (models/kernels/infinite_width_formulas.hpp).
#include "cuda/common.cuh"
#include "models/kernels/infinite_width.hpp"

namespace fl::kernels {
namespace {

__global__ void kernel_matrix(KernelRecursionParams p, const double* gram, index_t ldg, const double* n1,
                              const double* n2, index_t rows, index_t cols, bool symmetric, double* nngp,
                              index_t ldk, double* ntk, index_t ldt) {
  const index_t i = blockIdx.x * static_cast<index_t>(blockDim.x) + threadIdx.x;
  const index_t j = blockIdx.y * static_cast<index_t>(blockDim.y) + threadIdx.y;
  if (i >= rows || j >= cols || (symmetric && i > j)) return;
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

__global__ void kernel_diagonal(KernelRecursionParams p, const double* norms, index_t n, double* nngp, double* ntk) {
  const index_t i = blockIdx.x * static_cast<index_t>(blockDim.x) + threadIdx.x;
  if (i < n) kernel_entry(p, norms[i], norms[i], norms[i], nngp[i], ntk[i]);
}

class CudaKernelRecursionEngine final : public KernelRecursionEngine {
 public:
  void apply(const KernelRecursionParams& p, MatrixView<const double> gram, VectorView<const double> n1,
             VectorView<const double> n2, bool symmetric, MatrixView<double> nngp, MatrixView<double> ntk) override {
    if (gram.rows == 0 || gram.cols == 0) return;
    const dim3 block(16, 16);
    const dim3 grid(static_cast<unsigned>((gram.rows + 15) / 16), static_cast<unsigned>((gram.cols + 15) / 16));
    kernel_matrix<<<grid, block>>>(p, gram.data, gram.ld, n1.data, n2.data, gram.rows, gram.cols, symmetric,
                                   nngp.data, nngp.ld, ntk.data, ntk.ld);
    FL_CUDA_CHECK(cudaGetLastError());
  }
  void diagonal(const KernelRecursionParams& p, VectorView<const double> norms, VectorView<double> nngp,
                VectorView<double> ntk) override {
    if (norms.size == 0) return;
    kernel_diagonal<<<static_cast<unsigned>((norms.size + 255) / 256), 256>>>(p, norms.data, norms.size, nngp.data,
                                                                            ntk.data);
    FL_CUDA_CHECK(cudaGetLastError());
  }
};

}  // namespace

std::unique_ptr<KernelRecursionEngine> make_kernel_recursion_engine_cuda(Backend&) {
  return std::make_unique<CudaKernelRecursionEngine>();
}

}  // namespace fl::kernels
