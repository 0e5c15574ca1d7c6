#!/usr/bin/env bash
# The one script a session with a lent GPU runs: unpack the carried dependencies, configure
# with CUDA, build, `fieldlearn info`, the gpu-labelled tests and the CUDA benchmarks as JSON.
# Every step is logged and bounded so that the whole check ends within the time budget, and
# what exists so far is in the output directory whenever the script stops (even when killed).
#
#   scripts/gpu-check.sh [OUT_DIR]     (default: $OUT, else runs/gpu-check)
# Environment:
#   FL_GPU_CHECK_SECONDS  total budget in seconds (default 540)
#   FL_CUDA_ARCH          CUDA architectures to build (default 90: H100/H200)
#   FL_BENCH_FILTER       Google Benchmark regex (default "cuda": every benchmark with a CUDA variant,
#                         named .../cuda/... or ..._cuda)
#   FL_GPU_CHECK_BUILD    build directory (default build/gpu-check)
#   FL_GPU_DEPS           folder of carried .deb files (default .gpu-deps; see scripts/gpu-deps.sh)
# Outputs (at most 6 files, so that a device tool returning only a few files loses nothing):
#   summary.txt           environment, one line per step, the verdict
#   logs.tar.gz           every step's full log (refreshed after each step)
#   gpu-tests.junit.xml   ctest --output-junit
#   gpu-tests.txt         the ctest log (failures and skips at a glance)
#   bench-cuda.json       Google Benchmark JSON;  bench-cuda.md: the same as a markdown table
# Exit status: 0 when every step succeeded, else 1.
set -euo pipefail

cd "$(dirname "$0")/.."
repo=$(pwd)
out="${1:-${OUT:-runs/gpu-check}}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
budget="${FL_GPU_CHECK_SECONDS:-540}"
arch="${FL_CUDA_ARCH:-90}"
filter="${FL_BENCH_FILTER:-cuda}"
build="${FL_GPU_CHECK_BUILD:-build/gpu-check}"
deps_dir="${FL_GPU_DEPS:-.gpu-deps}"
deadline=$(( $(date +%s) + budget ))
logs="$repo/$build/logs"
mkdir -p "$logs"
summary="$out/summary.txt"
: > "$summary"
failed=0

note() { echo "$*" | tee -a "$summary"; }
# Packs the step logs into $out (one file), so a partial run still returns all of them.
save_logs() { tar -C "$logs" -czf "$out/logs.tar.gz" . 2> /dev/null || true; }
# Also every 20 s in the background: a run killed from outside (SIGKILL, no trap) still
# leaves the logs of the step that was running.
( while sleep 20; do save_logs; done ) &
saver=$!
finish() {
  kill "$saver" 2> /dev/null || true
  save_logs
  if [ "$failed" -eq 0 ]; then note "verdict: OK"; else note "verdict: FAILED"; fi
}
trap finish EXIT
trap 'note "interrupted"; failed=1; exit 1' INT TERM

for dir in /usr/local/cuda/bin /usr/local/cuda-13/bin; do
  [ -x "$dir/nvcc" ] && export PATH="$dir:$PATH" && break
done

