// Atomic text/JSON writes, read_text, and CsvTable (round-trip precision, column checks).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/io/files.hpp"
#include "io_test_util.hpp"

namespace {

using fl::testing::ScratchDir;

std::vector<std::string> directory_entries(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) names.push_back(e.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(Files, TextRoundTripIncludingBinaryBytes) {
  ScratchDir dir;
  std::string contents = "line 1\nline 2\r\n";
  for (int c = 0; c < 256; ++c) contents += static_cast<char>(c);
  fl::write_text_atomic(dir / "a.txt", contents);
  EXPECT_EQ(fl::read_text(dir / "a.txt"), contents);
  fl::write_text_atomic(dir / "empty.txt", "");
  EXPECT_EQ(fl::read_text(dir / "empty.txt"), "");
  // No temporary files are left behind.
  EXPECT_EQ(directory_entries(dir.path()), (std::vector<std::string>{"a.txt", "empty.txt"}));
}

TEST(Files, OverwriteReplacesWholeFile) {
  ScratchDir dir;
  fl::write_text_atomic(dir / "a.txt", std::string(10000, 'x'));
  fl::write_text_atomic(dir / "a.txt", "short");
  EXPECT_EQ(fl::read_text(dir / "a.txt"), "short");
}

TEST(Files, ConcurrentWritersNeverExposeMixedContents) {
  // Several threads replace the same file; every read sees one writer's complete contents.
  ScratchDir dir;
  const auto file = dir / "shared.txt";
  fl::write_text_atomic(file, std::string(4096, 'a'));
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t)
    writers.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) fl::write_text_atomic(file, std::string(4096, static_cast<char>('a' + t)));
    });
  for (int i = 0; i < 200; ++i) {
    const std::string s = fl::read_text(file);
    ASSERT_EQ(s.size(), 4096u);
    ASSERT_EQ(s.find_first_not_of(s[0]), std::string::npos);
  }
  for (auto& w : writers) w.join();
  EXPECT_EQ(directory_entries(dir.path()), std::vector<std::string>{"shared.txt"});
}

