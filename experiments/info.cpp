// `fieldlearn info`: what this build is and which devices it can use.
#include <omp.h>

#include <iostream>

#include <Eigen/Core>

#include "core/backend.hpp"
#include "core/build_info.hpp"
#include "experiments/experiment.hpp"

namespace fl {

void print_info(std::ostream& os) {
  os << "fieldlearn " << build::version << " (git " << build::git_revision << ", "
     << build::build_type << ", " << build::cxx_compiler << ")\n";
  os << "eigen      " << EIGEN_WORLD_VERSION << "." << EIGEN_MAJOR_VERSION << "."
     << EIGEN_MINOR_VERSION << " with OpenBLAS/LAPACKE, OpenMP threads " << omp_get_max_threads()
     << "\n";
#ifdef FL_HAVE_CUDA
  os << "cuda       compiled in (nvcc " << build::cuda_compiler_version << ", architectures "
     << build::cuda_architectures << ")\n";
#else
  os << "cuda       not compiled in\n";
#endif
  os << "backends:\n";
  const DeviceInfo cpu = cpu_backend().info();
  os << "  cpu      available: " << cpu.name << " (" << cpu.details << ")\n";
  const CudaStatus cuda = cuda_status();
  if (cuda.usable) {
    os << "  cuda     available: " << cuda.device_count << " device(s)\n";
    for (std::size_t i = 0; i < cuda.devices.size(); ++i)
      os << "           [" << i << "] " << cuda.devices[i].name << " (" << cuda.devices[i].details << ")\n";
  } else {
    os << "  cuda     unavailable: " << cuda.message << "\n";
  }
  os << "experiments:";
  for (const auto& e : experiment_registry()) os << " " << e.name;
  os << "\n";
}

}  // namespace fl
