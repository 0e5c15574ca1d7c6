#include "core/io/npy.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string_view>
#include <tuple>
#include <utility>

#include "core/error.hpp"
#include "core/io/files.hpp"

namespace fl {

namespace {

constexpr unsigned char kMagic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
// Refuse absurd headers before allocating anything (numpy itself caps them at 10 kB by default).
constexpr std::size_t kMaxHeaderLength = 1 << 20;

struct TypeInfo {
  NpyType type;
  const char* code;  // descr without the byte-order character
  std::size_t itemsize;
  const char* numpy_name;
};

constexpr TypeInfo kTypes[] = {
    {NpyType::f32, "f4", 4, "float32"}, {NpyType::f64, "f8", 8, "float64"},
    {NpyType::i32, "i4", 4, "int32"},   {NpyType::i64, "i8", 8, "int64"},
    {NpyType::u8, "u1", 1, "uint8"},    {NpyType::u32, "u4", 4, "uint32"},
    {NpyType::boolean, "b1", 1, "bool"},
};

const TypeInfo& info(NpyType t) {
  for (const auto& ti : kTypes)
    if (ti.type == t) return ti;
  throw std::logic_error("npy: unknown NpyType");
}

[[noreturn]] void malformed(const std::string& name, const std::string& problem) {
  throw InputError(name + ": " + problem);
}

// --- header dictionary parser --------------------------------------------------------------
// The header is a Python dict literal, e.g. {'descr': '<f8', 'fortran_order': False,
// 'shape': (248, 50), }. We accept exactly that grammar: string keys, and values that are a
// string, True/False or a tuple of non-negative integers.
class HeaderParser {
 public:
  HeaderParser(std::string_view text, const std::string& name) : s_(text), name_(name) {}

  void parse(std::string& descr, bool& fortran, std::vector<std::int64_t>& shape) {
    bool have_descr = false, have_order = false, have_shape = false;
    skip_spaces();
    expect('{');
    skip_spaces();
    while (peek() != '}') {
      const std::string key = parse_string();
      skip_spaces();
      expect(':');
      skip_spaces();
      if (key == "descr") {
        if (have_descr) fail("duplicate key 'descr'");
        descr = parse_string();
        have_descr = true;
      } else if (key == "fortran_order") {
        if (have_order) fail("duplicate key 'fortran_order'");
        fortran = parse_bool();
        have_order = true;
      } else if (key == "shape") {
        if (have_shape) fail("duplicate key 'shape'");
        shape = parse_shape();
        have_shape = true;
      } else {
        fail("unexpected key '" + key + "'");
      }
      skip_spaces();
      if (peek() == ',') {
        ++pos_;
        skip_spaces();
      } else if (peek() != '}') {
        fail("expected ',' or '}'");
      }
    }
    ++pos_;  // '}'
    if (!have_descr) fail("missing key 'descr'");
    if (!have_order) fail("missing key 'fortran_order'");
    if (!have_shape) fail("missing key 'shape'");
    // Only space padding may follow the dict (the final newline was checked by the caller).
    for (; pos_ < s_.size(); ++pos_)
      if (s_[pos_] != ' ') fail("unexpected characters after the header dictionary");
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    malformed(name_, "malformed .npy header: " + what + " (at offset " + std::to_string(pos_) +
                         " of header)");
  }
  char peek() const {
    if (pos_ >= s_.size()) fail("unexpected end of header");
    return s_[pos_];
  }
  void expect(char c) {
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++pos_;
  }
  void skip_spaces() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t')) ++pos_;
  }
  std::string parse_string() {
    const char quote = peek();
    if (quote != '\'' && quote != '"') fail("expected a quoted string");
    ++pos_;
    const std::size_t start = pos_;
    while (peek() != quote) {
      if (s_[pos_] == '\\') fail("escape sequences are not supported in header strings");
      ++pos_;
    }
    return std::string(s_.substr(start, pos_++ - start));
  }
  bool parse_bool() {
    if (s_.substr(pos_, 4) == "True") {
      pos_ += 4;
      return true;
    }
    if (s_.substr(pos_, 5) == "False") {
      pos_ += 5;
      return false;
    }
    fail("fortran_order must be True or False");
  }
  std::int64_t parse_dim() {
    if (peek() < '0' || peek() > '9') fail("shape entries must be non-negative integers");
    std::int64_t v = 0;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') {
      const int digit = s_[pos_++] - '0';
      if (v > (std::numeric_limits<std::int64_t>::max() - digit) / 10)
        fail("shape entry too large");
      v = v * 10 + digit;
    }
    if (peek() == 'L') ++pos_;  // Python 2 long suffix, written by old numpy
    return v;
  }
  // "()", "(n,)", "(n, m)", "(n, m,)"; a one-element tuple needs its comma.
  std::vector<std::int64_t> parse_shape() {
    expect('(');
    skip_spaces();
    std::vector<std::int64_t> shape;
    bool trailing_comma = false;
    while (peek() != ')') {
      shape.push_back(parse_dim());
      skip_spaces();
      trailing_comma = false;
      if (peek() == ',') {
        ++pos_;
        trailing_comma = true;
        skip_spaces();
      } else if (peek() != ')') {
        fail("expected ',' or ')' in shape");
      }
    }
    ++pos_;
    if (shape.size() == 1 && !trailing_comma) fail("shape (n) is not a tuple; expected (n,)");
    if (shape.size() > 32) fail("more than 32 dimensions");
    return shape;
  }

