#pragma once
// All trainable parameters of a model in one flat device buffer (so Adam, clipping and
// checkpoints see one vector), with a matching flat gradient buffer. Layers keep Slots.
#include <cstdint>
#include <string>
#include <vector>

#include "core/buffer.hpp"

namespace fl::vae {

struct ParamSlot {
  index_t offset = 0;
  index_t rows = 0;
  index_t cols = 0;
  double init_stddev = 0.0;  // N(0, stddev^2) initialisation; 0 = zeros
  std::string name;
};

template <class T>
class ParamSet {
 public:
  // Registration happens before allocate().
  ParamSlot add(std::string name, index_t rows, index_t cols, double init_stddev) {
    ParamSlot s{size_, rows, cols, init_stddev, std::move(name)};
    size_ += rows * cols;
    slots_.push_back(s);
    return s;
  }

  // Values drawn from their initial distributions (Philox key (seed, slot index)), grads 0.
  void allocate(Backend& backend, std::uint32_t seed) {
    backend_ = &backend;
    values_ = Buffer<T>(backend, size_);
    grads_ = Buffer<T>::zeros(backend, size_);
    for (std::size_t k = 0; k < slots_.size(); ++k) {
      const ParamSlot& s = slots_[k];
      VectorView<T> v = values_.view().segment(s.offset, s.rows * s.cols);
      if (s.init_stddev > 0)
        backend.fill_normal(v, PhiloxKey{seed, static_cast<std::uint32_t>(k)}, 0, T(0), T(s.init_stddev));
      else
        backend.fill(v, T(0));
    }
  }

  MatrixView<T> value(const ParamSlot& s) { return {values_.data() + s.offset, s.rows, s.cols, device()}; }
  MatrixView<T> grad(const ParamSlot& s) { return {grads_.data() + s.offset, s.rows, s.cols, device()}; }
  VectorView<T> value_vec(const ParamSlot& s) { return value(s).flat(); }
  VectorView<T> grad_vec(const ParamSlot& s) { return grad(s).flat(); }

  Buffer<T>& values() { return values_; }
  Buffer<T>& grads() { return grads_; }
  void zero_grads() { backend_->fill(grads_.view(), T(0)); }
  index_t size() const { return size_; }
  const std::vector<ParamSlot>& slots() const { return slots_; }
  Device device() const { return values_.device(); }

 private:
  Backend* backend_ = nullptr;
  std::vector<ParamSlot> slots_;
  index_t size_ = 0;
  Buffer<T> values_, grads_;
};

}  // namespace fl::vae
