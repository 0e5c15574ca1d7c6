// Dense linear algebra and RNG throughput of each backend, sizes n = 256 ... 4096.
//   BM_linalg_gemm/<backend>/<n>            C = A B, n x n, double; gflops = 2 n^3
//   BM_linalg_syrk/<backend>/<n>            C = A A^T, n x n, double; gflops = n^3
//   BM_linalg_cholesky/<backend>/<n>        copy + factor of an SPD matrix; gflops = n^3 / 3
//   BM_linalg_cholesky_solve/<backend>/<n>  copy + factor + solve one right-hand side;
//                                           gflops = n^3 / 3 + 2 n^2
//   BM_linalg_eigh/<backend>/<n>            copy + eigenvalues and eigenvectors; nominal
//                                           gflops = 9 n^3 (Golub & Van Loan's count)
//   BM_rng_uniform|normal/<backend>/<n>     n^2 doubles per fill; gsamples_per_s
// Copies are timed because the factorisations work in place (numpy copies its input too).
// Sizes taking longer than the default minimum time (0.5 s) run a single iteration, so the
// suite stays cheap on a 2-core machine.
#include <benchmark/benchmark.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "bench/bench_backend.hpp"
#include "core/backend.hpp"
#include "core/buffer.hpp"

namespace {

using fl::Backend;
using fl::Matrix;
using fl::index_t;

// A random n x n matrix (standard normal entries), generated on the backend itself.
Matrix<double> random_matrix(Backend& be, index_t n, std::uint32_t stream) {
  Matrix<double> m(be, n, n);
  be.fill_normal(m.flat(), {2024, stream}, 0);
  return m;
}

// A well-conditioned SPD matrix X X^T / n + I (built on the CPU, then moved).
Matrix<double> spd_matrix(Backend& be, index_t n) {
  Backend& cpu = fl::cpu_backend();
  const Matrix<double> X = random_matrix(cpu, n, 1);
  Matrix<double> A = Matrix<double>::zeros(cpu, n, n);
  cpu.syrk(fl::Trans::no, 1.0 / static_cast<double>(n), X.view(), 0.0, A.view());
  for (index_t i = 0; i < n; ++i) A(i, i) += 1.0;
  return &be == &cpu ? std::move(A) : fl::transfer(A, be);
}

// Wall-clock time of the timed loop. Counters are computed from it rather than from
// Google Benchmark's rates, which use the main thread's CPU time unless UseRealTime() is set
// (and that would add "/real_time" to every benchmark name).
class WallClock {
 public:
  WallClock() : start_(std::chrono::steady_clock::now()) {}
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

// Sets `name` = work per iteration (in units of 1e9) per second of wall time.
void set_rate(benchmark::State& state, const char* name, double work_per_iteration,
              const WallClock& clock) {
  const double seconds = clock.seconds();
  state.counters[name] = seconds > 0 ? 1e-9 * work_per_iteration * state.iterations() / seconds : 0;
}

void bm_gemm(benchmark::State& state, const std::string& which) {
  Backend* be = fl::bench::backend_for(state, which);
  if (!be) return;
  const index_t n = state.range(0);
  const Matrix<double> A = random_matrix(*be, n, 2), B = random_matrix(*be, n, 3);
  Matrix<double> C(*be, n, n);
  const WallClock clock;
  for (auto _ : state) {
    be->gemm(fl::Trans::no, fl::Trans::no, 1.0, A.view(), B.view(), 0.0, C.view());
    be->synchronize();
  }
  set_rate(state, "gflops", 2.0 * n * n * n, clock);
}

void bm_syrk(benchmark::State& state, const std::string& which) {
  Backend* be = fl::bench::backend_for(state, which);
  if (!be) return;
  const index_t n = state.range(0);
  const Matrix<double> A = random_matrix(*be, n, 4);
  Matrix<double> C(*be, n, n);
  const WallClock clock;
  for (auto _ : state) {
    be->syrk(fl::Trans::no, 1.0, A.view(), 0.0, C.view());
    be->synchronize();
  }
  set_rate(state, "gflops", 1.0 * n * n * n, clock);
}

void bm_cholesky(benchmark::State& state, const std::string& which, bool solve) {
  Backend* be = fl::bench::backend_for(state, which);
  if (!be) return;
  const index_t n = state.range(0);
  const Matrix<double> A0 = spd_matrix(*be, n), b0 = random_matrix(*be, n, 5);
  Matrix<double> A(*be, n, n), b(*be, n, 1);
  const WallClock clock;
  for (auto _ : state) {
    be->copy(A0.view(), A.view());
    be->cholesky(A.view());
    if (solve) {
      be->copy(b0.view().col_block(0, 1), b.view());
      be->cholesky_solve(A.view(), b.view());
    }
    be->synchronize();
  }
  set_rate(state, "gflops", n * n * n / 3.0 + (solve ? 2.0 * n * n : 0.0), clock);
}

void bm_eigh(benchmark::State& state, const std::string& which) {
  Backend* be = fl::bench::backend_for(state, which);
  if (!be) return;
  const index_t n = state.range(0);
  const Matrix<double> A0 = spd_matrix(*be, n);
  Matrix<double> A(*be, n, n);
  fl::Buffer<double> w(*be, n);
  const WallClock clock;
  for (auto _ : state) {
    be->copy(A0.view(), A.view());
    be->eigh(A.view(), w.view());
    be->synchronize();
  }
  set_rate(state, "gflops", 9.0 * n * n * n, clock);
}

void bm_rng(benchmark::State& state, const std::string& which, bool normal) {
  Backend* be = fl::bench::backend_for(state, which);
  if (!be) return;
  const index_t n = state.range(0);
  fl::Buffer<double> x(*be, n * n);
  std::uint64_t step = 0;
  const WallClock clock;
  for (auto _ : state) {
    if (normal)
      be->fill_normal(x.view(), {1, 2}, step++);
    else
      be->fill_uniform(x.view(), {1, 2}, step++);
    be->synchronize();
  }
  set_rate(state, "gsamples_per_s", 1.0 * n * n, clock);
}

// Every benchmark x backend x size, named BM_<area>_<op>/<backend>/<n>.
const bool registered = [] {
  using Fn = std::function<void(benchmark::State&, const std::string&)>;
  const std::pair<const char*, Fn> benchmarks[] = {
      {"BM_linalg_gemm", bm_gemm},
      {"BM_linalg_syrk", bm_syrk},
      {"BM_linalg_cholesky", [](benchmark::State& s, const std::string& b) { bm_cholesky(s, b, false); }},
      {"BM_linalg_cholesky_solve", [](benchmark::State& s, const std::string& b) { bm_cholesky(s, b, true); }},
      {"BM_linalg_eigh", bm_eigh},
      {"BM_rng_uniform", [](benchmark::State& s, const std::string& b) { bm_rng(s, b, false); }},
      {"BM_rng_normal", [](benchmark::State& s, const std::string& b) { bm_rng(s, b, true); }},
  };
  for (const auto& [name, fn] : benchmarks)
    for (const std::string which : {"cpu", "cuda"})
      for (index_t n = 256; n <= 4096; n *= 2)
        benchmark::RegisterBenchmark((std::string(name) + "/" + which).c_str(),
                                     [fn = fn, which](benchmark::State& s) { fn(s, which); })
            ->Arg(n)
            ->Unit(benchmark::kMillisecond);
  benchmark::AddCustomContext("fl_cpu_backend", fl::cpu_backend().info().name + ", " +
                                                    fl::cpu_backend().info().details);
  return true;
}();

}  // namespace
