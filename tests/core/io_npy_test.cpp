// .npy reader/writer: round trips for every dtype and both orders, interoperability with
// numpy (when python3 + numpy are installed), hand-built byte images (valid and malformed),
// and the shared BCDMS FK table.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <numeric>

#include "core/error.hpp"
#include "core/io/files.hpp"
#include "core/io/npy.hpp"
#include "io_test_util.hpp"

namespace {

using fl::NpyArray;
using fl::NpyType;
using fl::testing::ScratchDir;
using Shape = std::vector<std::int64_t>;

// C-order values -> the same array laid out in Fortran order.
template <class T>
std::vector<T> to_fortran(const std::vector<T>& c, const Shape& shape) {
  std::vector<T> f(c.size());
  const std::size_t rank = shape.size();
  for (std::size_t i = 0; i < c.size(); ++i) {
    std::size_t rest = i, fidx = 0, fstride = 1;
    std::vector<std::size_t> idx(rank);
    for (std::size_t k = rank; k-- > 0;) {
      idx[k] = rest % shape[k];
      rest /= shape[k];
    }
    for (std::size_t k = 0; k < rank; ++k) {
      fidx += idx[k] * fstride;
      fstride *= shape[k];
    }
    f[fidx] = c[i];
  }
  return f;
}

template <class T>
std::vector<T> test_values(std::int64_t n) {
  std::vector<T> v(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    if constexpr (std::is_floating_point_v<T>)
      v[i] = static_cast<T>(std::sin(1.0 + i) * std::pow(10.0, static_cast<double>(i % 7) - 3));
    else if constexpr (std::is_same_v<T, std::uint8_t>)
      v[i] = static_cast<T>((i * 37) % 256);
    else
      v[i] = static_cast<T>((i % 2 ? -1 : 1) * (i * 1000003 + 7));
  }
  return v;
}

template <class T>
std::vector<T> read_back(const NpyArray& a);
template <>
std::vector<double> read_back(const NpyArray& a) { return a.to_f64(); }
template <>
std::vector<float> read_back(const NpyArray& a) { return a.to_f32(); }
template <>
std::vector<std::int32_t> read_back(const NpyArray& a) {
  std::vector<std::int32_t> out;
  for (auto v : a.to_i64()) out.push_back(static_cast<std::int32_t>(v));
  return out;
}
template <>
std::vector<std::int64_t> read_back(const NpyArray& a) { return a.to_i64(); }
template <>
std::vector<std::uint8_t> read_back(const NpyArray& a) { return a.to_u8(); }

template <class T>
void check_round_trip(NpyType expected_type) {
  ScratchDir dir;
  const std::vector<Shape> shapes = {{}, {0}, {7}, {3, 4}, {2, 3, 5}, {2, 1, 3, 2}, {0, 4}};
  for (const Shape& shape : shapes) {
    const std::int64_t n = std::accumulate(shape.begin(), shape.end(), std::int64_t{1},
                                           std::multiplies<>());
    const std::vector<T> c_order = test_values<T>(n);
    for (bool fortran : {false, true}) {
      SCOPED_TRACE("rank " + std::to_string(shape.size()) + (fortran ? " Fortran" : " C"));
      const auto file = dir / "a.npy";
      fl::write_npy(file, fortran ? to_fortran(c_order, shape) : c_order, shape, fortran);
      const NpyArray a = fl::read_npy(file);
      EXPECT_EQ(a.type, expected_type);
      EXPECT_EQ(a.shape, shape);
      EXPECT_EQ(a.fortran_order, fortran);
      EXPECT_EQ(a.size(), n);
      EXPECT_EQ(read_back<T>(a), c_order);  // exact: no conversion loss for the own type
      // The payload starts on a 64-byte boundary, as numpy writes it.
      const std::string image = fl::read_text(file);
      EXPECT_EQ((image.size() - a.bytes.size()) % 64, 0u);
    }
  }
}

TEST(Npy, RoundTripFloat64) { check_round_trip<double>(NpyType::f64); }
TEST(Npy, RoundTripFloat32) { check_round_trip<float>(NpyType::f32); }
TEST(Npy, RoundTripInt32) { check_round_trip<std::int32_t>(NpyType::i32); }
TEST(Npy, RoundTripInt64) { check_round_trip<std::int64_t>(NpyType::i64); }
TEST(Npy, RoundTripUint8) { check_round_trip<std::uint8_t>(NpyType::u8); }

TEST(Npy, ConvertingAccessors) {
  ScratchDir dir;
  fl::write_npy(dir / "i.npy", std::vector<std::int32_t>{-3, 0, 5}, {3});
  const NpyArray ints = fl::read_npy(dir / "i.npy");
  EXPECT_EQ(ints.to_f64(), (std::vector<double>{-3.0, 0.0, 5.0}));
  EXPECT_EQ(ints.to_f32(), (std::vector<float>{-3.0f, 0.0f, 5.0f}));
  EXPECT_THROW(ints.to_u8(), fl::InputError);  // no silent narrowing to bytes

  fl::write_npy(dir / "f.npy", std::vector<double>{2.0, -7.0, 1e15}, {3});
  EXPECT_EQ(fl::read_npy(dir / "f.npy").to_i64(), (std::vector<std::int64_t>{2, -7, 1000000000000000}));
  fl::write_npy(dir / "g.npy", std::vector<double>{2.0, 2.5}, {2});
  EXPECT_THROW(fl::read_npy(dir / "g.npy").to_i64(), fl::InputError);
  fl::write_npy(dir / "h.npy", std::vector<double>{NAN}, {1});
  EXPECT_THROW(fl::read_npy(dir / "h.npy").to_i64(), fl::InputError);
}

TEST(Npy, WriterRejectsInconsistentShape) {
  ScratchDir dir;
  EXPECT_THROW(fl::write_npy(dir / "a.npy", std::vector<double>(5), {2, 3}), std::invalid_argument);
  EXPECT_THROW(fl::write_npy(dir / "a.npy", std::vector<double>(0), {-1}), std::invalid_argument);
  EXPECT_FALSE(std::filesystem::exists(dir / "a.npy"));
}

TEST(Npy, MissingFileIsInputError) {
  ScratchDir dir;
  try {
    fl::read_npy(dir / "absent.npy");
    FAIL() << "no exception";
  } catch (const fl::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("absent.npy"), std::string::npos) << e.what();
  }
}

