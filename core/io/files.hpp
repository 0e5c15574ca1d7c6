#pragma once
// Atomic file output: write to a temporary name beside the target, then rename, so a
// reader (or a crash) never sees a half-written file.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace fl {

void write_text_atomic(const std::filesystem::path& path, const std::string& contents);
void write_json_atomic(const std::filesystem::path& path, const nlohmann::json& j);
std::string read_text(const std::filesystem::path& path);  // InputError if unreadable

// A CSV table with a header row; numbers written with full (round-trip) precision.
class CsvTable {
 public:
  explicit CsvTable(std::vector<std::string> columns);
  void add_row(const std::vector<double>& values);  // must match the column count
  std::size_t rows() const { return rows_.size(); }
  std::string to_string() const;
  void write(const std::filesystem::path& path) const;  // atomic

 private:
  std::vector<std::string> columns_;
  std::vector<std::vector<double>> rows_;
};

}  // namespace fl
