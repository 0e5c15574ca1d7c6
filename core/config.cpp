#include "core/config.hpp"

#include <sstream>

#include <toml++/toml.h>

#include "core/error.hpp"
#include "core/io/files.hpp"

namespace fl {

struct Config::Impl {
  toml::table table;
};

namespace {

std::vector<std::string> split_key(const std::string& key) {
  std::vector<std::string> parts;
  std::string cur;
  for (char c : key) {
    if (c == '.') {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  parts.push_back(cur);
  for (const auto& p : parts)
    if (p.empty()) input_error("config key '" + key + "': empty component");
  return parts;
}

std::string type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::table: return "table";
    case toml::node_type::array: return "array";
    case toml::node_type::string: return "string";
    case toml::node_type::integer: return "integer";
    case toml::node_type::floating_point: return "float";
    case toml::node_type::boolean: return "boolean";
    default: return "date/time";
  }
}

// May `incoming` replace `existing`? Integers may stand for floats (and are converted),
// arrays may replace arrays, anything else must keep its type.
bool compatible(const toml::node& existing, const toml::node& incoming) {
  if (existing.type() == incoming.type()) return true;
  if (existing.is_floating_point() && incoming.is_integer()) return true;
  return false;
}

// Copies `incoming`, converting integers to floats where the existing value (or the first
// element of an existing float array) is a float.
std::unique_ptr<toml::node> converted(const toml::node& existing, const toml::node& incoming) {
  if (existing.is_floating_point() && incoming.is_integer())
    return std::make_unique<toml::value<double>>(static_cast<double>(incoming.as_integer()->get()));
  if (existing.is_array() && incoming.is_array()) {
    const auto* ex = existing.as_array();
    const bool wants_float = !ex->empty() && ex->front().is_floating_point();
    auto out = std::make_unique<toml::array>();
    for (const auto& el : *incoming.as_array()) {
      if (wants_float && el.is_integer())
        out->push_back(static_cast<double>(el.as_integer()->get()));
      else
        out->push_back(el);
    }
    return out;
  }
  std::unique_ptr<toml::node> copy;
  incoming.visit([&](const auto& n) { copy = std::make_unique<std::decay_t<decltype(n)>>(n); });
  return copy;
}

void overlay_table(toml::table& dst, const toml::table& src, const std::string& prefix,
                   const std::string& origin, bool allow_new) {
  for (const auto& [k, v] : src) {
    const std::string key = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    toml::node* existing = dst.get(k.str());
    if (!existing) {
      if (!allow_new) input_error(origin + ": unknown config key '" + key + "'");
      std::unique_ptr<toml::node> copy;
      v.visit([&](const auto& n) { copy = std::make_unique<std::decay_t<decltype(n)>>(n); });
      dst.insert_or_assign(k.str(), std::move(*copy));
      continue;
    }
    if (existing->is_table() && v.is_table()) {
      overlay_table(*existing->as_table(), *v.as_table(), key, origin, allow_new);
      continue;
    }
    if (!compatible(*existing, v))
      input_error(origin + ": config key '" + key + "' must be " + type_name(*existing) + ", got " +
                  type_name(v));
    auto copy = converted(*existing, v);
    // Init-capture: clang < 16 cannot capture a structured binding.
    copy->visit([&, name = k.str()](auto&& n) { dst.insert_or_assign(name, std::move(n)); });
  }
}

const toml::node& lookup(const toml::table& t, const std::string& key) {
  const toml::node* node = &t;
  for (const auto& part : split_key(key)) {
    const auto* tbl = node->as_table();
    node = tbl ? tbl->get(part) : nullptr;
    if (!node) input_error("config key '" + key + "' is missing");
  }
  return *node;
}

[[noreturn]] void wrong_type(const std::string& key, const char* want, const toml::node& n) {
  input_error("config key '" + key + "' must be " + want + ", got " + type_name(n));
}

template <class T, class F>
std::vector<T> get_list(const toml::table& t, const std::string& key, const char* want, F convert) {
  const auto& n = lookup(t, key);
  const auto* arr = n.as_array();
  if (!arr) wrong_type(key, want, n);
  std::vector<T> out;
  for (const auto& el : *arr) {
    auto v = convert(el);
    if (!v) input_error("config key '" + key + "' must be " + want + ", got an element of type " + type_name(el));
    out.push_back(*v);
  }
  return out;
}

void collect_keys(const toml::table& t, const std::string& prefix, std::vector<std::string>& out) {
  for (const auto& [k, v] : t) {
    const std::string key = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (v.is_table())
      collect_keys(*v.as_table(), key, out);
    else
      out.push_back(key);
  }
}

}  // namespace

Config::Config() : impl_(std::make_unique<Impl>()) {}
Config::~Config() = default;
Config::Config(const Config& o) : impl_(std::make_unique<Impl>(*o.impl_)) {}
Config& Config::operator=(const Config& o) {
  if (this != &o) impl_ = std::make_unique<Impl>(*o.impl_);
  return *this;
}
Config::Config(Config&&) noexcept = default;
Config& Config::operator=(Config&&) noexcept = default;

Config Config::parse(const std::string& text, const std::string& origin) {
  Config c;
  try {
    c.impl_->table = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << origin << ":" << e.source().begin.line << ":" << e.source().begin.column << ": "
        << e.description();
    input_error(msg.str());
  }
  return c;
}

Config Config::load(const std::filesystem::path& file) {
  return parse(read_text(file), file.string());
}

void Config::overlay(const Config& other, const std::string& origin, bool allow_new_keys) {
  overlay_table(impl_->table, other.impl_->table, "", origin, allow_new_keys);
}

void Config::set(const std::string& assignment, bool allow_new_keys) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos) input_error("--set '" + assignment + "': expected key=value");
  auto trim = [](std::string s) {
    const auto b = s.find_first_not_of(" \t");
    const auto e = s.find_last_not_of(" \t");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
  };
  const std::string key = trim(assignment.substr(0, eq));
  const std::string value = trim(assignment.substr(eq + 1));
  if (key.empty()) input_error("--set '" + assignment + "': empty key");
  if (value.empty()) input_error("--set '" + assignment + "': empty value");
  const auto parts = split_key(key);
  for (const auto& p : parts)
    for (char c : p)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'))
        input_error("--set '" + assignment + "': invalid key '" + key + "'");

  // The value in TOML syntax; a bare word that is not valid TOML is taken as a string.
  toml::table parsed;
  try {
    const std::string doc = "v = " + value;
    parsed = toml::parse(std::string_view(doc), std::string_view("--set"));
  } catch (const toml::parse_error&) {
    const bool bare = value.find_first_of("\"'[]{}=#\n") == std::string::npos;
    if (!bare) input_error("--set '" + assignment + "': cannot parse value '" + value + "'");
    parsed = toml::table{{"v", value}};
  }
  // Build {a = {b = {c = v}}} and overlay it, so the same checks apply as for files.
  toml::table nested;
  toml::table* cur = &nested;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    cur->insert_or_assign(parts[i], toml::table{});
    cur = cur->get(parts[i])->as_table();
  }
  parsed.get("v")->visit([&](auto&& n) { cur->insert_or_assign(parts.back(), n); });
  overlay_table(impl_->table, nested, "", "--set " + key, allow_new_keys);
}