// --- hand-built images --------------------------------------------------------------------

// A .npy image with the given version, header dict text (newline appended) and payload.
std::string image(const std::string& dict, const std::string& payload, int major = 1) {
  std::string header = dict + "\n";
  std::string out = "\x93NUMPY";
  out += static_cast<char>(major);
  out += '\0';
  const int len_bytes = major == 1 ? 2 : 4;
  for (int k = 0; k < len_bytes; ++k) out += static_cast<char>((header.size() >> (8 * k)) & 0xff);
  return out + header + payload;
}

template <class T>
std::string bytes_of(const std::vector<T>& v, bool big_endian = false) {
  std::string s;
  for (T x : v) {
    char b[sizeof(T)];
    std::memcpy(b, &x, sizeof(T));
    if (big_endian) std::reverse(b, b + sizeof(T));
    s.append(b, sizeof(T));
  }
  return s;
}

NpyArray parse(const std::string& img) {
  return fl::parse_npy(reinterpret_cast<const unsigned char*>(img.data()), img.size(), "mem.npy");
}

TEST(Npy, ParsesVersions2And3) {
  const std::string dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }";
  for (int major : {1, 2, 3}) {
    const NpyArray a = parse(image(dict, bytes_of<double>({1.5, -2.0}), major));
    EXPECT_EQ(a.to_f64(), (std::vector<double>{1.5, -2.0})) << "version " << major;
  }
}

TEST(Npy, ParsesHeaderVariants) {
  // Double quotes, another key order, no trailing comma, padding, Python 2 long suffix.
  const NpyArray a = parse(image(
      "{\"shape\": (2L, 3L), \"fortran_order\": True, \"descr\": \"<i8\"}          ",
      bytes_of<std::int64_t>({1, 4, 2, 5, 3, 6})));
  EXPECT_EQ(a.shape, (Shape{2, 3}));
  EXPECT_EQ(a.to_i64(), (std::vector<std::int64_t>{1, 2, 3, 4, 5, 6}));
  // Tuples without spaces and with a trailing comma.
  EXPECT_EQ(parse(image("{'descr':'|u1','fortran_order':False,'shape':(1,2,),}", "\x07\x09")).to_u8(),
            (std::vector<std::uint8_t>{7, 9}));
}

