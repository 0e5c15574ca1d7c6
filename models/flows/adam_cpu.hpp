#pragma once
// Adam for the flow trainer on the CPU: the same update as Backend::adam_step (PyTorch's
// Adam: m and v moments, bias corrections, eps added to sqrt(v_hat)), evaluated in the
// parameter precision with Eigen array expressions, which vectorise the square root and the
// division (the generic backend loop works in double and runs scalar).
#include <cstdint>

#include "core/backend.hpp"

namespace fl::flows {

template <class T>
void adam_step_cpu(const AdamParams& p, std::int64_t step, VectorView<T> w, VectorView<const T> g, VectorView<T> m,
                   VectorView<T> v);

}  // namespace fl::flows
