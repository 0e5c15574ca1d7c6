// The packed-weight product of the CPU LSTM recurrence against the backend's GEMM.
#include <gtest/gtest.h>

#include <cmath>

#include "core/backend.hpp"
#include "core/philox.hpp"
#include "models/vae/packed_gemm.hpp"

using namespace fl;
using namespace fl::vae;

namespace {
template <class T>
std::vector<T> normals(index_t n, std::uint32_t stream) {
  PhiloxStream rng(PhiloxKey{11, stream}, 0);
  std::vector<T> v(static_cast<std::size_t>(n));
  for (T& x : v) x = static_cast<T>(rng.normal());
  return v;
}

template <class T>
void check(index_t M, index_t K, index_t N, bool transpose, T beta, double tol) {
  Backend& be = cpu_backend();
  const index_t wr = transpose ? K : M, wc = transpose ? M : K;
  // W with a leading dimension larger than its rows, as a parameter block inside a buffer.
  const index_t ld = wr + 3;
  std::vector<T> W = normals<T>(ld * wc, 1), B = normals<T>(K * N, 2), C = normals<T>(M * N, 3), R = C;
  PackedMatrix<T> P;
  P.pack(MatrixView<const T>(W.data(), wr, wc, ld, Device::cpu), transpose);
  ASSERT_EQ(P.rows(), M);
  ASSERT_EQ(P.cols(), K);
  P.multiply(MatrixView<const T>(B.data(), K, N, Device::cpu), beta, MatrixView<T>(C.data(), M, N, Device::cpu));
  be.gemm(transpose ? Trans::yes : Trans::no, Trans::no, T(1), MatrixView<const T>(W.data(), wr, wc, ld, Device::cpu),
          MatrixView<const T>(B.data(), K, N, Device::cpu), beta, MatrixView<T>(R.data(), M, N, Device::cpu));
  for (std::size_t i = 0; i < C.size(); ++i)
    ASSERT_NEAR(C[i], R[i], tol * std::sqrt(double(K))) << M << "x" << K << "x" << N << " t" << transpose << " at " << i;
}
}  // namespace

TEST(VaePackedGemm, MatchesBackendGemm) {
  for (const bool t : {false, true})
    for (const auto& s : std::vector<std::array<index_t, 3>>{{64, 16, 8}, {37, 13, 11}, {5, 3, 1}, {256, 64, 19}}) {
      check<double>(s[0], s[1], s[2], t, 0.0, 1e-14);
      check<double>(s[0], s[1], s[2], t, 1.0, 1e-14);
      check<float>(s[0], s[1], s[2], t, 1.0f, 1e-5);
    }
}
