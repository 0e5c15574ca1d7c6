#pragma once
// Typed view of the gp-deconvolution configuration (validated once, errors name the key).
#include <string>

#include "core/config.hpp"
#include "models/kernels/infinite_width.hpp"
#include "models/lattice/qho/correlator_analysis.hpp"
#include "models/lattice/qho/qho_exact.hpp"
#include "models/lattice/qho/qho_monte_carlo.hpp"
#include "models/spectral/backus_gilbert.hpp"
#include "models/spectral/gp_regression.hpp"
#include "models/spectral/linear_gp.hpp"
#include "models/spectral/network_sweep.hpp"
#include "models/spectral/training_set.hpp"

namespace fl::gp_deconvolution {

struct Settings {
  qho::Operator op = qho::Operator::x3;
  qho::QhoParams qho;
  qho::MonteCarloConfig mc;
  std::string correlator_file;
  qho::FoldConvention fold = qho::FoldConvention::standard;
  int block_size = 20, n_boot = 1000, n_test_samples = 20, energy_t1 = 10, energy_t2 = 60;
  spectral::InverseProblem inverse;
  double smear_sigma = 0.01;
  spectral::TrainingSetConfig train;
  kernels::FullyConnectedSpec kernel;
  spectral::GpOptions gp;
  double ntk_time = 0.0;
  spectral::BackusGilbertConfig bg;
  spectral::LinearGpConfig linear_gp;
  spectral::NetworkSweepConfig network;
};

Settings parse_settings(const Config& config);

}  // namespace fl::gp_deconvolution