TEST(Npy, ParsesEveryDtypeInBothByteOrders) {
  const auto check = [](const std::string& descr, const std::string& payload,
                        const std::vector<double>& expected, NpyType type) {
    const NpyArray a =
        parse(image("{'descr': '" + descr + "', 'fortran_order': False, 'shape': (3,), }", payload));
    EXPECT_EQ(a.type, type) << descr;
    EXPECT_EQ(a.to_f64(), expected) << descr;
  };
  for (bool big : {false, true}) {
    const std::string o = big ? ">" : "<";
    check(o + "f4", bytes_of<float>({0.5f, -1.25f, 3e8f}, big), {0.5, -1.25, 3e8f}, NpyType::f32);
    check(o + "f8", bytes_of<double>({0.1, -2.0, 1e300}, big), {0.1, -2.0, 1e300}, NpyType::f64);
    check(o + "i4", bytes_of<std::int32_t>({-5, 0, 2147483647}, big), {-5, 0, 2147483647}, NpyType::i32);
    check(o + "i8", bytes_of<std::int64_t>({-5, 1LL << 40, 3}, big), {-5, 1099511627776.0, 3},
          NpyType::i64);
    check(o + "u4", bytes_of<std::uint32_t>({0, 7, 4294967295u}, big), {0, 7, 4294967295.0}, NpyType::u32);
  }
  check("|u1", std::string("\x00\x80\xff", 3), {0, 128, 255}, NpyType::u8);
  check("|b1", std::string("\x01\x00\x01", 3), {1, 0, 1}, NpyType::boolean);
}

// Each malformed image must be rejected with an InputError naming the file and the problem.
void expect_rejected(const std::string& img, const std::string& problem) {
  try {
    parse(img);
    ADD_FAILURE() << "accepted a malformed image; expected: " << problem;
  } catch (const fl::InputError& e) {
    const std::string msg = e.what();
    EXPECT_EQ(msg.rfind("mem.npy: ", 0), 0u) << msg;
    EXPECT_NE(msg.find(problem), std::string::npos) << "message: " << msg << "\nexpected: " << problem;
  }
}

TEST(Npy, RejectsMalformedImages) {
  const std::string ok_dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }";
  const std::string ok_payload = bytes_of<double>({1.0, 2.0});
  ASSERT_NO_THROW(parse(image(ok_dict, ok_payload)));
  const auto with = [&](const std::string& dict) { return image(dict, ok_payload); };

  expect_rejected("", "bad magic");
  expect_rejected("\x93NUMPZ\x01\x00\x10\x00", "bad magic");
  expect_rejected("\x93NUMP", "bad magic");
  expect_rejected(std::string("\x93NUMPY\x01", 7), "truncated .npy header");
  expect_rejected("GARBAGE" + image(ok_dict, ok_payload), "bad magic");
  std::string v4 = image(ok_dict, ok_payload);
  v4[6] = 4;
  expect_rejected(v4, "unsupported .npy version 4.0");
  std::string v11 = image(ok_dict, ok_payload);
  v11[7] = 1;
  expect_rejected(v11, "unsupported .npy version 1.1");
  expect_rejected(image(ok_dict, ok_payload, 2).substr(0, 10), "truncated .npy header");
  expect_rejected(image(ok_dict, ok_payload).substr(0, 30), "truncated .npy header");
  std::string huge_len = image(ok_dict, ok_payload, 2);
  huge_len[11] = '\x7f';
  expect_rejected(huge_len, "implausible .npy header length");

  // Header text.
  std::string no_newline = image(ok_dict, ok_payload);
  no_newline[10 + ok_dict.size()] = ' ';
  expect_rejected(no_newline, "missing final newline");
  expect_rejected(with("{'descr': '<f8', 'fortran_order': False}"), "missing key 'shape'");
  expect_rejected(with("{'shape': (2,), 'fortran_order': False}"), "missing key 'descr'");
  expect_rejected(with("{'descr': '<f8', 'shape': (2,)}"), "missing key 'fortran_order'");
  expect_rejected(with("{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (2,)}"),
                  "duplicate key 'descr'");
  expect_rejected(with("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'x': 1}"),
                  "unexpected key 'x'");
  expect_rejected(with("{'descr': '<f8', 'fortran_order': false, 'shape': (2,)}"),
                  "fortran_order must be True or False");
  expect_rejected(with("{'descr': '<f8', 'fortran_order': False, 'shape': (2)}"), "not a tuple");
  expect_rejected(with("{'descr': '<f8', 'fortran_order': False, 'shape': (-2,)}"),
                  "non-negative integers");
  expect_rejected(with("{'descr': '<f8', 'fortran_order': False, 'shape': (2.0,)}"),
                  "expected ',' or ')' in shape");
  expect_rejected(with("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,)}"),
                  "shape entry too large");
  expect_rejected(with("{'descr': '<f8', 'fortran_order': False, 'shape': [2]}"), "expected '('");
  expect_rejected(with("{'descr': '<f8' 'fortran_order': False, 'shape': (2,)}"), "expected ',' or '}'");
  expect_rejected(with("{'descr': '<f8', 'fortran_order': False, 'shape': (2,)} junk"),
                  "unexpected characters after the header dictionary");
  expect_rejected(with("{'descr': '<f8', 'fortran_order': False, 'shape': (2,)"),
                  "unexpected end of header");
  expect_rejected(with("{'descr: '<f8', 'fortran_order': False, 'shape': (2,)}"), "expected ':'");
  expect_rejected(with("{'de\\scr': '<f8'}"), "escape sequences");
  expect_rejected(with("{'descr':\x01'<f8', 'fortran_order': False, 'shape': (2,)}"), "control character");
  expect_rejected(with("['descr', '<f8']"), "expected '{'");

  // Types.
  for (const char* descr : {"<f2", "<c16", "f8", "|f8", "=f8", "<U3", "O", "<f8 ", "<u8", "|i1"})
    expect_rejected(with(std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': (2,)}"),
                    "unsupported dtype");
  expect_rejected(image("{'descr': '|b1', 'fortran_order': False, 'shape': (2,)}", "\x01\x02"),
                  "bool payload");

  // Payload size against the shape.
  expect_rejected(image(ok_dict, ok_payload.substr(0, 15)), "payload of 15 bytes does not match");
  expect_rejected(image(ok_dict, ok_payload + "x"), "payload of 17 bytes does not match");
  expect_rejected(with("{'descr': '<f8', 'fortran_order': False, 'shape': (3,)}"),
                  "does not match shape (3,)");
  expect_rejected(with("{'descr': '<f8', 'fortran_order': False, 'shape': ()}"), "does not match shape ()");
  expect_rejected(
      with("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296, 2)}"),
      "is too large");
}

