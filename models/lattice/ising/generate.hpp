#pragma once
// Decorrelated Ising configurations at a list of temperatures: all chains of all
// temperatures advance together in single engine calls. Per temperature: thermalise, measure
// tau_int of |m| in a pilot run, then record every max(min_spacing, ceil(2 tau_int)) updates.
#include <cstdint>
#include <string>
#include <vector>

#include "core/backend.hpp"
#include "core/progress.hpp"
#include "models/lattice/ising/lattice.hpp"
#include "models/lattice/ising/observables.hpp"

namespace fl::ising {

enum class Algorithm : std::uint8_t { metropolis, wolff, exact };
Algorithm algorithm_from_name(const std::string& name);  // InputError on unknown names
std::string algorithm_name(Algorithm a);

struct GenerateOptions {
  IsingLattice lattice;
  double J = 1.0;
  std::vector<double> temperatures;
  Algorithm algorithm = Algorithm::wolff;
  std::int64_t n_configs = 1000;      // per temperature
  int chains_per_temperature = 8;
  int thermalization = 1000;          // updates
  int pilot = 2000;                   // updates used to measure tau_int
  int min_spacing = 1;                // updates between recorded configurations
  int wolff_clusters = 1;             // clusters per Wolff "update"
  std::uint32_t seed = 1;
};
// InputError naming the key for impossible settings.
void validate(const GenerateOptions& o);

struct TemperatureSamples {
  double T = 0;
  std::vector<std::uint8_t> configs;  // n_configs x n_sites, values {0, 1} (v = (s + 1) / 2)
  double tau_int_abs_m = 0.5;         // pilot estimate, in updates
  int spacing = 1;                    // updates between recorded configurations
  ThermoEstimate estimate;            // from the recorded configurations
};

// `progress` may be null.
std::vector<TemperatureSamples> generate_ising_samples(Backend& backend, const GenerateOptions& o,
                                                       Progress* progress = nullptr);

}  // namespace fl::ising