  std::string_view s_;
  const std::string& name_;
  std::size_t pos_ = 0;
};

// descr -> type, and whether the payload is big-endian.
std::pair<NpyType, bool> parse_descr(const std::string& descr, const std::string& name) {
  if (descr.size() == 3) {
    const char order = descr[0];
    const std::string code = descr.substr(1);
    for (const auto& ti : kTypes) {
      if (code != ti.code) continue;
      if (ti.itemsize == 1 && (order == '|' || order == '<' || order == '>'))
        return {ti.type, false};
      if (ti.itemsize > 1 && (order == '<' || order == '>')) return {ti.type, order == '>'};
    }
  }
  malformed(name, "unsupported dtype '" + descr +
                      "' (supported: <f4 <f8 <i4 <i8 |u1 <u4 |b1 and their '>' variants)");
}

std::uint64_t read_le(const unsigned char* p, int n) {
  std::uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// Element offsets: C-order index -> index in the stored (Fortran-order) payload.
template <class Fn>
void for_each_in_c_order(const std::vector<std::int64_t>& shape, bool fortran, Fn&& fn) {
  std::int64_t n = 1;
  for (auto d : shape) n *= d;
  if (!fortran || shape.size() < 2) {
    for (std::int64_t i = 0; i < n; ++i) fn(i);
    return;
  }
  // Fortran strides (in elements) and an odometer over the C-order multi-index.
  const std::size_t rank = shape.size();
  std::vector<std::int64_t> stride(rank), idx(rank, 0);
  std::int64_t s = 1;
  for (std::size_t k = 0; k < rank; ++k) {
    stride[k] = s;
    s *= shape[k];
  }
  std::int64_t offset = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    fn(offset);
    for (std::size_t k = rank; k-- > 0;) {  // last axis varies fastest in C order
      ++idx[k];
      offset += stride[k];
      if (idx[k] < shape[k]) break;
      offset -= stride[k] * idx[k];
      idx[k] = 0;
    }
  }
}

// Gathers the payload (stored element type S, little-endian after parsing) in C order as T.
template <class T, class S>
std::vector<T> gather(const NpyArray& a) {
  std::vector<T> out;
  out.reserve(static_cast<std::size_t>(a.size()));
  for_each_in_c_order(a.shape, a.fortran_order, [&](std::int64_t i) {
    S v;
    std::memcpy(&v, a.bytes.data() + i * sizeof(S), sizeof(S));
    out.push_back(static_cast<T>(v));
  });
  return out;
}

