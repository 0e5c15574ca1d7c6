#pragma once
// The backend a benchmark runs on ("cpu" or "cuda"), shared by every bench/*.cpp so the
// process holds one CUDA backend. Returns nullptr after SkipWithError when CUDA is absent.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "core/backend.hpp"

namespace fl::bench {

inline Backend* backend_for(benchmark::State& state, const std::string& which) {
  if (which == "cpu") return &cpu_backend();
  static const bool usable = cuda_status().usable;
  if (!usable) {
    state.SkipWithError("no CUDA device");
    return nullptr;
  }
  static std::unique_ptr<Backend> cuda = make_backend("cuda");
  return cuda.get();
}

}  // namespace fl::bench
