// RunDirectory: --resume of a run that was stopped before its commit continues in the
// partial directory it left and commits it under the requested name.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "core/error.hpp"
#include "experiments/experiment.hpp"

namespace fs = std::filesystem;

TEST(RunDirectory, ResumeAdoptsThePartialDirectoryOfAStoppedRun) {
  const fs::path tmp = fs::temp_directory_path() / ("fl_rundir_" + std::to_string(::getpid()));
  fs::remove_all(tmp);
  fs::create_directories(tmp / "run.partial-123");
  std::ofstream(tmp / "run.partial-123" / "snapshot.txt") << "epoch 4000\n";
  {
    fl::RunDirectory dir(tmp / "run", fl::RunDirectory::Mode::resume);
    EXPECT_TRUE(dir.resumed());
    EXPECT_EQ(dir.path(), tmp / "run.partial-123");
    dir.commit();
  }
  EXPECT_TRUE(fs::is_regular_file(tmp / "run" / "snapshot.txt"));
  EXPECT_FALSE(fs::exists(tmp / "run.partial-123"));
  {  // a resumed run that fails keeps its partial directory (and its snapshots)
    fs::create_directories(tmp / "other.partial-7");
    fl::RunDirectory dir(tmp / "other", fl::RunDirectory::Mode::resume);
  }
  EXPECT_TRUE(fs::is_directory(tmp / "other.partial-7"));
  EXPECT_THROW(fl::RunDirectory dir(tmp / "missing", fl::RunDirectory::Mode::resume), fl::InputError);
  fs::remove_all(tmp);
}
