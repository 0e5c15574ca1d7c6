#include "core/progress.hpp"

#include <cstdio>
#include <unistd.h>

namespace fl {

namespace {
std::string format_duration(double seconds) {
  if (!(seconds >= 0) || seconds > 1e7) return "?";
  const long s = static_cast<long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, (s % 3600) / 60);
  else if (s >= 60)
    std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%lds", s);
  return buf;
}
}  // namespace

Progress::Progress(std::string label, std::int64_t total, bool quiet)
    : label_(std::move(label)), total_(total), quiet_(quiet),
      start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

Progress::~Progress() { finish(); }

void Progress::update(std::int64_t done, const std::string& extra) {
  if (quiet_ || finished_) return;
  const auto now = std::chrono::steady_clock::now();
  // On a terminal the line is redrawn in place 4 times a second; in a log file each update
  // is its own line, so those come every 10 s.
  const bool tty = isatty(fileno(stderr));
  const auto interval = std::chrono::milliseconds(tty ? 250 : 10000);
  if (done < total_ && now - last_draw_ < interval) return;
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0.0;
  const double eta = rate > 0 ? static_cast<double>(total_ - done) / rate : -1.0;
  std::fprintf(stderr, "%s%s  %lld/%lld  %.3g it/s  ETA %s%s%s%s", tty ? "\r\033[K" : "",
               label_.c_str(), static_cast<long long>(done), static_cast<long long>(total_), rate,
               format_duration(eta).c_str(), extra.empty() ? "" : "  ", extra.c_str(),
               tty ? "" : "\n");
  std::fflush(stderr);
}

void Progress::finish() {
  if (quiet_ || finished_) return;
  finished_ = true;
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const bool tty = isatty(fileno(stderr));
  std::fprintf(stderr, "%s%s  done in %s\n", tty ? "\r\033[K" : "", label_.c_str(),
               format_duration(elapsed).c_str());
}

}  // namespace fl