# step NAME RESERVE CMD...: runs CMD with its output in $logs/NAME.log, killed RESERVE seconds
# before the deadline (the time kept for the later steps). Returns CMD's status; never exits.
step() {
  local name="$1" reserve="$2"
  shift 2
  local left=$(( deadline - $(date +%s) - reserve ))
  if [ "$left" -le 5 ]; then
    note "$name: SKIPPED (time budget spent)"
    return 1
  fi
  local start rc=0
  start=$(date +%s)
  echo "== $name (limit ${left}s)"
  timeout --signal=TERM --kill-after=10 "$left" "$@" > "$logs/$name.log" 2>&1 || rc=$?
  local took=$(( $(date +%s) - start ))
  if [ $rc -eq 0 ]; then
    note "$name: ok (${took}s)"
  elif [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
    note "$name: TIMEOUT after ${took}s"
  else
    note "$name: FAILED rc=$rc (${took}s), see logs.tar.gz:$name.log"
  fi
  [ $rc -eq 0 ] || tail -n 40 "$logs/$name.log"
  save_logs
  return $rc
}
# must_step: a failed step ends the check (nothing after it can run).
must_step() { step "$@" || { failed=1; exit 1; }; }

{
  echo "date: $(date -u +%FT%TZ)"
  echo "git: $(git rev-parse --short=12 HEAD 2> /dev/null || echo unknown)$(git diff --quiet 2> /dev/null || echo ' (modified)')"
  echo "host: $(uname -srm), $(nproc) cores, budget ${budget}s, arch ${arch}"
  if command -v nvidia-smi > /dev/null; then
    nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv,noheader || true
  fi
  if command -v nvcc > /dev/null; then nvcc --version | tail -n 2; fi
  echo "cmake: $(cmake --version | head -n 1), ninja $(ninja --version 2> /dev/null || echo missing)"
} 2>&1 | tee -a "$summary"

# The GPU machine has CUDA, CMake and ninja but neither the Debian dev packages nor a network:
# the .debs travel in $deps_dir (scripts/gpu-deps.sh fetch) and are unpacked under the build
# directory, where CMake is pointed at them. A machine that has the packages needs none.
if compgen -G "$deps_dir/*.deb" > /dev/null; then
  root="$repo/$build/deps-root"
  must_step deps 360 bash -c 'set -e; for deb in "$1"/*.deb; do dpkg-deb -x "$deb" "$2"; done' _ "$deps_dir" "$root"
  # A system libgfortran (newer) is preferred to the carried one.
  if ldconfig -p 2> /dev/null | grep -q 'libgfortran.so.5 '; then rm -f "$root"/usr/lib/x86_64-linux-gnu/libgfortran.so.5*; fi
  multiarch="$root/usr/lib/x86_64-linux-gnu"
  export CMAKE_PREFIX_PATH="$root/usr${CMAKE_PREFIX_PATH:+:$CMAKE_PREFIX_PATH}"
  # OpenBLAS lives in a subfolder (Debian's alternatives links are not made by dpkg-deb -x):
  # the linker and the loader find liblapack.so.3/libblas.so.3 there.
  export CMAKE_LIBRARY_PATH="$multiarch/openblas-pthread:$multiarch"
  export LD_LIBRARY_PATH="$multiarch/openblas-pthread:$multiarch${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  note "deps: using the carried packages ($(ls "$deps_dir"/*.deb | wc -l) .debs)"
fi

# Reserves: configure and build leave ~3 min for info, tests and benchmarks.
must_step configure 360 cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DFL_ENABLE_CUDA=ON \
  -DCMAKE_CUDA_ARCHITECTURES="$arch" -DFL_BUILD_TESTS=ON -DFL_BUILD_BENCH=ON
grep -q "CUDA backend ON" "$logs/configure.log" || { note "configure: CUDA backend not enabled"; failed=1; exit 1; }

# Only what this check runs: the program, the gpu test executables and the benchmarks.
targets=$(ninja -C "$build" -t targets all 2> /dev/null || true)  # whole list first: no SIGPIPE
gpu_targets=$(sed -n 's/^\([A-Za-z0-9_]*_gpu_tests\): .*/\1/p' <<< "$targets" | grep -v '^cmake_' | sort -u | tr '\n' ' ' || true)
bench_target=""
if grep -q '^fieldlearn-bench:' <<< "$targets"; then bench_target=fieldlearn-bench; fi
note "gpu test targets: ${gpu_targets:-none}"
# shellcheck disable=SC2086  # word splitting of the target lists is intended
must_step build 180 cmake --build "$build" -j "$(nproc)" --target fieldlearn $gpu_targets $bench_target

if step info 170 "$build/fieldlearn" info && grep -q "cuda *available" "$logs/info.log"; then
  grep -i cuda "$logs/info.log" | tee -a "$summary"
else
  note "info: no usable CUDA device reported"
  failed=1
fi

# Each test executable is its own process (CUDA context + handles): a few share the GPU.
step gpu-tests 80 env OMP_NUM_THREADS=4 ctest --test-dir "$build" -L gpu -j 4 --output-on-failure \
  --timeout 240 --output-junit "$out/gpu-tests.junit.xml" || failed=1
cp "$logs/gpu-tests.log" "$out/gpu-tests.txt" 2> /dev/null || true
grep -E "tests passed|Total Test time" "$logs/gpu-tests.log" 2> /dev/null | tee -a "$summary" || true
# A skipped gpu test on a GPU machine means the device was not usable: count it as a failure.
if grep -q "Skipped" "$logs/gpu-tests.log" 2> /dev/null; then
  note "gpu-tests: some tests were SKIPPED on a GPU machine"
  failed=1
fi

if [ -n "$bench_target" ]; then
  step bench 15 "$build/bench/fieldlearn-bench" --benchmark_filter="$filter" --benchmark_min_time=0.2 \
    --benchmark_out="$out/bench-cuda.json" --benchmark_out_format=json || failed=1
  if [ -s "$out/bench-cuda.json" ] && command -v python3 > /dev/null; then
    python3 bench/json_to_markdown.py "$out/bench-cuda.json" > "$out/bench-cuda.md" 2>&1 || true
  fi
  errors=$(grep -c '"error_occurred": true' "$out/bench-cuda.json" 2> /dev/null || true)
  if [ "${errors:-0}" -gt 0 ]; then
    note "bench: ${errors} benchmarks reported an error (see bench-cuda.json)"
    failed=1
  fi
else
  note "bench: fieldlearn-bench not configured"
  failed=1
fi

# Memory and shared-memory race checks of the backend's own kernels with the time left, when
# the toolkit ships compute-sanitizer and the device accepts it (it does not under gVisor).
# Optional: skipped for lack of time is not a failure; an error it finds is.
sanitizer=$(command -v compute-sanitizer || ls /usr/local/cuda/compute-sanitizer/compute-sanitizer 2> /dev/null || true)
core_gpu="$build/tests/core_gpu_tests"
# sanitize TOOL FILTER: a run that reports errors fails the check; a sanitizer that cannot
# attach to the device (e.g. "Device not supported" under gVisor) is only noted.
sanitize() {
  local tool="$1" filter="$2"
  [ $(( deadline - $(date +%s) )) -gt 40 ] || { note "$tool: not run (too little time left)"; return 0; }
  step "$tool" 5 "$sanitizer" --tool "$tool" --error-exitcode 1 "$core_gpu" --gtest_filter="$filter" && return 0
  if grep -qE "Device not supported|error 999|Target application terminated before first instrumented" "$logs/$tool.log"; then
    note "$tool: compute-sanitizer cannot attach to this device (not counted as a failure)"
  else
    failed=1
  fi
}
if [ -n "$sanitizer" ] && [ -x "$core_gpu" ]; then
  sanitize racecheck '*Syrk*:*RowAndColumnSums*:*ReductionsAgree*'
  sanitize memcheck '-*LargeFills*:*BeyondOneGrid*:*ExtremeShapes*:*NormalMatchesCpu*:*UniformIsUniform*'
else
  note "sanitizer: compute-sanitizer not installed"
fi

echo "== summary ($out)"
exit $failed
