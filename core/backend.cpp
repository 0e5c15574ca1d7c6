#include "core/backend.hpp"

#include <array>

#include "core/error.hpp"

namespace fl {

#ifdef FL_HAVE_CUDA
// Defined in cuda/cuda_backend.cu.
namespace cuda_detail {
std::unique_ptr<Backend> make_cuda_backend();
CudaStatus query_cuda();
}  // namespace cuda_detail
#endif

namespace {
constexpr std::array<std::string_view, 11> kUnaryNames = {
    "identity", "tanh", "relu", "sigmoid", "softplus", "exp", "log", "square", "erf", "sin", "cos"};
}

std::string_view unary_op_name(UnaryOp op) { return kUnaryNames.at(static_cast<std::size_t>(op)); }

UnaryOp unary_op_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kUnaryNames.size(); ++i)
    if (kUnaryNames[i] == name) return static_cast<UnaryOp>(i);
  std::string known;
  for (auto n : kUnaryNames) known += (known.empty() ? "" : ", ") + std::string(n);
  input_error("unknown activation '" + std::string(name) + "' (known: " + known + ")");
}

void Backend::check_device(Device d) const {
  if (d != device_)
    throw std::logic_error(std::string("operand lives on ") + std::string(device_name(d)) +
                           " but the backend is " + std::string(device_name(device_)) +
                           " (copy it explicitly first)");
}

namespace backend_detail {
void shape_error(const char* op, const std::string& what) {
  throw std::invalid_argument(std::string("Backend::") + op + ": " + what);
}
}  // namespace backend_detail

CudaStatus cuda_status() {
#ifdef FL_HAVE_CUDA
  return cuda_detail::query_cuda();
#else
  CudaStatus s;
  s.message = "CUDA support was not compiled in (rebuild with the CUDA toolkit present)";
  return s;
#endif
}

std::unique_ptr<Backend> make_cpu_backend();  // core/cpu_backend.cpp

std::unique_ptr<Backend> make_backend(const std::string& which) {
  if (which == "cpu") return make_cpu_backend();
  if (which == "cuda" || which == "auto") {
    const CudaStatus s = cuda_status();
    if (!s.usable) {
      if (which == "auto") return make_cpu_backend();
      input_error("--device cuda requested but " + s.message);
    }
#ifdef FL_HAVE_CUDA
    return cuda_detail::make_cuda_backend();
#endif
  }
  input_error("unknown device '" + which + "' (use cpu, cuda or auto)");
}

}  // namespace fl
