// The `fieldlearn` program's error paths: every bad input ends with exactly one
// `error: ...` line on stderr, exit status 2, and no run directory left behind.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace {

struct Result {
  int status = -1;
  std::string out, err;
};

std::string slurp(const fs::path& p) {
  std::ifstream f(p);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    tmp_ = fs::temp_directory_path() /
           ("fl_cli_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(tmp_);
    fs::create_directories(tmp_);
  }
  void TearDown() override { fs::remove_all(tmp_); }

  Result run(const std::string& args) {
    const std::string cmd = "cd '" + tmp_.string() + "' && '" + std::string(FL_BINARY_DIR) +
                            "/fieldlearn' " + args + " >stdout.txt 2>stderr.txt";
    Result r;
    const int raw = std::system(cmd.c_str());
    r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    r.out = slurp(tmp_ / "stdout.txt");
    r.err = slurp(tmp_ / "stderr.txt");
    fs::remove(tmp_ / "stdout.txt");
    fs::remove(tmp_ / "stderr.txt");
    return r;
  }

  // Exit 2, exactly one line on stderr starting with "error: ", nothing left in tmp_.
  void expect_input_error(const std::string& args, const std::string& mentions = "") {
    const Result r = run(args);
    EXPECT_EQ(r.status, 2) << args << "\nstderr: " << r.err;
    EXPECT_EQ(r.err.rfind("error: ", 0), 0u) << args << "\nstderr: " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << args << "\nstderr: " << r.err;
    if (!mentions.empty()) {
      EXPECT_NE(r.err.find(mentions), std::string::npos) << r.err;
    }
    EXPECT_TRUE(fs::is_empty(tmp_)) << args << ": left files behind";
  }

  std::string first_experiment() {
    const Result r = run("list");
    std::istringstream in(r.out);
    std::string name;
    std::getline(in, name);
    return name;
  }

  fs::path tmp_;
};

TEST_F(Cli, InfoPrintsVersionBackendsAndCudaState) {
  const Result r = run("info");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("fieldlearn "), std::string::npos);
  EXPECT_NE(r.out.find("cpu      available"), std::string::npos) << r.out;
  // Without a GPU the CUDA line must say why, not crash.
  EXPECT_NE(r.out.find("cuda "), std::string::npos) << r.out;
}

TEST_F(Cli, UnknownSubcommandOrFlag) {
  expect_input_error("frobnicate");
  expect_input_error("info --frobnicate");
  expect_input_error("");
}

class CliExperiment : public Cli {
 protected:
  void SetUp() override {
    Cli::SetUp();
    exp_ = first_experiment();
    if (exp_.empty()) GTEST_SKIP() << "no experiment registered in this build";
  }
  std::string exp_;
};

TEST_F(CliExperiment, BadConfigInputs) {
  expect_input_error(exp_ + " --config no-such-config", "no-such-config");
  expect_input_error(exp_ + " --config ./missing.toml", "missing.toml");
  {
    std::ofstream(tmp_ / "bad.toml") << "this is = = not toml\n";
    const Result r = run(exp_ + " --config ./bad.toml");
    EXPECT_EQ(r.status, 2);
    EXPECT_EQ(r.err.rfind("error: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find("bad.toml"), std::string::npos) << r.err;
    fs::remove(tmp_ / "bad.toml");
  }
  expect_input_error(exp_ + " --set no.such.key=1", "no.such.key");
  expect_input_error(exp_ + " --set seed=\\\"text\\\"", "seed");
  expect_input_error(exp_ + " --seed 99999999999", "seed");
  expect_input_error(exp_ + " --frobnicate");
}

TEST_F(CliExperiment, DeviceSelection) {
  expect_input_error(exp_ + " --device tpu --quiet", "tpu");
  const Result info = run("info");
  if (info.out.find("cuda     unavailable") != std::string::npos)
    expect_input_error(exp_ + " --device cuda --quiet", "cuda");
}

TEST_F(CliExperiment, PrintConfigShowsOverridesAndWritesNothing) {
  const Result r = run(exp_ + " --print-config --seed 42");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("seed = 42"), std::string::npos) << r.out;
  EXPECT_TRUE(fs::is_empty(tmp_));
}

TEST_F(CliExperiment, ExistingOutputDirectoryIsNotOverwritten) {
  fs::create_directories(tmp_ / "taken");
  const Result r = run(exp_ + " --out taken --quiet");
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find("already exists"), std::string::npos) << r.err;
  fs::remove_all(tmp_ / "taken");
  expect_input_error(exp_ + " --resume --out nowhere --quiet", "nowhere");
}

}  // namespace