bool Config::has(const std::string& key) const {
  const toml::node* node = &impl_->table;
  for (const auto& part : split_key(key)) {
    const auto* tbl = node->as_table();
    node = tbl ? tbl->get(part) : nullptr;
    if (!node) return false;
  }
  return true;
}

std::int64_t Config::get_int(const std::string& key) const {
  const auto& n = lookup(impl_->table, key);
  if (!n.is_integer()) wrong_type(key, "an integer", n);
  return n.as_integer()->get();
}

double Config::get_double(const std::string& key) const {
  const auto& n = lookup(impl_->table, key);
  if (n.is_integer()) return static_cast<double>(n.as_integer()->get());
  if (!n.is_floating_point()) wrong_type(key, "a number", n);
  return n.as_floating_point()->get();
}

bool Config::get_bool(const std::string& key) const {
  const auto& n = lookup(impl_->table, key);
  if (!n.is_boolean()) wrong_type(key, "true or false", n);
  return n.as_boolean()->get();
}

std::string Config::get_string(const std::string& key) const {
  const auto& n = lookup(impl_->table, key);
  if (!n.is_string()) wrong_type(key, "a string", n);
  return n.as_string()->get();
}

std::string Config::get_as_string(const std::string& key) const {
  const auto& n = lookup(impl_->table, key);
  if (n.is_string()) return n.as_string()->get();
  if (n.is_integer()) return std::to_string(n.as_integer()->get());
  wrong_type(key, "an integer or a string", n);
}

std::vector<std::int64_t> Config::get_int_list(const std::string& key) const {
  return get_list<std::int64_t>(impl_->table, key, "a list of integers",
                                [](const toml::node& el) {
    return el.is_integer() ? el.value<std::int64_t>() : std::optional<std::int64_t>();
  });
}

std::vector<double> Config::get_double_list(const std::string& key) const {
  return get_list<double>(impl_->table, key, "a list of numbers", [](const toml::node& el) {
    return el.is_integer() || el.is_floating_point() ? el.value<double>() : std::optional<double>();
  });
}

std::vector<std::string> Config::get_string_list(const std::string& key) const {
  return get_list<std::string>(impl_->table, key, "a list of strings", [](const toml::node& el) {
    return el.is_string() ? el.value<std::string>() : std::optional<std::string>();
  });
}

std::vector<std::string> Config::keys() const {
  std::vector<std::string> out;
  collect_keys(impl_->table, "", out);
  return out;
}

std::string Config::to_toml() const {
  std::ostringstream os;
  os << impl_->table << "\n";
  return os.str();
}

}  // namespace fl
