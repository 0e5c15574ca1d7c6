#pragma once
// NumPy .npy files (format versions 1.0-3.0): the array format every run directory
// uses and the format of the shared BCDMS data. Reading validates the header strictly
// and throws InputError naming the file and the problem.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace fl {

enum class NpyType : std::uint8_t { f32, f64, i32, i64, u8, u32, boolean };

struct NpyArray {
  NpyType type = NpyType::f64;
  std::vector<std::int64_t> shape;  // as in the file (C-order meaning)
  bool fortran_order = false;
  std::vector<unsigned char> bytes;  // raw little-endian payload

  std::int64_t size() const;  // product of shape (1 for a 0-d array)
  // Converting accessors. Values are returned in C (row-major) order, whatever the file's
  // order, so element [i0, i1, ...] sits at the usual row-major index.
  std::vector<double> to_f64() const;
  std::vector<float> to_f32() const;
  std::vector<std::int64_t> to_i64() const;
  std::vector<std::uint8_t> to_u8() const;  // only for u8/bool data (no narrowing)
};

NpyArray read_npy(const std::filesystem::path& path);

// Writes atomically (temporary file + rename). `shape` is in C order and `data` is in C
// (row-major) order unless fortran_order is true.
void write_npy(const std::filesystem::path& path, const std::vector<double>& data,
               const std::vector<std::int64_t>& shape, bool fortran_order = false);
void write_npy(const std::filesystem::path& path, const std::vector<float>& data,
               const std::vector<std::int64_t>& shape, bool fortran_order = false);
void write_npy(const std::filesystem::path& path, const std::vector<std::int32_t>& data,
               const std::vector<std::int64_t>& shape, bool fortran_order = false);
void write_npy(const std::filesystem::path& path, const std::vector<std::int64_t>& data,
               const std::vector<std::int64_t>& shape, bool fortran_order = false);
void write_npy(const std::filesystem::path& path, const std::vector<std::uint8_t>& data,
               const std::vector<std::int64_t>& shape, bool fortran_order = false);

// Parses an in-memory .npy image (what read_npy does after reading the file); `name`
// appears in error messages. Exposed for the fuzzer.
NpyArray parse_npy(const unsigned char* data, std::size_t size, const std::string& name);

}  // namespace fl
