#include "experiments/cli.hpp"

#include <chrono>
#include <ctime>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>

#include "core/build_info.hpp"
#include "core/error.hpp"
#include "core/io/files.hpp"
#include "experiments/experiment.hpp"

namespace fl {

void print_info(std::ostream& os);  // experiments/info.cpp

namespace fs = std::filesystem;

namespace {

struct CommonOptions {
  std::string device = "auto";
  std::string config;
  std::vector<std::string> sets;
  bool print_config = false;
  std::string out;
  std::int64_t seed = -1;
  bool quiet = false;
  bool resume = false;
};

void add_common_options(CLI::App& cmd, CommonOptions& o) {
  cmd.add_option("--device", o.device, "cpu, cuda or auto (cuda when a device is usable)");
  cmd.add_option("--config", o.config,
                 "config name (experiments/configs/<experiment>/<name>.toml, e.g. quick, paper) "
                 "or a TOML file");
  cmd.add_option("--set", o.sets, "override a config key: key=value (TOML value), repeatable")
      ->take_all();
  cmd.add_flag("--print-config", o.print_config, "print the effective config and exit");
  cmd.add_option("--out", o.out, "run directory (default runs/<experiment>/<timestamp>)");
  cmd.add_option("--seed", o.seed, "random seed (0 .. 2^32-1), overrides the config's seed");
  cmd.add_flag("--quiet", o.quiet, "no progress lines on stderr");
  cmd.add_flag("--resume", o.resume, "continue the run in --out from its last checkpoint");
}

// Directories searched for named configs, first match wins.
std::vector<fs::path> config_dirs() {
  std::vector<fs::path> dirs;
  if (const char* env = std::getenv("FIELDLEARN_CONFIG_DIR")) dirs.emplace_back(env);
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) dirs.push_back(exe.parent_path().parent_path() / "share" / "fieldlearn" / "configs");
  dirs.emplace_back(fs::path(FL_SOURCE_DIR) / "experiments" / "configs");
  return dirs;
}

fs::path resolve_config(const std::string& experiment, const std::string& arg) {
  const bool looks_like_file = arg.find('/') != std::string::npos || arg.ends_with(".toml");
  if (looks_like_file) {
    if (!fs::is_regular_file(arg)) input_error("config file '" + arg + "' not found");
    return arg;
  }
  for (const auto& dir : config_dirs()) {
    const fs::path p = dir / experiment / (arg + ".toml");
    if (fs::is_regular_file(p)) return p;
  }
  std::string names;
  for (const auto& dir : config_dirs()) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir / experiment, ec))
      if (e.path().extension() == ".toml") names += " " + e.path().stem().string();
    if (!names.empty()) break;
  }
  input_error("unknown config '" + arg + "' for " + experiment +
              (names.empty() ? std::string() : " (available:" + names + ")"));
}

std::string timestamp(const char* fmt) {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, fmt, &tm);
  return buf;
}

Config effective_config(const ExperimentSpec& spec, const CommonOptions& o) {
  Config cfg = Config::parse(spec.defaults, spec.name + " built-in defaults");
  if (!cfg.has("seed")) cfg.set("seed=1234", /*allow_new_keys=*/true);
  if (!o.config.empty()) {
    const fs::path file = resolve_config(spec.name, o.config);
    cfg.overlay(Config::load(file), file.string());
  }
  for (const auto& s : o.sets) cfg.set(s);
  if (o.seed >= 0) {
    if (o.seed > 0xffffffffLL) input_error("--seed must be in 0 .. 4294967295");
    cfg.set("seed=" + std::to_string(o.seed));
  }
  const auto seed = cfg.get_int("seed");
  if (seed < 0 || seed > 0xffffffffLL) input_error("config key 'seed' must be in 0 .. 4294967295");
  return cfg;
}

void run_experiment(const ExperimentSpec& spec, const CommonOptions& o, const std::string& command) {
  Config cfg = effective_config(spec, o);
  if (o.print_config) {
    std::cout << cfg.to_toml();
    return;
  }
  if (o.resume && o.out.empty()) input_error("--resume needs --out <existing run directory>");
  auto backend = make_backend(o.device);  // may throw InputError before anything is written

  const fs::path out = o.out.empty() ? fs::path("runs") / spec.name / timestamp("%Y%m%d-%H%M%S")
                                     : fs::path(o.out);
  RunDirectory dir(out, o.resume ? RunDirectory::Mode::resume : RunDirectory::Mode::create);
  if (o.resume) {
    // The resumed run must use the configuration it was started with.
    const fs::path saved = dir.file("config.toml");
    if (fs::is_regular_file(saved)) {
      Config before = Config::load(saved);
      if (before.to_toml() != cfg.to_toml())
        input_error("--resume: the effective config differs from " + saved.string() +
                    " (resume with the same --config/--set)");
    }
  }
  write_text_atomic(dir.file("config.toml"), cfg.to_toml());

  const auto info = backend->info();
  nlohmann::json run = {
      {"experiment", spec.name},
      {"seed", cfg.get_int("seed")},
      {"git_revision", build::git_revision},
      {"fieldlearn_version", build::version},
      {"backend", backend->name()},
      {"device", info.name + " (" + info.details + ")"},
      {"command", command},
      {"started", timestamp("%Y-%m-%dT%H:%M:%SZ")},
  };
  write_json_atomic(dir.file("run.json"), run);

  RunContext ctx{spec.name, cfg, *backend, dir, static_cast<std::uint32_t>(cfg.get_int("seed")),
                 o.quiet, o.resume};
  const auto t0 = std::chrono::steady_clock::now();
  spec.run(ctx);
  backend->synchronize();
  run["finished"] = timestamp("%Y-%m-%dT%H:%M:%SZ");
  run["wall_seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  write_json_atomic(dir.file("metrics.json"), ctx.metrics);
  write_json_atomic(dir.file("run.json"), run);
  dir.commit();
  if (!o.quiet) std::cerr << "run directory: " << dir.final_path().string() << "\n";
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{"fieldlearn: field theory tools for neural networks, and networks for field theory"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(build::version) + " (git " + build::git_revision + ")");

  app.add_subcommand("info", "version, build options, backends and devices");
  app.add_subcommand("list", "the registered experiments, one per line");

  auto& registry = experiment_registry();
  std::vector<CommonOptions> options(registry.size());
  for (std::size_t i = 0; i < registry.size(); ++i) {
    CLI::App* cmd = app.add_subcommand(registry[i].name, registry[i].summary);
    add_common_options(*cmd, options[i]);
  }

  std::string command;
  for (int i = 0; i < argc; ++i) command += (i ? " " : "") + std::string(argv[i]);

  try {
    app.parse(argc, argv);
    if (app.got_subcommand("info")) {
      print_info(std::cout);
      return 0;
    }
    if (app.got_subcommand("list")) {
      for (const auto& e : registry) std::cout << e.name << "\n";
      return 0;
    }
    for (std::size_t i = 0; i < registry.size(); ++i)
      if (app.got_subcommand(registry[i].name)) run_experiment(registry[i], options[i], command);
    return 0;
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  } catch (const InputError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace fl