// --- interoperability with numpy ----------------------------------------------------------

TEST(Npy, ReadsFilesWrittenByNumpy) {
  if (!fl::testing::numpy_available()) GTEST_SKIP() << "python3 with numpy not available";
  ScratchDir dir;
  ASSERT_EQ(fl::testing::run_python(dir.path(), R"(
a = (np.arange(24, dtype=np.float64).reshape(2, 3, 4) - 5.5) / 3.0
np.save('f8_c.npy', a)
np.save('f8_f.npy', np.asfortranarray(a))
np.save('f4_f.npy', np.asfortranarray(a.astype(np.float32)))
np.save('f8_be.npy', a.astype('>f8'))
np.save('i4.npy', np.arange(-6, 6, dtype=np.int32).reshape(3, 4))
np.save('i8_f.npy', np.asfortranarray(np.arange(12, dtype=np.int64).reshape(4, 3) * 10**12))
np.save('u1.npy', np.arange(250, 256, dtype=np.uint8))
np.save('u4.npy', np.array([0, 1, 2**32 - 1], dtype=np.uint32))
np.save('b1.npy', np.array([[True, False], [False, True]]))
np.save('scalar.npy', np.float64(2.5))
np.save('empty.npy', np.zeros((0, 3)))
with open('v2.npy', 'wb') as f:
    np.lib.format.write_array(f, a, version=(2, 0))
with open('v3.npy', 'wb') as f:
    np.lib.format.write_array(f, a, version=(3, 0))
)"),
            0);
  std::vector<double> a(24);
  for (int i = 0; i < 24; ++i) a[i] = (i - 5.5) / 3.0;
  for (const char* name : {"f8_c.npy", "f8_f.npy", "f8_be.npy", "v2.npy", "v3.npy"}) {
    const NpyArray x = fl::read_npy(dir / name);
    EXPECT_EQ(x.shape, (Shape{2, 3, 4})) << name;
    EXPECT_EQ(x.to_f64(), a) << name;
  }
  EXPECT_TRUE(fl::read_npy(dir / "f8_f.npy").fortran_order);
  std::vector<float> af(a.begin(), a.end());
  EXPECT_EQ(fl::read_npy(dir / "f4_f.npy").to_f32(), af);
  const NpyArray i4 = fl::read_npy(dir / "i4.npy");
  EXPECT_EQ(i4.type, NpyType::i32);
  std::vector<std::int64_t> expect_i4(12);
  std::iota(expect_i4.begin(), expect_i4.end(), -6);
  EXPECT_EQ(i4.to_i64(), expect_i4);
  std::vector<std::int64_t> expect_i8(12);
  for (int i = 0; i < 12; ++i) expect_i8[i] = i * 1000000000000LL;
  EXPECT_EQ(fl::read_npy(dir / "i8_f.npy").to_i64(), expect_i8);
  EXPECT_EQ(fl::read_npy(dir / "u1.npy").to_u8(), (std::vector<std::uint8_t>{250, 251, 252, 253, 254, 255}));
  EXPECT_EQ(fl::read_npy(dir / "u4.npy").to_i64(), (std::vector<std::int64_t>{0, 1, 4294967295}));
  const NpyArray b = fl::read_npy(dir / "b1.npy");
  EXPECT_EQ(b.type, NpyType::boolean);
  EXPECT_EQ(b.to_u8(), (std::vector<std::uint8_t>{1, 0, 0, 1}));
  const NpyArray s = fl::read_npy(dir / "scalar.npy");
  EXPECT_TRUE(s.shape.empty());
  EXPECT_EQ(s.to_f64(), std::vector<double>{2.5});
  const NpyArray e = fl::read_npy(dir / "empty.npy");
  EXPECT_EQ(e.shape, (Shape{0, 3}));
  EXPECT_TRUE(e.to_f64().empty());
}

