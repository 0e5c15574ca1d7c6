#!/usr/bin/env bash
# Installs the Debian packages fieldlearn builds against. Idempotent: packages already
# present are skipped, so `make test` can call it on every run at no cost.
# Usage: scripts/install-deps.sh [--with-python]   (--with-python: numpy/matplotlib for plots)
set -euo pipefail

packages=(
  cmake ninja-build g++ make pkg-config git
  libeigen3-dev            # CPU backend
  libopenblas-dev liblapacke-dev  # BLAS/LAPACK behind Eigen
  libgtest-dev libgmock-dev googletest
  libbenchmark-dev
  libcli11-dev
  libtomlplusplus-dev
  nlohmann-json3-dev
  librandom123-dev
  python3-matplotlib python3-numpy   # tools/plot.py
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
