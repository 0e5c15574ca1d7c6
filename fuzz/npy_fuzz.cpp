// libFuzzer target for the .npy parser: any byte string must either parse into a
// self-consistent array or be rejected with fl::InputError; nothing else may happen
// (other exceptions, crashes and sanitizer reports are findings).
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "core/error.hpp"
#include "core/io/npy.hpp"

namespace {

std::size_t itemsize(fl::NpyType t) {
  switch (t) {
    case fl::NpyType::f64:
    case fl::NpyType::i64: return 8;
    case fl::NpyType::f32:
    case fl::NpyType::i32:
    case fl::NpyType::u32: return 4;
    case fl::NpyType::u8:
    case fl::NpyType::boolean: return 1;
  }
  std::abort();
}

// Accessors that may legitimately refuse a conversion with InputError.
template <class F>
void allow_input_error(F&& f) {
  try {
    f();
  } catch (const fl::InputError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fl::NpyArray a;
  try {
    a = fl::parse_npy(data, size, "fuzz.npy");
  } catch (const fl::InputError&) {
    return 0;
  }
  const auto n = static_cast<std::size_t>(a.size());
  if (a.bytes.size() != n * itemsize(a.type)) std::abort();
  if (a.to_f64().size() != n || a.to_f32().size() != n) std::abort();
  allow_input_error([&] {
    if (a.to_i64().size() != n) std::abort();
  });
  allow_input_error([&] {
    if (a.to_u8().size() != n) std::abort();
  });
  return 0;
}
