#!/usr/bin/env bash
# Fetches, on this (networked, Debian 12) machine, the .deb files that scripts/gpu-check.sh
# unpacks on a GPU machine that has CUDA, CMake and ninja but no network and none of the
# Debian dev packages (the lent H200 machines: Ubuntu 24.04 image, which runs Debian 12's
# x86-64 libraries). About 15 MB; the folder is git-ignored through .git/info/exclude and
# must be carried to the GPU machine with the working tree (e.g. `carry: [".gpu-deps"]`).
#
#   scripts/gpu-deps.sh [DIR]     (default .gpu-deps)
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:-.gpu-deps}"

# What cmake/Dependencies.cmake needs, with the runtime libraries that dpkg would pull in
# (libgfortran5 is skipped there when the GPU machine has its own).
packages=(
  libeigen3-dev nlohmann-json3-dev libcli11-dev libtomlplusplus-dev librandom123-dev
  libopenblas-pthread-dev libopenblas0-pthread liblapacke liblapacke-dev libtmglib3 libgfortran5
  libgtest-dev libgmock-dev libbenchmark-dev libbenchmark1debian
)

mkdir -p "$dir"
exclude="$(git rev-parse --git-common-dir)/info/exclude"
line="/${dir#./}/"
grep -qxF "$line" "$exclude" 2> /dev/null || echo "$line" >> "$exclude"
(cd "$dir" && apt-get download "${packages[@]}")
du -sh "$dir"
