#include "core/io/files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace fl {

namespace {

std::string errno_text(int err) { return std::error_code(err, std::generic_category()).message(); }

// A name beside the target that no other writer (thread or process) uses at the same time.
std::filesystem::path temporary_name(const std::filesystem::path& path) {
  static std::atomic<unsigned long> counter{0};
  std::filesystem::path tmp = path;
  tmp += ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
  return tmp;
}

void write_all(int fd, const std::string& contents, const std::filesystem::path& tmp) {
  const char* p = contents.data();
  std::size_t left = contents.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      throw InputError(tmp.string() + ": write failed: " + errno_text(err));
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

bool valid_column_name(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name)
    if (c == ',' || c == '"' || c == '\n' || c == '\r') return false;
  return true;
}

// Shortest decimal form that reads back to the same double (round-trip exact).
void append_number(std::string& out, double v) {
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, res.ptr);
}

}  // namespace

void write_text_atomic(const std::filesystem::path& path, const std::string& contents) {
  const std::filesystem::path tmp = temporary_name(path);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    const int err = errno;
    throw InputError(path.string() + ": cannot write: " + errno_text(err));
  }
  try {
    write_all(fd, contents, tmp);
    // Data reaches the disk before the rename makes it visible under the final name.
    if (::fsync(fd) != 0) {
      const int err = errno;
      throw InputError(tmp.string() + ": fsync failed: " + errno_text(err));
    }
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  if (::close(fd) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw InputError(path.string() + ": cannot write: " + errno_text(err));
  }
}

void write_json_atomic(const std::filesystem::path& path, const nlohmann::json& j) {
  write_text_atomic(path, j.dump(2) + "\n");
}

std::string read_text(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw InputError(path.string() + ": is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    throw InputError(path.string() + ": cannot read: " + errno_text(err));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw InputError(path.string() + ": read error");
  return ss.str();
}

CsvTable::CsvTable(std::vector<std::string> columns) : columns_(std::move(columns)) {
  if (columns_.empty()) throw std::invalid_argument("CsvTable: no columns");
  for (const auto& c : columns_)
    if (!valid_column_name(c))
      throw std::invalid_argument("CsvTable: bad column name '" + c +
                                  "' (must be non-empty, without commas, quotes or newlines)");
}

void CsvTable::add_row(const std::vector<double>& values) {
  if (values.size() != columns_.size())
    throw std::invalid_argument("CsvTable: row with " + std::to_string(values.size()) +
                                " values for " + std::to_string(columns_.size()) + " columns");
  rows_.push_back(values);
}

std::string CsvTable::to_string() const {
  std::string out;
  for (std::size_t k = 0; k < columns_.size(); ++k) {
    if (k) out += ',';
    out += columns_[k];
  }
  out += '\n';
  for (const auto& row : rows_) {
    for (std::size_t k = 0; k < row.size(); ++k) {
      if (k) out += ',';
      append_number(out, row[k]);
    }
    out += '\n';
  }
  return out;
}

void CsvTable::write(const std::filesystem::path& path) const { write_text_atomic(path, to_string()); }

}  // namespace fl