template <class T>
std::vector<T> convert(const NpyArray& a) {
  static_assert(std::endian::native == std::endian::little, "npy code assumes a little-endian host");
  if (a.bytes.size() != static_cast<std::size_t>(a.size()) * info(a.type).itemsize)
    throw std::logic_error("NpyArray: payload size does not match its shape");
  switch (a.type) {
    case NpyType::f32: return gather<T, float>(a);
    case NpyType::f64: return gather<T, double>(a);
    case NpyType::i32: return gather<T, std::int32_t>(a);
    case NpyType::i64: return gather<T, std::int64_t>(a);
    case NpyType::u8:
    case NpyType::boolean: return gather<T, std::uint8_t>(a);
    case NpyType::u32: return gather<T, std::uint32_t>(a);
  }
  throw std::logic_error("npy: unknown NpyType");
}

std::string shape_repr(const std::vector<std::int64_t>& shape) {
  std::string s = "(";
  for (std::size_t k = 0; k < shape.size(); ++k) {
    if (k) s += ", ";
    s += std::to_string(shape[k]);
  }
  if (shape.size() == 1) s += ",";
  return s + ")";
}

template <class T>
void write_npy_impl(const std::filesystem::path& path, const std::vector<T>& data,
                    const std::vector<std::int64_t>& shape, bool fortran, NpyType type) {
  if (shape.size() > 32) throw std::invalid_argument("write_npy " + path.string() + ": rank > 32");
  std::int64_t n = 1;
  for (auto d : shape) {
    if (d < 0 || (d > 0 && n > std::numeric_limits<std::int64_t>::max() / d))
      throw std::invalid_argument("write_npy " + path.string() + ": bad shape " + shape_repr(shape));
    n *= d;
  }
  if (static_cast<std::int64_t>(data.size()) != n)
    throw std::invalid_argument("write_npy " + path.string() + ": " + std::to_string(data.size()) +
                                " values for shape " + shape_repr(shape));
  const TypeInfo& ti = info(type);
  std::string dict = std::string("{'descr': '") + (ti.itemsize == 1 ? '|' : '<') + ti.code +
                     "', 'fortran_order': " + (fortran ? "True" : "False") +
                     ", 'shape': " + shape_repr(shape) + ", }";
  // Pad with spaces so that the payload starts at a multiple of 64 bytes; end with '\n'.
  // Version 1.0 suffices: with at most 32 dimensions the header stays far below 64 kB.
  constexpr std::size_t prefix = 10;
  const std::size_t total = (prefix + dict.size() + 1 + 63) / 64 * 64;
  dict.append(total - prefix - dict.size() - 1, ' ');
  dict += '\n';

  std::string image(reinterpret_cast<const char*>(kMagic), 6);
  image += '\x01';
  image += '\0';
  image += static_cast<char>(dict.size() & 0xff);
  image += static_cast<char>(dict.size() >> 8);
  image += dict;
  image.append(reinterpret_cast<const char*>(data.data()), data.size() * sizeof(T));
  write_text_atomic(path, image);
}

}  // namespace