TEST(Files, ErrorsNameThePath) {
  ScratchDir dir;
  const auto expect_input_error = [](auto&& fn, const std::string& needle) {
    try {
      fn();
      ADD_FAILURE() << "no exception";
    } catch (const fl::InputError& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  expect_input_error([&] { fl::read_text(dir / "missing.txt"); }, "missing.txt");
  expect_input_error([&] { fl::read_text(dir.path()); }, "is a directory");
  expect_input_error([&] { fl::write_text_atomic(dir / "no_such_dir" / "a.txt", "x"); }, "no_such_dir");
  // Renaming onto an existing directory fails; the temporary file is cleaned up.
  std::filesystem::create_directory(dir / "taken");
  expect_input_error([&] { fl::write_text_atomic(dir / "taken", "x"); }, "taken");
  EXPECT_EQ(directory_entries(dir.path()), std::vector<std::string>{"taken"});
}

TEST(Files, JsonRoundTrip) {
  ScratchDir dir;
  nlohmann::json j;
  j["tau"] = 0.1 + 0.2;
  j["nested"]["n"] = 42;
  j["list"] = {1.5, -2.25e-300, 1e300};
  j["name"] = "ising \"2d\"";
  fl::write_json_atomic(dir / "m.json", j);
  const std::string text = fl::read_text(dir / "m.json");
  EXPECT_EQ(text.back(), '\n');
  const nlohmann::json back = nlohmann::json::parse(text);
  EXPECT_EQ(back, j);
  EXPECT_EQ(back["tau"].get<double>(), 0.1 + 0.2);  // doubles survive exactly
}

TEST(Csv, HeaderRowsAndExactNumbers) {
  fl::CsvTable t({"step", "energy", "tiny"});
  t.add_row({0, -1.0 / 3.0, 5e-324});
  t.add_row({1e6, 0.1, -std::numeric_limits<double>::max()});
  EXPECT_EQ(t.rows(), 2u);
  const std::string s = t.to_string();
  std::istringstream in(s);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "step,energy,tiny");
  const std::vector<std::vector<double>> expected = {{0, -1.0 / 3.0, 5e-324},
                                                     {1e6, 0.1, -std::numeric_limits<double>::max()}};
  for (const auto& row : expected) {
    ASSERT_TRUE(std::getline(in, line));
    std::istringstream fields(line);
    std::string field;
    for (double v : row) {
      ASSERT_TRUE(std::getline(fields, field, ','));
      EXPECT_EQ(std::strtod(field.c_str(), nullptr), v) << field;  // bit-exact round trip
    }
    EXPECT_FALSE(std::getline(fields, field, ','));
  }
  EXPECT_FALSE(std::getline(in, line));
}

TEST(Csv, RandomDoublesRoundTripExactly) {
  fl::CsvTable t({"x"});
  std::vector<double> values;
  std::uint64_t state = 12345;
  for (int i = 0; i < 2000; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    double v;
    const std::uint64_t exponent = (state >> 11) % 2046 + 1;  // never all ones: finite
    const std::uint64_t bits = (state & ~(0x7ffULL << 52)) | (exponent << 52);
    std::memcpy(&v, &bits, sizeof v);
    values.push_back(v);
    t.add_row({v});
  }
  std::istringstream in(t.to_string());
  std::string line;
  std::getline(in, line);
  for (double v : values) {
    ASSERT_TRUE(std::getline(in, line));
    ASSERT_EQ(std::strtod(line.c_str(), nullptr), v) << line;
  }
}

TEST(Csv, NonFiniteValuesAreReadableByNumpy) {
  fl::CsvTable t({"a", "b", "c"});
  t.add_row({std::nan(""), std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()});
  EXPECT_EQ(t.to_string(), "a,b,c\nnan,inf,-inf\n");
}

TEST(Csv, ColumnChecks) {
  EXPECT_THROW(fl::CsvTable({}), std::invalid_argument);
  EXPECT_THROW(fl::CsvTable({"a", ""}), std::invalid_argument);
  EXPECT_THROW(fl::CsvTable({"a,b"}), std::invalid_argument);
  EXPECT_THROW(fl::CsvTable({"a\""}), std::invalid_argument);
  EXPECT_THROW(fl::CsvTable({"a\n"}), std::invalid_argument);
  fl::CsvTable t({"a", "b"});
  EXPECT_THROW(t.add_row({1.0}), std::invalid_argument);
  EXPECT_THROW(t.add_row({1.0, 2.0, 3.0}), std::invalid_argument);
  EXPECT_EQ(t.rows(), 0u);
  t.add_row({1.0, 2.0});
  EXPECT_EQ(t.rows(), 1u);
}

TEST(Csv, WriteIsAtomicAndMatchesToString) {
  ScratchDir dir;
  fl::CsvTable t({"i", "sq"});
  for (int i = 0; i < 10; ++i) t.add_row({static_cast<double>(i), i * i * 0.5});
  t.write(dir / "t.csv");
  EXPECT_EQ(fl::read_text(dir / "t.csv"), t.to_string());
  EXPECT_EQ(directory_entries(dir.path()), std::vector<std::string>{"t.csv"});
}

TEST(Csv, NumpyReadsTable) {
  if (!fl::testing::numpy_available()) GTEST_SKIP() << "python3 with numpy not available";
  ScratchDir dir;
  fl::CsvTable t({"i", "third"});
  for (int i = 0; i < 5; ++i) t.add_row({static_cast<double>(i), i / 3.0});
  t.write(dir / "t.csv");
  EXPECT_EQ(fl::testing::run_python(dir.path(), R"(
d = np.genfromtxt('t.csv', delimiter=',', names=True)
assert d.dtype.names == ('i', 'third')
assert (d['i'] == np.arange(5)).all() and (d['third'] == np.arange(5) / 3.0).all()
)"),
            0);
}

}  // namespace
