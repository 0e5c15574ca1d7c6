// libFuzzer target for the configuration layer: TOML files, overlays and `--set key=value`.
// Input: a TOML document, then optional '\0'-separated --set assignments. Every step must
// either succeed or throw fl::InputError; an accepted document must serialise (to_toml)
// into TOML that parses again. Anything else (other exceptions, crashes, sanitizer reports)
// is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/error.hpp"

namespace {

// A defaults table shaped like an experiment's: nested tables, every value type.
constexpr const char* kDefaults = R"(
seed = 1
name = "run"
[train]
epochs = 10
lr = 0.001
layers = [25, 20, 8]
widths = [1.0, 2.5]
tags = ["a", "b"]
adam = true
[model.flow]
couplings = 8
closure = 1
)";

template <class F>
void allow_input_error(F&& f) {
  try {
    f();
  } catch (const fl::InputError&) {
  }
}

// Reads every key with every getter (most calls fail with InputError: wrong type).
void exercise(const fl::Config& c) {
  for (const std::string& key : c.keys()) {
    if (!c.has(key)) std::abort();
    allow_input_error([&] { c.get_int(key); });
    allow_input_error([&] { c.get_double(key); });
    allow_input_error([&] { c.get_bool(key); });
    allow_input_error([&] { c.get_string(key); });
    allow_input_error([&] { c.get_as_string(key); });
    allow_input_error([&] { c.get_int_list(key); });
    allow_input_error([&] { c.get_double_list(key); });
    allow_input_error([&] { c.get_string_list(key); });
  }
  // What we write out must be readable again (config.toml of every run directory).
  const std::string text = c.to_toml();
  try {
    fl::Config::parse(text, "to_toml");
  } catch (const fl::InputError& e) {
    std::fprintf(stderr, "to_toml output does not parse: %s\n--- text ---\n%s\n", e.what(),
                 text.c_str());
    std::abort();
  }
}

std::vector<std::string> split_at_nul(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> parts(1);
  for (std::size_t i = 0; i < size; ++i) {
    if (data[i] == 0)
      parts.emplace_back();
    else
      parts.back() += static_cast<char>(data[i]);
  }
  return parts;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const fl::Config defaults = fl::Config::parse(kDefaults, "defaults");
  const std::vector<std::string> parts = split_at_nul(data, size);

  fl::Config strict = defaults;  // only known keys, types checked
  fl::Config open;               // new keys allowed
  allow_input_error([&] {
    const fl::Config file = fl::Config::parse(parts[0], "fuzz.toml");
    exercise(file);
    allow_input_error([&] { strict.overlay(file, "fuzz.toml"); });
    open.overlay(file, "fuzz.toml", /*allow_new_keys=*/true);
  });
  for (std::size_t i = 1; i < parts.size(); ++i) {
    allow_input_error([&] { strict.set(parts[i]); });
    allow_input_error([&] { open.set(parts[i], /*allow_new_keys=*/true); });
  }
  exercise(strict);
  exercise(open);
  return 0;
}