std::int64_t NpyArray::size() const {
  std::int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

std::vector<double> NpyArray::to_f64() const { return convert<double>(*this); }
std::vector<float> NpyArray::to_f32() const { return convert<float>(*this); }

std::vector<std::int64_t> NpyArray::to_i64() const {
  if (type == NpyType::f32 || type == NpyType::f64) {
    // Floats are accepted only when every value is an integer that fits.
    std::vector<double> v = to_f64();
    std::vector<std::int64_t> out(v.size());
    for (std::size_t k = 0; k < v.size(); ++k) {
      if (!(std::trunc(v[k]) == v[k] && std::abs(v[k]) < 0x1p63))
        throw InputError("npy: " + std::string(info(type).numpy_name) + " value " +
                         std::to_string(v[k]) + " at index " + std::to_string(k) +
                         " is not an integer");
      out[k] = static_cast<std::int64_t>(v[k]);
    }
    return out;
  }
  return convert<std::int64_t>(*this);
}

std::vector<std::uint8_t> NpyArray::to_u8() const {
  if (type != NpyType::u8 && type != NpyType::boolean)
    throw InputError(std::string("npy: expected uint8 or bool data, found ") + info(type).numpy_name);
  return convert<std::uint8_t>(*this);
}

NpyArray parse_npy(const unsigned char* data, std::size_t size, const std::string& name) {
  if (size < 6 || std::memcmp(data, kMagic, 6) != 0) malformed(name, "not a .npy file (bad magic)");
  if (size < 10) malformed(name, "truncated .npy header");
  const int major = data[6], minor = data[7];
  if (major < 1 || major > 3 || minor != 0)
    malformed(name, "unsupported .npy version " + std::to_string(major) + "." + std::to_string(minor));
  const std::size_t len_bytes = major == 1 ? 2 : 4;
  if (size < 8 + len_bytes) malformed(name, "truncated .npy header");
  const std::size_t header_len = read_le(data + 8, static_cast<int>(len_bytes));
  const std::size_t header_start = 8 + len_bytes;
  if (header_len > kMaxHeaderLength) malformed(name, "implausible .npy header length " + std::to_string(header_len));
  if (size - header_start < header_len) malformed(name, "truncated .npy header");
  const std::string_view header(reinterpret_cast<const char*>(data + header_start), header_len);
  if (header.empty() || header.back() != '\n') malformed(name, "malformed .npy header: missing final newline");
  for (char c : header)
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t')
      malformed(name, "malformed .npy header: control character");

  NpyArray a;
  std::string descr;
  HeaderParser(header.substr(0, header.size() - 1), name).parse(descr, a.fortran_order, a.shape);
  bool big_endian = false;
  std::tie(a.type, big_endian) = parse_descr(descr, name);

  const std::size_t itemsize = info(a.type).itemsize;
  const std::size_t payload = size - header_start - header_len;
  // Element count with overflow checks: the payload must hold exactly size * itemsize bytes.
  std::uint64_t n = 1;
  for (auto d : a.shape) {
    if (d != 0 && n > std::numeric_limits<std::uint64_t>::max() / itemsize / static_cast<std::uint64_t>(d))
      malformed(name, "shape " + shape_repr(a.shape) + " is too large");
    n *= static_cast<std::uint64_t>(d);
  }
  if (n * itemsize != payload)
    malformed(name, "payload of " + std::to_string(payload) + " bytes does not match shape " +
                        shape_repr(a.shape) + " of " + descr + " (" + std::to_string(n * itemsize) +
                        " bytes expected)");

  const unsigned char* body = data + header_start + header_len;
  a.bytes.assign(body, body + payload);
  if (big_endian)
    for (std::size_t i = 0; i < payload; i += itemsize) std::reverse(&a.bytes[i], &a.bytes[i] + itemsize);
  if (a.type == NpyType::boolean)
    for (std::size_t i = 0; i < payload; ++i)
      if (a.bytes[i] > 1) malformed(name, "bool payload holds a byte other than 0 or 1 at element " + std::to_string(i));
  return a;
}

NpyArray read_npy(const std::filesystem::path& path) {
  const std::string image = read_text(path);
  return parse_npy(reinterpret_cast<const unsigned char*>(image.data()), image.size(), path.string());
}

void write_npy(const std::filesystem::path& path, const std::vector<double>& data,
               const std::vector<std::int64_t>& shape, bool fortran_order) {
  write_npy_impl(path, data, shape, fortran_order, NpyType::f64);
}
void write_npy(const std::filesystem::path& path, const std::vector<float>& data,
               const std::vector<std::int64_t>& shape, bool fortran_order) {
  write_npy_impl(path, data, shape, fortran_order, NpyType::f32);
}
void write_npy(const std::filesystem::path& path, const std::vector<std::int32_t>& data,
               const std::vector<std::int64_t>& shape, bool fortran_order) {
  write_npy_impl(path, data, shape, fortran_order, NpyType::i32);
}
void write_npy(const std::filesystem::path& path, const std::vector<std::int64_t>& data,
               const std::vector<std::int64_t>& shape, bool fortran_order) {
  write_npy_impl(path, data, shape, fortran_order, NpyType::i64);
}
void write_npy(const std::filesystem::path& path, const std::vector<std::uint8_t>& data,
               const std::vector<std::int64_t>& shape, bool fortran_order) {
  write_npy_impl(path, data, shape, fortran_order, NpyType::u8);
}

}  // namespace fl
