#pragma once
// Helpers shared by the I/O tests: a scratch directory per test and python3+numpy detection.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace fl::testing {

// A fresh directory under the system temp dir, removed when the test ends.
class ScratchDir {
 public:
  ScratchDir() {
    const auto* t = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            ("fl_io_" + std::to_string(::getpid()) + "_" + t->test_suite_name() + "_" + t->name());
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

inline bool numpy_available() {
  static const bool ok = std::system("python3 -c 'import numpy' >/dev/null 2>&1") == 0;
  return ok;
}

// Runs a python3 script (numpy imported as np) with `dir` as its working directory.
inline int run_python(const std::filesystem::path& dir, const std::string& script) {
  const auto file = dir / "script.py";
  {
    std::FILE* f = std::fopen(file.c_str(), "w");
    if (!f) return -1;
    std::fputs(("import numpy as np\n" + script).c_str(), f);
    std::fclose(f);
  }
  const std::string cmd = "cd '" + dir.string() + "' && python3 script.py";
  return std::system(cmd.c_str());
}

}  // namespace fl::testing
