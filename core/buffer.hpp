#pragma once
// Owning, device-tagged storage. Move-only: a copy is always an explicit call
// (to_host, Buffer::copy_of, Backend::copy), never an accident.
#include <cstring>
#include <utility>
#include <vector>

#include "core/backend.hpp"
#include "core/error.hpp"

namespace fl {

template <class T>
class Buffer {
 public:
  Buffer() = default;
  // Uninitialised storage for n elements on `backend`'s device.
  Buffer(Backend& backend, index_t n) : backend_(&backend), size_(n) {
    if (n < 0) throw std::invalid_argument("Buffer: negative size");
    if (n > 0) data_ = static_cast<T*>(backend.allocate(sizeof(T) * static_cast<std::size_t>(n)));
  }
  static Buffer zeros(Backend& backend, index_t n) {
    Buffer b(backend, n);
    if (n > 0) backend.memset_zero(b.data_, sizeof(T) * static_cast<std::size_t>(n));
    return b;
  }
  static Buffer from_host(Backend& backend, const std::vector<T>& host) {
    Buffer b(backend, static_cast<index_t>(host.size()));
    if (!host.empty()) backend.upload(host.data(), b.view());
    return b;
  }
  // An explicit deep copy on the same backend.
  static Buffer copy_of(const Buffer& other) {
    Buffer b(*other.backend_, other.size_);
    if (other.size_ > 0) other.backend_->copy(other.view(), b.view());
    return b;
  }

  // Scratch reuse: reallocate (uninitialised) on `backend` only when the size differs.
  void ensure_size(Backend& backend, index_t n) {
    if (size_ != n) *this = Buffer(backend, n);
  }

  ~Buffer() { release(); }
  Buffer(Buffer&& o) noexcept { swap(o); }
  Buffer& operator=(Buffer&& o) noexcept {
    if (this != &o) {
      release();
      swap(o);
    }
    return *this;
  }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  T* data() { return data_; }
  const T* data() const { return data_; }
  index_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  Backend& backend() const { return *backend_; }
  Device device() const { return backend_ ? backend_->device() : Device::cpu; }

  VectorView<T> view() { return {data_, size_, device()}; }
  VectorView<const T> view() const { return {data_, size_, device()}; }
  operator VectorView<T>() { return view(); }
  operator VectorView<const T>() const { return view(); }

  // Direct element access: host memory only.
  T& operator[](index_t i) { return data_[i]; }
  const T& operator[](index_t i) const { return data_[i]; }

  std::vector<T> to_host() const {
    std::vector<T> h(static_cast<std::size_t>(size_));
    if (size_ > 0) backend_->download(view(), h.data());
    return h;
  }

 private:
  void release() noexcept {
    if (data_) backend_->deallocate(data_);
    data_ = nullptr;
    size_ = 0;
  }
  void swap(Buffer& o) noexcept {
    std::swap(backend_, o.backend_);
    std::swap(data_, o.data_);
    std::swap(size_, o.size_);
  }

  Backend* backend_ = nullptr;
  T* data_ = nullptr;
  index_t size_ = 0;
};

// Column-major owning matrix.
template <class T>
class Matrix {
 public:
  Matrix() = default;
  Matrix(Backend& backend, index_t rows, index_t cols)
      : buf_(backend, checked_size(rows, cols)), rows_(rows), cols_(cols) {}
  static Matrix zeros(Backend& backend, index_t rows, index_t cols) {
    Matrix m;
    m.buf_ = Buffer<T>::zeros(backend, checked_size(rows, cols));
    m.rows_ = rows;
    m.cols_ = cols;
    return m;
  }
  // `host` is column-major, rows*cols long.
  static Matrix from_host(Backend& backend, index_t rows, index_t cols, const std::vector<T>& host) {
    if (static_cast<index_t>(host.size()) != checked_size(rows, cols))
      throw std::invalid_argument("Matrix::from_host: size mismatch");
    Matrix m;
    m.buf_ = Buffer<T>::from_host(backend, host);
    m.rows_ = rows;
    m.cols_ = cols;
    return m;
  }
  static Matrix copy_of(const Matrix& other) {
    Matrix m;
    m.buf_ = Buffer<T>::copy_of(other.buf_);
    m.rows_ = other.rows_;
    m.cols_ = other.cols_;
    return m;
  }

  index_t rows() const { return rows_; }
  index_t cols() const { return cols_; }
  index_t size() const { return rows_ * cols_; }
  T* data() { return buf_.data(); }
  const T* data() const { return buf_.data(); }
  Backend& backend() const { return buf_.backend(); }
  Device device() const { return buf_.device(); }

  MatrixView<T> view() { return {buf_.data(), rows_, cols_, rows_, device()}; }
  MatrixView<const T> view() const { return {buf_.data(), rows_, cols_, rows_, device()}; }
  operator MatrixView<T>() { return view(); }
  operator MatrixView<const T>() const { return view(); }
  VectorView<T> flat() { return buf_.view(); }
  VectorView<const T> flat() const { return buf_.view(); }
  VectorView<T> col(index_t j) { return view().col(j); }
  VectorView<const T> col(index_t j) const { return view().col(j); }

  // Host memory only.
  T& operator()(index_t i, index_t j) { return buf_.data()[i + j * rows_]; }
  const T& operator()(index_t i, index_t j) const { return buf_.data()[i + j * rows_]; }

  std::vector<T> to_host() const { return buf_.to_host(); }  // column-major

 private:
  static index_t checked_size(index_t rows, index_t cols) {
    if (rows < 0 || cols < 0) throw std::invalid_argument("Matrix: negative dimension");
    return rows * cols;
  }
  Buffer<T> buf_;
  index_t rows_ = 0;
  index_t cols_ = 0;
};

// Copies of a buffer/matrix onto another backend (explicit device transfer).
template <class T>
Buffer<T> transfer(const Buffer<T>& src, Backend& dst_backend) {
  return Buffer<T>::from_host(dst_backend, src.to_host());
}
template <class T>
Matrix<T> transfer(const Matrix<T>& src, Backend& dst_backend) {
  return Matrix<T>::from_host(dst_backend, src.rows(), src.cols(), src.to_host());
}

}  // namespace fl
