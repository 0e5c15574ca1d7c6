#pragma once
// A progress line on stderr for long loops: "label  1200/5000  24.0 it/s  ETA 2m38s".
// Redrawn at most a few times per second; silent when quiet.
#include <chrono>
#include <cstdint>
#include <string>

namespace fl {

class Progress {
 public:
  Progress(std::string label, std::int64_t total, bool quiet);
  ~Progress();  // finishes the line
  void update(std::int64_t done, const std::string& extra = "");
  void finish();

 private:
  std::string label_;
  std::int64_t total_;
  bool quiet_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace fl