TEST(Npy, NumpyReadsOurFiles) {
  if (!fl::testing::numpy_available()) GTEST_SKIP() << "python3 with numpy not available";
  ScratchDir dir;
  std::vector<double> a(24);
  for (int i = 0; i < 24; ++i) a[i] = (i - 5.5) / 3.0;
  const Shape shape{2, 3, 4};
  fl::write_npy(dir / "f8_c.npy", a, shape);
  fl::write_npy(dir / "f8_f.npy", to_fortran(a, shape), shape, true);
  fl::write_npy(dir / "f4.npy", std::vector<float>(a.begin(), a.end()), shape);
  fl::write_npy(dir / "i4.npy", std::vector<std::int32_t>{-1, 2, -3}, {3});
  fl::write_npy(dir / "i8.npy", std::vector<std::int64_t>{1LL << 50, -4}, {2, 1});
  fl::write_npy(dir / "u1.npy", std::vector<std::uint8_t>{0, 255}, {2});
  fl::write_npy(dir / "scalar.npy", std::vector<double>{2.5}, {});
  EXPECT_EQ(fl::testing::run_python(dir.path(), R"(
a = (np.arange(24, dtype=np.float64).reshape(2, 3, 4) - 5.5) / 3.0
c, f = np.load('f8_c.npy'), np.load('f8_f.npy')
assert c.dtype == np.float64 and np.array_equal(c, a) and c.flags.c_contiguous
assert f.dtype == np.float64 and np.array_equal(f, a) and f.flags.f_contiguous
x = np.load('f4.npy'); assert x.dtype == np.float32 and np.array_equal(x, a.astype(np.float32))
x = np.load('i4.npy'); assert x.dtype == np.int32 and x.tolist() == [-1, 2, -3]
x = np.load('i8.npy'); assert x.dtype == np.int64 and x.tolist() == [[2**50], [-4]]
x = np.load('u1.npy'); assert x.dtype == np.uint8 and x.tolist() == [0, 255]
x = np.load('scalar.npy'); assert x.shape == () and x == 2.5
)"),
            0);
}

TEST(Npy, ReadsSharedFkTable) {
  const std::filesystem::path file = std::filesystem::path(FL_SHARED_DATA_DIR) / "bcdms" / "FK.npy";
  if (!std::filesystem::exists(file)) GTEST_SKIP() << file << " not present";
  const NpyArray fk = fl::read_npy(file);
  EXPECT_EQ(fk.type, NpyType::f64);
  EXPECT_EQ(fk.shape, (Shape{248, 50}));
  const std::vector<double> v = fk.to_f64();
  ASSERT_EQ(v.size(), 248u * 50u);
  for (double x : v) ASSERT_TRUE(std::isfinite(x));
  // The same table survives our own write/read round trip bit for bit.
  ScratchDir dir;
  fl::write_npy(dir / "fk.npy", v, fk.shape);
  EXPECT_EQ(fl::read_npy(dir / "fk.npy").to_f64(), v);
}

}  // namespace
