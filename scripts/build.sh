#!/usr/bin/env bash
# Configures and builds one build tree. Usage: scripts/build.sh [release|asan|fuzz]
#   release  build/       the gateway as shipped, unit tests
#   asan     build-asan/  ASan+UBSan: the gateway and unit tests for the sanitized suites, and the libFuzzer
#                         targets (build-asan/fuzz/fuzz_*) with edge coverage: one tree for both in CI
#   fuzz     build-fuzz/  the libFuzzer targets alone, with full coverage (comparison tracing too), for
#                         long fuzzing sessions
set -euo pipefail
cd "$(dirname "$0")/.."
kind="${1:-release}"
export CCACHE_SLOPPINESS="pch_defines,time_macros,include_file_mtime,include_file_ctime"
export CCACHE_DIR="${CCACHE_DIR:-$PWD/.cache/ccache}"
case "$kind" in
  release) dir=build; args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo) ;;
  asan) dir=build-asan; args=(-DCMAKE_BUILD_TYPE=Debug -DHEIMDALL_SANITIZE=ON -DHEIMDALL_FUZZ=ON -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++) ;;
  fuzz) dir=build-fuzz; args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DHEIMDALL_FUZZ=ON -DHEIMDALL_TESTS=OFF -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++) ;;
  *) echo "usage: $0 [release|asan|fuzz]" >&2; exit 2 ;;
esac
# Configuring an existing tree again is quick, and picks up options added to this script since.
if [[ -f "$dir/CMakeCache.txt" ]]; then
  cmake -S . -B "$dir" "${args[@]}" >/dev/null
else
  cmake -S . -B "$dir" -G Ninja "${args[@]}" >/dev/null
fi
cmake --build "$dir"
