#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan; CMake preset `fuzz`) and runs each one
# for the given number of seconds, one after the other, single job.
#   scripts/fuzz.sh [SECONDS] [TARGET...]      default: 300 s, targets npy_fuzz config_fuzz
# The seed corpora (fuzz/corpus/<name>/) stay untouched; inputs found while fuzzing go to
# build/fuzz/corpus/<name>/ and crashing inputs to build/fuzz/artifacts/. Exit status is
# non-zero when a fuzzer finds a crash.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-300}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(npy_fuzz config_fuzz)

command -v clang++ >/dev/null || { echo "error: clang++ not found (apt-get install clang libclang-rt-14-dev)" >&2; exit 2; }
build=build/fuzz
cmake --preset fuzz >/dev/null
cmake --build "$build" --target "${targets[@]}" -j "${JOBS:-2}"

status=0
for target in "${targets[@]}"; do
  name=${target%_fuzz}
  corpus=$build/corpus/$name
  mkdir -p "$corpus" "$build/artifacts"
  log=$build/$target.log
  echo "== $target for ${seconds}s (log: $log)"
  if "$build/fuzz/$target" -max_total_time="$seconds" -print_final_stats=1 \
      -dict="fuzz/$name.dict" -artifact_prefix="$build/artifacts/${name}-" \
      "$corpus" "fuzz/corpus/$name" >"$log" 2>&1; then
    grep -E '^Done [0-9]+ runs' "$log" || true
    grep -E 'stat::number_of_executed_units|stat::peak_rss_mb|cov:' "$log" | tail -n 3 || true
  else
    status=1
    echo "!! $target found a problem; see $log and $build/artifacts/" >&2
    grep -E 'ERROR|SUMMARY|runtime error' "$log" | head -n 5 >&2 || true
  fi
done
exit $status
