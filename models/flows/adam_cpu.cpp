#include "models/flows/adam_cpu.hpp"

#include <Eigen/Core>
#include <cmath>
#include <stdexcept>

namespace fl::flows {

template <class T>
void adam_step_cpu(const AdamParams& p, std::int64_t step, VectorView<T> w, VectorView<const T> g, VectorView<T> m,
                   VectorView<T> v) {
  if (p.weight_decay != 0.0) throw std::invalid_argument("adam_step_cpu: weight decay is not supported");
  using Array = Eigen::Array<T, Eigen::Dynamic, 1>;
  const Eigen::Index n = w.size;
  Eigen::Map<Array> W(w.data, n), M(m.data, n), Vm(v.data, n);
  const Eigen::Map<const Array> G(g.data, n);
  const double bc1 = 1.0 - std::pow(p.beta1, static_cast<double>(step));
  const double bc2 = 1.0 - std::pow(p.beta2, static_cast<double>(step));
  // 1 - beta in double: float(1 - 0.999) is exact to 1e-8, 1 - float(0.999) only to 1e-5.
  const T b1 = static_cast<T>(p.beta1), b2 = static_cast<T>(p.beta2);
  const T c1 = static_cast<T>(1.0 - p.beta1), c2 = static_cast<T>(1.0 - p.beta2);
  M = b1 * M + c1 * G;
  Vm = b2 * Vm + c2 * G.square();
  const T step_size = static_cast<T>(p.learning_rate / bc1), inv_sqrt_bc2 = static_cast<T>(1.0 / std::sqrt(bc2));
  W -= step_size * M / (Vm.sqrt() * inv_sqrt_bc2 + static_cast<T>(p.eps));
}

template void adam_step_cpu<float>(const AdamParams&, std::int64_t, VectorView<float>, VectorView<const float>,
                                   VectorView<float>, VectorView<float>);
template void adam_step_cpu<double>(const AdamParams&, std::int64_t, VectorView<double>, VectorView<const double>,
                                    VectorView<double>, VectorView<double>);

}  // namespace fl::flows
