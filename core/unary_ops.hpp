#pragma once
// Element-wise maps and their derivatives, written once for the CPU and CUDA backends.
// Derivatives are with respect to the input x (what back-propagation needs).
#include <cmath>

#include "core/backend.hpp"
#include "core/hd.hpp"

namespace fl {

// Host code must reach the float overloads of <cmath> (unqualified calls would pick the C
// double functions); nvcc provides the same overloads in device code.
namespace unary_math {
using std::cos, std::erf, std::exp, std::fabs, std::log, std::log1p, std::sin, std::tanh;
}  // namespace unary_math

template <class T>
FL_HD T softplus(T x) {
  using namespace unary_math;
  // log(1 + e^x) without overflow: max(x, 0) + log1p(e^{-|x|})
  return (x > T(0) ? x : T(0)) + log1p(exp(-fabs(x)));
}

template <class T>
FL_HD T sigmoid(T x) {
  using namespace unary_math;
  // Evaluated on the side where exp cannot overflow.
  if (x >= T(0)) return T(1) / (T(1) + exp(-x));
  const T e = exp(x);
  return e / (T(1) + e);
}

template <class T>
FL_HD T apply_unary(UnaryOp op, T x) {
  using namespace unary_math;
  switch (op) {
    case UnaryOp::identity: return x;
    case UnaryOp::tanh: return tanh(x);
    case UnaryOp::relu: return x > T(0) ? x : T(0);
    case UnaryOp::sigmoid: return sigmoid(x);
    case UnaryOp::softplus: return softplus(x);
    case UnaryOp::exp: return exp(x);
    case UnaryOp::log: return log(x);
    case UnaryOp::square: return x * x;
    case UnaryOp::erf: return erf(x);
    case UnaryOp::sin: return sin(x);
    case UnaryOp::cos: return cos(x);
  }
  return x;
}

template <class T>
FL_HD T apply_unary_derivative(UnaryOp op, T x) {
  using namespace unary_math;
  switch (op) {
    case UnaryOp::identity: return T(1);
    case UnaryOp::tanh: {
      const T t = tanh(x);
      return T(1) - t * t;
    }
    case UnaryOp::relu: return x > T(0) ? T(1) : T(0);  // 0 at the kink, as PyTorch/JAX
    case UnaryOp::sigmoid: {
      const T s = sigmoid(x);
      return s * (T(1) - s);
    }
    case UnaryOp::softplus: return sigmoid(x);
    case UnaryOp::exp: return exp(x);
    case UnaryOp::log: return T(1) / x;
    case UnaryOp::square: return T(2) * x;
    case UnaryOp::erf: return T(1.1283791670955125738961589031215452) * exp(-x * x);  // 2/sqrt(pi)
    case UnaryOp::sin: return cos(x);
    case UnaryOp::cos: return -sin(x);
  }
  return T(1);
}

}  // namespace fl
