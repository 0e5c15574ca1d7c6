#!/usr/bin/env bash
# Creates .venv-peers: the Python peers the benchmarks compare against (bench/peers/), plus
# the optional tools (plots, music21 melody extraction). Not needed to build or test.
# Versions are pinned because neural-tangents 0.6.5, the last release, imports only with
# JAX up to 0.4.23 (later JAX removed internals it uses; with 0.4.30 only its
# implementations 1 and 2 work).
# Usage: scripts/install-peers.sh [VENV_DIR]      (default .venv-peers)
set -euo pipefail
venv="${1:-.venv-peers}"

if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends python3-venv
fi
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"

"$venv/bin/pip" install -q --upgrade pip
"$venv/bin/pip" install -q \
  numpy==1.26.4 scipy==1.13.1 scikit-learn==1.5.2 matplotlib==3.9.2 music21==9.3.0 \
  torch==2.5.1 \
  jax==0.4.23 jaxlib==0.4.23 neural-tangents==0.6.5 tf2jax==0.3.6 tensorflow==2.17.1 \
  absl-py frozendict

TF_CPP_MIN_LOG_LEVEL=3 "$venv/bin/python" - <<'PY'
import numpy, scipy, sklearn, torch, jax, neural_tangents, music21, matplotlib
print("install-peers: numpy", numpy.__version__, "torch", torch.__version__,
      "jax", jax.__version__, "neural-tangents ok, scikit-learn", sklearn.__version__)
PY
