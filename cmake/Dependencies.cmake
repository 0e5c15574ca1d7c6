# Finds the system packages installed by scripts/install-deps.sh. A missing one stops
# configuration with the Debian package to install.
function(fl_require found what package)
  set(value "${${found}}")
  if(NOT value)
    message(FATAL_ERROR "fieldlearn: ${what} not found. Install it with "
      "`sudo apt-get install ${package}` or run scripts/install-deps.sh")
  endif()
endfunction()

find_package(Eigen3 3.4 QUIET NO_MODULE)
fl_require(Eigen3_FOUND "Eigen 3.4" libeigen3-dev)

find_package(nlohmann_json 3 QUIET)
fl_require(nlohmann_json_FOUND "nlohmann-json" nlohmann-json3-dev)

find_package(CLI11 QUIET CONFIG)
if(NOT CLI11_FOUND)
  find_path(CLI11_INCLUDE_DIR CLI/CLI.hpp)
  fl_require(CLI11_INCLUDE_DIR "CLI11" libcli11-dev)
  add_library(CLI11::CLI11 INTERFACE IMPORTED)
  set_target_properties(CLI11::CLI11 PROPERTIES INTERFACE_INCLUDE_DIRECTORIES ${CLI11_INCLUDE_DIR})
endif()

# toml++ (header-only use; the Debian package also ships a compiled library we do not need).
find_path(TOMLPP_INCLUDE_DIR toml++/toml.h)
fl_require(TOMLPP_INCLUDE_DIR "toml++" libtomlplusplus-dev)
add_library(fl_tomlplusplus INTERFACE)
target_include_directories(fl_tomlplusplus INTERFACE ${TOMLPP_INCLUDE_DIR})
target_compile_definitions(fl_tomlplusplus INTERFACE TOML_HEADER_ONLY=1 TOML_EXCEPTIONS=1)

find_path(RANDOM123_INCLUDE_DIR Random123/philox.h)
fl_require(RANDOM123_INCLUDE_DIR "Random123" librandom123-dev)

find_package(OpenMP REQUIRED COMPONENTS CXX)

# OpenBLAS + LAPACKE behind Eigen's BLAS/LAPACK switches in the CPU backend.
set(BLA_VENDOR OpenBLAS)
find_package(BLAS QUIET)
fl_require(BLAS_FOUND "OpenBLAS" libopenblas-dev)
find_library(LAPACKE_LIBRARY lapacke)
find_path(LAPACKE_INCLUDE_DIR lapacke.h)
fl_require(LAPACKE_LIBRARY "LAPACKE" liblapacke-dev)
add_library(fl_lapack INTERFACE)
target_link_libraries(fl_lapack INTERFACE ${LAPACKE_LIBRARY} ${BLAS_LIBRARIES})
target_include_directories(fl_lapack INTERFACE ${LAPACKE_INCLUDE_DIR})

if(FL_BUILD_TESTS)
  find_package(GTest QUIET)
  fl_require(GTest_FOUND "GoogleTest" libgtest-dev)
endif()
if(FL_BUILD_BENCH)
  find_package(benchmark QUIET)
  fl_require(benchmark_FOUND "Google Benchmark" libbenchmark-dev)
endif()
