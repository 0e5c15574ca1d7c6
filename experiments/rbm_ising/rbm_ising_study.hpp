#pragma once
// One rbm-ising training run per data set (a temperature of the 2D study, or the 1D chain):
// staged CD/PCD training with periodic monitoring, then the final analysis. Writes
// history_<tag>.csv, j2_<tag>.npy and rbm_<tag>_{W,b,c}.npy into the run directory.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/backend.hpp"
#include "models/lattice/ising/generate.hpp"
#include "models/rbm/rbm.hpp"
#include "models/rbm/sampler.hpp"
#include "models/rbm/trainer.hpp"

namespace fl::rbm_ising {

struct StudySettings {
  std::uint32_t seed = 1;
  int n_hidden = 0;  // 0: n_v
  double init_std = 0.01;
  rbm::TrainOptions train;
  std::vector<rbm::TrainStage> stages;
  int monitor_every = 10;
  std::string log_z_mode = "auto";  // exact | ais | auto
  int ais_betas = 14500;
  int ais_runs = 100;
  std::int64_t ll_max_configs = 10000;
  std::int64_t spin_samples = 2000;  // Monte Carlo +-1-language couplings (n_v > 20)
  rbm::GibbsOptions gibbs;
};

class Study {
 public:
  Study(Backend& backend, StudySettings settings, std::filesystem::path out, bool quiet)
      : backend_(backend), s_(std::move(settings)), out_(std::move(out)), quiet_(quiet) {}

  // InputError when exact log Z is requested but both layers are too large to enumerate;
  // called before any data is generated.
  void check_feasible(int n_visible) const;

  // `data.estimate` is used as the Monte Carlo reference when have_mc is true.
  nlohmann::json run_temperature(const ising::IsingLattice& lat, const ising::TemperatureSamples& data,
                                 const std::string& tag, bool have_mc);

 private:
  // The +-1-language two-body couplings K2 (exact for n_v <= 20, Monte Carlo otherwise): writes
  // k2_<tag>.npy and the k2_* metrics (a perfect machine has K2 = J/T on bonds, 0 elsewhere).
  void add_spin_couplings(nlohmann::json& j, const rbm::RbmParams& p, const ising::IsingLattice& lat,
                          const std::string& tag, double T) const;

  Backend& backend_;
  StudySettings s_;
  std::filesystem::path out_;
  bool quiet_;
};

}  // namespace fl::rbm_ising
