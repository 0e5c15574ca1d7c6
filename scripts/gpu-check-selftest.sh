#!/usr/bin/env bash
# Self-test of scripts/gpu-check.sh's control flow, in seconds and without a GPU or a build:
# cmake, ninja, ctest, compute-sanitizer and the built programs are replaced by stubs, and
# each scenario checks the exit status, the summary lines and the files left in OUT_DIR.
#   scripts/gpu-check-selftest.sh        (prints one line per scenario; exit 1 on a failure)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; rm -rf "$repo/build/gpu-check-selftest"' EXIT
build=build/gpu-check-selftest
mkdir -p "$tmp/bin"

stub() { printf '#!/usr/bin/env bash\n%s\n' "$2" > "$tmp/bin/$1"; chmod +x "$tmp/bin/$1"; }
# cmake: configure creates the stub programs; --build fails when MOCK_BUILD_FAILS is set.
stub cmake '
case " $* " in
  *" --version "*) echo "cmake version 3.99 (stub)";;
  *" --build "*) [ -z "${MOCK_BUILD_FAILS:-}" ] || { echo "error: build broke"; exit 2; };;
  *) b=""; prev=""; for a in "$@"; do [ "$prev" = "-B" ] && b="$a"; prev="$a"; done
     mkdir -p "$b/tests" "$b/bench"
     printf "#!/usr/bin/env bash\necho \"  cuda     available: 1 device(s)\"\n" > "$b/fieldlearn"
     printf "#!/usr/bin/env bash\nexit 0\n" > "$b/tests/core_gpu_tests"
     cp "$MOCK_BIN/bench-stub" "$b/bench/fieldlearn-bench"
     chmod +x "$b/fieldlearn" "$b/tests/core_gpu_tests" "$b/bench/fieldlearn-bench"
     echo "-- fieldlearn: CUDA backend ON";;
esac'
stub ninja '
if [ "${1:-}" = "--version" ]; then echo 1.99; exit 0; fi
printf "core_gpu_tests: phony\nflows_gpu_tests: phony\ncmake_object_order_depends_target_core_gpu_tests: phony\nfieldlearn-bench: phony\n"'
stub ctest '
for a in "$@"; do [ "${prev:-}" = "--output-junit" ] && j="$a"; prev="$a"; done
echo "<testsuite tests=\"2\"/>" > "$j"
if [ -n "${MOCK_SKIP:-}" ]; then echo "  2 - GpuX.Y (Skipped)"; fi
echo "100% tests passed, 0 tests failed out of 2"'
stub bench-stub '
for a in "$@"; do case "$a" in --benchmark_out=*) o="${a#--benchmark_out=}";; esac; done
err=false; [ -z "${MOCK_BENCH_ERROR:-}" ] || err=true
echo "{\"benchmarks\": [{\"name\": \"BM_x/cuda/8\", \"run_type\": \"iteration\", \"real_time\": 1.5, \"time_unit\": \"ms\", \"error_occurred\": $err}]}" > "$o"'
stub compute-sanitizer '
if [ -n "${MOCK_SANITIZER_OK:-}" ]; then echo "========= ERROR SUMMARY: 0 errors"; exit 0; fi
if [ -n "${MOCK_RACE:-}" ]; then echo "========= RACECHECK SUMMARY: 1 hazard displayed"; exit 1; fi
echo "========= Error: Device not supported"; exit 1'

# A one-file package standing in for the carried .debs.
mkdir -p "$tmp/pkg/DEBIAN" "$tmp/pkg/usr/include" "$tmp/debs"
printf 'Package: fl-fake\nVersion: 1\nArchitecture: all\nMaintainer: none\nDescription: stub\n' > "$tmp/pkg/DEBIAN/control"
touch "$tmp/pkg/usr/include/fl_fake.h"
dpkg-deb --build "$tmp/pkg" "$tmp/debs/fl-fake.deb" > /dev/null

failures=0
# scenario NAME EXPECTED_RC "grep pattern that summary.txt must contain" EXPECTED_FILE_COUNT [VAR=value...]
scenario() {
  local name="$1" want_rc="$2" pattern="$3" want_files="$4"
  shift 4
  local out="$tmp/out-$name" rc=0
  env MOCK_BIN="$tmp/bin" PATH="$tmp/bin:$PATH" FL_GPU_DEPS=/nonexistent FL_GPU_CHECK_BUILD="$build" \
    FL_GPU_CHECK_SECONDS=500 "$@" scripts/gpu-check.sh "$out" > "$tmp/$name.log" 2>&1 || rc=$?
  local files
  files=$(find "$out" -type f | wc -l)
  if [ "$rc" = "$want_rc" ] && grep -q -- "$pattern" "$out/summary.txt" && [ "$files" = "$want_files" ]; then
    echo "ok   $name"
  else
    echo "FAIL $name: rc=$rc (want $want_rc), files=$files (want $want_files), summary:"
    sed 's/^/     /' "$out/summary.txt"
    failures=$((failures + 1))
  fi
}

scenario all-pass 0 "memcheck: ok" 6 MOCK_SANITIZER_OK=1
scenario sanitizer-cannot-attach 0 "cannot attach to this device" 6
scenario skipped-test 1 "SKIPPED on a GPU machine" 6 MOCK_SKIP=1
scenario bench-error 1 "1 benchmarks reported an error" 6 MOCK_BENCH_ERROR=1
scenario race-found 1 "racecheck: FAILED" 6 MOCK_RACE=1
scenario build-fails 1 "build: FAILED" 2 MOCK_BUILD_FAILS=1
scenario carried-deps 0 "deps: using the carried packages (1 .debs)" 6 MOCK_SANITIZER_OK=1 FL_GPU_DEPS="$tmp/debs"
scenario no-time 1 "configure: SKIPPED (time budget spent)" 2 FL_GPU_CHECK_SECONDS=300
exit $((failures > 0))
