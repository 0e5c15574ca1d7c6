#!/usr/bin/env bash
# The one script a session with a lent GPU runs: configure with CUDA, build, `fieldlearn
# info`, the gpu-labelled tests, and the CUDA benchmarks as JSON. Every step is logged under
# the output directory and bounded so the whole check ends within the time budget.
#
#   scripts/gpu-check.sh [OUT_DIR]     (default: $OUT, else runs/gpu-check)
# Environment:
#   FL_GPU_CHECK_SECONDS  total budget in seconds (default 540)
#   FL_CUDA_ARCH          CUDA architectures to build (default 90: H100/H200)
#   FL_BENCH_FILTER       Google Benchmark regex (default: every benchmark on the cuda backend)
#   FL_GPU_CHECK_BUILD    build directory (default build/gpu-check)
# Outputs: summary.txt, environment.txt, <step>.log, gpu-tests.junit.xml, bench-cuda.json,
# bench-cuda.md (the same numbers as a markdown table), and memcheck/racecheck logs when
# compute-sanitizer is installed.
# Exit status: 0 when every step succeeded, else 1; summary.txt lists each step's status.
set -uo pipefail

cd "$(dirname "$0")/.."
out="${1:-${OUT:-runs/gpu-check}}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
budget="${FL_GPU_CHECK_SECONDS:-540}"
arch="${FL_CUDA_ARCH:-90}"
filter="${FL_BENCH_FILTER:-/cuda/}"
build="${FL_GPU_CHECK_BUILD:-build/gpu-check}"
deadline=$(( $(date +%s) + budget ))
summary="$out/summary.txt"
: > "$summary"
failed=0

for dir in /usr/local/cuda/bin /usr/local/cuda-13/bin; do
  [ -x "$dir/nvcc" ] && export PATH="$dir:$PATH" && break
done

# step NAME CMD...: runs CMD with stdout+stderr in $out/NAME.log, killed at the deadline
# (minus a reserve kept for the later steps).
step() {
  local name="$1" reserve="$2"
  shift 2
  local left=$(( deadline - $(date +%s) - reserve ))
  if [ "$left" -le 5 ]; then
    echo "$name: skipped (time budget spent)" | tee -a "$summary"
    failed=1
    return 1
  fi
  local start=$(date +%s)
  echo "== $name (limit ${left}s)"
  timeout --signal=TERM --kill-after=10 "$left" "$@" > "$out/$name.log" 2>&1
  local rc=$?
  local took=$(( $(date +%s) - start ))
  if [ $rc -eq 0 ]; then
    echo "$name: ok (${took}s)" | tee -a "$summary"
  else
    [ $rc -eq 124 ] && echo "$name: TIMEOUT after ${took}s" | tee -a "$summary" ||
      echo "$name: FAILED rc=$rc (${took}s), see $name.log" | tee -a "$summary"
    tail -n 30 "$out/$name.log"
    failed=1
  fi
  return $rc
}

{
  echo "date: $(date -u +%FT%TZ)"
  echo "git: $(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
  echo "host: $(uname -srm), $(nproc) cores"
  command -v nvidia-smi > /dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv
  command -v nvcc > /dev/null && nvcc --version | tail -n 2
} > "$out/environment.txt" 2>&1
cat "$out/environment.txt"

# Reserves: the build leaves ~3 min for tests and benchmarks, the tests ~1.5 min for benchmarks.
step configure 240 cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DFL_ENABLE_CUDA=ON \
  -DCMAKE_CUDA_ARCHITECTURES="$arch" -DFL_BUILD_TESTS=ON -DFL_BUILD_BENCH=ON || { cat "$summary"; exit 1; }
grep -q "CUDA backend ON" "$out/configure.log" || { echo "configure: CUDA backend not enabled" | tee -a "$summary"; exit 1; }

# Only what this check runs: the program, the gpu test executables and the benchmarks.
targets=$(ninja -C "$build" -t targets all 2>/dev/null)  # whole list first: no SIGPIPE under pipefail
gpu_targets=$(sed -n 's/^\([A-Za-z0-9_]*_gpu_tests\): .*/\1/p' <<< "$targets" | grep -v '^cmake_' | sort -u | tr '\n' ' ')
bench_target=$(grep -q '^fieldlearn-bench:' <<< "$targets" && echo fieldlearn-bench)
echo "gpu test targets: ${gpu_targets:-none}" | tee -a "$summary"
step build 180 cmake --build "$build" -j "$(nproc)" --target fieldlearn $gpu_targets $bench_target ||
  { cat "$summary"; exit 1; }

step info 170 "$build/fieldlearn" info
grep -q "cuda *available" "$out/info.log" || { echo "info: no usable CUDA device reported" | tee -a "$summary"; failed=1; }

# Each test is its own process (CUDA context + handles): run a few at once on the one GPU.
step gpu-tests 90 env OMP_NUM_THREADS=4 ctest --test-dir "$build" -L gpu -j 4 --output-on-failure --timeout 300 \
  --output-junit "$out/gpu-tests.junit.xml"
# A skipped gpu test on a GPU machine means the device was not usable: count it as a failure.
if grep -q "Skipped" "$out/gpu-tests.log"; then
  echo "gpu-tests: some tests were SKIPPED on a GPU machine" | tee -a "$summary"
  failed=1
fi

if [ -n "$bench_target" ]; then
  step bench 60 "$build/bench/fieldlearn-bench" --benchmark_filter="$filter" --benchmark_min_time=0.2 \
    --benchmark_format=json --benchmark_out="$out/bench-cuda.json" --benchmark_out_format=json
  if [ -s "$out/bench-cuda.json" ] && command -v python3 > /dev/null; then
    python3 bench/json_to_markdown.py "$out/bench-cuda.json" > "$out/bench-cuda.md" 2>&1
  fi
  errors=$(grep -c '"error_occurred": true' "$out/bench-cuda.json" 2>/dev/null)
  if [ "${errors:-0}" -gt 0 ]; then
    echo "bench: ${errors} benchmarks reported an error (see bench-cuda.json)" | tee -a "$summary"
    failed=1
  fi
else
  echo "bench: fieldlearn-bench not configured" | tee -a "$summary"
fi

# Memory and shared-memory race checks of the backend's own kernels, when the toolkit ships
# compute-sanitizer (full CUDA installs do; minimal ones do not). Small-size tests only:
# the sanitizer slows kernels down by orders of magnitude.
sanitizer=$(command -v compute-sanitizer || ls /usr/local/cuda/compute-sanitizer/compute-sanitizer 2>/dev/null)
core_gpu="$build/tests/core_gpu_tests"
if [ -n "$sanitizer" ] && [ -x "$core_gpu" ]; then
  step memcheck 60 "$sanitizer" --tool memcheck --error-exitcode 1 "$core_gpu" \
    --gtest_filter='-*LargeFills*:*BeyondOneGrid*:*ExtremeShapes*:*NormalMatchesCpu*:*UniformIsUniform*'
  step racecheck 0 "$sanitizer" --tool racecheck --error-exitcode 1 "$core_gpu" \
    --gtest_filter='*Syrk*:*RowAndColumnSums*:*ReductionsAgree*'
else
  echo "sanitizer: compute-sanitizer not installed, skipped" | tee -a "$summary"
fi

echo "== summary ($out)"
cat "$summary"
exit $failed
