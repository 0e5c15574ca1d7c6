// RunDirectory: a new run appears under its final name only when it completes; --resume
// continues a completed run in place or the one run a kill left as `<out>.partial-N`.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "experiments/experiment.hpp"

namespace fs = std::filesystem;

namespace {

class RunDirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tmp_ = fs::temp_directory_path() /
           ("fl_rundir_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(tmp_);
    fs::create_directories(tmp_);
  }
  void TearDown() override { fs::remove_all(tmp_); }

  // What a run killed after writing its config and a checkpoint leaves behind.
  fs::path make_interrupted(const std::string& suffix) {
    const fs::path p = tmp_ / ("run.partial-" + suffix);
    fs::create_directories(p);
    std::ofstream(p / "config.toml") << "seed = 1\n";
    std::ofstream(p / "checkpoint.bin") << "state";
    return p;
  }

  fs::path tmp_;
};

TEST_F(RunDirectoryTest, NewRunIsRenamedOnCommitAndRemovedOnFailure) {
  {
    fl::RunDirectory dir(tmp_ / "run", fl::RunDirectory::Mode::create);
    EXPECT_NE(dir.path(), tmp_ / "run");
    std::ofstream(dir.file("a.txt")) << "x";
    dir.commit();
  }
  EXPECT_TRUE(fs::is_regular_file(tmp_ / "run" / "a.txt"));
  {
    fl::RunDirectory failed(tmp_ / "other", fl::RunDirectory::Mode::create);
    std::ofstream(failed.file("a.txt")) << "x";
  }  // no commit: as if the experiment threw
  EXPECT_EQ(std::distance(fs::directory_iterator(tmp_), fs::directory_iterator()), 1);
}

TEST_F(RunDirectoryTest, ResumeContinuesAKilledRunAndRenamesItWhenDone) {
  const fs::path partial = make_interrupted("123456");
  {
    fl::RunDirectory dir(tmp_ / "run", fl::RunDirectory::Mode::resume);
    EXPECT_TRUE(dir.resumed());
    EXPECT_EQ(dir.path(), partial);
    EXPECT_TRUE(fs::is_regular_file(dir.file("checkpoint.bin")));
  }  // failed again: the checkpoints must survive
  EXPECT_TRUE(fs::is_regular_file(partial / "checkpoint.bin"));
  {
    fl::RunDirectory dir(tmp_ / "run", fl::RunDirectory::Mode::resume);
    dir.commit();
  }
  EXPECT_TRUE(fs::is_regular_file(tmp_ / "run" / "checkpoint.bin"));
  EXPECT_FALSE(fs::exists(partial));
}

TEST_F(RunDirectoryTest, ResumeRefusesAmbiguityAndNothingToResume) {
  EXPECT_THROW(fl::RunDirectory(tmp_ / "run", fl::RunDirectory::Mode::resume), fl::InputError);
  fs::create_directories(tmp_ / "run.partial-9");  // no config: a run killed before starting
  EXPECT_THROW(fl::RunDirectory(tmp_ / "run", fl::RunDirectory::Mode::resume), fl::InputError);
  make_interrupted("1");
  make_interrupted("2");
  try {
    fl::RunDirectory dir(tmp_ / "run", fl::RunDirectory::Mode::resume);
    FAIL() << "two interrupted runs accepted";
  } catch (const fl::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("several interrupted runs"), std::string::npos);
  }
  EXPECT_TRUE(fs::exists(tmp_ / "run.partial-1") && fs::exists(tmp_ / "run.partial-2"));
}

}  // namespace
