#pragma once
// Experiment configuration: TOML tables with dotted keys ("train.epochs").
// Resolution order: the experiment's built-in defaults <- a config file <- --set flags.
// Only keys that exist in the defaults may be set (a typo is an error, not a silent no-op).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace fl {

class Config {
 public:
  Config();
  ~Config();
  Config(const Config&);
  Config& operator=(const Config&);
  Config(Config&&) noexcept;
  Config& operator=(Config&&) noexcept;

  // Parse TOML text; `origin` names the source in error messages. InputError on bad syntax.
  static Config parse(const std::string& text, const std::string& origin);
  static Config load(const std::filesystem::path& file);

  // Overlay `other` onto this config. Keys not already present are rejected with
  // InputError (unless allow_new_keys); types must match (an integer may replace a float).
  void overlay(const Config& other, const std::string& origin, bool allow_new_keys = false);
  // Apply "dotted.key=value", the value in TOML syntax (strings may be bare words).
  void set(const std::string& assignment, bool allow_new_keys = false);

  bool has(const std::string& key) const;
  // Typed getters: InputError naming the key when missing or of another type.
  std::int64_t get_int(const std::string& key) const;
  double get_double(const std::string& key) const;  // accepts integers
  bool get_bool(const std::string& key) const;
  std::string get_string(const std::string& key) const;
  std::vector<std::int64_t> get_int_list(const std::string& key) const;
  std::vector<double> get_double_list(const std::string& key) const;
  std::vector<std::string> get_string_list(const std::string& key) const;
  // A value that may be an integer or a string (e.g. closure.level = 1 or "real").
  std::string get_as_string(const std::string& key) const;

  // Every leaf key in dotted form, sorted (for listing and validation).
  std::vector<std::string> keys() const;
  std::string to_toml() const;

 private:
  struct Impl;  // holds the toml++ table; keeps toml++ out of this header
  std::unique_ptr<Impl> impl_;
};

}  // namespace fl
